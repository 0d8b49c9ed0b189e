package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// ExposureAgeMoments reports whether a metric's exposure-age rows carry
// the cross moments of the long-run fit: mean and proportion metrics whose
// per-unit value is defined for every unit (count, sum, any; never NULL).
func ExposureAgeMoments(m *model.Metric) bool {
	if !TimelineMetric(m) || m.Kind == model.Ratio {
		return false
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		if !a.Func.Empty.Defined() {
			return false
		}
	}
	return true
}

// exposureAgeSQL compiles `timeline exposure_day|exposure_week` into one
// query. A unit (with a single variant) has age d in [t0 + d·step,
// t0 + (d+1)·step), t0 its first exposure, and contributes to age d only
// when the data covers that whole age: t0 + (d+1)·step <= the horizon,
// the last timestamp of any source (or the experiment's end, if earlier),
// and (d+1)·step <= the window when there is one. Per unit and age each
// metric is computed over the unit's rows of that age; the result has a
// row per variant and pair of ages (ColAge <= ColLaterAge) with sums over
// the units covering the later age, so the rows stay in the engine and
// the runtime gets both per-age statistics and the cross moments between
// ages that the long-run fit's covariance needs.
func (b *builder) exposureAgeSQL() string {
	e, d := b.e, b.d
	q := &query{comment: fmt.Sprintf("experiment %s timeline by %s", dialect.CommentText(e.Name), e.Timeline)}
	q.add(b.sourceCTEs()...)
	q.add(b.firstExposures())
	// With `window_policy complete`, only units whose whole window the
	// data cover.
	units := &selectStmt{items: []string{d.Q(`"unit", min("variant") AS "variant", min("first_ts") AS "t0"`)},
		from: d.Q(`"first_exposures"`), groupBy: "1", having: "count(*) = 1"}
	if c := b.completeUnits(); c != "" {
		q.add(c)
		units.where = []string{b.completeFilter(`"unit"`)}
	}
	q.with(d, "units", units)
	b.ageSeries(q)
	b.ageScans(q)
	sums := b.ageValues(q)
	q.final = b.ageFinal(sums)
	return q.String()
}

// ageSeries adds the horizon (the last timestamp of any source, or the
// experiment's end if earlier), the ages it covers and each unit's ages.
func (b *builder) ageSeries(q *query) {
	e, d := b.e, b.d
	step := e.Timeline.Step()
	horizon := b.lastRow()
	if !e.End.IsZero() {
		horizon = fmt.Sprintf("least(%s, %s)", horizon, b.instant(e.End))
	}
	h := "h." + b.ident("horizon")
	maxAge := fmt.Sprintf("CAST(floor(%s / %d) AS %s) - 1", fmt.Sprintf(d.Seconds, h, b.sqlf(`(SELECT min("t0") FROM "units")`)), step, d.Types.Int)
	if e.Window > 0 {
		maxAge = fmt.Sprintf("least(%s, %d)", maxAge, e.Window/step-1)
	}
	// At most MaxExposureAges+1 ages, as for calendar periods: an age
	// numbered MaxExposureAges means the span was cut (the runtime
	// refuses it).
	maxAge = fmt.Sprintf("least(%s, %d)", maxAge, MaxExposureAges)
	q.with(d, "horizon", &selectStmt{items: []string{horizon + " AS " + b.ident("horizon")}})
	q.with(d, "ages", &selectStmt{items: []string{d.SeriesValue + " AS " + b.ident("age")},
		from: d.Q(`"horizon" h`) + fmt.Sprintf(d.Series, maxAge)})
	t0 := "u." + b.ident("t0")
	q.with(d, "unit_ages", &selectStmt{items: []string{d.Q(`u."unit", u."variant", a."age"`)}, from: d.Q(`"units" u`),
		joins: []string{d.Q(`CROSS JOIN "horizon" h`), b.sqlf(`JOIN "ages" a ON %s <= %s`, d.Shift(t0, b.sqlf(`(a."age" + 1)`), step), h)}})
}

// ageScans adds, per source, each unit's aggregates per age of the row,
// and age_per_unit, which joins them back to every unit and age.
func (b *builder) ageScans(q *query) {
	d := b.d
	step := b.e.Timeline.Step()
	t0 := "u." + b.ident("t0")
	per := &selectStmt{items: []string{d.Q(`ua."unit", ua."variant", ua."age"`)}, from: d.Q(`"unit_ages" ua`)}
	for i, s := range b.plan.Scans {
		alias := fmt.Sprintf("age_scan_%d", i+1)
		aggs := aggColumns(s, sameName)
		per.items = append(per.items, trimIndent(b.joinBack(fmt.Sprintf("j%d", i+1), aggs, func(c string) string { return TimelineDaily + c }))...)
		sts := "s." + b.ident(s.Source.Time.Name)
		age := fmt.Sprintf("CAST(floor(%s / %d) AS %s)", fmt.Sprintf(d.Seconds, d.Cast(sts, d.Types.Timestamp), t0), step, d.Types.Int)
		q.add(b.render(&unitScan{name: alias, source: s.Source,
			keys:  []string{b.sqlf(`%s AS "age"`, age)},
			where: append([]string{fmt.Sprintf("%s >= %s", sts, t0)}, b.windowConds(s.Source)...), groupBy: "1, 2", aggs: aggs}))
		per.joins = append(per.joins, b.sqlf("LEFT JOIN %s j%d ON j%d.\"unit\" = ua.\"unit\" AND j%d.\"age\" = ua.\"age\"", b.ident(alias), i+1, i+1, i+1))
	}
	q.with(d, "age_per_unit", per)
}

// trimIndent removes the four spaces joinBack and the value builders put
// before each select item.
func trimIndent(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strings.TrimPrefix(s, "    ")
	}
	return out
}

// ageValues adds the values shared by several metrics and age_values,
// each metric's per-unit value at each age, and returns the sums of the
// final select.
func (b *builder) ageValues(q *query) []string {
	d := b.d
	pre := TimelineDaily
	var roots []model.UnitExpr
	for _, mc := range b.plan.Metrics {
		if TimelineMetric(mc.Use.Metric) {
			roots = append(roots, mc.Use.Metric.Value, mc.Use.Metric.Den)
		}
	}
	sh := findShared(roots...)
	view := sharedView{ref: func(a *model.Aggregate) string { return b.ident(pre + b.aggCol[a.Key]) },
		name: func(c string) string { return pre + c }}
	shared, from := sh.ctes(b, "age_per_unit", view)
	q.add(shared...)
	val := func(x model.UnitExpr) string {
		s := sh.expr(d, x, view, b)
		if x.Type() == types.Bool {
			s = d.Cast(s, d.Types.Integer)
		}
		return d.Cast(s, d.Types.Float)
	}
	values := &selectStmt{items: []string{d.Q(`"unit", "variant", "age"`)}, from: b.ident(from)}
	var sums []string
	for _, mc := range b.plan.Metrics {
		if TimelineMetric(mc.Use.Metric) {
			vals, s := b.ageMetric(mc, val)
			values.items, sums = append(values.items, vals...), append(sums, s...)
		}
	}
	q.with(d, "age_values", values)
	return sums
}

// ageMetric is one metric's value columns in age_values (from val, a
// value's SQL) and its sums in the final select: per-age moments and,
// with ExposureAgeMoments, those with the later age's value.
func (b *builder) ageMetric(mc *MetricColumns, val func(model.UnitExpr) string) (vals, sums []string) {
	d, m, pre := b.d, mc.Use.Metric, TimelineDaily
	fsum := func(expr, alias string) string { return fmt.Sprintf("%s(%s) AS %s", d.FloatSum, expr, b.ident(alias)) }
	if m.Kind == model.Ratio {
		num, den := b.ident(mc.Num()), b.ident(mc.Den())
		an, ad := "a."+num, "a."+den
		return []string{fmt.Sprintf("%s AS %s", val(m.Value), num), fmt.Sprintf("%s AS %s", val(m.Den), den)},
			[]string{fmt.Sprintf("count(*) AS %s", b.ident(pre+mc.N)),
				fsum(an, pre+mc.Sum), fsum(an+" * "+an, pre+mc.SumSq),
				fsum(ad, pre+mc.DenSum), fsum(ad+" * "+ad, pre+mc.DenSumSq),
				fsum(an+" * "+ad, pre+mc.Prod)}
	}
	v := b.ident(mc.Value())
	av, bv := "a."+v, "l."+v
	sums = []string{fmt.Sprintf("count(%s) AS %s", av, b.ident(pre+mc.N)), fsum(av, pre+mc.Sum), fsum(av+" * "+av, pre+mc.SumSq)}
	if ExposureAgeMoments(m) {
		sums = append(sums, fsum(bv, ExposureAgeLater+mc.Sum), fsum(av+" * "+bv, ExposureAgeCross+mc.Sum))
	}
	return []string{fmt.Sprintf("%s AS %s", val(m.Value), v)}, sums
}

// ageFinal: per variant and pair of ages (ColAge <= ColLaterAge), the
// sums over the units covering the later age.
func (b *builder) ageFinal(sums []string) *selectStmt {
	d, q := b.d, b.ident
	items := append([]string{d.Sprintf(`a."variant", a."age", l."age" AS %s, count(*) AS %s`, q(ColLaterAge), q(ColUnits))}, sums...)
	items = append(items, d.Sprintf(`(SELECT count(*) FROM (SELECT "unit" FROM "first_exposures" GROUP BY 1 HAVING count(*) > 1) x) AS %s`, q(ColExcluded)))
	return &selectStmt{items: items, from: d.Q(`"age_values" a`),
		joins:   []string{d.Q(`JOIN "age_values" l ON l."unit" = a."unit" AND l."age" >= a."age"`)},
		groupBy: d.Q(`a."variant", a."age", l."age"`), orderBy: d.Q(`a."age", l."age", a."variant"`)}
}

// lastRow is the last timestamp of any time-stamped source of the
// experiment.
func (b *builder) lastRow() string {
	d := b.d
	var lasts []string
	for _, s := range b.sources() {
		if s.Time != nil {
			lasts = append(lasts, fmt.Sprintf("(SELECT max(%s) FROM %s)", d.Cast(b.ident(s.Time.Name), d.Types.Timestamp), b.ident(srcName(s))))
		}
	}
	if len(lasts) == 1 {
		return lasts[0]
	}
	return "greatest(" + strings.Join(lasts, ", ") + ")"
}
