package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/confine"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// compile --dialect prints what the dialect goldens hold; --target is its
// old name; file sources are an error outside DuckDB.
func TestCompileDialects(t *testing.T) {
	const corpus = "../../testdata/dialects"
	for _, d := range dialect.All {
		code, out, errs := run("compile", corpus, "--dialect", d.Name)
		if code != 0 {
			t.Fatalf("compile --dialect %s: exit %d: %s", d.Name, code, errs)
		}
		want, err := os.ReadFile(filepath.Join(corpus, d.Name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		if out+"\n" != string(want) {
			t.Errorf("compile --dialect %s differs from %s.sql", d.Name, d.Name)
		}
	}
	cases := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"compile", corpus, "--target", "bigquery"}, 0, "MIN_BY(CAST(`country` AS STRING), `ts`)", ""},
		{[]string{"compile", corpus, "--target", "spark", "--dialect", "trino"}, 2, "", "disagree"},
		{[]string{"compile", corpus, "--dialect", "oracle"}, 2, "", `unknown dialect "oracle" (supported: duckdb, postgres, spark, bigquery, snowflake, trino)`},
		{[]string{"compile", "../../examples/homefeed", "--dialect", "snowflake"}, 2, "", `source exposures reads files with csv("`},
		{[]string{"run", "../../examples/homefeed", "--engine", "mysql://x"}, 2, "", "unknown engine"},
		{[]string{"run", "../../examples/homefeed", "--threads", "-1"}, 2, "", "--threads must be between 1 and 4 per core"},
		{[]string{"run", "../../examples/homefeed", "--memory-limit", "lots"}, 2, "", "--memory-limit must be a positive size with a unit"},
		{[]string{"run", "../../examples/homefeed", "--engine", "postgres://nobody@127.0.0.1:1/x", "--threads", "2"}, 2, "", "DuckDB settings"},
		{[]string{"run", tiny, "--threads", "1", "--memory-limit", "1GB", "--temp-dir", t.TempDir()}, 0, "saves_per_user", ""},
		{[]string{"power", tiny, "--target", "tiny", "--mde", "5%", "--threads", "1"}, 0, "saves_per_user", ""},
		{[]string{"run", "../../examples/homefeed", "--target", "postgres"}, 2, "", "the engine is duckdb"},
	}
	for _, c := range cases {
		code, out, errs := run(c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) {
			t.Errorf("caliper %s: exit %d (want %d)\nstdout: %.300s\nstderr: %s", strings.Join(c.args, " "), code, c.code, out, errs)
		}
	}
}

// analyze reads the compiled query's result saved as CSV or JSON (rows in
// any order) and reports what run reports.
func TestAnalyzeStats(t *testing.T) {
	testenv.SkipShort(t, "runs the homefeed example twice")
	dir := t.TempDir()
	data, err := filepath.Abs("../../examples/homefeed/data")
	if err != nil {
		t.Fatal(err)
	}
	// The spec reads the example's data by absolute path: grant it.
	t.Setenv(confine.EnvDataRoot, data)
	src, err := os.ReadFile("../../examples/homefeed/sources.cal")
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.ReplaceAll(string(src), `"data/`, `"`+data+`/`)
	metrics, err := os.ReadFile("../../examples/homefeed/metrics.cal")
	if err != nil {
		t.Fatal(err)
	}
	spec += string(metrics) + `
experiment segmented {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  save_rate, purchasers, revenue_per_user
  guardrail  p90_latency_ms within 2%
  segment    country, platform
  cuped      2d
}
`
	if err := os.WriteFile(filepath.Join(dir, "spec.cal"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, want, errs := run("run", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	// The compiled query's result, as a warehouse would save it.
	res := lang.Load(dir)
	plan, err := compiler.Compile(res.Package.Targets[0], dialect.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	csvFile, jsonFile := filepath.Join(dir, "stats.csv"), filepath.Join(dir, "stats.json")
	for _, q := range []string{
		fmt.Sprintf("COPY (%s) TO '%s' (HEADER)", plan.SQL, csvFile),
		fmt.Sprintf("COPY (SELECT * FROM (%s) ORDER BY random()) TO '%s' (FORMAT json, ARRAY true)", plan.SQL, jsonFile),
	} {
		if _, err := eng.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// Rows in another order than the query's.
	raw, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	for i, j := 1, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	if err := os.WriteFile(csvFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var full struct {
		Targets []json.RawMessage `json:"targets"`
	}
	if err := json.Unmarshal([]byte(want), &full); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{csvFile, jsonFile} {
		code, got, errs := run("analyze", "--stats", f, "--spec", dir, "--target", "segmented", "--format", "json")
		if code != 0 {
			t.Fatalf("analyze %s: exit %d: %s", f, code, errs)
		}
		var doc struct {
			Targets []json.RawMessage `json:"targets"`
		}
		if err := json.Unmarshal([]byte(got), &doc); err != nil {
			t.Fatal(err)
		}
		// run also reports what only the exposures show (rows left out for a
		// missing unit, variant or time; window coverage): analyze --stats
		// reads per-variant statistics and cannot, so those are not compared.
		if len(doc.Targets) != 1 || !bytes.Equal(withoutRunOnly(t, doc.Targets[0]), withoutRunOnly(t, full.Targets[0])) {
			t.Errorf("analyze %s differs from run:\n%.2000s\nwant\n%.2000s", filepath.Base(f), got, full.Targets[0])
		}
	}
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"analyze", "--stats", filepath.Join(dir, "spec.cal"), "--spec", dir}, "must be a .csv or .json file"},
		{[]string{"analyze", "--stats", csvFile, "--spec", dir, "--target", "nope"}, `no experiment "nope"`},
		{[]string{"analyze", "--spec", dir}, `required flag(s) "stats" not set`},
	} {
		if code, _, errs := run(c.args...); code != 2 || !strings.Contains(errs, c.err) {
			t.Errorf("caliper %s: exit %d, stderr %s", strings.Join(c.args, " "), code, errs)
		}
	}
}

func compactJSON(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withoutRunOnly drops the target keys only run computes (excluded,
// coverage) and compacts the rest.
func withoutRunOnly(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "excluded")
	delete(m, "coverage")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
