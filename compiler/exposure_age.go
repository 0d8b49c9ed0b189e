package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// Exposure-age timeline result columns (`timeline exposure_day|exposure_week`).
const (
	// ColAge and ColLaterAge place a row: the statistics of the units that
	// cover age ColLaterAge (>= ColAge, so they cover ColAge too), of
	// their values at ColAge (TimelineDaily columns, as a period row of
	// the calendar timeline), and, for mean metrics, the sum of their
	// values at ColLaterAge (ExposureAgeLater + the Sum column) and of the
	// products of the two (ExposureAgeCross + the Sum column). Rows with
	// ColAge = ColLaterAge are the per-age statistics; the others give the
	// covariance of two ages' means, which share units.
	ColAge      = "age"
	ColLaterAge = "later_age"
)

// Prefixes of the exposure-age cross moments.
const (
	ExposureAgeLater = "e_"
	ExposureAgeCross = "x_"
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
	e := b.e
	d := b.d
	step := e.Timeline.Step()
	ctes := append(b.sourceCTEs(), b.firstExposures())
	t0 := "u." + b.ident("t0")
	// With `window_policy complete`, only units whose whole window the
	// data cover.
	where := ""
	if c := b.completeUnits(); c != "" {
		ctes = append(ctes, c)
		where = "\n  WHERE " + b.completeFilter(`"unit"`)
	}
	ctes = append(ctes, b.sqlf("\"units\" AS (\n  SELECT \"unit\", min(\"variant\") AS \"variant\", min(\"first_ts\") AS \"t0\"\n  FROM \"first_exposures\"%s\n  GROUP BY 1\n  HAVING count(*) = 1\n)", where))
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
	ctes = append(ctes, b.sqlf("\"horizon\" AS (\n  SELECT %s AS \"horizon\"\n)", horizon))
	k := d.SeriesValue
	ctes = append(ctes, b.sqlf("\"ages\" AS (\n  SELECT %s AS \"age\"\n  FROM \"horizon\" h%s\n)", k, fmt.Sprintf(d.Series, maxAge)))
	ctes = append(ctes, b.sqlf("\"unit_ages\" AS (\n  SELECT u.\"unit\", u.\"variant\", a.\"age\"\n  FROM \"units\" u\n  CROSS JOIN \"horizon\" h\n  JOIN \"ages\" a ON %s <= %s\n)", d.Shift(t0, b.sqlf(`(a."age" + 1)`), step), h))
	// Per source: each unit's aggregates per age of the row.
	var joins, cols []string
	for i, s := range b.plan.Scans {
		alias := fmt.Sprintf("age_scan_%d", i+1)
		aggs := aggColumns(s, sameName)
		cols = append(cols, b.joinBack(fmt.Sprintf("j%d", i+1), aggs, func(c string) string { return TimelineDaily + c })...)
		sts := "s." + b.ident(s.Source.Time.Name)
		age := fmt.Sprintf("CAST(floor(%s / %d) AS %s)", fmt.Sprintf(d.Seconds, d.Cast(sts, d.Types.Timestamp), t0), step, d.Types.Int)
		ctes = append(ctes, b.render(&unitScan{name: alias, source: s.Source,
			keys:  []string{b.sqlf(`%s AS "age"`, age)},
			where: append([]string{fmt.Sprintf("%s >= %s", sts, t0)}, b.windowConds(s.Source)...), groupBy: "1, 2", aggs: aggs}))
		joins = append(joins, b.sqlf("  LEFT JOIN %s j%d ON j%d.\"unit\" = ua.\"unit\" AND j%d.\"age\" = ua.\"age\"", b.ident(alias), i+1, i+1, i+1))
	}
	ctes = append(ctes, b.sqlf("\"age_per_unit\" AS (\n  SELECT ua.\"unit\", ua.\"variant\", ua.\"age\",\n%s\n  FROM \"unit_ages\" ua\n%s\n)",
		strings.Join(cols, ",\n"), strings.Join(joins, "\n")))
	fsum := func(expr, alias string) string { return fmt.Sprintf("%s(%s) AS %s", d.FloatSum, expr, b.ident(alias)) }
	vals := []string{}
	var sums []string
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
	ctes = append(ctes, shared...)
	for _, mc := range b.plan.Metrics {
		m := mc.Use.Metric
		if !TimelineMetric(m) {
			continue
		}
		val := func(x model.UnitExpr) string {
			s := sh.expr(d, x, view, b)
			if x.Type() == types.Bool {
				s = d.Cast(s, d.Types.Integer)
			}
			return d.Cast(s, d.Types.Float)
		}
		if m.Kind == model.Ratio {
			num, den := b.ident(mc.Num()), b.ident(mc.Den())
			vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), num), fmt.Sprintf("    %s AS %s", val(m.Den), den))
			an, ad := "a."+num, "a."+den
			sums = append(sums, fmt.Sprintf("count(*) AS %s", b.ident(pre+mc.N)),
				fsum(an, pre+mc.Sum), fsum(an+" * "+an, pre+mc.SumSq),
				fsum(ad, pre+mc.DenSum), fsum(ad+" * "+ad, pre+mc.DenSumSq),
				fsum(an+" * "+ad, pre+mc.Prod))
			continue
		}
		v := b.ident(mc.Value())
		vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), v))
		av, bv := "a."+v, "l."+v
		sums = append(sums, fmt.Sprintf("count(%s) AS %s", av, b.ident(pre+mc.N)),
			fsum(av, pre+mc.Sum), fsum(av+" * "+av, pre+mc.SumSq))
		if ExposureAgeMoments(m) {
			sums = append(sums, fsum(bv, ExposureAgeLater+mc.Sum), fsum(av+" * "+bv, ExposureAgeCross+mc.Sum))
		}
	}
	ctes = append(ctes, b.sqlf("\"age_values\" AS (\n  SELECT \"unit\", \"variant\", \"age\",\n%s\n  FROM %s\n)", strings.Join(vals, ",\n"), b.ident(from)))
	return fmt.Sprintf("-- caliper: experiment %s timeline by %s\n", dialect.CommentText(e.Name), e.Timeline) +
		b.sqlf("WITH\n%s\nSELECT a.\"variant\", a.\"age\", l.\"age\" AS \"later_age\", count(*) AS \"units\",\n  %s,\n  (SELECT count(*) FROM (SELECT \"unit\" FROM \"first_exposures\" GROUP BY 1 HAVING count(*) > 1) x) AS \"excluded_multiple_variants\"\nFROM \"age_values\" a\nJOIN \"age_values\" l ON l.\"unit\" = a.\"unit\" AND l.\"age\" >= a.\"age\"\nGROUP BY a.\"variant\", a.\"age\", l.\"age\"\nORDER BY a.\"age\", l.\"age\", a.\"variant\"",
			strings.Join(ctes, ",\n"), strings.Join(sums, ",\n  "))
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
