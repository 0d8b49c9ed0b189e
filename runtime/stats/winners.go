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
	return CorrectWinnersCurseSteps(cands, []int{len(cands)}, alpha, reps, seed)[0]
}

// CorrectWinnersCurseSteps is the correction at every step of a growing
// set of candidates (launches decided one after another): step k covers
// the first ends[k] candidates (ends increasing, at most len(cands)). Each
// step's estimates are CorrectWinnersCurse's on its candidates; the
// intervals come from one set of bootstrap draws (each step reads the
// draws of its candidates), so the cost is that of one correction and the
// step covering every candidate is exactly CorrectWinnersCurse(cands).
func CorrectWinnersCurseSteps(cands []Candidate, ends []int, alpha float64, reps int, seed uint64) []WinnersCurse {
	out := make([]WinnersCurse, len(ends))
	var use []Candidate
	useEnd := make([]int, len(ends)) // the usable candidates of each step
	var skipped []string
	problem := ""
	k := 0
	mark := func(n int) {
		for ; k < len(ends) && ends[k] <= n; k++ {
			useEnd[k] = len(use)
			out[k].Skipped = append([]string(nil), skipped...)
			out[k].Problem = problem
		}
	}
	mark(0)
	for i, c := range cands {
		if !(c.StdError > 0) || math.IsInf(c.StdError, 0) || math.IsNaN(c.Estimate) || math.IsInf(c.Estimate, 0) ||
			math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
			skipped = append(skipped, c.Label)
			if c.Shipped && problem == "" {
				problem = fmt.Sprintf("shipped experiment %s has no usable estimate and standard error", c.Label)
			}
		} else {
			use = append(use, c)
		}
		mark(i + 1)
	}
	mark(len(cands))
	// The estimates: running sums over the usable candidates, in order.
	var naive, v, bias float64
	shipped, u := 0, 0
	for k := range out {
		for ; u < useEnd[k]; u++ {
			c := use[u]
			if c.Shipped {
				shipped++
				naive += c.Estimate
				v += c.StdError * c.StdError
			}
			bias += c.StdError * distuv.UnitNormal.Prob(c.Threshold-c.Estimate/c.StdError)
		}
		w := &out[k]
		if w.Problem != "" {
			continue
		}
		w.Candidates, w.Shipped = useEnd[k], shipped
		if shipped == 0 {
			w.Problem = "no shipped experiment: there is no cumulative impact to correct"
			continue
		}
		w.Naive, w.NaiveSE = naive, math.Sqrt(v)
		w.Bias = bias
		w.Corrected = naive - bias
		if reps < 1 {
			w.Problem = "no bootstrap replicates requested"
		}
	}
	if reps < 1 {
		return out
	}
	// The bootstrap: one draw per usable candidate and replicate; each
	// estimable step keeps the corrected total of its candidates.
	draws := make([][]float64, len(out))
	for k := range out {
		if out[k].Problem == "" {
			draws[k] = make([]float64, reps)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for r := 0; r < reps; r++ {
		s, b := 0.0, 0.0
		k := 0
		for k < len(out) && useEnd[k] == 0 {
			k++
		}
		for i, c := range use {
			x := c.Estimate + c.StdError*rng.NormFloat64()
			if x > c.Threshold*c.StdError {
				s += x
			}
			b += c.StdError * distuv.UnitNormal.Prob(c.Threshold-x/c.StdError)
			for ; k < len(out) && useEnd[k] == i+1; k++ {
				if draws[k] != nil {
					draws[k][r] = s - b
				}
			}
		}
	}
	for k := range out {
		if draws[k] == nil {
			continue
		}
		sort.Float64s(draws[k])
		w := &out[k]
		w.Replicates = reps
		w.Draws = draws[k]
		w.Lower = SortedQuantile(draws[k], alpha/2)
		w.Upper = SortedQuantile(draws[k], 1-alpha/2)
	}
	return out
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
