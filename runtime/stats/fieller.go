package stats

import "math"

// This file implements the relative interval of a comparison by inverting
// the comparison's own test (Fieller 1954), so that the absolute interval,
// the relative interval and the p-value tell one story: each interval
// excludes 0 exactly when p < alpha.
//
// Let D be the absolute effect (treatment − control, possibly adjusted),
// V its variance, c the control value the relative effect is taken against
// and δ the relative effect (ratio of the arm values − 1). The relative
// interval is the set of δ for which D − δ|c| is not significant by the
// absolute test, i.e. with the same variance estimates and the same
// critical value q (Welch ν of the absolute test, not recomputed for each
// δ, so that δ = 0 is exactly the absolute test):
//
//	(D − δ|c|)² ≤ q² · Var(D − δ|c|) = q² (V − 2δ Cov(D,|c|) + δ² Var(c)).
//
// For independent arms D = t − c, Cov(D, c) = −Var(c), and this is Fieller's
// interval for the ratio t/c: (t − ρc)² ≤ q²(Vt + ρ²Vc), ρ = 1 + δ·sign(c).
// The covariance form also covers CUPED, whose effect is taken against the
// unadjusted control mean. Dividing by |c| keeps the sign convention of the
// relative effect (treatment − control)/|control|.
//
// With a = c² − q²Var(c), half-slope b = D|c| − q²Cov(D,|c|) and
// k = D² − q²V, the set is {δ : aδ² − 2bδ + k ≤ 0}. When a > 0 (the control
// value is told apart from 0) it is the bounded interval between the roots.
// When a ≤ 0 it is unbounded: the whole line, one ray, or two rays
// (−∞, r₁] ∪ [r₂, ∞). δ = 0 is in the set exactly when k ≤ 0, that is when
// the absolute test does not reject.

// RelativeMethod selects how a comparison's relative interval is computed
// (the experiment field `relative_ci`).
type RelativeMethod int

const (
	// Fieller inverts the comparison's own test (default): the relative
	// interval excludes 0 exactly when p < alpha.
	Fieller RelativeMethod = iota
	// DeltaMethod is the symmetric normal interval around the relative
	// estimate with the delta-method standard error, as GrowthBook and
	// Eppo report it. It can disagree with the p-value.
	DeltaMethod
)

// String is the method's name in specs and reports: "fieller" or "delta".
func (m RelativeMethod) String() string {
	if m == DeltaMethod {
		return "delta"
	}
	return "fieller"
}

// ParseRelativeMethod reads "fieller" or "delta" ("" is the default,
// Fieller); ok is false for any other name.
func ParseRelativeMethod(s string) (RelativeMethod, bool) {
	switch s {
	case "", "fieller":
		return Fieller, true
	case "delta":
		return DeltaMethod, true
	}
	return Fieller, false
}

// RatioTest is what a relative interval needs from a comparison's test: the
// absolute effect D and its variance V, the control value C the relative
// effect is taken against (its sign as reported: the interval divides by
// |C|), the variance VC of C and the covariance Cov of D and C.
type RatioTest struct {
	D, V        float64
	C, VC, Cov  float64
	independent bool
}

// IndependentRatioTest is the RatioTest of two independent arms: D = t − c,
// V = Vt + Vc, Cov(D, c) = −Vc.
func IndependentRatioTest(control, treatment Arm) RatioTest {
	return RatioTest{D: treatment.Value - control.Value, V: treatment.Variance + control.Variance,
		C: control.Value, VC: control.Variance, Cov: -control.Variance, independent: true}
}

// Estimate is the relative effect D/|C| (0 when C is 0).
func (r RatioTest) Estimate() float64 {
	if r.C == 0 {
		return 0
	}
	return r.D / math.Abs(r.C)
}

// DeltaStdError is the delta-method standard error of D/|C|:
// sqrt(V/C² − 2D·Cov/C³ + D²·VC/C⁴) (with C's sign folded into Cov), which
// for independent arms is sqrt(Vt/c² + t²Vc/c⁴), STATS-REFERENCE §1.2.
func (r RatioTest) DeltaStdError() float64 {
	c := math.Abs(r.C)
	if c == 0 {
		return 0
	}
	cov := r.Cov
	if r.C < 0 {
		cov = -cov
	}
	v := r.V/(c*c) - 2*r.D*cov/(c*c*c) + r.D*r.D*r.VC/(c*c*c*c)
	return math.Sqrt(math.Max(v, 0))
}

// FiellerInterval is the relative interval of r at critical value q (the
// absolute test's: est ± q·sqrt(V) is its absolute interval). The result's
// Method is "fieller"; StdError is the delta-method standard error (for
// display only: the bounds do not use it). When the set is unbounded,
// Unbounded is true, an open side is ±Inf and, for two rays, Gap holds the
// excluded interval (r₁, r₂).
func FiellerInterval(r RatioTest, q float64) Effect {
	est := r.Estimate()
	out := Effect{Estimate: est, StdError: r.DeltaStdError(), Method: Fieller.String()}
	c := math.Abs(r.C)
	cov := r.Cov
	if r.C < 0 {
		cov = -cov
	}
	q2 := q * q
	a := c*c - q2*r.VC
	b := r.D*c - q2*cov
	k := r.D*r.D - q2*r.V
	disc := b*b - a*k
	switch {
	case a > 0:
		// The estimate is always inside (f(est) = −q²Var ≤ 0), so disc ≥ 0
		// up to rounding.
		lo, hi := quadRoots(a, b, k, math.Max(disc, 0))
		out.Lower, out.Upper = lo, hi
	case a == 0:
		out.Unbounded = true
		switch {
		case b > 0:
			out.Lower, out.Upper = k/(2*b), math.Inf(1)
		case b < 0:
			out.Lower, out.Upper = math.Inf(-1), k/(2*b)
		default:
			out.Lower, out.Upper = math.Inf(-1), math.Inf(1)
		}
	default: // a < 0: the quadratic opens downward
		out.Unbounded = true
		out.Lower, out.Upper = math.Inf(-1), math.Inf(1)
		if disc > 0 {
			// f ≤ 0 outside the roots: two rays around the gap (r₁, r₂).
			r1, r2 := quadRoots(a, b, k, disc)
			if r1 > r2 {
				r1, r2 = r2, r1
			}
			out.Gap = &[2]float64{r1, r2}
		}
	}
	return out
}

// quadRoots returns the two roots (b ± √disc)/a of aδ² − 2bδ + k, smaller
// first for a > 0, computed without cancellation (their product is k/a).
func quadRoots(a, b, k, disc float64) (lo, hi float64) {
	s := math.Sqrt(disc)
	var r1, r2 float64
	switch {
	case b > 0:
		r1 = (b + s) / a
		r2 = k / (b + s)
	case b < 0:
		r1 = (b - s) / a
		r2 = k / (b - s)
	default:
		r1, r2 = s/a, -s/a
	}
	if r1 > r2 {
		r1, r2 = r2, r1
	}
	return r1, r2
}

// DeltaInterval is the symmetric delta-method relative interval of r at
// critical value q (today's interval of other platforms; normal q in the
// fixed-horizon comparisons).
func DeltaInterval(r RatioTest, q float64) Effect {
	est, se := r.Estimate(), r.DeltaStdError()
	return Effect{Estimate: est, StdError: se, Lower: est - q*se, Upper: est + q*se, Method: DeltaMethod.String()}
}

// Excludes reports whether the interval e excludes x (for an unbounded
// interval: x lies in its gap or beyond its finite bound).
func (e Effect) Excludes(x float64) bool {
	if e.Gap != nil {
		return x > e.Gap[0] && x < e.Gap[1]
	}
	return x < e.Lower || x > e.Upper
}

// setRelative stores both relative intervals of a comparison from its ratio
// test and critical value q at level alpha: Relative is the one of method m, and the other
// is kept for WithRelative. delta, when not nil, replaces the generic
// delta-method interval (the CUPED recipes keep GrowthBook's variance).
func (c *Comparison) setRelative(r RatioTest, q, alpha float64, delta *Effect) {
	c.ratio, c.q = r, q
	f := FiellerInterval(r, q)
	if delta == nil {
		d := DeltaInterval(r, quantile(1-alpha/2, math.Inf(1)))
		delta = &d
	}
	f.StdError = delta.StdError
	c.Relative, c.other = &f, delta
}

// WithRelative returns the comparison with its relative interval computed
// by method m (Fieller, the default of every Compare function, or the delta
// method).
func (c Comparison) WithRelative(m RelativeMethod) Comparison {
	if c.Relative == nil || c.other == nil || c.Relative.Method == m.String() {
		return c
	}
	c.Relative, c.other = c.other, c.Relative
	return c
}

// RatioTest returns the comparison's ratio test and critical value (ok false
// when it has no relative effect).
func (c Comparison) RatioTest() (r RatioTest, q float64, ok bool) {
	if c.Relative == nil {
		return RatioTest{}, 0, false
	}
	return c.ratio, c.q, true
}
