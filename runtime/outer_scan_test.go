package runtime_test

import (
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime"
)

// The main query's first scan reads every unit through a LEFT JOIN, so a
// unit without rows in its window brings one all-NULL row. An aggregate
// whose filter or argument is not NULL on that row (coalesce) must still
// give the unit its empty value, not count the NULL row.
func TestUnitsWithoutRowsGetEmptyValues(t *testing.T) {
	dir := runspec.Write(t, map[string]string{
		"exposures.csv": "u,v,ts\nu0,c,2024-01-01 00:00:00\nu1,t,2024-01-01 00:00:00\nu2,c,2024-01-01 00:00:00\nu3,t,2024-01-01 00:00:00\n" +
			"u4,c,2024-01-01 00:00:00\nu5,t,2024-01-01 00:00:00\nu6,c,2024-01-01 00:00:00\nu7,t,2024-01-01 00:00:00\n",
		// u0 two rows (one without a surface), u1 one, u2 one without a
		// surface; u4's only row is outside its window; the rest none.
		"events.csv": "u,surface,ts\nu0,,2024-01-02 00:00:00\nu0,home,2024-01-02 00:00:00\nu1,home,2024-01-02 00:00:00\n" +
			"u2,,2024-01-03 00:00:00\nu4,,2024-02-01 00:00:00\n",
		"spec.cal": `
source exposures { from csv("exposures.csv") time ts columns { u string  v string  ts timestamp } }
source events { from csv("events.csv") time ts columns { u string  surface string  ts timestamp } }
metric none_rows { value count(events where coalesce(surface, "none") == "none") }
metric rows      { value count(events) }
metric surfaces  { value count_distinct(coalesce(events.surface, "none")) }
metric any_none  { value any(events where coalesce(surface, "none") == "none") }
experiment outer {
  exposures  exposures
  unit       u
  assignment v
  control    "c"
  window     7d
  primary    none_rows
  secondary  rows, surfaces, any_none
}`})
	rep, diags, _ := runspec.Run(t, dir, runtime.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	// Per arm (c: u0 u2 u4 u6; t: u1 u3 u5 u7), the means by hand.
	want := map[string][2]float64{
		"none_rows": {0.5, 0},
		"rows":      {0.75, 0.25},
		"surfaces":  {0.75, 0.25},
		"any_none":  {0.5, 0},
	}
	seen := 0
	for _, r := range rep.Targets[0].Results {
		w, ok := want[r.Metric]
		if !ok || r.Segment != nil || r.Period != nil {
			continue
		}
		seen++
		if r.Control.Units != 4 || r.Treatment.Units != 4 {
			t.Errorf("%s: units %d and %d, want 4 and 4", r.Metric, r.Control.Units, r.Treatment.Units)
		}
		if r.Control.Mean == nil || r.Treatment.Mean == nil {
			t.Errorf("%s: a mean is missing", r.Metric)
			continue
		}
		if got := [2]float64{float64(*r.Control.Mean), float64(*r.Treatment.Mean)}; got != w {
			t.Errorf("%s: means %v, want %v", r.Metric, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of %d metrics in the results", seen, len(want))
	}
}
