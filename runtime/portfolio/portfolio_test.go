package portfolio_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/runtime/portfolio"
	"github.com/caliper-dev/caliper/runtime/portfolio/portfoliotest"
	"github.com/caliper-dev/caliper/runtime/stats"
	"github.com/caliper-dev/caliper/runtime/store"
)

func build(t *testing.T, opts portfolio.Options) *portfolio.Portfolio {
	t.Helper()
	opts.Store = "fixture.duckdb"
	p, err := portfolio.Build(portfoliotest.Entries(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func metric(t *testing.T, p *portfolio.Portfolio, name string) *portfolio.Metric {
	t.Helper()
	for _, m := range p.Metrics {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no metric %s", name)
	return nil
}

// The review keeps each target's latest run, leaves the holdout out of
// the launches, and its figures follow from the stored rows.
func TestBuildFixture(t *testing.T) {
	p := build(t, portfolio.Options{})
	if p.RunsRead != 11 {
		t.Errorf("runs read %d, want 11", p.RunsRead)
	}
	if len(p.Experiments) != 9 {
		t.Fatalf("%d experiments, want 9 (8 and the holdout)", len(p.Experiments))
	}
	for _, x := range p.Experiments {
		if x.Target == "search_ranker" && x.RunID != "fixture-10" {
			t.Errorf("search_ranker from run %s, want the latest (fixture-10)", x.RunID)
		}
		if x.Target == "checkout_v2" && x.RunID != "fixture-01" {
			t.Errorf("checkout_v2 from run %s, want fixture-01", x.RunID)
		}
		if x.Holdout != (x.Target == "launch_holdout") {
			t.Errorf("%s holdout = %v", x.Target, x.Holdout)
		}
	}
	if p.Decisions.Experiments != 8 || p.Decisions.Counts["ship"] != 3 || p.Decisions.Counts["invalid"] != 1 {
		t.Errorf("decisions %+v", p.Decisions)
	}

	conv := metric(t, p, "conversion")
	if conv.Experiments != 8 {
		t.Errorf("conversion has %d experiments, want 8", conv.Experiments)
	}
	imp := conv.Impact
	if imp.Shipped != 3 || imp.Candidates != 6 || len(imp.Blocked) != 1 || imp.Blocked[0] != "image_cdn/treatment" {
		t.Errorf("impact shipped %d candidates %d blocked %v; want 3, 6 (invalid and blocked left out), [image_cdn/treatment]",
			imp.Shipped, imp.Candidates, imp.Blocked)
	}
	naive := 0.031 + 0.024*1.05 + 0.019
	rel := imp.Relative
	if math.Abs(float64(*rel.Naive)-naive) > 1e-9 {
		t.Errorf("naive relative sum %v, want %v", *rel.Naive, naive)
	}
	if rel.Corrected == nil || !(float64(*rel.Corrected) < naive) || !(float64(*rel.Bias) > 0) {
		t.Fatalf("corrected %v bias %v: want below the naive sum", rel.Corrected, rel.Bias)
	}
	if !(float64(*rel.CILower) < float64(*rel.Corrected) && float64(*rel.Corrected) < float64(*rel.CIUpper)) {
		t.Errorf("corrected %v outside its interval [%v, %v]", *rel.Corrected, *rel.CILower, *rel.CIUpper)
	}
	// The bias is Lee & Shen's over the six candidates.
	var cands []stats.Candidate
	for _, s := range conv.Studies {
		if s.Decision == "invalid" || s.Target == "image_cdn" {
			continue
		}
		cands = append(cands, stats.Candidate{Label: s.Target, Estimate: float64(s.Relative.Estimate), StdError: float64(s.Relative.StdError),
			Threshold: stats.NormalQuantile(0.975), Shipped: s.Decision == "ship"})
	}
	if w := stats.CorrectWinnersCurse(cands, 0.05, 10, 1); math.Abs(w.Bias-float64(*rel.Bias)) > 1e-12 {
		t.Errorf("bias %v, want %v", *rel.Bias, w.Bias)
	}

	// The leak: corrected − holdout (+4.1%).
	g := conv.Holdout.Relative
	if conv.Holdout.Target != "launch_holdout" || g.Leak == nil {
		t.Fatalf("holdout comparison %+v", conv.Holdout)
	}
	if math.Abs(float64(*g.Leak)-(float64(*rel.Corrected)-0.041)) > 1e-9 {
		t.Errorf("leak %v, want corrected − 0.041", *g.Leak)
	}
	if !(float64(*g.LeakCILower) < float64(*g.Leak) && float64(*g.Leak) < float64(*g.LeakCIUpper)) {
		t.Errorf("leak %v outside [%v, %v]", *g.Leak, *g.LeakCILower, *g.LeakCIUpper)
	}

	// Meta-analysis over the eight (the holdout left out).
	if conv.Meta.Relative.K != 8 || conv.Meta.Relative.REML.Estimate == nil {
		t.Errorf("meta k = %d", conv.Meta.Relative.K)
	}

	// Health: clicks never moves; latency moves against the primary where
	// the primary moved the right way (checkout_v2 and search_ranker
	// shipped; image_cdn's latency rose too).
	if h := metric(t, p, "clicks").Health; len(h.Flags) != 1 || h.Flags[0] != "never_moves" {
		t.Errorf("clicks flags %v", h.Flags)
	}
	lat := metric(t, p, "latency_ms").Health
	if strings.Join(lat.AgainstPrimary, ",") != "image_cdn/treatment,search_ranker/treatment" {
		t.Errorf("latency against primary %v", lat.AgainstPrimary)
	}
	if h := conv.Health; h.RelativeMDE == nil || h.Moved != 5 {
		t.Errorf("conversion health %+v", h)
	}
	// The MDE by hand: (z_0.975 + z_0.8) × median of SE·√(n/median n).
	if mde := float64(*conv.Health.RelativeMDE); mde < 2.8*0.008 || mde > 2.81*0.012 {
		t.Errorf("conversion MDE %v outside its possible range", mde)
	}

	// Velocity: checkout_v2 decided 14 days after its first timeline
	// start, price_display 21; per month by first stored run (checkout_v2's
	// old run is in June).
	v := p.Velocity
	if v.MedianDaysToDecision == nil || float64(*v.MedianDaysToDecision) != 17.5 || v.Measured != 2 {
		t.Errorf("median days to decision %v over %d, want 17.5 over 2", v.MedianDaysToDecision, v.Measured)
	}
	if v.PerMonth["2026-06"] != 1 || v.PerMonth["2026-07"] != 3 || v.PerMonth["2026-08"] != 4 {
		t.Errorf("experiments per month %v", v.PerMonth)
	}

	// Same seed, same figures.
	again := build(t, portfolio.Options{})
	if *metric(t, again, "conversion").Impact.Relative.CILower != *rel.CILower {
		t.Error("two builds differ")
	}
}

// A metric measured once: every figure that needs two experiments is
// null, with the reason beside it.
func TestBuildNullWithReason(t *testing.T) {
	p := build(t, portfolio.Options{})
	rev := metric(t, p, "revenue")
	b, err := json.Marshal(rev)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(b, &doc)
	meta := doc["meta_analysis"].(map[string]any)["relative"].(map[string]any)
	if meta["fixed_effect"] != nil || meta["q"] != nil || !strings.Contains(meta["not_estimable"].(string), "at least 2") {
		t.Errorf("revenue meta-analysis %v: want nulls and a reason", meta)
	}
	imp := doc["shipped_impact"].(map[string]any)
	rel := imp["relative"].(map[string]any)
	if rel["corrected"] != nil || !strings.Contains(rel["corrected_reason"].(string), "another primary metric") {
		t.Errorf("revenue corrected impact %v: want null with a reason", rel)
	}
	if rel["naive"] == nil {
		t.Error("revenue naive sum missing: price_display shipped and measured it")
	}
	// Nowhere a NaN or a bare 0 for an unestimated figure.
	if strings.Contains(string(b), "NaN") {
		t.Error("NaN in JSON")
	}
	// The fixed-effect model has no τ² and no prediction interval.
	fe := metric(t, p, "conversion").Meta.Relative.FixedEffect
	if fe.Tau2 != nil || fe.Tau2Reason == "" || fe.PredictionLower != nil || fe.PredictionReason == "" {
		t.Errorf("fixed effect tau2 %v (%q) prediction %v (%q)", fe.Tau2, fe.Tau2Reason, fe.PredictionLower, fe.PredictionReason)
	}
}

func TestBuildRefuses(t *testing.T) {
	for _, c := range []struct {
		name    string
		entries []store.Entry
		opts    portfolio.Options
		want    string
	}{
		{"empty", nil, portfolio.Options{}, "holds no runs"},
		{"window", portfoliotest.Entries(), portfolio.Options{Since: portfoliotest.Start.AddDate(1, 0, 0)}, "no experiment runs in the window asked for: its experiment runs were made from "},
		{"rollouts only", rolloutsOnly(), portfolio.Options{}, "holds no experiment runs, only runs of rollout targets"},
		{"metric once", portfoliotest.Entries(), portfolio.Options{Metric: "revenue"}, "metric revenue has 1 experiment(s)"},
		{"no such metric", portfoliotest.Entries(), portfolio.Options{Metric: "nope"}, "metric nope has no experiment results"},
		{"no such holdout", portfoliotest.Entries(), portfolio.Options{Holdout: "nope"}, "--holdout nope: no experiment target"},
		{"holdout typo", portfoliotest.Entries(), portfolio.Options{Holdout: "launch_holdot"}, "(did you mean launch_holdout?)"},
		{"metric typo", portfoliotest.Entries(), portfolio.Options{Metric: "convresion"}, "(did you mean conversion?)"},
		{"metric unlike any", portfoliotest.Entries(), portfolio.Options{Metric: "nope"}, "(the store has clicks, conversion, latency_ms, revenue)"},
		{"one replicate", portfoliotest.Entries(), portfolio.Options{Replicates: 1}, "1 bootstrap replicates: the bootstrap takes 100 to"},
		{"negative replicates", portfoliotest.Entries(), portfolio.Options{Replicates: -5}, "takes 100 to"},
	} {
		c.opts.Store = "s.duckdb"
		_, err := portfolio.Build(c.entries, c.opts)
		if !errors.Is(err, portfolio.ErrRefused) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a refusal saying %q", c.name, err, c.want)
		}
		// The message is the reason alone: the CLI prefixes "caliper: ".
		if err != nil && strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: %q names the refusal marker", c.name, err)
		}
	}
}

// --since drops the old run; without it the old run is still superseded
// by checkout_v2's later one.
func TestBuildSince(t *testing.T) {
	all := build(t, portfolio.Options{})
	since := build(t, portfolio.Options{Since: portfoliotest.Start})
	if all.RunsRead != since.RunsRead+1 {
		t.Errorf("runs read %d and %d since the start, want one fewer", all.RunsRead, since.RunsRead)
	}
	until := build(t, portfolio.Options{Until: portfoliotest.Start.AddDate(0, 0, 20)})
	if len(until.Experiments) != 3 {
		t.Errorf("%d experiments before day 20, want 3 (checkout_v2, search_ranker, promo_banner)", len(until.Experiments))
	}
	for _, x := range until.Experiments {
		if x.Target == "search_ranker" && x.RunID != "fixture-02" {
			t.Errorf("search_ranker until day 20 from %s, want fixture-02", x.RunID)
		}
	}
}

// The cumulative impact over time: one step per decision from the first
// launch on, the naive sum growing at each launch, the corrected sum's
// last step exactly the overall figure (same candidates, same seed); the
// holdout's effect in each of its stored runs, oldest first.
func TestBuildOverTime(t *testing.T) {
	entries := portfoliotest.Entries()
	// An earlier run of the holdout (day 40), before its latest (day 70).
	var early []store.Entry
	for _, e := range entries {
		if e.Row.Target == "launch_holdout" {
			run := *e.Run
			run.ID, run.Seq, run.Time = "early-holdout", 0, portfoliotest.Start.AddDate(0, 0, 40)
			row := e.Row
			half := *row.RelEstimate / 2
			row.RelEstimate = &half
			early = append(early, store.Entry{Run: &run, Row: row})
		}
	}
	p, err := portfolio.Build(append(early, entries...), portfolio.Options{Store: "s.duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	conv := metric(t, p, "conversion")
	rel := conv.Impact.Relative
	steps := rel.OverTime
	var times, shipped []string
	for _, s := range steps {
		times = append(times, s.Time[:10])
		shipped = append(shipped, fmt.Sprint(s.Shipped))
	}
	// checkout_v2 was decided in its old run (June 11), search_ranker in
	// its first (July 11), though their latest runs are later.
	if got := strings.Join(times, " "); got != "2026-06-11 2026-07-11 2026-07-18 2026-07-25 2026-08-15 2026-08-22" {
		t.Errorf("step times %s", got)
	}
	if got := strings.Join(shipped, " "); got != "1 2 2 2 3 3" {
		t.Errorf("shipped by step %s", got)
	}
	last := steps[len(steps)-1]
	if *last.Naive != *rel.Naive || *last.Corrected != *rel.Corrected || *last.CILower != *rel.CILower || *last.CIUpper != *rel.CIUpper {
		t.Errorf("last step %+v, overall %+v", last, rel)
	}
	if steps[0].Candidates != 1 || *steps[0].Naive != 0.031 || steps[0].Decided[0] != "checkout_v2/treatment" {
		t.Errorf("first step %+v", steps[0])
	}
	h := conv.Holdout.OverTime
	if len(h) != 2 || h[0].RunID != "early-holdout" || float64(h[0].Relative.Estimate) != 0.0205 || float64(h[1].Relative.Estimate) != 0.041 {
		t.Errorf("holdout over time %+v", h)
	}
	// A metric not corrected (clicks: selected on another primary) has
	// naive steps, each corrected null with the reason.
	for _, s := range metric(t, p, "clicks").Impact.Relative.OverTime {
		if s.Naive == nil || s.Corrected != nil || !strings.Contains(s.CorrectedReason, "another primary metric") {
			t.Errorf("clicks step %+v", s)
		}
	}
}

// rolloutsOnly is the fixture's entries relabelled as rollout targets: a
// store the review has nothing to read in, though it is not empty.
func rolloutsOnly() []store.Entry {
	var out []store.Entry
	for _, e := range portfoliotest.Entries() {
		e.Row.TargetKind = "rollout"
		out = append(out, e)
	}
	return out
}

// A second target that reads the same experiment (the same units in each
// arm and the same estimates, as a gated or decomposed reanalysis does)
// counts once: it is listed as a reanalysis, the meta-analysis and the
// shipped impact are those without it, and a note names it. A target with
// the same units but another estimate still counts.
func TestBuildCountsReanalysisOnce(t *testing.T) {
	base := portfoliotest.Entries()
	want, err := portfolio.Build(base, portfolio.Options{Store: "fixture.duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	entries := append([]store.Entry(nil), base...)
	var again, other *store.Run
	for _, e := range base {
		if e.Run.ID != "fixture-01" { // checkout_v2's latest run
			continue
		}
		if again == nil {
			again = &store.Run{ID: "fixture-gated", Time: e.Run.Time.Add(time.Hour), Seq: 100, Version: "fixture", SpecPath: "/fixture", Targets: 1}
			other = &store.Run{ID: "fixture-other", Time: e.Run.Time.Add(2 * time.Hour), Seq: 101, Version: "fixture", SpecPath: "/fixture", Targets: 1}
		}
		r := e.Row
		r.Target = "checkout_v2_gated"
		entries = append(entries, store.Entry{Run: again, Row: r})
		o := e.Row
		o.Target = "checkout_v2_filtered"
		est := *o.Estimate * 0.5
		o.Estimate = &est
		entries = append(entries, store.Entry{Run: other, Row: o})
	}
	got, err := portfolio.Build(entries, portfolio.Options{Store: "fixture.duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got.Metrics {
		var w *portfolio.Metric
		for _, x := range want.Metrics {
			if x.Name == m.Name {
				w = x
			}
		}
		if w == nil {
			t.Fatalf("metric %s is new", m.Name)
		}
		if m.Name == "revenue" { // checkout_v2 does not measure it
			continue
		}
		if len(m.Reanalyses) != 1 || m.Reanalyses[0].Target != "checkout_v2_gated" || m.Reanalyses[0].SameAs != "checkout_v2/treatment" {
			t.Errorf("%s: reanalyses %+v", m.Name, m.Reanalyses)
		}
		if m.Experiments != w.Experiments+1 {
			t.Errorf("%s: %d experiments, want %d (the gated copy once, the filtered one counted)", m.Name, m.Experiments, w.Experiments+1)
		}
		if m.Meta.Absolute.K != w.Meta.Absolute.K+1 {
			t.Errorf("%s: meta-analysis of %d studies, want %d", m.Name, m.Meta.Absolute.K, w.Meta.Absolute.K+1)
		}
	}
	note := "checkout_v2_gated/treatment has the same units and estimates as checkout_v2/treatment on clicks, conversion, latency_ms: the same experiment analysed twice, counted once (as checkout_v2/treatment)."
	if len(got.Notes) == 0 || got.Notes[0] != note {
		t.Errorf("notes %q, want first %q", got.Notes, note)
	}
}
