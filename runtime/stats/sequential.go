package stats

import (
	"fmt"
	"math"
)

// This file implements asymptotic confidence sequences and always-valid
// p-values (Waudby-Smith et al. 2023; GrowthBook's sequential testing),
// STATS-REFERENCE §6.2, golden G6.

// DefaultSequentialTuning is the default tuning parameter N*, the total
// sample size of the two arms at which the confidence sequence is tightest
// (GrowthBook DEFAULT_SEQUENTIAL_TESTING_TUNING_PARAMETER, §6.2).
const DefaultSequentialTuning = 5000.0

// SequentialMaxOneSidedP is the largest one-sided always-valid p-value
// reported: GrowthBook searches α in [1e-5, 0.4999] (§6.2 "One-sided"), so
// its goldens show 0.4999 for "no evidence".
const SequentialMaxOneSidedP = 0.4999

// sequentialTuning returns tuning, or the default when it is not positive.
func sequentialTuning(tuning float64) float64 {
	if !(tuning > 0) || math.IsInf(tuning, 0) {
		return DefaultSequentialTuning
	}
	return tuning
}

// SequentialRho is the mixing parameter
// ρ = sqrt((−2 log α + log(−2 log α + 1)) / N*) (GrowthBook sequential_rho,
// Waudby-Smith et al. eq. 161; §6.2). A tuning ≤ 0 means the default N*.
// For the one-sided sequence pass 2α (§6.2 "One-sided").
func SequentialRho(alpha, tuning float64) float64 {
	l := -2 * math.Log(alpha)
	return math.Sqrt((l + math.Log(l+1)) / sequentialTuning(tuning))
}

// sequentialOK reports whether a sequential quantity can be computed.
func sequentialOK(se, n, alpha float64) bool {
	return se > 0 && !math.IsInf(se, 0) && n >= 1 && !math.IsInf(n, 0) && alpha > 0 && alpha < 1
}

// SequentialHalfWidth is the half-width of the two-sided asymptotic
// confidence sequence at level 1−α (§6.2, GrowthBook form):
// h = σ̂ sqrt(2(Nρ²+1)/(N²ρ²) · log(sqrt(Nρ²+1)/α)), σ̂ = SE·sqrt(N), where
// se is the fixed-horizon standard error of the estimate and n = n_T + n_C.
// It returns 0 when se, n or α are out of range.
func SequentialHalfWidth(se, n, alpha, tuning float64) float64 {
	if !sequentialOK(se, n, alpha) {
		return 0
	}
	rho := SequentialRho(alpha, tuning)
	nr := n*rho*rho + 1
	return se * math.Sqrt(n) * math.Sqrt(2*nr/(n*n*rho*rho)*math.Log(math.Sqrt(nr)/alpha))
}

// SequentialPValue is the two-sided always-valid p-value min(1, 1/E) with
// E = exp(ρ²NZ²/(2(Nρ²+1)))/sqrt(Nρ²+1), Z = estimate/se (§6.2, GrowthBook
// SequentialTwoSidedTTest.p_value, Waudby-Smith et al. eq. 155). It is the
// value at the current look; the running minimum over looks is also valid
// and monotone (Johari et al.). Computed in log space, so it never
// overflows; 1 when se, n or α are out of range.
func SequentialPValue(estimate, se, n, alpha, tuning float64) float64 {
	if !sequentialOK(se, n, alpha) {
		return 1
	}
	rho := SequentialRho(alpha, tuning)
	nr := n*rho*rho + 1
	z := estimate / se
	logE := rho*rho*n*z*z/(2*nr) - 0.5*math.Log(nr)
	if logE <= 0 {
		return 1
	}
	return math.Exp(-logE)
}

// SequentialOneSidedHalfWidth is the distance from the estimate to the
// bound of the one-sided asymptotic confidence sequence (§6.2 "One-sided",
// GrowthBook eq. 134): with ρ computed from 2α,
// h = sqrt(σ̂² · 2(Nρ²+1)/(N²ρ²) · log(1 + sqrt(Nρ²+1)/(2α))).
func SequentialOneSidedHalfWidth(se, n, alpha, tuning float64) float64 {
	if !sequentialOK(se, n, alpha) || alpha >= 0.5 {
		return 0
	}
	return sequentialOneSidedH(se, n, alpha, SequentialRho(2*alpha, tuning))
}

// sequentialOneSidedH is the one-sided half-width at level alpha for a
// fixed mixing parameter rho.
func sequentialOneSidedH(se, n, alpha, rho float64) float64 {
	nr := n*rho*rho + 1
	return se * math.Sqrt(n) * math.Sqrt(2*nr/(n*n*rho*rho)*math.Log(1+math.Sqrt(nr)/(2*alpha)))
}

// SequentialOneSidedPValue is GrowthBook's one-sided always-valid p-value
// (§6.2 "One-sided"):
// the smallest level a at which the one-sided sequence (with ρ fixed at the
// experiment's 2α) excludes 0. GrowthBook finds it by bisection; solving
// est² = σ̂²·2(Nρ²+1)/(N²ρ²)·log(1 + sqrt(Nρ²+1)/(2a)) gives it in closed
// form, a = sqrt(Nρ²+1) / (2(exp(K) − 1)) with K = est²N²ρ²/(σ̂²·2(Nρ²+1)).
// greater selects H1 "treatment greater" (else "treatment lesser"). The value
// is capped at SequentialMaxOneSidedP, GrowthBook's search limit; it is not
// floored at GrowthBook's lower search limit 1e-5.
func SequentialOneSidedPValue(estimate, se, n, alpha, tuning float64, greater bool) float64 {
	if !sequentialOK(se, n, alpha) || alpha >= 0.5 {
		return SequentialMaxOneSidedP
	}
	if (greater && estimate <= 0) || (!greater && estimate >= 0) {
		return SequentialMaxOneSidedP
	}
	rho := SequentialRho(2*alpha, tuning)
	nr := n*rho*rho + 1
	s2 := se * se * n
	k := estimate * estimate * n * n * rho * rho / (s2 * 2 * nr)
	// Expm1 overflows to +Inf for overwhelming evidence, giving p = 0.
	return math.Min(math.Sqrt(nr)/(2*math.Expm1(k)), SequentialMaxOneSidedP)
}

// sequentialMethod names the method of a sequential comparison (§18).
func sequentialMethod(method string, tuning float64) string {
	return fmt.Sprintf("%s+seq_cs(N*=%g)", method, sequentialTuning(tuning))
}

// Sequential turns a fixed-horizon comparison into its always-valid version
// (§6.2): the absolute and relative intervals become asymptotic confidence
// sequences around the same estimates with the same standard errors, the
// p-value becomes the always-valid p-value of the absolute effect, and DF
// becomes +Inf. n is the total number of units in the two arms; tuning is
// N* (≤ 0 for the default 5000). A comparison that cannot be estimated is
// returned unchanged; n < 1 or α outside (0, 1) is reported as a Problem.
func Sequential(c Comparison, n, alpha, tuning float64) Comparison {
	if !c.Estimable() {
		return c
	}
	if !(n >= 1) || math.IsInf(n, 0) || !(alpha > 0 && alpha < 1) {
		return Comparison{Method: c.Method, Problem: "the sequential test needs at least one unit and 0 < alpha < 1"}
	}
	out := c
	out.Method = sequentialMethod(c.Method, tuning)
	out.DF = math.Inf(1)
	out.Absolute = sequentialEffect(c.Absolute, n, alpha, tuning)
	out.PValue = SequentialPValue(c.Absolute.Estimate, c.Absolute.StdError, n, alpha, tuning)
	if c.Relative != nil {
		// The relative sequence inverts the absolute one: its critical
		// value is the absolute half-width over the standard error, so it
		// excludes 0 exactly when the always-valid p-value is below alpha.
		// The delta alternative is the sequence around the delta estimate.
		delta := c.other
		if c.Relative.Method == DeltaMethod.String() {
			delta = c.Relative
		}
		q := out.Absolute.Upper - out.Absolute.Estimate
		if se := c.Absolute.StdError; se > 0 {
			q /= se
		}
		f := FiellerInterval(c.ratio, q)
		var d *Effect
		if delta != nil {
			e := sequentialEffect(*delta, n, alpha, tuning)
			d = &e
		}
		out.q, out.Relative, out.other = q, &f, d
		if c.Relative.Method == DeltaMethod.String() && d != nil {
			out.Relative, out.other = d, &f
		}
	}
	return out
}

// sequentialEffect replaces an effect's interval by the confidence sequence.
func sequentialEffect(e Effect, n, alpha, tuning float64) Effect {
	h := SequentialHalfWidth(e.StdError, n, alpha, tuning)
	return Effect{Estimate: e.Estimate, StdError: e.StdError, Lower: e.Estimate - h, Upper: e.Estimate + h, Method: e.Method}
}

// OneSidedBound is a one-sided always-valid result (§6.2 "One-sided"): the estimate, its
// standard error, the finite bound of the one-sided confidence sequence (a
// lower bound when Greater, else an upper bound; the other side is
// unbounded) and the one-sided always-valid p-value.
type OneSidedBound struct {
	Estimate float64
	StdError float64
	Bound    float64
	Greater  bool
	PValue   float64
	Problem  string
}

// SequentialOneSided is the one-sided always-valid test of an effect
// (GrowthBook SequentialOneSidedTreatment{Greater,Lesser}TTest, §6.2):
// bound estimate ∓ SequentialOneSidedHalfWidth and SequentialOneSidedPValue.
// greater tests H1 "treatment greater"; n is n_T + n_C.
func SequentialOneSided(e Effect, n, alpha, tuning float64, greater bool) OneSidedBound {
	out := OneSidedBound{Estimate: e.Estimate, StdError: e.StdError, Greater: greater, PValue: SequentialMaxOneSidedP}
	if !sequentialOK(e.StdError, n, alpha) || alpha >= 0.5 {
		out.Problem = "the one-sided sequential test needs a positive standard error, at least one unit and 0 < alpha < 0.5"
		return out
	}
	h := SequentialOneSidedHalfWidth(e.StdError, n, alpha, tuning)
	out.Bound = e.Estimate + h
	if greater {
		out.Bound = e.Estimate - h
	}
	out.PValue = SequentialOneSidedPValue(e.Estimate, e.StdError, n, alpha, tuning, greater)
	return out
}
