// Package decide turns an experiment's results into launch decisions: one
// outcome per treatment (ship, no_ship, inconclusive, invalid) with the
// reasons that decided it (LANGUAGE.md, "Launch criteria").
package decide

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
)

// status of one requirement for one treatment.
type status int

const (
	holds   status = iota
	unclear        // not shown either way: inconclusive
	fails          // decisively fails: no_ship
	invalid        // the sample-ratio check failed
)

// Decide evaluates the experiment's launch rule (its launch block, or the
// default rule) for every treatment of the target, and sets t.Decisions.
func Decide(e *model.Experiment, t *result.Target) {
	rules := e.Launch
	if rules == nil {
		rules = e.DefaultLaunch()
	}
	guardrails := map[string]float64{}
	for _, u := range e.Metrics {
		if u.Role == model.Guardrail {
			guardrails[u.Metric.Name] = u.Within
		}
	}
	// One decision per compared variant (a treatment; all_new for a
	// factorial design).
	var variants []string
	seen := map[string]bool{}
	for _, r := range t.Results {
		if r.Segment == nil && !seen[r.Variant] {
			seen[r.Variant] = true
			variants = append(variants, r.Variant)
		}
	}
	sort.Strings(variants)
	t.Decisions = nil
	for _, v := range variants {
		t.Decisions = append(t.Decisions, decideOne(e, t, v, rules))
	}
}

func decideOne(e *model.Experiment, t *result.Target, variant string, rules []*model.Requirement) *result.Decision {
	d := &result.Decision{Variant: variant, Reasons: []string{}}
	worst := holds
	add := func(s status, reason string) {
		if s > worst {
			worst = s
		}
		d.Reasons = append(d.Reasons, label(s)+reason)
	}
	for _, r := range rules {
		switch r.Kind {
		case model.RequireSRM:
			s, why := srm(t)
			add(s, why)
		case model.RequireGuardrails:
			any := false
			for _, u := range e.Metrics {
				if u.Role == model.Guardrail {
					any = true
					s, why := within(find(t, u.Metric.Name, variant), u.Metric, u.Within, "guardrail ")
					add(s, why)
				}
			}
			if !any {
				add(holds, "guardrails: the experiment has none")
			}
		case model.RequireImproves:
			s, why := improves(find(t, r.Metric.Name, variant), r.Metric, e.Alpha)
			add(s, why)
		case model.RequireWithin:
			s, why := within(find(t, r.Metric.Name, variant), r.Metric, r.Within, "")
			add(s, why)
		case model.RequireNotWorse:
			s, why := notWorse(find(t, r.Metric.Name, variant), r.Metric, e.Alpha)
			add(s, why)
		}
	}
	d.Outcome = map[status]string{holds: result.Ship, unclear: result.Inconclusive, fails: result.NoShip, invalid: result.Invalid}[worst]
	return d
}

func label(s status) string {
	switch s {
	case holds:
		return "holds: "
	case fails:
		return "fails: "
	case invalid:
		return "invalid: "
	}
	return "undecided: "
}

// find returns the overall (unsegmented) result of a metric for a variant.
func find(t *result.Target, metric, variant string) *result.Result {
	for _, r := range t.Results {
		if r.Metric == metric && r.Variant == variant && r.Segment == nil && r.Split == nil {
			return r
		}
	}
	return nil
}

func srm(t *result.Target) (status, string) {
	if t.SRM == nil {
		return unclear, "sample ratio: not computed"
	}
	if t.SRM.Passed {
		return holds, fmt.Sprintf("sample ratio: p %s >= 0.001", p(t.SRM.PValue))
	}
	return invalid, fmt.Sprintf("sample ratio: p %s < 0.001: the assignment is broken, so no effect can be trusted", p(t.SRM.PValue))
}

// estimated reports whether a result exists and is estimable: one marked
// not estimable never decides anything, whatever numbers it carries.
func estimated(r *result.Result) bool { return r != nil && r.NotEstimable == "" }

// notEstimated explains a result that has no estimate.
func notEstimated(r *result.Result, name string) (status, string) {
	if r == nil {
		return unclear, fmt.Sprintf("%s: no result", name)
	}
	if r.NotEstimable != "" {
		return unclear, fmt.Sprintf("%s: not estimable (%s)", name, r.NotEstimable)
	}
	return unclear, fmt.Sprintf("%s: not estimated (%s)", name, strings.Join(r.Notes, "; "))
}

// sig is the p-value a decision uses: the adjusted one when present.
func sig(r *result.Result) result.Num {
	if r.PValueAdjusted != nil {
		return *r.PValueAdjusted
	}
	return *r.PValue
}

func improves(r *result.Result, m *model.Metric, alpha float64) (status, string) {
	if !estimated(r) || r.Absolute == nil || r.PValue == nil {
		return notEstimated(r, m.Name+" improves")
	}
	good := float64(r.Absolute.Estimate) * float64(m.Direction)
	fig := figure(r)
	switch {
	case float64(sig(r)) < alpha && good > 0:
		return holds, fmt.Sprintf("%s improves: %s, p %s < %g", m.Name, fig, p(sig(r)), alpha)
	case wrongSide(r, m):
		return fails, fmt.Sprintf("%s got worse: %s, the interval lies wholly on the wrong side", m.Name, fig)
	}
	return unclear, fmt.Sprintf("%s does not improve significantly: %s, p %s", m.Name, fig, p(sig(r)))
}

// wrongSide reports whether the absolute interval lies wholly in the
// metric's bad direction.
func wrongSide(r *result.Result, m *model.Metric) bool {
	if m.Direction == model.Decrease {
		return r.Absolute.CILower > 0
	}
	return r.Absolute.CIUpper < 0
}

func notWorse(r *result.Result, m *model.Metric, alpha float64) (status, string) {
	if !estimated(r) || r.Absolute == nil || r.PValue == nil {
		return notEstimated(r, m.Name+" not worse")
	}
	if wrongSide(r, m) {
		return fails, fmt.Sprintf("%s got worse: %s", m.Name, figure(r))
	}
	return holds, fmt.Sprintf("%s not worse: %s", m.Name, figure(r))
}

// within checks that the relative interval's bad-side bound is within
// the tolerance x: above -x for metrics that should increase, below +x
// for those that should decrease. It fails decisively when the whole
// interval is beyond the tolerance.
func within(r *result.Result, m *model.Metric, x float64, prefix string) (status, string) {
	name := fmt.Sprintf("%s%s within %s", prefix, m.Name, pct(x))
	if !estimated(r) || r.Relative == nil {
		return notEstimated(r, name)
	}
	lo, hi := float64(r.Relative.CILower), float64(r.Relative.CIUpper)
	fig := figure(r)
	if r.Relative.Unbounded {
		// An unbounded set reaches the bad side without end (both of its
		// rays do when it has a gap): the tolerance cannot be shown.
		return unclear, fmt.Sprintf("%s: %s, the relative interval is unbounded (the control mean cannot be told apart from 0)", name, fig)
	}
	if m.Direction == model.Decrease {
		switch {
		case hi <= x:
			return holds, fmt.Sprintf("%s: %s, upper bound %s <= +%s", name, fig, signed(hi), pct(x))
		case lo > x:
			return fails, fmt.Sprintf("%s: %s, the whole interval is above +%s", name, fig, pct(x))
		}
		return unclear, fmt.Sprintf("%s: %s, upper bound %s exceeds +%s", name, fig, signed(hi), pct(x))
	}
	switch {
	case lo >= -x:
		return holds, fmt.Sprintf("%s: %s, lower bound %s >= -%s", name, fig, signed(lo), pct(x))
	case hi < -x:
		return fails, fmt.Sprintf("%s: %s, the whole interval is below -%s", name, fig, pct(x))
	}
	return unclear, fmt.Sprintf("%s: %s, lower bound %s is below -%s", name, fig, signed(lo), pct(x))
}

// figure renders a result's relative lift with its interval, or the
// absolute one when no relative lift exists.
func figure(r *result.Result) string {
	if r.Relative != nil {
		return signed(float64(r.Relative.Estimate)) + " " + r.Relative.Interval(func(n result.Num) string { return signed(float64(n)) })
	}
	return fmt.Sprintf("%+.4g [%+.4g, %+.4g] (absolute)", float64(r.Absolute.Estimate), float64(r.Absolute.CILower), float64(r.Absolute.CIUpper))
}

func signed(v float64) string { return fmt.Sprintf("%+.2f%%", v*100) }

func pct(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", v*100), "0"), ".") + "%"
}

// p renders a p-value with its relation: "= 0.0123" or "< 0.0001".
func p(v result.Num) string {
	if v < 0.0001 {
		return "< 0.0001"
	}
	return fmt.Sprintf("= %.4f", float64(v))
}

// DecideBenchmark evaluates a benchmark's launch rule for every model other
// than the baseline and sets t.Decisions. Offline metrics are better when
// higher. Without a launch block the rule is that no metric gets worse.
func DecideBenchmark(b *model.Benchmark, t *result.Target) {
	if t.Bench == nil {
		return
	}
	rules := b.Launch
	if rules == nil {
		for _, m := range b.Metrics {
			rules = append(rules, &model.Requirement{Kind: model.RequireNotWorse, Offline: m.String()})
		}
	}
	byModel := map[string][]*result.Result{}
	var models []string
	for _, r := range t.Bench.Results {
		if _, ok := byModel[r.Model]; !ok {
			models = append(models, r.Model)
		}
		byModel[r.Model] = append(byModel[r.Model], asResult(r))
	}
	sort.Strings(models)
	t.Decisions = nil
	for _, m := range models {
		view := &result.Target{Experiment: result.Experiment{Results: byModel[m]}}
		d := &result.Decision{Variant: m, Reasons: []string{}}
		worst := holds
		for _, r := range rules {
			metric := &model.Metric{Name: r.Offline, Direction: model.Increase}
			res := find(view, r.Offline, m)
			var s status
			var why string
			switch r.Kind {
			case model.RequireImproves:
				s, why = improves(res, metric, b.Alpha)
			case model.RequireWithin:
				s, why = within(res, metric, r.Within, "")
			case model.RequireNotWorse:
				s, why = notWorse(res, metric, b.Alpha)
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

// asResult views a benchmark comparison as an experiment result, so the
// same requirement checks apply.
func asResult(r *result.BenchResult) *result.Result {
	out := &result.Result{Metric: r.Metric, Variant: r.Model, Relative: r.Relative, PValue: r.PValue, Notes: r.Notes}
	if r.Delta != nil && r.CILower != nil && r.CIUpper != nil {
		out.Absolute = &result.Effect{Estimate: *r.Delta, CILower: *r.CILower, CIUpper: *r.CIUpper}
		if r.StdError != nil {
			out.Absolute.StdError = *r.StdError
		}
	}
	return out
}
