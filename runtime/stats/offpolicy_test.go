package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Sums of disjoint shards add up to the sums of the whole.
func TestOffPolicySumsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2))
	var whole, a, b OffPolicySums
	for i := 0; i < 50; i++ {
		var ds []OffPolicyDecision
		for j := 0; j < 1+rng.IntN(3); j++ {
			ds = append(ds, OffPolicyDecision{Propensity: 0.1 + 0.8*rng.Float64(), Pi: rng.Float64(), Reward: rng.Float64(), QLogged: rng.Float64(), Direct: rng.Float64()})
		}
		whole.AddUnit(ds, 4)
		if i%2 == 0 {
			a.AddUnit(ds, 4)
		} else {
			b.AddUnit(ds, 4)
		}
	}
	sum := a.Add(b)
	for _, e := range []OffPolicyEstimator{IPS, SNIPS, DR} {
		x, y := whole.Estimate(e, 0.05), sum.Estimate(e, 0.05)
		if math.Abs(x.Difference.StdError-y.Difference.StdError) > 1e-12 || math.Abs(x.Value.Estimate-y.Value.Estimate) > 1e-12 {
			t.Errorf("%s: whole %+v, shards %+v", e, x, y)
		}
	}
	if whole.MaxWeight != sum.MaxWeight || whole.Clipped != sum.Clipped {
		t.Errorf("diagnostics differ: %+v %+v", whole, sum)
	}
}

// What cannot be estimated says why instead of giving numbers.
func TestOffPolicyProblems(t *testing.T) {
	var empty OffPolicySums
	if e := empty.Estimate(IPS, 0.05); e.ValueProblem == "" || e.DifferenceProblem == "" {
		t.Errorf("empty sums estimated: %+v", e)
	}
	if v := empty.LoggingValue(0.05); v.Problem == "" {
		t.Errorf("empty logging value estimated: %+v", v)
	}
	var never OffPolicySums
	for i := 0; i < 5; i++ {
		never.AddUnit([]OffPolicyDecision{{Propensity: 0.5, Pi: 0, Reward: float64(i)}}, NoClip)
	}
	if e := never.Estimate(SNIPS, 0.05); e.ValueProblem == "" {
		t.Errorf("SNIPS with all weights 0 estimated: %+v", e)
	}
	d := never.Diagnostics(0.05)
	if d.NeverTakenShare != 1 || d.ESS != 0 || d.MeanWeightFlag == "" {
		t.Errorf("diagnostics of a model that never takes the logged action: %+v", d)
	}
	var one OffPolicySums
	one.AddUnit([]OffPolicyDecision{{Propensity: 0.5, Pi: 1, Reward: 1}, {Propensity: 0.5, Pi: 0, Reward: 0}}, NoClip)
	if e := one.Estimate(DR, 0.05); e.DifferenceProblem == "" {
		t.Errorf("one unit gave an interval: %+v", e)
	}
}

// A model that never takes a logged action is flagged for that, not for
// its propensities (which are not at fault).
func TestOffPolicyNeverTakenFlag(t *testing.T) {
	var never OffPolicySums
	for i := 0; i < 3; i++ {
		never.AddUnit([]OffPolicyDecision{{Propensity: 0.5, Pi: 0, Reward: 1}}, NoClip)
	}
	if f := never.Diagnostics(0.05).MeanWeightFlag; strings.Contains(f, "propensities") || !strings.Contains(f, "takes none of the logged actions") {
		t.Errorf("flag %q, want it to say the model takes none of the logged actions", f)
	}
}
