package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/stdlib"
)

// Timeline result columns.
const (
	ColPeriod      = "period"       // 0, 1, 2, ... since the origin
	ColPeriodStart = "period_start" // the period's first instant
	ColPeriodEnd   = "period_end"   // the cut: the period's end (exclusive)
)

// TimelinePrefix names a timeline's statistics columns: "d_" + the main
// query's column for the period alone, "c_" + it for everything up to the
// period's end.
const (
	TimelineDaily      = "d_"
	TimelineCumulative = "c_"
)

// TimelineMetric reports whether a metric has a timeline: mean, proportion
// and ratio metrics whose aggregates accumulate across periods (count, sum,
// any, min, max), without winsorizing (whose cap would move per period).
func TimelineMetric(m *model.Metric) bool {
	if m.Kind == model.Quantile || m.Winsorize != nil {
		return false
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		switch a.Func.Name {
		case "count", "sum", "any", "min", "max":
		default:
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
	step := int64(86400)
	if e.Timeline == "week" {
		step = 7 * 86400
	}
	x := e.Exposures
	ts := b.ident(x.Time.Name)
	var ctes []string
	sources := []*model.Source{x}
	for _, s := range b.plan.Scans {
		if s.Source != x {
			sources = append(sources, s.Source)
		}
	}
	for _, s := range sources {
		ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", b.ident(srcName(s)), b.relation(s)))
	}
	var where []string
	if e.ExposureFilter != nil {
		where = append(where, rowSQL(b.d, e.ExposureFilter, ""))
	}
	where = append(where, b.timeBounds(ts)...)
	where = append(where, fmt.Sprintf("%s IS NOT NULL", b.ident(e.Assignment.Name)), fmt.Sprintf("%s IS NOT NULL", b.ident(e.Unit)))
	ctes = append(ctes, fmt.Sprintf("\"first_exposures\" AS (\n  SELECT %s AS \"unit\", CAST(%s AS VARCHAR) AS \"variant\", min(CAST(%s AS TIMESTAMP)) AS \"first_ts\"\n  FROM %s\n  WHERE %s\n  GROUP BY 1, 2\n)",
		b.ident(e.Unit), b.ident(e.Assignment.Name), ts, b.ident(srcName(x)), strings.Join(where, "\n    AND ")))
	origin := "(SELECT date_trunc('day', min(\"first_ts\")) FROM \"first_exposures\")"
	if e.Start != "" {
		origin = fmt.Sprintf("CAST(%s AS TIMESTAMP)", b.d.String(e.Start))
	}
	// Periods run from the origin to the last row of any source.
	var lasts []string
	for _, s := range sources {
		if s.Time != nil {
			lasts = append(lasts, fmt.Sprintf("(SELECT max(CAST(%s AS TIMESTAMP)) FROM %s)", b.ident(s.Time.Name), b.ident(srcName(s))))
		}
	}
	last := "greatest(" + strings.Join(lasts, ", ") + ")"
	if len(lasts) == 1 {
		last = lasts[0]
	}
	if e.End != "" {
		last = fmt.Sprintf("least(%s, CAST(%s AS TIMESTAMP) - INTERVAL '1 microsecond')", last, b.d.String(e.End))
	}
	ctes = append(ctes, fmt.Sprintf("\"periods\" AS (\n  SELECT k AS \"period\", o.\"origin\" + k * INTERVAL '%d seconds' AS \"period_start\", o.\"origin\" + (k + 1) * INTERVAL '%d seconds' AS \"period_end\"\n  FROM (SELECT %s AS \"origin\") o, range(0, CAST(floor(epoch(%s - o.\"origin\") / %d) AS BIGINT) + 1) r(k)\n)",
		step, step, origin, last, step))
	ctes = append(ctes, "\"unit_periods\" AS (\n  SELECT f.\"unit\", p.\"period\", p.\"period_start\", p.\"period_end\", min(f.\"variant\") AS \"variant\", count(*) AS \"variants\", min(f.\"first_ts\") AS \"t0\"\n  FROM \"first_exposures\" f JOIN \"periods\" p ON f.\"first_ts\" < p.\"period_end\"\n  GROUP BY 1, 2, 3, 4\n)")
	ctes = append(ctes, "\"units\" AS (\n  SELECT \"unit\", \"variant\", min(\"t0\") AS \"t0\" FROM \"unit_periods\" WHERE \"variants\" = 1 GROUP BY 1, 2\n)")
	// Per source: each unit's aggregates per period of the row.
	var joins, cols []string
	for i, s := range b.plan.Scans {
		alias := fmt.Sprintf("tl_scan_%d", i+1)
		var aggs []string
		for k, a := range s.Aggregates {
			arg, filter := "", ""
			if a.Arg != nil {
				arg = rowSQL(b.d, a.Arg, "s.")
			}
			if a.Filter != nil {
				filter = rowSQL(b.d, a.Filter, "s.")
			}
			aggs = append(aggs, fmt.Sprintf("    %s AS %s", a.Func.SQL(arg, filter, b.d.Filter), b.ident(s.Columns[k])))
			daily := fmt.Sprintf("j%d.%s", i+1, b.ident(s.Columns[k]))
			cum := timelineCumulative(a, daily)
			switch a.Func.Empty {
			case stdlib.EmptyZero:
				daily, cum = "coalesce("+daily+", 0)", "coalesce("+cum+", 0)"
			case stdlib.EmptyFalse:
				daily, cum = "coalesce("+daily+", FALSE)", "coalesce("+cum+", FALSE)"
			}
			cols = append(cols, fmt.Sprintf("    %s AS %s", daily, b.ident(TimelineDaily+s.Columns[k])),
				fmt.Sprintf("    %s AS %s", cum, b.ident(TimelineCumulative+s.Columns[k])))
		}
		wh := ""
		if w := b.windowConds(s.Source); len(w) > 0 {
			wh = "\n  WHERE " + strings.Join(w, "\n    AND ")
		}
		sts := "s." + b.ident(s.Source.Time.Name)
		ctes = append(ctes, fmt.Sprintf("%s AS (\n  SELECT u.\"unit\", p.\"period\",\n%s\n  FROM \"units\" u\n  JOIN %s s ON s.%s = u.\"unit\"\n  JOIN \"periods\" p ON %s >= p.\"period_start\" AND %s < p.\"period_end\"%s\n  GROUP BY 1, 2\n)",
			b.ident(alias), strings.Join(aggs, ",\n"), b.ident(srcName(s.Source)), b.ident(e.Unit), sts, sts, wh))
		joins = append(joins, fmt.Sprintf("  LEFT JOIN %s j%d ON j%d.\"unit\" = up.\"unit\" AND j%d.\"period\" = up.\"period\"", b.ident(alias), i+1, i+1, i+1))
	}
	// Every period a unit is assigned in, with its rows of that period and
	// its running totals; the window runs over all periods of the unit so
	// periods without rows still carry the totals.
	ctes = append(ctes, fmt.Sprintf("\"tl_per_unit\" AS (\n  SELECT up.\"unit\", up.\"variant\", up.\"period\",\n%s\n  FROM \"unit_periods\" up\n%s\n  WHERE up.\"variants\" = 1\n)",
		strings.Join(cols, ",\n"), strings.Join(joins, "\n")))
	var vals, sums []string
	for i, mc := range b.plan.Metrics {
		m := mc.Use.Metric
		if !TimelineMetric(m) {
			continue
		}
		name := fmt.Sprintf("m%d", i+1)
		for _, pre := range []string{TimelineDaily, TimelineCumulative} {
			ref := func(a *model.Aggregate) string { return b.ident(pre + b.aggCol[a.Key]) }
			val := func(x model.UnitExpr) string {
				s := unitSQL(x, ref)
				if x.Type().String() == "bool" {
					s = "CAST(" + s + " AS INTEGER)"
				}
				return "CAST(" + s + " AS DOUBLE)"
			}
			if m.Kind == model.Ratio {
				num, den := b.ident(pre+name+"_num"), b.ident(pre+name+"_den")
				vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), num), fmt.Sprintf("    %s AS %s", val(m.Den), den))
				sums = append(sums, fmt.Sprintf("count(*) AS %s", b.ident(pre+mc.N)),
					fmt.Sprintf("fsum(%s) AS %s", num, b.ident(pre+mc.Sum)), fmt.Sprintf("fsum(%s * %s) AS %s", num, num, b.ident(pre+mc.SumSq)),
					fmt.Sprintf("fsum(%s) AS %s", den, b.ident(pre+mc.DenSum)), fmt.Sprintf("fsum(%s * %s) AS %s", den, den, b.ident(pre+mc.DenSumSq)),
					fmt.Sprintf("fsum(%s * %s) AS %s", num, den, b.ident(pre+mc.Prod)))
				continue
			}
			v := b.ident(pre + name)
			vals = append(vals, fmt.Sprintf("    %s AS %s", val(m.Value), v))
			sums = append(sums, fmt.Sprintf("count(%s) AS %s", v, b.ident(pre+mc.N)),
				fmt.Sprintf("fsum(%s) AS %s", v, b.ident(pre+mc.Sum)), fmt.Sprintf("fsum(%s * %s) AS %s", v, v, b.ident(pre+mc.SumSq)))
		}
	}
	ctes = append(ctes, fmt.Sprintf("\"tl_values\" AS (\n  SELECT \"variant\", \"period\",\n%s\n  FROM \"tl_per_unit\"\n)", strings.Join(vals, ",\n")))
	return fmt.Sprintf("-- caliper: experiment %s timeline by %s\nWITH\n%s\nSELECT v.\"variant\", v.\"period\", any_value(p.\"period_start\") AS \"period_start\", any_value(p.\"period_end\") AS \"period_end\", count(*) AS \"units\",\n  %s,\n  (SELECT count(DISTINCT \"unit\") FROM \"unit_periods\" x WHERE x.\"variants\" > 1 AND x.\"period\" = v.\"period\") AS \"excluded_multiple_variants\"\nFROM \"tl_values\" v JOIN \"periods\" p USING (\"period\")\nGROUP BY v.\"variant\", v.\"period\"\nORDER BY v.\"period\", v.\"variant\"",
		e.Name, e.Timeline, strings.Join(ctes, ",\n"), strings.Join(sums, ",\n  "))
}

// timelineCumulative is the running value of a per-period aggregate over a
// unit's periods up to the current one.
func timelineCumulative(a *model.Aggregate, daily string) string {
	fn := "sum"
	switch a.Func.Name {
	case "any":
		fn = "bool_or"
	case "min":
		fn = "min"
	case "max":
		fn = "max"
	}
	return fmt.Sprintf("%s(%s) OVER (PARTITION BY up.\"unit\" ORDER BY up.\"period\" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)", fn, daily)
}
