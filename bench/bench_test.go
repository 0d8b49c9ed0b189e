package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// The Go benchmarks, in-process (run.sh times the CLI in child processes
// and adds peak memory):
//
//	go test ./bench -run '^$' -bench . -benchtime 3x
//	CALIPER_BENCH_EVENTS=10000000 go test ./bench -run '^$' -bench 'Fused|Caliper' -benchtime 3x
//
// The data (CALIPER_BENCH_EVENTS events, default 1M) is generated once and
// cached under the system temp folder.

// benchDir returns the cached data set of CALIPER_BENCH_EVENTS events.
func benchDir(b *testing.B) string {
	events := 1_000_000
	if s := os.Getenv("CALIPER_BENCH_EVENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("CALIPER_BENCH_EVENTS: %v", err)
		}
		events = n
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("caliper-bench-%d", events))
	rows, err := Data(dir, events)
	if err != nil {
		b.Fatal(err)
	}
	if rows > 0 {
		b.Logf("generated %d events in %s", rows, dir)
	}
	return dir
}

// runSpec loads and runs a spec folder in-process, as `caliper run` does
// (minus rendering), and returns the number of results.
func runSpec(b *testing.B, dir string) int {
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		b.Fatal(res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	rep, diags := runtime.Run(context.Background(), eng, res.Package)
	if diags.HasErrors() {
		b.Fatal(diags.Err())
	}
	return len(rep.Targets[0].Results)
}

// BenchmarkFused is the baseline of (a): the hand-written fused query.
func BenchmarkFused(b *testing.B) {
	dir := benchDir(b)
	q := Fused(filepath.Join(dir, "data"))
	ctx := context.Background()
	for b.Loop() {
		eng, err := engine.OpenDuckDB("")
		if err != nil {
			b.Fatal(err)
		}
		t, err := eng.Query(ctx, q)
		eng.Close()
		if err != nil || len(t.Rows) != 2 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaliper runs the 1-, 5- and 50-metric specs: (a) is metrics=5
// against BenchmarkFused, (b) metrics=50 against metrics=1.
func BenchmarkCaliper(b *testing.B) {
	dir := benchDir(b)
	for _, n := range []int{1, 5, 50} {
		b.Run(fmt.Sprintf("metrics=%d", n), func(b *testing.B) {
			for b.Loop() {
				if got := runSpec(b, filepath.Join(dir, fmt.Sprintf("spec%d", n))); got != n {
					b.Fatalf("%d results, want %d", got, n)
				}
			}
		})
	}
}

// BenchmarkAnalyze is (c): the statistics layer alone (comparisons,
// corrections, heterogeneity, decisions) on 5 variants × 50 metrics × 20
// segment values, from an in-memory result table.
func BenchmarkAnalyze(b *testing.B) {
	plan, tab, err := AnalyzeInput(5, 20)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := runtime.Analyze(plan, tab); err != nil {
			b.Fatal(err)
		}
	}
}

// The benchmark inputs stay valid as the language and compiler change:
// the specs check, and the in-memory table analyses to one result per
// metric, treatment and slice (overall and 20 segment values).
func TestInputs(t *testing.T) {
	for _, n := range []int{1, 5, 50} {
		res := lang.LoadSource(filepath.Join(t.TempDir(), "bench.cal"), Spec(n, "data"))
		if res.Diags.HasErrors() {
			t.Fatalf("spec%d: %v", n, res.Diags.Err())
		}
		if got := len(res.Package.Targets[0].Metrics); got != n {
			t.Errorf("spec%d has %d metrics", n, got)
		}
	}
	plan, tab, err := AnalyzeInput(5, 20)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := runtime.Analyze(plan, tab)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(tg.Results), 4*50*21; got != want {
		t.Errorf("%d results, want %d", got, want)
	}
	for _, r := range tg.Results {
		if r.PValue == nil {
			t.Fatalf("%s %s %v: not estimated: %v", r.Metric, r.Variant, r.Segment, r.Notes)
		}
	}
}

// Data writes the specs next to a (small) data set, and `caliper run`'s
// path through them works: the 5-metric spec agrees with Fused.
func TestDataAndFused(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and runs 50k events")
	}
	dir := t.TempDir()
	if _, err := Data(dir, 50_000); err != nil {
		t.Fatal(err)
	}
	// The specs read ../data, outside their folders: granted as a data
	// root, as bench/run.sh grants it with --data-root.
	res := lang.LoadWith(filepath.Join(dir, "spec5"), lang.Options{DataRoots: []string{filepath.Join(dir, "data")}})
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rep, diags := runtime.Run(context.Background(), eng, res.Package)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	fused, err := eng.Query(context.Background(), Fused(filepath.Join(dir, "data")))
	if err != nil {
		t.Fatal(err)
	}
	// Fused's columns 1 and 2 are each variant's units and Σ saves.
	tg := rep.Targets[0]
	for _, row := range fused.Rows {
		v := fmt.Sprint(row[0])
		units, err1 := engine.Float(row[1])
		saves, err2 := engine.Float(row[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: units %v, saves %v", v, err1, err2)
		}
		if got := float64(tg.Units[v]); got != units {
			t.Errorf("%s: caliper %g units, fused %g", v, got, units)
		}
		for _, r := range tg.Results {
			if r.Metric != "saves_per_user" || r.Segment != nil {
				continue
			}
			arm := r.Treatment
			if v == tg.Control {
				arm = r.Control
			}
			if got := float64(*arm.Mean) * float64(arm.Units); abs(got-saves) > 1e-6*saves {
				t.Errorf("%s: caliper Σ saves %g, fused %g", v, got, saves)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
