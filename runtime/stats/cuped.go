package stats

import "math"

// This file implements CUPED (Deng, Xu, Kohavi & Walker 2013) for mean and
// ratio metrics from per-arm sums, as GrowthBook's gbstats does
// (STATS-REFERENCE §4.1, §4.2; goldens G4, G4b, G4c).

// CupedMoments are the per-arm sufficient statistics of CUPED on a mean (or
// proportion) metric, STATS-REFERENCE §0.1 "CUPED mean" and §4.1. Per
// randomization unit i of the arm, y is the metric in the analysis window
// and x the same metric in the pre-exposure window (0 for a unit with no
// history). SQL returns, per arm:
//
//	N      = count(*)            (units)
//	SumY   = sum(y)              SumSqY = sum(y*y)
//	SumX   = sum(x)              SumSqX = sum(x*x)
//	SumXY  = sum(x*y)
//
// All six are plain sums, so they add across days, shards and strata.
type CupedMoments struct {
	N      float64 // number of units
	SumY   float64 // Σ y
	SumSqY float64 // Σ y²
	SumX   float64 // Σ x
	SumSqX float64 // Σ x²
	SumXY  float64 // Σ x·y
}

// Post returns the moments of the outcome y, the unadjusted metric (§4.1).
func (m CupedMoments) Post() Moments { return Moments{N: m.N, Sum: m.SumY, SumSq: m.SumSqY} }

// Pre returns the moments of the covariate x (§4.1).
func (m CupedMoments) Pre() Moments { return Moments{N: m.N, Sum: m.SumX, SumSq: m.SumSqX} }

// Add returns the moments of the union of two disjoint sets of units; the
// sums are additive across days, shards and strata (§0.1).
func (m CupedMoments) Add(o CupedMoments) CupedMoments {
	return CupedMoments{
		N: m.N + o.N, SumY: m.SumY + o.SumY, SumSqY: m.SumSqY + o.SumSqY,
		SumX: m.SumX + o.SumX, SumSqX: m.SumSqX + o.SumSqX, SumXY: m.SumXY + o.SumXY,
	}
}

// cupedCov is the sample covariance of x and y (divisor n-1; 0 when n < 2).
func (m CupedMoments) cupedCov() float64 {
	if m.N < 2 {
		return 0
	}
	return (m.SumXY - m.SumX*m.SumY/m.N) / (m.N - 1)
}

// cupedUnitVar is the per-unit variance of y − θx, s²_y + θ²s²_x − 2θ s_xy
// (§4.1 step 3), clamped at 0.
func (m CupedMoments) cupedUnitVar(theta float64) float64 {
	v := m.Post().rawVar() + theta*theta*m.Pre().rawVar() - 2*theta*m.cupedCov()
	return math.Max(v, 0)
}

// cupedArm is the arm of the adjusted mean ȳ − θx̄ with variance
// (s²_y + θ²s²_x − 2θ s_xy)/n and n−1 degrees of freedom.
func (m CupedMoments) cupedArm(theta float64) Arm {
	y, ok := m.Post().Mean()
	x, _ := m.Pre().Mean()
	a := Arm{Units: m.N, Value: y - theta*x, DF: m.N - 1}
	if !ok {
		a.Undefined = "the arm has no units: its mean is not defined"
		return a
	}
	a.Variance = m.cupedUnitVar(theta) / m.N
	return a
}

// CupedSlope selects how the CUPED slope θ is estimated (§4.1 step 1, §4.3).
type CupedSlope int

const (
	// CupedPooled is GrowthBook's θ = cov(y, x)/var(x) over the union of both
	// arms (gbstats compute_theta, STATS-REFERENCE §4.1 step 1). Default.
	CupedPooled CupedSlope = iota
	// CupedWithin is the pooled within-arm slope Σ_v S_xy,v / Σ_v S_xx,v
	// (centred sums per arm). Its effect equals the treatment coefficient of
	// the ANCOVA regression y ~ arm + x (STATS-REFERENCE §4.3).
	CupedWithin
)

// String names the slope: "pooled" (§4.1) or "within" (ANCOVA, §4.3).
func (s CupedSlope) String() string {
	if s == CupedWithin {
		return "within"
	}
	return "pooled"
}

// CupedResult is a CUPED comparison (§4.1, §4.2; reported next to the
// unadjusted one, as §4.3 recommends): the embedded Comparison is the adjusted
// one (Method "cuped_<dist>" or "cuped_ratio_<dist>"); Unadjusted is the
// same metric without the covariate.
type CupedResult struct {
	Comparison
	Unadjusted Comparison
	// Theta is the slope used (0 when not adjusted).
	Theta float64
	// Adjusted is false when CUPED fell back to the unadjusted analysis; the
	// embedded Comparison then equals Unadjusted and Note says why.
	Adjusted bool
	Note     string
	// VarianceReduction is 1 − Var(adjusted effect)/Var(unadjusted effect)
	// for the absolute effect (≈ ρ² of y and x; can be negative in small or
	// unbalanced samples); 0 when not adjusted.
	VarianceReduction float64
}

// cupedMinUnits is the smallest total number of units with which a slope is
// estimated: the regression of y on x has 2 parameters (3 with the arm
// dummy for CupedWithin) and needs at least one residual degree of freedom.
func cupedMinUnits(slope CupedSlope) float64 {
	if slope == CupedWithin {
		return 4
	}
	return 3
}

// CupedTheta returns the CUPED slope for the two arms (§4.1 step 1, §4.3), or a reason why no
// slope can be estimated, in which case the analysis falls back to the
// unadjusted one: fewer than two units in an arm, no more units in all than
// the slope regression has parameters (n ≤ covariates + intercept), or no
// variance of x or y over the arms.
func CupedTheta(control, treatment CupedMoments, slope CupedSlope) (float64, string) {
	joint := control.Add(treatment)
	if joint.N < cupedMinUnits(slope) || control.N < 2 || treatment.N < 2 {
		return 0, "too few units to estimate the CUPED slope and the adjusted variances"
	}
	if !(joint.Pre().rawVar() > 0) {
		return 0, "the pre-exposure covariate has no variance"
	}
	if !(joint.Post().rawVar() > 0) {
		return 0, "the metric has no variance"
	}
	if slope == CupedPooled {
		return joint.cupedCov() / joint.Pre().rawVar(), ""
	}
	sxx, sxy := 0.0, 0.0
	for _, m := range []CupedMoments{control, treatment} {
		if m.N > 0 {
			sxx += m.SumSqX - m.SumX*m.SumX/m.N
			sxy += m.SumXY - m.SumX*m.SumY/m.N
		}
	}
	if !(sxx > 0) {
		return 0, "the pre-exposure covariate has no variance within arms"
	}
	return sxy / sxx, ""
}

// CompareCuped is CUPED for a mean metric (STATS-REFERENCE §4.1, GrowthBook's
// implementation):
//
//   - θ from CupedTheta (pooled over arms by default);
//   - adjusted arm means ȳ_v − θx̄_v with variance
//     (s²_y + θ²s²_x − 2θ s_xy)/n_v and Welch ν from those variances;
//   - absolute effect and p-value as Compare (dist selects t or z);
//   - relative effect (ỹ_T − ỹ_C)/|ȳ_C| over the unadjusted control mean,
//     with GrowthBook's corrected variance (PR #3610, §4.1 step 5)
//     [s²_yT + θ²s²_xT − 2θs_xyT]/(n_T ȳ_C²)
//   - [s²_yC ȳ_T²/ȳ_C² − 2θ s_xyC ȳ_T/ȳ_C + θ² s²_xC]/(n_C ȳ_C²)
//     and a normal interval, as Compare does.
//
// When no slope can be estimated the result is the unadjusted Welch/z
// comparison with Adjusted false and Note giving the reason.
func CompareCuped(control, treatment CupedMoments, slope CupedSlope, alpha float64, dist Distribution) CupedResult {
	unadj := Compare(MeanArm(control.Post()), MeanArm(treatment.Post()), alpha, dist)
	out := CupedResult{Comparison: unadj, Unadjusted: unadj}
	theta, why := CupedTheta(control, treatment, slope)
	if why != "" {
		out.Note = why
		return out
	}
	adj := Compare(control.cupedArm(theta), treatment.cupedArm(theta), alpha, dist)
	adj.Method = "cuped_" + dist.String()
	if adj.Estimable() {
		cupedMeanRelative(&adj, control, treatment, theta, alpha)
	}
	out.Comparison, out.Theta, out.Adjusted = adj, theta, true
	out.VarianceReduction = cupedReduction(adj, unadj)
	return out
}

// cupedMeanRelative replaces the relative effect of an adjusted comparison:
// the adjusted effect D = ỹ_T − ỹ_C taken against the unadjusted control
// mean ȳ_C. Its Fieller interval inverts the adjusted test with
// Var(ȳ_C) = s²_yC/n_C and Cov(D, ȳ_C) = −(s²_yC − θ s_xyC)/n_C; the delta
// interval is GrowthBook's relative CUPED effect (§4.1 step 5).
func cupedMeanRelative(c *Comparison, control, treatment CupedMoments, theta, alpha float64) {
	c.Relative, c.RelativeProblem, c.other = nil, "", nil
	yc, okc := control.Post().Mean()
	yt, _ := treatment.Post().Mean()
	if !okc || yc == 0 {
		c.RelativeProblem = "the control value is 0: a relative effect is not defined"
		return
	}
	vt := treatment.cupedUnitVar(theta) / (treatment.N * yc * yc)
	r := yt / yc
	num := control.Post().rawVar()*r*r - 2*theta*control.cupedCov()*r + theta*theta*control.Pre().rawVar()
	vc := num / (control.N * yc * yc)
	est := c.Absolute.Estimate / math.Abs(yc)
	delta, why := cupedDelta(est, vt+vc, alpha)
	if why != "" {
		c.RelativeProblem = why
		return
	}
	se := c.Absolute.StdError
	rt := RatioTest{D: c.Absolute.Estimate, V: se * se, C: yc,
		VC:  math.Max(control.Post().rawVar(), 0) / control.N,
		Cov: -(control.Post().rawVar() - theta*control.cupedCov()) / control.N}
	c.setRelative(rt, c.q, alpha, delta)
}

// cupedDelta is a relative effect with a normal (delta-method) interval, or
// the reason it has none when its variance is not positive.
func cupedDelta(est, v, alpha float64) (*Effect, string) {
	if !(v > 0) || math.IsInf(v, 0) {
		return nil, "the relative effect has no variance"
	}
	se := math.Sqrt(v)
	z := quantile(1-alpha/2, math.Inf(1))
	return &Effect{Estimate: est, StdError: se, Lower: est - z*se, Upper: est + z*se, Method: DeltaMethod.String()}, ""
}

// cupedReduction is 1 − Var_adj/Var_unadj of the absolute effect (0 when
// either comparison cannot be estimated).
func cupedReduction(adj, unadj Comparison) float64 {
	if !adj.Estimable() || !unadj.Estimable() || unadj.Absolute.StdError == 0 {
		return 0
	}
	r := adj.Absolute.StdError / unadj.Absolute.StdError
	return 1 - r*r
}

// CupedRatioMoments are the per-arm sufficient statistics of CUPED on a
// ratio metric Σ M / Σ D (STATS-REFERENCE §0.1 "CUPED ratio", §4.2; gbstats
// RegressionAdjustedRatioStatistic). Per randomization unit i: M, D are the
// numerator and denominator in the analysis window ("post"), Mpre, Dpre the
// same in the pre-exposure window (0 without history). SQL returns, per arm:
//
//	N                                   = count(*)
//	SumMPost, SumSqMPost                = sum(M), sum(M*M)
//	SumDPost, SumSqDPost                = sum(D), sum(D*D)
//	SumMPre,  SumSqMPre                 = sum(Mpre), sum(Mpre*Mpre)
//	SumDPre,  SumSqDPre                 = sum(Dpre), sum(Dpre*Dpre)
//	SumMPostMPre  = sum(M*Mpre)         SumDPostDPre = sum(D*Dpre)
//	SumMPreDPre   = sum(Mpre*Dpre)      SumMPostDPost = sum(M*D)
//	SumMPostDPre  = sum(M*Dpre)         SumMPreDPost  = sum(Mpre*D)
type CupedRatioMoments struct {
	N                    float64
	SumMPost, SumSqMPost float64
	SumDPost, SumSqDPost float64
	SumMPre, SumSqMPre   float64
	SumDPre, SumSqDPre   float64
	SumMPostMPre         float64
	SumDPostDPre         float64
	SumMPreDPre          float64
	SumMPostDPost        float64
	SumMPostDPre         float64
	SumMPreDPost         float64
}

// Add returns the moments of the union of two disjoint sets of units (§0.1).
func (m CupedRatioMoments) Add(o CupedRatioMoments) CupedRatioMoments {
	return CupedRatioMoments{
		N:        m.N + o.N,
		SumMPost: m.SumMPost + o.SumMPost, SumSqMPost: m.SumSqMPost + o.SumSqMPost,
		SumDPost: m.SumDPost + o.SumDPost, SumSqDPost: m.SumSqDPost + o.SumSqDPost,
		SumMPre: m.SumMPre + o.SumMPre, SumSqMPre: m.SumSqMPre + o.SumSqMPre,
		SumDPre: m.SumDPre + o.SumDPre, SumSqDPre: m.SumSqDPre + o.SumSqDPre,
		SumMPostMPre:  m.SumMPostMPre + o.SumMPostMPre,
		SumDPostDPre:  m.SumDPostDPre + o.SumDPostDPre,
		SumMPreDPre:   m.SumMPreDPre + o.SumMPreDPre,
		SumMPostDPost: m.SumMPostDPost + o.SumMPostDPost,
		SumMPostDPre:  m.SumMPostDPre + o.SumMPostDPre,
		SumMPreDPost:  m.SumMPreDPost + o.SumMPreDPost,
	}
}

// Post returns the ratio moments of the analysis window, the unadjusted
// metric (§2).
func (m CupedRatioMoments) Post() RatioMoments {
	return RatioMoments{N: m.N, SumM: m.SumMPost, SumSqM: m.SumSqMPost,
		SumD: m.SumDPost, SumSqD: m.SumSqDPost, SumProd: m.SumMPostDPost}
}

// cupedRatioStat holds the vector of means β = (M̄post, D̄post, M̄pre, D̄pre)
// and the 4×4 per-unit covariance matrix Λ (divisor n−1) of one arm.
type cupedRatioStat struct {
	n    float64
	beta [4]float64
	lam  [4][4]float64
}

func (m CupedRatioMoments) cupedStat() cupedRatioStat {
	s := cupedRatioStat{n: m.N}
	sums := [4]float64{m.SumMPost, m.SumDPost, m.SumMPre, m.SumDPre}
	prods := [4][4]float64{
		{m.SumSqMPost, m.SumMPostDPost, m.SumMPostMPre, m.SumMPostDPre},
		{m.SumMPostDPost, m.SumSqDPost, m.SumMPreDPost, m.SumDPostDPre},
		{m.SumMPostMPre, m.SumMPreDPost, m.SumSqMPre, m.SumMPreDPre},
		{m.SumMPostDPre, m.SumDPostDPre, m.SumMPreDPre, m.SumSqDPre},
	}
	if m.N <= 0 {
		return s
	}
	for i := range 4 {
		s.beta[i] = sums[i] / m.N
		if m.N < 2 {
			continue
		}
		for j := range 4 {
			s.lam[i][j] = (prods[i][j] - sums[i]*sums[j]/m.N) / (m.N - 1)
		}
	}
	return s
}

// nabla is the gradient of R_post − θR_pre with respect to β
// (gbstats RegressionAdjustedRatioStatistic.nabla); zero when a
// denominator mean is 0.
func (s cupedRatioStat) nabla(theta float64) [4]float64 {
	b := s.beta
	if b[1] == 0 || b[3] == 0 {
		return [4]float64{}
	}
	return [4]float64{1 / b[1], -b[0] / (b[1] * b[1]), -theta / b[3], theta * b[2] / (b[3] * b[3])}
}

// quad returns gᵢᵀ Λ[i..] hⱼ over the index ranges of g (rows) and h (cols).
func (s cupedRatioStat) quad(g [4]float64, rows []int, h [4]float64, cols []int) float64 {
	v := 0.0
	for _, i := range rows {
		for _, j := range cols {
			v += g[i] * s.lam[i][j] * h[j]
		}
	}
	return v
}

var (
	cupedAll  = []int{0, 1, 2, 3}
	cupedPost = []int{0, 1}
	cupedPre  = []int{2, 3}
)

// value is the adjusted ratio R_post − θR_pre; ok is false when a
// denominator is 0, where it is not defined.
func (s cupedRatioStat) value(theta float64) (float64, bool) {
	if s.beta[1] == 0 || s.beta[3] == 0 {
		return 0, false
	}
	return s.beta[0]/s.beta[1] - theta*s.beta[2]/s.beta[3], true
}

// arm is the adjusted-ratio arm with variance ∇ᵀΛ∇/n and n−1 degrees of
// freedom (gbstats uses Welch ν for ratio metrics).
func (s cupedRatioStat) arm(theta float64) Arm {
	v, ok := s.value(theta)
	a := Arm{Units: s.n, Value: v, DF: s.n - 1}
	if !ok {
		a.Undefined = "a denominator sums to 0 in the arm (in the analysis or the pre-exposure period): the adjusted ratio is not defined"
		return a
	}
	if s.n > 0 {
		g := s.nabla(theta)
		a.Variance = math.Max(s.quad(g, cupedAll, g, cupedAll), 0) / s.n
	}
	return a
}

// CupedRatioTheta is the common slope of ratio CUPED
// (gbstats compute_theta_regression_adjusted_ratio, STATS-REFERENCE §4.2):
// with ∇ at θ = 1 split into its post part a and pre part b,
// θ = −(c_T + c_C)/(w_T + w_C), c_v = bᵀΛ_v[pre,post]a, w_v = bᵀΛ_v[pre,pre]b,
// summing per-unit moments (the code's convention, pinned by G4c). It
// returns a reason instead when no slope can be estimated or |θ| < 1e-8
// (then the plain ratio analysis is used, as gbstats does).
func CupedRatioTheta(control, treatment CupedRatioMoments) (float64, string) {
	if control.N+treatment.N < cupedMinUnits(CupedPooled) || control.N < 2 || treatment.N < 2 {
		return 0, "too few units to estimate the CUPED slope and the adjusted variances"
	}
	c, w := 0.0, 0.0
	for _, m := range []CupedRatioMoments{control, treatment} {
		s := m.cupedStat()
		g := s.nabla(1)
		c += s.quad(g, cupedPre, g, cupedPost)
		w += s.quad(g, cupedPre, g, cupedPre)
	}
	if !(w > 0) {
		return 0, "the pre-exposure ratio has no variance"
	}
	theta := -c / w
	if math.Abs(theta) < 1e-8 {
		return 0, "the pre-exposure ratio does not predict the metric"
	}
	return theta, ""
}

// cupedPlainRatioArm is the unadjusted ratio arm with the degrees of freedom
// gbstats uses (n−1).
func cupedPlainRatioArm(m CupedRatioMoments) Arm {
	a := RatioArm(m.Post())
	a.DF = m.N - 1
	return a
}

// CompareCupedRatio is CUPED for a ratio metric (STATS-REFERENCE §4.2):
// per arm the adjusted ratio R_post − θR_pre with θ from CupedRatioTheta and
// delta-method variance ∇ᵀΛ∇/n; absolute effect and p-value as Compare;
// relative effect (adj_T − adj_C)/|R_post,C| with GrowthBook's 8-dimensional
// gradient (frequentist_variance_relative_cuped_ratio) and a normal interval.
// Without a slope it falls back to the plain delta-method ratio comparison.
func CompareCupedRatio(control, treatment CupedRatioMoments, alpha float64, dist Distribution) CupedResult {
	unadj := Compare(cupedPlainRatioArm(control), cupedPlainRatioArm(treatment), alpha, dist)
	out := CupedResult{Comparison: unadj, Unadjusted: unadj}
	theta, why := CupedRatioTheta(control, treatment)
	if why != "" {
		out.Note = why
		return out
	}
	sc, st := control.cupedStat(), treatment.cupedStat()
	adj := Compare(sc.arm(theta), st.arm(theta), alpha, dist)
	adj.Method = "cuped_ratio_" + dist.String()
	if adj.Estimable() {
		cupedRatioRelative(&adj, sc, st, theta, alpha)
	}
	out.Comparison, out.Theta, out.Adjusted = adj, theta, true
	out.VarianceReduction = cupedReduction(adj, unadj)
	return out
}

// cupedRatioRelative sets the relative effect of ratio CUPED: the exact
// delta method for (adj_T − adj_C)/|r| with r = M̄post,C/D̄post,C, whose
// control gradient is
// (−(|r|+g)/(D̄post r²), M̄post(|r|+g)/(D̄post² r²), −∇_C[2]/|r|, −∇_C[3]/|r|)
// and treatment gradient ∇_T/|r|, g = adj_T − adj_C.
//
// The Fieller interval inverts the adjusted test against r, with
// Var(r) = ∇rᵀΛ_C∇r/n_C and Cov(g, r) = −∇_Cᵀ Λ_C ∇r/n_C, ∇r = (1/D̄, −M̄/D̄², 0, 0).
func cupedRatioRelative(c *Comparison, sc, st cupedRatioStat, theta, alpha float64) {
	c.Relative, c.RelativeProblem, c.other = nil, "", nil
	if sc.beta[1] == 0 || sc.beta[0] == 0 {
		c.RelativeProblem = "the control value is 0: a relative effect is not defined"
		return
	}
	r := sc.beta[0] / sc.beta[1]
	den := math.Abs(r)
	vt, _ := st.value(theta)
	vc, _ := sc.value(theta)
	g := vt - vc
	nc, nt := sc.nabla(theta), st.nabla(theta)
	d := sc.beta[1]
	ga := [4]float64{
		-(den + g) / d / (den * den),
		(sc.beta[0]*den/(d*d) + sc.beta[0]*g/(d*d)) / (den * den),
		-nc[2] / den,
		-nc[3] / den,
	}
	var gb [4]float64
	for i := range gb {
		gb[i] = nt[i] / den
	}
	v := sc.quad(ga, cupedAll, ga, cupedAll)/sc.n + st.quad(gb, cupedAll, gb, cupedAll)/st.n
	delta, why := cupedDelta(g/den, v, alpha)
	if why != "" {
		c.RelativeProblem = why
		return
	}
	gr := [4]float64{1 / d, -sc.beta[0] / (d * d), 0, 0}
	se := c.Absolute.StdError
	rt := RatioTest{D: c.Absolute.Estimate, V: se * se, C: r,
		VC:  math.Max(sc.quad(gr, cupedAll, gr, cupedAll), 0) / sc.n,
		Cov: -sc.quad(nc, cupedAll, gr, cupedAll) / sc.n}
	c.setRelative(rt, c.q, alpha, delta)
}
