package stats

import "math"

// Cluster-randomized comparisons (STATS-REFERENCE §9).
//
// When the randomization unit (a cluster: an organisation, a user whose
// sessions are analysed) is coarser than the analysis unit, each arm's metric
// is a ratio of cluster totals: with M_g and D_g the totals of cluster g,
//
//	value_v = Σ_{g∈v} M_g / Σ_{g∈v} D_g.
//
// A mean metric per unit has M_g = Σ_i y_gi and D_g = the number of analysis
// units in the cluster (a proportion is the 0/1 case); a ratio metric Σ M / Σ D
// over units has M_g = Σ_i M_gi and D_g = Σ_i D_gi. Every variance below is a
// function of the cluster residuals L_g = M_g − value_v·D_g, whose sum of
// squares per arm comes from plain sums:
//
//	Σ_g L_g² = Σ M_g² − 2·value_v·Σ M_g D_g + value_v²·Σ D_g².
//
// Correspondence with the unit-level regression (y ~ arm for a mean; the
// weighted regression M/D ~ arm with weights D for a ratio), clustered by g,
// with G = G_C + G_T clusters and N = N_C + N_T analysis units in the two arms
// and K = 2 coefficients (verified against R in cluster_test.go):
//
//	CR0  = Σ_v Σ_{g∈v} L_g² / D_v²                    estimatr se_type="CR0"; vcovCL(type="HC0", cadjust=FALSE)
//	delta = Σ_v G_v/(G_v−1) · Σ_{g∈v} L_g² / D_v²     §2 delta method on cluster totals; per arm, vcovCL(type="HC0") of y ~ 1
//	CR0·G/(G−1)                                        vcovCL(type="HC0") (cadjust=TRUE)
//	CR1  = CR0 · G/(G−1) · (N−1)/(N−K)                 estimatr se_type="stata"; vcovCL(type="HC1")
//	CR2  = Σ_v Σ_{g∈v} L_g² / (1 − D_g/D_v) / D_v²     Bell–McCaffrey; estimatr se_type="CR2" for a mean
//
// where D_v = Σ_{g∈v} D_g. The CR2 line holds because in the two-group
// regression the block of the hat matrix for cluster g is (1/D_v)·√d√dᵀ
// (d: the units' weights, all 1 for a mean), whose only non-zero eigenvalue
// D_g/D_v has eigenvector √d, which is also the direction of the cluster's
// score, so (I − H_gg)^(−1/2) multiplies the score by (1 − D_g/D_v)^(−1/2).
// For a ratio metric this is the CR2 of the weighted regression written as
// OLS on √D-scaled rows (R: lm_robust(√d·(m/d) ~ 0 + √d + √d·arm)); estimatr's
// and clubSandwich's weighted CR2 use an identity working model on the
// unweighted scale instead, which cluster totals cannot reproduce (0.2% apart
// on the committed data set).
//
// Bell–McCaffrey degrees of freedom of CR2 (estimatr, clubSandwich), under
// the working model of independent unit errors with equal variance (on the
// √d scale): the CR2 variance is εᵀ[Σ_g (I−H)a_g a_gᵀ(I−H)]ε with a_g the
// adjusted weights of cluster g, a weighted sum of χ²₁ whose weights λ are
// the eigenvalues of the G×G matrix a_gᵀ(I−H)a_h. That matrix is block
// diagonal by arm, B_v = D_v⁻²·(diag(D_g(1+q_g)) − u uᵀ) with
// q_g = D_g/(D_v − D_g) and u_g² = D_g q_g, so without any eigenvalue
//
//	Σλ  = tr B   = Σ_v 1/D_v
//	Σλ² = tr B²  = Σ_v (Σ D_g² − Σ D_g² q_g² + (Σ D_g q_g)²) / D_v⁴
//	df  = (Σλ)² / Σλ²
//
// (G10: 4.858509, as estimatr prints).
//
// Consequences: delta = CR2 exactly when the clusters of each arm have equal
// D_g (then 1/(1 − D_g/D_v) = G_v/(G_v−1)), and the Bell–McCaffrey degrees
// of freedom are then Welch's ν computed from the working-model variances
// σ²/D_v with G_v − 1 degrees of freedom per arm. CR0, CR0·G/(G−1) and CR1
// differ by constant factors only; delta differs from them by a factor per
// arm.

// ClusterMoments are one arm's cluster-level sufficient statistics
// (STATS-REFERENCE §9): sums over the arm's clusters g of the cluster totals
// M_g, D_g defined above. All but Leverage are plain SUMs, additive across
// days and shards; Leverage needs the arm total D_v per cluster (a window
// SUM over the arm), so it must be recomputed from scratch. In DuckDB, from
// unit rows (arm, cluster, m, d) with d = 1 for a mean metric:
//
//	with c as (select arm, cluster, sum(m)::double as mg, sum(d)::double as dg,
//	                  count(*) as ng
//	           from units group by arm, cluster),
//	     v as (select *, sum(dg) over (partition by arm) as dv from c)
//	select arm, count(*) as clusters, sum(ng) as units,
//	       sum(mg) as sum_m, sum(mg*mg) as sum_sq_m, sum(dg) as sum_d,
//	       sum(dg*dg) as sum_sq_d, sum(mg*dg) as sum_prod,
//	       coalesce(sum(mg*mg/(dv-dg)) filter (where dg < dv), 0) as lev_sum_sq_m,
//	       coalesce(sum(mg*dg/(dv-dg)) filter (where dg < dv), 0) as lev_sum_prod,
//	       coalesce(sum(dg*dg/(dv-dg)) filter (where dg < dv), 0) as lev_sum_sq_d,
//	       coalesce(sum(pow(dg, 4)/pow(dv-dg, 2)) filter (where dg < dv), 0) as lev_sum_d4,
//	       count(*) filter (where dg >= dv) as lev_full
//	from v group by arm
//
// (checked on DuckDB against NewClusterMoments with the committed data
// set). NewClusterMoments is the Go reference of the same computation.
type ClusterMoments struct {
	Clusters float64 // G_v: clusters in the arm
	Units    float64 // analysis units in the arm (rows of the unit-level regression; CR1 only)
	SumM     float64 // Σ_g M_g
	SumSqM   float64 // Σ_g M_g²
	SumD     float64 // Σ_g D_g (= D_v)
	SumSqD   float64 // Σ_g D_g²
	SumProd  float64 // Σ_g M_g·D_g
	// Leverage holds the extra sums CR2 needs; nil when they were not
	// computed (CR2 then reports a Problem).
	Leverage *ClusterLeverage
}

// ClusterLeverage are the leverage-weighted sums of one arm that CR2 and its
// Bell–McCaffrey degrees of freedom need (STATS-REFERENCE §9 item 3), with
// D_v the arm's Σ_g D_g. Clusters with D_g ≥ D_v (one cluster carrying the
// whole arm: leverage 1) are left out of the sums and counted in Full.
type ClusterLeverage struct {
	SumSqM  float64 // Σ_g M_g² / (D_v − D_g)
	SumProd float64 // Σ_g M_g·D_g / (D_v − D_g)
	SumSqD  float64 // Σ_g D_g² / (D_v − D_g)
	SumD4   float64 // Σ_g D_g⁴ / (D_v − D_g)²
	Full    float64 // clusters with D_g ≥ D_v
}

// NewClusterMoments returns the sufficient statistics of one arm from its
// clusters' totals m[g], d[g] (STATS-REFERENCE §9), including the CR2
// leverage sums; units is the arm's number of analysis units. It is the
// reference for what SQL must compute.
func NewClusterMoments(m, d []float64, units float64) ClusterMoments {
	c := ClusterMoments{Clusters: float64(len(m)), Units: units}
	for g := range m {
		c.SumM += m[g]
		c.SumSqM += m[g] * m[g]
		c.SumD += d[g]
		c.SumSqD += d[g] * d[g]
		c.SumProd += m[g] * d[g]
	}
	lev := &ClusterLeverage{}
	for g := range m {
		rest := c.SumD - d[g]
		if rest <= 0 {
			lev.Full++
			continue
		}
		lev.SumSqM += m[g] * m[g] / rest
		lev.SumProd += m[g] * d[g] / rest
		lev.SumSqD += d[g] * d[g] / rest
		lev.SumD4 += d[g] * d[g] * d[g] * d[g] / (rest * rest)
	}
	c.Leverage = lev
	return c
}

// Value is the arm's metric Σ M_g / Σ D_g, §9; ok is false when Σ D_g is
// 0, where it is not defined.
func (c ClusterMoments) Value() (value float64, ok bool) {
	if c.SumD == 0 {
		return 0, false
	}
	return c.SumM / c.SumD, true
}

// value is Value for the variance terms, which are only computed for arms
// with Σ D_g > 0 (clusterArmsProblem); it is 0 otherwise.
func (c ClusterMoments) value() float64 {
	v, _ := c.Value()
	return v
}

// Ratio returns the moments as a ratio metric whose units are the clusters,
// so that §2's delta method applies unchanged (STATS-REFERENCE §9 item 1).
func (c ClusterMoments) Ratio() RatioMoments {
	return RatioMoments{N: c.Clusters, SumM: c.SumM, SumSqM: c.SumSqM,
		SumD: c.SumD, SumSqD: c.SumSqD, SumProd: c.SumProd}
}

// residualSS is Σ_g L_g² with L_g = M_g − value·D_g, clamped at 0.
func (c ClusterMoments) residualSS() float64 {
	r := c.value()
	return math.Max(c.SumSqM-2*r*c.SumProd+r*r*c.SumSqD, 0)
}

// cr0 is the arm's CR0 variance term Σ L_g² / D_v² (0 when D_v is 0).
func (c ClusterMoments) cr0() float64 {
	if c.SumD == 0 {
		return 0
	}
	return c.residualSS() / (c.SumD * c.SumD)
}

// cr2 is the arm's CR2 variance term Σ L_g²/(1 − D_g/D_v) / D_v²
// = (1/D_v)·Σ L_g²/(D_v − D_g).
func (c ClusterMoments) cr2() float64 {
	l := c.Leverage
	if l == nil || c.SumD == 0 {
		return 0
	}
	r := c.value()
	return math.Max(l.SumSqM-2*r*l.SumProd+r*r*l.SumSqD, 0) / c.SumD
}

// cr2DFTerms returns the arm's contributions to the Bell–McCaffrey degrees
// of freedom (Σλ)²/Σλ² of the treatment coefficient: tr = 1/D_v and
// trSq = (Σ D_g² − Σ D_g²q_g² + (Σ D_g q_g)²)/D_v⁴ with q_g = D_g/(D_v − D_g).
func (c ClusterMoments) cr2DFTerms() (tr, trSq float64) {
	l := c.Leverage
	if l == nil || c.SumD == 0 {
		return 0, 0
	}
	d2 := c.SumD * c.SumD
	return 1 / c.SumD, (c.SumSqD - l.SumD4 + l.SumSqD*l.SumSqD) / (d2 * d2)
}

// ClusterArm is one arm of a cluster-randomized comparison under the delta
// method on cluster totals (STATS-REFERENCE §9 item 1): the §2 ratio arm
// with the clusters as units, carrying G_v − 1 degrees of freedom so that
// Compare(..., WelchT) is a Welch test over clusters.
func ClusterArm(c ClusterMoments) Arm {
	a := RatioArm(c.Ratio())
	a.Units = c.Clusters
	a.DF = c.Clusters - 1
	return a
}

// ClusterSE names a cluster-robust variance estimator (STATS-REFERENCE §9,
// §16 pitfall 13: name the variant in the output).
type ClusterSE int

const (
	// ClusterDelta is the default: the delta method on cluster totals, i.e.
	// each arm's CR0 term times G_v/(G_v−1). It needs only additive sums
	// (incremental refresh), is the ratio-metric recipe every platform uses
	// (GrowthBook documents cluster experiments this way), equals CR2
	// exactly when an arm's clusters have equal sizes and stays close to it
	// otherwise (G10: 0.174191 vs 0.174499). Its test is Welch's t over
	// clusters (ν from the arms' G_v − 1).
	ClusterDelta ClusterSE = iota
	// ClusterCR0 is the uncorrected sandwich (estimatr "CR0", vcovCL type
	// "HC0" with cadjust = FALSE); t with G − 1 degrees of freedom.
	ClusterCR0
	// ClusterCR0Adjusted is CR0 × G/(G−1) with G the clusters of both arms
	// (vcovCL type "HC0", default cadjust = TRUE); t with G − 1 df.
	ClusterCR0Adjusted
	// ClusterCR1 is CR0 × G/(G−1) × (N−1)/(N−2) (estimatr "stata", vcovCL
	// type "HC1", statsmodels cov_cluster); t with G − 1 df.
	ClusterCR1
	// ClusterCR2 is Bell–McCaffrey's bias-reduced estimator with its
	// Satterthwaite degrees of freedom (estimatr "CR2", clubSandwich);
	// preferred with few clusters (< ~50 per arm) when the leverage sums are
	// available.
	ClusterCR2
)

// String is the method name used in results (STATS-REFERENCE §18:
// "cluster_delta" and its named variants).
func (s ClusterSE) String() string {
	switch s {
	case ClusterCR0:
		return "cluster_cr0"
	case ClusterCR0Adjusted:
		return "cluster_cr0_adjusted"
	case ClusterCR1:
		return "cluster_cr1"
	case ClusterCR2:
		return "cluster_cr2"
	}
	return "cluster_delta"
}

// ClusterCompare compares treatment with control when clusters were
// randomized (STATS-REFERENCE §9), with the variance recipe se and a
// two-sided level alpha. With dist == WelchT the absolute effect is tested
// with Student's t on the recipe's degrees of freedom (Welch over clusters
// for ClusterDelta, G − 1 for CR0/CR1 as estimatr, Bell–McCaffrey for CR2);
// with Normal, with z. The relative effect (t − c)/|c| uses the recipe's
// per-arm variances in the §1.2 delta formula with a normal interval, as
// Compare does.
func ClusterCompare(control, treatment ClusterMoments, se ClusterSE, alpha float64, dist Distribution) Comparison {
	out := Comparison{Method: se.String()}
	if dist == Normal {
		out.Method += "_z"
	}
	if p := clusterArmsProblem(control, treatment); p != "" {
		out.Problem = p
		return out
	}
	vc, vt, df, p := clusterVariances(control, treatment, se)
	est := treatment.value() - control.value()
	out.Absolute.Estimate = est
	if p != "" {
		out.Problem = p
		return out
	}
	if !(vc+vt > 0) || math.IsInf(vc+vt, 0) {
		out.Problem = "zero variance between clusters in both arms: the effect cannot be tested"
		return out
	}
	if dist == Normal {
		df = math.Inf(1)
	}
	if !(df > 0) {
		out.Problem = "no degrees of freedom left for the test"
		return out
	}
	clusterFill(&out, control.value(), treatment.value(), vc, vt, df, alpha)
	return out
}

// clusterArmsProblem reports why two arms cannot be compared at all.
func clusterArmsProblem(control, treatment ClusterMoments) string {
	switch {
	case control.Clusters < 1 && treatment.Clusters < 1:
		return "both arms are empty"
	case control.Clusters < 1:
		return "the control arm is empty"
	case treatment.Clusters < 1:
		return "the treatment arm is empty"
	case control.SumD == 0 || treatment.SumD == 0:
		return "an arm's denominator total is 0: its value is not defined"
	case control.Clusters < 2 || treatment.Clusters < 2:
		return "fewer than two clusters in an arm: the variance between clusters cannot be estimated"
	}
	return ""
}

// clusterVariances returns the per-arm variances and the degrees of freedom
// of recipe se, or a reason why it cannot be computed.
func clusterVariances(c, t ClusterMoments, se ClusterSE) (vc, vt, df float64, problem string) {
	g := c.Clusters + t.Clusters
	gAdj := g / (g - 1)
	switch se {
	case ClusterCR0:
		return c.cr0(), t.cr0(), g - 1, ""
	case ClusterCR0Adjusted:
		return c.cr0() * gAdj, t.cr0() * gAdj, g - 1, ""
	case ClusterCR1:
		n := c.Units + t.Units
		if n <= 2 {
			return 0, 0, 0, "CR1 needs more than two analysis units"
		}
		f := gAdj * (n - 1) / (n - 2)
		return c.cr0() * f, t.cr0() * f, g - 1, ""
	case ClusterCR2:
		return clusterCR2(c, t)
	}
	ac, at := ClusterArm(c), ClusterArm(t)
	return ac.Variance, at.Variance, welchDF(ac, at), ""
}

// clusterCR2 returns the CR2 arm variances and the Bell–McCaffrey degrees of
// freedom (Σλ)²/Σλ² under the working model of independent, equal-variance
// unit errors (the traces are derived in this file's header).
func clusterCR2(c, t ClusterMoments) (vc, vt, df float64, problem string) {
	if c.Leverage == nil || t.Leverage == nil {
		return 0, 0, 0, "CR2 needs the leverage sums (ClusterLeverage), which were not computed"
	}
	if c.Leverage.Full > 0 || t.Leverage.Full > 0 {
		return 0, 0, 0, "one cluster carries a whole arm (leverage 1): CR2 is not defined"
	}
	trC, sqC := c.cr2DFTerms()
	trT, sqT := t.cr2DFTerms()
	df = 0
	if sqC+sqT > 0 {
		df = (trC + trT) * (trC + trT) / (sqC + sqT)
	}
	return c.cr2(), t.cr2(), df, ""
}

// clusterFill writes the absolute and relative effects of a comparison whose
// arm values are c, t with variances vc, vt, testing with t(df) (z if
// df = +Inf).
func clusterFill(out *Comparison, c, t, vc, vt, df, alpha float64) {
	est := t - c
	se := math.Sqrt(vc + vt)
	q := quantile(1-alpha/2, df)
	out.DF = df
	out.Absolute = Effect{Estimate: est, StdError: se, Lower: est - q*se, Upper: est + q*se}
	out.PValue = twoSidedP(est/se, df)
	if c == 0 {
		out.RelativeProblem = "the control value is 0: a relative effect is not defined"
		return
	}
	out.setRelative(IndependentRatioTest(Arm{Value: c, Variance: vc}, Arm{Value: t, Variance: vt}), q, alpha, nil)
}
