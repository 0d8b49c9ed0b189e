// Package result holds the results of a run as plain data: the JSON output
// contract's types. Field names are the contract: keys may be added, never
// renamed. A Target has what every kind shares and one payload per kind
// (Experiment, Bench, ...), each written in its own JSON shape
// (targetJSON). Decisions (runtime/decide) and the results store
// (runtime/store) read and write these types; runtime/report renders them
// (table, Markdown, HTML, JSON) and is the only package that draws plots.
package result

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Report is the result of one `caliper run`.
type Report struct {
	Targets []*Target `json:"targets"`
}

// Target is one target's results: what every kind has (kind, name,
// title, alpha, launch decisions, notes), and its kind's payload. An
// experiment's payload is Experiment, embedded (its fields read as the
// target's); each other kind's is its own struct in this package
// (<kind>.go), hung on Target by one pointer field. Its JSON shape is
// per kind (MarshalJSON, targetJSON).
type Target struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Title      string `json:"title,omitempty"`
	Hypothesis string `json:"hypothesis,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Alpha      Num    `json:"alpha"`
	// Decisions holds one launch outcome per treatment.
	Decisions []*Decision `json:"decisions,omitempty"`
	Notes     []string    `json:"notes,omitempty"`
	// Experiment is an experiment's results (Kind "experiment").
	Experiment
	// Bench holds a benchmark's results (Kind "benchmark").
	Bench *Bench `json:"-"`
	// Interleaving holds an interleaving's results (Kind "interleaving",
	// interleaving.go).
	Interleaving *Interleaving `json:"-"`
	// Rollout holds a rollout's results (Kind "rollout", rollout.go).
	Rollout *Rollout `json:"-"`
	// Counterfactual holds a counterfactual's results (Kind
	// "counterfactual", counterfactual.go).
	Counterfactual *Counterfactual `json:"-"`
}

// Coverage is how much of the units' analysis windows the data covers.
// With window_policy partial, IncompleteUnits are analysed over the part
// observed; with complete they are left out (excluded.incomplete_window).
type Coverage struct {
	Policy          string `json:"window_policy"`
	Units           int64  `json:"units"`
	IncompleteUnits int64  `json:"incomplete_units"`
	Share           Num    `json:"share"`
	DataEnd         string `json:"data_end,omitempty"`
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
	Cuped       *Cuped `json:"cuped,omitempty"`
	Significant bool   `json:"significant"`
	Method      string `json:"method"`
	// NotEstimable, when set, says why the comparison cannot be estimated;
	// the result then carries no effect, interval or p-value.
	NotEstimable string   `json:"not_estimable,omitempty"`
	Notes        []string `json:"notes,omitempty"`
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

// Arm is one arm's summary of a metric. Mean is null when the arm's
// value is not defined (no units, a ratio whose denominator sums to 0):
// an undefined mean is never written as 0.
type Arm struct {
	Units int64 `json:"units"`
	Mean  *Num  `json:"mean"`
}

// NumPtr returns a pointer to v as a Num.
func NumPtr(v float64) *Num {
	n := Num(v)
	return &n
}

// Effect is an estimate with its interval.
type Effect struct {
	Estimate Num `json:"estimate"`
	CILower  Num `json:"ci_lower"`
	CIUpper  Num `json:"ci_upper"`
	StdError Num `json:"std_error"`
	// Method says how a relative interval was built: "fieller" (the
	// inversion of the result's own test; it excludes 0 exactly when
	// p < alpha) or "delta" (`relative_ci delta`). Empty for absolute
	// effects.
	Method string `json:"method,omitempty"`
	// Unbounded marks an interval that is not a finite [CILower, CIUpper]
	// (a control mean that cannot be told apart from 0). In memory an open
	// side is ±Inf; JSON writes it as null, never as a number. Gap, when
	// set, is the excluded interval of a set made of two rays
	// (−∞, Gap[0]] ∪ [Gap[1], ∞); without it the set is one ray or the
	// whole line.
	Unbounded bool    `json:"unbounded,omitempty"`
	Gap       *[2]Num `json:"gap,omitempty"`
	// StdErrorProblem, when set, says why there is no standard error (an
	// exact interval at a boundary); StdError is then 0 in memory and
	// JSON writes it as null, with the reason in std_error_not_estimable.
	StdErrorProblem string `json:"-"`
}

// effectJSON is Effect as written: infinite bounds are null.
type effectJSON struct {
	Estimate        Num     `json:"estimate"`
	CILower         *Num    `json:"ci_lower"`
	CIUpper         *Num    `json:"ci_upper"`
	StdError        *Num    `json:"std_error"`
	StdErrorProblem string  `json:"std_error_not_estimable,omitempty"`
	Method          string  `json:"method,omitempty"`
	Unbounded       bool    `json:"unbounded,omitempty"`
	Gap             *[2]Num `json:"gap,omitempty"`
}

// MarshalJSON writes the open sides of an unbounded interval as null.
func (e Effect) MarshalJSON() ([]byte, error) {
	bound := func(n Num) *Num {
		if e.Unbounded && math.IsInf(float64(n), 0) {
			return nil
		}
		return &n
	}
	var se *Num
	if e.StdErrorProblem == "" {
		se = &e.StdError
	}
	return json.Marshal(effectJSON{Estimate: e.Estimate, CILower: bound(e.CILower), CIUpper: bound(e.CIUpper),
		StdError: se, StdErrorProblem: e.StdErrorProblem, Method: e.Method, Unbounded: e.Unbounded, Gap: e.Gap})
}

// UnmarshalJSON reads a null bound as the open side (−Inf below, +Inf
// above).
func (e *Effect) UnmarshalJSON(b []byte) error {
	var j effectJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Effect{Estimate: j.Estimate, Method: j.Method, Unbounded: j.Unbounded, Gap: j.Gap,
		CILower: Num(math.Inf(-1)), CIUpper: Num(math.Inf(1))}
	switch {
	case j.StdError != nil:
		e.StdError = *j.StdError
	case j.StdErrorProblem != "":
		e.StdErrorProblem = j.StdErrorProblem
	default:
		e.StdErrorProblem = "not reported"
	}
	if j.CILower != nil {
		e.CILower = *j.CILower
	}
	if j.CIUpper != nil {
		e.CIUpper = *j.CIUpper
	}
	return nil
}

// Excludes reports whether the interval excludes x: x lies outside
// [CILower, CIUpper], or inside the gap of a two-ray set.
func (e *Effect) Excludes(x float64) bool {
	if e.Gap != nil {
		return x > float64(e.Gap[0]) && x < float64(e.Gap[1])
	}
	return x < float64(e.CILower) || x > float64(e.CIUpper)
}

// Interval renders the interval with f for its finite bounds: "[a, b]",
// "[a, ∞)", "(−∞, b]", "(−∞, a] ∪ [b, ∞)" or "unbounded" (the whole line).
// It never prints a number for an open side.
func (e *Effect) Interval(f func(Num) string) string {
	lo, hi := float64(e.CILower), float64(e.CIUpper)
	switch {
	case e.Gap != nil:
		return fmt.Sprintf("(−∞, %s] ∪ [%s, ∞)", f(e.Gap[0]), f(e.Gap[1]))
	case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return "unbounded"
	case math.IsInf(hi, 1):
		return fmt.Sprintf("[%s, ∞)", f(e.CILower))
	case math.IsInf(lo, -1):
		return fmt.Sprintf("(−∞, %s]", f(e.CIUpper))
	}
	return fmt.Sprintf("[%s, %s]", f(e.CILower), f(e.CIUpper))
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
		return nil, fmt.Errorf("result: non-finite number %v", v)
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
