// Package stats holds Caliper's estimators. It is pure Go over sufficient
// statistics (counts, sums, sums of squares and cross products) that the
// engine computed; it imports nothing from the rest of Caliper, reads no data
// and runs no SQL, so every function can be checked against textbook and
// reference-implementation values (R, scipy, GrowthBook's gbstats).
//
// Conventions (STATS-REFERENCE.md §0): sample variances use divisor n-1;
// variances that come out negative from rounding are clamped to 0; a
// quantity that cannot be estimated is reported through Problem, never as
// NaN.
package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Moments are the sufficient statistics of a per-unit value y in one arm.
type Moments struct {
	N     float64 // number of units
	Sum   float64 // Σ y
	SumSq float64 // Σ y²
}

// Mean is Σy / n; ok is false for an empty arm, whose mean is not
// defined.
func (m Moments) Mean() (mean float64, ok bool) {
	if m.N <= 0 {
		return 0, false
	}
	return m.Sum / m.N, true
}

// Var is the sample variance with divisor n-1, clamped at 0 (0 when n < 2).
func (m Moments) Var() float64 {
	return math.Max(m.rawVar(), 0)
}

// rawVar is the unclamped sample variance; formulas that combine several
// moments clamp only their result.
func (m Moments) rawVar() float64 {
	if m.N < 2 {
		return 0
	}
	return (m.SumSq - m.Sum*m.Sum/m.N) / (m.N - 1)
}

// Add returns the moments of the union of two disjoint sets of units.
func (m Moments) Add(o Moments) Moments {
	return Moments{N: m.N + o.N, Sum: m.Sum + o.Sum, SumSq: m.SumSq + o.SumSq}
}

// RatioMoments are the sufficient statistics of a ratio metric Σ M / Σ D
// over units, with M and D per-unit values (Deng, Knoblich & Lu 2018).
type RatioMoments struct {
	N       float64 // number of units
	SumM    float64 // Σ M
	SumSqM  float64 // Σ M²
	SumD    float64 // Σ D
	SumSqD  float64 // Σ D²
	SumProd float64 // Σ M·D
}

// Value is Σ M / Σ D; ok is false when Σ D is 0 (no units, or units
// whose denominators are all 0), where the ratio is not defined.
func (r RatioMoments) Value() (value float64, ok bool) {
	if r.SumD == 0 {
		return 0, false
	}
	return r.SumM / r.SumD, true
}

// cov returns the sample covariance of M and D (divisor n-1).
func (r RatioMoments) cov() float64 {
	if r.N < 2 {
		return 0
	}
	return (r.SumProd - r.SumM*r.SumD/r.N) / (r.N - 1)
}

// VarOfValue is the delta-method variance of Σ M / Σ D:
// (s²_M − 2R s_MD + R² s²_D) / (n · D̄²), STATS-REFERENCE §2 (0 when
// fewer than two units or Σ D = 0; RatioArm then marks the arm Undefined).
func (r RatioMoments) VarOfValue() float64 {
	if r.N < 2 || r.SumD == 0 {
		return 0
	}
	num := Moments{N: r.N, Sum: r.SumM, SumSq: r.SumSqM}
	den := Moments{N: r.N, Sum: r.SumD, SumSq: r.SumSqD}
	rv := r.SumM / r.SumD
	dbar := r.SumD / r.N
	v := (num.rawVar() - 2*rv*r.cov() + rv*rv*den.rawVar()) / (r.N * dbar * dbar)
	if v < 0 {
		return 0
	}
	return v
}

// Arm is one arm's estimate of a metric: its point value, the variance of
// that value (already divided by the sample size), the number of units, and
// the degrees of freedom its variance carries (n-1 for a sample mean; +Inf
// for estimators whose interval is normal).
type Arm struct {
	Units    float64
	Value    float64
	Variance float64 // variance of Value, not of a unit
	DF       float64
	// Undefined, when set, says why the arm's value is not defined (a
	// mean over no units, a ratio whose denominator sums to 0); Value and
	// Variance are then meaningless and Compare reports a Problem.
	Undefined string
}

// Defined reports whether the arm's value is defined.
func (a Arm) Defined() bool { return a.Undefined == "" }

// MeanArm is the arm of a mean (or proportion) metric from its moments.
func MeanArm(m Moments) Arm {
	mean, ok := m.Mean()
	a := Arm{Units: m.N, Value: mean, DF: m.N - 1}
	if !ok {
		a.Undefined = "the arm has no units with a value: its mean is not defined"
		return a
	}
	a.Variance = m.Var() / m.N
	return a
}

// RatioArm is the arm of a ratio metric from its moments (delta method).
func RatioArm(r RatioMoments) Arm {
	v, ok := r.Value()
	a := Arm{Units: r.N, Value: v, Variance: r.VarOfValue(), DF: math.Inf(1)}
	if !ok {
		a.Undefined = "the denominator sums to 0 in the arm: the ratio is not defined"
	}
	return a
}

// Distribution selects the reference distribution of a test.
type Distribution int

const (
	// WelchT uses Student's t with Welch–Satterthwaite degrees of freedom
	// (R t.test(var.equal = FALSE)).
	WelchT Distribution = iota
	// Normal uses the standard normal (z).
	Normal
)

func (d Distribution) String() string {
	if d == Normal {
		return "z"
	}
	return "welch_t"
}

// Effect is an estimate with its standard error and a two-sided interval.
type Effect struct {
	Estimate float64
	StdError float64
	Lower    float64
	Upper    float64
	// Method names how a relative interval was computed ("fieller" or
	// "delta"); empty for absolute effects.
	Method string
	// Unbounded is set when the interval is not a finite [Lower, Upper]
	// (a Fieller interval whose control value cannot be told apart from 0):
	// an open side is then ±Inf, and when the set is two rays
	// (−∞, Gap[0]] ∪ [Gap[1], ∞) both are infinite and Gap is set.
	Unbounded bool
	Gap       *[2]float64
	// StdErrorProblem, when set, says why there is no standard error (an
	// exact interval at a boundary, where the plug-in standard error is 0
	// although the estimate is uncertain); StdError is then 0 and is not
	// reported.
	StdErrorProblem string
}

// Comparison is a treatment arm compared with the control arm.
type Comparison struct {
	Absolute Effect
	// Relative is (treatment − control) / |control|; nil when it cannot be
	// estimated (control value 0), with the reason in RelativeProblem. Its
	// interval is Fieller's inversion of this comparison's test (fieller.go)
	// unless WithRelative(DeltaMethod) chose the delta method.
	Relative        *Effect
	RelativeProblem string
	PValue          float64
	// DF are the degrees of freedom of the test (+Inf for z).
	DF     float64
	Method string
	// Problem is set when the comparison cannot be estimated at all (an
	// empty arm, an arm whose value is not defined, zero variance in both
	// arms); the numbers are then zero and must not be reported.
	Problem string

	// ratio and q are the test the relative interval inverts and its
	// critical value; other is the relative interval of the other method.
	ratio RatioTest
	q     float64
	other *Effect
}

// Estimable reports whether the comparison has numbers worth reporting.
func (c Comparison) Estimable() bool { return c.Problem == "" }

// Compare tests treatment against control at two-sided level alpha.
//
// Absolute effect: t − c with variance Vt + Vc; the interval and p-value use
// dist (Welch ν from the arms' variances and degrees of freedom for WelchT).
// Relative effect: (t − c)/|c| with Fieller's interval, the inversion of the
// same test (fieller.go); WithRelative(DeltaMethod) gives instead the
// delta-method variance Vt/c² + t²Vc/c⁴ (STATS-REFERENCE §1.2) with a normal
// interval, as GrowthBook and Eppo do. It is omitted when the control value
// is 0.
func Compare(control, treatment Arm, alpha float64, dist Distribution) Comparison {
	out := Comparison{Method: dist.String()}
	switch {
	case control.Units < 1 && treatment.Units < 1:
		out.Problem = "both arms are empty"
		return out
	case control.Units < 1:
		out.Problem = "the control arm is empty"
		return out
	case treatment.Units < 1:
		out.Problem = "the treatment arm is empty"
		return out
	case !control.Defined():
		out.Problem = "control arm: " + control.Undefined
		return out
	case !treatment.Defined():
		out.Problem = "treatment arm: " + treatment.Undefined
		return out
	}
	v := control.Variance + treatment.Variance
	est := treatment.Value - control.Value
	if control.Units < 2 || treatment.Units < 2 {
		out.Problem = "fewer than two units in an arm: its variance cannot be estimated"
		out.Absolute.Estimate = est
		return out
	}
	if !(v > 0) || math.IsInf(v, 0) {
		out.Problem = "zero variance in both arms: the effect cannot be tested"
		out.Absolute.Estimate = est
		return out
	}
	se := math.Sqrt(v)
	df := math.Inf(1)
	if dist == WelchT {
		df = welchDF(control, treatment)
	}
	q := quantile(1-alpha/2, df)
	out.DF = df
	out.Absolute = Effect{Estimate: est, StdError: se, Lower: est - q*se, Upper: est + q*se}
	out.PValue = twoSidedP(est/se, df)

	if control.Value == 0 {
		out.RelativeProblem = "the control value is 0: a relative effect is not defined"
		return out
	}
	out.setRelative(IndependentRatioTest(control, treatment), q, alpha, nil)
	return out
}

// welchDF is the Welch–Satterthwaite degrees of freedom; arms whose variance
// is normal (DF = +Inf) contribute no term.
func welchDF(a, b Arm) float64 {
	num := a.Variance + b.Variance
	den := 0.0
	for _, x := range []Arm{a, b} {
		if math.IsInf(x.DF, 1) {
			continue
		}
		if x.DF <= 0 {
			if x.Variance > 0 {
				return math.Inf(1)
			}
			continue
		}
		den += x.Variance * x.Variance / x.DF
	}
	if den == 0 {
		return math.Inf(1)
	}
	return num * num / den
}

// quantile is the p-quantile of Student's t with df degrees of freedom, or
// of the standard normal when df is +Inf.
func quantile(p, df float64) float64 {
	if math.IsInf(df, 1) {
		return distuv.UnitNormal.Quantile(p)
	}
	return tQuantile(p, df)
}

// tQuantile is Student's t quantile, computed as the Cornish–Fisher
// expansion around the normal quantile (Abramowitz & Stegun 26.7.5)
// refined by Newton steps on the t CDF, which is ~20 times faster than
// gonum's root search and agrees with it to 1e-12 (TestTQuantile). Small
// degrees of freedom, where the expansion is a poor start, use gonum.
func tQuantile(p, df float64) float64 {
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	if df < 3 || p <= 1e-12 || p >= 1-1e-12 {
		return t.Quantile(p)
	}
	z := distuv.UnitNormal.Quantile(p)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	x := z + g1/df + g2/(df*df) + g3/(df*df*df) + g4/(df*df*df*df)
	for i := 0; i < 6; i++ {
		step := (t.CDF(x) - p) / t.Prob(x)
		x -= step
		if math.Abs(step) <= 1e-12*math.Max(1, math.Abs(x)) {
			return x
		}
	}
	return t.Quantile(p)
}

// twoSidedP is P(|X| ≥ |stat|) for t(df), or the normal when df is +Inf.
func twoSidedP(stat, df float64) float64 {
	a := -math.Abs(stat)
	if math.IsInf(df, 1) {
		return 2 * distuv.UnitNormal.CDF(a)
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(a)
}

// SRM is a sample-ratio-mismatch check: Pearson's chi-square goodness of fit
// of the observed unit counts against the expected allocation.
type SRM struct {
	ChiSquare float64
	DF        float64
	PValue    float64
}

// SRMThreshold is the p-value below which the sample ratio is a mismatch.
const SRMThreshold = 0.001

// Passed reports whether the check passed (p ≥ 0.001).
func (s SRM) Passed() bool { return s.PValue >= SRMThreshold }

// SampleRatio computes the SRM check of observed counts against weights
// (normalised to probabilities; nil means equal). R chisq.test(O, p = w).
func SampleRatio(observed, weights []float64) SRM {
	k := len(observed)
	if k < 2 {
		return SRM{PValue: 1}
	}
	if weights == nil {
		weights = make([]float64, k)
		for i := range weights {
			weights[i] = 1
		}
	}
	total, wsum := 0.0, 0.0
	for i := range observed {
		total += observed[i]
		wsum += weights[i]
	}
	if total == 0 || wsum <= 0 {
		return SRM{DF: float64(k - 1), PValue: 1}
	}
	chi := 0.0
	for i, o := range observed {
		e := weights[i] / wsum * total
		if e <= 0 {
			continue
		}
		chi += (o - e) * (o - e) / e
	}
	df := float64(k - 1)
	p := distuv.ChiSquared{K: df}.Survival(chi)
	return SRM{ChiSquare: chi, DF: df, PValue: p}
}
