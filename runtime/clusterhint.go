package runtime

import (
	"context"
	"fmt"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/compiler/dialect"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// ClusterHints warns when an experiment's exposures look randomized in
// groups coarser than its unit while it has no `cluster`: some exposure
// column (other than the unit, the assignment and the time) has at least 10
// values, most of them shared by several units, and every value's units
// got one variant. Unit-level standard errors would then be too small.
func ClusterHints(ctx context.Context, eng engine.Engine, d *dialect.Dialect, e *model.Experiment) diag.List {
	var diags diag.List
	if e.Cluster != nil || e.Factorial() || e.Assignment == nil || e.Exposures == nil {
		return diags
	}
	x := e.Exposures
	where := ""
	if e.ExposureFilter != nil {
		where = "WHERE " + compiler.RowSQL(d, e.ExposureFilter)
	}
	for _, c := range x.Columns {
		if c.Name == e.Unit || c == e.Assignment || c == x.Time || c.Type != types.String && c.Type != types.Int {
			continue
		}
		q := fmt.Sprintf(`WITH a AS (SELECT %s AS u, %s AS g, %s AS v FROM (%s) s %s),
p AS (SELECT g, count(DISTINCT u) AS units, count(DISTINCT v) AS variants FROM a WHERE g IS NOT NULL GROUP BY g)
SELECT count(*) AS groups, count(*) FILTER (WHERE units > 1) AS shared, count(*) FILTER (WHERE variants > 1) AS mixed FROM p`,
			d.Ident(e.Unit), d.Ident(c.Name), d.Ident(e.Assignment.Name), compiler.Relation(x, d), where)
		tab, err := eng.Query(ctx, q)
		if err != nil || len(tab.Rows) != 1 {
			continue
		}
		groups, shared, mixed := engine.Float(tab.Rows[0][0]), engine.Float(tab.Rows[0][1]), engine.Float(tab.Rows[0][2])
		if groups >= 10 && shared*2 >= groups && mixed == 0 {
			diags.Warnf(diag.WClusterLike, e.UnitSpan, "units of experiment `%s` share values of `%s` (%d of them, %d with several units), and each value has one variant: it looks randomized by `%s`",
				e.Name, c.Name, int64(groups), int64(shared), c.Name).
				Hint("add `cluster %s`, so standard errors account for units randomized together", c.Name)
		}
	}
	return diags
}
