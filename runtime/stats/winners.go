package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file implements the winner's-curse correction of a cumulative
// shipped impact (Lee & Shen, "Winner's curse: bias estimation for total
// effects of features in online controlled experiments", KDD 2018).
//
// Each candidate experiment i has an estimate Xᵢ ~ N(aᵢ, σᵢ²) of its true
// effect aᵢ, oriented so that an improvement is positive. A launch is
// selected when Xᵢ > bᵢσᵢ (bᵢ = z_{1−α/2} for "significant and in the
// right direction"). The naive total S = Σ_{i∈A} Xᵢ over the selected set
// A overstates the true total T = Σ_{i∈A} aᵢ, because A is chosen by the
// same noise: E[S − T] = Σᵢ E[(Xᵢ − aᵢ)·1{Xᵢ > bᵢσᵢ}] = Σᵢ σᵢ φ(bᵢ − aᵢ/σᵢ),
// a sum over every candidate, shipped or not (each term is the probability
// of selection times E[Xᵢ − aᵢ | selected], the bias E[X | X > c] − a of a
// selected effect). The paper's plug-in estimate replaces aᵢ by Xᵢ:
// β̂ = Σᵢ σᵢ φ(bᵢ − Xᵢ/σᵢ), and the corrected total is S − β̂.
//
// The interval is the paper's parametric bootstrap: draw Xᵢ* ~ N(Xᵢ, σᵢ²)
// for every candidate, select A* = {Xᵢ* > bᵢσᵢ}, and recompute the
// corrected total S* − β̂*; the interval is the α/2 and 1 − α/2 quantiles
// of the corrected totals (percentile interval). Its coverage of T is
// measured by simulation in winners_test.go and stated in README.md: it is
// approximate, not exact.

// Candidate is one experiment that could have been shipped on a metric:
// its estimate and standard error, oriented so that an improvement is
// positive, the z threshold its launch needed (Estimate/StdError >
// Threshold), and whether it shipped.
type Candidate struct {
	Label     string
	Estimate  float64
	StdError  float64
	Threshold float64
	Shipped   bool
}

// WinnersCurse is the corrected cumulative impact of the shipped
// candidates.
type WinnersCurse struct {
	Candidates int // candidates used
	Shipped    int
	// Skipped names candidates without a usable estimate and standard
	// error (left out of the bias; a shipped one makes Problem).
	Skipped []string
	// Naive is Σ_{shipped} Xᵢ, NaiveSE its standard error √Σσᵢ² (which
	// ignores the selection).
	Naive, NaiveSE float64
	// Bias is β̂ = Σᵢ σᵢ φ(bᵢ − Xᵢ/σᵢ) over every candidate.
	Bias float64
	// Corrected is Naive − Bias; Lower and Upper its bootstrap interval.
	Corrected    float64
	Lower, Upper float64
	Replicates   int
	// Draws are the bootstrap corrected totals (sorted), for intervals
	// of figures built on this one (e.g. a gap to a holdout).
	Draws   []float64
	Problem string
}

// Estimable reports whether the correction could be computed.
func (w WinnersCurse) Estimable() bool { return w.Problem == "" }

// CorrectWinnersCurse corrects the shipped candidates' total for their
// selection, with a reps-draw parametric bootstrap interval at level
// 1 − alpha (seeded, so the same inputs give the same interval).
func CorrectWinnersCurse(cands []Candidate, alpha float64, reps int, seed uint64) WinnersCurse {
	var out WinnersCurse
	var use []Candidate
	for _, c := range cands {
		if !(c.StdError > 0) || math.IsInf(c.StdError, 0) || math.IsNaN(c.Estimate) || math.IsInf(c.Estimate, 0) ||
			math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
			out.Skipped = append(out.Skipped, c.Label)
			if c.Shipped {
				out.Problem = fmt.Sprintf("shipped experiment %s has no usable estimate and standard error", c.Label)
			}
			continue
		}
		use = append(use, c)
	}
	if out.Problem != "" {
		return out
	}
	out.Candidates = len(use)
	var v float64
	for _, c := range use {
		if c.Shipped {
			out.Shipped++
			out.Naive += c.Estimate
			v += c.StdError * c.StdError
		}
	}
	if out.Shipped == 0 {
		out.Problem = "no shipped experiment: there is no cumulative impact to correct"
		return out
	}
	out.NaiveSE = math.Sqrt(v)
	out.Bias = selectionBias(use, func(i int) float64 { return use[i].Estimate })
	out.Corrected = out.Naive - out.Bias
	if reps < 1 {
		out.Problem = "no bootstrap replicates requested"
		return out
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	draws := make([]float64, reps)
	x := make([]float64, len(use))
	for r := range draws {
		s := 0.0
		for i, c := range use {
			x[i] = c.Estimate + c.StdError*rng.NormFloat64()
			if x[i] > c.Threshold*c.StdError {
				s += x[i]
			}
		}
		draws[r] = s - selectionBias(use, func(i int) float64 { return x[i] })
	}
	sort.Float64s(draws)
	out.Replicates = reps
	out.Draws = draws
	out.Lower = SortedQuantile(draws, alpha/2)
	out.Upper = SortedQuantile(draws, 1-alpha/2)
	return out
}

// selectionBias is β̂ = Σᵢ σᵢ φ(bᵢ − xᵢ/σᵢ).
func selectionBias(cands []Candidate, x func(i int) float64) float64 {
	b := 0.0
	for i, c := range cands {
		b += c.StdError * distuv.UnitNormal.Prob(c.Threshold-x(i)/c.StdError)
	}
	return b
}

// SortedQuantile is the type-7 (R's default) p-quantile of sorted x.
func SortedQuantile(x []float64, p float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	h := (float64(n) - 1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i >= n-1 {
		return x[n-1]
	}
	return x[i] + (h-lo)*(x[i+1]-x[i])
}

// NormalQuantile is the standard normal p-quantile.
func NormalQuantile(p float64) float64 { return quantile(p, math.Inf(1)) }
