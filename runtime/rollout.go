package runtime

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// RolloutBootstrapDraws and RolloutBootstrapSeed fix the wild bootstrap a
// rollout with few groups reports (results are reproducible).
const (
	RolloutBootstrapDraws = 9999
	RolloutBootstrapSeed  = 20261205
)

// RunRollout executes a rollout's query and analyses it.
func RunRollout(ctx context.Context, eng engine.Engine, p *compiler.RolloutPlan) (*result.Target, diag.List, error) {
	tab, err := eng.Query(ctx, p.SQL)
	if err != nil {
		return nil, nil, fmt.Errorf("rollout %s: %w", p.Rollout.Name, err)
	}
	return AnalyzeRollout(p, tab)
}

// roCell is one group × period row of a rollout's result.
type roCell struct {
	group              string
	period             int
	adoptMin, adoptMax float64
	adoptNull          bool
	adoptRows, rows    float64
	adoptFirst         float64 // earliest adoption instant, seconds from the origin
	adoptLast          float64
	values, dens       []float64
	valueNull, denNull []bool
}

// AnalyzeRollout turns a rollout's cells into its target, with warnings
// for what the method cannot see (few groups, failed pre-trends, adoption
// outside the data, dropped groups).
func AnalyzeRollout(p *compiler.RolloutPlan, tab *engine.Table) (*result.Target, diag.List, error) {
	r := p.Rollout
	var diags diag.List
	rs, err := readResults(fmt.Sprintf("the result of rollout %s", r.Name), tab, p.Columns)
	if err != nil {
		return nil, nil, err
	}
	cells, minP, maxP, err := readROCells(rs, p, tab)
	if err != nil {
		return nil, nil, err
	}
	x := &result.Rollout{Group: r.Group.Name, Period: r.Period, Comparison: r.Comparison, Pre: r.Pre, Post: r.Post,
		Cohorts: []*result.RolloutCohort{}, Metrics: []*result.RolloutMetric{}}
	t := &result.Target{Kind: result.KindRollout, Name: r.Name, Title: r.Title, Owner: r.Owner, Alpha: result.Num(r.Alpha), Rollout: x}
	if len(cells) == 0 {
		return t, emptyRollout(r), nil
	}
	T := maxP - minP + 1
	x.Periods = T
	x.FirstDay = periodStart(r, minP)
	groups, names, sd := roGroups(r, cells, minP)
	diags = append(diags, sd...)
	if refuseRollout(r, x, names, func(n string) (never, inconsistent bool, adopt int) {
		g := groups[n]
		return g.never, g.inconsistent, g.adopt
	}, minP, maxP, &diags) {
		return t, diags, nil
	}
	panels, gaps, outside := roPanels(p, x, groups, names, minP, T)
	if len(outside) > 0 {
		diags.Warnf(diag.WRolloutData, r.Span, "rollout `%s`: %d group(s) adopt outside the data (%s): before it they are left out, after it they count as never treated",
			r.Name, len(outside), strings.Join(quoteAll(outside, 5), ", ")).
			Hint("the data run from %s to the end of the period starting %s", x.FirstDay, periodStart(r, maxP))
	}
	cmp, _ := stats.ParseDiDComparison(r.Comparison)
	for j, mc := range p.Metrics {
		panels[j].Periods = T
		o := stats.DiDOptions{Comparison: cmp, Pre: r.Pre, Post: r.Post, Alpha: r.Alpha}
		if len(panels[j].Groups) < stats.FewGroups {
			o.Bootstrap, o.Seed = RolloutBootstrapDraws, RolloutBootstrapSeed
		}
		a := stats.CallawaySantAnna(panels[j], o)
		if j == 0 {
			if refusal := roDescribe(r, x, panels[j], gaps[j], a, mc.Use.Metric.Name, len(names), minP, T); refusal != nil {
				return t, append(diags, refusal...), nil
			}
		}
		m := rolloutMetric(mc.Use, a, r.Alpha)
		x.Metrics = append(x.Metrics, m)
		roWarnings(r, j, mc.Use.Metric.Name, a, m, &diags)
	}
	droppedWarning(r, x, &diags)
	decideRollout(r, t)
	return t, diags, nil
}

// readROCells reads the result's rows, and the first and last period.
func readROCells(rs *results, p *compiler.RolloutPlan, tab *engine.Table) (cells []*roCell, minP, maxP int, err error) {
	minP, maxP = math.MaxInt, math.MinInt
	for _, row := range tab.Rows {
		c, err := readROCell(rs, p, row)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("rollout %s: %w", p.Rollout.Name, err)
		}
		cells = append(cells, c)
		minP, maxP = min(minP, c.period), max(maxP, c.period)
	}
	return cells, minP, maxP, nil
}

// roPanels builds each metric's panel of group series over T periods. A
// group whose rows disagree on adoption is dropped (x.Dropped); gaps[j]
// tells, per group, why it has no value of metric j in some period (the
// first such period), which leaves it out; outside lists the groups that
// adopt outside the data.
func roPanels(p *compiler.RolloutPlan, x *result.Rollout, groups map[string]*roGroup, names []string, minP, T int) (panels []stats.DiDPanel, gaps []map[string]string, outside []string) {
	r := p.Rollout
	panels = make([]stats.DiDPanel, len(p.Metrics))
	gaps = make([]map[string]string, len(p.Metrics))
	for j := range gaps {
		gaps[j] = map[string]string{}
	}
	for _, n := range names {
		g := groups[n]
		if g.inconsistent {
			x.Dropped = append(x.Dropped, &result.RolloutDrop{Group: n, Reason: fmt.Sprintf("its rows disagree on `%s`: a group adopts once", r.Adopted.Name)})
			continue
		}
		if !g.never && (g.adopt < 0 || g.adopt >= T) {
			outside = append(outside, n)
		}
		for j, mc := range p.Metrics {
			dg, gap := roSeries(r, mc, j, n, g, minP, T)
			if gap != "" {
				gaps[j][n] = gap
			}
			panels[j].Groups = append(panels[j].Groups, dg)
		}
	}
	return panels, gaps, outside
}

// droppedWarning names the groups left out of the rollout, five at most.
func droppedWarning(r *model.Rollout, x *result.Rollout, diags *diag.List) {
	if len(x.Dropped) == 0 {
		return
	}
	var parts []string
	for _, d := range x.Dropped {
		parts = append(parts, fmt.Sprintf("%q (%s)", d.Group, d.Reason))
	}
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more", len(parts)-5))
	}
	diags.Warnf(diag.WRolloutData, r.Span, "rollout `%s`: %d group(s) left out: %s", r.Name, len(x.Dropped), strings.Join(parts, "; "))
}

func quoteAll(s []string, n int) []string {
	var out []string
	for i, v := range s {
		if i == n {
			out = append(out, fmt.Sprintf("and %d more", len(s)-n))
			break
		}
		out = append(out, fmt.Sprintf("%q", v))
	}
	return out
}

// periodStart is the first day of period k (numbered from
// compiler.RolloutOrigin).
func periodStart(r *model.Rollout, k int) string {
	return compiler.RolloutOrigin.Add(time.Duration(int64(k)*r.PeriodSeconds()) * time.Second).Format("2006-01-02")
}

func readROCell(rs *results, p *compiler.RolloutPlan, row []any) (*roCell, error) {
	c := &roCell{}
	var err error
	if c.group, _, err = rs.text(row, compiler.ColROGroup); err != nil {
		return nil, err
	}
	num := func(name string) (float64, bool) {
		if err != nil {
			return 0, true
		}
		var v float64
		var null bool
		v, null, err = rs.num(row, name)
		return v, null
	}
	per, _ := num(compiler.ColROPeriod)
	c.period = int(per)
	c.adoptMin, c.adoptNull = num(compiler.ColROAdoptMin)
	c.adoptMax, _ = num(compiler.ColROAdoptMax)
	c.adoptRows, _ = num(compiler.ColROAdoptN)
	c.rows, _ = num(compiler.ColRORows)
	c.adoptFirst, _ = num(compiler.ColROAdoptFirst)
	c.adoptLast, _ = num(compiler.ColROAdoptLast)
	for _, mc := range p.Metrics {
		v, null := num(mc.Value)
		c.values, c.valueNull = append(c.values, v), append(c.valueNull, null)
		var d float64
		dn := true
		if mc.Den != "" {
			d, dn = num(mc.Den)
		}
		c.dens, c.denNull = append(c.dens, d), append(c.denNull, dn)
	}
	return c, err
}

// rolloutMetric turns one metric's analysis into its result.
func rolloutMetric(u *model.MetricUse, a stats.DiDResult, alpha float64) *result.RolloutMetric {
	m := u.Metric
	out := &result.RolloutMetric{Metric: m.Name, Title: m.Title, Kind: string(m.Kind), Role: string(u.Role),
		Direction: m.Direction.String(), EventStudy: []*result.RolloutEffect{}}
	out.Overall = rolloutEffect(a.Overall, nil, alpha)
	for _, e := range a.EventStudy {
		ev := e.Event
		out.EventStudy = append(out.EventStudy, rolloutEffect(e, &ev, alpha))
	}
	pt := a.PreTrend
	out.PreTrend = &result.PreTrend{NotEstimable: pt.Problem}
	if pt.Problem == "" {
		out.PreTrend.F, out.PreTrend.DF1, out.PreTrend.DF2 = result.NumPtr(pt.F), result.NumPtr(pt.DF1), result.NumPtr(pt.DF2)
		out.PreTrend.PValue = result.NumPtr(pt.PValue)
		out.PreTrend.Passed = pt.PValue >= alpha
	}
	tw := a.TWFE
	out.TWFE = &result.TWFE{NegativeWeights: tw.NegativeWeights, NegativeWeightSum: result.Num(tw.NegativeWeightSum), NotEstimable: tw.Problem}
	if tw.Problem == "" {
		out.TWFE.Absolute = effect(tw.Absolute)
		out.TWFE.PValue, out.TWFE.DF = result.NumPtr(tw.PValue), result.NumPtr(tw.DF)
	}
	if a.Problem != "" && out.Overall.NotEstimable == "" {
		out.Overall.NotEstimable = a.Problem
	}
	return out
}

func rolloutEffect(e stats.DiDEstimate, event *int, alpha float64) *result.RolloutEffect {
	out := &result.RolloutEffect{Event: event, Cells: e.Cells, NotEstimable: e.Problem}
	if e.Problem != "" {
		return out
	}
	out.Baseline = result.NumPtr(e.Baseline)
	out.Absolute = effect(e.Absolute)
	out.PValue = result.NumPtr(e.PValue)
	out.Significant = e.PValue < alpha
	if e.Relative != nil {
		out.Relative = effect(*e.Relative)
	} else {
		out.RelativeNotEstimable = e.RelativeProblem
	}
	if e.Bootstrap != nil {
		out.Bootstrap = effect(*e.Bootstrap)
		out.BootstrapP = result.NumPtr(e.BootstrapP)
	}
	return out
}

// decideRollout applies the launch rule (LANGUAGE.md): `M improves` holds
// when M's overall effect is significant in its good direction, `M not
// worse` when it is not significant in the bad one, `M within X%` when the
// relative interval's bad-side bound is within X%. One outcome for the
// rollout: ship when all hold, no_ship when one fails decisively (the
// interval wholly on the wrong side), inconclusive otherwise; a failed or
// missing pre-trend test on a metric a requirement reads makes it
// inconclusive, with the reason.
func decideRollout(r *model.Rollout, t *result.Target) {
	x := t.Rollout
	byName := map[string]*result.RolloutMetric{}
	for _, m := range x.Metrics {
		byName[m.Metric] = m
	}
	d := &result.Decision{Variant: "adopters", Outcome: result.Ship, Reasons: []string{}}
	fail, unsure, trends := false, false, false
	for _, q := range r.Requirements() {
		m := byName[q.Metric.Name]
		if m == nil {
			continue
		}
		name := q.Metric.Name
		if m.PreTrend.NotEstimable != "" {
			trends = true
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s: parallel trends cannot be checked (%s)", name, m.PreTrend.NotEstimable))
		} else if !m.PreTrend.Passed {
			trends = true
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s: the pre-trend test fails (p = %.3g): the comparison is not credible", name, float64(*m.PreTrend.PValue)))
		}
		v, reason := roRequirement(q, m.Overall)
		fail, unsure = fail || v == roFails, unsure || v == roUnsure
		if reason != "" {
			d.Reasons = append(d.Reasons, reason)
		}
	}
	switch {
	case trends:
		d.Outcome = result.Inconclusive
	case fail:
		d.Outcome = result.NoShip
	case unsure:
		d.Outcome = result.Inconclusive
	}
	t.Decisions = []*result.Decision{d}
}

// roVerdict is what one launch requirement says of a rollout's overall
// effect.
type roVerdict int

const (
	roMet roVerdict = iota
	roFails
	roUnsure
)

// roRequirement reads requirement q against the overall effect o, with
// the reason the decision prints. With few groups the clustered interval
// is unreliable (W0040 says so): the wild bootstrap's interval is read.
func roRequirement(q *model.Requirement, o *result.RolloutEffect) (roVerdict, string) {
	name := q.Metric.Name
	if o.NotEstimable != "" {
		return roUnsure, fmt.Sprintf("%s: the effect cannot be estimated (%s)", name, o.NotEstimable)
	}
	iv, how := o.Absolute, ""
	if o.Bootstrap != nil {
		iv, how = o.Bootstrap, " (wild bootstrap, few groups)"
	}
	lo, hi := float64(iv.CILower), float64(iv.CIUpper)
	if q.Metric.Direction == model.Decrease {
		lo, hi = -hi, -lo
	}
	ci := fmt.Sprintf("%.4g [%.4g, %.4g]%s", float64(o.Absolute.Estimate), float64(iv.CILower), float64(iv.CIUpper), how)
	switch q.Kind {
	case model.RequireImproves:
		switch {
		case lo > 0:
			return roMet, fmt.Sprintf("%s improves: %s", name, ci)
		case hi < 0:
			return roFails, fmt.Sprintf("%s gets worse: %s", name, ci)
		}
		return roUnsure, fmt.Sprintf("%s does not improve significantly: %s", name, ci)
	case model.RequireNotWorse:
		if hi < 0 {
			return roFails, fmt.Sprintf("%s gets worse: %s", name, ci)
		}
		return roMet, fmt.Sprintf("%s is not worse: %s", name, ci)
	case model.RequireWithin:
		if o.Relative == nil {
			return roUnsure, fmt.Sprintf("%s: no relative interval (%s)", name, o.RelativeNotEstimable)
		}
		rl, rh := float64(o.Relative.CILower), float64(o.Relative.CIUpper)
		bad := rl
		if q.Metric.Direction == model.Decrease {
			bad = -rh
		}
		rci := fmt.Sprintf("%+.2f%% [%+.2f%%, %+.2f%%]", 100*float64(o.Relative.Estimate), 100*rl, 100*rh)
		switch {
		case bad >= -q.Within:
			return roMet, fmt.Sprintf("%s within %g%%: %s", name, 100*q.Within, rci)
		case (q.Metric.Direction == model.Decrease && -rl < -q.Within) || (q.Metric.Direction != model.Decrease && rh < -q.Within):
			return roFails, fmt.Sprintf("%s worse than %g%%: %s", name, 100*q.Within, rci)
		}
		return roUnsure, fmt.Sprintf("%s not shown within %g%%: %s", name, 100*q.Within, rci)
	}
	// A rollout's launch block holds no other kind (lang/check).
	return roMet, ""
}

// instantFromOrigin renders an instant given in seconds from
// compiler.RolloutOrigin (UTC, to the second).
func instantFromOrigin(secs float64) string {
	return compiler.RolloutOrigin.Add(time.Duration(math.Round(secs)) * time.Second).Format("2006-01-02 15:04:05")
}

// firstN is the first n items, and how many more there are.
func firstN(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	return append(append([]string(nil), items[:n]...), fmt.Sprintf("and %d more", len(items)-n))
}

// roField returns a rollout's field (nil if absent).
func roField(r *model.Rollout, key string) *ast.Field {
	if r.Decl == nil {
		return nil
	}
	for _, f := range r.Decl.Fields {
		if f.Key.Name == key {
			return f
		}
	}
	return nil
}

// refuseRollout reports, as errors, data on which no difference in
// differences can be taken whatever the metric: a single period, fewer
// than two groups, no group adopting inside the data, or no group to
// compare the adopters with. Each would otherwise end in a report of
// estimates that are all "not estimable", or in a cross-check computed on
// nothing. It returns whether it refused.
func refuseRollout(r *model.Rollout, x *result.Rollout, names []string, group func(string) (never, inconsistent bool, adopt int), minP, maxP int, diags *diag.List) bool {
	T := maxP - minP + 1
	span := func(key string) source.Span {
		if f := roField(r, key); f != nil {
			return f.Value.Span()
		}
		return r.Span
	}
	if T < 2 {
		diags.Errorf(diag.EDataEmpty, span("period"), "rollout `%s`: the rows of `%s` span a single %s (the one starting %s): a difference needs at least two periods", r.Name, r.Rows.Name, r.Period, x.FirstDay).
			Hint("give rows that cover periods before and after the adoptions%s", map[bool]string{true: ", or use `period day`"}[r.Period == "week"])
		return true
	}
	var usable, bad, never, before, first, after, inside []string
	cohorts := map[int]bool{}
	for _, n := range names {
		nv, inc, a := group(n)
		switch {
		case inc:
			bad = append(bad, n)
			continue
		case nv:
			never = append(never, n)
		case a < 0:
			before = append(before, n)
		case a == 0:
			first = append(first, n)
		case a >= T:
			after = append(after, n)
		default:
			inside = append(inside, n)
			cohorts[a] = true
		}
		usable = append(usable, n)
	}
	if len(usable) < 2 {
		d := diags.Errorf(diag.EDataEmpty, span("group"), "rollout `%s`: the rows of `%s` have %s by `%s`: a difference in differences compares at least two groups", r.Name, r.Rows.Name, countGroups(len(usable), usable), r.Group.Name)
		if len(bad) > 0 {
			d.Hint("%s left out: its rows disagree on `%s` (a group adopts once)", countGroups(len(bad), bad), r.Adopted.Name)
		} else {
			d.Hint("check `group` and the rows' filter: each group (a market, a surface) is compared with the others")
		}
		return true
	}
	last := periodStart(r, maxP)
	if len(inside) == 0 {
		var parts []string
		for _, c := range []struct {
			one, many string
			names     []string
		}{{"never adopts (an empty `" + r.Adopted.Name + "`)", "never adopt (an empty `" + r.Adopted.Name + "`)", never},
			{"adopts before the data", "adopt before the data", before},
			{"adopts in its first " + r.Period + " (no " + r.Period + " before adoption)", "adopt in its first " + r.Period + " (no " + r.Period + " before adoption)", first},
			{"adopts after it", "adopt after it", after}} {
			if len(c.names) > 0 {
				verb := c.many
				if len(c.names) == 1 {
					verb = c.one
				}
				parts = append(parts, fmt.Sprintf("%s %s", countGroups(len(c.names), c.names), verb))
			}
		}
		diags.Errorf(diag.EDataVariant, span("adopted"), "rollout `%s`: no group adopts inside the data (%s to the end of the %s starting %s): %s", r.Name, x.FirstDay, r.Period, last, strings.Join(parts, "; ")).
			Hint("a group adopts in the %s that holds its `%s`, after the data's first %s: check `%s` and the rows' dates", r.Period, r.Adopted.Name, r.Period, r.Adopted.Name)
		return true
	}
	// Groups never treated inside the data (empty, or adopting after it)
	// are the `never` comparison; `not_yet` also compares with adopters
	// of later periods.
	comparable := len(never) + len(after)
	if comparable == 0 && (r.Comparison == "never" || len(cohorts) == 1) {
		msg := fmt.Sprintf("every group that adopts inside the data (%s) does so in the %s starting %s, and none is never treated", countGroups(len(inside), inside), r.Period, periodStart(r, minCohort(cohorts)+minP))
		hint := "add groups that adopt later or never (an empty `" + r.Adopted.Name + "`), or a longer span of data"
		if r.Comparison == "never" {
			msg = fmt.Sprintf("`comparison never` needs groups that are never treated inside the data, and all %d adopt", len(usable))
			hint = "compare with the groups not yet treated: comparison not_yet; or add never-treated groups (an empty `" + r.Adopted.Name + "`)"
		}
		diags.Errorf(diag.EDataVariant, span("comparison"), "rollout `%s`: there is no comparison group: %s", r.Name, msg).Hint("%s", hint)
		return true
	}
	return false
}

// countGroups is "3 groups (\"a\", \"b\", \"c\")", at most five named.
func countGroups(n int, names []string) string {
	if n == 0 {
		return "no group"
	}
	w := "groups"
	if n == 1 {
		w = "group"
	}
	return fmt.Sprintf("%d %s (%s)", n, w, strings.Join(quoteAll(names, 5), ", "))
}

func minCohort(c map[int]bool) int {
	m := math.MaxInt
	for k := range c {
		m = min(m, k)
	}
	return m
}

// leftAfter says what a rollout's analysis kept: too few groups, or no
// adopter among them.
func leftAfter(a stats.DiDResult) string {
	switch {
	case a.Groups == 0:
		return "no group"
	case a.Groups == 1:
		return "1 group"
	default:
		return fmt.Sprintf("%d groups, none of which adopts inside the data", a.Groups)
	}
}

// emptyRollout is the error of a rollout whose query returned no cell.
func emptyRollout(r *model.Rollout) diag.List {
	var diags diag.List
	span := r.Span
	if f := roField(r, "rows"); f != nil {
		span = f.Value.Span()
	}
	if r.Filter != nil {
		diags.Errorf(diag.EDataEmpty, span, "rollout `%s`: no row of `%s` passes the rows' `where` with a `%s` and a `%s`", r.Name, r.Rows.Name, r.Group.Name, r.Rows.Time.Name).
			Hint("check the condition after `where` against the data's values")
	} else {
		diags.Errorf(diag.EDataEmpty, span, "rollout `%s`: the rows of `%s` are empty (no row with a `%s` and a `%s`)", r.Name, r.Rows.Name, r.Group.Name, r.Rows.Time.Name).
			Hint("check the data of source `%s`: a file with a header alone has no rows", r.Rows.Name)
	}
	return diags
}

// roGroup is one group of a rollout: its cells and its adoption period
// (from the first period, minP), constant over its rows; never when no
// row has an adoption instant, inconsistent when its rows disagree.
type roGroup struct {
	cells               []*roCell
	adopt               int
	never, inconsistent bool
}

// roGroups gathers the cells per group, with the group names sorted, and
// warns of groups whose adoption instants differ within one period.
func roGroups(r *model.Rollout, cells []*roCell, minP int) (map[string]*roGroup, []string, diag.List) {
	var diags diag.List
	groups := map[string]*roGroup{}
	var names, spread []string
	for _, c := range cells {
		g := groups[c.group]
		if g == nil {
			g = &roGroup{never: true}
			groups[c.group] = g
			names = append(names, c.group)
		}
		g.cells = append(g.cells, c)
	}
	sort.Strings(names)
	for _, n := range names {
		if s := groups[n].adoption(minP); s != "" {
			spread = append(spread, fmt.Sprintf("%q %s", n, s))
		}
	}
	if len(spread) > 0 {
		span := r.Span
		if f := roField(r, "adopted"); f != nil {
			span = f.Value.Span()
		}
		diags.Warnf(diag.WRolloutData, span, "rollout `%s`: %d group(s) have different `%s` instants on different rows, within one %s: %s",
			r.Name, len(spread), r.Adopted.Name, r.Period, strings.Join(firstN(spread, 5), ", ")).
			Hint("each is read as adopting in the %s that holds them; a group adopts once: give all its rows the same `%s`", r.Period, r.Adopted.Name)
	}
	return groups, names, diags
}

// adoption sets the group's adoption from its cells; it returns the span
// of its adoption instants, "(first to last)", when they differ within the
// one adoption period, and "" otherwise.
func (g *roGroup) adoption(minP int) string {
	var lo, hi float64 = math.Inf(1), math.Inf(-1)
	var first, last float64 = math.Inf(1), math.Inf(-1)
	var withAdopt, rows float64
	for _, c := range g.cells {
		rows += c.rows
		withAdopt += c.adoptRows
		if !c.adoptNull {
			lo, hi = math.Min(lo, c.adoptMin), math.Max(hi, c.adoptMax)
			first, last = math.Min(first, c.adoptFirst), math.Max(last, c.adoptLast)
		}
	}
	switch {
	case withAdopt == 0:
	case withAdopt != rows || lo != hi:
		g.inconsistent = true
	default:
		g.never = false
		g.adopt = int(lo) - minP
		if last > first {
			return fmt.Sprintf("(%s to %s)", instantFromOrigin(first), instantFromOrigin(last))
		}
	}
	return ""
}

// roSeries is group n's series of metric j (columns mc) over the T periods
// from minP, and why it is unbalanced (its first period without a value),
// "" when it is not.
func roSeries(r *model.Rollout, mc *compiler.RolloutMetricColumns, j int, n string, g *roGroup, minP, T int) (stats.DiDGroup, string) {
	dg := stats.DiDGroup{Name: n, Never: g.never, Adoption: g.adopt, Y: make([]float64, T), Observed: make([]bool, T)}
	why := make([]string, T)
	for k := range why {
		why[k] = fmt.Sprintf("it has no row in the %s starting %s", r.Period, periodStart(r, k+minP))
	}
	name := mc.Use.Metric.Name
	for _, c := range g.cells {
		k := c.period - minP
		v, ok := c.values[j], !c.valueNull[j]
		if !ok {
			why[k] = fmt.Sprintf("`%s` has no value (NULL) in the %s starting %s", name, r.Period, periodStart(r, c.period))
		}
		if ok && mc.Den != "" {
			switch {
			case c.denNull[j]:
				ok, why[k] = false, fmt.Sprintf("the denominator of `%s` has no value (NULL) in the %s starting %s", name, r.Period, periodStart(r, c.period))
			case c.dens[j] == 0:
				ok, why[k] = false, fmt.Sprintf("the denominator of `%s` is 0 in the %s starting %s", name, r.Period, periodStart(r, c.period))
			default:
				v /= c.dens[j]
			}
		}
		dg.Y[k], dg.Observed[k] = v, ok
	}
	for k, ok := range dg.Observed {
		if !ok {
			return dg, why[k] + ": the panel must be balanced"
		}
	}
	return dg, ""
}

// roDescribe fills the rollout's groups, cohorts and dropped groups from
// the first metric's analysis a (its panel, and gaps: why a group has no
// value in some period). It returns the refusal when the gaps leave
// nothing to compare, nil otherwise.
func roDescribe(r *model.Rollout, x *result.Rollout, panel stats.DiDPanel, gaps map[string]string, a stats.DiDResult, metric string, groups, minP, T int) diag.List {
	x.Groups, x.Treated, x.Never, x.Staggered = a.Groups, a.Treated, a.Never, a.Staggered
	size := map[int]int{}
	for _, g := range panel.Groups {
		if !g.Never && g.Adoption > 0 && g.Adoption < T {
			size[g.Adoption]++
		}
	}
	for _, c := range a.Cohorts {
		x.Cohorts = append(x.Cohorts, &result.RolloutCohort{Period: periodStart(r, c+minP), Groups: size[c]})
	}
	for _, d := range a.Dropped {
		reason := d.Reason
		if why := gaps[d.Group]; why != "" {
			reason = why
		}
		x.Dropped = append(x.Dropped, &result.RolloutDrop{Group: d.Group, Reason: reason})
	}
	if (a.Groups >= 2 && a.Treated != 0) || len(gaps) == 0 {
		return nil
	}
	// The data left groups out (gaps in the panel) until nothing can be
	// compared: refuse, naming them.
	var diags diag.List
	var parts []string
	for _, d := range x.Dropped {
		parts = append(parts, fmt.Sprintf("%q (%s)", d.Group, d.Reason))
	}
	span := r.Span
	if f := roField(r, "primary"); f != nil {
		span = f.Value.Span()
	}
	diags.Errorf(diag.EDataEmpty, span, "rollout `%s`, metric `%s`: %d of %d groups are left out, leaving %s: %s", r.Name, metric,
		len(x.Dropped), groups, leftAfter(a), strings.Join(firstN(parts, 5), "; ")).
		Hint("a group needs a value in every period: fill the gaps in the data, or leave such groups out with `rows %s where ...`", r.Rows.Name)
	return diags
}

// roWarnings adds metric j's warnings (its result m, from analysis a) to
// the metric and, where they concern the rollout, to diags.
func roWarnings(r *model.Rollout, j int, metric string, a stats.DiDResult, m *result.RolloutMetric, diags *diag.List) {
	if a.Problem != "" {
		diags.Warnf(diag.WRolloutData, r.Span, "rollout `%s`, metric `%s`: %s", r.Name, metric, a.Problem)
	}
	if a.FewGroups {
		msg := fmt.Sprintf("only %s: clustered intervals are unreliable with fewer than %d; see the wild bootstrap intervals", fmt.Sprintf("%d %s", a.Groups, plural(int64(a.Groups), "group", "groups")), stats.FewGroups)
		m.Warnings = append(m.Warnings, msg)
		if j == 0 {
			diags.Warnf(diag.WRolloutData, r.Span, "rollout `%s`: %s", r.Name, msg)
		}
	}
	if m.PreTrend.PValue != nil && !m.PreTrend.Passed {
		msg := fmt.Sprintf("the pre-trend test fails (p = %.3g): groups were not on parallel trends before adopting, and the effect is not credible", a.PreTrend.PValue)
		m.Warnings = append(m.Warnings, msg)
		diags.Warnf(diag.WRolloutData, r.Span, "rollout `%s`, metric `%s`: %s", r.Name, metric, msg)
	}
	if a.Staggered && a.TWFE.NegativeWeights > 0 {
		m.Warnings = append(m.Warnings, fmt.Sprintf("adoption is staggered: the two-way fixed-effects estimate weights %d treated cells negatively (sum %.3g) and is biased when effects change over time; it is a cross-check only", a.TWFE.NegativeWeights, a.TWFE.NegativeWeightSum))
	}
}
