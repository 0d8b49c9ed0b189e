// Package report holds the results of a run as plain data, and renders
// them as JSON or a text table. Field names are the output contract: keys
// may be added, never renamed.
package report

import (
	"fmt"
	"math"
	"strconv"
)

// Report is the result of one `caliper run`.
type Report struct {
	Targets []*Target `json:"targets"`
}

// Target is one experiment's results.
type Target struct {
	Kind       string           `json:"kind"`
	Name       string           `json:"name"`
	Title      string           `json:"title,omitempty"`
	Hypothesis string           `json:"hypothesis,omitempty"`
	Owner      string           `json:"owner,omitempty"`
	Control    string           `json:"control"`
	Alpha      Num              `json:"alpha"`
	Units      map[string]int64 `json:"units"`
	Excluded   map[string]int64 `json:"excluded"`
	SRM        *SRM             `json:"srm"`
	Results    []*Result        `json:"results"`
	// Decisions holds one launch outcome per treatment.
	Decisions []*Decision `json:"decisions,omitempty"`
	// Heterogeneity tests, per metric, treatment and segment column,
	// whether the effect differs between segments (Cochran's Q).
	Heterogeneity []*Heterogeneity `json:"heterogeneity,omitempty"`
	// Correction is the multiple-testing correction of secondary metrics.
	Correction string `json:"correction,omitempty"`
	// Sequential is set when intervals and p-values are always valid.
	Sequential bool     `json:"sequential,omitempty"`
	Notes      []string `json:"notes,omitempty"`
	// Decompositions split decomposed metrics' lifts between factors.
	Decompositions []*Decomposition `json:"decompositions,omitempty"`
	// A factorial design's factors, cells (per metric), effects (main
	// effects and interactions of the saturated model) and Shapley
	// attribution of the all-new effect.
	Factors     []*FactorInfo `json:"factors,omitempty"`
	Cells       []*Cell       `json:"cells,omitempty"`
	Effects     []*Term       `json:"effects,omitempty"`
	Attribution []*Term       `json:"attribution,omitempty"`
	// Clustered names the cluster column of a cluster-randomized analysis.
	Clustered string `json:"clustered_by,omitempty"`
	// Timeline holds per-period and cumulative results (`timeline`), and
	// LongRun the fitted long-run effect per metric and treatment.
	Timeline []*Result  `json:"timeline,omitempty"`
	LongRun  []*LongRun `json:"long_run,omitempty"`
	// SplitShares give each split value's share of a metric's lift.
	SplitShares []*SplitShares `json:"split_shares,omitempty"`
	// Bench holds a benchmark's results (Kind "benchmark").
	Bench *Bench `json:"-"`
}

// Launch outcomes (LANGUAGE.md, "Launch criteria").
const (
	Ship         = "ship"
	NoShip       = "no_ship"
	Inconclusive = "inconclusive"
	Invalid      = "invalid"
)

// Decision is a treatment's launch outcome with the reasons that decided
// it, each naming the metric, the bound and the figure.
type Decision struct {
	Variant string   `json:"variant"`
	Outcome string   `json:"outcome"`
	Reasons []string `json:"reasons"`
}

// SRM is the sample-ratio check.
type SRM struct {
	ChiSquare Num   `json:"chi_square"`
	DF        Num   `json:"df"`
	PValue    Num   `json:"p_value"`
	Passed    bool  `json:"passed"`
	Expected  []Num `json:"expected_shares"`
}

// Result is one metric compared between one treatment and the control.
type Result struct {
	Metric    string  `json:"metric"`
	Title     string  `json:"title,omitempty"`
	Kind      string  `json:"kind"`
	Role      string  `json:"role"`
	Direction string  `json:"direction"`
	Variant   string  `json:"variant"`
	Control   Arm     `json:"control"`
	Treatment Arm     `json:"treatment"`
	Absolute  *Effect `json:"absolute"`
	Relative  *Effect `json:"relative"`
	PValue    *Num    `json:"p_value"`
	// PValueAdjusted is the p-value after the experiment's multiple-testing
	// correction (absent when the metric's family has one member).
	PValueAdjusted *Num `json:"p_value_adjusted,omitempty"`
	// Segment is the segment of a per-segment row (null for overall).
	Segment map[string]string `json:"segment"`
	// Period, PeriodStart, PeriodEnd and Timeline place a timeline row:
	// Timeline is "period" (the period alone) or "cumulative" (up to its
	// end).
	Period      *int   `json:"period,omitempty"`
	PeriodStart string `json:"period_start,omitempty"`
	PeriodEnd   string `json:"period_end,omitempty"`
	Timeline    string `json:"timeline,omitempty"`
	// Split is the split value of a per-split row (`split C`).
	Split map[string]string `json:"split,omitempty"`
	// Within is a guardrail's tolerance (a fraction).
	Within *Num `json:"within,omitempty"`
	// Cuped reports the variance reduction, when CUPED was requested.
	Cuped       *Cuped   `json:"cuped,omitempty"`
	Significant bool     `json:"significant"`
	Method      string   `json:"method"`
	Notes       []string `json:"notes,omitempty"`
}

// Cuped is a CUPED adjustment's summary.
type Cuped struct {
	Adjusted          bool   `json:"adjusted"`
	Theta             Num    `json:"theta"`
	VarianceReduction Num    `json:"variance_reduction"`
	Note              string `json:"note,omitempty"`
}

// Heterogeneity is Cochran's Q across the values of one segment column.
type Heterogeneity struct {
	Metric  string   `json:"metric"`
	Variant string   `json:"variant"`
	Segment string   `json:"segment"`
	Q       Num      `json:"q"`
	DF      Num      `json:"df"`
	PValue  Num      `json:"p_value"`
	I2      Num      `json:"i2"`
	Skipped []string `json:"skipped,omitempty"`
	Problem string   `json:"problem,omitempty"`
}

// Arm is one arm's summary of a metric.
type Arm struct {
	Units int64 `json:"units"`
	Mean  Num   `json:"mean"`
}

// Effect is an estimate with its interval.
type Effect struct {
	Estimate Num `json:"estimate"`
	CILower  Num `json:"ci_lower"`
	CIUpper  Num `json:"ci_upper"`
	StdError Num `json:"std_error"`
}

// Num is a reported number. It is written with 10 significant digits: the
// engine's parallel floating-point sums may differ in the last bits between
// runs, and rounding keeps output byte-identical (and readable) while
// staying far inside every reference tolerance (1e-6).
type Num float64

// MarshalJSON implements json.Marshaler. NaN and Inf are refused: the
// runtime reports what it cannot estimate as notes, so a non-finite
// number here is a bug that must surface, not a value to print.
func (n Num) MarshalJSON() ([]byte, error) {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("report: non-finite number %v", v)
	}
	return strconv.AppendFloat(nil, Round(v), 'g', -1, 64), nil
}

// Round rounds v to 10 significant digits (0 stays 0; NaN and Inf, which
// the runtime never reports, become 0).
func Round(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	return r
}
