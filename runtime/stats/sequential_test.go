package stats

import (
	"math"
	"testing"
)

// seqG6Arms are the arms of gbstats TestSequentialTTest: control n = 3000.
func seqG6Arms() (Arm, Arm) {
	return MeanArm(Moments{N: 3000, Sum: 1396.87, SumSq: 52377.9767}),
		MeanArm(Moments{N: 3461, Sum: 2422.7, SumSq: 134698.29})
}

// G6: gbstats tests/frequentist/test_tests.py::TestSequentialTTest
// (STATS-REFERENCE §6.2; r-verify/gb_ttest.R; 5 decimals). GrowthBook's
// relative sequences are the delta method's (relative_ci delta).
func TestSequentialG6(t *testing.T) {
	c, tr := seqG6Arms()
	r := Sequential(Compare(c, tr, 0.05, WelchT).WithRelative(DeltaMethod), 6461, 0.05, 1000)
	printed(t, "rel", r.Relative.Estimate, 0.50336, 5)
	printed(t, "rel se", r.Relative.StdError, 0.33341, 5)
	printed(t, "rel CS lo", r.Relative.Lower, -0.55844, 5)
	printed(t, "rel CS hi", r.Relative.Upper, 1.56516, 5)
	check(t, "rel p", SequentialPValue(r.Relative.Estimate, r.Relative.StdError, 6461, 0.05, 1000), 1, 0)
	if r.Method != "welch_t+seq_cs(N*=1000)" || !math.IsInf(r.DF, 1) {
		t.Errorf("method %q df %g", r.Method, r.DF)
	}

	// test_sequential_test_runs_prop: 1396/3000 vs 2422/3461, default N*.
	pa := func(x, n float64) Arm {
		p := x / n
		return Arm{Units: n, Value: p, Variance: p * (1 - p) / n, DF: n - 1}
	}
	p := Sequential(Compare(pa(1396, 3000), pa(2422, 3461), 0.05, WelchT).WithRelative(DeltaMethod), 6461, 0.05, 0)
	printed(t, "prop rel", p.Relative.Estimate, 0.50386, 5)
	printed(t, "prop rel se", p.Relative.StdError, 0.03386, 5)
	printed(t, "prop CS lo", p.Relative.Lower, 0.40098, 5)
	printed(t, "prop CS hi", p.Relative.Upper, 0.60675, 5)
	// STATS-REFERENCE: p ≈ 5.2e−44.
	printed(t, "prop p ×1e44", 1e44*SequentialPValue(p.Relative.Estimate, p.Relative.StdError, 6461, 0.05, 0), 5.2, 1)

	// test_sequential_test_runs_ra: CUPED, default N* (post_pre_sum_of_products 1).
	ca := CupedMoments{N: 3000, SumY: 1396.87, SumSqY: 52377.9767, SumX: 16.87, SumSqX: 527.9767, SumXY: 1}
	ta := CupedMoments{N: 3461, SumY: 2422.7, SumSqY: 134698.29, SumX: 22.7, SumSqX: 1348.29, SumXY: 1}
	ra := Sequential(CompareCuped(ca, ta, CupedPooled, 0.05, WelchT).Comparison.WithRelative(DeltaMethod), 6461, 0.05, 0)
	printed(t, "RA rel", ra.Relative.Estimate, 0.50338, 5)
	printed(t, "RA rel se", ra.Relative.StdError, 0.33341, 5)
	printed(t, "RA CS lo", ra.Relative.Lower, -0.50969, 5)
	printed(t, "RA CS hi", ra.Relative.Upper, 1.51646, 5)

	// test_sequential_test_runs_ratio_ra: ratio CUPED, default N*.
	a, b := cupedG4cArms()
	rr := Sequential(CompareCupedRatio(a, b, 0.05, WelchT).Comparison.WithRelative(DeltaMethod), 200, 0.05, 0)
	printed(t, "ratio RA rel", rr.Relative.Estimate, -0.0007, 5)
	printed(t, "ratio RA CS lo", rr.Relative.Lower, -0.02063, 5)
	printed(t, "ratio RA CS hi", rr.Relative.Upper, 0.01923, 5)
	check(t, "ratio RA p", SequentialPValue(rr.Relative.Estimate, rr.Relative.StdError, 200, 0.05, 0), 1, 0)
}

// One-sided sequential goldens: gbstats TestSequentialOneSided{Greater,
// Lesser}TTest bounds (printed to 17 digits; STATS-REFERENCE §6.2,
// r-verify/seq_onesided.R).
func TestSequentialOneSidedGrowthBook(t *testing.T) {
	c, tr := seqG6Arms()
	r := Compare(c, tr, 0.05, WelchT)
	cases := []struct {
		name    string
		e       Effect
		greater bool
		bound   float64
		p       float64
	}{
		{"relative greater", *r.Relative, true, -0.42356454602790883, 0.4999},
		{"absolute greater", r.Absolute, true, -0.12656844172804982, 0.46316491943359384},
		{"relative lesser", *r.Relative, false, 1.4302867177403806, 0.4999},
		{"absolute lesser", r.Absolute, false, 0.5953217750613832, 0.4999},
	}
	for _, cs := range cases {
		o := SequentialOneSided(cs.e, 6461, 0.05, 0, cs.greater)
		check(t, cs.name+" bound", o.Bound, cs.bound, 1e-12)
		// gbstats finds p by a bisection that stops early; ours is the exact
		// root (see TestSequentialAgainstR), 1.2e-4 away for the absolute case.
		if math.Abs(o.PValue-cs.p) > 2e-4 {
			t.Errorf("%s p = %g, gbstats %g", cs.name, o.PValue, cs.p)
		}
	}
}

// TestSequentialAgainstR checks confidence sequences, always-valid p-values
// and one-sided p-values against the independent R implementation in
// testdata/stats/sequential/ref.R (Howard et al. form of the boundary;
// mSPRT likelihood ratio; uniroot for the one-sided p-value).
func TestSequentialAgainstR(t *testing.T) {
	var want struct {
		Tuning []struct {
			Tuning, Estimate, SE, N, Alpha, Rho, Lower, Upper, P float64
			RatioToFixed                                         float64 `json:"ratio_to_fixed"`
		}
		G6 []struct {
			Name                                     string
			Estimate, SE, N, Tuning, Lower, Upper, P float64
		}
		OneSided []struct {
			Name                      string
			Estimate, SE, N, Bound, P float64
			Greater                   bool
			PGrowthBook               float64 `json:"p_growthbook_bisection"`
		} `json:"one_sided"`
	}
	readDepthGolden(t, "sequential/expected.json", &want)
	const tol = 1e-10
	for _, c := range want.Tuning {
		check(t, "rho", SequentialRho(c.Alpha, c.Tuning), c.Rho, tol)
		h := SequentialHalfWidth(c.SE, c.N, c.Alpha, c.Tuning)
		check(t, "CS lo", c.Estimate-h, c.Lower, tol)
		check(t, "CS hi", c.Estimate+h, c.Upper, tol)
		check(t, "CS / fixed", h/(1.959963984540054*c.SE), c.RatioToFixed, tol)
		check(t, "p (mSPRT)", SequentialPValue(c.Estimate, c.SE, c.N, c.Alpha, c.Tuning), c.P, tol)
	}
	for _, c := range want.G6 {
		h := SequentialHalfWidth(c.SE, c.N, 0.05, c.Tuning)
		check(t, c.Name+" lo", c.Estimate-h, c.Lower, tol)
		check(t, c.Name+" hi", c.Estimate+h, c.Upper, tol)
		check(t, c.Name+" p", SequentialPValue(c.Estimate, c.SE, c.N, 0.05, c.Tuning), c.P, 1e-8)
	}
	if len(want.Tuning) != 4 || len(want.G6) != 2 || len(want.OneSided) != 5 {
		t.Fatalf("golden incomplete: %+v", want)
	}
	for _, c := range want.OneSided {
		o := SequentialOneSided(Effect{Estimate: c.Estimate, StdError: c.SE}, c.N, 0.05, 0, c.Greater)
		check(t, c.Name+" bound", o.Bound, c.Bound, tol)
		check(t, c.Name+" p (exact root)", o.PValue, c.P, 1e-9)
		if math.Abs(o.PValue-c.PGrowthBook) > 2e-4 {
			t.Errorf("%s: p %g far from GrowthBook's bisection %g", c.Name, o.PValue, c.PGrowthBook)
		}
	}
}

// The default tuning is 5000, and any non-positive tuning means the default.
func TestSequentialDefaults(t *testing.T) {
	check(t, "rho default", SequentialRho(0.05, 0), SequentialRho(0.05, 5000), 0)
	check(t, "rho negative", SequentialRho(0.05, -3), SequentialRho(0.05, DefaultSequentialTuning), 0)
	// The sequence is always wider than the fixed-horizon interval.
	for _, n := range []float64{10, 100, 5000, 1e6} {
		if h := SequentialHalfWidth(1, n, 0.05, 0); !(h > 1.96) {
			t.Errorf("n=%g: half-width %g not wider than 1.96", n, h)
		}
	}
}

func TestSequentialEdgeCases(t *testing.T) {
	// A comparison that cannot be estimated passes through unchanged.
	bad := Compare(MeanArm(Moments{}), MeanArm(Moments{N: 3, Sum: 3, SumSq: 5}), 0.05, WelchT)
	if s := Sequential(bad, 3, 0.05, 0); s.Problem != bad.Problem {
		t.Errorf("not estimable must pass through: %+v", s)
	}
	c, tr := seqG6Arms()
	r := Compare(c, tr, 0.05, WelchT)
	for _, s := range []Comparison{Sequential(r, 0, 0.05, 0), Sequential(r, 6461, 0, 0), Sequential(r, 6461, 1, 0)} {
		if s.Problem == "" {
			t.Errorf("bad n or alpha must be a Problem: %+v", s)
		}
		depthFinite(t, "bad input", s)
	}
	// Control mean 0: relative stays omitted, absolute is sequential.
	c0 := Compare(MeanArm(Moments{N: 10}), MeanArm(Moments{N: 10, Sum: 5, SumSq: 5}), 0.05, WelchT)
	s := Sequential(c0, 20, 0.05, 0)
	if s.Relative != nil || s.RelativeProblem == "" || !s.Estimable() {
		t.Errorf("control 0: %+v", s)
	}
	depthFinite(t, "control 0", s)
	// Overwhelming evidence: p underflows to 0, never NaN.
	if p := SequentialPValue(1e6, 1, 1e6, 0.05, 0); p != 0 {
		t.Errorf("huge z: p = %g", p)
	}
	if p := SequentialOneSidedPValue(1e6, 1, 1e6, 0.05, 0, true); p != 0 {
		t.Errorf("huge z one-sided: p = %g", p)
	}
	// Zero standard error: no interval, p = 1 / the cap, with a Problem.
	if h, p := SequentialHalfWidth(0, 10, 0.05, 0), SequentialPValue(1, 0, 10, 0.05, 0); h != 0 || p != 1 {
		t.Errorf("se 0: h %g p %g", h, p)
	}
	o := SequentialOneSided(Effect{Estimate: 1}, 10, 0.05, 0, true)
	if o.Problem == "" || o.PValue != SequentialMaxOneSidedP || math.IsNaN(o.Bound) {
		t.Errorf("se 0 one-sided: %+v", o)
	}
}
