package store

import (
	"testing"

	"github.com/caliper-dev/caliper/runtime/result"
)

// A counterfactual target's rows: one per model and estimator, the
// logging policy as the control, the paired difference as the estimate;
// a difference that could not be estimated stays null, never 0.
func TestCounterfactualRows(t *testing.T) {
	n := func(v float64) *result.Num { x := result.Num(v); return &x }
	tg := &result.Target{Kind: result.KindCounterfactual, Name: "cf", Alpha: 0.05,
		Decisions: []*result.Decision{{Variant: "v3", Outcome: result.Ship}},
		Counterfactual: &result.Counterfactual{Units: 250,
			Logging: &result.CfValue{Value: &result.Effect{Estimate: 0.29, CILower: 0.26, CIUpper: 0.32, StdError: 0.016}},
			Models: []*result.CfModel{{Model: "v3", Estimates: []*result.CfEstimate{
				{Estimator: "dr", Value: &result.Effect{Estimate: 0.318}, Difference: &result.Effect{Estimate: 0.0287, CILower: 0.0071, CIUpper: 0.0502, StdError: 0.011}, PValue: n(0.0091)},
				{Estimator: "ips", Value: &result.Effect{Estimate: 0.295}, DifferenceProblem: "no variance"},
			}}}}}
	rows := Rows(&result.Report{Targets: []*result.Target{tg}})
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	dr, ips := rows[0], rows[1]
	if dr.Metric != "dr" || dr.Variant != "v3" || dr.Control != "logging" || dr.Decision != "ship" || !dr.Significant ||
		*dr.Estimate != 0.0287 || *dr.CILower != 0.0071 || *dr.ControlValue != 0.29 || *dr.TreatmentValue != 0.318 || dr.TreatmentUnits != 250 {
		t.Errorf("dr row: %+v", dr)
	}
	if ips.Estimate != nil || ips.PValue != nil || ips.Significant {
		t.Errorf("ips row without a difference: estimate %v p %v significant %v, want null and not significant", ips.Estimate, ips.PValue, ips.Significant)
	}
}
