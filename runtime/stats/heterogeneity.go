package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file implements the heterogeneity test behind the spec's `segment`
// field (LANGUAGE.md): Cochran's Q (Cochran 1954) over per-segment effects
// of one metric, with I² (Higgins & Thompson 2002), i.e. the fixed-effect
// meta-analysis of independent segment estimates (R metafor::rma(method =
// "FE")). STATS-REFERENCE has no section on it; the per-segment effects and
// standard errors come from its §§1–4.

// SegmentEffect is one segment's effect estimate (absolute or relative, the
// same scale for every segment) and its standard error, e.g. the Absolute
// of that segment's Comparison computed by §§1–4.
type SegmentEffect struct {
	Segment  string
	Estimate float64
	StdError float64
}

// Heterogeneity is Cochran's Q test that the segments share one effect.
type Heterogeneity struct {
	// Pooled is the inverse-variance weighted mean effect Σwθ/Σw, with
	// standard error 1/sqrt(Σw) and a normal interval.
	Pooled Effect
	Q      float64 // Σ w(θ − θ̄)², w = 1/SE²
	DF     float64 // segments used − 1
	PValue float64 // P(χ²_DF ≥ Q)
	// I2 is Higgins' I² = max(0, (Q − DF)/Q), the share of the variation
	// across segments beyond chance (0 when Q = 0).
	I2 float64
	// Used counts the segments in the test; Skipped names those left out
	// because their standard error is not positive and finite (e.g. a
	// segment whose comparison could not be estimated).
	Used    int
	Skipped []string
	// Problem is set when fewer than two segments can be used.
	Problem string
}

// CochranQ tests effect heterogeneity across segments (independent
// estimates θᵢ with standard errors sᵢ from §§1–4): w = 1/s², θ̄ = Σwθ/Σw,
// Q = Σw(θ − θ̄)² ~ χ²_{k−1} under a common effect, I² = max(0, (Q−(k−1))/Q).
// alpha sets the pooled effect's two-sided normal interval.
func CochranQ(segments []SegmentEffect, alpha float64) Heterogeneity {
	var out Heterogeneity
	var est, w []float64
	for _, s := range segments {
		if !(s.StdError > 0) || math.IsInf(s.StdError, 0) || math.IsNaN(s.Estimate) || math.IsInf(s.Estimate, 0) {
			out.Skipped = append(out.Skipped, s.Segment)
			continue
		}
		wi := 1 / (s.StdError * s.StdError)
		if math.IsInf(wi, 0) {
			out.Skipped = append(out.Skipped, s.Segment)
			continue
		}
		est = append(est, s.Estimate)
		w = append(w, wi)
	}
	out.Used = len(est)
	if out.Used < 2 {
		out.Problem = "fewer than two segments with an estimable effect: heterogeneity cannot be tested"
		out.PValue = 1
		return out
	}
	sw, swe := 0.0, 0.0
	for i := range est {
		sw += w[i]
		swe += w[i] * est[i]
	}
	mean := swe / sw
	for i := range est {
		out.Q += w[i] * (est[i] - mean) * (est[i] - mean)
	}
	out.DF = float64(out.Used - 1)
	out.PValue = distuv.ChiSquared{K: out.DF}.Survival(out.Q)
	if out.Q > 0 {
		out.I2 = math.Max(0, (out.Q-out.DF)/out.Q)
	}
	se := 1 / math.Sqrt(sw)
	z := quantile(1-alpha/2, math.Inf(1))
	out.Pooled = Effect{Estimate: mean, StdError: se, Lower: mean - z*se, Upper: mean + z*se}
	return out
}
