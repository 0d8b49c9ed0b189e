package stats

import "math"

// This file implements quantile (percentile) metrics by the outer
// order-statistic interval and its delta-method standard error, with the
// cluster inflation for event-level data (STATS-REFERENCE §12.1; Deng,
// Knoblich & Lu 2018; GrowthBook after Yao, Li & Lu 2024, Algorithm 1;
// golden G12).

// QuantileRankZ is z_{0.975}, the normal quantile used for the ranks L and U
// of the order statistics (§12.1 step 2). It is fixed, whatever the
// experiment's alpha, so SQL can compute the ranks without knowing it (as
// GrowthBook does): the ranks only serve to estimate the standard error.
const QuantileRankZ = 1.959963984540054

// quantileRankEps absorbs floating-point error in n·ν (100·0.9 is
// 90.00000000000001 in IEEE doubles) so that ranks are the exact ones.
const quantileRankEps = 1e-9

// QuantileStats are the per-arm sufficient statistics of a quantile metric
// at level Nu (§0.1 "Quantile", §12.1). Observations are the metric's rows
// (events) after filtering, with value y and owning unit g; n is their
// number in the arm. With z = QuantileRankZ and ε = 1e-9, SQL computes per
// arm, over the observations sorted by y (r = row_number() over (partition
// by arm order by y), 1-based; ties in any order give the same values):
//
//	h  = z * sqrt(n*ν*(1-ν))
//	k  = greatest(1, ceil(n*ν - ε))          Estimate = y at r = k
//	L  = greatest(1, floor(n*ν - h + ε))      Lower    = y at r = L
//	U  = least(n, ceil(n*ν + h - ε))          Upper    = y at r = U
//
// (QuantileRanks computes the same ranks.) For the clustered (event-level)
// variance, per unit g of the arm with at least one observation:
// N_g = count(*), S_g = count(*) filter (where y <= Estimate), and per arm
//
//	Clusters = count of such units      SumObs    = sum(N_g)  (= N)
//	SumInd   = sum(S_g)                 SumSqObs  = sum(N_g*N_g)
//	SumSqInd = sum(S_g*S_g)             SumIndObs = sum(S_g*N_g)
//
// Leave Clusters 0 when each observation is its own unit (a unit-level
// quantile); the interval is then the i.i.d. one.
type QuantileStats struct {
	Nu       float64 // quantile level ν in (0, 1)
	N        float64 // observations in the arm
	Estimate float64 // Y₍ₖ₎, k = ceil(nν)
	Lower    float64 // Y₍L₎
	Upper    float64 // Y₍U₎

	Clusters  float64 // K, units with at least one observation (0: i.i.d.)
	SumInd    float64 // Σ_g S_g
	SumSqInd  float64 // Σ_g S_g²
	SumObs    float64 // Σ_g N_g
	SumSqObs  float64 // Σ_g N_g²
	SumIndObs float64 // Σ_g S_g·N_g
}

// QuantileRanks returns the ranks (1-based) of the point estimate k and of
// the order statistics L and U of the outer interval for n observations at
// level nu (§12.1 steps 1–2), exactly as the SQL in QuantileStats.
func QuantileRanks(n, nu float64) (k, lower, upper float64) {
	h := QuantileRankZ * math.Sqrt(n*nu*(1-nu))
	k = math.Max(1, math.Ceil(n*nu-quantileRankEps))
	lower = math.Max(1, math.Floor(n*nu-h+quantileRankEps))
	upper = math.Min(n, math.Ceil(n*nu+h-quantileRankEps))
	return k, lower, upper
}

// quantileIndicatorVar is σ²_{I,c}, the delta-method variance of the share
// of observations at or below the estimate, Σ S_g / Σ N_g, over clusters
// (§2 with M = S_g, D = N_g; gbstats get_cluster_variance).
func (q QuantileStats) quantileIndicatorVar() float64 {
	r := RatioMoments{N: q.Clusters, SumM: q.SumInd, SumSqM: q.SumSqInd,
		SumD: q.SumObs, SumSqD: q.SumSqObs, SumProd: q.SumIndObs}
	return r.VarOfValue()
}

// StdError is the standard error of the quantile estimate (§12.1 steps 3
// and 5): (Y₍U₎ − Y₍L₎)/(2z), and for clustered data that times
// sqrt(σ²_{I,c}/σ²_{I,iid}), σ²_{I,iid} = ν(1−ν)/n (gbstats
// QuantileClusteredStatistic: clustering inflates the variance). GrowthBook
// further multiplies the variance by (n*/n)(n−1)/n for its SQL rank ladder
// n*; this implementation uses the exact ranks and no such factor, as the
// reference G12 does. The second result says why no standard error exists:
// too few observations for the level (n ≤ z²ν/(1−ν) or n ≤ z²(1−ν)/ν,
// gbstats _has_zero_variance), bounds that coincide (ties), or a clustered
// arm with fewer than two units.
func (q QuantileStats) StdError() (float64, string) {
	z := QuantileRankZ
	if !(q.Nu > 0 && q.Nu < 1) {
		return 0, "the quantile level must be in (0, 1)"
	}
	if !(q.N > z*z*q.Nu/(1-q.Nu)) || !(q.N > z*z*(1-q.Nu)/q.Nu) {
		return 0, "too few observations for this quantile level"
	}
	se := (q.Upper - q.Lower) / (2 * z)
	if !(se > 0) || math.IsInf(se, 0) {
		return 0, "the quantile's confidence bounds coincide (tied values): its variance cannot be estimated"
	}
	if q.Clusters == 0 {
		return se, ""
	}
	if q.Clusters < 2 || !(q.SumObs > 0) {
		return 0, "fewer than two units: the clustered variance cannot be estimated"
	}
	vc := q.quantileIndicatorVar()
	if !(vc > 0) {
		return 0, "the clustered indicator variance is zero: the quantile's variance cannot be estimated"
	}
	return se * math.Sqrt(vc/(q.Nu*(1-q.Nu)/q.N)), ""
}

// QuantileArm is the arm of a quantile metric (§12.1 step 3): the estimate
// with variance StdError² and a normal reference distribution (DF = +Inf);
// the second result is StdError's reason when the arm cannot be analysed.
func QuantileArm(q QuantileStats) (Arm, string) {
	se, why := q.StdError()
	if why != "" {
		return Arm{}, why
	}
	return Arm{Units: q.N, Value: q.Estimate, Variance: se * se, DF: math.Inf(1)}, ""
}

// CompareQuantiles compares two arms' quantiles (§12.1 step 3): absolute
// difference q_T − q_C with variance SE_T² + SE_C², relative difference
// q_T/|q_C| − 1 by the delta method, both with normal intervals and the
// p-value of the absolute difference (Compare with Normal). Method is
// "quantile_outer" or, when both arms are clustered, "quantile_outer_clustered".
func CompareQuantiles(control, treatment QuantileStats, alpha float64) Comparison {
	method := "quantile_outer"
	if control.Clusters > 0 && treatment.Clusters > 0 {
		method += "_clustered"
	}
	ca, why := QuantileArm(control)
	if why != "" {
		return Comparison{Method: method, Problem: "control arm: " + why}
	}
	ta, why := QuantileArm(treatment)
	if why != "" {
		return Comparison{Method: method, Problem: "treatment arm: " + why}
	}
	c := Compare(ca, ta, alpha, Normal)
	c.Method = method
	return c
}
