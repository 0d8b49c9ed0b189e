package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
)

// wcSimulation plants true effects, draws each experiment's estimate,
// ships those significant in the right direction (X/σ > z_{0.975}) and
// compares the naive and corrected totals with the shipped experiments'
// true total, over seeds replicates.
type wcSummary struct {
	seeds                  int
	naiveBias, corrBias    float64 // mean error (estimate − truth)
	naiveRMSE, corrRMSE    float64
	closer                 float64 // share of seeds where |corrected − T| < |naive − T|
	coverage, naiveCover   float64 // share of seeds whose interval covers T
	meanShipped, meanTruth float64
}

func wcSimulate(t *testing.T, seeds, n, reps int) wcSummary {
	t.Helper()
	b := quantile(0.975, math.Inf(1))
	var s wcSummary
	used := 0
	for seed := 0; seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 20261205))
		cands := make([]Candidate, n)
		truth := 0.0
		for i := range cands {
			// Planted: most launches do little, a few help; relative lifts
			// with standard errors between 0.3% and 1.5%.
			a := 0.002 + 0.004*rng.NormFloat64()
			if rng.Float64() < 0.2 {
				a += 0.01
			}
			sigma := 0.003 + 0.012*rng.Float64()
			x := a + sigma*rng.NormFloat64()
			cands[i] = Candidate{Label: fmt.Sprint(i), Estimate: x, StdError: sigma, Threshold: b, Shipped: x/sigma > b}
			if cands[i].Shipped {
				truth += a
			}
		}
		w := CorrectWinnersCurse(cands, 0.05, reps, uint64(seed))
		if !w.Estimable() {
			continue // nothing shipped in this replicate
		}
		used++
		en, ec := w.Naive-truth, w.Corrected-truth
		s.naiveBias += en
		s.corrBias += ec
		s.naiveRMSE += en * en
		s.corrRMSE += ec * ec
		if math.Abs(ec) < math.Abs(en) {
			s.closer++
		}
		if w.Lower <= truth && truth <= w.Upper {
			s.coverage++
		}
		if math.Abs(en) <= 1.959964*w.NaiveSE {
			s.naiveCover++
		}
		s.meanShipped += float64(w.Shipped)
		s.meanTruth += truth
	}
	if used < seeds*9/10 {
		t.Fatalf("only %d of %d replicates shipped anything", used, seeds)
	}
	f := float64(used)
	s.seeds = used
	s.naiveBias /= f
	s.corrBias /= f
	s.naiveRMSE = math.Sqrt(s.naiveRMSE / f)
	s.corrRMSE = math.Sqrt(s.corrRMSE / f)
	s.closer /= f
	s.coverage /= f
	s.naiveCover /= f
	s.meanShipped /= f
	s.meanTruth /= f
	return s
}

func checkWinnersCurse(t *testing.T, s wcSummary, minCoverage float64) {
	t.Helper()
	t.Logf("%d replicates, %.1f launches shipped on average (true total %.4f): bias naive %+.5f corrected %+.5f; RMSE naive %.5f corrected %.5f; corrected closer in %.1f%%; 95%% bootstrap interval covers the truth in %.1f%% (naive ±1.96·SE: %.1f%%)",
		s.seeds, s.meanShipped, s.meanTruth, s.naiveBias, s.corrBias, s.naiveRMSE, s.corrRMSE, 100*s.closer, 100*s.coverage, 100*s.naiveCover)
	if !(s.naiveBias > 0) {
		t.Errorf("naive sum not biased upward (%g): the simulation does not show the winner's curse", s.naiveBias)
	}
	if !(math.Abs(s.corrBias) < math.Abs(s.naiveBias)/2) {
		t.Errorf("corrected bias %g is not below half the naive bias %g", s.corrBias, s.naiveBias)
	}
	if !(s.corrRMSE < s.naiveRMSE) {
		t.Errorf("corrected RMSE %g is not below the naive RMSE %g", s.corrRMSE, s.naiveRMSE)
	}
	if s.coverage < minCoverage {
		t.Errorf("bootstrap interval covers the true total in %.1f%% of replicates, want at least %.0f%%", 100*s.coverage, 100*minCoverage)
	}
}

// The corrected total is closer to the shipped launches' true total than
// the naive sum (selection on significance, planted effects).
func TestWinnersCurseSimulation(t *testing.T) {
	checkWinnersCurse(t, wcSimulate(t, 300, 30, 200), 0.85)
}

// The long run: more replicates and bootstrap draws; this is where the
// coverage in README.md comes from.
func TestWinnersCurseSimulationLong(t *testing.T) {
	testenv.NeedLong(t, "winner's curse simulation over 2,000 replicates")
	checkWinnersCurse(t, wcSimulate(t, 2000, 30, 1000), 0.90)
}

func TestWinnersCurseExact(t *testing.T) {
	// β̂ by hand: σ φ(b − X/σ) summed over every candidate.
	c := []Candidate{
		{Label: "a", Estimate: 0.03, StdError: 0.01, Threshold: 1.96, Shipped: true},
		{Label: "b", Estimate: 0.01, StdError: 0.01, Threshold: 1.96},
		{Label: "c", Estimate: 0.05, StdError: 0.02, Threshold: 1.96, Shipped: true},
	}
	phi := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	bias := 0.01*phi(1.96-3) + 0.01*phi(1.96-1) + 0.02*phi(1.96-2.5)
	w := CorrectWinnersCurse(c, 0.05, 500, 1)
	if !w.Estimable() {
		t.Fatal(w.Problem)
	}
	if math.Abs(w.Bias-bias) > 1e-15 || math.Abs(w.Naive-0.08) > 1e-15 || math.Abs(w.Corrected-(0.08-bias)) > 1e-15 {
		t.Errorf("naive %g bias %g corrected %g, want 0.08, %g, %g", w.Naive, w.Bias, w.Corrected, bias, 0.08-bias)
	}
	if !(w.Lower < w.Corrected && w.Corrected < w.Upper) || w.Replicates != 500 || len(w.Draws) != 500 {
		t.Errorf("interval [%g, %g] around %g from %d draws", w.Lower, w.Upper, w.Corrected, w.Replicates)
	}
	if again := CorrectWinnersCurse(c, 0.05, 500, 1); again.Lower != w.Lower || again.Upper != w.Upper {
		t.Error("same seed, different interval")
	}
	if w := CorrectWinnersCurse(c[1:2], 0.05, 100, 1); w.Estimable() {
		t.Error("nothing shipped, yet estimable")
	}
	bad := append([]Candidate{{Label: "d", Estimate: math.NaN(), StdError: 0.01, Shipped: true}}, c...)
	if w := CorrectWinnersCurse(bad, 0.05, 100, 1); w.Estimable() {
		t.Error("a shipped candidate without an estimate, yet estimable")
	}
}

// The correction step by step: each step's estimates are those of
// CorrectWinnersCurse on its candidates, the step covering them all is
// CorrectWinnersCurse exactly (interval and draws too), a step before any
// launch is not estimable, and an unusable shipped candidate makes every
// step from it on not estimable.
func TestWinnersCurseSteps(t *testing.T) {
	c := []Candidate{
		{Label: "a", Estimate: 0.004, StdError: 0.01, Threshold: 1.96},
		{Label: "b", Estimate: 0.03, StdError: 0.01, Threshold: 1.96, Shipped: true},
		{Label: "c", Estimate: 0.01, StdError: 0.01, Threshold: 1.96},
		{Label: "d", Estimate: 0.05, StdError: 0.02, Threshold: 1.96, Shipped: true},
		{Label: "e", Estimate: -0.01, StdError: 0.015, Threshold: 1.96},
	}
	ends := []int{1, 2, 4, 4, 5}
	steps := CorrectWinnersCurseSteps(c, ends, 0.05, 400, 3)
	if steps[0].Estimable() {
		t.Error("a step before any launch is estimable")
	}
	for k, n := range ends[1:] {
		st, alone := steps[k+1], CorrectWinnersCurse(c[:n], 0.05, 400, 3)
		if st.Naive != alone.Naive || math.Abs(st.Bias-alone.Bias) > 1e-15 || st.Shipped != alone.Shipped || st.Candidates != n {
			t.Errorf("step %d: naive %g bias %g shipped %d; alone %g %g %d", k+1, st.Naive, st.Bias, st.Shipped, alone.Naive, alone.Bias, alone.Shipped)
		}
		if !(st.Lower < st.Corrected && st.Corrected < st.Upper) {
			t.Errorf("step %d: interval [%g, %g] around %g", k+1, st.Lower, st.Upper, st.Corrected)
		}
	}
	all := CorrectWinnersCurse(c, 0.05, 400, 3)
	last := steps[len(steps)-1]
	if last.Corrected != all.Corrected || last.Lower != all.Lower || last.Upper != all.Upper || last.Draws[17] != all.Draws[17] {
		t.Errorf("last step %+v, all %+v", last, all)
	}
	bad := append(append([]Candidate{}, c[:3]...), Candidate{Label: "x", Estimate: math.NaN(), StdError: 0.01, Shipped: true})
	bad = append(bad, c[3:]...)
	s2 := CorrectWinnersCurseSteps(bad, []int{2, 3, 4, 6}, 0.05, 100, 3)
	if !s2[0].Estimable() || !s2[1].Estimable() || s2[2].Estimable() || s2[3].Estimable() || len(s2[3].Skipped) != 1 {
		t.Errorf("unusable shipped candidate at 4: %+v", s2)
	}
}
