package decide

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
)

// Interleaving decisions have the experiments' outcomes: ship when every
// requirement holds, no_ship when the share lies wholly below 1/2,
// inconclusive otherwise, invalid when the first positions are unbalanced.
func TestDecideInterleaving(t *testing.T) {
	share := func(est, lo, hi, p float64) *result.Preference {
		return &result.Preference{Credit: "clicks", Share: &result.Effect{Estimate: result.Num(est), CILower: result.Num(lo), CIUpper: result.Num(hi)},
			PValue: result.NumPtr(p), Significant: p < 0.05}
	}
	il := &model.Interleaving{Credits: []*model.Credit{{Name: "clicks"}}, Order: &model.Column{Name: "ts"}}
	for _, c := range []struct {
		name    string
		pref    *result.Preference
		firstP  float64
		launch  []*model.Requirement
		outcome string
		reason  string
	}{
		{"preferred", share(0.56, 0.53, 0.59, 0.001), 0.5, nil, result.Ship, "holds: clicks preferred: share 0.5600 [0.5300, 0.5900], p = 0.0010 < 0.05"},
		{"not significant", share(0.52, 0.49, 0.55, 0.2), 0.5, nil, result.Inconclusive, "undecided: clicks preferred: not significantly above 1/2"},
		{"dispreferred", share(0.44, 0.41, 0.47, 0.001), 0.5, nil, result.NoShip, "fails: clicks preferred: the baseline is preferred"},
		{"first positions", share(0.56, 0.53, 0.59, 0.001), 0.0001, nil, result.Invalid, "invalid: first positions unbalanced"},
		{"not worse holds", share(0.48, 0.45, 0.51, 0.2), 0.5, []*model.Requirement{{Kind: model.RequireNotWorse, Credit: "clicks"}}, result.Ship, "holds: clicks not worse"},
		{"not estimable", &result.Preference{Credit: "clicks", NotEstimable: "no decided session"}, 0.5, nil, result.Inconclusive, "undecided: clicks preferred: not estimable (no decided session)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.pref.Variant = "v3"
			il.Launch = c.launch
			tg := &result.Target{Kind: result.KindInterleaving, Alpha: 0.05, Interleaving: &result.Interleaving{
				Results:        []*result.Preference{c.pref},
				FirstPositions: []*result.FirstPositions{{Variant: "v3", Baseline: 10, Treatment: 12, PValue: result.NumPtr(c.firstP), Passed: c.firstP >= 0.001}}}}
			DecideInterleaving(il, tg)
			if len(tg.Decisions) != 1 {
				t.Fatalf("decisions %+v", tg.Decisions)
			}
			d := tg.Decisions[0]
			if d.Outcome != c.outcome || !strings.Contains(strings.Join(d.Reasons, "\n"), c.reason) {
				t.Errorf("outcome %s, reasons %q; want %s with %q", d.Outcome, d.Reasons, c.outcome, c.reason)
			}
		})
	}
}
