package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// Timeline result columns.
const (
	ColPeriod      = "period"       // 0, 1, 2, ... since the origin
	ColPeriodStart = "period_start" // the period's first instant
	ColPeriodEnd   = "period_end"   // the cut: the period's end (exclusive)
)

// MaxTimelinePeriods caps a timeline's periods (days or weeks since its
// origin): a longer span is refused with a diagnostic naming the limit.
const MaxTimelinePeriods = 1000

// WarnTimelinePeriods is a timeline's stated maximum: a run whose timeline
// spans more periods (or exposure ages) is warned (W0008), up to the cap
// MaxTimelinePeriods.
const WarnTimelinePeriods = 400

// MaxExposureAges caps an exposure-age timeline's ages: its result has a
// row per pair of ages (for the long-run fit's covariance), so its size
// grows with their square; 500 ages make at most 125,250 pairs per arm.
const MaxExposureAges = 500

// TimelinePrefix names a timeline's statistics columns: "d_" + the main
// query's column for the period alone, "c_" + it for everything up to the
// period's end.
const (
	TimelineDaily      = "d_"
	TimelineCumulative = "c_"
)

// TimelineMetric reports whether a metric has a timeline: mean, proportion
// and ratio metrics whose aggregates accumulate across periods (the
// catalog's Combine: count, sum, any, min, max), without winsorizing (whose
// cap would move per period).
func TimelineMetric(m *model.Metric) bool {
	if m.Kind == model.Quantile || m.Winsorize != nil {
		return false
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		if !a.Func.Accumulates() {
			return false
		}
	}
	return true
}

// timelineSQL compiles `timeline day|week` into one query with a row per
// variant and period. Periods start at the experiment's `start`, or at the
// day of its first exposure. For each period k with end cut_k, units are
// assigned as an analysis cut at cut_k would assign them (their variants
// seen before cut_k; a unit seen in several is left out), and each metric
// is computed twice: over the unit's rows in period k ("d_" columns) and
// over its rows before cut_k ("c_" columns), always within the unit's
// window. So the cumulative rows equal running the experiment on the data
// cut at each period's end, and all periods come from one scan per source.
func (b *builder) timelineSQL() string {
	e := b.e
	step := e.Timeline.Step()
	ctes := append(b.sourceCTEs(), b.firstExposures())
	if c := b.completeUnits(); c != "" {
		ctes = append(ctes, c)
	}
	ctes = append(ctes, b.periods(step), b.unitPeriods(),
		b.sqlf("\"units\" AS (\n  SELECT \"unit\", \"variant\", min(\"t0\") AS \"t0\" FROM \"unit_periods\" WHERE \"variants\" = 1 GROUP BY 1, 2\n)"))
	// Per source: each unit's aggregates per period of the row.
	var joins, cols []string
	for i, s := range b.plan.Scans {
		scan, j := b.timelineScan(i, s)
		ctes = append(ctes, b.render(scan))
		joins = append(joins, b.sqlf("  LEFT JOIN %s %s ON %s.\"unit\" = up.\"unit\" AND %s.\"period\" = up.\"period\"", b.ident(scan.name), j, j, j))
		cols = append(cols, b.timelinePerUnitCols(j, scan.aggs)...)
	}
	// Every period a unit is assigned in, with its rows of that period and
	// its running totals; the window runs over all periods of the unit so
	// periods without rows still carry the totals.
	ctes = append(ctes, b.sqlf("\"tl_per_unit\" AS (\n  SELECT up.\"unit\", up.\"variant\", up.\"period\",\n%s\n  FROM \"unit_periods\" up\n%s\n  WHERE up.\"variants\" = 1\n)",
		strings.Join(cols, ",\n"), strings.Join(joins, "\n")))
	vals, sums, shared, from := b.timelineValues()
	ctes = append(ctes, shared...)
	ctes = append(ctes, b.sqlf("\"tl_values\" AS (\n  SELECT \"variant\", \"period\",\n%s\n  FROM %s\n)", strings.Join(vals, ",\n"), b.ident(from)))
	return fmt.Sprintf("-- caliper: experiment %s timeline by %s\n", dialect.CommentText(e.Name), e.Timeline) +
		b.sqlf("WITH\n%s\nSELECT v.\"variant\", v.\"period\", %s(p.\"period_start\") AS \"period_start\", %s(p.\"period_end\") AS \"period_end\", count(*) AS \"units\",\n  %s,\n  (SELECT count(DISTINCT \"unit\") FROM \"unit_periods\" x WHERE x.\"variants\" > 1 AND x.\"period\" = v.\"period\") AS \"excluded_multiple_variants\"\nFROM \"tl_values\" v JOIN \"periods\" p USING (\"period\")\nGROUP BY v.\"variant\", v.\"period\"\nORDER BY v.\"period\", v.\"variant\"",
			strings.Join(ctes, ",\n"), b.d.AnyValue, b.d.AnyValue, strings.Join(sums, ",\n  "))
}

// firstExposures: each unit's first exposure per variant (timelines assign
// units per period from these).
func (b *builder) firstExposures() string {
	e, d := b.e, b.d
	ts := b.ident(e.Exposures.Time.Name)
	var where []string
	if e.ExposureFilter != nil {
		where = append(where, rowSQL(d, e.ExposureFilter, ""))
	}
	where = append(where, b.timeBounds(ts)...)
	where = append(where, fmt.Sprintf("%s IS NOT NULL", b.ident(e.Assignment.Name)), fmt.Sprintf("%s IS NOT NULL", b.ident(e.Unit)))
	return b.sqlf("\"first_exposures\" AS (\n  SELECT %s AS \"unit\", %s AS \"variant\", min(%s) AS \"first_ts\"\n  FROM %s\n  WHERE %s\n  GROUP BY 1, 2\n)",
		b.ident(e.Unit), b.text(b.ident(e.Assignment.Name)), d.Cast(ts, d.Types.Timestamp), b.ident(srcName(e.Exposures)), strings.Join(where, "\n    AND "))
}

// periods numbers the timeline's periods of step seconds from the origin
// (the experiment's start, or the day of the first exposure) to the last
// row of any source, ending before the experiment's end.
func (b *builder) periods(step int64) string {
	e, d := b.e, b.d
	origin := b.sqlf("(SELECT %s FROM \"first_exposures\")", fmt.Sprintf(d.TruncDay, b.sqlf(`min("first_ts")`)))
	if !e.Start.IsZero() {
		origin = b.instant(e.Start)
	}
	o := "o." + b.ident("origin")
	k := d.SeriesValue
	return b.sqlf("\"periods\" AS (\n  SELECT %s AS \"period\", %s AS \"period_start\", %s AS \"period_end\"\n  FROM (SELECT %s AS \"origin\") o%s\n)",
		k, d.Shift(o, k, step), d.Shift(o, "("+k+" + 1)", step), origin, fmt.Sprintf(d.Series, b.lastPeriod(o, step)))
}

// lastPeriod is the number of the timeline's last period, from origin o.
func (b *builder) lastPeriod(o string, step int64) string {
	e, d := b.e, b.d
	last := fmt.Sprintf("CAST(floor(%s / %d) AS %s)", fmt.Sprintf(d.Seconds, b.lastRow(), o), step, d.Types.Int)
	if !e.End.IsZero() {
		// The period holding the end's last instant: the one before the
		// end when the end is a period boundary.
		last = fmt.Sprintf("least(%s, CAST(ceil(%s / %d) AS %s) - 1)", last, fmt.Sprintf(d.Seconds, b.instant(e.End), o), step, d.Types.Int)
	}
	// At most MaxTimelinePeriods+1 periods: one sentinel date in the data
	// must not make millions of them. A period numbered MaxTimelinePeriods
	// in the result means the span was cut (the runtime refuses it).
	return fmt.Sprintf("least(%s, %d)", last, MaxTimelinePeriods)
}

// unitPeriods assigns units per period as an analysis cut at the period's
// end would: their variants seen before it (several: left out).
// With `window_policy complete`, only units whose whole window the data
// cover.
func (b *builder) unitPeriods() string {
	where := ""
	if c := b.completeFilter(`f."unit"`); c != "" {
		where = "\n  WHERE " + c
	}
	return b.sqlf("\"unit_periods\" AS (\n  SELECT f.\"unit\", p.\"period\", p.\"period_start\", p.\"period_end\", min(f.\"variant\") AS \"variant\", count(*) AS \"variants\", min(f.\"first_ts\") AS \"t0\"\n  FROM \"first_exposures\" f JOIN \"periods\" p ON f.\"first_ts\" < p.\"period_end\"%s\n  GROUP BY 1, 2, 3, 4\n)", where)
}

// timelineScan is scan i of a source per unit and period of the row, and
// the alias that joins it back.
func (b *builder) timelineScan(i int, s *Scan) (*unitScan, string) {
	sts := "s." + b.ident(s.Source.Time.Name)
	return &unitScan{name: fmt.Sprintf("tl_scan_%d", i+1), source: s.Source,
		keys:  []string{b.sqlf(`p."period"`)},
		joins: []string{b.sqlf("JOIN \"periods\" p ON %s >= p.\"period_start\" AND %s < p.\"period_end\"", sts, sts)},
		where: b.windowConds(s.Source), groupBy: "1, 2", aggs: aggColumns(s, sameName)}, fmt.Sprintf("j%d", i+1)
}

// timelinePerUnitCols are a scan's aggregates per unit and period (d_)
// and running up to the period (c_), joined back through alias j.
func (b *builder) timelinePerUnitCols(j string, aggs []scanAgg) []string {
	var cols []string
	for _, c := range aggs {
		daily := j + "." + b.ident(c.name)
		cum := b.timelineCumulative(c.agg, daily)
		cols = append(cols, fmt.Sprintf("    %s AS %s", c.agg.Func.OrEmpty(daily), b.ident(TimelineDaily+c.name)),
			fmt.Sprintf("    %s AS %s", c.agg.Func.OrEmpty(cum), b.ident(TimelineCumulative+c.name)))
	}
	return cols
}

// timelineValues are the per-unit values of each timeline metric for the
// period alone and cumulative (vals), their per-arm sums (sums), and the
// CTEs computing the values they share over tl_per_unit (shared.go), with
// the relation to read them from.
func (b *builder) timelineValues() (vals, sums, shared []string, from string) {
	d := b.d
	var roots []model.UnitExpr
	for _, mc := range b.plan.Metrics {
		if TimelineMetric(mc.Use.Metric) {
			roots = append(roots, mc.Use.Metric.Value, mc.Use.Metric.Den)
		}
	}
	sh := findShared(roots...)
	view := func(pre string) sharedView {
		return sharedView{ref: func(a *model.Aggregate) string { return b.ident(pre + b.aggCol[a.Key]) },
			name: func(c string) string { return pre + c }}
	}
	shared, from = sh.ctes(b, "tl_per_unit", view(TimelineDaily), view(TimelineCumulative))
	fsum := func(expr, alias string) string {
		return fmt.Sprintf("coalesce(%s(%s), 0) AS %s", d.FloatSum, expr, b.ident(alias))
	}
	for _, mc := range b.plan.Metrics {
		m := mc.Use.Metric
		if !TimelineMetric(m) {
			continue
		}
		for _, pre := range []string{TimelineDaily, TimelineCumulative} {
			val := func(x model.UnitExpr) string {
				s := sh.expr(d, x, view(pre), b)
				if x.Type() == types.Bool {
					s = d.Cast(s, d.Types.Integer)
				}
				return d.Cast(s, d.Types.Float)
			}
			if m.Kind == model.Ratio {
				num, den := b.ident(pre+mc.Num()), b.ident(pre+mc.Den())
				vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), num), fmt.Sprintf("    %s AS %s", val(m.Den), den))
				sums = append(sums, fmt.Sprintf("count(*) AS %s", b.ident(pre+mc.N)),
					fsum(num, pre+mc.Sum), fsum(num+" * "+num, pre+mc.SumSq),
					fsum(den, pre+mc.DenSum), fsum(den+" * "+den, pre+mc.DenSumSq),
					fsum(num+" * "+den, pre+mc.Prod))
				continue
			}
			v := b.ident(pre + mc.Value())
			vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), v))
			sums = append(sums, fmt.Sprintf("count(%s) AS %s", v, b.ident(pre+mc.N)),
				fsum(v, pre+mc.Sum), fsum(v+" * "+v, pre+mc.SumSq))
		}
	}
	return vals, sums, shared, from
}

// timelineCumulative is the running value of a per-period aggregate over a
// unit's periods up to the current one: the catalog's Combine over them.
func (b *builder) timelineCumulative(a *model.Aggregate, daily string) string {
	return b.sqlf("%s(%s) OVER (PARTITION BY up.\"unit\" ORDER BY up.\"period\" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)", a.Func.Combine(b.d), daily)
}
