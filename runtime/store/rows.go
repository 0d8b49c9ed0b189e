package store

import (
	"encoding/json"
	"math"

	"github.com/caliper-dev/caliper/runtime/result"
)

// Rows flattens a report into store rows: every experiment result (then
// its timeline rows) and every benchmark comparison, in report order, each with its variant's
// launch outcome.
func Rows(rep *result.Report) []Row {
	var rows []Row
	for _, t := range rep.Targets {
		decision := map[string]string{}
		for _, d := range t.Decisions {
			decision[d.Variant] = d.Outcome
		}
		if x := t.Rollout; t.Kind == result.KindRollout && x != nil {
			rows = append(rows, rolloutRows(t, x, decision)...)
			continue
		}
		if x := t.Counterfactual; t.Kind == result.KindCounterfactual && x != nil {
			rows = append(rows, counterfactualRows(t, x, decision)...)
			continue
		}
		if x := t.Interleaving; t.Kind == result.KindInterleaving && x != nil {
			rows = append(rows, interleavingRows(t, x, decision)...)
			continue
		}
		if b := t.Bench; t.Kind == "benchmark" && b != nil {
			for _, r := range b.Results {
				row := Row{
					Target: t.Name, TargetKind: t.Kind, Metric: r.Metric, MetricKind: "offline",
					Direction: "increase", Variant: r.Model, Control: b.Baseline,
					ControlUnits: int64(r.Queries), TreatmentUnits: int64(r.Queries),
					ControlValue: fptr(r.BaselineValue), TreatmentValue: fptr(r.Value),
					Estimate: nptr(r.Delta), CILower: nptr(r.CILower), CIUpper: nptr(r.CIUpper), StdError: nptr(r.StdError),
					PValue: nptr(r.PValue), Significant: r.Significant, Method: r.Method,
					Alpha: float64(t.Alpha), Decision: decision[r.Model],
				}
				row.RelEstimate, row.RelCILower, row.RelCIUpper, row.RelStdError = effect(r.Relative)
				relative(&row, r.Relative)
				rows = append(rows, row)
			}
			continue
		}
		for _, r := range append(append([]*result.Result(nil), t.Results...), t.Timeline...) {
			row := Row{
				Target: t.Name, TargetKind: t.Kind, Metric: r.Metric, MetricKind: r.Kind, Role: r.Role,
				Direction: r.Direction, Variant: r.Variant, Control: t.Control,
				Segment: object(r.Segment), Split: object(r.Split),
				Period: r.Period, Timeline: r.Timeline, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
				ControlUnits: r.Control.Units, TreatmentUnits: r.Treatment.Units,
				ControlValue: nptr(r.Control.Mean), TreatmentValue: nptr(r.Treatment.Mean),
				PValue: nptr(r.PValue), PValueAdjusted: nptr(r.PValueAdjusted),
				Significant: r.Significant, Method: r.Method, Alpha: float64(t.Alpha), Decision: decision[r.Variant],
			}
			row.Estimate, row.CILower, row.CIUpper, row.StdError = effect(r.Absolute)
			row.RelEstimate, row.RelCILower, row.RelCIUpper, row.RelStdError = effect(r.Relative)
			relative(&row, r.Relative)
			rows = append(rows, row)
		}
	}
	return rows
}

// object writes a segment or split as a JSON object with sorted keys, ""
// for none.
func object(m map[string]string) string {
	if m == nil {
		return ""
	}
	b, _ := json.Marshal(m) // map[string]string always marshals; keys sorted
	return string(b)
}

func effect(e *result.Effect) (est, lo, hi, se *float64) {
	if e == nil {
		return nil, nil, nil, nil
	}
	if e.StdErrorProblem != "" {
		return fptr(e.Estimate), bound(e.CILower), bound(e.CIUpper), nil
	}
	return fptr(e.Estimate), bound(e.CILower), bound(e.CIUpper), fptr(e.StdError)
}

// relative stores a relative effect's method and the gap of an unbounded
// interval of two rays.
func relative(row *Row, e *result.Effect) {
	if e == nil {
		return
	}
	row.RelMethod = e.Method
	if e.Gap != nil {
		row.RelGapLower, row.RelGapUpper = fptr(e.Gap[0]), fptr(e.Gap[1])
	}
}

// bound is a finite interval bound, nil for the open side of an unbounded
// interval.
func bound(n result.Num) *float64 {
	if math.IsInf(float64(n), 0) {
		return nil
	}
	return fptr(n)
}

func fptr(n result.Num) *float64 {
	v := float64(n)
	return &v
}

func nptr(n *result.Num) *float64 {
	if n == nil {
		return nil
	}
	return fptr(*n)
}

// Num converts a stored figure back to a report number (nil stays nil).
func Num(v *float64) *result.Num {
	if v == nil {
		return nil
	}
	n := result.Num(*v)
	return &n
}

// Relative is the row's relative effect as the report writes it (nil when
// not estimated).
func (r *Row) Relative() *result.Effect {
	e := toEffect(r.RelEstimate, r.RelCILower, r.RelCIUpper, r.RelStdError)
	if e == nil {
		return nil
	}
	e.Method = r.RelMethod
	// A null bound next to an estimate is the open side of an unbounded
	// interval (never 0).
	if r.RelCILower == nil {
		e.CILower, e.Unbounded = result.Num(math.Inf(-1)), true
	}
	if r.RelCIUpper == nil {
		e.CIUpper, e.Unbounded = result.Num(math.Inf(1)), true
	}
	if r.RelGapLower != nil && r.RelGapUpper != nil {
		e.Gap = &[2]result.Num{result.Num(*r.RelGapLower), result.Num(*r.RelGapUpper)}
	}
	return e
}

func toEffect(est, lo, hi, se *float64) *result.Effect {
	if est == nil {
		return nil
	}
	v := func(p *float64) result.Num {
		if p == nil {
			return 0
		}
		return result.Num(*p)
	}
	e := &result.Effect{Estimate: v(est), CILower: v(lo), CIUpper: v(hi), StdError: v(se)}
	if se == nil {
		e.StdErrorProblem = "not stored"
	}
	return e
}

// interleavingRows stores an interleaving's preferences: one row per
// credit (the metric) and treatment, the treatment's value and estimate
// the preference share with its interval (the control's value is 1/2, no
// preference), units on both sides the units compared.
func interleavingRows(t *result.Target, x *result.Interleaving, decision map[string]string) []Row {
	var rows []Row
	half := 0.5
	for _, r := range x.Results {
		row := Row{
			Target: t.Name, TargetKind: t.Kind, Metric: r.Credit, MetricKind: "preference",
			Direction: "increase", Variant: r.Variant, Control: x.Baseline,
			ControlUnits: r.Units, TreatmentUnits: r.Units, ControlValue: &half,
			PValue: nptr(r.PValue), Significant: r.Significant, Method: r.Method,
			Alpha: float64(t.Alpha), Decision: decision[r.Variant],
		}
		if r.Share != nil {
			row.TreatmentValue = fptr(r.Share.Estimate)
		}
		row.Estimate, row.CILower, row.CIUpper, row.StdError = effect(r.Share)
		rows = append(rows, row)
	}
	return rows
}

// rolloutRows are a rollout's rows: per metric its overall effect (the
// variant "adopters" against the comparison groups), then its event study
// (Period the event time, Timeline "event_week" or "event_day"). Units
// count groups: the treated ones and the rest.
func rolloutRows(t *result.Target, x *result.Rollout, decision map[string]string) []Row {
	var rows []Row
	for _, m := range x.Metrics {
		add := func(e *result.RolloutEffect) {
			row := Row{
				Target: t.Name, TargetKind: t.Kind, Metric: m.Metric, MetricKind: m.Kind, Role: m.Role,
				Direction: m.Direction, Variant: "adopters", Control: x.Comparison,
				ControlUnits: int64(x.Groups - x.Treated), TreatmentUnits: int64(x.Treated),
				PValue: nptr(e.PValue), Significant: e.Significant, Method: "did_cs",
				Alpha: float64(t.Alpha), Decision: decision["adopters"],
			}
			if e.Event != nil {
				ev := *e.Event
				row.Period, row.Timeline, row.Decision = &ev, "event_"+x.Period, ""
			}
			if e.Baseline != nil {
				row.ControlValue = fptr(*e.Baseline)
			}
			row.Estimate, row.CILower, row.CIUpper, row.StdError = effect(e.Absolute)
			row.RelEstimate, row.RelCILower, row.RelCIUpper, row.RelStdError = effect(e.Relative)
			relative(&row, e.Relative)
			rows = append(rows, row)
		}
		add(m.Overall)
		for _, e := range m.EventStudy {
			add(e)
		}
	}
	return rows
}

// counterfactualRows are a counterfactual's rows: per model (the variant)
// and estimator (the metric), against the logging policy (the control):
// the control's value is the logging policy's mean reward, the
// treatment's the estimator's value, and the estimate with its interval
// the paired difference. Units on both sides are the logged units.
// Significant means the difference's interval excludes 0 at the target's
// alpha; a value or difference that could not be estimated stays null.
func counterfactualRows(t *result.Target, x *result.Counterfactual, decision map[string]string) []Row {
	var rows []Row
	var logging *float64
	if x.Logging != nil && x.Logging.Value != nil {
		logging = fptr(x.Logging.Value.Estimate)
	}
	for _, m := range x.Models {
		for _, e := range m.Estimates {
			row := Row{
				Target: t.Name, TargetKind: t.Kind, Metric: e.Estimator, MetricKind: "offpolicy",
				Direction: "increase", Variant: m.Model, Control: "logging",
				ControlUnits: x.Units, TreatmentUnits: x.Units, ControlValue: logging,
				PValue: nptr(e.PValue), Method: e.Estimator,
				Alpha: float64(t.Alpha), Decision: decision[m.Model],
			}
			if e.Value != nil {
				row.TreatmentValue = fptr(e.Value.Estimate)
			}
			if e.PValue != nil {
				row.Significant = float64(*e.PValue) < float64(t.Alpha)
			}
			row.Estimate, row.CILower, row.CIUpper, row.StdError = effect(e.Difference)
			rows = append(rows, row)
		}
	}
	return rows
}
