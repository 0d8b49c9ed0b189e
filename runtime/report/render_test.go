package report

import (
	"bytes"
	"strings"
	"testing"

	res "github.com/caliper-dev/caliper/runtime/result"
)

func numP(v float64) *Num { n := Num(v); return &n }

// result builds a compared metric from a relative effect and p-value.
func result(metric, role, variant string, rel, lo, hi, p float64) *Result {
	return &Result{Metric: metric, Kind: "mean", Role: role, Direction: "increase", Variant: variant,
		Control: Arm{Units: 1000, Mean: NumPtr(2)}, Treatment: Arm{Units: 1000, Mean: NumPtr(2 * (1 + rel))},
		Absolute: &Effect{Estimate: Num(2 * rel), CILower: Num(2 * lo), CIUpper: Num(2 * hi)},
		Relative: &Effect{Estimate: Num(rel), CILower: Num(lo), CIUpper: Num(hi)},
		PValue:   numP(p), Significant: p < 0.05, Method: "welch_t"}
}

// fixture is an experiment with two treatments, a guardrail on a metric
// that should decrease, a metric without a relative effect, segments, a
// heterogeneity test, exclusions and notes, and no launch decisions.
func fixture() *Report {
	lat := func(v string, rel, lo, hi, p float64) *Result {
		r := result("latency_ms", "guardrail", v, rel, lo, hi, p)
		r.Direction, r.Within = "decrease", numP(0.02)
		return r
	}
	zero := result("refunds", "secondary", "b", 0, 0, 0, 1)
	zero.Relative, zero.Control.Mean = nil, numP(0)
	zero.Notes = []string{"the control mean is 0: no relative effect"}
	seg := result("saves", "primary", "a", 0.05, 0.01, 0.09, 0.01)
	seg.Segment = map[string]string{"country": "US"}
	t := &Target{Kind: "experiment", Name: "exp_x", Title: "Experiment <X> | test", Hypothesis: "A & B", Owner: "team-x",
		Alpha: 0.05, Notes: []string{"something to know"}, Experiment: res.Experiment{
			Control: "control", Units: map[string]int64{"control": 1000, "a": 1000, "b": 990},
			Excluded: map[string]int64{"multiple_variants": 12, "other_variants": 0},
			SRM:      &SRM{ChiSquare: 0.1, DF: 2, PValue: 0.95, Passed: true, Expected: []Num{1.0 / 3, 1.0 / 3, 1.0 / 3}},
			Results: []*Result{
				result("saves", "primary", "a", 0.05, 0.02, 0.08, 0.001),
				result("saves", "primary", "b", -0.04, -0.07, -0.01, 0.01),
				lat("a", -0.01, -0.03, 0.01, 0.3),
				lat("b", 0.05, 0.03, 0.07, 0.0001),
				zero, seg,
			},
			Heterogeneity: []*Heterogeneity{{Metric: "saves", Variant: "a", Segment: "country", Q: 5, DF: 2, PValue: 0.08, I2: 0.6}},
		},
	}
	return &Report{Targets: []*Target{t}}
}

func TestReadings(t *testing.T) {
	for _, c := range []struct {
		name string
		r    *Result
		want string
		cls  class
	}{
		{"better", result("m", "primary", "t", 0.1, 0.05, 0.15, 0.001), "better", good},
		{"worse", result("m", "primary", "t", -0.1, -0.15, -0.05, 0.001), "worse", bad},
		{"not significant", result("m", "secondary", "t", 0.1, -0.05, 0.25, 0.2), "no significant change", neutral},
		{"not estimated", &Result{Metric: "m", Role: "primary"}, "not estimated", neutral},
	} {
		got := read(c.r)
		if got.Label != c.want || got.Class != c.cls {
			t.Errorf("%s: read = %+v, want %s (%s)", c.name, got, c.want, c.cls)
		}
	}
	// Direction decides which side is good.
	dec := result("latency", "primary", "t", -0.1, -0.15, -0.05, 0.001)
	dec.Direction = "decrease"
	if got := read(dec); got.Class != good {
		t.Errorf("a significant drop of a decrease metric reads %+v, want good", got)
	}
	// Guardrails against their tolerance (the rule of runtime/decide).
	for _, c := range []struct {
		dir           string
		lo, hi        float64
		status, reads string
		bound         float64
		cls           class
	}{
		{"decrease", -0.01, 0.019, guardHolds, "within 2%", 0.02, good},
		{"decrease", 0.001, 0.03, guardUnclear, "not shown within 2%", 0.02, neutral},
		{"decrease", 0.021, 0.03, guardBreached, "beyond 2%", 0.02, bad},
		{"increase", -0.019, 0.05, guardHolds, "within 2%", -0.02, good},
		{"increase", -0.05, -0.01, guardUnclear, "not shown within 2%", -0.02, neutral},
		{"increase", -0.05, -0.021, guardBreached, "beyond 2%", -0.02, bad},
	} {
		r := result("g", "guardrail", "t", (c.lo+c.hi)/2, c.lo, c.hi, 0.5)
		r.Direction, r.Within = c.dir, numP(0.02)
		if got := guardStatus(r); got != c.status {
			t.Errorf("%s [%g, %g]: status %q, want %q", c.dir, c.lo, c.hi, got, c.status)
		}
		if got := read(r); got.Label != c.reads || got.Class != c.cls {
			t.Errorf("%s [%g, %g]: read %+v, want %q (%s)", c.dir, c.lo, c.hi, got, c.reads, c.cls)
		}
		if b, _ := badBound(r); b != c.bound {
			t.Errorf("%s: bad bound %g, want %g", c.dir, b, c.bound)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{lift(0.123477953), "+12.3%"},
		{lift(-0.0179), "-1.79%"},
		{lift(0.0001589), "+0.02%"},
		{lift(0.00001589), "+0.0016%"},
		{lift(2.120384685), "+212.0%"},
		{lift(0), "0.00%"},
		{pvalue(0.03822811789), "0.0382"},
		{pvalue(0.6743323947), "0.67"},
		{pvalue(0.0001056), "0.00011"},
		{pvalue(0.00001), "< 0.0001"},
		{value("proportion", 0.023), "2.30%"},
		{value("mean", 1.439175258), "1.439"},
		{value("ratio", 0.07574503311), "0.07575"},
		{value("quantile", 206), "206.0"},
		{value("mean", 123456.7), "123457"},
		{absolute("proportion", 0.01411), "+1.41 pp"},
		{absolute("mean", -0.0431), "-0.0431"},
		{count(1234567), "1,234,567"},
		{ciLabel(&Target{Alpha: 0.1}), "90% CI"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMarkdownWithoutDecisions(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, fixture()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"### Experiment Experiment &lt;X> | test (`exp_x`)", // a tag-like title is escaped
		"> A & B", "owner: team-x",
		"**a: – no launch decision** — saves +5.00% [+2.00%, +8.00%], significantly better (p = 0.0010)",
		"**b: – no launch decision** — saves -4.00% [-7.00%, -1.00%], significantly worse (p = 0.0100); latency_ms +5.00% [+3.00%, +7.00%], beyond its 2% guardrail",
		"| Metric | Role | Variant | Control | Treatment | Lift [95% CI] | p | Reading |",
		"| latency_ms (lower is better) | guardrail, within 2% | a |",
		"| refunds | secondary | b | 0 | 2.000 | 0 [0, 0] (absolute) | 1.00 | – no significant change |",
		"**Guardrails:** latency_ms (a) ✓ within 2%; latency_ms (b) ✗ beyond 2%.",
		"excluded: 12 units exposed to more than one variant.",
		"**Segments:** 1 per-segment result (see the HTML report); no significant difference between segments.",
		"- something to know", "- refunds (b): the control mean is 0: no relative effect",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "| saves | primary | a | 2.000 | 2.100 | +5.00% [+1.00%, +9.00%]") {
		t.Error("a per-segment result is in the overall table")
	}
}

func TestMarkdownBenchmark(t *testing.T) {
	rel := &Effect{Estimate: 0.1, CILower: 0.05, CIUpper: 0.15}
	tg := &Target{Kind: "benchmark", Name: "bench", Alpha: 0.05,
		Decisions: []*Decision{{Variant: "m2", Outcome: NoShip, Reasons: []string{"fails: ndcg@10 got worse"}}},
		Bench: &Bench{Baseline: "m1", Test: "paired_t", Queries: 300, Results: []*BenchResult{
			{Model: "m2", Metric: "ndcg@10", Value: 0.5, BaselineValue: 0.55, Delta: numP(-0.05), CILower: numP(-0.07), CIUpper: numP(-0.03),
				Relative: &Effect{Estimate: -0.09, CILower: -0.12, CIUpper: -0.05}, PValue: numP(0.00001), Significant: true, Queries: 300},
			{Model: "m2", Metric: "mrr", Value: 0.9, BaselineValue: 0.9, Delta: numP(0), CILower: numP(-0.01), CIUpper: numP(0.01),
				Relative: rel, PValue: numP(0.9), Queries: 300},
		}}}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, &Report{Targets: []*Target{tg}}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"baseline: `m1` · 300 queries, paired_t",
		"**m2: ✗ Don't ship** — ndcg@10 worse (-9.00% [-12.0%, -5.00%]); 1 metric without significant change.",
		"- fails: ndcg@10 got worse",
		"| Metric | Baseline | Value | Lift [95% CI] | p | Reading |",
		"| ndcg@10 | 0.5500 | 0.5000 | -9.00% [-12.0%, -5.00%] | < 0.0001 | ✗ worse |",
		"**Data:** 300 queries, compared in pairs (paired_t).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestHTMLSections(t *testing.T) {
	render := func(r *Report) string {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, r); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	page := render(fixture())
	for _, want := range []string{
		"<title>Experiment &lt;X&gt; | test — Caliper report</title>", // escaped
		`<section id="t-exp_x-segments">`, "country=US", "Cochran's Q",
		`<section id="t-exp_x-quality">`, "12 units exposed to more than one variant",
		"expected shares 33.33% / 33.33% / 33.33%",
		`<strong class="outcome">no launch decision</strong>`,
		"Not plotted (no relative lift, or an unbounded one): refunds.",
		"↓ lower is better", "guardrail tolerance",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(page, "<X>") {
		t.Error("HTML does not escape the title")
	}
	// Two treatments: a wide and a narrow plot each.
	if n := strings.Count(page, "<svg "); n != 4 {
		t.Errorf("%d <svg> elements, want 4", n)
	}

	// Without segments there is no segments section; nor decisions: the
	// verdict says so.
	r := fixture()
	r.Targets[0].Results = r.Targets[0].Results[:4]
	r.Targets[0].Heterogeneity = nil
	if page := render(r); strings.Contains(page, "-segments") {
		t.Error("a segments section without segment data")
	}
	// Nothing to report still renders a page.
	if page := render(&Report{}); !strings.Contains(page, "No experiments were run.") {
		t.Error("an empty report does not say so")
	}
}

func TestForestFocus(t *testing.T) {
	rows := []forestRow{
		{Estimate: 0.12, Lower: 0.0, Upper: 0.25},
		{Estimate: -0.02, Lower: -0.1, Upper: 0.06},
		{Estimate: 0.15, Lower: 0.07, Upper: 0.23},
		{Estimate: 0.6, Lower: -0.2, Upper: 1.4}, // far wider: clipped
	}
	lo, hi := focus(rows)
	if lo > -0.1 || hi < 0.25 || hi > 0.4 || lo < -0.2 {
		t.Errorf("focus = [%g, %g], want about [-0.1, 0.25] padded", lo, hi)
	}
	// A tolerance is always in range; an interval far wider than it is not.
	b := 0.02
	rows = []forestRow{{Estimate: 0.01, Lower: 0.003, Upper: 0.021, Bound: &b}, {Estimate: 1, Lower: -0.16, Upper: 2.1}}
	if lo, hi := focus(rows); lo > 0 || hi < 0.021 || hi > 0.05 {
		t.Errorf("guardrail focus = [%g, %g], want about [0, 0.021] padded", lo, hi)
	}
	f := &forest{Title: "t", Percent: true, Panels: []forestPanel{{Rows: rows}}}
	for _, narrow := range []bool{false, true} {
		svg, err := f.SVG(narrow)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(svg, `<svg viewBox="0 0 `) || strings.Contains(svg, "http") || strings.Contains(svg, "<?xml") {
			t.Errorf("not an inline SVG element: %.200s", svg)
		}
	}
	if _, err := (&forest{Title: "empty"}).SVG(false); err == nil {
		t.Error("an empty forest plot renders")
	}
}
