package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// quantile compiles an event-level quantile metric to the per-arm
// statistics of runtime/stats.QuantileStats: the order statistics at the
// ranks k, L, U and the per-unit indicator sums for the clustered
// variance. Ranking needs the rows themselves, so a quantile metric reads
// its source in its own pass (rows still stay in the engine).
func (b *builder) quantile(name string, q *model.QuantileSpec) string {
	d := b.d
	z := strconv.FormatFloat(stats.QuantileRankZ, 'g', -1, 64)
	nu := strconv.FormatFloat(q.Q, 'g', -1, 64)
	where := []string{fmt.Sprintf("%s IS NOT NULL", rowSQL(d, q.Arg, "s."))}
	if q.Filter != nil {
		where = append(where, rowSQL(d, q.Filter, "s."))
	}
	where = append(where, b.windowConds(q.Source)...)
	// Observations are clustered by unit, or by the experiment's cluster.
	cluster := `u."unit"`
	if b.e.Cluster != nil {
		cluster = `u."cluster"`
	}
	obs := fmt.Sprintf("%s AS (\n  SELECT u.\"variant\", %s AS \"unit\", CAST(%s AS DOUBLE) AS \"y\"\n  FROM \"units\" u\n  JOIN %s s ON s.%s = u.\"unit\"\n  WHERE %s\n)",
		d.Ident(name+"_obs"), cluster, rowSQL(d, q.Arg, "s."), d.Ident(srcName(q.Source)), d.Ident(b.e.Unit), strings.Join(where, "\n    AND "))
	ranked := fmt.Sprintf("%s AS (\n  SELECT \"variant\", \"unit\", \"y\",\n    row_number() OVER (PARTITION BY \"variant\" ORDER BY \"y\") AS \"r\",\n    count(*) OVER (PARTITION BY \"variant\") AS \"n\"\n  FROM %s\n)",
		d.Ident(name+"_ranked"), d.Ident(name+"_obs"))
	h := fmt.Sprintf("%s * sqrt(\"n\" * %s * (1 - %s))", z, nu, nu)
	bounds := fmt.Sprintf("%s AS (\n  SELECT \"variant\", any_value(\"n\") AS \"n\",\n"+
		"    max(\"y\") FILTER (WHERE \"r\" = greatest(1, ceil(\"n\" * %s - 1e-9))) AS \"estimate\",\n"+
		"    max(\"y\") FILTER (WHERE \"r\" = greatest(1, floor(\"n\" * %s - %s + 1e-9))) AS \"lower\",\n"+
		"    max(\"y\") FILTER (WHERE \"r\" = least(\"n\", ceil(\"n\" * %s + %s - 1e-9))) AS \"upper\"\n"+
		"  FROM %s\n  GROUP BY \"variant\"\n)",
		d.Ident(name+"_bounds"), nu, nu, h, nu, h, d.Ident(name+"_ranked"))
	perUnit := fmt.Sprintf("%s AS (\n  SELECT o.\"variant\", o.\"unit\", CAST(count(*) AS DOUBLE) AS \"n_g\",\n    CAST(count(*) FILTER (WHERE o.\"y\" <= b.\"estimate\") AS DOUBLE) AS \"s_g\"\n  FROM %s o JOIN %s b USING (\"variant\")\n  GROUP BY o.\"variant\", o.\"unit\"\n)",
		d.Ident(name+"_units"), d.Ident(name+"_obs"), d.Ident(name+"_bounds"))
	mc := func(col string) string { return d.Ident(name + "_q_" + col) }
	final := fmt.Sprintf("%s AS (\n  SELECT b.\"variant\", b.\"n\" AS %s, b.\"estimate\" AS %s, b.\"lower\" AS %s, b.\"upper\" AS %s,\n"+
		"    count(*) AS %s, sum(g.\"s_g\") AS %s, sum(g.\"s_g\" * g.\"s_g\") AS %s,\n"+
		"    sum(g.\"n_g\") AS %s, sum(g.\"n_g\" * g.\"n_g\") AS %s, sum(g.\"s_g\" * g.\"n_g\") AS %s\n"+
		"  FROM %s b JOIN %s g USING (\"variant\")\n  GROUP BY b.\"variant\", b.\"n\", b.\"estimate\", b.\"lower\", b.\"upper\"\n)",
		d.Ident(name+"_q"), mc("n"), mc("estimate"), mc("lower"), mc("upper"),
		mc("clusters"), mc("ind_sum"), mc("ind_sumsq"), mc("obs_sum"), mc("obs_sumsq"), mc("ind_obs_prod"),
		d.Ident(name+"_bounds"), d.Ident(name+"_units"))
	return strings.Join([]string{obs, ranked, bounds, perUnit, final}, ",\n")
}
