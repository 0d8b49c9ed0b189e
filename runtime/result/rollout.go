package result

import "encoding/json"

// KindRollout is the Kind of a rollout target.
const KindRollout = "rollout"

// Rollout holds a rollout target's results (Kind "rollout"): the panel's
// groups and adoption cohorts, and per metric the difference-in-differences
// estimates (runtime/stats.CallawaySantAnna).
type Rollout struct {
	Group      string `json:"group"`
	Period     string `json:"period"`
	Comparison string `json:"comparison"`
	Pre        int    `json:"pre"`
	Post       int    `json:"post"`
	// Groups counts the groups analysed, Treated those adopting inside the
	// data and Never the others; Cohorts lists the adoption periods.
	Groups    int              `json:"groups"`
	Treated   int              `json:"treated"`
	Never     int              `json:"never"`
	Periods   int              `json:"periods"`
	FirstDay  string           `json:"first_period"`
	Cohorts   []*RolloutCohort `json:"cohorts"`
	Staggered bool             `json:"staggered"`
	// Dropped lists the groups left out, with the reason.
	Dropped []*RolloutDrop   `json:"dropped,omitempty"`
	Metrics []*RolloutMetric `json:"metrics"`
}

// RolloutCohort is the groups adopting in one period.
type RolloutCohort struct {
	Period string `json:"period_start"`
	Groups int    `json:"groups"`
}

// RolloutDrop is a group left out of the analysis.
type RolloutDrop struct {
	Group  string `json:"group"`
	Reason string `json:"reason"`
}

// RolloutMetric is one metric's analysis: the overall effect (did's
// "simple" aggregation of the post-adoption cells), the event study by
// periods since adoption (pre-periods are placebos), the joint pre-trend
// test, and the two-way fixed-effects regression as a cross-check.
type RolloutMetric struct {
	Metric     string           `json:"metric"`
	Title      string           `json:"title,omitempty"`
	Kind       string           `json:"kind"`
	Role       string           `json:"role"`
	Direction  string           `json:"direction"`
	Overall    *RolloutEffect   `json:"overall"`
	EventStudy []*RolloutEffect `json:"event_study"`
	PreTrend   *PreTrend        `json:"pre_trend"`
	TWFE       *TWFE            `json:"twfe"`
	Warnings   []string         `json:"warnings,omitempty"`
}

// RolloutEffect is an aggregated effect. Significant is PValue < alpha,
// exactly when the absolute and relative intervals exclude 0. Bootstrap
// (with few groups) is the wild bootstrap interval and its p-value. What
// cannot be estimated is null with the reason in NotEstimable.
type RolloutEffect struct {
	Event                *int    `json:"event,omitempty"`
	Cells                int     `json:"cells"`
	Baseline             *Num    `json:"baseline"`
	Absolute             *Effect `json:"absolute"`
	Relative             *Effect `json:"relative"`
	PValue               *Num    `json:"p_value"`
	Significant          bool    `json:"significant"`
	Bootstrap            *Effect `json:"bootstrap,omitempty"`
	BootstrapP           *Num    `json:"bootstrap_p_value,omitempty"`
	NotEstimable         string  `json:"not_estimable,omitempty"`
	RelativeNotEstimable string  `json:"relative_not_estimable,omitempty"`
}

// PreTrend is the joint test that the pre-period estimates are 0.
type PreTrend struct {
	F            *Num   `json:"f"`
	DF1          *Num   `json:"df1"`
	DF2          *Num   `json:"df2"`
	PValue       *Num   `json:"p_value"`
	Passed       bool   `json:"passed"`
	NotEstimable string `json:"not_estimable,omitempty"`
}

// TWFE is the two-way fixed-effects regression y ~ D + group + period.
type TWFE struct {
	Absolute          *Effect `json:"absolute"`
	PValue            *Num    `json:"p_value"`
	DF                *Num    `json:"df"`
	NegativeWeights   int     `json:"negative_weights"`
	NegativeWeightSum Num     `json:"negative_weight_sum"`
	NotEstimable      string  `json:"not_estimable,omitempty"`
}

// rolloutJSON is a rollout target's JSON shape.
type rolloutJSON struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Owner string `json:"owner,omitempty"`
	Alpha Num    `json:"alpha"`
	*Rollout
	Decisions []*Decision `json:"decisions,omitempty"`
	Notes     []string    `json:"notes,omitempty"`
}

func (t *Target) marshalRollout() ([]byte, error) {
	return json.Marshal(&rolloutJSON{Kind: t.Kind, Name: t.Name, Title: t.Title, Owner: t.Owner, Alpha: t.Alpha,
		Rollout: t.Rollout, Decisions: t.Decisions, Notes: t.Notes})
}
