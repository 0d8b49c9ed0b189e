package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// With a planted decaying effect a + b·exp(−t/τ) observed with noise, the
// long-run interval covers the planted asymptote at close to its nominal
// rate, and the decay is flagged as novelty.
func TestLongRunCoversPlantedAsymptote(t *testing.T) {
	const a, b, tau, se = 0.05, 0.12, 3.0, 0.01
	rng := rand.New(rand.NewPCG(11, 12))
	covered, novelty, sims := 0, 0, 400
	for s := 0; s < sims; s++ {
		var pts []PeriodEffect
		for k := 0; k < 21; k++ {
			tk := float64(k) + 0.5
			pts = append(pts, PeriodEffect{T: tk, Estimate: a + b*math.Exp(-tk/tau) + se*rng.NormFloat64(), StdError: se})
		}
		f := FitLongRun(pts, 0.05)
		if f.Problem != "" {
			t.Fatal(f.Problem)
		}
		if f.Asymptote.Lower <= a && a <= f.Asymptote.Upper {
			covered++
		}
		if f.Pattern == "novelty" {
			novelty++
		}
	}
	rate := float64(covered) / float64(sims)
	// τ is profiled, so coverage runs a little under 95%; 400 simulations
	// put the binomial band near ±3%.
	t.Logf("asymptote coverage %.3f, novelty flagged %d of %d", rate, novelty, sims)
	if rate < 0.88 {
		t.Errorf("asymptote coverage %.3f over %d simulations, want >= 0.88", rate, sims)
	}
	if novelty < sims*9/10 {
		t.Errorf("novelty flagged in %d of %d simulations", novelty, sims)
	}
}

// A flat effect is stable (no significant trend) most of the time, and a
// fit with too few periods is refused with a reason.
func TestLongRunStableAndTooFew(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	stable := 0
	for s := 0; s < 200; s++ {
		var pts []PeriodEffect
		for k := 0; k < 14; k++ {
			pts = append(pts, PeriodEffect{T: float64(k) + 0.5, Estimate: 0.02 + 0.01*rng.NormFloat64(), StdError: 0.01})
		}
		if FitLongRun(pts, 0.05).Pattern == "stable" {
			stable++
		}
	}
	if stable < 160 {
		t.Errorf("flat effects called stable %d of 200 times", stable)
	}
	f := FitLongRun([]PeriodEffect{{T: 0.5, Estimate: 1, StdError: 0.1}, {T: 1.5, Estimate: 1, StdError: 0.1}}, 0.05)
	if f.Problem == "" {
		t.Error("two periods must be refused")
	}
}
