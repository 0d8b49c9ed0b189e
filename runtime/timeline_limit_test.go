package runtime_test

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
)

// A timeline longer than its stated maximum (400 periods) but below the
// cap is a warning at the timeline field naming the period count and both
// limits (issue #13: timelines warn about, and cap, long spans).
func TestLongTimelineWarning(t *testing.T) {
	dir := runspec.Write(t, map[string]string{
		"exposures.csv": "u,v,ts\nu1,c,2024-01-01 00:00:00\nu2,t,2024-01-01 00:00:00\nu3,c,2024-01-02 00:00:00\nu4,t,2024-01-02 00:00:00\n",
		// One late row: the data end 450 days after the first exposure.
		"events.csv": "u,ts\nu1,2024-01-02 00:00:00\nu2,2024-01-03 00:00:00\nu4,2025-03-25 12:00:00\n",
		"spec.cal": `
source exposures { from csv("exposures.csv") time ts columns { u string  v string  ts timestamp } }
source events { from csv("events.csv") time ts columns { u string  ts timestamp } }
metric xs { value count(events) }
experiment long {
  exposures  exposures
  unit       u
  assignment v
  control    "c"
  timeline   day
  primary    xs
}`})
	rep, diags, _ := runspec.Run(t, dir, runtime.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	var got []*diag.Diagnostic
	for _, d := range diags {
		if d.Code == diag.WLongTimeline {
			got = append(got, d)
		}
	}
	want := "experiment `long`: the timeline spans 450 day periods, more than 400 (hard limit: 1000)"
	if len(got) != 1 || got[0].Message != want || got[0].Span.Start.Line != 10 {
		t.Fatalf("want one W0008 %q at line 10, got %v", want, got)
	}
	if !strings.Contains(strings.Join(got[0].Hints, " "), "far-off date") {
		t.Errorf("hint %q", got[0].Hints)
	}
	if len(rep.Targets) != 1 || len(rep.Targets[0].Timeline) == 0 {
		t.Errorf("the run has no timeline")
	}
}
