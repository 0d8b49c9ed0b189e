package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/stdlib"
)

// quantile compiles an event-level quantile metric to the per-arm
// statistics of runtime/stats.QuantileStats: the order statistics at the
// ranks k, L, U and the per-unit indicator sums for the clustered
// variance. Ranking needs the rows themselves, so a quantile metric reads
// its source in its own pass (rows still stay in the engine).
func (b *builder) quantile(mc *MetricColumns, q *model.QuantileSpec) string {
	rel := func(suffix string) string { return b.d.Ident(mc.quantileRelation(suffix)) }
	d := b.d
	z := strconv.FormatFloat(stdlib.QuantileRankZ, 'g', -1, 64)
	nu := strconv.FormatFloat(q.Q, 'g', -1, 64)
	where := []string{fmt.Sprintf("%s IS NOT NULL", rowSQL(d, q.Arg, "s."))}
	if q.Filter != nil {
		where = append(where, rowSQL(d, q.Filter, "s."))
	}
	// The analysis window only: with CUPED the scan window also opens the
	// period before exposure, which a quantile (not adjusted) leaves out.
	post, _ := b.periodConds(q.Source)
	where = append(append(where, b.windowConds(q.Source)...), post...)
	// Observations are clustered by unit, or by the experiment's cluster.
	cluster := `u."unit"`
	if b.e.Cluster != nil {
		cluster = `u."cluster"`
	}
	obs := b.sqlf("%s AS (\n  SELECT u.\"variant\", "+cluster+" AS \"unit\", %s AS \"y\"\n  FROM \"units\" u\n  JOIN %s s ON s.%s = u.\"unit\"\n  WHERE %s\n)",
		rel(quantileObs), d.Cast(rowSQL(d, q.Arg, "s."), d.Types.Float), d.Ident(srcName(q.Source)), d.Ident(b.e.Unit), strings.Join(where, "\n    AND "))
	ranked := b.sqlf("%s AS (\n  SELECT \"variant\", \"unit\", \"y\",\n    row_number() OVER (PARTITION BY \"variant\" ORDER BY \"y\") AS \"r\",\n    count(*) OVER (PARTITION BY \"variant\") AS \"n\"\n  FROM %s\n)",
		rel(quantileRanked), rel(quantileObs))
	h := fmt.Sprintf("%s * sqrt(%s * %s * (1 - %s))", z, d.Ident("n"), nu, nu)
	n, r, y := d.Ident("n"), d.Ident("r"), d.Ident("y")
	at := func(rank string) string { return d.Aggregate("max", y, r+" = "+rank) }
	bounds := b.sqlf("%s AS (\n  SELECT \"variant\", %s(\"n\") AS \"n\",\n"+
		"    %s AS \"estimate\",\n"+
		"    %s AS \"lower\",\n"+
		"    %s AS \"upper\"\n"+
		"  FROM %s\n  GROUP BY \"variant\"\n)",
		rel(quantileBounds), d.AnyValue,
		at(fmt.Sprintf("greatest(1, ceil(%s * %s - 1e-9))", n, nu)),
		at(fmt.Sprintf("greatest(1, floor(%s * %s - %s + 1e-9))", n, nu, h)),
		at(fmt.Sprintf("least(%s, ceil(%s * %s + %s - 1e-9))", n, n, nu, h)),
		rel(quantileRanked))
	below := d.Aggregate("count", "*", b.sqlf(`o."y" <= b."estimate"`))
	perUnit := b.sqlf("%s AS (\n  SELECT o.\"variant\", o.\"unit\", %s AS \"n_g\",\n    %s AS \"s_g\"\n  FROM %s o JOIN %s b USING (\"variant\")\n  GROUP BY o.\"variant\", o.\"unit\"\n)",
		rel(quantileUnits), d.Cast("count(*)", d.Types.Float), d.Cast(below, d.Types.Float), rel(quantileObs), rel(quantileBounds))
	st := mc.quantileColumns()
	stat := func(i int) string { return d.Ident(st[i]) }
	final := b.sqlf("%s AS (\n  SELECT b.\"variant\", b.\"n\" AS %s, b.\"estimate\" AS %s, b.\"lower\" AS %s, b.\"upper\" AS %s,\n"+
		"    count(*) AS %s, sum(g.\"s_g\") AS %s, sum(g.\"s_g\" * g.\"s_g\") AS %s,\n"+
		"    sum(g.\"n_g\") AS %s, sum(g.\"n_g\" * g.\"n_g\") AS %s, sum(g.\"s_g\" * g.\"n_g\") AS %s\n"+
		"  FROM %s b JOIN %s g USING (\"variant\")\n  GROUP BY b.\"variant\", b.\"n\", b.\"estimate\", b.\"lower\", b.\"upper\"\n)",
		rel(quantileStats), stat(0), stat(1), stat(2), stat(3),
		stat(4), stat(5), stat(6), stat(7), stat(8), stat(9),
		rel(quantileBounds), rel(quantileUnits))
	return strings.Join([]string{obs, ranked, bounds, perUnit, final}, ",\n")
}

// cap is the winsorizing cap of value column col: its continuous quantile
// at fraction p over all units (NULLs left out). Dialects without an exact
// quantile aggregate get the same interpolation between order statistics
// written out: with the n values sorted and h = (n - 1) p, the value at
// rank floor(h) plus (h - floor(h)) times the step to the next one. That
// form is a scalar subquery, not an aggregate (see values).
func (b *builder) cap(col string, p float64) string {
	frac := strconv.FormatFloat(p, 'g', -1, 64)
	if b.d.Quantile != "" {
		return fmt.Sprintf(b.d.Quantile, b.ident(col), frac)
	}
	x := b.ident(col)
	return b.sqlf("(SELECT z.\"lo\" + (z.\"h\" - floor(z.\"h\")) * (z.\"hi\" - z.\"lo\") FROM (\n"+
		"    SELECT %s AS \"lo\", %s AS \"hi\", max(q.\"h\") AS \"h\"\n"+
		"    FROM (SELECT %s AS \"x\", row_number() OVER (ORDER BY %s) AS \"r\", %s * %s AS \"h\" FROM \"values_raw\" WHERE %s IS NOT NULL) q) z)",
		b.d.Aggregate("max", b.sqlf(`q."x"`), b.sqlf(`q."r" = floor(q."h") + 1`)),
		b.d.Aggregate("max", b.sqlf(`q."x"`), b.sqlf(`q."r" = ceil(q."h") + 1`)),
		x, x, b.d.Cast("count(*) OVER () - 1", b.d.Types.Float), frac, x)
}
