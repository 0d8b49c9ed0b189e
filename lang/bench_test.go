package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLargeFolder generates a spec folder of files×perFile metrics: a
// sources file, and files of metrics (means, ratios, proportions,
// quantiles, metrics built on metrics), each with an experiment using
// them.
func writeLargeFolder(tb testing.TB, dir string, files, perFile int) {
	tb.Helper()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("sources.cal", `source events {
  from parquet("data/events.parquet")
  time ts
  columns {
    user_id    string
    ts         timestamp
    event      string
    surface    string
    revenue    float
    latency_ms float
  }
}

source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  ts timestamp  experiment string  variant string }
}
`)
	for f := 0; f < files; f++ {
		var b strings.Builder
		var names []string
		for i := 0; i < perFile; i++ {
			name := fmt.Sprintf("m_%03d_%02d", f, i)
			names = append(names, name)
			ev := fmt.Sprintf("event_%d", (f*perFile+i)%37)
			var value string
			switch i % 5 {
			case 0:
				value = fmt.Sprintf(`count(events where event == %q and surface in ["home", "search"])`, ev)
			case 1:
				value = fmt.Sprintf(`sum(events.revenue where event == %q) / count(events where event == "impression")`, ev)
			case 2:
				value = fmt.Sprintf(`any(events where event == %q and revenue > 10)`, ev)
			case 3:
				value = fmt.Sprintf(`quantile(events.latency_ms where event == %q, 0.9)`, ev)
			case 4:
				value = fmt.Sprintf("%s + 2 * count(events where lower(event) == %q)", names[i-4], ev)
			}
			fmt.Fprintf(&b, "// Metric %d of file %d.\nmetric %s {\n  title       \"Metric %s\"\n  description \"Generated for the benchmark.\"\n  owner       \"team-%d\"\n", i, f, name, name, f%7)
			if i%5 == 3 {
				b.WriteString("  direction   decrease\n")
			}
			fmt.Fprintf(&b, "  value       %s\n}\n\n", value)
		}
		fmt.Fprintf(&b, `experiment exp_%03d {
  exposures  exposures where experiment == "exp_%03d"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    %s
  secondary  %s
  guardrail  %s within 2%%
}
`, f, f, names[0], strings.Join(names[1:3], ", "), names[3])
		write(fmt.Sprintf("metrics_%03d.cal", f), b.String())
	}
}

// BenchmarkCheck loads (reads, parses and checks) a folder of 1,000
// metrics and 100 experiments in 100 files.
func BenchmarkCheck(b *testing.B) {
	dir := b.TempDir()
	writeLargeFolder(b, dir, 100, 10)
	res := Load(dir)
	if len(res.Diags) > 0 || len(res.Package.Metrics) != 1000 {
		b.Fatalf("%d metrics, diagnostics: %v", len(res.Package.Metrics), res.Diags)
	}
	b.ResetTimer()
	for b.Loop() {
		Load(dir)
	}
}

// The benchmark's folder checks cleanly, well within a second.
func TestLargeFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	writeLargeFolder(t, dir, 100, 10)
	res := Load(dir)
	if len(res.Diags) > 0 || len(res.Package.Metrics) != 1000 || len(res.Package.Experiments) != 100 {
		t.Fatalf("%d metrics, %d experiments, diagnostics: %v", len(res.Package.Metrics), len(res.Package.Experiments), res.Diags)
	}
}
