package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// agreementCase is one random comparison and the level it was tested at.
type agreementCase struct {
	kind  string
	c     Comparison
	alpha float64
}

// randomScale draws a magnitude spanning many orders (tiny to huge).
func randomScale(r *rand.Rand) float64 {
	return math.Pow(10, float64(r.IntN(13)-6))
}

// randomArmSize draws an arm size from 2 up, mostly small.
func randomArmSize(r *rand.Rand) int {
	switch r.IntN(4) {
	case 0:
		return 2 + r.IntN(3)
	case 1:
		return 2 + r.IntN(30)
	case 2:
		return 2 + r.IntN(300)
	}
	return 2 + r.IntN(3000)
}

// randomMeanSample draws n values around a control mean that is often near
// 0 relative to the spread (so Fieller's set is often unbounded).
func randomMeanSample(r *rand.Rand, n int, mean, sd float64) []float64 {
	y := make([]float64, n)
	for i := range y {
		y[i] = mean + sd*r.NormFloat64()
	}
	return y
}

func momentsOf(y []float64) Moments {
	m := Moments{N: float64(len(y))}
	for _, v := range y {
		m.Sum += v
		m.SumSq += v * v
	}
	return m
}

// randomAgreementCase builds one comparison of a random kind: Welch or z
// means, proportions, ratios, CUPED means and ratios, cluster-robust
// comparisons, quantile-like normal arms, and sequential versions of them.
func randomAgreementCase(r *rand.Rand) agreementCase {
	alphas := []float64{0.05, 0.01, 0.1, 0.2, 0.001}
	alpha := alphas[r.IntN(len(alphas))]
	nc, nt := randomArmSize(r), randomArmSize(r)
	sd := randomScale(r)
	// The control mean, in units of its own standard error, from 0 to large.
	mc := sd * (r.NormFloat64() * math.Pow(10, float64(r.IntN(5)-3)))
	if r.IntN(3) == 0 {
		mc = sd * r.NormFloat64() * 10
	}
	lift := r.NormFloat64() * math.Pow(10, float64(r.IntN(4)-3))
	mt := mc*(1+lift) + sd*r.NormFloat64()*math.Pow(10, float64(r.IntN(4)-3))
	sdt := sd * math.Pow(10, float64(r.IntN(3)-1))
	dist := WelchT
	if r.IntN(2) == 0 {
		dist = Normal
	}
	var out agreementCase
	switch k := r.IntN(8); k {
	case 0, 1:
		out = agreementCase{kind: "mean " + dist.String(), c: Compare(MeanArm(momentsOf(randomMeanSample(r, nc, mc, sd))),
			MeanArm(momentsOf(randomMeanSample(r, nt, mt, sdt))), alpha, dist)}
	case 2:
		p := r.Float64() * math.Pow(10, -float64(r.IntN(4)))
		q := math.Min(1, p*(1+r.NormFloat64()*0.3))
		bern := func(n int, p float64) Moments {
			x := 0.0
			for i := 0; i < n; i++ {
				if r.Float64() < p {
					x++
				}
			}
			return Moments{N: float64(n), Sum: x, SumSq: x}
		}
		out = agreementCase{kind: "proportion", c: Compare(MeanArm(bern(nc, p)), MeanArm(bern(nt, q)), alpha, dist)}
	case 3:
		ratio := func(n int, m, s float64) RatioMoments {
			var rm RatioMoments
			rm.N = float64(n)
			for i := 0; i < n; i++ {
				d := 1 + float64(r.IntN(5))
				v := d*m + s*r.NormFloat64()*math.Sqrt(d)
				rm.SumM += v
				rm.SumSqM += v * v
				rm.SumD += d
				rm.SumSqD += d * d
				rm.SumProd += v * d
			}
			return rm
		}
		out = agreementCase{kind: "ratio", c: Compare(RatioArm(ratio(nc, mc, sd)), RatioArm(ratio(nt, mt, sdt)), alpha, Normal)}
	case 4:
		rho := r.Float64()*2 - 1
		cup := func(n int, m, s float64) CupedMoments {
			var cm CupedMoments
			cm.N = float64(n)
			for i := 0; i < n; i++ {
				x := m + s*r.NormFloat64()
				y := m + rho*(x-m) + s*math.Sqrt(1-rho*rho)*r.NormFloat64()
				cm.SumX += x
				cm.SumSqX += x * x
				cm.SumY += y
				cm.SumSqY += y * y
				cm.SumXY += x * y
			}
			return cm
		}
		slope := CupedPooled
		if r.IntN(2) == 0 {
			slope = CupedWithin
		}
		out = agreementCase{kind: "cuped " + slope.String(), c: CompareCuped(cup(nc, mc, sd), cup(nt, mt, sdt), slope, alpha, dist).Comparison}
	case 5:
		cup := func(n int, m, s float64) CupedRatioMoments {
			var cm CupedRatioMoments
			cm.N = float64(n)
			for i := 0; i < n; i++ {
				d, dp := 1+float64(r.IntN(4)), 1+float64(r.IntN(4))
				mp := dp*m + s*r.NormFloat64()
				mm := d*m + 0.5*(mp-dp*m) + s*r.NormFloat64()
				cm.SumMPost += mm
				cm.SumSqMPost += mm * mm
				cm.SumDPost += d
				cm.SumSqDPost += d * d
				cm.SumMPre += mp
				cm.SumSqMPre += mp * mp
				cm.SumDPre += dp
				cm.SumSqDPre += dp * dp
				cm.SumMPostMPre += mm * mp
				cm.SumDPostDPre += d * dp
				cm.SumMPreDPre += mp * dp
				cm.SumMPostDPost += mm * d
				cm.SumMPostDPre += mm * dp
				cm.SumMPreDPost += mp * d
			}
			return cm
		}
		out = agreementCase{kind: "cuped ratio", c: CompareCupedRatio(cup(nc, mc, sd), cup(nt, mt, sdt), alpha, dist).Comparison}
	case 6:
		clus := func(g int, m, s float64) ClusterMoments {
			ms, ds := make([]float64, g), make([]float64, g)
			units := 0.0
			for i := range ms {
				ds[i] = 1 + float64(r.IntN(6))
				units += ds[i]
				ms[i] = ds[i]*m + s*math.Sqrt(ds[i])*r.NormFloat64()
			}
			return NewClusterMoments(ms, ds, units)
		}
		se := ClusterSE(r.IntN(5))
		out = agreementCase{kind: "cluster " + se.String(), c: ClusterCompare(clus(nc, mc, sd), clus(nt, mt, sdt), se, alpha, dist)}
	case 7:
		// A quantile-like comparison: normal arms with given variances.
		vc, vt := sd*sd*r.Float64(), sdt*sdt*r.Float64()
		ca := Arm{Units: float64(nc), Value: mc + math.Sqrt(vc)*r.NormFloat64(), Variance: vc, DF: math.Inf(1)}
		ta := Arm{Units: float64(nt), Value: mt + math.Sqrt(vt)*r.NormFloat64(), Variance: vt, DF: math.Inf(1)}
		out = agreementCase{kind: "normal arms", c: Compare(ca, ta, alpha, Normal)}
	}
	out.alpha = alpha
	if r.IntN(4) == 0 && out.c.Estimable() {
		out.kind += " sequential"
		out.c = Sequential(out.c, float64(nc+nt), alpha, float64(r.IntN(3))*2000)
	}
	return out
}

// TestOneStoryProperty: over random comparisons of every kind, the absolute
// interval, the (Fieller) relative interval and the p-value agree: each
// interval excludes 0 exactly when p < alpha. The delta method's relative
// interval is counted for contrast (it disagrees on some cases).
func TestOneStoryProperty(t *testing.T) {
	const want = 10000
	r := rand.New(rand.NewPCG(14, 2026))
	checked, withRel, unbounded, gaps, deltaDisagree, attempts := 0, 0, 0, 0, 0, 0
	kinds := map[string]int{}
	for checked < want && attempts < 10*want {
		attempts++
		tc := randomAgreementCase(r)
		c := tc.c
		if !c.Estimable() {
			continue
		}
		if math.Abs(c.PValue-tc.alpha) < 1e-9*tc.alpha {
			continue // on the boundary: floating point decides
		}
		checked++
		kinds[tc.kind]++
		sig := c.PValue < tc.alpha
		absEx := c.Absolute.Lower > 0 || c.Absolute.Upper < 0
		if absEx != sig {
			t.Fatalf("%s: absolute [%g, %g] excludes 0 = %v but p = %g (alpha %g)", tc.kind, c.Absolute.Lower, c.Absolute.Upper, absEx, c.PValue, tc.alpha)
		}
		if c.Relative == nil {
			continue
		}
		withRel++
		rel := c.Relative
		if rel.Method != "fieller" {
			t.Fatalf("%s: default relative method %q", tc.kind, rel.Method)
		}
		if rel.Unbounded {
			unbounded++
			if rel.Gap != nil {
				gaps++
			}
		}
		if rel.Excludes(0) != sig {
			t.Fatalf("%s: relative %+v (gap %v) excludes 0 = %v but p = %g (alpha %g)", tc.kind, *rel, rel.Gap, rel.Excludes(0), c.PValue, tc.alpha)
		}
		if rel.Excludes(rel.Estimate) {
			t.Fatalf("%s: the relative interval %+v excludes its own estimate", tc.kind, *rel)
		}
		if d := c.WithRelative(DeltaMethod).Relative; d.Method != "delta" {
			t.Fatalf("%s: WithRelative(DeltaMethod) gave %q", tc.kind, d.Method)
		} else if d.Excludes(0) != sig {
			deltaDisagree++
		}
	}
	if checked < want {
		t.Fatalf("only %d estimable cases in %d attempts", checked, attempts)
	}
	if unbounded == 0 || gaps == 0 || withRel < want/2 {
		t.Errorf("the cases do not reach the unbounded branches: %d with a relative effect, %d unbounded, %d with a gap", withRel, unbounded, gaps)
	}
	if deltaDisagree == 0 {
		t.Errorf("the delta method never disagreed: the cases are too easy to tell the methods apart")
	}
	t.Logf("%d cases (%d with a relative effect, %d unbounded, %d two rays); the delta method disagreed with p on %d; kinds %v",
		checked, withRel, unbounded, gaps, deltaDisagree, kinds)
}

// The Fieller set is exactly the test inversion: at each finite bound the
// arm difference D − δ|c| is on the rejection boundary, and δ = 0 gives the
// absolute test.
func TestFiellerBoundsInvertTheTest(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		rt := RatioTest{D: r.NormFloat64(), V: math.Exp(r.NormFloat64()), C: r.NormFloat64() * 3, VC: math.Exp(r.NormFloat64())}
		rt.Cov = -math.Sqrt(rt.V*rt.VC) * r.Float64() // a valid covariance
		q := 1 + 2*r.Float64()
		e := FiellerInterval(rt, q)
		c := math.Abs(rt.C)
		cov := rt.Cov
		if rt.C < 0 {
			cov = -cov
		}
		f := func(d float64) float64 {
			x := rt.D - d*c
			return x*x - q*q*(rt.V-2*d*cov+d*d*rt.VC)
		}
		for _, b := range []float64{e.Lower, e.Upper} {
			if !math.IsInf(b, 0) && math.Abs(f(b)) > 1e-8*(1+b*b)*(rt.D*rt.D+q*q*(rt.V+rt.VC)) {
				t.Fatalf("case %d: f(%g) = %g at a bound of %+v", i, b, f(b), e)
			}
		}
		if e.Gap != nil {
			for _, b := range e.Gap {
				if math.Abs(f(b)) > 1e-8*(1+b*b)*(rt.D*rt.D+q*q*(rt.V+rt.VC)) {
					t.Fatalf("case %d: f(%g) = %g at a gap bound of %+v", i, b, f(b), e)
				}
			}
		}
		if e.Excludes(0) != (f(0) > 0) {
			t.Fatalf("case %d: excludes 0 = %v but f(0) = %g", i, e.Excludes(0), f(0))
		}
	}
}

// Unbounded sets: a control mean that cannot be told apart from 0.
func TestFiellerUnbounded(t *testing.T) {
	// Control 0.1 ± 1 (not distinguishable from 0), treatment 5 ± 0.1.
	e := FiellerInterval(IndependentRatioTest(Arm{Value: 0.1, Variance: 1}, Arm{Value: 5, Variance: 0.01}), 1.96)
	if !e.Unbounded || e.Gap == nil || !e.Excludes(0) || e.Excludes(e.Estimate) {
		t.Errorf("two rays expected: %+v gap %v", e, e.Gap)
	}
	// Treatment also noisy: the whole line.
	w := FiellerInterval(IndependentRatioTest(Arm{Value: 0.1, Variance: 1}, Arm{Value: 0.2, Variance: 1}), 1.96)
	if !w.Unbounded || w.Gap != nil || !math.IsInf(w.Lower, -1) || !math.IsInf(w.Upper, 1) || w.Excludes(0) {
		t.Errorf("whole line expected: %+v", w)
	}
	// Negative control: the relative effect keeps the sign of (t − c)/|c|.
	n := FiellerInterval(IndependentRatioTest(Arm{Value: -10, Variance: 0.01}, Arm{Value: -8, Variance: 0.01}), 1.96)
	if n.Unbounded || !(n.Lower > 0.15 && n.Upper < 0.25) || n.Estimate != 0.2 {
		t.Errorf("negative control: %+v", n)
	}
}

// TestFiellerAgainstR checks Fieller intervals (means, a proportion, a ratio,
// CUPED and an unbounded small slice, at alpha 0.05 and 0.01) against
// testdata/stats/fieller/fieller.R, which finds the bounds of the inverted
// test by root finding in R on shared/reference/ab_basic, to 1e-6 relative.
func TestFiellerAgainstR(t *testing.T) {
	var want struct {
		Cases []struct {
			Metric, Kind string
			Alpha        float64
			Control      json.RawMessage
			Treatment    json.RawMessage
			Test         struct{ D, V, DF, P, Lower, Upper float64 }
			Relative     struct {
				Estimate     float64
				Lower, Upper *float64
				Unbounded    bool
				Gap          []float64
			}
		}
	}
	readDepthGolden(t, "fieller/expected.json", &want)
	if len(want.Cases) != 11 {
		t.Fatalf("%d cases in fieller/expected.json, want 11", len(want.Cases))
	}
	const tol = 1e-6
	for _, w := range want.Cases {
		name := fmt.Sprintf("%s (alpha %g)", w.Metric, w.Alpha)
		var c Comparison
		switch w.Kind {
		case "mean":
			var a, b Moments
			mustJSON(t, w.Control, &a)
			mustJSON(t, w.Treatment, &b)
			c = Compare(MeanArm(a), MeanArm(b), w.Alpha, WelchT)
		case "ratio":
			var a, b RatioMoments
			mustJSON(t, w.Control, &a)
			mustJSON(t, w.Treatment, &b)
			c = Compare(RatioArm(a), RatioArm(b), w.Alpha, Normal)
		case "cuped":
			var a, b CupedMoments
			mustJSON(t, w.Control, &a)
			mustJSON(t, w.Treatment, &b)
			c = CompareCuped(a, b, CupedPooled, w.Alpha, WelchT).Comparison
		default:
			t.Fatalf("%s: unknown kind %q", name, w.Kind)
		}
		check(t, name+" D", c.Absolute.Estimate, w.Test.D, tol)
		check(t, name+" se", c.Absolute.StdError, math.Sqrt(w.Test.V), tol)
		check(t, name+" p", c.PValue, w.Test.P, tol)
		check(t, name+" abs lower", c.Absolute.Lower, w.Test.Lower, tol)
		check(t, name+" abs upper", c.Absolute.Upper, w.Test.Upper, tol)
		r := c.Relative
		if r == nil {
			t.Fatalf("%s: no relative effect", name)
		}
		check(t, name+" rel", r.Estimate, w.Relative.Estimate, tol)
		if r.Unbounded != w.Relative.Unbounded {
			t.Fatalf("%s: unbounded %v, R says %v", name, r.Unbounded, w.Relative.Unbounded)
		}
		if !r.Unbounded {
			check(t, name+" rel lower", r.Lower, *w.Relative.Lower, tol)
			check(t, name+" rel upper", r.Upper, *w.Relative.Upper, tol)
		} else {
			if (r.Gap == nil) != (len(w.Relative.Gap) == 0) {
				t.Fatalf("%s: gap %v, R says %v", name, r.Gap, w.Relative.Gap)
			}
			if r.Gap != nil {
				check(t, name+" gap lower", r.Gap[0], w.Relative.Gap[0], tol)
				check(t, name+" gap upper", r.Gap[1], w.Relative.Gap[1], tol)
			}
		}
		if r.Excludes(0) != (c.PValue < w.Alpha) {
			t.Errorf("%s: relative excludes 0 = %v, p = %g", name, r.Excludes(0), c.PValue)
		}
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
