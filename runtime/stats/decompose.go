package stats

import (
	"fmt"
	"math"
	"strings"
)

// Metric decomposition (LANGUAGE.md `decompose A * B ...`; STATS-REFERENCE
// §1.2 for the relative lift, §18 for reporting contracts).
//
// When a metric is the product of factor metrics in every arm, e.g.
// saves_per_user = sessions_per_user × saves_per_session (Σsaves/n =
// Σsessions/n · Σsaves/Σsessions), its relative lift factorises:
//
//	1 + lift_total = Π_i (1 + lift_i),   lift = treatment/control − 1,
//
// so log(1 + lift_total) = Σ_i log(1 + lift_i) and each factor's log-lift
// share log(1 + lift_i)/log(1 + lift_total) adds up to 1 over the factors.
// A share is negative when a factor moved against the total and above 1
// when the others moved against it. The lifts are the point estimates of
// each factor's own comparison (for positive controls they equal Compare's
// (t − c)/|c|); their uncertainty comes from those comparisons.

// DecomposeTolerance (LANGUAGE.md `decompose`; STATS-REFERENCE §0.2 on
// rounding of SQL sums) is the relative tolerance within which the identity
// Π control_i = control_total (and likewise for treatment) must hold; values
// computed from the same SQL sums agree to ~1e-15.
const DecomposeTolerance = 1e-9

// DecomposePart is one metric of a decomposition, with its arm values: the
// point values of its per-arm estimate (MeanArm / RatioArm Value,
// STATS-REFERENCE §1–2).
type DecomposePart struct {
	Name      string
	Control   float64
	Treatment float64
}

// DecomposedFactor is one factor's relative lift (STATS-REFERENCE §1.2) and
// log-lift share (LANGUAGE.md `decompose`).
type DecomposedFactor struct {
	DecomposePart
	Lift    float64 // treatment/control − 1
	LogLift float64 // log(1 + Lift)
	// Share is LogLift / log(1 + total lift); 0 when it is not defined.
	Share float64
}

// Decomposition is the relative lift (STATS-REFERENCE §1.2) of a metric
// split between its multiplicative factors (LANGUAGE.md `decompose`).
type Decomposition struct {
	Total   DecomposedFactor // Share is 1 when defined
	Factors []DecomposedFactor
	// Residual is log(1 + lift_total) − Σ log(1 + lift_i): 0 when the
	// identity holds; its share is Residual / log(1 + lift_total).
	Residual float64
	// IdentityHolds reports whether the product of the factors equals the
	// total in both arms within DecomposeTolerance.
	IdentityHolds bool
	// Problem says why lifts or shares are missing, or that the identity
	// does not hold (the shares then do not add up to 1).
	Problem string
}

// Decompose splits the relative lift (STATS-REFERENCE §1.2) of total between factors whose product
// is total in each arm (LANGUAGE.md `decompose`): each factor's lift and
// log-lift share. It flags a factor or total whose control value is ≤ 0 or
// whose lift is ≤ −100% (no logarithm), a total lift of 0 (no shares), and an
// identity that does not hold numerically.
func Decompose(total DecomposePart, factors []DecomposePart) Decomposition {
	out := Decomposition{Total: decomposeLift(total)}
	var problems []string
	if p := decomposeProblem(total); p != "" {
		problems = append(problems, p)
	}
	prodC, prodT, sumLog := 1.0, 1.0, 0.0
	logsOK := problems == nil
	for _, f := range factors {
		d := decomposeLift(f)
		if p := decomposeProblem(f); p != "" {
			problems = append(problems, p)
			logsOK = false
		}
		prodC *= f.Control
		prodT *= f.Treatment
		sumLog += d.LogLift
		out.Factors = append(out.Factors, d)
	}
	if len(factors) == 0 {
		problems = append(problems, "a decomposition needs at least one factor")
	}
	out.IdentityHolds = len(factors) > 0 &&
		decomposeClose(prodC, total.Control) && decomposeClose(prodT, total.Treatment)
	if !out.IdentityHolds && len(factors) > 0 {
		problems = append(problems, fmt.Sprintf(
			"the factors' product (control %.10g, treatment %.10g) is not the total (control %.10g, treatment %.10g): the shares do not add up to 1",
			prodC, prodT, total.Control, total.Treatment))
	}
	if logsOK {
		out.Residual = out.Total.LogLift - sumLog
		decomposeShares(&out, &problems)
	}
	out.Problem = strings.Join(problems, "; ")
	return out
}

// decomposeLift computes a part's lift and log-lift (0 when not defined).
func decomposeLift(p DecomposePart) DecomposedFactor {
	d := DecomposedFactor{DecomposePart: p}
	if p.Control > 0 {
		d.Lift = p.Treatment/p.Control - 1
		if p.Treatment > 0 {
			d.LogLift = math.Log(p.Treatment / p.Control)
		}
	}
	return d
}

// decomposeProblem says why a part has no log-lift.
func decomposeProblem(p DecomposePart) string {
	switch {
	case !(p.Control > 0) || math.IsInf(p.Control, 0):
		return fmt.Sprintf("%s: the control value %.10g is not positive: its relative lift is not defined", p.Name, p.Control)
	case !(p.Treatment > 0) || math.IsInf(p.Treatment, 0):
		return fmt.Sprintf("%s: the lift is ≤ −100%% (treatment value %.10g): it has no log share", p.Name, p.Treatment)
	}
	return ""
}

// decomposeShares fills the log-lift shares when the total lift is not 0.
func decomposeShares(out *Decomposition, problems *[]string) {
	lt := out.Total.LogLift
	if math.Abs(lt) <= 1e-12 {
		*problems = append(*problems, "the total lift is 0: shares are not defined")
		return
	}
	out.Total.Share = 1
	for i := range out.Factors {
		out.Factors[i].Share = out.Factors[i].LogLift / lt
	}
}

// decomposeClose reports whether a equals b within DecomposeTolerance
// relative to |b|.
func decomposeClose(a, b float64) bool {
	return math.Abs(a-b) <= DecomposeTolerance*math.Max(math.Abs(b), math.SmallestNonzeroFloat64)
}
