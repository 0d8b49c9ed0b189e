package store

import (
	"encoding/json"

	"github.com/caliper-dev/caliper/runtime/report"
)

// Rows flattens a report into store rows: every experiment result (then
// its timeline rows) and every benchmark comparison, in report order, each with its variant's
// launch outcome.
func Rows(rep *report.Report) []Row {
	var rows []Row
	for _, t := range rep.Targets {
		decision := map[string]string{}
		for _, d := range t.Decisions {
			decision[d.Variant] = d.Outcome
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
				rows = append(rows, row)
			}
			continue
		}
		for _, r := range append(append([]*report.Result(nil), t.Results...), t.Timeline...) {
			row := Row{
				Target: t.Name, TargetKind: t.Kind, Metric: r.Metric, MetricKind: r.Kind, Role: r.Role,
				Direction: r.Direction, Variant: r.Variant, Control: t.Control,
				Segment: object(r.Segment), Split: object(r.Split),
				Period: r.Period, Timeline: r.Timeline, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
				ControlUnits: r.Control.Units, TreatmentUnits: r.Treatment.Units,
				ControlValue: fptr(r.Control.Mean), TreatmentValue: fptr(r.Treatment.Mean),
				PValue: nptr(r.PValue), PValueAdjusted: nptr(r.PValueAdjusted),
				Significant: r.Significant, Method: r.Method, Alpha: float64(t.Alpha), Decision: decision[r.Variant],
			}
			row.Estimate, row.CILower, row.CIUpper, row.StdError = effect(r.Absolute)
			row.RelEstimate, row.RelCILower, row.RelCIUpper, row.RelStdError = effect(r.Relative)
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

func effect(e *report.Effect) (est, lo, hi, se *float64) {
	if e == nil {
		return nil, nil, nil, nil
	}
	return fptr(e.Estimate), fptr(e.CILower), fptr(e.CIUpper), fptr(e.StdError)
}

func fptr(n report.Num) *float64 {
	v := float64(n)
	return &v
}

func nptr(n *report.Num) *float64 {
	if n == nil {
		return nil
	}
	return fptr(*n)
}

// Num converts a stored figure back to a report number (nil stays nil).
func Num(v *float64) *report.Num {
	if v == nil {
		return nil
	}
	n := report.Num(*v)
	return &n
}

// Relative is the row's relative effect as the report writes it (nil when
// not estimated).
func (r *Row) Relative() *report.Effect {
	return toEffect(r.RelEstimate, r.RelCILower, r.RelCIUpper, r.RelStdError)
}

func toEffect(est, lo, hi, se *float64) *report.Effect {
	if est == nil {
		return nil
	}
	v := func(p *float64) report.Num {
		if p == nil {
			return 0
		}
		return report.Num(*p)
	}
	return &report.Effect{Estimate: v(est), CILower: v(lo), CIUpper: v(hi), StdError: v(se)}
}
