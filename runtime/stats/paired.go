package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Paired tests compare two systems measured on the same units, typically
// two ranking models' per-query values of an offline metric
// (STATS-REFERENCE.md §14.3). The units are the pairs (baseline[i],
// candidate[i]); d[i] = candidate[i] − baseline[i] and the effect is the
// mean difference d̄.

// PairedMethod selects a paired test.
type PairedMethod int

const (
	// PairedT is Student's paired t-test: t = d̄ / (s_d/√n), n−1 degrees of
	// freedom (R t.test(candidate, baseline, paired = TRUE)).
	PairedT PairedMethod = iota
	// Permutation is Fisher's sign-flip randomization test of d̄: exact
	// enumeration of all 2^n sign vectors when n <= ExactPermutationLimit,
	// otherwise Monte Carlo with p = (1+b)/(1+B).
	Permutation
	// Bootstrap resamples the pairs with replacement: a percentile interval
	// for d̄ and the percentile p-value (see ComparePaired).
	Bootstrap
)

// String is the method's name in specs: paired_t, permutation, bootstrap.
func (m PairedMethod) String() string {
	switch m {
	case PairedT:
		return "paired_t"
	case Permutation:
		return "permutation"
	case Bootstrap:
		return "bootstrap"
	}
	return fmt.Sprintf("PairedMethod(%d)", int(m))
}

// ParsePairedMethod reads a method name as written in a spec's `test`
// field.
func ParsePairedMethod(name string) (PairedMethod, error) {
	for _, m := range []PairedMethod{PairedT, Permutation, Bootstrap} {
		if m.String() == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown paired test %q (want paired_t, permutation or bootstrap)", name)
}

// ExactPermutationLimit is the largest number of pairs for which the
// permutation test enumerates every sign vector (2^20 ≈ 10^6).
const ExactPermutationLimit = 20

// DefaultResamples is the number of Monte Carlo sign vectors or bootstrap
// resamples when PairedOptions.Resamples is 0.
const DefaultResamples = 10000

// MaxResamples bounds PairedOptions.Resamples (the bootstrap keeps one
// mean per resample).
const MaxResamples = 10_000_000

// PairedOptions configures ComparePaired.
type PairedOptions struct {
	Method PairedMethod
	// Alpha is the two-sided level of the intervals; 0 means 0.05.
	Alpha float64
	// Seed seeds the Monte Carlo permutation test and the bootstrap; the
	// result is a deterministic function of the data, the options and Seed.
	Seed uint64
	// Resamples is B, the number of random sign vectors or bootstrap
	// resamples; 0 means DefaultResamples.
	Resamples int
}

// PairedComparison is a paired test's result: a Comparison of the
// candidate against the baseline, plus how it was computed.
type PairedComparison struct {
	Comparison
	// Pairs is the number of pairs (queries) tested.
	Pairs int
	// Resamples is the number of sign vectors (2^n when Exact) or bootstrap
	// resamples behind the p-value; 0 for the paired t-test.
	Resamples int
	// Exact reports a permutation p-value from full enumeration.
	Exact bool
}

// ComparePaired tests candidate against baseline, paired by index, at the
// two-sided level opt.Alpha.
//
// Absolute effect: d̄ with standard error s_d/√n.
//   - paired_t: t interval d̄ ± t(1−α/2, n−1)·s_d/√n and its p-value.
//   - permutation: the sign-flip p-value, P(|Σ s_i d_i| ≥ |Σ d_i|) over sign
//     vectors s (ties within 1e-12·Σ|d_i| count as ≥); the interval is the
//     paired t interval (the test itself gives none), and DF is n−1.
//   - bootstrap: B resamples of the n pairs; the interval is the percentile
//     interval of the resampled means (quantile type 7, as R's default), the
//     standard error their standard deviation, and the p-value the
//     percentile p-value min(1, 2·min(1+#{d̄* ≤ 0}, 1+#{d̄* ≥ 0})/(1+B)),
//     so that p < α goes with an interval excluding 0. DF is 0 (neither t
//     nor z).
//
// Relative effect (t̄ − c̄)/|c̄| for candidate mean t̄ and baseline mean c̄,
// for every method: the delta method with the pairs' covariance,
// Var = V_t/c̄² + t̄²V_c/c̄⁴ − 2t̄C/c̄³ (V_t = s_t²/n, V_c = s_c²/n,
// C = s_tc/n), and a normal interval, as Compare does for independent arms.
//
// Nothing is NaN: with fewer than 2 pairs, differences of zero variance,
// unequal lengths, non-finite values or a bad option, Problem says why and
// only Absolute.Estimate may be set.
func ComparePaired(baseline, candidate []float64, opt PairedOptions) PairedComparison {
	out := PairedComparison{Comparison: Comparison{Method: opt.Method.String()}, Pairs: len(baseline)}
	alpha, resamples, problem := pairedOptions(opt)
	if problem == "" {
		problem = pairedInputProblem(baseline, candidate)
	}
	if problem != "" {
		out.Problem = problem
		return out
	}
	n := len(baseline)
	d := make([]float64, n)
	for i := range d {
		d[i] = candidate[i] - baseline[i]
	}
	mean, sd := pairedMeanSD(d)
	out.Absolute.Estimate = mean
	if n < 2 {
		out.Problem = "fewer than two paired queries: the variance cannot be estimated"
		return out
	}
	if sd <= 1e-12*pairedMaxAbs(baseline, candidate) {
		out.Problem = "the paired differences have zero variance: the effect cannot be tested"
		return out
	}
	se := sd / math.Sqrt(float64(n))
	df := float64(n - 1)
	q := quantile(1-alpha/2, df)
	out.Absolute = Effect{Estimate: mean, StdError: se, Lower: mean - q*se, Upper: mean + q*se}
	out.DF = df
	pairedInference(&out, d, opt, alpha, resamples)
	out.Relative, out.RelativeProblem = pairedRelative(baseline, candidate, alpha)
	return out
}

// pairedInference sets the p-value of the method (and, for the bootstrap,
// its interval), given the t-based absolute effect already in out.
func pairedInference(out *PairedComparison, d []float64, opt PairedOptions, alpha float64, resamples int) {
	n := len(d)
	switch opt.Method {
	case PairedT:
		out.PValue = twoSidedP(out.Absolute.Estimate/out.Absolute.StdError, out.DF)
	case Permutation:
		if n <= ExactPermutationLimit {
			out.PValue, out.Resamples, out.Exact = signFlipExact(d), 1<<n, true
			return
		}
		rng := rand.New(rand.NewPCG(opt.Seed, pairedStream))
		out.PValue, out.Resamples = signFlipMonteCarlo(d, resamples, rng), resamples
	case Bootstrap:
		rng := rand.New(rand.NewPCG(opt.Seed, pairedStream))
		means := bootstrapMeans(d, resamples, func(_, _ int) int { return rng.IntN(n) })
		out.Absolute, out.PValue = bootstrapSummary(out.Absolute.Estimate, means, alpha)
		out.DF, out.Resamples = 0, resamples
	}
}

// pairedStream is the PCG stream constant: fixed, so results depend on the
// seed alone.
const pairedStream = 0x63616c6970657221 // "caliper!"

// pairedOptions validates the options and fills in defaults.
func pairedOptions(opt PairedOptions) (alpha float64, resamples int, problem string) {
	alpha, resamples = opt.Alpha, opt.Resamples
	if alpha == 0 {
		alpha = 0.05
	}
	if resamples == 0 {
		resamples = DefaultResamples
	}
	switch {
	case opt.Method < PairedT || opt.Method > Bootstrap:
		problem = fmt.Sprintf("unknown paired test %d", int(opt.Method))
	case !(alpha > 0 && alpha < 1):
		problem = fmt.Sprintf("alpha %g is not between 0 and 1", alpha)
	case resamples < 1 || resamples > MaxResamples:
		problem = fmt.Sprintf("resamples %d is not between 1 and %d", resamples, MaxResamples)
	}
	return alpha, resamples, problem
}

// pairedInputProblem reports data that cannot be tested at all.
func pairedInputProblem(baseline, candidate []float64) string {
	if len(baseline) != len(candidate) {
		return fmt.Sprintf("%d baseline values but %d candidate values: the pairs do not match", len(baseline), len(candidate))
	}
	if len(baseline) == 0 {
		return "no paired queries"
	}
	for i := range baseline {
		if !pairedFinite(baseline[i]) || !pairedFinite(candidate[i]) {
			return fmt.Sprintf("pair %d is not a finite number (%g, %g)", i, baseline[i], candidate[i])
		}
	}
	return ""
}

func pairedFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// pairedMeanSD is the mean and the sample standard deviation (divisor n−1, 0 for
// n < 2), in two passes for accuracy.
func pairedMeanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return 0, 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// pairedMaxAbs is the largest |value| in the slices: the scale below which a
// standard deviation is rounding noise.
func pairedMaxAbs(xs ...[]float64) float64 {
	m := 0.0
	for _, x := range xs {
		for _, v := range x {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}

// signFlipTolerance is how close to |Σd| a permuted sum may fall and still
// count as at least as extreme (floating-point ties).
func signFlipTolerance(d []float64) float64 {
	s := 0.0
	for _, v := range d {
		s += math.Abs(v)
	}
	return 1e-12 * s
}

// signFlipExact is the exact two-sided sign-flip p-value: the share of the
// 2^n sign vectors s with |Σ s_i d_i| ≥ |Σ d_i|. A vector and its negation
// give the same |sum|, so only those with s_{n−1} = +1 are enumerated. Each
// sum is computed afresh, in index order, so rounding does not accumulate.
func signFlipExact(d []float64) float64 {
	n := len(d)
	obs := math.Abs(pairedSum(d)) - signFlipTolerance(d)
	half := uint64(1) << (n - 1)
	count := uint64(0)
	for mask := uint64(0); mask < half; mask++ {
		s := 0.0
		for i, v := range d {
			if mask&(1<<i) != 0 {
				s -= v
			} else {
				s += v
			}
		}
		if math.Abs(s) >= obs {
			count++
		}
	}
	return float64(count) / float64(half)
}

// signFlipMonteCarlo is the Monte Carlo sign-flip p-value (1+b)/(1+B), b
// counting the B random sign vectors at least as extreme as the data.
func signFlipMonteCarlo(d []float64, resamples int, rng *rand.Rand) float64 {
	obs := math.Abs(pairedSum(d)) - signFlipTolerance(d)
	b := 0
	for r := 0; r < resamples; r++ {
		s := 0.0
		var word uint64
		for i, v := range d {
			if i%64 == 0 {
				word = rng.Uint64()
			}
			if word&1 != 0 {
				s -= v
			} else {
				s += v
			}
			word >>= 1
		}
		if math.Abs(s) >= obs {
			b++
		}
	}
	return float64(1+b) / float64(1+resamples)
}

// bootstrapMeans is the mean of d over each of the resamples: resample r
// takes d[draw(r, i)] for i = 0..n−1. ComparePaired draws uniformly with
// replacement; tests pass fixed indices. Nothing of size resamples × n is
// kept in memory.
func bootstrapMeans(d []float64, resamples int, draw func(r, i int) int) []float64 {
	n := len(d)
	means := make([]float64, resamples)
	for r := range means {
		s := 0.0
		for i := 0; i < n; i++ {
			s += d[draw(r, i)]
		}
		means[r] = s / float64(n)
	}
	return means
}

// bootstrapSummary turns the resampled means into the percentile interval,
// the bootstrap standard error and the percentile p-value (ComparePaired).
func bootstrapSummary(estimate float64, means []float64, alpha float64) (Effect, float64) {
	sorted := append([]float64(nil), means...)
	sort.Float64s(sorted)
	_, se := pairedMeanSD(sorted)
	le, ge := 0, 0
	for _, m := range sorted {
		if m <= 0 {
			le++
		}
		if m >= 0 {
			ge++
		}
	}
	p := math.Min(1, 2*float64(1+min(le, ge))/float64(1+len(sorted)))
	return Effect{
		Estimate: estimate,
		StdError: se,
		Lower:    SortedQuantile(sorted, alpha/2),
		Upper:    SortedQuantile(sorted, 1-alpha/2),
	}, p
}

// pairedRelative is the delta-method relative effect (ComparePaired), or
// the reason it is undefined.
func pairedRelative(baseline, candidate []float64, alpha float64) (*Effect, string) {
	n := float64(len(baseline))
	c, sc := pairedMeanSD(baseline)
	t, st := pairedMeanSD(candidate)
	if c == 0 {
		return nil, "the baseline value is 0: a relative effect is not defined"
	}
	cov := 0.0
	for i := range baseline {
		cov += (baseline[i] - c) * (candidate[i] - t)
	}
	cov /= n - 1
	vc, vt, cv := sc*sc/n, st*st/n, cov/n
	v := vt/(c*c) + t*t*vc/(c*c*c*c) - 2*t*cv/(c*c*c)
	se := math.Sqrt(math.Max(v, 0))
	rel := (t - c) / math.Abs(c)
	z := quantile(1-alpha/2, math.Inf(1))
	return &Effect{Estimate: rel, StdError: se, Lower: rel - z*se, Upper: rel + z*se}, ""
}

// pairedSum adds the values in index order.
func pairedSum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}
