package report

import (
	"bytes"
	"html"
	"math"
	"regexp"
	"strings"
	"testing"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// timelineFixture: an exposure-age timeline of 10 ages with a long-run
// fit (one age with an unbounded interval), a calendar timeline of 6
// periods, and split shares.
func timelineFixture() *Report {
	ex := &Target{Kind: "experiment", Name: "longrun", Alpha: 0.05, Experiment: res.Experiment{Control: "control"}}
	for d := 0; d < 10; d++ {
		rel := 0.03 + 0.12*math.Exp(-float64(d)/2)
		r := result("saves", "primary", "t", rel, rel-0.02, rel+0.02, 0.01)
		if d == 7 {
			r.Relative.CIUpper = Num(math.Inf(1))
		}
		k := d
		r.Period, r.Timeline = &k, "exposure_day"
		ex.Timeline = append(ex.Timeline, r)
	}
	tau, p := Num(2), Num(0.001)
	ex.LongRun = []*LongRun{{Metric: "saves", Variant: "t", Scale: "relative", Unit: "day", Periods: 10,
		Asymptote: &Effect{Estimate: 0.03, CILower: 0.01, CIUpper: 0.05}, Trend: &Effect{Estimate: 0.12, CILower: 0.08, CIUpper: 0.16},
		Tau: &tau, TrendP: &p, Pattern: "novelty"}}
	cal := &Target{Kind: "experiment", Name: "calendar", Alpha: 0.05, Experiment: res.Experiment{Control: "control"}}
	for k := 0; k < 6; k++ {
		per := result("saves", "primary", "t", 0.05, -0.05, 0.15, 0.3)
		cum := result("saves", "primary", "t", 0.05, 0.0, 0.10, 0.04)
		kk := k
		per.Period, per.Timeline, cum.Period, cum.Timeline = &kk, "period", &kk, "cumulative"
		cal.Timeline = append(cal.Timeline, per, cum)
	}
	cal.SplitShares = []*SplitShares{{Metric: "saves", Variant: "t", Split: "surface", Kind: "additive", Total: 0.1,
		Parts: []*SplitPart{{Value: "home", Lift: 0.07, Share: numP(0.7)}, {Value: "search", Lift: 0.03, Share: numP(0.3)}}}}
	return &Report{Targets: []*Target{ex, cal}}
}

// The HTML report draws each timeline (a wide and a narrow SVG): the
// exposure-age curve with its fitted curve and asymptote band, the
// calendar timeline's two series with bands, and the split shares as bars;
// every <text> of every SVG lies inside its viewBox (checked on the
// coordinates gonum writes, for left/right-anchored labels by their start).
func TestTimelineAndSplitPlots(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, timelineFixture()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, id := range []string{"t-longrun-timeline", "t-calendar-timeline", "t-calendar-surfaces"} {
		i := strings.Index(page, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no section %s", id)
		}
		sec := page[i:]
		sec = sec[:strings.Index(sec, "</section>")]
		if n := strings.Count(sec, "<svg "); n != 2 {
			t.Errorf("section %s has %d <svg>, want a wide and a narrow one", id, n)
		}
	}
	text := html.UnescapeString(page)
	for _, want := range []string{"long-run +3.0% [+1.0%, +5.0%]; novelty", "fitted a + b·exp(−t/τ)", "cumulative lift to the end of each period",
		"the period alone (dashed)", "surface = home", "70%", "days since each unit's first exposure"} {
		if !strings.Contains(text, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if strings.Contains(page, ">-0<") {
		t.Error("a tick reads -0")
	}
}

var svgViewBox = regexp.MustCompile(`<svg viewBox="0 0 ([0-9.]+) ([0-9.]+)"`)

// Each chart's SVG is sized by its viewBox (so it scales to the page) and
// its fonts fall back to metric-compatible faces.
func TestChartSVGScales(t *testing.T) {
	for _, narrow := range []bool{false, true} {
		cp := &curvePlot{Title: "x", XLabel: "a rather long axis label that must wrap at the narrow width of a phone screen, not be cut",
			Series: []curveSeries{{Colour: colGood, X: []float64{0, 1, 2}, Est: []float64{0.1, 0.05, 0.02}, Lower: []float64{0, 0, -0.01}, Upp: []float64{0.2, 0.1, 0.05}}}}
		svg, err := cp.SVG(narrow)
		if err != nil {
			t.Fatal(err)
		}
		if !svgViewBox.MatchString(svg) {
			t.Errorf("no viewBox: %.200s", svg)
		}
		if narrow && !strings.Contains(wrapLabel(cp.XLabel, narrowCurve.font, narrowCurve.width-60), "\n") {
			t.Error("the long axis label is not wrapped at the narrow width")
		}
	}
	if _, err := (&curvePlot{Title: "empty", Series: []curveSeries{{X: []float64{0}, Est: []float64{math.NaN()}, Lower: []float64{0}, Upp: []float64{1}}}}).SVG(false); err == nil {
		t.Error("a chart without a finite point rendered")
	}
}

// Markdown has a split section: each metric per split value with its
// share of the lift ("–" where the metric has no shares) and the reason
// a metric has none; a target without a split has no such section.
func TestMarkdownSplit(t *testing.T) {
	rep := timelineFixture()
	cal := rep.Targets[1]
	home := result("saves", "primary", "t", 0.07, 0.03, 0.11, 0.001)
	home.Split = map[string]string{"surface": "home"}
	search := result("saves", "primary", "t", 0.03, -0.01, 0.07, 0.2)
	search.Split = map[string]string{"surface": "search"}
	rate := result("save_rate", "secondary", "t", 0.05, 0.01, 0.09, 0.01)
	rate.Split = map[string]string{"surface": "home"}
	cal.Results = append(cal.Results, home, search, rate)
	cal.SplitShares = append(cal.SplitShares, &SplitShares{Metric: "save_rate", Variant: "t", Split: "surface", Kind: "ratio",
		Problem: "a ratio's lift does not add up over values"})
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"#### Split", "| saves | t | surface = home | 1,000 / 1,000 | +7.00% [+3.00%, +11.0%] | 0.0010 | 70% |",
		"| saves | t | surface = search |", "| save_rate | t | surface = home |", "| – |", "save_rate (t): a ratio"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Count(md, "#### Split") != 1 {
		t.Errorf("want one split section (the target without a split has none):\n%s", md)
	}
}
