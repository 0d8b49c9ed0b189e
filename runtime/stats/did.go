package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Difference in differences for launches without a holdout: groups
// (markets, surfaces) adopt a change at known periods and the effect is
// estimated from a group × period panel of one metric's values.
//
// The estimator is Callaway & Sant'Anna's (2021) group-time average effect
// on the treated, unconditional (no covariates), as R's did::att_gt computes
// it by default for a balanced panel (base_period "varying", analytic
// standard errors):
//
//	ATT(g,t) = mean_{G=g}(Y_t − Y_b) − mean_{C}(Y_t − Y_b)
//
// with b = t−1 before adoption (t < g, the placebo cells) and b = g−1 after;
// C is the never-treated groups (NeverTreated) or the groups not yet
// treated at t (NotYetTreated: never treated or adopting after t, other
// than g). Each group i carries the cell's influence function
//
//	φ_i = k₁·1{G_i=g}(ΔY_i − m₁)/n₁ − k₀·1{i∈C}(ΔY_i − m₀)/n₀,
//
// so Var = Σ_i φ_i²: the variance is clustered by group by construction.
// k = √(n/(n−1)) is a small-sample factor per side, so that a cell's
// variance is s₁²/n₁ + s₀²/n₀ with the usual n−1 sample variances (Welch's);
// did's analytic standard errors omit it (k = 1). In the simulated rollout
// (40 markets, 8 never treated; runtime/simulate) did's form covered the
// planted effect 91–92% of the time at 95% and its pre-trend test rejected
// 7–8% without a pre-trend; with k, 94–95% and 4–5%.
// Cells are aggregated with cohort-size weights p_g = n_g/n, adding the
// influence function of the estimated weights (did::aggte's wif): into an
// event study (per event time e = t − g, "dynamic") and into one overall
// effect over the post cells ("simple"). Intervals are normal, as did's.
// Reference: testdata/did/did.R (from the paper; did is not packaged for
// Debian) and the constructed example of STATS-REFERENCE §13 (G13).

// DiDComparison selects the comparison groups of each cell.
type DiDComparison int

const (
	// NotYetTreated compares with groups never treated or not yet treated
	// at the cell's period.
	NotYetTreated DiDComparison = iota
	// NeverTreated compares with groups never treated in the panel.
	NeverTreated
)

func (c DiDComparison) String() string {
	if c == NeverTreated {
		return "never"
	}
	return "not_yet"
}

// ParseDiDComparison reads "never" or "not_yet".
func ParseDiDComparison(s string) (DiDComparison, bool) {
	switch s {
	case "not_yet", "":
		return NotYetTreated, true
	case "never":
		return NeverTreated, true
	}
	return NotYetTreated, false
}

// DiDGroup is one group of the panel: its metric value per period and the
// index of its first treated period.
type DiDGroup struct {
	Name string
	// Never is set for a group that never adopts. Otherwise Adoption is the
	// index of the period that contains the adoption instant (event time
	// 0); it may lie before the first period (< 0) or after the last.
	Never    bool
	Adoption int
	// Y holds one value per period; Observed, when not nil, says which are
	// present (a group missing a period is left out, as did balances the
	// panel).
	Y        []float64
	Observed []bool
}

// DiDPanel is a group × period panel.
type DiDPanel struct {
	Periods int
	Groups  []DiDGroup
}

// DiDOptions configure an analysis.
type DiDOptions struct {
	Comparison DiDComparison
	// Pre and Post bound the event times estimated: −Pre .. Post−1. The
	// overall effect averages the post cells 0 .. Post−1.
	Pre, Post int
	Alpha     float64
	// Bootstrap, when positive, adds wild (multiplier) bootstrap intervals
	// with that many draws of the group-level influence functions, with
	// Webb's six-point weights (Rademacher with BootRademacher), from Seed.
	Bootstrap      int
	BootRademacher bool
	Seed           uint64
}

// FewGroups is the number of groups under which the analysis warns that
// clustered intervals are unreliable and offers bootstrap intervals.
const FewGroups = 10

// DiDDrop is a group left out of the analysis, with the reason.
type DiDDrop struct {
	Group  string
	Reason string
}

// GroupTimeATT is one cell ATT(g, t).
type GroupTimeATT struct {
	Cohort int // adoption period g
	Period int // t
	Event  int // t − g
	Base   int // the base period b
	// Treated and Comparison count the groups of each side.
	Treated, Comparison int
	ATT, StdError       float64
	// Problem is set when the cell cannot be estimated (no comparison
	// group); ATT and StdError are then not reported.
	Problem string
}

// DiDEstimate is an aggregated effect: one event time of the event study,
// or the overall effect.
type DiDEstimate struct {
	Event int // event time (event study only)
	// Cells is the number of group-time cells averaged.
	Cells    int
	Absolute Effect
	PValue   float64
	// Baseline is the treated cohorts' mean before adoption (period g−1),
	// with the same weights; Relative is Absolute / |Baseline| with
	// Fieller's interval at the same critical value (nil with the reason in
	// RelativeProblem when the baseline is 0).
	Baseline        float64
	Relative        *Effect
	RelativeProblem string
	// Bootstrap is the wild bootstrap interval and BootstrapP its p-value
	// (nil when not requested): the interval excludes 0 exactly when
	// BootstrapP < alpha.
	Bootstrap  *Effect
	BootstrapP float64
	// Problem is set when the estimate cannot be made (no estimable cell,
	// zero variance); the numbers are then not reported.
	Problem string

	phi, phiBase []float64
}

// Estimable reports whether the estimate has numbers worth reporting.
func (e DiDEstimate) Estimable() bool { return e.Problem == "" }

// PreTrendTest is the joint test that the pre-period event-study estimates
// are 0: the Wald statistic W with their influence-function covariance,
// reported as F = W/K·(G−1)/G on (K, G−1) degrees of freedom.
type PreTrendTest struct {
	Wald, F  float64
	DF1, DF2 float64
	PValue   float64
	// Problem is set when the test cannot be made (no pre-period, too few
	// groups, a singular covariance).
	Problem string
}

// TWFE is the two-way fixed-effects regression y ~ D + group + period on
// the balanced panel, with a cluster-robust (by group) standard error
// G/(G−1)·(N−1)/(N−K) (sandwich::vcovCL type HC1, Stata's) and a t(G−1)
// interval. NegativeWeights counts the treated cells whose weight in the
// TWFE coefficient is negative (de Chaisemartin & D'Haultfœuille 2020),
// NegativeWeightSum sums those weights.
type TWFE struct {
	Absolute          Effect
	PValue, DF        float64
	TreatedCells      int
	NegativeWeights   int
	NegativeWeightSum float64
	Problem           string
}

// DiDResult is the analysis of one metric.
type DiDResult struct {
	// Groups is the number of groups analysed (treated and comparison),
	// Treated those adopting inside the panel, Never those that do not.
	Groups, Treated, Never int
	Dropped                []DiDDrop
	// OutsideData lists groups whose adoption falls outside the periods
	// (before the first: dropped; after the last: counted as never
	// treated).
	OutsideData []string
	// Cohorts are the adoption periods, sorted; Staggered is set when there
	// are several.
	Cohorts   []int
	Staggered bool
	Cells     []GroupTimeATT
	// EventStudy holds event times −Pre .. Post−1 that have a cell.
	EventStudy []DiDEstimate
	Overall    DiDEstimate
	PreTrend   PreTrendTest
	TWFE       TWFE
	// FewGroups is set when fewer than FewGroups groups are analysed.
	FewGroups bool
	Alpha     float64
	// Problem is set when nothing can be estimated (no treated group, no
	// period).
	Problem string
}

// didCell is a cell with its influence functions over the kept groups.
type didCell struct {
	GroupTimeATT
	baseMean float64   // treated mean at g−1
	phi      []float64 // effect
	phiBase  []float64 // baseMean
}

// CallawaySantAnna analyses a panel.
func CallawaySantAnna(p DiDPanel, o DiDOptions) DiDResult {
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = 0.05
	}
	out := DiDResult{Alpha: o.Alpha}
	T := p.Periods
	if T < 2 {
		out.Problem = "fewer than two periods: no difference can be taken"
		out.Overall.Problem = out.Problem
		out.PreTrend.Problem = out.Problem
		out.TWFE.Problem = out.Problem
		return out
	}
	// Keep balanced groups; adoption at or before the first period has no
	// pre-period, adoption after the last is never within the panel.
	var ys [][]float64
	var adopt []int // -1: never
	for _, g := range p.Groups {
		if len(g.Y) != T || !allObserved(g.Observed, T) {
			out.Dropped = append(out.Dropped, DiDDrop{g.Name, "a period has no value: the panel must be balanced"})
			continue
		}
		a := -1
		if !g.Never {
			switch {
			case g.Adoption < 0:
				out.OutsideData = append(out.OutsideData, g.Name)
				out.Dropped = append(out.Dropped, DiDDrop{g.Name, "adopted before the first period: no period before adoption"})
				continue
			case g.Adoption == 0:
				out.Dropped = append(out.Dropped, DiDDrop{g.Name, "adopted in the first period: no period before adoption"})
				continue
			case g.Adoption >= T:
				out.OutsideData = append(out.OutsideData, g.Name)
			default:
				a = g.Adoption
			}
		}
		ys = append(ys, g.Y)
		adopt = append(adopt, a)
	}
	n := len(ys)
	out.Groups = n
	out.FewGroups = n < FewGroups
	cohortSize := map[int]int{}
	for _, a := range adopt {
		if a < 0 {
			out.Never++
		} else {
			out.Treated++
			cohortSize[a]++
		}
	}
	for g := range cohortSize {
		out.Cohorts = append(out.Cohorts, g)
	}
	sort.Ints(out.Cohorts)
	out.Staggered = len(out.Cohorts) > 1
	out.TWFE = twfe(ys, adopt, T, o.Alpha)
	if out.Treated == 0 {
		out.Problem = "no group adopts inside the panel: there is nothing to estimate"
		out.Overall.Problem = out.Problem
		out.PreTrend.Problem = out.Problem
		return out
	}

	// Group-time cells in the event window.
	var cells []didCell
	for _, g := range out.Cohorts {
		for t := 1; t < T; t++ {
			e := t - g
			if e < -o.Pre || e > o.Post-1 {
				continue
			}
			cells = append(cells, didGroupTime(ys, adopt, g, t, o.Comparison))
		}
	}
	for _, c := range cells {
		out.Cells = append(out.Cells, c.GroupTimeATT)
	}
	z := distuv.UnitNormal.Quantile(1 - o.Alpha/2)
	agg := func(keep func(c didCell) bool) DiDEstimate {
		var sel []didCell
		for _, c := range cells {
			if c.Problem == "" && keep(c) {
				sel = append(sel, c)
			}
		}
		return didAggregate(sel, adopt, cohortSize, z)
	}
	out.Overall = agg(func(c didCell) bool { return c.Event >= 0 })
	if out.Overall.Cells == 0 {
		// Say why: the first post-adoption cell's own reason (no
		// comparison group, say), not only that none is left.
		out.Overall.Problem = "no post-adoption cell is in the window"
		for _, c := range cells {
			if c.Event >= 0 && c.Problem != "" {
				out.Overall.Problem = "no post-adoption cell can be estimated: " + c.Problem
				break
			}
		}
	}
	events := map[int]bool{}
	for _, c := range cells {
		events[c.Event] = true
	}
	var es []int
	for e := range events {
		es = append(es, e)
	}
	sort.Ints(es)
	for _, e := range es {
		est := agg(func(c didCell) bool { return c.Event == e })
		est.Event = e
		out.EventStudy = append(out.EventStudy, est)
	}
	out.PreTrend = preTrend(out.EventStudy, n)
	if o.Bootstrap > 0 {
		didBootstrap(&out, n, o)
	}
	return out
}

func allObserved(obs []bool, T int) bool {
	if obs == nil {
		return true
	}
	if len(obs) != T {
		return false
	}
	for _, b := range obs {
		if !b {
			return false
		}
	}
	return true
}

// didGroupTime estimates ATT(g, t) with its influence function.
func didGroupTime(ys [][]float64, adopt []int, g, t int, cmp DiDComparison) didCell {
	n := len(ys)
	b := g - 1
	if t < g {
		b = t - 1
	}
	c := didCell{GroupTimeATT: GroupTimeATT{Cohort: g, Period: t, Event: t - g, Base: b}}
	tr := make([]bool, n)
	co := make([]bool, n)
	var s1, s0, sb float64
	for i, a := range adopt {
		switch {
		case a == g:
			tr[i] = true
			c.Treated++
			s1 += ys[i][t] - ys[i][b]
			sb += ys[i][g-1]
		case a < 0 || (cmp == NotYetTreated && a > t):
			co[i] = true
			c.Comparison++
			s0 += ys[i][t] - ys[i][b]
		}
	}
	n1, n0 := float64(c.Treated), float64(c.Comparison)
	c.baseMean = sb / n1
	c.phiBase = make([]float64, n)
	for i := range ys {
		if tr[i] {
			c.phiBase[i] = (ys[i][g-1] - c.baseMean) / n1
		}
	}
	if c.Comparison == 0 {
		if cmp == NeverTreated {
			c.Problem = "no group is never treated: there is no comparison group"
		} else {
			c.Problem = "every other group is treated by this period: there is no comparison group"
		}
		return c
	}
	m1, m0 := s1/n1, s0/n0
	c.ATT = m1 - m0
	// Small-sample factor per side: each side's variance with divisor n−1.
	k1, k0 := 1.0, 1.0
	if n1 > 1 {
		k1 = math.Sqrt(n1 / (n1 - 1))
	}
	if n0 > 1 {
		k0 = math.Sqrt(n0 / (n0 - 1))
	}
	c.phi = make([]float64, n)
	ss := 0.0
	for i := range ys {
		d := ys[i][t] - ys[i][b]
		switch {
		case tr[i]:
			c.phi[i] = k1 * (d - m1) / n1
		case co[i]:
			c.phi[i] = -k0 * (d - m0) / n0
		}
		ss += c.phi[i] * c.phi[i]
	}
	c.StdError = math.Sqrt(ss)
	return c
}

// didAggregate averages cells with cohort-size weights p_g = n_g/n and adds
// the influence function of the estimated weights (did::aggte's wif):
//
//	wif_ik = (1{G_i=g_k} − p_k)/S − p_k/S² · Σ_j (1{G_i=g_j} − p_j),  S = Σ p_k,
//
// contributing (1/n)·Σ_k wif_ik·ATT_k to group i's influence function.
func didAggregate(sel []didCell, adopt []int, cohortSize map[int]int, z float64) DiDEstimate {
	var out DiDEstimate
	out.Cells = len(sel)
	if len(sel) == 0 {
		out.Problem = "no cell of this event time can be estimated"
		return out
	}
	n := len(adopt)
	nf := float64(n)
	pg := make([]float64, len(sel))
	S := 0.0
	for k, c := range sel {
		pg[k] = float64(cohortSize[c.Cohort]) / nf
		S += pg[k]
	}
	var est, base float64
	for k, c := range sel {
		w := pg[k] / S
		est += w * c.ATT
		base += w * c.baseMean
	}
	phi := make([]float64, n)
	phiB := make([]float64, n)
	for i, a := range adopt {
		rowSum := 0.0
		for k, c := range sel {
			rowSum += b2f(a == c.Cohort) - pg[k]
		}
		var wa, wb float64
		for k, c := range sel {
			w := pg[k] / S
			phi[i] += w * c.phi[i]
			phiB[i] += w * c.phiBase[i]
			wif := (b2f(a == c.Cohort)-pg[k])/S - pg[k]/(S*S)*rowSum
			wa += wif * c.ATT
			wb += wif * c.baseMean
		}
		phi[i] += wa / nf
		phiB[i] += wb / nf
	}
	var v, vb, cov float64
	for i := range phi {
		v += phi[i] * phi[i]
		vb += phiB[i] * phiB[i]
		cov += phi[i] * phiB[i]
	}
	out.phi, out.phiBase = phi, phiB
	out.Baseline = base
	se := math.Sqrt(v)
	out.Absolute.Estimate = est
	if !(se > 1e-12*math.Max(1, math.Abs(est))) {
		out.Problem = "zero variance: the effect cannot be tested"
		return out
	}
	out.Absolute = Effect{Estimate: est, StdError: se, Lower: est - z*se, Upper: est + z*se}
	out.PValue = twoSidedP(est/se, math.Inf(1))
	if base == 0 {
		out.RelativeProblem = "the treated groups' mean before adoption is 0: a relative effect is not defined"
		return out
	}
	r := FiellerInterval(RatioTest{D: est, V: v, C: base, VC: vb, Cov: cov}, z)
	out.Relative = &r
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// preTrend is the Wald test that the event study's pre-period estimates are
// jointly 0, with the F(K, G−1) small-sample form of cluster-robust tests.
func preTrend(es []DiDEstimate, n int) PreTrendTest {
	var pre []DiDEstimate
	for _, e := range es {
		if e.Event < 0 && e.Problem == "" {
			pre = append(pre, e)
		}
	}
	k := len(pre)
	var out PreTrendTest
	switch {
	case k == 0:
		out.Problem = "no pre-adoption period can be estimated: parallel trends cannot be checked"
		return out
	case n-1 <= k:
		out.Problem = fmt.Sprintf("%d pre-adoption periods need more than %d groups for a joint test", k, k+1)
		return out
	}
	V := mat.NewSymDense(k, nil)
	b := mat.NewVecDense(k, nil)
	for a := 0; a < k; a++ {
		b.SetVec(a, pre[a].Absolute.Estimate)
		for c := a; c < k; c++ {
			s := 0.0
			for i := range pre[a].phi {
				s += pre[a].phi[i] * pre[c].phi[i]
			}
			V.SetSym(a, c, s)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(V) || ch.Cond() > 1e12 {
		out.Problem = "the pre-period estimates' covariance is singular: the joint test cannot be made"
		return out
	}
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, b); err != nil {
		out.Problem = "the pre-period estimates' covariance is singular: the joint test cannot be made"
		return out
	}
	w := mat.Dot(b, &x)
	G := float64(n)
	out.Wald = w
	out.DF1, out.DF2 = float64(k), G-1
	out.F = w / float64(k) * (G - 1) / G
	out.PValue = distuv.F{D1: out.DF1, D2: out.DF2}.Survival(out.F)

	return out
}

// twfe fits y ~ D + group + period on the balanced panel by two-way
// demeaning (exact for a balanced panel).
func twfe(ys [][]float64, adopt []int, T int, alpha float64) TWFE {
	var out TWFE
	n := len(ys)
	if n < 2 {
		out.Problem = "fewer than two groups"
		return out
	}
	d := make([][]float64, n)
	for i, a := range adopt {
		d[i] = make([]float64, T)
		for t := 0; t < T; t++ {
			if a >= 0 && t >= a {
				d[i][t] = 1
				out.TreatedCells++
			}
		}
	}
	dd, yd := demean2(d), demean2(ys)
	var sdd, sdy, sw float64
	for i := range dd {
		for t := range dd[i] {
			sdd += dd[i][t] * dd[i][t]
			sdy += dd[i][t] * yd[i][t]
			if d[i][t] == 1 {
				sw += dd[i][t]
			}
		}
	}
	if !(sdd > 1e-12*float64(n*T)) {
		out.Problem = "treatment does not vary beyond group and period: the regression has no treatment effect"
		return out
	}
	tau := sdy / sdd
	if sw != 0 {
		for i := range dd {
			for t := range dd[i] {
				if d[i][t] == 1 && dd[i][t]/sw < 0 {
					out.NegativeWeights++
					out.NegativeWeightSum += dd[i][t] / sw
				}
			}
		}
	}
	meat := 0.0
	for i := range dd {
		s := 0.0
		for t := range dd[i] {
			s += dd[i][t] * (yd[i][t] - tau*dd[i][t])
		}
		meat += s * s
	}
	N, K, G := float64(n*T), float64(n+T), float64(n)
	v := meat / (sdd * sdd) * G / (G - 1) * (N - 1) / (N - K)
	out.DF = G - 1
	se := math.Sqrt(v)
	out.Absolute.Estimate = tau
	if !(se > 1e-12*math.Max(1, math.Abs(tau))) || N <= K {
		out.Problem = "zero residual variance: the regression's effect cannot be tested"
		return out
	}
	q := quantile(1-alpha/2, out.DF)
	out.Absolute = Effect{Estimate: tau, StdError: se, Lower: tau - q*se, Upper: tau + q*se}
	out.PValue = twoSidedP(tau/se, out.DF)
	return out
}

// demean2 removes group and period means (balanced panel).
func demean2(x [][]float64) [][]float64 {
	n, T := len(x), len(x[0])
	rm := make([]float64, n)
	cm := make([]float64, T)
	all := 0.0
	for i := range x {
		for t, v := range x[i] {
			rm[i] += v / float64(T)
			cm[t] += v / float64(n)
			all += v / float64(n*T)
		}
	}
	out := make([][]float64, n)
	for i := range x {
		out[i] = make([]float64, T)
		for t, v := range x[i] {
			out[i][t] = v - rm[i] - cm[t] + all
		}
	}
	return out
}

// webb are Webb's (2014) six-point weights, each with probability 1/6.
var webb = [6]float64{-math.Sqrt(1.5), -1, -math.Sqrt(0.5), math.Sqrt(0.5), 1, math.Sqrt(1.5)}

// didBootstrap adds wild (multiplier) bootstrap intervals to the overall
// effect and the event study: each draw multiplies every group's influence
// function by an independent weight v_i (Webb or Rademacher), giving the
// estimate's perturbation Σ v_i φ_i. The interval is symmetric, est ± c with
// c the (B−⌈αB⌉+1)-th smallest |Σ v φ| of B draws, and the p-value the share of draws with |Σ v φ| ≥ |est|: the interval excludes 0
// exactly when p < α. The same weights serve every estimate (one draw per
// group per replicate), as did's multiplier bootstrap does.
func didBootstrap(out *DiDResult, n int, o DiDOptions) {
	B := o.Bootstrap
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed_d1d))
	v := make([][]float64, B)
	for b := range v {
		v[b] = make([]float64, n)
		for i := range v[b] {
			if o.BootRademacher {
				v[b][i] = float64(2*rng.IntN(2) - 1)
			} else {
				v[b][i] = webb[rng.IntN(6)]
			}
		}
	}
	do := func(e *DiDEstimate) {
		if e.Problem != "" {
			return
		}
		abs := make([]float64, B)
		for b := range v {
			s := 0.0
			for i, p := range e.phi {
				s += v[b][i] * p
			}
			abs[b] = math.Abs(s)
		}
		sort.Float64s(abs)
		j := B - int(math.Ceil(o.Alpha*float64(B))) // 0-based index of the (B−⌈αB⌉+1)-th smallest
		if j < 0 {
			j = 0
		}
		c := abs[j]
		est := e.Absolute.Estimate
		ge := B - sort.SearchFloat64s(abs, math.Abs(est))
		e.Bootstrap = &Effect{Estimate: est, StdError: e.Absolute.StdError, Lower: est - c, Upper: est + c, Method: "wild_bootstrap"}
		// No draw as extreme as the estimate means p < 1/B, not 0: the
		// draws cannot resolve smaller p-values (still below alpha, as
		// the interval, which then excludes 0, says).
		e.BootstrapP = float64(max(ge, 1)) / float64(B)
	}
	do(&out.Overall)
	for i := range out.EventStudy {
		do(&out.EventStudy[i])
	}
}
