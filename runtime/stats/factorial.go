package stats

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// Factorial experiments (STATS-REFERENCE §10): k two-level factors assigned
// independently, 2^k cells. Cell c is an integer whose bit j is set when
// factor j is at its new (non-baseline) level, so cell 0 is all-baseline and
// cell 2^k−1 is all-new.
//
// Estimation is the saturated OLS of y on all factor indicators and their
// interactions, computed from per-cell sufficient statistics. Every
// coefficient of a saturated model is a contrast Σ_c w_c ȳ_c of the cell
// means, and its HC2 variance is Σ_c w_c² s_c²/n_c:
//
// Proof. Write the design as X = Z·B, where Z (N × 2^k) holds the cell
// indicators and B (2^k × 2^k) is the non-singular coding matrix (row c, column
// T: the value of the regressor of term T in cell c). Then
//   - β̂ = (XᵀX)⁻¹Xᵀy = B⁻¹(ZᵀZ)⁻¹Zᵀy = B⁻¹ȳ: each coefficient is the contrast
//     given by a row w of B⁻¹ applied to the vector ȳ of cell means;
//   - the hat matrix depends only on the column space, which X and Z share:
//     H = Z(ZᵀZ)⁻¹Zᵀ, so unit i in cell c has leverage h_i = 1/n_c and
//     residual e_i = y_i − ȳ_c;
//   - HC2 is (XᵀX)⁻¹XᵀΩX(XᵀX)⁻¹ with Ω = diag(e_i²/(1 − h_i)); substituting
//     X = ZB gives B⁻¹(ZᵀZ)⁻¹(ZᵀΩZ)(ZᵀZ)⁻¹B⁻ᵀ, where ZᵀΩZ is diagonal with
//     entries Σ_{i∈c} e_i²/(1 − 1/n_c) = (n_c−1)s_c²·n_c/(n_c−1) = n_c s_c²
//     and (ZᵀZ)⁻¹ = diag(1/n_c); the middle is diag(s_c²/n_c), hence
//     Var(wᵀȳ) = Σ_c w_c² s_c²/n_c, the design-based (Neyman) variance. ∎
//
// HC1 replaces e_i²/(1−h_i) by e_i²·N/(N−p): Σ_c w_c² (n_c−1)s_c²/n_c² ·
// N/(N−p), p = 2^k (the number of non-empty cells). A cell with one unit
// has leverage 1 and residual 0, so HC2 is 0/0 there (R sandwich returns
// NaN; estimatr silently uses 0): contrasts that use such a cell carry a
// Problem. A cell with zero variance (n_c ≥ 2) has leverage 1/n_c and
// simply contributes 0. TestFactorialHC2IsNeyman checks the
// identity against the sandwich computed from unit-level data.
//
// Codings (both reported for every term T ⊆ factors):
//   - Dummy (0/1, baseline 0; what R estimatr::lm_robust(y ~ a*b*c) reports
//     for 0/1 or treatment-contrast factors): γ_T = Σ_{U⊆T} (−1)^{|T|−|U|} ȳ_U
//     (Möbius inversion of ȳ_c = Σ_{T⊆c} γ_T). The "main effect" of a is the
//     simple effect of a with every other factor at baseline; γ_T of order
//     ≥ 2 is the |T|-fold difference of differences at baseline elsewhere.
//   - Effect (±½: x_j = A_j − ½; R lm_robust(y ~ ea*eb*ec)): the columns are
//     orthogonal over cells, so β_T = (2^{|T|}/2^k) Σ_c Π_{j∈T} s_j(c) ȳ_c
//     with s_j = ±1: the main effect of a is the average over the other
//     factors' 2^{k−1} settings of a's simple effect; an interaction is the
//     average difference of differences. The highest-order term is the same
//     in both codings. The effect-coded main effect is the one to headline.
//
// Shapley attribution (`attribution shapley`): the all-new minus
// all-baseline effect ȳ_{1…1} − ȳ_{0…0} = Σ_{T≠∅} γ_T is split as
// φ_j = Σ_{T∋j} γ_T/|T| (each dummy-coded interaction shared equally by its
// factors), which is the Shapley value of v(S) = ȳ_S − ȳ_∅; φ_j is again a
// contrast of cell means, so its variance is Σ_c w_c² Var(ȳ_c).
//
// Ratio metrics (Σ M / Σ D per cell) use the same contrasts with each cell's
// §2 delta-method variance, i.e. n_c/(n_c−1) times the HC0 cell variance of
// the weighted saturated regression M/D ~ factors with weights D; their tests
// use z, as for a ratio arm.

// FactorialSE selects the variance of the cell means of a mean metric
// (STATS-REFERENCE §10).
type FactorialSE int

const (
	// FactorialHC2 is Σ w_c² s_c²/n_c (HC2 = Neyman; the default, estimatr's
	// default se_type), STATS-REFERENCE §10.
	FactorialHC2 FactorialSE = iota
	// FactorialHC1 is HC0 scaled by N/(N−2^k) (sandwich::vcovHC type "HC1"),
	// STATS-REFERENCE §10.
	FactorialHC1
)

// String is the method name used in results (STATS-REFERENCE §18).
func (s FactorialSE) String() string {
	if s == FactorialHC1 {
		return "factorial_hc1"
	}
	return "factorial_hc2"
}

// FactorialMaxFactors is the largest number of factors analysed (2^10
// cells); STATS-REFERENCE §10 designs use k ≤ 6.
const FactorialMaxFactors = 10

// FactorialCell is one cell's estimate (STATS-REFERENCE §10).
type FactorialCell struct {
	Index    int    // bit j set: factor j at its new level
	Name     string // e.g. "embeddings=1,retrieval=0"
	Units    float64
	Value    float64 // cell mean (or Σ M / Σ D), when Defined
	Defined  bool    // the cell has units (and, for a ratio, Σ D ≠ 0)
	StdError float64 // standard error of Value under the chosen recipe
	Problem  string  // why the cell cannot be used (empty, one unit)
}

// FactorialContrast is a linear combination Σ_c w_c·value_c of independent
// cell estimates with its test (STATS-REFERENCE §10): the estimate, its
// standard error √(Σ w_c² Var_c), a two-sided interval and p-value from
// t(DF) (z when DF is +Inf). Problem says why it cannot be reported.
type FactorialContrast struct {
	Name string
	Effect
	PValue  float64
	Problem string
}

// FactorialTerm is one coefficient of the saturated model (STATS-REFERENCE
// §10) in both codings.
type FactorialTerm struct {
	Name        string // R's label: "(Intercept)", "a", "a:b", ...
	Mask        int    // the factors in the term, as bits
	Order       int    // number of factors (0 for the intercept)
	Dummy       FactorialContrast
	EffectCoded FactorialContrast
}

// Factorial is the analysis of a 2^k factorial design (STATS-REFERENCE §10).
type Factorial struct {
	Factors []string
	Cells   []FactorialCell
	// Terms are ordered as R orders y ~ a*b*c: intercept, main effects,
	// then interactions by order and by factor bits.
	Terms []FactorialTerm
	// Combined is all-new minus all-baseline (cell 2^k−1 minus cell 0).
	Combined FactorialContrast
	// Shapley splits Combined between the factors; they sum to it.
	Shapley []FactorialContrast
	// DF is the residual degrees of freedom N − (non-empty cells) used for
	// every t test (estimatr's for HC1/HC2), +Inf for ratio metrics (z).
	DF      float64
	Method  string
	Problem string // the design cannot be analysed at all
}

// factorialCellVar is one cell's point value and variance with its problem.
type factorialCellVar struct {
	units, value, variance float64
	noValue, noVariance    string // why the value / the variance is missing
}

// FactorialMeans analyses a mean (or proportion) metric from per-cell
// moments (n, Σy, Σy²; STATS-REFERENCE §10), cells indexed as in the file
// comment, with variance recipe se and two-sided level alpha. SQL groups the
// units by cell, the index being Σ_j [factor_j ≠ baseline_j]·2^j, and
// returns count(*), sum(y), sum(y*y) per cell; missing cells are empty.
func FactorialMeans(factors []string, cells []Moments, se FactorialSE, alpha float64) Factorial {
	vars := make([]factorialCellVar, len(cells))
	total, nonEmpty := 0.0, 0.0
	for c, m := range cells {
		total += m.N
		if m.N > 0 {
			nonEmpty++
		}
		mean, _ := m.Mean() // an empty cell gets noValue below
		vars[c] = factorialCellVar{units: m.N, value: mean, variance: m.Var() / math.Max(m.N, 1)}
	}
	for c, m := range cells {
		if se == FactorialHC1 && m.N > 0 && total > nonEmpty {
			vars[c].variance *= (m.N - 1) / m.N * total / (total - nonEmpty)
		}
		vars[c].noValue, vars[c].noVariance = factorialCellProblems(m.N, m.N > 0)
	}
	return factorialAnalyze(factors, vars, total-nonEmpty, alpha, se.String())
}

// FactorialRatios analyses a ratio metric Σ M / Σ D from per-cell ratio
// moments (n, ΣM, ΣM², ΣD, ΣD², ΣMD per cell, indexed as for
// FactorialMeans) with each cell's §2 delta-method variance and z tests
// (STATS-REFERENCE §10, §2).
func FactorialRatios(factors []string, cells []RatioMoments, alpha float64) Factorial {
	vars := make([]factorialCellVar, len(cells))
	for c, r := range cells {
		value, _ := r.Value() // a cell with Σ D = 0 gets noValue below
		vars[c] = factorialCellVar{units: r.N, value: value, variance: r.VarOfValue()}
		vars[c].noValue, vars[c].noVariance = factorialCellProblems(r.N, r.SumD != 0)
		if r.N > 0 && r.SumD == 0 {
			vars[c].noValue = "its denominator total is 0"
		}
	}
	return factorialAnalyze(factors, vars, math.Inf(1), alpha, "factorial_delta")
}

// factorialCellProblems says why a cell's value or variance is missing.
func factorialCellProblems(n float64, hasValue bool) (noValue, noVariance string) {
	switch {
	case n < 1:
		return "it is empty", ""
	case !hasValue:
		return "its value is not defined", ""
	case n < 2:
		return "", "it has one unit (HC2 leverage 1): its variance cannot be estimated"
	}
	return "", ""
}

// factorialAnalyze computes cells, terms, the combined effect and Shapley
// values from per-cell estimates.
func factorialAnalyze(factors []string, cells []factorialCellVar, df, alpha float64, method string) Factorial {
	out := Factorial{Factors: factors, DF: df, Method: method}
	k := len(factors)
	if k < 1 || k > FactorialMaxFactors || len(cells) != 1<<k {
		out.Problem = fmt.Sprintf("a factorial design needs 1 to %d factors and 2^k cells; got %d factors and %d cells",
			FactorialMaxFactors, k, len(cells))
		return out
	}
	out.Cells = factorialCells(factors, cells)
	c := factorialContraster{factors: factors, cells: cells, df: df, alpha: alpha}
	for _, t := range factorialTermOrder(k) {
		name := factorialTermName(factors, t)
		out.Terms = append(out.Terms, FactorialTerm{
			Name: name, Mask: t, Order: bits.OnesCount(uint(t)),
			Dummy:       c.contrast(name, factorialDummyWeights(k, t)),
			EffectCoded: c.contrast(name, factorialEffectWeights(k, t)),
		})
	}
	all := make([]float64, 1<<k)
	all[len(all)-1]++
	all[0]--
	out.Combined = c.contrast("all-new vs all-baseline", all)
	for j, f := range factors {
		out.Shapley = append(out.Shapley, c.contrast(f, factorialShapleyWeights(k, j)))
	}
	if df <= 0 {
		out.Problem = "no residual degrees of freedom (units ≤ non-empty cells)"
	}
	return out
}

// factorialCells builds the reported cells.
func factorialCells(factors []string, cells []factorialCellVar) []FactorialCell {
	out := make([]FactorialCell, len(cells))
	for c, v := range cells {
		out[c] = FactorialCell{Index: c, Name: factorialCellName(factors, c), Units: v.units, Value: v.value, Defined: v.noValue == ""}
		switch {
		case v.noValue != "":
			out[c].Value = 0
			out[c].Problem = v.noValue
		case v.noVariance != "":
			out[c].Problem = v.noVariance
		default:
			out[c].StdError = math.Sqrt(v.variance)
		}
	}
	return out
}

// factorialContraster evaluates contrasts of one design's cells.
type factorialContraster struct {
	factors   []string
	cells     []factorialCellVar
	df, alpha float64
}

// contrast is Σ w_c value_c with variance Σ w_c² variance_c.
func (f factorialContraster) contrast(name string, w []float64) FactorialContrast {
	out := FactorialContrast{Name: name}
	est, v := 0.0, 0.0
	var noVar []string
	for c, wc := range w {
		if math.Abs(wc) < 1e-12 {
			continue
		}
		cell := f.cells[c]
		if cell.noValue != "" {
			out.Problem = fmt.Sprintf("cell %s %s", factorialCellName(f.factors, c), cell.noValue)
			return out
		}
		if cell.noVariance != "" {
			noVar = append(noVar, factorialCellName(f.factors, c))
		}
		est += wc * cell.value
		v += wc * wc * cell.variance
	}
	out.Estimate = est
	switch {
	case len(noVar) > 0:
		out.Problem = fmt.Sprintf("cell %s has one unit (HC2 leverage 1): the variance cannot be estimated",
			strings.Join(noVar, ", cell "))
	case !(v > 0) || math.IsInf(v, 0):
		out.Problem = "zero variance in every cell the contrast uses: it cannot be tested"
	case !(f.df > 0):
		out.Problem = "no residual degrees of freedom for the test"
	default:
		se := math.Sqrt(v)
		q := quantile(1-f.alpha/2, f.df)
		out.Effect = Effect{Estimate: est, StdError: se, Lower: est - q*se, Upper: est + q*se}
		out.PValue = twoSidedP(est/se, f.df)
	}
	return out
}

// factorialTermOrder lists the 2^k term masks in R's order for y ~ a*b*...:
// by number of factors, then by mask.
func factorialTermOrder(k int) []int {
	out := make([]int, 0, 1<<k)
	for order := 0; order <= k; order++ {
		for t := 0; t < 1<<k; t++ {
			if bits.OnesCount(uint(t)) == order {
				out = append(out, t)
			}
		}
	}
	return out
}

// factorialTermName is R's label of a term: factor names joined by ":".
func factorialTermName(factors []string, t int) string {
	if t == 0 {
		return "(Intercept)"
	}
	var parts []string
	for j, f := range factors {
		if t&(1<<j) != 0 {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, ":")
}

// factorialCellName labels a cell as "a=1,b=0,...".
func factorialCellName(factors []string, c int) string {
	parts := make([]string, len(factors))
	for j, f := range factors {
		parts[j] = fmt.Sprintf("%s=%d", f, (c>>j)&1)
	}
	return strings.Join(parts, ",")
}

// factorialDummyWeights are the cell weights of the 0/1-coded coefficient
// of term t: (−1)^{|t|−|c|} for every cell c ⊆ t (Möbius inversion).
func factorialDummyWeights(k, t int) []float64 {
	w := make([]float64, 1<<k)
	for c := range w {
		if c&^t == 0 {
			w[c] = factorialSign(bits.OnesCount(uint(t)) - bits.OnesCount(uint(c)))
		}
	}
	return w
}

// factorialEffectWeights are the cell weights of the ±½-coded coefficient
// of term t: (2^{|t|}/2^k)·Π_{j∈t} s_j(c), s_j = +1 at the new level.
func factorialEffectWeights(k, t int) []float64 {
	w := make([]float64, 1<<k)
	order := bits.OnesCount(uint(t))
	scale := math.Ldexp(1, order-k)
	for c := range w {
		w[c] = scale * factorialSign(order-bits.OnesCount(uint(c&t)))
	}
	return w
}

// factorialShapleyWeights are the cell weights of factor j's Shapley value
// Σ_{T∋j} γ_T/|T|.
func factorialShapleyWeights(k, j int) []float64 {
	w := make([]float64, 1<<k)
	for t := 1; t < 1<<k; t++ {
		if t&(1<<j) == 0 {
			continue
		}
		share := 1 / float64(bits.OnesCount(uint(t)))
		for c, wc := range factorialDummyWeights(k, t) {
			w[c] += share * wc
		}
	}
	return w
}

// factorialSign is (−1)^n.
func factorialSign(n int) float64 {
	if n%2 != 0 {
		return -1
	}
	return 1
}
