package duckstore

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

	"github.com/caliper-dev/caliper/runtime/result"

	"github.com/caliper-dev/caliper/runtime/store"
)

func f(v float64) *float64 { return &v }

// sampleRun is a run with an overall row, a row with nothing estimated, a
// segment row and a timeline row.
func sampleRun(id string, n int) *store.Run {
	k := 3
	run := &store.Run{ID: id, Time: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), Version: "v0.test",
		SpecPath: "/specs", SpecHash: "abc", DataFingerprint: "def",
		Sources: []store.DataSource{{Reader: "csv", Path: "data/x.csv", Size: 10, SHA256: "00"}}, Targets: 1}
	for i := 0; i < n; i++ {
		run.Rows = append(run.Rows, store.Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean",
			Role: "primary", Direction: "increase", Variant: "treatment", Control: "control",
			ControlUnits: 100, TreatmentUnits: 99, ControlValue: f(1.5), TreatmentValue: f(1.0 / 3),
			Estimate: f(0.1 + 0.2 + float64(i)), CILower: f(-1e-300), CIUpper: f(math.Pi), StdError: f(math.SmallestNonzeroFloat64),
			RelEstimate: f(0.123456789012345), RelCILower: f(-0.1), RelCIUpper: f(0.3), RelStdError: f(0.05),
			PValue: f(0.0123456789012345), PValueAdjusted: f(0.04), Significant: true, Method: "welch_t", Alpha: 0.05,
			Decision: "ship"})
	}
	run.Rows = append(run.Rows,
		store.Row{Target: "exp", TargetKind: "experiment", Metric: "flat", MetricKind: "ratio", Role: "secondary",
			Direction: "decrease", Variant: "treatment", Control: "control", Method: "delta", Alpha: 0.05},
		store.Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean", Role: "primary",
			Direction: "increase", Variant: "treatment", Control: "control", Segment: `{"country":"DE"}`,
			Estimate: f(2), CILower: f(1), CIUpper: f(3), StdError: f(0.5), Method: "welch_t", Alpha: 0.05},
		store.Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean", Role: "primary",
			Direction: "increase", Variant: "treatment", Control: "control", Period: &k, Timeline: "cumulative",
			PeriodStart: "2026-01-01 00:00:00", PeriodEnd: "2026-01-02 00:00:00", Method: "welch_t", Alpha: 0.05},
		store.Row{Target: "other", TargetKind: "benchmark", Metric: "ndcg@10", MetricKind: "offline", Variant: "v2",
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
	for _, r := range []*store.Run{a, b} {
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
	got, err := r.History(ctx, store.Query{Target: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	var want []store.Row
	for _, run := range []*store.Run{a, b} {
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
	only, err := r.History(ctx, store.Query{Target: "exp", Metric: "flat"})
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
	if n := store.Num(got[0].Row.Estimate); n == nil || *n != result.Num(0.1+0.2) {
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
	got, err := ro.History(ctx, store.Query{Target: "exp"})
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
	got, err = rw.History(ctx, store.Query{Target: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	var last *store.Row
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
		if _, err := open(path); !errors.Is(err, store.ErrInUse) {
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
