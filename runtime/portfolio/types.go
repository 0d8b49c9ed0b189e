package portfolio

import (
	"time"

	"github.com/caliper-dev/caliper/runtime/result"
)

// The types below are the review as `caliper portfolio --format json`
// writes it. A figure that cannot be estimated is null, and a sibling
// "..._reason" or "not_estimable" says why; no figure is ever 0 for want of
// an estimate.

// Portfolio is the review of one results store.
type Portfolio struct {
	Store      string     `json:"store"`
	Since      string     `json:"since,omitempty"`
	Until      string     `json:"until,omitempty"`
	Alpha      result.Num `json:"alpha"`
	Replicates int        `json:"bootstrap_replicates"`
	// RunsRead counts the runs in the window; each target's latest is used.
	RunsRead    int           `json:"runs_read"`
	Experiments []*Experiment `json:"experiments"`
	Decisions   Decisions     `json:"decisions"`
	Velocity    Velocity      `json:"velocity"`
	Metrics     []*Metric     `json:"metrics"`
	Notes       []string      `json:"notes"`
}

// Experiment is one target's treatment variant in its latest run.
type Experiment struct {
	Target   string `json:"target"`
	Variant  string `json:"variant"`
	Control  string `json:"control"`
	RunID    string `json:"run_id"`
	RunTime  string `json:"run_time"`
	Primary  string `json:"primary,omitempty"`
	Decision string `json:"decision,omitempty"`
	// Holdout marks the long-running holdout (its control is the
	// holdout): it is compared with the launches, not counted among them.
	Holdout bool `json:"holdout"`
	// DecidedAt is when the launch decision was made: the first stored
	// run in the window that recorded the final decision (the latest run
	// when there is no decision). Empty for the holdout.
	DecidedAt string `json:"decided_at,omitempty"`

	primaryGood bool
	decided     time.Time
}

// Decisions counts the experiments' launch outcomes (ship, no_ship,
// inconclusive, invalid; none when the target has no decision rule).
type Decisions struct {
	Experiments int                   `json:"experiments"`
	Counts      map[string]int        `json:"counts"`
	Shares      map[string]result.Num `json:"shares"`
}

// Metric is the review of one metric across experiments.
type Metric struct {
	Name      string `json:"metric"`
	Kind      string `json:"kind"`
	Direction string `json:"direction"`
	// Experiments counts the experiments (holdout excluded) with an
	// estimate of this metric.
	Experiments int      `json:"experiments"`
	Studies     []*Study `json:"studies"`
	// Reanalyses are studies of a target that measured the same units
	// with the same estimate as an earlier study (SameAs): the same
	// experiment analysed twice, counted once.
	Reanalyses []*Study           `json:"reanalyses"`
	Meta       *MetaScales        `json:"meta_analysis"`
	Impact     *Impact            `json:"shipped_impact"`
	Holdout    *HoldoutComparison `json:"holdout"`
	Health     *Health            `json:"health"`
}

// Study is one experiment's effect on the metric.
type Study struct {
	Target       string      `json:"target"`
	Variant      string      `json:"variant"`
	Role         string      `json:"role"`
	Decision     string      `json:"decision,omitempty"`
	Units        int64       `json:"units"`
	Absolute     *Effect     `json:"absolute"`
	Relative     *Effect     `json:"relative"`
	PValue       *result.Num `json:"p_value"`
	Significant  bool        `json:"significant"`
	NotEstimable string      `json:"not_estimable,omitempty"`
	// SameAs names the study (target/variant) this one repeats.
	SameAs string `json:"same_as,omitempty"`

	controlUnits, treatmentUnits int64
	holdout                      bool
	exp                          *Experiment
	direction                    string
	kind                         string
	alpha                        float64
}

// Effect is an estimate with its standard error and interval (a null
// bound is the open side of an unbounded relative interval).
type Effect struct {
	Estimate result.Num  `json:"estimate"`
	StdError result.Num  `json:"std_error"`
	CILower  *result.Num `json:"ci_lower"`
	CIUpper  *result.Num `json:"ci_upper"`
}

// MetaScales is the meta-analysis on the relative and absolute scales.
type MetaScales struct {
	Relative *Meta `json:"relative"`
	Absolute *Meta `json:"absolute"`
}

// Meta is one scale's meta-analysis: Cochran's Q and the three models.
type Meta struct {
	K                int         `json:"k"`
	Q                *result.Num `json:"q"`
	QDF              *result.Num `json:"q_df"`
	QPValue          *result.Num `json:"q_p_value"`
	FixedEffect      *Pooled     `json:"fixed_effect"`
	DerSimonianLaird *Pooled     `json:"random_effects_dl"`
	REML             *Pooled     `json:"random_effects_reml"`
	NotEstimable     string      `json:"not_estimable,omitempty"`
}

// Pooled is one model's pooled effect (metafor::rma conventions: normal
// test and intervals).
type Pooled struct {
	Method           string      `json:"method"`
	Estimate         *result.Num `json:"estimate"`
	StdError         *result.Num `json:"std_error"`
	Z                *result.Num `json:"z"`
	PValue           *result.Num `json:"p_value"`
	CILower          *result.Num `json:"ci_lower"`
	CIUpper          *result.Num `json:"ci_upper"`
	Tau2             *result.Num `json:"tau2"`
	Tau2SE           *result.Num `json:"tau2_std_error"`
	Tau2Reason       string      `json:"tau2_reason,omitempty"`
	I2               *result.Num `json:"i2"`
	H2               *result.Num `json:"h2"`
	PredictionLower  *result.Num `json:"prediction_lower"`
	PredictionUpper  *result.Num `json:"prediction_upper"`
	PredictionReason string      `json:"prediction_reason,omitempty"`
	NotEstimable     string      `json:"not_estimable,omitempty"`
}

// Impact is the cumulative effect of the shipped launches.
type Impact struct {
	Shipped  int      `json:"shipped"`
	Launches []string `json:"launches"`
	// Candidates counts the experiments whose primary metric this is
	// (invalid ones excluded): the pool the launches were selected from.
	Candidates int `json:"candidates"`
	// Blocked lists experiments significant the right way on this primary
	// that did not ship (another criterion stopped them): left out of the
	// pool, since selection on this metric does not describe them.
	Blocked      []string    `json:"blocked"`
	Relative     *Cumulative `json:"relative"`
	Absolute     *Cumulative `json:"absolute"`
	NotEstimable string      `json:"not_estimable,omitempty"`
}

// Cumulative is the shipped launches' summed effect on one scale, naive
// and corrected for the winner's curse.
type Cumulative struct {
	Naive        *result.Num `json:"naive"`
	NaiveSE      *result.Num `json:"naive_std_error"`
	NaiveCILower *result.Num `json:"naive_ci_lower"`
	NaiveCIUpper *result.Num `json:"naive_ci_upper"`
	// Bias is the estimated selection bias β̂; Corrected = Naive − Bias
	// with its parametric bootstrap interval.
	Bias            *result.Num `json:"bias"`
	Corrected       *result.Num `json:"corrected"`
	CILower         *result.Num `json:"corrected_ci_lower"`
	CIUpper         *result.Num `json:"corrected_ci_upper"`
	CorrectedReason string      `json:"corrected_reason,omitempty"`
	NotEstimable    string      `json:"not_estimable,omitempty"`
	// OverTime is the cumulative impact as it stood after each decision,
	// from the first launch on (the last step is the figures above).
	OverTime []*CumulativeStep `json:"over_time"`

	draws []float64
}

// CumulativeStep is the cumulative impact at one time: the launches
// shipped by then summed, and corrected for their selection from the
// candidates decided by then (with its bootstrap interval).
type CumulativeStep struct {
	Time string `json:"time"`
	// Decided names the experiments decided at this time.
	Decided      []string    `json:"decided"`
	Shipped      int         `json:"shipped"`
	Candidates   int         `json:"candidates"`
	Naive        *result.Num `json:"naive"`
	NaiveCILower *result.Num `json:"naive_ci_lower"`
	NaiveCIUpper *result.Num `json:"naive_ci_upper"`
	Corrected    *result.Num `json:"corrected"`
	CILower      *result.Num `json:"corrected_ci_lower"`
	CIUpper      *result.Num `json:"corrected_ci_upper"`
	// CorrectedReason says why Corrected is null.
	CorrectedReason string `json:"corrected_reason,omitempty"`
}

// HoldoutComparison sets the shipped impact against the long-running
// holdout's measured effect on the metric.
type HoldoutComparison struct {
	Target       string `json:"target"`
	Variant      string `json:"variant"`
	Relative     *Gap   `json:"relative"`
	Absolute     *Gap   `json:"absolute"`
	NotEstimable string `json:"not_estimable,omitempty"`
	// OverTime is the holdout's measured effect in each of its stored
	// runs in the window, oldest first (the last is the one compared).
	OverTime []*HoldoutRun `json:"over_time"`
}

// HoldoutRun is the holdout's effect on the metric as one stored run
// measured it.
type HoldoutRun struct {
	RunID    string  `json:"run_id"`
	Time     string  `json:"time"`
	Relative *Effect `json:"relative"`
	Absolute *Effect `json:"absolute"`
}

// Gap is one scale's comparison: the leak is the corrected cumulative
// impact minus the holdout's effect (positive: the launches claim more
// than the holdout sees).
type Gap struct {
	Holdout      *Effect     `json:"holdout"`
	NaiveGap     *result.Num `json:"naive_gap"`
	NaiveCILower *result.Num `json:"naive_gap_ci_lower"`
	NaiveCIUpper *result.Num `json:"naive_gap_ci_upper"`
	Leak         *result.Num `json:"leak"`
	LeakCILower  *result.Num `json:"leak_ci_lower"`
	LeakCIUpper  *result.Num `json:"leak_ci_upper"`
	LeakReason   string      `json:"leak_reason,omitempty"`
	NotEstimable string      `json:"not_estimable,omitempty"`
}

// Health is the metric's sensitivity and movement.
type Health struct {
	Experiments int         `json:"experiments"`
	Moved       int         `json:"moved"`
	MovedShare  *result.Num `json:"moved_share"`
	MovedGood   int         `json:"moved_good"`
	MovedBad    int         `json:"moved_bad"`
	// AgainstPrimary lists experiments where this metric moved
	// significantly the wrong way while the primary moved the right way.
	AgainstPrimary    []string    `json:"against_primary"`
	MedianRelStdError *result.Num `json:"median_relative_std_error"`
	MedianUnits       *result.Num `json:"median_units"`
	// RelativeMDE is the relative change detectable with Power at the
	// median experiment's size: (z_{1−α/2} + z_power) × the median of the
	// relative standard errors rescaled to the median size.
	RelativeMDE       *result.Num `json:"relative_mde"`
	Power             result.Num  `json:"power"`
	SensitivityReason string      `json:"sensitivity_reason,omitempty"`
	Flags             []string    `json:"flags"`
}
