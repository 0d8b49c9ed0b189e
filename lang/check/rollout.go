package check

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
)

var (
	rolloutPeriods     = ast.Words(ast.KindRollout, "period")
	rolloutComparisons = ast.Words(ast.KindRollout, "comparison")
)

// rollout checks a rollout declaration.
func (c *checker) rollout(d *ast.Decl) *model.Rollout {
	r := &model.Rollout{Name: d.Name.Name, Span: d.Name.Sp, Decl: d, Alpha: 0.05, Period: "week", Comparison: "not_yet",
		Title: stringField(d, "title"), Owner: stringField(d, "owner"), Description: stringField(d, "description")}
	if f := field(d, "rows"); f != nil {
		x := f.Value.(*ast.Exposures)
		id := x.Source
		r.Rows = c.sourceRef(id)
		if r.Rows != nil && x.Where != nil {
			r.Filter = c.filter(x.Where, r.Rows)
		}
		if r.Rows != nil && r.Rows.Time == nil {
			c.diags.Errorf(diag.ERolloutTime, id.Sp, "source `%s` has no time column: a rollout's periods come from it", r.Rows.Name).
				Also(r.Rows.Span, "source `%s` declared here", r.Rows.Name).
				Hint("add `time C` to source `%s`, naming its timestamp or date column", r.Rows.Name)
		}
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "rollout `%s` has no `rows`", r.Name).
			Hint("name the source of the panel's rows: rows market_daily")
	}
	column := func(key, example string) *model.Column {
		f := field(d, key)
		if f == nil {
			c.diags.Errorf(diag.EMissingField, d.Name.Sp, "rollout `%s` has no `%s` column", r.Name, key).
				Hint("name the %s column of the rows: %s %s", key, key, example)
			return nil
		}
		id := f.Value.(*ast.Ident)
		if r.Rows == nil {
			return nil
		}
		col := r.Rows.Column(id.Name)
		if col == nil {
			c.unknownColumn(r.Rows, id)
			return nil
		}
		if col.Type == types.Invalid {
			return nil
		}
		if key == "adopted" && !col.Type.IsTemporal() {
			c.diags.Errorf(diag.ERolloutTime, id.Sp, "the adoption column `%s` is %s; it must be a timestamp or a date", id.Name, col.Type).
				Also(col.Span, "`%s` declared here", id.Name).
				Hint("`adopted` holds the instant each group adopted the change (empty for groups that never do); declare it `%s timestamp`", id.Name)
			return nil
		}
		if key == "group" && (col.Type == types.Float || col.Type.IsTemporal()) {
			// A float or an instant names no group: every distinct value
			// would be one, with its own adoption.
			c.diags.Errorf(diag.EUnitColumn, id.Sp, "the group column `%s` is %s; a group is named by a string or an int", id.Name, col.Type).
				Also(col.Span, "`%s` declared here", id.Name).
				Hint("`group` names each group compared (a market, a surface): give the column that holds its name, such as group market")
			return nil
		}
		return col
	}
	r.Group = column("group", "market")
	r.Adopted = column("adopted", "launched_at")
	if f := field(d, "period"); f != nil {
		id := f.Value.(*ast.Ident)
		if contains(rolloutPeriods, id.Name) {
			r.Period = id.Name
		} else {
			c.badWord(id, "period", rolloutPeriods)
		}
	}
	r.Pre = c.rolloutSpan(d, r, "pre")
	r.Post = c.rolloutSpan(d, r, "post")
	if f := field(d, "comparison"); f != nil {
		id := f.Value.(*ast.Ident)
		if contains(rolloutComparisons, id.Name) {
			r.Comparison = id.Name
		} else {
			c.badWord(id, "comparison", rolloutComparisons)
		}
	}
	c.rolloutMetrics(d, r)
	if f := field(d, "alpha"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 || n.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "alpha must be between 0 and 1, found %s", n.Text)
		} else {
			r.Alpha = n.Value
		}
	}
	c.rolloutLaunch(d, r)
	return r
}

// rolloutSpan reads `pre` or `post` as a whole number of periods.
func (c *checker) rolloutSpan(d *ast.Decl, r *model.Rollout, key string) int {
	f := field(d, key)
	if f == nil {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "rollout `%s` has no `%s`", r.Name, key).
			Hint("say how many periods %s adoption to report: %s 8w", map[string]string{"pre": "before", "post": "after"}[key], key)
		return 0
	}
	sec := c.durationField(f, "give a duration of whole periods, such as 8w")
	if sec == 0 {
		return 0
	}
	step := r.PeriodSeconds()
	if sec%step != 0 {
		lit := f.Value.(*ast.DurationLit)
		c.diags.Errorf(diag.ERolloutTime, lit.Sp, "`%s` %s is not a whole number of %ss", key, lit.Text, r.Period).
			Hint("with `period %s`, give `%s` in whole %ss, such as %s %d%s", r.Period, key, r.Period, key, max(1, sec/step), map[string]string{"day": "d", "week": "w"}[r.Period])
		return 0
	}
	return int(sec / step)
}

// rolloutMetrics resolves primary and secondary metrics: each must be
// computable per group and period from the rows (aggregates of the rows'
// source; no quantile, winsorize or cap).
func (c *checker) rolloutMetrics(d *ast.Decl, r *model.Rollout) {
	seen := map[string]source.Span{}
	for _, key := range []string{"primary", "secondary"} {
		f := field(d, key)
		if f == nil {
			continue
		}
		for _, id := range f.Value.(*ast.IdentList).Items {
			m := c.metricRef(id)
			if m == nil {
				continue
			}
			if prev, ok := seen[m.Name]; ok {
				c.diags.Errorf(diag.EDuplicateUse, id.Sp, "metric `%s` is listed twice in rollout `%s`", m.Name, r.Name).
					Also(prev, "first listed here")
				continue
			}
			seen[m.Name] = id.Sp
			if !c.rolloutMetricOK(id, m, r) {
				continue
			}
			r.Metrics = append(r.Metrics, &model.MetricUse{Metric: m, Role: model.Role(key), Span: id.Sp})
		}
	}
	if field(d, "primary") == nil {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "rollout `%s` has no `primary` metric", r.Name).
			Hint("say what success means: primary market_saves_per_session")
	}
}

func (c *checker) rolloutMetricOK(id *ast.Ident, m *model.Metric, r *model.Rollout) bool {
	if m.Quantile != nil {
		c.diags.Errorf(diag.ERolloutMetric, id.Sp, "metric `%s` is a quantile; a rollout's metrics are computed per group and period from sums and counts", m.Name).
			Also(m.Span, "metric `%s` declared here", m.Name).
			Hint("use a mean or ratio metric of the rows, such as sum(%s.x) / sum(%s.y)", srcName(r), srcName(r))
		return false
	}
	if m.Winsorize != nil || m.Cap != nil {
		c.diags.Errorf(diag.ENotSupported, id.Sp, "metric `%s` caps per-unit values (winsorize or cap), which a rollout does not support yet", m.Name).
			Also(m.Span, "metric `%s` declared here", m.Name)
		return false
	}
	if r.Rows == nil {
		return true
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		if a.Source != nil && a.Source != r.Rows {
			c.diags.Errorf(diag.ERolloutMetric, id.Sp, "metric `%s` reads source `%s`; rollout `%s` computes its metrics from its rows, `%s`", m.Name, a.Source.Name, r.Name, r.Rows.Name).
				Also(m.Span, "metric `%s` declared here", m.Name).
				Hint("define the metric on `%s`, such as sum(%s.x) / sum(%s.y)", r.Rows.Name, r.Rows.Name, r.Rows.Name)
			return false
		}
	}
	return true
}

func srcName(r *model.Rollout) string {
	if r.Rows != nil {
		return r.Rows.Name
	}
	return "rows"
}

// rolloutLaunch checks the launch block: M improves, M within X% and M not
// worse on the rollout's metrics.
func (c *checker) rolloutLaunch(d *ast.Decl, r *model.Rollout) {
	f := field(d, "launch")
	if f == nil {
		return
	}
	r.Launch = []*model.Requirement{}
	for _, q := range f.Value.(*ast.Launch).Requires {
		name := q.Target.Name.Name
		switch {
		case q.Target.Cutoff != nil:
			c.diags.Errorf(diag.EBadValue, q.Target.Cutoff.Sp, "a cutoff (@k) belongs to offline benchmark metrics")
			continue
		case q.Verb == ast.VerbNone || q.Verb == ast.VerbPreferred:
			m := name
			if q.Verb == ast.VerbNone && len(r.Metrics) > 0 {
				m = r.Metrics[0].Metric.Name
			}
			c.diags.Errorf(diag.EBadValue, q.Sp, "a rollout's requirement is `M improves`, `M within X%%` or `M not worse`").
				Hint("require %s improves (srm and guardrails are for experiments, preferred for interleavings)", m)
			continue
		}
		m := c.metricRef(q.Target.Name)
		if m == nil {
			continue
		}
		used := false
		for _, u := range r.Metrics {
			used = used || u.Metric == m
		}
		if !used {
			if !c.rolloutMetricOK(q.Target.Name, m, r) {
				continue
			}
			r.Metrics = append(r.Metrics, &model.MetricUse{Metric: m, Role: model.Secondary, Span: q.Target.Sp})
		}
		req := &model.Requirement{Kind: model.RequirementKind(q.Verb), Metric: m, Span: q.Sp}
		if q.Within != nil {
			req.Within = q.Within.Value
			if q.Within.Value <= 0 {
				c.diags.Errorf(diag.EBadValue, q.Within.Sp, "a tolerance must be positive, found %s", q.Within.Text)
			}
		}
		r.Launch = append(r.Launch, req)
	}
}
