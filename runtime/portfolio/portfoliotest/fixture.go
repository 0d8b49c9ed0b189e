// Package portfoliotest builds a small results store's runs for the tests
// of `caliper portfolio`: eight experiments on one primary metric (some
// shipped), secondary metrics that never move or move against the
// primary, a metric measured once, a long-running holdout, and a target
// stored twice plus an old run before 2026-07-01 (so --since and "latest
// run per target" are exercised). Figures are fixed numbers, runs have
// fixed IDs and times, so outputs are byte-stable.
package portfoliotest

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/caliper-dev/caliper/runtime/store"
)

// effect is one experiment's relative lift on a metric and its relative
// standard error.
type effect struct {
	metric, role, direction string
	lift, se                float64
}

type experiment struct {
	target, control, decision string
	units                     int64
	day                       int // days after 2026-07-01
	effects                   []effect
}

var base = map[string]float64{"conversion": 0.05, "clicks": 3.2, "latency_ms": 180, "revenue": 1.4}

func experiments() []experiment {
	conv := func(lift, se float64) effect { return effect{"conversion", "primary", "increase", lift, se} }
	clicks := func(lift, se float64) effect { return effect{"clicks", "secondary", "increase", lift, se} }
	lat := func(lift, se float64) effect { return effect{"latency_ms", "guardrail", "decrease", lift, se} }
	return []experiment{
		{"checkout_v2", "control", "ship", 40000, 3, []effect{conv(0.031, 0.011), clicks(0.004, 0.006), lat(0.002, 0.004)}},
		{"search_ranker", "control", "ship", 52000, 10, []effect{conv(0.024, 0.009), clicks(-0.003, 0.005), lat(0.011, 0.004)}},
		{"promo_banner", "control", "no_ship", 30000, 17, []effect{conv(0.006, 0.012), clicks(0.002, 0.007), lat(0.001, 0.004)}},
		{"onboarding_tips", "control", "inconclusive", 45000, 24, []effect{conv(0.013, 0.010), clicks(0.006, 0.006), lat(-0.002, 0.004)}},
		{"image_cdn", "control", "inconclusive", 38000, 31, []effect{conv(0.028, 0.010), clicks(0.001, 0.006), lat(0.019, 0.004)}},
		{"price_display", "control", "ship", 61000, 45, []effect{conv(0.019, 0.008), clicks(-0.002, 0.005), lat(-0.001, 0.004),
			{"revenue", "secondary", "increase", 0.012, 0.015}}},
		{"reviews_widget", "control", "no_ship", 33000, 52, []effect{conv(-0.004, 0.011), clicks(0.003, 0.006), lat(0.000, 0.004)}},
		{"bad_split", "control", "invalid", 29000, 60, []effect{conv(0.040, 0.012), clicks(0.001, 0.007), lat(0.003, 0.004)}},
		// The long-running holdout: every launch against users kept on the
		// old product.
		{"launch_holdout", "holdout", "", 90000, 70, []effect{conv(0.041, 0.012), clicks(0.002, 0.004), lat(0.012, 0.003)}},
	}
}

// Start is the first fixture run's day; runs before it are "old".
var Start = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// Runs are the fixture's runs, oldest first: an old run of
// checkout_v2 (before Start, different figures), then one run per
// experiment, then a second run of search_ranker (the latest, whose
// figures count).
func Runs() []*store.Run {
	var runs []*store.Run
	add := func(x experiment, at time.Time, seq int, scale float64) {
		run := &store.Run{ID: fmt.Sprintf("fixture-%02d", seq), Time: at, Version: "fixture", SpecPath: "/fixture",
			SpecHash: "sha256:fixture", DataFingerprint: "sha256:fixture", Targets: 1}
		for _, e := range x.effects {
			run.Rows = append(run.Rows, row(x, e, scale))
		}
		// Two experiments have a calendar timeline (their first period
		// starts 14 and 21 days before the run): the only first-exposure
		// time a store keeps.
		if lead, ok := map[string]int{"checkout_v2": 14, "price_display": 21}[x.target]; ok {
			tl := row(x, x.effects[0], scale)
			k := 1
			tl.Period, tl.Timeline = &k, "cumulative"
			tl.PeriodStart = at.AddDate(0, 0, -lead).Format("2006-01-02 15:04:05")
			tl.PeriodEnd = at.Format("2006-01-02 15:04:05")
			run.Rows = append(run.Rows, tl)
		}
		runs = append(runs, run)
	}
	xs := experiments()
	add(xs[0], Start.AddDate(0, 0, -20), 0, 3) // old: three times the lift
	for i, x := range xs {
		add(x, Start.AddDate(0, 0, x.day), i+1, 1)
	}
	add(xs[1], Start.AddDate(0, 0, 80), len(xs)+1, 1.05)
	return runs
}

// Entries are the fixture's rows as store.History returns them.
func Entries() []store.Entry {
	var out []store.Entry
	for i, r := range Runs() {
		r.Seq = int64(i + 1)
		for _, row := range r.Rows {
			out = append(out, store.Entry{Run: r, Row: row})
		}
	}
	return out
}

func row(x experiment, e effect, scale float64) store.Row {
	b := base[e.metric]
	lift := e.lift * scale
	ct, tr := b, b*(1+lift)
	abs, se := tr-ct, e.se*b
	z := abs / se
	p := 2 * distuv.UnitNormal.CDF(-math.Abs(z))
	f := func(v float64) *float64 { return &v }
	r := store.Row{Target: x.target, TargetKind: "experiment", Metric: e.metric, MetricKind: "mean", Role: e.role,
		Direction: e.direction, Variant: "treatment", Control: x.control,
		ControlUnits: x.units / 2, TreatmentUnits: x.units - x.units/2, ControlValue: f(ct), TreatmentValue: f(tr),
		Estimate: f(abs), CILower: f(abs - 1.959963984540054*se), CIUpper: f(abs + 1.959963984540054*se), StdError: f(se),
		RelEstimate: f(lift), RelCILower: f(lift - 1.959963984540054*e.se), RelCIUpper: f(lift + 1.959963984540054*e.se),
		RelStdError: f(e.se), RelMethod: "delta", PValue: f(p), Significant: p < 0.05, Method: "welch", Alpha: 0.05,
		Decision: x.decision}
	if x.control == "holdout" {
		r.Variant = "launched"
	}
	return r
}
