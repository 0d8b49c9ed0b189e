package model

import (
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
)

// Each enum names every word of its field in the field table, in order,
// and its zero value is the field's default (or its absence).
func TestEnumsFollowTheFieldTable(t *testing.T) {
	type enum struct {
		kind, field string
		names       []string // String() of the values, in constant order
		zero        string   // String() of the zero value
	}
	str := func(vs ...interface{ String() string }) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = v.String()
		}
		return out
	}
	for _, e := range []enum{
		{ast.KindExperiment, "correction", str(CorrectionHolm, CorrectionBH, CorrectionBonferroni, CorrectionNone), Correction(0).String()},
		{ast.KindExperiment, "window_policy", str(WindowPartial, WindowComplete), WindowPolicy(0).String()},
		{ast.KindExperiment, "relative_ci", str(RelativeFieller, RelativeDelta), RelativeCI(0).String()},
		{ast.KindExperiment, "attribution", str(AttributionShapley), Attribution(0).String()},
		{ast.KindExperiment, "timeline", str(TimelineDay, TimelineWeek, TimelineExposureDay, TimelineExposureWeek), Timeline(0).String()},
		{ast.KindBenchmark, "test", str(PairedT, PairedPermutation, PairedBootstrap), PairedTest(0).String()},
	} {
		f, ok := ast.LookupField(e.kind, e.field)
		if !ok {
			t.Fatalf("%s has no field %s", e.kind, e.field)
		}
		if len(e.names) != len(f.Words) {
			t.Errorf("%s %s: %d values, the table has %d words %v", e.kind, e.field, len(e.names), len(f.Words), f.Words)
			continue
		}
		for i, w := range f.Words {
			if e.names[i] != w {
				t.Errorf("%s %s: value %d is %q, the table's word is %q", e.kind, e.field, i, e.names[i], w)
			}
		}
		if e.zero != f.Default {
			t.Errorf("%s %s: the zero value is %q, the default %q", e.kind, e.field, e.zero, f.Default)
		}
	}
}

func TestParseWords(t *testing.T) {
	for _, w := range TimelineWords {
		tl, ok := ParseTimeline(w)
		if !ok || tl.String() != w {
			t.Errorf("ParseTimeline(%q) = %v, %v", w, tl, ok)
		}
	}
	if _, ok := ParseTimeline("month"); ok {
		t.Error("ParseTimeline accepted month")
	}
	if _, ok := ParseCorrection("hochberg"); ok {
		t.Error("ParseCorrection accepted hochberg")
	}
	if c, ok := ParseCorrection("bh"); !ok || c != CorrectionBH {
		t.Errorf("ParseCorrection(bh) = %v, %v", c, ok)
	}
	if a, ok := ParseAttribution("shapley"); !ok || a != AttributionShapley {
		t.Errorf("ParseAttribution(shapley) = %v, %v", a, ok)
	}
	for tl, want := range map[Timeline][2]any{NoTimeline: {"", int64(0)}, TimelineDay: {"day", int64(86400)},
		TimelineWeek: {"week", int64(7 * 86400)}, TimelineExposureDay: {"day", int64(86400)}, TimelineExposureWeek: {"week", int64(7 * 86400)}} {
		if tl.Unit() != want[0] || tl.Step() != want[1] {
			t.Errorf("%v: unit %q step %d, want %v", tl, tl.Unit(), tl.Step(), want)
		}
	}
	if !TimelineExposureWeek.ExposureAge() || TimelineWeek.ExposureAge() || NoTimeline.ExposureAge() {
		t.Error("ExposureAge is wrong")
	}
}
