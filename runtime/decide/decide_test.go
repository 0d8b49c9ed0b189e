package decide

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
)

func num(v float64) *result.Num { n := result.Num(v); return &n }

// result builds a result with an absolute and a relative interval (the
// same numbers, as a fraction) and a p-value.
func res(metric string, est, lo, hi, p float64) *result.Result {
	return &result.Result{Metric: metric, Variant: "t",
		Absolute: &result.Effect{Estimate: result.Num(est), CILower: result.Num(lo), CIUpper: result.Num(hi)},
		Relative: &result.Effect{Estimate: result.Num(est), CILower: result.Num(lo), CIUpper: result.Num(hi)},
		PValue:   num(p)}
}

func TestDecide(t *testing.T) {
	saves := &model.Metric{Name: "saves", Direction: model.Increase}
	latency := &model.Metric{Name: "latency", Direction: model.Decrease}
	exp := &model.Experiment{Alpha: 0.05, Metrics: []*model.MetricUse{
		{Metric: saves, Role: model.Primary},
		{Metric: latency, Role: model.Guardrail, Within: 0.02},
	}}
	srmOK := &result.SRM{PValue: 0.5, Passed: true}
	cases := []struct {
		name    string
		srm     *result.SRM
		results []*result.Result
		launch  []*model.Requirement
		outcome string
		reason  string
	}{
		{"ship", srmOK, []*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), res("latency", 0.005, -0.01, 0.015, 0.5)}, nil,
			result.Ship, "holds: saves improves"},
		{"primary not significant", srmOK, []*result.Result{res("saves", 0.02, -0.01, 0.05, 0.2), res("latency", 0, -0.01, 0.01, 0.9)}, nil,
			result.Inconclusive, "undecided: saves does not improve"},
		{"primary significantly worse", srmOK, []*result.Result{res("saves", -0.05, -0.09, -0.01, 0.01), res("latency", 0, -0.01, 0.01, 0.9)}, nil,
			result.NoShip, "fails: saves got worse"},
		// latency should decrease: an interval wholly above +2% fails.
		{"guardrail breached", srmOK, []*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), res("latency", 0.05, 0.03, 0.07, 0.001)}, nil,
			result.NoShip, "fails: guardrail latency within 2%"},
		{"guardrail unclear", srmOK, []*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), res("latency", 0.01, -0.01, 0.03, 0.3)}, nil,
			result.Inconclusive, "upper bound +3.00% exceeds +2%"},
		// a decrease of latency is good: its lower bound does not matter.
		{"guardrail improved", srmOK, []*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), res("latency", -0.05, -0.09, -0.01, 0.01)}, nil,
			result.Ship, "holds: guardrail latency"},
		{"srm failed", &result.SRM{PValue: 0.0001}, []*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), res("latency", 0, -0.01, 0.01, 0.9)}, nil,
			result.Invalid, "invalid: sample ratio"},
		{"not worse fails", srmOK, []*result.Result{res("saves", -0.05, -0.09, -0.01, 0.01)},
			[]*model.Requirement{{Kind: model.RequireNotWorse, Metric: saves}}, result.NoShip, "fails: saves got worse"},
		{"within holds", srmOK, []*result.Result{res("saves", -0.001, -0.009, 0.007, 0.8)},
			[]*model.Requirement{{Kind: model.RequireWithin, Metric: saves, Within: 0.01}}, result.Ship, "lower bound -0.90% >= -1%"},
		{"not estimated", srmOK, []*result.Result{{Metric: "saves", Variant: "t", Notes: []string{"zero variance"}}},
			[]*model.Requirement{{Kind: model.RequireImproves, Metric: saves}}, result.Inconclusive, "not estimated (zero variance)"},
	}
	for _, c := range cases {
		e := *exp
		e.Launch = c.launch
		tg := &result.Target{Experiment: result.Experiment{Control: "c", Units: map[string]int64{"c": 10, "t": 10}, SRM: c.srm, Results: c.results}}
		Decide(&e, tg)
		if len(tg.Decisions) != 1 {
			t.Fatalf("%s: %d decisions", c.name, len(tg.Decisions))
		}
		d := tg.Decisions[0]
		joined := strings.Join(d.Reasons, "\n")
		if d.Outcome != c.outcome || !strings.Contains(joined, c.reason) {
			t.Errorf("%s: outcome %s, reasons:\n%s\nwant %s with %q", c.name, d.Outcome, joined, c.outcome, c.reason)
		}
	}
}

// A required metric that cannot be estimated (a ratio whose control
// denominator sums to 0) never lets a treatment ship, under any rule that
// reads it, even if numbers were left on the result by mistake.
func TestNotEstimableNeverShips(t *testing.T) {
	saves := &model.Metric{Name: "saves", Direction: model.Increase}
	guard := &model.Metric{Name: "latency", Direction: model.Decrease}
	const why = "control arm: the denominator sums to 0 in the arm: the ratio is not defined"
	bare := func(metric string) *result.Result {
		return &result.Result{Metric: metric, Variant: "t", NotEstimable: why, Notes: []string{why}}
	}
	// Left-over numbers that would ship if read.
	stale := func(metric string, est float64) *result.Result {
		r := res(metric, est, est/2, est*2, 0.001)
		r.NotEstimable = why
		return r
	}
	srmOK := &result.SRM{PValue: 0.5, Passed: true}
	for _, c := range []struct {
		name    string
		launch  []*model.Requirement
		results []*result.Result
	}{
		{"improves", []*model.Requirement{{Kind: model.RequireImproves, Metric: saves}}, []*result.Result{bare("saves")}},
		{"improves, stale numbers", []*model.Requirement{{Kind: model.RequireImproves, Metric: saves}}, []*result.Result{stale("saves", 0.05)}},
		{"not worse", []*model.Requirement{{Kind: model.RequireNotWorse, Metric: saves}}, []*result.Result{stale("saves", 0.05)}},
		{"within", []*model.Requirement{{Kind: model.RequireWithin, Metric: saves, Within: 0.5}}, []*result.Result{stale("saves", 0.01)}},
		{"guardrail", []*model.Requirement{{Kind: model.RequireImproves, Metric: saves}, {Kind: model.RequireGuardrails}},
			[]*result.Result{res("saves", 0.05, 0.01, 0.09, 0.01), stale("latency", -0.01)}},
	} {
		e := &model.Experiment{Alpha: 0.05, Launch: c.launch, Metrics: []*model.MetricUse{
			{Metric: saves, Role: model.Primary}, {Metric: guard, Role: model.Guardrail, Within: 0.02}}}
		tg := &result.Target{Experiment: result.Experiment{Control: "c", SRM: srmOK, Results: c.results}}
		Decide(e, tg)
		d := tg.Decisions[0]
		joined := strings.Join(d.Reasons, "\n")
		if d.Outcome != result.Inconclusive || !strings.Contains(joined, "not estimable ("+why+")") {
			t.Errorf("%s: outcome %s, reasons:\n%s", c.name, d.Outcome, joined)
		}
	}
}
