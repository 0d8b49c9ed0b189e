package runtime_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
)

// coverageSpec has 20 days of data (2024-01-01 .. 2024-01-20) and units
// exposed on days 1..10; policy is the window_policy line (or "").
func coverageSpec(t *testing.T, window, policy string) string {
	var x, ev strings.Builder
	x.WriteString("u,v,ts\n")
	ev.WriteString("u,e,ts\n")
	for i := 0; i < 20; i++ {
		v := []string{"c", "t"}[i%2]
		day := 1 + i/2
		fmt.Fprintf(&x, "u%d,%s,2024-01-%02d 00:00:00\n", i, v, day)
		for k := 0; k <= i%3; k++ {
			fmt.Fprintf(&ev, "u%d,x,2024-01-%02d 00:00:00\n", i, day+k)
		}
	}
	ev.WriteString("u0,x,2024-01-20 12:00:00\n")
	return runspec.Write(t, map[string]string{"exposures.csv": x.String(), "events.csv": ev.String(), "spec.cal": `
source exposures { from csv("exposures.csv") time ts columns { u string  v string  ts timestamp } }
source events { from csv("events.csv") time ts columns { u string  e string  ts timestamp } }
metric xs { value count(events) }
experiment cov {
  exposures  exposures
  unit       u
  assignment v
  control    "c"
  window     ` + window + `
  ` + policy + `
  primary    xs
}`})
}

// A window longer than the data is a warning at the window with the
// number and share of units whose window is incomplete, and the report's
// coverage has them.
func TestCoverageWarning(t *testing.T) {
	rep, diags, _ := runspec.Run(t, coverageSpec(t, "60d", ""), runtime.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	var warned []string
	for _, d := range diags {
		if d.Code == diag.WWindowPastData {
			warned = append(warned, d.Message)
		}
	}
	want := "experiment `cov`: the window runs past the data for 20 of 20 units (100.0%); the data end at 2024-01-20 12:00:00"
	if len(warned) != 1 || warned[0] != want {
		t.Errorf("warnings %q, want %q", warned, want)
	}
	c := rep.Targets[0].Coverage
	if c == nil || c.IncompleteUnits != 20 || c.Units != 20 || c.Share != 1 || c.DataEnd != "2024-01-20 12:00:00" || c.Policy != "partial" {
		t.Errorf("coverage %+v", c)
	}
	// A window the data cover: no warning, coverage 0.
	rep, diags, _ = runspec.Run(t, coverageSpec(t, "3d", ""), runtime.Options{})
	for _, d := range diags {
		if d.Code == diag.WWindowPastData {
			t.Errorf("3d window warned: %s", d.Message)
		}
	}
	if c := rep.Targets[0].Coverage; c == nil || c.IncompleteUnits != 0 {
		t.Errorf("3d coverage %+v", c)
	}
}

// window_policy complete analyses only units whose window the data cover
// (exposed up to 2024-01-10 12:00 for a 10d window ending by 2024-01-20
// 12:00 + 1%) and counts the others in excluded.incomplete_window.
func TestWindowPolicyComplete(t *testing.T) {
	rep, diags, _ := runspec.Run(t, coverageSpec(t, "10d", "window_policy complete"), runtime.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	for _, d := range diags {
		if d.Code == diag.WWindowPastData {
			t.Errorf("complete policy warned: %s", d.Message)
		}
	}
	tg := rep.Targets[0]
	// Units exposed on days 1..10, two a day: a 10d window from day 10
	// ends on 2024-01-20 00:00, covered; every unit is complete.
	if tg.Excluded["incomplete_window"] != 0 || tg.Units["c"]+tg.Units["t"] != 20 {
		t.Errorf("10d: excluded %v, units %v", tg.Excluded, tg.Units)
	}
	rep, diags, _ = runspec.Run(t, coverageSpec(t, "15d", "window_policy complete"), runtime.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	tg = rep.Targets[0]
	// A 15d window is covered (ends by 2024-01-20 12:00 + 3.6h) for units
	// exposed on days 1..5: 10 units; the 10 others are left out.
	if tg.Excluded["incomplete_window"] != 10 || tg.Units["c"]+tg.Units["t"] != 10 {
		t.Errorf("15d: excluded %v, units %v", tg.Excluded, tg.Units)
	}
	if c := tg.Coverage; c == nil || c.IncompleteUnits != 10 || c.Policy != "complete" {
		t.Errorf("15d coverage %+v", c)
	}
}

// window_policy complete restricts timelines to the same units as the
// overall result: no period (calendar) and no age (exposure-age) counts
// more than the 10 units whose 15d window the data cover (issue #12).
func TestWindowPolicyCompleteTimelines(t *testing.T) {
	for _, tl := range []string{"day", "exposure_day"} {
		rep, diags, _ := runspec.Run(t, coverageSpec(t, "15d", "window_policy complete\n  timeline "+tl), runtime.Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Err())
		}
		tg := rep.Targets[0]
		if len(tg.Timeline) == 0 {
			t.Fatalf("%s: no timeline rows", tl)
		}
		most := int64(0)
		for _, r := range tg.Timeline {
			most = max(most, r.Control.Units+r.Treatment.Units)
		}
		if most != 10 {
			t.Errorf("timeline %s: at most %d units in a row, want the 10 complete ones", tl, most)
		}
	}
}
