package stats

import (
	"math"
	"sort"
)

// This file implements multiple-testing adjustments of a family of p-values
// (STATS-REFERENCE §7, golden G8; reference R p.adjust).

// Correction is a multiple-testing adjustment method (§7; the spec's
// `correction holm|bh|bonferroni|none`).
type Correction int

const (
	// CorrectionNone leaves p-values unadjusted (§7).
	CorrectionNone Correction = iota
	// CorrectionHolm is Holm's step-down method (FWER, any dependence; §7).
	CorrectionHolm
	// CorrectionBH is Benjamini–Hochberg's step-up method (FDR, independent
	// or positively dependent tests; §7).
	CorrectionBH
	// CorrectionBonferroni multiplies by the family size (FWER; §7).
	CorrectionBonferroni
)

var correctionNames = map[Correction]string{
	CorrectionNone: "none", CorrectionHolm: "holm", CorrectionBH: "bh", CorrectionBonferroni: "bonferroni",
}

// String returns the spec keyword of the method (§7).
func (c Correction) String() string {
	if s, ok := correctionNames[c]; ok {
		return s
	}
	return "unknown"
}

// ParseCorrection maps a spec keyword (none, holm, bh, bonferroni) to its
// method (§7); ok is false for any other word.
func ParseCorrection(s string) (c Correction, ok bool) {
	for k, v := range correctionNames {
		if v == s {
			return k, true
		}
	}
	return CorrectionNone, false
}

// AdjustedPValues is a family's adjusted p-values, in input order (§7).
type AdjustedPValues struct {
	Method Correction
	// P are the adjusted p-values; a missing member has P = 1.
	P []float64
	// Missing marks members whose p-value was missing (NaN, ±Inf or outside
	// [0, 1]: a comparison that could not be estimated).
	Missing []bool
	// FamilySize is the m the adjustment used: every member, missing ones
	// included.
	FamilySize int
}

// AdjustPValues adjusts a family of p-values (STATS-REFERENCE §7). With
// p₍₁₎ ≤ … ≤ p₍ₘ₎ sorted ascending:
//
//   - Bonferroni: min(1, m·pᵢ);
//   - Holm: p̃₍ᵢ₎ = max_{j≤i} min(1, (m−j+1)p₍ⱼ₎) (step-down, running max);
//   - BH: p̃₍ᵢ₎ = min_{j≥i} min(1, (m/j)p₍ⱼ₎) (step-up, running min);
//   - none: pᵢ.
//
// Missing-value policy: a missing p-value (NaN, ±Inf or outside [0, 1])
// stays in the family: it counts in m and takes part in the procedure as
// p = 1, and its own adjusted value is reported as 1 with Missing set. This
// is the conservative choice; it equals R p.adjust(p, method, n = length(p))
// for the non-missing members. (R's default, n = number of non-NA values,
// silently shrinks the family; statsmodels turns every output into NaN.)
// Ties keep input order. The result never holds NaN or Inf.
func AdjustPValues(p []float64, method Correction) AdjustedPValues {
	m := len(p)
	out := AdjustedPValues{Method: method, P: make([]float64, m), Missing: make([]bool, m), FamilySize: m}
	clean := make([]float64, m)
	for i, v := range p {
		if math.IsNaN(v) || v < 0 || v > 1 {
			out.Missing[i] = true
			v = 1
		}
		clean[i] = v
	}
	switch method {
	case CorrectionHolm:
		multipleHolm(clean, out.P)
	case CorrectionBH:
		multipleBH(clean, out.P)
	case CorrectionBonferroni:
		for i, v := range clean {
			out.P[i] = math.Min(1, float64(m)*v)
		}
	default:
		copy(out.P, clean)
	}
	return out
}

// multipleOrder returns the indices of p sorted by ascending p (stable).
func multipleOrder(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	return idx
}

// multipleHolm writes Holm-adjusted values of p into out.
func multipleHolm(p, out []float64) {
	m := len(p)
	run := 0.0
	for rank, i := range multipleOrder(p) {
		run = math.Max(run, math.Min(1, float64(m-rank)*p[i]))
		out[i] = run
	}
}

// multipleBH writes Benjamini–Hochberg-adjusted values of p into out.
func multipleBH(p, out []float64) {
	m := len(p)
	idx := multipleOrder(p)
	run := 1.0
	for rank := m - 1; rank >= 0; rank-- {
		i := idx[rank]
		run = math.Min(run, math.Min(1, float64(m)/float64(rank+1)*p[i]))
		out[i] = run
	}
}
