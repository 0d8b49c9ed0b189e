package compiler_test

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// manyFiltersSpec writes a spec folder whose one experiment has many metrics
// on one source, filtered on two category columns (event, surface, with
// empty and missing values), a bool column, a float threshold (latency,
// sometimes missing), with and/or/not, !=, in and is null, over counts,
// any, sums of an int and a float column, min and max; and its data.
func manyFiltersSpec(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 17))
	var exp, ev strings.Builder
	exp.WriteString("user_id,variant,ts\n")
	ev.WriteString("user_id,ts,event,surface,bot,items,revenue,latency_ms\n")
	events := []string{"impression", "impression", "impression", "save", "purchase", "session_start", ""}
	surfaces := []string{"homefeed", "search", "related", ""}
	for u := 0; u < 400; u++ {
		variant := []string{"control", "treatment"}[u%2]
		fmt.Fprintf(&exp, "u%d,%s,2026-01-0%d 00:00:00\n", u, variant, 1+u%3)
		for k := rng.IntN(40); k > 0; k-- { // some users have no events
			day, hour := 1+rng.IntN(9), rng.IntN(24)
			opt := func(s string) string {
				if rng.IntN(15) == 0 {
					return "" // missing
				}
				return s
			}
			fmt.Fprintf(&ev, "u%d,2026-01-0%d %02d:00:00,%s,%s,%s,%s,%s,%s\n", u, day, hour,
				opt(events[rng.IntN(len(events))]), opt(surfaces[rng.IntN(len(surfaces))]),
				opt(fmt.Sprint(rng.IntN(8) == 0)), opt(fmt.Sprint(rng.IntN(5))),
				opt(fmt.Sprintf("%.6f", rng.ExpFloat64()*37.3)), opt(fmt.Sprintf("%.3f", 20+rng.Float64()*500)))
		}
	}
	for name, body := range map[string]string{"exposures.csv": exp.String(), "events.csv": ev.String()} {
		if err := os.WriteFile(filepath.Join(data, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	metrics := [][2]string{
		{"imps", `count(events where event == "impression")`},
		{"saves", `count(events where event == "save")`},
		{"purchases", `count(events where event == "purchase")`},
		{"home_imps", `count(events where event == "impression" and surface == "homefeed")`},
		{"search_saves", `count(events where event == "save" and surface == "search")`},
		{"not_home", `count(events where event == "impression" and not (surface == "homefeed"))`},
		{"no_surface", `count(events where surface is null or surface != "related")`},
		{"slow", `count(events where event == "impression" and latency_ms > 200)`},
		{"human_imps", `count(events where event == "impression" and not bot)`},
		{"purchaser", `any(events where event == "purchase" and surface in ["search", "related"])`},
		{"revenue", `sum(events.revenue where event == "purchase")`},
		{"home_revenue", `sum(events.revenue where event == "purchase" and surface == "homefeed")`},
		{"items", `sum(events.items where event in ["save", "purchase"])`},
		{"fastest", `min(events.latency_ms where event == "impression" and surface == "search")`},
		{"slowest", `max(events.latency_ms where event == "impression" or bot)`},
		{"save_rate", `count(events where event == "save") / count(events where event == "impression")`},
		{"all_events", `count(events)`},
	}
	var spec strings.Builder
	spec.WriteString(`source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  variant string  ts timestamp }
}
source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  ts timestamp  event string  surface string  bot bool  items int  revenue float  latency_ms float }
}
`)
	var names []string
	for _, m := range metrics {
		fmt.Fprintf(&spec, "metric %s { owner \"t\" value %s }\n", m[0], m[1])
		names = append(names, m[0])
	}
	fmt.Fprintf(&spec, `experiment many {
  exposures  exposures
  unit       user_id
  assignment variant
  control    "control"
  window     5d
  primary    %s
  secondary  %s
}
`, names[0], strings.Join(names[1:], ", "))
	if err := os.WriteFile(filepath.Join(dir, "many.cal"), []byte(spec.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A scan with many filtered aggregates is lowered with CASE instead of
// FILTER, and its sufficient statistics equal FILTER's: integers exactly,
// floats to 1e-12.
func TestCaseFilterScanEqualsFilter(t *testing.T) {
	dir := manyFiltersSpec(t)
	res := runspec.Load(t, dir)
	e := res.Package.Targets[0]
	grouped, err := compiler.Compile(e, dialect.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	restore := compiler.SetCaseFilterMinAggregates(1 << 30)
	single, err := compiler.Compile(e, dialect.DuckDB)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	scan := func(sql string) string { // the scan's CTE
		_, rest, _ := strings.Cut(sql, `"scan_1" AS (`)
		body, _, _ := strings.Cut(rest, "\n),")
		return body
	}
	if strings.Contains(scan(grouped.SQL), "FILTER (WHERE") || !strings.Contains(scan(single.SQL), "FILTER (WHERE") {
		t.Fatal("want CASE by default and FILTER when disabled")
	}
	// The golden shows the lowering (paths vary with the temp folder).
	golden.Check(t, filepath.Join("..", "testdata", "compiler", "case_filter_scan.sql"), []byte(strings.ReplaceAll(grouped.SQL, dir, "DIR")))
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	a, err := eng.Query(ctx, grouped.SQL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eng.Query(ctx, single.SQL)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(a.Columns, ",") != strings.Join(b.Columns, ",") || len(a.Rows) != len(b.Rows) || len(a.Rows) != 2 {
		t.Fatalf("columns or rows differ:\n%v (%d rows)\n%v (%d rows)", a.Columns, len(a.Rows), b.Columns, len(b.Rows))
	}
	for i := range a.Rows {
		for j, c := range a.Columns {
			x, y := a.Rows[i][j], b.Rows[i][j]
			fx, okx := number(x)
			fy, oky := number(y)
			switch {
			case okx && oky:
				if _, isFloat := x.(float64); isFloat {
					if math.Abs(fx-fy) > 1e-12*math.Max(1, math.Abs(fy)) {
						t.Errorf("row %d %s: %v CASE, %v FILTER", i, c, x, y)
					}
				} else if fx != fy || fmt.Sprintf("%T", x) != fmt.Sprintf("%T", y) {
					t.Errorf("row %d %s: %v (%T) CASE, %v (%T) FILTER", i, c, x, x, y, y)
				}
			case fmt.Sprint(x) != fmt.Sprint(y):
				t.Errorf("row %d %s: %v CASE, %v FILTER", i, c, x, y)
			}
		}
	}
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return f, true
	}
	return 0, false
}
