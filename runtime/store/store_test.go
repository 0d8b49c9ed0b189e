package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/stdlib"
)

func f(v float64) *float64 { return &v }

// sampleRun is a run with an overall row, a row with nothing estimated, a
// segment row and a timeline row.
func sampleRun(id string, n int) *Run {
	k := 3
	run := &Run{ID: id, Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), Version: "v0.test",
		SpecPath: "/specs", SpecHash: "abc", DataFingerprint: "def",
		Sources: []DataSource{{Reader: "csv", Path: "data/x.csv", Size: 10, SHA256: "00"}}, Targets: 1}
	for i := 0; i < n; i++ {
		run.Rows = append(run.Rows, Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean",
			Role: "primary", Direction: "increase", Variant: "treatment", Control: "control",
			ControlUnits: 100, TreatmentUnits: 99, ControlValue: f(1.5), TreatmentValue: f(1.0 / 3),
			Estimate: f(0.1 + 0.2 + float64(i)), CILower: f(-1e-300), CIUpper: f(math.Pi), StdError: f(math.SmallestNonzeroFloat64),
			RelEstimate: f(0.123456789012345), RelCILower: f(-0.1), RelCIUpper: f(0.3), RelStdError: f(0.05),
			PValue: f(0.0123456789012345), PValueAdjusted: f(0.04), Significant: true, Method: "welch_t", Alpha: 0.05,
			Decision: "ship"})
	}
	run.Rows = append(run.Rows,
		Row{Target: "exp", TargetKind: "experiment", Metric: "flat", MetricKind: "ratio", Role: "secondary",
			Direction: "decrease", Variant: "treatment", Control: "control", Method: "delta", Alpha: 0.05},
		Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean", Role: "primary",
			Direction: "increase", Variant: "treatment", Control: "control", Segment: `{"country":"DE"}`,
			Estimate: f(2), CILower: f(1), CIUpper: f(3), StdError: f(0.5), Method: "welch_t", Alpha: 0.05},
		Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean", Role: "primary",
			Direction: "increase", Variant: "treatment", Control: "control", Period: &k, Timeline: "cumulative",
			PeriodStart: "2026-01-01 00:00:00", PeriodEnd: "2026-01-02 00:00:00", Method: "welch_t", Alpha: 0.05},
		Row{Target: "other", TargetKind: "benchmark", Metric: "ndcg@10", MetricKind: "offline", Variant: "v2",
			Control: "v1", Method: "paired_t", Alpha: 0.05})
	return run
}

func TestAppendHistory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "results.duckdb")
	s, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := sampleRun("a", 2), sampleRun("b", 1)
	for _, r := range []*Run{a, b} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if a.Seq != 1 || b.Seq != 2 {
		t.Errorf("seq %d %d", a.Seq, b.Seq)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenDuckDBReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.History(ctx, Query{Target: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	var want []Row
	for _, run := range []*Run{a, b} {
		for _, row := range run.Rows {
			if row.Target == "exp" {
				want = append(want, row)
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i].Row, want[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i].Row, want[i])
		}
	}
	run := got[0].Run
	if run.ID != "a" || run.Seq != 1 || !run.Time.Equal(a.Time) || a.Time.Nanosecond() != 123456000 ||
		run.Version != "v0.test" || run.SpecHash != "abc" || run.DataFingerprint != "def" || !reflect.DeepEqual(run.Sources, a.Sources) {
		t.Errorf("run %+v", run)
	}
	if got[len(got)-1].Run.ID != "b" {
		t.Errorf("last row's run %s", got[len(got)-1].Run.ID)
	}
	only, err := r.History(ctx, Query{Target: "exp", Metric: "flat"})
	if err != nil || len(only) != 2 || only[0].Row.Metric != "flat" || only[0].Row.Estimate != nil {
		t.Errorf("metric filter: %v %+v", err, only)
	}
	runs, err := r.Runs(ctx)
	if err != nil || len(runs) != 2 || runs[1].ID != "b" {
		t.Errorf("runs: %v %+v", err, runs)
	}
	if got[0].Row.Overall() == false || got[3].Row.Overall() || got[4].Row.Overall() {
		t.Errorf("Overall: %v %v %v", got[0].Row.Overall(), got[3].Row.Overall(), got[4].Row.Overall())
	}
	// The Num written from a stored figure is the report's.
	if n := Num(got[0].Row.Estimate); n == nil || *n != result.Num(0.1+0.2) {
		t.Errorf("Num: %v", n)
	}
}

func TestSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.duckdb")
	s, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); err != nil || v != "2" {
		t.Fatalf("schema_version %q %v", v, err)
	}
	if _, err := s.db.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenDuckDB(path); err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("newer schema: %v", err)
	}
	// A DuckDB file that is not a store is refused, not written into.
	other := filepath.Join(dir, "other.duckdb")
	db, err := sql.Open("duckdb", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := OpenDuckDB(other); err == nil || !strings.Contains(err.Error(), "not a Caliper results store") {
		t.Errorf("foreign file: %v", err)
	}
	if _, err := OpenDuckDBReadOnly(filepath.Join(dir, "none.duckdb")); err == nil || !strings.Contains(err.Error(), "no results store at") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.duckdb")); !os.IsNotExist(err) {
		t.Errorf("reading created the file")
	}
	if _, err := Open("postgres://localhost/x"); err == nil || !strings.Contains(err.Error(), "not supported yet") {
		t.Errorf("postgres: %v", err)
	}
}

// A schema 1 store (no relative method or gap columns) is read as it is
// when opened read-only, and migrated to schema 2 when opened for writing;
// an unbounded relative interval round-trips with null bounds and its gap.
func TestSchema1Migration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "results.duckdb")
	s, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, sampleRun("a", 1)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE results DROP COLUMN rel_method`, `ALTER TABLE results DROP COLUMN rel_gap_lower`,
		`ALTER TABLE results DROP COLUMN rel_gap_upper`, `UPDATE meta SET value = '1' WHERE key = 'schema_version'`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	ro, err := OpenDuckDBReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ro.History(ctx, Query{Target: "exp"})
	if err != nil || len(got) == 0 || got[0].Row.RelMethod != "" {
		t.Fatalf("schema 1 read-only history: %v %+v", err, got)
	}
	ro.Close()
	rw, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	run := sampleRun("b", 1)
	run.Rows[0].RelMethod, run.Rows[0].RelCILower, run.Rows[0].RelCIUpper = "fieller", nil, nil
	run.Rows[0].RelGapLower, run.Rows[0].RelGapUpper = f(-3.5), f(0.02)
	if err := rw.Append(ctx, run); err != nil {
		t.Fatal(err)
	}
	got, err = rw.History(ctx, Query{Target: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	var last *Row
	for i := range got {
		if got[i].Run.ID == "b" && got[i].Row.Metric == "m" && got[i].Row.Segment == "" && got[i].Row.Period == nil {
			last = &got[i].Row
		}
	}
	e := last.Relative()
	if e == nil || e.Method != "fieller" || !e.Unbounded || e.Gap == nil || e.Gap[0] != -3.5 ||
		!math.IsInf(float64(e.CILower), -1) || !math.IsInf(float64(e.CIUpper), 1) {
		t.Fatalf("unbounded relative after migration: %+v", e)
	}
	b, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(b), `"ci_lower":null,"ci_upper":null`) || !strings.Contains(string(b), `"unbounded":true`) {
		t.Errorf("unbounded relative JSON: %s %v", b, err)
	}
}

func TestSecondOpenInProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.duckdb")
	s, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, open := range []func(string) (*DuckDB, error){OpenDuckDB, OpenDuckDBReadOnly} {
		if _, err := open(path); !errors.Is(err, ErrInUse) {
			t.Errorf("second open: %v", err)
		}
	}
	s.Close()
	s, err = OpenDuckDB(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s.Close()
}

func TestRows(t *testing.T) {
	n := func(v float64) *result.Num { x := result.Num(v); return &x }
	k := 2
	rep := &result.Report{Targets: []*result.Target{
		{Kind: "experiment", Name: "e", Alpha: 0.05, Experiment: result.Experiment{Control: "c",
			Results: []*result.Result{
				{Metric: "m", Kind: "mean", Role: "primary", Direction: "increase", Variant: "t",
					Control: result.Arm{Units: 10, Mean: result.NumPtr(1)}, Treatment: result.Arm{Units: 11, Mean: result.NumPtr(2)},
					Absolute: &result.Effect{Estimate: 1, CILower: 0.5, CIUpper: 1.5, StdError: 0.25},
					Relative: &result.Effect{Estimate: 1, CILower: 0.4, CIUpper: 1.6, StdError: 0.3},
					PValue:   n(0.01), PValueAdjusted: n(0.02), Significant: true, Method: "welch_t"},
				{Metric: "m", Kind: "mean", Role: "primary", Direction: "increase", Variant: "t",
					Segment: map[string]string{"b": "2", "a": "1"}, Method: "welch_t"},
			},
			Timeline: []*result.Result{{Metric: "m", Variant: "t", Period: &k, Timeline: "period", PeriodStart: "s", PeriodEnd: "e"}}},
			Decisions: []*result.Decision{{Variant: "t", Outcome: result.Ship}}},
		{Kind: "benchmark", Name: "b", Alpha: 0.1, Bench: &result.Bench{Baseline: "v1", Results: []*result.BenchResult{
			{Model: "v2", Metric: "mrr", Value: 0.9, BaselineValue: 0.8, Delta: n(0.1), CILower: n(0.05), CIUpper: n(0.15),
				StdError: n(0.02), PValue: n(0.001), Significant: true, Method: "paired_t", Queries: 30},
		}}},
	}}
	rows := Rows(rep)
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	if r.Target != "e" || r.Control != "c" || *r.Estimate != 1 || *r.RelCIUpper != 1.6 || *r.PValueAdjusted != 0.02 ||
		r.Decision != "ship" || r.TreatmentUnits != 11 || *r.TreatmentValue != 2 || !r.Overall() {
		t.Errorf("overall row %+v", r)
	}
	if rows[1].Segment != `{"a":"1","b":"2"}` || rows[1].Estimate != nil || rows[1].PValue != nil {
		t.Errorf("segment row %+v", rows[1])
	}
	if p := rows[2].Period; p == nil || *p != 2 || rows[2].Timeline != "period" || rows[2].PeriodEnd != "e" {
		t.Errorf("timeline row %+v", rows[2])
	}
	b := rows[3]
	if b.TargetKind != "benchmark" || b.Variant != "v2" || b.Control != "v1" || *b.Estimate != 0.1 || b.RelEstimate != nil ||
		b.ControlUnits != 30 || *b.ControlValue != 0.8 || b.Alpha != 0.1 || b.Decision != "" {
		t.Errorf("benchmark row %+v", b)
	}
}

func TestSpecHash(t *testing.T) {
	a := SpecHash([]SpecFile{{"d/a.cal", "x"}, {"d/b.cal", "y"}})
	if b := SpecHash([]SpecFile{{"other/b.cal", "y"}, {"other/a.cal", "x"}}); a != b {
		t.Error("order or folder changed the hash")
	}
	for _, fs := range [][]SpecFile{
		{{"d/a.cal", "xy"}, {"d/b.cal", ""}},
		{{"d/a.cal", "x"}, {"d/c.cal", "y"}},
		{{"d/a.cal", "x"}, {"d/b.cal", "y "}},
	} {
		if SpecHash(fs) == a {
			t.Errorf("%v hashes like the original", fs)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.cal"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.cal"), []byte("y"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("z"), 0o644)
	if h, err := SpecHashDir(dir); err != nil || h != a {
		t.Errorf("SpecHashDir: %v", err)
	}
	if h, err := SpecHashDir(filepath.Join(dir, "b.cal")); err != nil || h != a {
		t.Errorf("SpecHashDir of a file: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data/events.csv", "a,b\n1,2\n")
	write("data/parts/2026/p1.parquet", "p1")
	write("data/parts/2026/p2.parquet", "p2")
	write("data/parts/other.txt", "no")
	reader := func(name string) *stdlib.Reader {
		r, ok := stdlib.LookupReader(name)
		if !ok {
			t.Fatalf("no reader %s", name)
		}
		return r
	}
	sources := []*model.Source{
		{Name: "events", Reader: reader("csv"), Arg: filepath.Join(dir, "data/events.csv")},
		{Name: "again", Reader: reader("csv"), Arg: filepath.Join(dir, "data/events.csv")},
		{Name: "parts", Reader: reader("parquet"), Arg: filepath.Join(dir, "data/**/*.parquet")},
		{Name: "tab", Reader: reader("table"), Arg: "warehouse.events"},
	}
	fp, list, err := Fingerprint(dir, sources)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range list {
		paths = append(paths, d.Reader+":"+d.Path+d.Arg)
	}
	want := "table:warehouse.events csv:data/events.csv parquet:data/parts/2026/p1.parquet parquet:data/parts/2026/p2.parquet"
	if strings.Join(paths, " ") != want {
		t.Errorf("sources %q", strings.Join(paths, " "))
	}
	if list[1].Size != 8 || len(list[1].SHA256) != 64 || list[1].ModTime != "" {
		t.Errorf("file entry %+v", list[1])
	}
	again := func() string {
		fp, _, err := Fingerprint(dir, sources)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	// Touching a file keeps the fingerprint; changing it does not.
	now := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "data/events.csv"), now, now)
	if again() != fp {
		t.Error("touching a file changed the fingerprint")
	}
	write("data/events.csv", "a,b\n1,3\n")
	changed := again()
	if changed == fp {
		t.Error("changing a file kept the fingerprint")
	}
	write("data/parts/2026/p3.parquet", "p3")
	if again() == changed {
		t.Error("a new file matched by the glob kept the fingerprint")
	}
}
