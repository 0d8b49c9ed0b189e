package runtime

import (
	"context"
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// ClusterHintRows is how many exposure rows ClusterHints reads.
const ClusterHintRows = 200_000

// ClusterHints warns when an experiment's exposures look randomized in
// groups coarser than its unit while it has no `cluster`: some exposure
// column (other than the unit, the assignment and the time) has at least 10
// values, most of them shared by several units, and every value's units
// got one variant. Unit-level standard errors would then be too small.
// All candidate columns are checked in one GROUPING SETS query over the
// first ClusterHintRows exposure rows: all of them in most experiments; on
// larger data a sample, which keeps the check cheap (a full count of
// distinct units per value cost a tenth of a 1M-unit run). A sample can
// miss clusters too small to recur in it, or the few units that break a
// column's one-variant pattern; the hint is a warning that asks to look.
func ClusterHints(ctx context.Context, eng engine.Engine, d *dialect.Dialect, e *model.Experiment) diag.List {
	var diags diag.List
	if e.Cluster != nil || e.Factorial() || e.Assignment == nil || e.Exposures == nil {
		return diags
	}
	x := e.Exposures
	var cols []*model.Column
	for _, c := range x.Columns {
		if c.Name == e.Unit || c == e.Assignment || c == x.Time || c.Type != types.String && c.Type != types.Int {
			continue
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return diags
	}
	where := ""
	if e.ExposureFilter != nil {
		where = "WHERE " + compiler.RowSQL(d, e.ExposureFilter)
	}
	var sel, sets, which []string
	for i, c := range cols {
		g := fmt.Sprintf("g%d", i)
		sel = append(sel, fmt.Sprintf("%s AS %s", d.Ident(c.Name), g))
		sets = append(sets, "("+g+")")
		which = append(which, fmt.Sprintf("WHEN grouping(%s) = 0 THEN %d", g, i))
	}
	q := fmt.Sprintf(`WITH a AS (SELECT %s AS u, %s AS v, %s FROM (%s) s %s LIMIT %d),
p AS (SELECT CASE %s END AS col, count(DISTINCT u) AS units, count(DISTINCT v) AS variants
      FROM a GROUP BY GROUPING SETS (%s))
SELECT col, count(*) AS groups, count(*) FILTER (WHERE units > 1) AS shared, count(*) FILTER (WHERE variants > 1) AS mixed
FROM p WHERE col IS NOT NULL GROUP BY col ORDER BY col`,
		d.Ident(e.Unit), d.Ident(e.Assignment.Name), strings.Join(sel, ", "), compiler.Relation(x, d), where, ClusterHintRows,
		strings.Join(which, " "), strings.Join(sets, ", "))
	tab, err := eng.Query(ctx, q)
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment %s: the check for cluster-like columns failed: %s", e.Name, firstLine(err.Error()))
		return diags
	}
	for _, row := range tab.Rows {
		f, err := numbers(row)
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "experiment %s: the check for cluster-like columns returned %v", e.Name, err)
			return diags
		}
		i, groups, shared, mixed := int(f[0]), f[1], f[2], f[3]
		if i < 0 || i >= len(cols) || groups < 10 || shared*2 < groups || mixed > 0 {
			continue
		}
		c := cols[i]
		diags.Warnf(diag.WClusterLike, e.UnitSpan, "units of experiment `%s` share values of `%s` (%d of them, %d with several units), and each value has one variant: it looks randomized by `%s`",
			e.Name, c.Name, int64(groups), int64(shared), c.Name).
			Hint("add `cluster %s`, so standard errors account for units randomized together", c.Name)
	}
	return diags
}
