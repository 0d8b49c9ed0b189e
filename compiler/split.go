package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// ColSplit is the split query's column holding the split value.
const ColSplit = "split"

// splitSQL compiles `split C`: every (non-quantile) metric again per value
// of the row attribute C of its source, in a second query whose rows are
// (variant, split value) with the same statistics columns as the main
// query. Each source is scanned once more, grouped by unit and value; all
// units of an arm count in every value (0 when they have no rows there).
// A ratio's per-value figure is its contribution Σ M_s / Σ D (the value's
// numerator over the unit's whole denominator), which adds up across values.
func (b *builder) splitSQL() string {
	e := b.e
	col := e.Split
	ctes := b.sourceCTEs()
	ctes = append(ctes, b.unitCTEs(b.completeOnly())...)
	splitCol := map[string]string{} // aggregate key -> split column
	var keys []string
	var perUnit, joins []string
	for i, s := range b.plan.Scans {
		if s.Source.Column(col) == nil {
			continue
		}
		aggs := aggColumns(s, splitAggColumn)
		for _, c := range aggs {
			splitCol[c.agg.Key] = c.name
		}
		alias := fmt.Sprintf("split_scan_%d", i+1)
		perUnit = append(perUnit, b.joinBack(fmt.Sprintf("j%d", i+1), aggs, sameName)...)
		ctes = append(ctes, b.render(&unitScan{name: alias, source: s.Source,
			keys:  []string{b.sqlf(`%s AS "split"`, b.text("s."+b.ident(col)))},
			where: b.windowConds(s.Source), groupBy: "1, 2", aggs: aggs}))
		keys = append(keys, b.sqlf("SELECT DISTINCT \"split\" FROM %s", b.ident(alias)))
		joins = append(joins, b.sqlf("  LEFT JOIN %s j%d ON j%d.\"unit\" = u.\"unit\" AND j%d.\"split\" IS NOT DISTINCT FROM k.\"split\"", b.ident(alias), i+1, i+1, i+1))
	}
	ctes = append(ctes, b.sqlf("\"split_keys\" AS (\n  %s\n)", strings.Join(keys, "\n  UNION\n  ")))
	ctes = append(ctes, b.sqlf("\"split_per_unit\" AS (\n  SELECT u.\"unit\", u.\"variant\", k.\"split\",\n%s\n  FROM \"units\" u\n  CROSS JOIN \"split_keys\" k\n%s\n)",
		strings.Join(perUnit, ",\n"), strings.Join(joins, "\n")))
	ref := func(a *model.Aggregate) string { return b.ident(splitCol[a.Key]) }
	fsum := func(expr, alias string) string {
		return fmt.Sprintf("coalesce(%s(%s), 0) AS %s", b.d.FloatSum, expr, b.ident(alias))
	}
	double := func(expr string) string { return b.d.Cast(expr, b.d.Types.Float) }
	var vals, sums []string
	var roots []model.UnitExpr
	for _, mc := range b.plan.Metrics {
		if SplitsMetric(mc.Use.Metric, col) {
			roots = append(roots, mc.Use.Metric.Value, mc.Use.Metric.Den)
		}
	}
	sh := findShared(roots...)
	view := sharedView{ref: ref, name: sameName}
	shared, from := sh.ctes(b, "split_per_unit", view)
	ctes = append(ctes, shared...)
	for _, mc := range b.plan.Metrics {
		m := mc.Use.Metric
		if !SplitsMetric(m, col) {
			continue
		}
		switch m.Kind {
		case model.Ratio:
			num, den := b.ident(mc.Num()), b.ident(mc.Den())
			vals = append(vals,
				fmt.Sprintf("    %s AS %s", double(sh.expr(b.d, m.Value, view, b)), num),
				fmt.Sprintf("    %s AS %s", double(fmt.Sprintf("sum(%s) OVER (PARTITION BY %s)", sh.expr(b.d, m.Den, view, b), b.ident("unit"))), den))
			sums = append(sums, fmt.Sprintf("count(*) AS %s", b.ident(mc.N)),
				fsum(num, mc.Sum), fsum(num+" * "+num, mc.SumSq),
				fsum(den, mc.DenSum), fsum(den+" * "+den, mc.DenSumSq),
				fsum(num+" * "+den, mc.Prod))
		default:
			v := sh.expr(b.d, m.Value, view, b)
			if exactType(m.Value) {
				v = b.d.Cast(b.d.Cast(v, b.d.Types.Integer), b.d.Types.Float)
			} else {
				v = double(v)
			}
			n := b.ident(mc.Value())
			vals = append(vals, fmt.Sprintf("    %s AS %s", v, n))
			sums = append(sums, fmt.Sprintf("count(%s) AS %s", n, b.ident(mc.N)),
				fsum(n, mc.Sum), fsum(n+" * "+n, mc.SumSq))
		}
	}
	ctes = append(ctes, b.sqlf("\"split_values\" AS (\n  SELECT \"variant\", \"split\",\n%s\n  FROM %s\n)", strings.Join(vals, ",\n"), b.ident(from)))
	return fmt.Sprintf("-- caliper: experiment %s split by %s\n", dialect.CommentText(e.Name), dialect.CommentText(col)) +
		b.sqlf("WITH\n%s\nSELECT \"variant\", \"split\", count(*) AS \"units\",\n  %s\nFROM \"split_values\"\nGROUP BY \"variant\", \"split\"\nORDER BY \"variant\", \"split\" NULLS FIRST",
			strings.Join(ctes, ",\n"), strings.Join(sums, ",\n  "))
}

// SplitsMetric reports whether metric m is computed per value of the split
// column: not quantiles, and only when every source it reads has the
// column.
func SplitsMetric(m *model.Metric, col string) bool {
	if m.Kind == model.Quantile {
		return false
	}
	aggs := model.Aggregates(m.Value, m.Den)
	for _, a := range aggs {
		if a.Source.Column(col) == nil {
			return false
		}
	}
	return len(aggs) > 0
}
