package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file implements the meta-analysis behind `caliper portfolio`: one
// metric's effects across independent experiments, pooled by the
// fixed-effect (inverse-variance) model and the random-effects model with
// τ² estimated by DerSimonian–Laird or REML. The conventions are those of
// R's metafor::rma (Viechtbauer 2010) with its defaults, which the tests
// match to 1e-6 (testdata/meta/meta.R, expected.json):
//
//   - test = "z": the pooled estimate's test and interval are normal
//     (z = μ̂/SE, p = 2Φ(−|z|), μ̂ ± z_{1−α/2}·SE), not Knapp–Hartung.
//   - Q is Cochran's Q with the fixed-effect weights 1/vᵢ for every model,
//     on k − 1 degrees of freedom.
//   - I² for a random-effects model is τ̂²/(τ̂² + ṽ), with the "typical"
//     within-experiment variance ṽ = (k−1)Σw / ((Σw)² − Σw²), w = 1/vᵢ; so
//     it follows the τ² estimator (for DL it equals max(0, (Q−(k−1))/Q)).
//     For the fixed-effect model it is max(0, (Q−(k−1))/Q). H² = (τ̂²+ṽ)/ṽ
//     (fixed effect: Q/(k−1)). I² here is a share (metafor prints percent).
//   - The prediction interval (predict.rma) is μ̂ ± z_{1−α/2}·√(SE² + τ̂²):
//     normal, not the t_{k−2} interval of Higgins et al. (2009). The
//     fixed-effect model has none (its one effect has no spread).
//   - REML is found by Fisher scoring from the DerSimonian–Laird value,
//     halving a step that would take τ² below 0, as rma.uni does; here it
//     runs to a relative change below 1e-12 (metafor's default stops at an
//     absolute change below 1e-5; the reference script tightens that so the
//     two agree to 1e-6). When the restricted likelihood decreases at
//     τ² = 0 the estimate is 0 exactly.
//   - SE(τ̂²): REML √(2/tr(P²)) (inverse Fisher information); DL
//     metafor's √((2(k−1) + 4τ̂² tr P + 2τ̂⁴ tr P²)) / tr P with P built
//     from the fixed-effect weights.

// MetaMethod names a meta-analysis model.
type MetaMethod string

const (
	// MetaFE is the fixed-effect (common-effect) model: weights 1/vᵢ.
	MetaFE MetaMethod = "FE"
	// MetaDL is the random-effects model with DerSimonian–Laird τ².
	MetaDL MetaMethod = "DL"
	// MetaREML is the random-effects model with REML τ².
	MetaREML MetaMethod = "REML"
)

// MetaStudy is one experiment's effect on a metric (absolute or relative,
// the same scale for every study) with its standard error.
type MetaStudy struct {
	Label    string
	Estimate float64
	StdError float64
}

// MetaFit is one model's pooled estimate. Fields that a model does not
// estimate are described by the flags (HasTau2, HasPrediction); Problem is
// set when nothing could be estimated.
type MetaFit struct {
	Method MetaMethod
	K      int // studies used
	// Skipped names studies left out: standard error not positive and
	// finite, or estimate not finite.
	Skipped []string

	Estimate, StdError, Z, PValue float64
	Lower, Upper                  float64

	// Tau2 is the between-experiment variance (random-effects models),
	// Tau2SE its standard error.
	HasTau2      bool
	Tau2, Tau2SE float64
	I2, H2       float64 // I² as a share in [0, 1]

	Q, QDF, QPValue float64

	HasPrediction        bool
	PredLower, PredUpper float64

	// Iterations is the number of Fisher scoring steps (REML).
	Iterations int
	Problem    string
}

// Estimable reports whether the model could be fitted.
func (f MetaFit) Estimable() bool { return f.Problem == "" }

// MetaMinStudies is the least number of experiments a meta-analysis needs:
// with one, neither Q, τ² nor I² exist.
const MetaMinStudies = 2

// MetaAnalysis pools the studies under method at level 1 − alpha.
func MetaAnalysis(studies []MetaStudy, method MetaMethod, alpha float64) MetaFit {
	out := MetaFit{Method: method}
	var y, v []float64
	for _, s := range studies {
		if !(s.StdError > 0) || math.IsInf(s.StdError, 0) || math.IsNaN(s.Estimate) || math.IsInf(s.Estimate, 0) {
			out.Skipped = append(out.Skipped, s.Label)
			continue
		}
		vi := s.StdError * s.StdError
		if vi == 0 || math.IsInf(1/vi, 0) {
			out.Skipped = append(out.Skipped, s.Label)
			continue
		}
		y = append(y, s.Estimate)
		v = append(v, vi)
	}
	k := len(y)
	out.K = k
	if k < MetaMinStudies {
		out.Problem = fmt.Sprintf("%d experiment(s) with an estimable effect: a meta-analysis needs at least %d", k, MetaMinStudies)
		return out
	}
	switch method {
	case MetaFE, MetaDL, MetaREML:
	default:
		out.Problem = fmt.Sprintf("unknown meta-analysis method %q", method)
		return out
	}

	// Fixed-effect weights: Q, ṽ, DL.
	w := make([]float64, k)
	for i := range v {
		w[i] = 1 / v[i]
	}
	sw, sw2 := floats.Sum(w), metaPow(w, 2)
	muFE := floats.Dot(w, y) / sw
	for i := range y {
		out.Q += w[i] * (y[i] - muFE) * (y[i] - muFE)
	}
	out.QDF = float64(k - 1)
	out.QPValue = distuv.ChiSquared{K: out.QDF}.Survival(out.Q)
	vTypical := out.QDF * sw / (sw*sw - sw2)
	trP := sw - sw2/sw

	tau2 := 0.0
	switch method {
	case MetaFE:
		if out.Q > 0 {
			out.I2 = math.Max(0, (out.Q-out.QDF)/out.Q)
		}
		out.H2 = out.Q / out.QDF
	case MetaDL:
		tau2 = math.Max(0, (out.Q-out.QDF)/trP)
		trPP := trPSquared(w)
		out.HasTau2 = true
		out.Tau2 = tau2
		out.Tau2SE = math.Sqrt(2*out.QDF+4*tau2*trP+2*tau2*tau2*trPP) / trP
	case MetaREML:
		tau2 = math.Max(0, (out.Q-out.QDF)/trP)
		var iter int
		var ok bool
		tau2, iter, ok = remlTau2(y, v, tau2)
		out.Iterations = iter
		if !ok {
			out.Problem = "REML did not converge in 1000 Fisher scoring steps"
			return out
		}
		out.HasTau2 = true
		out.Tau2 = tau2
		wr := make([]float64, k)
		for i := range v {
			wr[i] = 1 / (v[i] + tau2)
		}
		out.Tau2SE = math.Sqrt(2 / trPSquared(wr))
	}
	if method != MetaFE {
		out.I2 = tau2 / (tau2 + vTypical)
		out.H2 = (tau2 + vTypical) / vTypical
	}

	wr := make([]float64, k)
	for i := range v {
		wr[i] = 1 / (v[i] + tau2)
	}
	swr := floats.Sum(wr)
	out.Estimate = floats.Dot(wr, y) / swr
	out.StdError = 1 / math.Sqrt(swr)
	out.Z = out.Estimate / out.StdError
	out.PValue = 2 * distuv.UnitNormal.CDF(-math.Abs(out.Z))
	z := quantile(1-alpha/2, math.Inf(1))
	out.Lower, out.Upper = out.Estimate-z*out.StdError, out.Estimate+z*out.StdError
	if method != MetaFE {
		out.HasPrediction = true
		s := math.Sqrt(out.StdError*out.StdError + tau2)
		out.PredLower, out.PredUpper = out.Estimate-z*s, out.Estimate+z*s
	}
	return out
}

// remlTau2 maximises the restricted likelihood of the intercept-only
// random-effects model over τ² ≥ 0 by Fisher scoring from start:
// τ² ← τ² + (y'PPy − tr P)/tr(P²), P = W − ww'/Σw, W = diag(1/(vᵢ+τ²)),
// halving a step that would leave [0, ∞).
func remlTau2(y, v []float64, start float64) (tau2 float64, iter int, ok bool) {
	k := len(y)
	w := make([]float64, k)
	score := func(t float64) (num, info float64) {
		for i := range v {
			w[i] = 1 / (v[i] + t)
		}
		sw := floats.Sum(w)
		mu := floats.Dot(w, y) / sw
		yPPy := 0.0
		for i := range y {
			r := w[i] * (y[i] - mu)
			yPPy += r * r
		}
		trP := sw - metaPow(w, 2)/sw
		return yPPy - trP, trPSquared(w)
	}
	// The boundary: a non-positive score at 0 means the likelihood falls
	// as τ² leaves 0 (it is unimodal in τ² for this model in practice).
	if num, _ := score(0); num <= 0 {
		return 0, 0, true
	}
	tau2 = start
	for iter = 1; iter <= 1000; iter++ {
		num, info := score(tau2)
		adj := num / info
		for tau2+adj < 0 {
			adj /= 2
		}
		next := tau2 + adj
		if math.Abs(next-tau2) <= 1e-12*math.Max(next, 1e-300) || next == tau2 {
			return next, iter, true
		}
		tau2 = next
	}
	return tau2, iter, false
}

// trPSquared is tr(P²) for P = W − ww'/Σw:
// Σw² − 2Σw³/Σw + (Σw²)²/(Σw)².
func trPSquared(w []float64) float64 {
	sw, sw2, sw3 := floats.Sum(w), metaPow(w, 2), metaPow(w, 3)
	return sw2 - 2*sw3/sw + sw2*sw2/(sw*sw)
}

func metaPow(x []float64, p int) float64 {
	s := 0.0
	for _, v := range x {
		t := 1.0
		for j := 0; j < p; j++ {
			t *= v
		}
		s += t
	}
	return s
}
