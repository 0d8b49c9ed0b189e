package stats

import (
	"fmt"
	"math"
)

// Shares of the total lift by a split attribute (LANGUAGE.md `split C`;
// STATS-REFERENCE §0.1: per-arm sums are additive across slices).
//
// A metric is additive over a split when, in each arm, its value is the sum
// of its per-split-value values; then the absolute lifts add up too,
// Δ = Σ_s Δ_s, and Δ_s/Δ is each value's share of the total lift. The shares
// of the relative lift are the same numbers (each value contributes
// Δ_s/|ȳ_C| to Δ/|ȳ_C|); the per-value relative lifts Δ_s/|ȳ_C,s| do not add.
// Shares are signed: a value that moved against the total has a negative
// share and the others then add up to more than 1. Their uncertainty is not
// reported: the parts share units, so it needs the covariances of the
// per-value means, which the per-value comparisons do not carry.

// SplitKind classifies a metric's value expression for a split (the
// compiler decides it from the expression; LANGUAGE.md metric kinds;
// STATS-REFERENCE §0.1 sums, §2 ratios, §3 proportions).
type SplitKind int

const (
	// SplitAdditive: the per-unit value is a sum over the unit's rows of a
	// per-row quantity — count(S where P), sum(S.col where P), and + / −
	// of them with constant coefficients — with no winsorize or cap; the
	// split column is on those rows, every row has exactly one split value
	// (NULL being a value of its own), and each value's metric is averaged
	// over all units of the arm (units without rows of that value count 0,
	// so every part has the total's unit count). Then ȳ_v = Σ_s ȳ_{v,s} in
	// each arm and the absolute lifts add up exactly. A ratio's per-value
	// contributions Σ M_s / Σ D (the value's numerator over the arm's whole
	// denominator) are additive too.
	SplitAdditive SplitKind = iota
	// SplitRatio: Σ M / Σ D with numerator and denominator rows split:
	// R_v = Σ_s w_{v,s} R_{v,s} with weights w_{v,s} = D_{v,s}/D_v, so
	// ΔR = Σ_s ΔR_s·w_{T,s} + Σ_s (w_{T,s} − w_{C,s})·R_{C,s}: the per-value
	// lifts miss the mix-shift term whenever the arms' denominator mix
	// differs. Use the contributions (SplitAdditive) instead.
	SplitRatio
	// SplitProportion: any(...) per unit is 1 if the unit has a matching
	// row in any value; a unit with rows in several values counts once in
	// the total and once per value, so the per-value shares overlap and the
	// lifts do not add.
	SplitProportion
	// SplitNonAdditive: everything else — quantiles, avg/min/max (their
	// unit sets differ per value), count_distinct (a value may recur in
	// several split values), products or quotients of aggregates inside a
	// mean metric, winsorized or capped metrics (the cap applies to the
	// unit's total), CUPED-adjusted effects (θ differs per value).
	SplitNonAdditive
)

// String names the kind in messages (LANGUAGE.md metric kinds).
func (k SplitKind) String() string {
	switch k {
	case SplitRatio:
		return "ratio"
	case SplitProportion:
		return "proportion"
	case SplitNonAdditive:
		return "non-additive"
	}
	return "additive"
}

// splitWhy explains why a kind has no shares.
func (k SplitKind) splitWhy() string {
	switch k {
	case SplitAdditive:
		return ""
	case SplitRatio:
		return "no shares: a ratio metric's per-value lifts do not add up to its lift (the denominator mix differs between arms); report per-value contributions Σ M_s / Σ D instead"
	case SplitProportion:
		return "no shares: a proportion's per-value lifts do not add up to its lift (a unit can convert in several values)"
	}
	return "no shares: this metric is not additive over the split (quantile, avg/min/max, count_distinct, product, capped or adjusted)"
}

// SplitTolerance (STATS-REFERENCE §0.2 on rounding of SQL sums) is the
// relative tolerance within which the per-value
// absolute lifts must add up to the total lift of an additive metric.
const SplitTolerance = 1e-9

// SplitPart is one split value's comparison (Compare, STATS-REFERENCE §1–3),
// computed over all units of each arm.
type SplitPart struct {
	Value      string
	Comparison Comparison
}

// SplitShare is one split value's absolute lift (STATS-REFERENCE §1.1) and
// its share of the total (LANGUAGE.md `split`).
type SplitShare struct {
	Value string
	Lift  float64 // the value's absolute lift Δ_s
	Share float64 // Δ_s / Δ; 0 when not defined
}

// SplitShares is the total absolute lift (STATS-REFERENCE §1.1) of a metric
// split by the values of an attribute (LANGUAGE.md `split`).
type SplitShares struct {
	Kind  SplitKind
	Total float64 // Δ, the total absolute lift
	Parts []SplitShare
	// Residual is Δ − Σ_s Δ_s: 0 (to rounding) for an additive metric.
	Residual float64
	// Additive reports whether shares were computed: the kind is additive
	// and the parts add up to the total within SplitTolerance.
	Additive bool
	Problem  string
}

// SplitLiftShares returns each split value's share of the total absolute
// lift (LANGUAGE.md `split`; STATS-REFERENCE §0.1: additive sums), from the total's comparison and one
// comparison per split value. Shares are computed only for SplitAdditive
// metrics whose parts add up to the total; otherwise Problem says why and
// only the per-value lifts are reported.
func SplitLiftShares(kind SplitKind, total Comparison, parts []SplitPart) SplitShares {
	out := SplitShares{Kind: kind, Total: total.Absolute.Estimate}
	sum, scale := 0.0, math.Abs(out.Total)
	for _, p := range parts {
		l := p.Comparison.Absolute.Estimate
		out.Parts = append(out.Parts, SplitShare{Value: p.Value, Lift: l})
		sum += l
		scale = math.Max(scale, math.Abs(l))
	}
	out.Residual = out.Total - sum
	switch {
	case kind != SplitAdditive:
		out.Problem = kind.splitWhy()
	case len(parts) == 0:
		out.Problem = "no split values"
	case math.Abs(out.Residual) > SplitTolerance*scale:
		out.Problem = fmt.Sprintf("the per-value lifts add up to %.10g, not the total lift %.10g: a split value is missing or the parts were computed over other units", sum, out.Total)
	case scale == 0 || math.Abs(out.Total) <= SplitTolerance*scale:
		out.Problem = "the total lift is 0: shares are not defined"
	default:
		out.Additive = true
		for i := range out.Parts {
			out.Parts[i].Share = out.Parts[i].Lift / out.Total
		}
	}
	return out
}
