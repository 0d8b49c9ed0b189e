package examples

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/pgtest"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// rShare is one test's share, interval and p-value in expected_run.json.
type rShare struct {
	Share, SE, Lower, Upper, P float64
}

type rCredit struct {
	Units, Sessions, Wins, Losses, Ties int64
	Unit, Sign                          rShare
	Mean                                struct{ Estimate, Lower, Upper, P, DF float64 }
}

// The interleaving example's run matches R on the same rows
// (testdata/interleaving/run.R, from the raw rows: per-session credit
// sums, the delta method over users by hand, binom.test, t.test) to 1e-6:
// the compiled query's sufficient statistics and the statistics on them.
// The planted preference lies inside the intervals.
func TestInterleavingExampleAgainstR(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "interleaving", "expected_run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	res := lang.Load("interleaving")
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
	close := func(what string, got result.Num, want float64) {
		t.Helper()
		if d := math.Abs(float64(got) - want); d > 1e-6*math.Max(1e-3, math.Abs(want)) {
			t.Errorf("%s = %.12g, R %.12g", what, float64(got), want)
		}
	}
	checked := 0
	for _, tg := range rep.Targets {
		x := tg.Interleaving
		if x == nil {
			continue
		}
		for _, r := range x.Results {
			var c rCredit
			if err := json.Unmarshal(want[r.Credit], &c); err != nil {
				t.Fatal(err)
			}
			name := tg.Name + " " + r.Credit
			if r.Units != c.Units || r.Sessions != c.Sessions || r.Wins != c.Wins || r.Losses != c.Losses || r.Ties != c.Ties {
				t.Errorf("%s: units %d sessions %d wins %d losses %d ties %d, R %+v", name, r.Units, r.Sessions, r.Wins, r.Losses, r.Ties, c)
			}
			s := c.Unit
			if x.Test == "sign" {
				s = c.Sign
			} else {
				close(name+" std error", r.Share.StdError, s.SE)
			}
			close(name+" share", r.Share.Estimate, s.Share)
			close(name+" lower", r.Share.CILower, s.Lower)
			close(name+" upper", r.Share.CIUpper, s.Upper)
			close(name+" p", *r.PValue, s.P)
			close(name+" mean preference", r.MeanPreference.Estimate, c.Mean.Estimate)
			close(name+" mean lower", r.MeanPreference.CILower, c.Mean.Lower)
			close(name+" mean upper", r.MeanPreference.CIUpper, c.Mean.Upper)
			close(name+" mean p", *r.MeanPValue, c.Mean.P)
			close(name+" mean df", *r.MeanDF, c.Mean.DF)
			checked++
		}
		var fp struct {
			Baseline, Treatment int64
			P                   float64
		}
		if err := json.Unmarshal(want["first_positions"], &fp); err != nil {
			t.Fatal(err)
		}
		if len(x.FirstPositions) != 1 {
			t.Fatalf("%s: first positions %+v", tg.Name, x.FirstPositions)
		}
		f := x.FirstPositions[0]
		if f.Baseline != fp.Baseline || f.Treatment != fp.Treatment {
			t.Errorf("%s: first positions %d/%d, R %d/%d", tg.Name, f.Baseline, f.Treatment, fp.Baseline, fp.Treatment)
		}
		close(tg.Name+" first-position p", *f.PValue, fp.P)
	}
	// The simulator's planted click share (Monte Carlo over 50,000
	// sessions) lies inside both tests' intervals.
	planted := simulate.DefaultInterleaving(500, 18).PlantedValues(50000).ClickShare
	for _, tg := range rep.Targets {
		if x := tg.Interleaving; x != nil {
			for _, r := range x.Results {
				if r.Credit == "clicks" && !(float64(r.Share.CILower) <= planted && planted <= float64(r.Share.CIUpper)) {
					t.Errorf("%s: the planted click share %.4f is outside [%.4f, %.4f]", tg.Name, planted, float64(r.Share.CILower), float64(r.Share.CIUpper))
				}
			}
		}
	}
	if checked != 4 {
		t.Errorf("checked %d credit results, want 4 (two interleavings, two credits)", checked)
	}
}

// interleavingTables loads the interleaving example's data into DuckDB as
// tables of schema analytics, and returns the example's spec with its
// sources read from those tables.
func interleavingTables(t *testing.T) (*engine.DuckDB, *model.Package) {
	t.Helper()
	duck, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	duckExec(t, duck, "CREATE SCHEMA analytics")
	for _, name := range []string{"interleaved", "ab_exposures", "ab_events"} {
		duckExec(t, duck, fmt.Sprintf("CREATE TABLE analytics.%s AS SELECT * FROM read_csv('interleaving/data/%s.csv')", name, name))
	}
	src, err := os.ReadFile(filepath.Join("interleaving", "ranker.cal"))
	if err != nil {
		t.Fatal(err)
	}
	src = regexp.MustCompile(`from csv\("data/(\w+)\.csv"\)`).ReplaceAll(src, []byte(`from table("analytics.$1")`))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ranker.cal"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	return duck, res.Package
}

// The interleavings' SQL gives the same results with the dialects'
// fallbacks (plain sums, booleans cast through INTEGER, aliased
// subqueries) as with DuckDB's own spellings, and as from the files.
func TestInterleavingFallbacksOnDuckDB(t *testing.T) {
	duck, pkg := interleavingTables(t)
	want := runReport(t, duck, pkg)
	compareReports(t, "interleaving", want, runReport(t, withDialect{duck, fallbacks()}, pkg), 1e-9)
	files := lang.Load("interleaving")
	compareReports(t, "interleaving files", want, runReport(t, duck, files.Package), 1e-9)
}

// The interleavings give DuckDB's results on PostgreSQL, to 1e-9: the
// compiled PostgreSQL query run on a throwaway server.
func TestInterleavingPostgresMatchesDuckDB(t *testing.T) {
	url := pgtest.Start(t)
	ctx := context.Background()
	pg, err := engine.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	duck, pkg := interleavingTables(t)
	if err := pg.Exec(ctx, "CREATE SCHEMA analytics"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"interleaved", "ab_exposures", "ab_events"} {
		table := "analytics." + name
		if err := pg.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(pgColumns(t, duck, table), ", "))); err != nil {
			t.Fatal(err)
		}
		copyTable(t, duck, pg, table, filepath.Join("interleaving", "data", name+".csv"), table)
	}
	want, got := runReport(t, duck, pkg), runReport(t, pg, pkg)
	n := 0
	for _, tg := range got.Targets {
		if tg.Interleaving != nil {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d interleavings ran on PostgreSQL, want 2", n)
	}
	compareReports(t, "interleaving", want, got, 1e-9)
}
