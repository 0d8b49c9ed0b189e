package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Long-run effect from a timeline (STATS-REFERENCE §11.2, novelty and
// primacy): the per-period effects θ_t are fitted with
//
//	θ(t) = a + b·exp(−t/τ)
//
// by weighted least squares (weights 1/SE_t²). For fixed τ the model is
// linear in (a, b); τ is profiled over a log-spaced grid from a quarter of
// a period to the span of the data (a slower decay could not be told from
// the asymptote without extrapolating), keeping the τ with the smallest
// weighted residual sum of squares. a is the asymptote, the effect once the
// novelty (b > 0 for a decaying gain) or primacy (an effect that grows)
// has worn off.
//
// Assumptions: per-period effects are independent with known standard
// errors (true for disjoint periods of rows, approximately when units
// recur across periods); the decay is exponential; the interval for a is
// conditional on the fitted τ (τ's own uncertainty is not propagated), and
// is widened by the residual dispersion when the fit is worse than the
// standard errors say (RSS/(n−3) > 1).

// PeriodEffect is one period's effect estimate at time T (in periods
// since the start, e.g. the period's midpoint).
type PeriodEffect struct {
	T        float64
	Estimate float64
	StdError float64
}

// LongRun is the fitted long-run effect.
type LongRun struct {
	Asymptote Effect  // a, with a normal interval
	Trend     Effect  // b, the initial excess over the asymptote
	Tau       float64 // decay time, in periods
	// TrendP is the p-value of b = 0; Pattern is "novelty" (the effect
	// shrinks toward a), "primacy" (it grows toward a) when TrendP < α,
	// else "stable".
	TrendP  float64
	Pattern string
	Periods int
	Problem string
}

// LongRunMinPeriods is the fewest periods a fit accepts (three parameters
// and at least one degree of freedom).
const LongRunMinPeriods = 4

// FitLongRun fits θ(t) = a + b·exp(−t/τ) to the periods' effects.
func FitLongRun(points []PeriodEffect, alpha float64) LongRun {
	var pts []PeriodEffect
	for _, p := range points {
		if p.StdError > 0 && !math.IsInf(p.StdError, 0) && !math.IsNaN(p.Estimate) {
			pts = append(pts, p)
		}
	}
	out := LongRun{Periods: len(pts), Pattern: "stable"}
	if len(pts) < LongRunMinPeriods {
		out.Problem = "too few periods with an estimable effect to fit a long-run trend (need at least 4)"
		return out
	}
	span := 0.0
	for _, p := range pts {
		span = math.Max(span, p.T)
	}
	best := longRunFit{rss: math.Inf(1)}
	const grid = 80
	lo, hi := math.Log(0.25), math.Log(math.Max(span, 1))
	for i := 0; i < grid; i++ {
		tau := math.Exp(lo + (hi-lo)*float64(i)/(grid-1))
		if f, ok := longRunWLS(pts, tau); ok && f.rss < best.rss {
			best = f
		}
	}
	if math.IsInf(best.rss, 1) {
		out.Problem = "the periods' effects do not determine a trend (singular fit)"
		return out
	}
	disp := math.Max(1, best.rss/float64(len(pts)-3))
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	se := func(v float64) float64 { return math.Sqrt(v * disp) }
	out.Tau = best.tau
	out.Asymptote = Effect{Estimate: best.a, StdError: se(best.va)}
	out.Asymptote.Lower, out.Asymptote.Upper = best.a-z*out.Asymptote.StdError, best.a+z*out.Asymptote.StdError
	out.Trend = Effect{Estimate: best.b, StdError: se(best.vb)}
	out.Trend.Lower, out.Trend.Upper = best.b-z*out.Trend.StdError, best.b+z*out.Trend.StdError
	out.TrendP = 2 * distuv.UnitNormal.CDF(-math.Abs(best.b/out.Trend.StdError))
	if out.TrendP < alpha {
		if math.Abs(best.a+best.b) > math.Abs(best.a) {
			out.Pattern = "novelty"
		} else {
			out.Pattern = "primacy"
		}
	}
	return out
}

type longRunFit struct {
	tau, a, b, va, vb, rss float64
}

// longRunWLS solves the weighted least squares of θ on (1, exp(−t/τ)).
func longRunWLS(pts []PeriodEffect, tau float64) (longRunFit, bool) {
	var s00, s01, s11, r0, r1 float64
	for _, p := range pts {
		w := 1 / (p.StdError * p.StdError)
		x := math.Exp(-p.T / tau)
		s00 += w
		s01 += w * x
		s11 += w * x * x
		r0 += w * p.Estimate
		r1 += w * x * p.Estimate
	}
	det := s00*s11 - s01*s01
	if !(det > 1e-12*s00*s11) {
		return longRunFit{}, false
	}
	a := (s11*r0 - s01*r1) / det
	b := (s00*r1 - s01*r0) / det
	f := longRunFit{tau: tau, a: a, b: b, va: s11 / det, vb: s00 / det}
	for _, p := range pts {
		r := p.Estimate - a - b*math.Exp(-p.T/tau)
		f.rss += r * r / (p.StdError * p.StdError)
	}
	return f, true
}
