package decide

import (
	"fmt"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
)

// DecideInterleaving evaluates an interleaving's launch rule (its launch
// block, or srm and the first credit preferred) for every treatment and
// sets t.Decisions, with the outcomes and reasons of experiments: `srm`
// is invalid when the teams' first positions are unbalanced (p < 0.001);
// `C preferred` holds when the share's interval lies above 1/2 and fails
// when it lies below; `C not worse` fails when it lies below.
func DecideInterleaving(il *model.Interleaving, t *result.Target) {
	x := t.Interleaving
	if x == nil {
		return
	}
	var variants []string
	seen := map[string]bool{}
	for _, r := range x.Results {
		if !seen[r.Variant] {
			seen[r.Variant] = true
			variants = append(variants, r.Variant)
		}
	}
	t.Decisions = nil
	for _, v := range variants {
		d := &result.Decision{Variant: v, Reasons: []string{}}
		worst := holds
		for _, r := range il.Requirements() {
			var s status
			var why string
			switch r.Kind {
			case model.RequireSRM:
				s, why = firstPositions(x, v)
			case model.RequirePreferred:
				s, why = preferred(findPreference(x, r.Credit, v), r.Credit, t.Alpha)
			case model.RequireNotWorse:
				s, why = notDispreferred(findPreference(x, r.Credit, v), r.Credit)
			default:
				continue
			}
			worst = max(worst, s)
			d.Reasons = append(d.Reasons, label(s)+why)
		}
		d.Outcome = map[status]string{holds: result.Ship, unclear: result.Inconclusive, fails: result.NoShip, invalid: result.Invalid}[worst]
		t.Decisions = append(t.Decisions, d)
	}
}

func findPreference(x *result.Interleaving, credit, variant string) *result.Preference {
	for _, r := range x.Results {
		if r.Credit == credit && r.Variant == variant {
			return r
		}
	}
	return nil
}

func firstPositions(x *result.Interleaving, variant string) (status, string) {
	for _, f := range x.FirstPositions {
		if f.Variant != variant {
			continue
		}
		if f.PValue == nil {
			return unclear, fmt.Sprintf("first positions: not checked (%s)", f.NotEstimable)
		}
		fig := fmt.Sprintf("baseline first in %d sessions, %s in %d", f.Baseline, variant, f.Treatment)
		if f.Passed {
			return holds, fmt.Sprintf("first positions balanced: %s, p %s >= 0.001", fig, p(*f.PValue))
		}
		return invalid, fmt.Sprintf("first positions unbalanced: %s, p %s < 0.001: the interleaving is broken, so no preference can be trusted", fig, p(*f.PValue))
	}
	return unclear, "first positions: not computed"
}

// shareFigure renders a share with its interval.
func shareFigure(r *result.Preference) string {
	return fmt.Sprintf("share %.4f [%.4f, %.4f]", float64(r.Share.Estimate), float64(r.Share.CILower), float64(r.Share.CIUpper))
}

func preferenceMissing(r *result.Preference, name string) (status, string) {
	if r == nil {
		return unclear, name + ": no result"
	}
	return unclear, fmt.Sprintf("%s: not estimable (%s)", name, r.NotEstimable)
}

func preferred(r *result.Preference, credit string, alpha result.Num) (status, string) {
	name := credit + " preferred"
	if r == nil || r.Share == nil || r.PValue == nil {
		return preferenceMissing(r, name)
	}
	switch {
	case r.Significant && r.Share.CILower > 0.5:
		return holds, fmt.Sprintf("%s: %s, p %s < %g", name, shareFigure(r), p(*r.PValue), float64(alpha))
	case r.Share.CIUpper < 0.5:
		return fails, fmt.Sprintf("%s: the baseline is preferred: %s, the interval lies wholly below 1/2", name, shareFigure(r))
	}
	return unclear, fmt.Sprintf("%s: not significantly above 1/2: %s, p %s", name, shareFigure(r), p(*r.PValue))
}

func notDispreferred(r *result.Preference, credit string) (status, string) {
	name := credit + " not worse"
	if r == nil || r.Share == nil || r.PValue == nil {
		return preferenceMissing(r, name)
	}
	if r.Share.CIUpper < 0.5 {
		return fails, fmt.Sprintf("%s: the baseline is preferred: %s, the interval lies wholly below 1/2", name, shareFigure(r))
	}
	return holds, fmt.Sprintf("%s: %s", name, shareFigure(r))
}
