package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
)

// Column names. Every column the compiled queries make for an aggregate or
// a metric, and the result columns of the interleaving, counterfactual,
// rollout and exposure-age queries, are named here, once: the builders
// read these names and never format their own, and the result
// descriptions (columns.go and each kind's describe) list the same names
// for the runtime.

// aggColumn names the per-unit column of the experiment's n-th distinct
// aggregate (from 1): a1, a2, ...
func aggColumn(n int) string { return fmt.Sprintf("a%d", n) }

// preColumn names a per-unit column's pre-exposure twin (CUPED).
func preColumn(col string) string { return col + "_pre" }

// splitAggColumn names an aggregate's per-unit column in the split query
// (computed per split value): a3 becomes s3.
func splitAggColumn(col string) string { return "s" + strings.TrimPrefix(col, "a") }

// metricStem names metric i's (from 0) columns: m1, m2, ... Names never
// carry the user's metric names, which need not be SQL identifiers.
func metricStem(i int) string { return fmt.Sprintf("m%d", i+1) }

// Value is the per-unit value column of a mean or proportion metric.
func (mc *MetricColumns) Value() string { return mc.Stem }

// Num and Den are the per-unit numerator and denominator columns of a
// ratio metric.
func (mc *MetricColumns) Num() string { return mc.Stem + "_num" }

// Den: see Num.
func (mc *MetricColumns) Den() string { return mc.Stem + "_den" }

// values are the metric's per-unit value columns (none for a quantile).
func (mc *MetricColumns) values() []string {
	switch mc.Use.Metric.Kind {
	case model.Quantile:
		return nil
	case model.Ratio:
		return []string{mc.Num(), mc.Den()}
	}
	return []string{mc.Value()}
}

// capColumn is the winsorizing cap of the metric's value.
func (mc *MetricColumns) capColumn() string { return mc.Stem + "_cap" }

// clusterSum and clusterDen are a metric's per-cluster totals (M_g, D_g).
func (mc *MetricColumns) clusterSum() string { return mc.Stem + "_M" }

func (mc *MetricColumns) clusterDen() string { return mc.Stem + "_D" }

// A quantile metric's CTEs, in order: its observations, ranked per arm,
// the order statistics, per-cluster counts, and the per-arm statistics.
const (
	quantileObs    = "_obs"
	quantileRanked = "_ranked"
	quantileBounds = "_bounds"
	quantileUnits  = "_units"
	quantileStats  = ""
)

// quantileRelation names one of a quantile metric's CTEs (quantileObs, ...).
func (mc *MetricColumns) quantileRelation(step string) string {
	if step == quantileStats {
		return mc.Stem + "_q"
	}
	return mc.Stem + step
}

// quantileColumns are a quantile metric's result columns, in the order of
// its statistics CTE: n, estimate, lower, upper, clusters and the
// per-cluster sums.
func (mc *MetricColumns) quantileColumns() []string {
	return []string{mc.QN, mc.QEstimate, mc.QLower, mc.QUpper, mc.QClusters, mc.QSumInd, mc.QSumSqInd, mc.QSumObs, mc.QSumSqObs, mc.QSumIndObs}
}

// nameMetric names every result column of metric i (from 0) of an
// experiment: the per-arm statistics the runtime reads (per unit, or per
// cluster for a clustered experiment) and, with CUPED, the pre-exposure
// moments.
func nameMetric(i int, u *model.MetricUse, cuped, clustered bool) *MetricColumns {
	name := metricStem(i)
	mc := &MetricColumns{Use: u, Stem: name}
	m := u.Metric
	switch {
	case m.Kind == model.Quantile:
		q := name + "_q_"
		mc.QN, mc.QEstimate, mc.QLower, mc.QUpper = q+"n", q+"estimate", q+"lower", q+"upper"
		mc.QClusters, mc.QSumInd, mc.QSumSqInd = q+"clusters", q+"ind_sum", q+"ind_sumsq"
		mc.QSumObs, mc.QSumSqObs, mc.QSumIndObs = q+"obs_sum", q+"obs_sumsq", q+"ind_obs_prod"
	case m.Kind == model.Ratio:
		mc.N, mc.Sum, mc.SumSq = name+"_n", name+"_num_sum", name+"_num_sumsq"
		mc.DenSum, mc.DenSumSq, mc.Prod = name+"_den_sum", name+"_den_sumsq", name+"_prod"
		if cuped && Cupedable(m) {
			mc.Pre = &PreColumns{Sum: name + "_num_pre_sum", SumSq: name + "_num_pre_sumsq",
				DenSum: name + "_den_pre_sum", DenSumSq: name + "_den_pre_sumsq",
				MPostMPre: name + "_num_num_pre", DPostDPre: name + "_den_den_pre", MPreDPre: name + "_num_pre_den_pre",
				MPostDPre: name + "_num_den_pre", MPreDPost: name + "_num_pre_den"}
		}
	default:
		mc.N, mc.Sum, mc.SumSq = name+"_n", name+"_sum", name+"_sumsq"
		if cuped && Cupedable(m) {
			mc.Pre = &PreColumns{Sum: name + "_pre_sum", SumSq: name + "_pre_sumsq", Cross: name + "_pre_cross"}
		}
	}
	if clustered && m.Kind != model.Quantile {
		// Sums over clusters of the cluster totals (clusterFinal).
		mc.N, mc.Sum, mc.SumSq = name+"_clusters", name+"_m_sum", name+"_m_sumsq"
		mc.DenSum, mc.DenSumSq, mc.Prod = name+"_d_sum", name+"_d_sumsq", name+"_md_prod"
	}
	return mc
}

// rolloutColumns name rollout metric j's (from 0) cell columns: its value
// (a ratio's numerator) and a ratio's denominator.
func rolloutColumns(j int) (value, den string) {
	s := metricStem(j)
	return s + "_value", s + "_den"
}

// sharedColumn names the per-unit column of the n-th (from 1) value that
// several places of a query's values share (shared.go): r1, r2, ...
func sharedColumn(n int) string { return fmt.Sprintf("r%d", n) }

// Result columns of an interleaving's query.
const (
	// ColILStatus says what a row's sessions are: StatusCompared (the
	// baseline against one treatment), StatusOtherTeam (against a team
	// value that is not a listed treatment), StatusSeveral (more than one
	// non-baseline team) or StatusNoTreatment (only the baseline's items).
	ColILStatus = "status"
	// ColILVariant is the treatment's team value (NULL unless the status
	// is compared or other_team).
	ColILVariant        = "variant"
	ColILUnits          = "units"
	ColILSessions       = "sessions"
	ColILFirstBaseline  = "first_baseline"
	ColILFirstTreatment = "first_treatment"
)

// Session statuses (ColILStatus).
const (
	StatusCompared    = "compared"
	StatusOtherTeam   = "other_team"
	StatusSeveral     = "several_treatments"
	StatusNoTreatment = "no_treatment"
)

// creditColumns names credit j's (from 0) columns.
func creditColumns(c *model.Credit, j int) *CreditColumns {
	n := j + 1
	return &CreditColumns{Credit: c,
		Wins: fmt.Sprintf("wins_%d", n), Losses: fmt.Sprintf("losses_%d", n),
		SqWins: fmt.Sprintf("sq_wins_%d", n), SqDecided: fmt.Sprintf("sq_decided_%d", n),
		WinsDecided: fmt.Sprintf("wins_decided_%d", n),
		Pref:        fmt.Sprintf("pref_%d", n), SqPref: fmt.Sprintf("sq_pref_%d", n)}
}

// Per-row, per-session and per-unit column names inside the query.
func ilCredit(j int) string    { return fmt.Sprintf("c%d", j+1) }
func ilBaseline(j int) string  { return fmt.Sprintf("b%d", j+1) }
func ilTreatment(j int) string { return fmt.Sprintf("t%d", j+1) }
func ilUnitWins(j int) string  { return fmt.Sprintf("w%d", j+1) }
func ilUnitLoss(j int) string  { return fmt.Sprintf("l%d", j+1) }

// Result columns of a counterfactual's query. The per-unit components
// are CfComponents (the order of stats.OPDecisions ...): their sums are
// CfSum(k) and the sums of their products CfCross(k, l), k ≤ l.
const (
	ColCfModel       = "model"
	ColCfUnits       = "units"
	ColCfSumSqWeight = "sum_ww"
	ColCfMaxWeight   = "max_w"
	ColCfClipped     = "clipped"
	ColCfNeverTaken  = "never_taken"
	// ColCfLoggedRows, ColCfRequests: logged rows and distinct request ids
	// (a request id logged twice is an error); ColCfInvalid: logged rows
	// left out because the unit, request, action or reward is missing or the
	// propensity is not in (0, 1]; ColCfMissingQ: logged decisions whose
	// model takes the logged action (or any candidate) without a reward
	// model value. All four are the same on every row.
	ColCfLoggedRows = "logged_rows"
	ColCfRequests   = "requests"
	ColCfInvalid    = "invalid_rows"
	ColCfMissingQ   = "missing_q"
	// ColCfRepeated: (model, request, action) keys that the candidates
	// hold more than once (an error).
	ColCfRepeated = "repeated_candidates"
)

// CfComponents name the per-unit components, in the order of
// stats.OffPolicyComponentNames (TestCounterfactualComponentsMirrorStats).
var CfComponents = []string{"n", "r", "w", "wc", "wr", "dr"}

// CfSum is the column of Σ over units of component k.
func CfSum(k int) string { return "sum_" + CfComponents[k] }

// CfCross is the column of Σ over units of component k times component l.
func CfCross(k, l int) string {
	if l < k {
		k, l = l, k
	}
	return "x_" + CfComponents[k] + "_" + CfComponents[l]
}

// Result columns of a rollout's query.
const (
	ColROGroup    = "grp"        // the group's value, as text
	ColROPeriod   = "period"     // the row's period number since RolloutOrigin
	ColROAdoptMin = "adopt_min"  // the smallest adoption period of the cell's rows (NULL: never)
	ColROAdoptMax = "adopt_max"  // the largest (differs from adopt_min when adoption is not constant)
	ColROAdoptN   = "adopt_rows" // rows with an adoption instant
	ColRORows     = "rows"       // rows in the cell
	// ColROAdoptFirst and ColROAdoptLast are the earliest and latest
	// adoption instants of the cell's rows, in seconds since
	// RolloutOrigin: instants that differ within one period floor to the
	// same period, and the runtime flags them.
	ColROAdoptFirst = "adopt_first_s"
	ColROAdoptLast  = "adopt_last_s"
)

// Exposure-age timeline result columns (`timeline exposure_day|exposure_week`).
const (
	// ColAge and ColLaterAge place a row: the statistics of the units that
	// cover age ColLaterAge (>= ColAge, so they cover ColAge too), of
	// their values at ColAge (TimelineDaily columns, as a period row of
	// the calendar timeline), and, for mean metrics, the sum of their
	// values at ColLaterAge (ExposureAgeLater + the Sum column) and of the
	// products of the two (ExposureAgeCross + the Sum column). Rows with
	// ColAge = ColLaterAge are the per-age statistics; the others give the
	// covariance of two ages' means, which share units.
	ColAge      = "age"
	ColLaterAge = "later_age"
)

// Prefixes of the exposure-age cross moments.
const (
	ExposureAgeLater = "e_"
	ExposureAgeCross = "x_"
)
