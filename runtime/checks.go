package runtime

import (
	"context"
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// Exposure rows left out before any statistics, by reason (keys of a
// target's `excluded` map; counts of exposure rows).
const (
	ExcludedNullUnit    = "null_or_empty_unit_rows"
	ExcludedNullVariant = "null_or_empty_variant_rows"
	ExcludedNullTime    = "null_time_rows"
)

// ExposureCheck is what CheckExposures found: the exposure rows the
// analysis leaves out, by reason.
type ExposureCheck struct {
	Excluded map[string]int64
}

// CheckExposures looks at an experiment's exposures before any
// statistics, so that a typo or an empty selection is an error at the
// field that caused it rather than a confident verdict: the `where`
// filter must keep some rows (the error lists the filtered column's most
// frequent values); the control and every named treatment must be
// variants of the kept rows (with a did-you-mean from the values
// present); there must be a treatment, and every arm must have units.
// Rows whose unit or variant is NULL or empty, and rows without a time,
// are counted (they are left out of the analysis). It costs one grouped
// pass over the exposures; the units of each variant are counted (a
// second pass) only to explain a problem.
func CheckExposures(ctx context.Context, eng engine.Engine, d *dialect.Dialect, e *model.Experiment) (*ExposureCheck, diag.List) {
	var diags diag.List
	out := &ExposureCheck{Excluded: map[string]int64{}}
	x := e.Exposures
	if x == nil || x.Reader == nil || e.Factorial() || e.Assignment == nil {
		return out, diags
	}
	q := newExposureQuery(e, d)
	c, err := q.counts(ctx, eng)
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment `%s`: cannot check its exposures: %s", e.Name, firstLine(err.Error()))
		return out, diags
	}
	if c.total == 0 && q.filter != "" {
		diags = append(diags, emptyFilter(ctx, eng, d, e, q.rel)...)
		return out, diags
	}
	if c.total == 0 {
		diags.Errorf(diag.EDataEmpty, exposuresSpan(e), "experiment `%s`: the exposures `%s` have no rows", e.Name, x.Name)
		return out, diags
	}
	out.Excluded[ExcludedNullUnit] = int64(c.nu)
	out.Excluded[ExcludedNullVariant] = int64(c.nv)
	if x.Time != nil {
		out.Excluded[ExcludedNullTime] = int64(c.nt)
	}
	if variantsFit(e, c.present) {
		return out, diags
	}
	// Something is wrong: count the units of each variant for the
	// messages (a second pass, on this path only).
	units, present, vd := q.variantUnits(ctx, eng, out)
	if vd != nil {
		return out, vd
	}
	return out, checkArms(e, out, c.rows, units, present)
}

// exposureQuery is the SQL of CheckExposures's passes over an
// experiment's exposures: the relation, its quoted unit and variant
// columns, the `where` filter and the conditions of a row the analysis
// keeps (a unit, a time, within start and end).
type exposureQuery struct {
	e                          *model.Experiment
	d                          *dialect.Dialect
	rel, unit, variant, filter string
	unitType                   types.Type
	keep                       []string
}

func newExposureQuery(e *model.Experiment, d *dialect.Dialect) *exposureQuery {
	x := e.Exposures
	q := &exposureQuery{e: e, d: d, rel: "(" + compiler.Relation(x, d) + ") " + d.Ident("x"),
		unit: d.Ident(e.Unit), variant: d.Ident(e.Assignment.Name), unitType: types.String}
	if c := x.Column(e.Unit); c != nil {
		q.unitType = c.Type
	}
	if e.ExposureFilter != nil {
		q.filter = compiler.RowSQL(d, e.ExposureFilter)
	}
	q.keep = []string{"NOT (" + blankSQL(q.unit, q.unitType) + ")"}
	if x.Time != nil {
		q.keep = append(q.keep, d.Ident(x.Time.Name)+" IS NOT NULL")
	}
	q.keep = append(q.keep, compiler.ExposureBounds(e, d)...)
	return q
}

// blankSQL is the condition that col holds no value (NULL, or the empty
// string for a string column).
func blankSQL(col string, typ types.Type) string {
	if typ == types.String {
		return fmt.Sprintf("%s IS NULL OR %s = ''", col, col)
	}
	return col + " IS NULL"
}

// where is the WHERE clause of the filter and conds ("" for none).
func (q *exposureQuery) where(conds ...string) string {
	var all []string
	if q.filter != "" {
		all = append(all, "("+q.filter+")")
	}
	for _, c := range conds {
		all = append(all, "("+c+")")
	}
	if len(all) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(all, " AND ")
}

// exposureCounts are the first pass's totals: rows, rows without a unit
// (nu), a variant (nv) or a time (nt), the rows per variant value, and the
// variants with rows the analysis keeps.
type exposureCounts struct {
	total, nu, nv, nt float64
	rows              map[string]int64
	present           []string
}

// counts is one pass over the exposures: per variant value, the rows, the
// rows the analysis keeps, and the rows left out for a missing unit,
// variant or time.
func (q *exposureQuery) counts(ctx context.Context, eng engine.Engine) (*exposureCounts, error) {
	d, e := q.d, q.e
	x, vt := e.Exposures, e.Assignment.Type
	noUnit := blankSQL(q.unit, q.unitType)
	cols := []string{d.Cast(q.variant, d.Types.String) + " AS v", "count(*) AS r",
		d.Aggregate("count", "*", strings.Join(q.keep, " AND ")) + " AS k",
		d.Aggregate("count", "*", noUnit) + " AS nu",
		d.Aggregate("count", "*", fmt.Sprintf("NOT (%s) AND (%s)", noUnit, blankSQL(q.variant, vt))) + " AS nv"}
	if x.Time != nil {
		cols = append(cols, d.Aggregate("count", "*", fmt.Sprintf("NOT (%s) AND NOT (%s) AND %s IS NULL", noUnit, blankSQL(q.variant, vt), d.Ident(x.Time.Name)))+" AS nt")
	}
	tab, err := eng.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+q.rel+q.where()+" GROUP BY 1")
	if err != nil {
		return nil, err
	}
	c := &exposureCounts{rows: map[string]int64{}}
	for _, row := range tab.Rows {
		f, err := numbers(row[1:])
		if err != nil {
			return nil, err
		}
		c.total, c.nu, c.nv = c.total+f[0], c.nu+f[2], c.nv+f[3]
		if x.Time != nil {
			c.nt += f[4]
		}
		v, _ := row[0].(string)
		if row[0] == nil || v == "" && vt == types.String { // no variant
			continue
		}
		c.rows[v] += int64(f[0])
		if f[1] > 0 {
			c.present = append(c.present, v)
		}
	}
	return c, nil
}

// variantUnits counts the units of each variant the analysis keeps, and
// lists the variants with units, most first; the diagnostics are non-nil
// when the query fails or no variant has a unit.
func (q *exposureQuery) variantUnits(ctx context.Context, eng engine.Engine, out *ExposureCheck) (map[string]int64, []string, diag.List) {
	d, e := q.d, q.e
	var diags diag.List
	tab, err := eng.Query(ctx, fmt.Sprintf("SELECT %s AS v, %s AS n FROM %s%s GROUP BY 1 ORDER BY 2 DESC, 1",
		d.Cast(q.variant, d.Types.String), d.Aggregate("count", "DISTINCT "+q.unit, strings.Join(q.keep, " AND ")), q.rel,
		q.where("NOT ("+blankSQL(q.variant, e.Assignment.Type)+")")))
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment `%s`: cannot list its variants: %s", e.Name, firstLine(err.Error()))
		return nil, nil, diags
	}
	units := map[string]int64{}
	var present []string
	for _, row := range tab.Rows {
		v, _ := row[0].(string)
		f, err := numbers(row[1:])
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "experiment `%s`: listing its variants returned %v", e.Name, err)
			return nil, nil, diags
		}
		if f[0] > 0 {
			units[v] = int64(f[0])
			present = append(present, v)
		}
	}
	if len(present) == 0 {
		dg := diags.Errorf(diag.EDataEmpty, exposuresSpan(e), "experiment `%s`: no exposure row has a unit, a variant and a time within start and end", e.Name)
		if nu, nv, nt := out.Excluded[ExcludedNullUnit], out.Excluded[ExcludedNullVariant], out.Excluded[ExcludedNullTime]; nu+nv+nt > 0 {
			dg.Hint("%d row(s) have no unit, %d no variant, %d no time", nu, nv, nt)
		} else {
			dg.Hint("every row's time lies outside [start, end): check `start` and `end` against the data")
		}
		return nil, nil, diags
	}
	return units, present, nil
}

// checkArms reports the control or a named treatment without units to
// analyse (rows: exposure rows per variant value; units and present: the
// variants with units), and an experiment with no treatment.
func checkArms(e *model.Experiment, out *ExposureCheck, rows, units map[string]int64, present []string) diag.List {
	var diags diag.List
	list := variantList(present, units)
	missing := func(span source.Span, role, name string) {
		if n := rows[name]; n > 0 {
			diags.Errorf(diag.EDataVariant, span, "experiment `%s`: the %s %q has %d exposure row(s) but no unit to analyse: none has a unit and a time within start and end", e.Name, role, name, n).
				Hint("%d row(s) of the exposures have no unit, %d no time; the exposures' units: %s", out.Excluded[ExcludedNullUnit], out.Excluded[ExcludedNullTime], list)
			return
		}
		dg := diags.Errorf(diag.EDataVariant, span, "experiment `%s`: the %s %q is not a value of `%s` in the exposures", e.Name, role, name, e.Assignment.Name)
		if sug := diag.Closest(name, present); sug != "" {
			dg.Hint("did you mean %q? the exposures have %s", sug, list)
		} else {
			dg.Hint("the exposures have %s", list)
		}
	}
	if _, ok := units[e.Control]; !ok {
		missing(e.Spans.Control, "control", e.Control)
	}
	for _, tr := range e.Treatments {
		if _, ok := units[tr]; !ok {
			missing(e.TreatmentSpan(tr), "treatment", tr)
		}
	}
	if diags.HasErrors() {
		return diags
	}
	treatments := e.Treatments
	if len(treatments) == 0 {
		for _, v := range present {
			if v != e.Control {
				treatments = append(treatments, v)
			}
		}
	}
	if len(treatments) == 0 {
		diags.Errorf(diag.EDataVariant, e.Spans.Control, "experiment `%s`: the exposures have only the control %q: there is no treatment to compare", e.Name, e.Control).
			Hint("check the exposures' filter and data; the exposures have %s%s", list, blanks(out))
	}
	return diags
}

// variantsFit reports whether the variants with units to analyse
// (present) include the control and every named treatment, and some
// treatment: then CheckExposures has nothing to say about them.
func variantsFit(e *model.Experiment, present []string) bool {
	has := map[string]bool{}
	for _, v := range present {
		has[v] = true
	}
	if !has[e.Control] {
		return false
	}
	for _, tr := range e.Treatments {
		if !has[tr] {
			return false
		}
	}
	return len(e.Treatments) > 0 || len(has) > 1
}

// blanks mentions exposure rows left out for a missing variant or unit.
func blanks(out *ExposureCheck) string {
	s := ""
	if n := out.Excluded[ExcludedNullVariant]; n > 0 {
		s += fmt.Sprintf("; %d row(s) have no variant", n)
	}
	if n := out.Excluded[ExcludedNullUnit]; n > 0 {
		s += fmt.Sprintf("; %d row(s) have no unit", n)
	}
	return s
}

// variantList renders variants with their units, most units first.
func variantList(vs []string, units map[string]int64) string {
	var parts []string
	for i, v := range vs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%q (%d units)", v, units[v]))
	}
	return strings.Join(parts, ", ")
}

// emptyFilter explains a `where` on the exposures that keeps no row: the
// most frequent values of the columns it reads.
func emptyFilter(ctx context.Context, eng engine.Engine, d *dialect.Dialect, e *model.Experiment, rel string) diag.List {
	var diags diag.List
	span, names := e.Spans.Filter, e.Spans.FilterColumns
	dg := diags.Errorf(diag.EDataEmpty, span, "experiment `%s`: no exposure row matches the filter", e.Name)
	var hints []string
	for _, name := range names {
		c := e.Exposures.Column(name)
		if c == nil {
			continue
		}
		col := d.Ident(c.Name)
		tab, err := eng.Query(ctx, fmt.Sprintf("SELECT %s AS v, count(*) AS n FROM %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5", d.Cast(col, d.Types.String), rel))
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "experiment `%s`: cannot list the values of `%s`: %s", e.Name, c.Name, firstLine(err.Error()))
			continue
		}
		var vals []string
		for _, row := range tab.Rows {
			n, err := engine.Float(row[1])
			if err != nil {
				continue
			}
			if row[0] == nil {
				vals = append(vals, fmt.Sprintf("NULL (%d row(s))", int64(n)))
				continue
			}
			vals = append(vals, fmt.Sprintf("%q (%d row(s))", fmt.Sprint(row[0]), int64(n)))
		}
		if len(vals) == 0 {
			hints = append(hints, fmt.Sprintf("`%s` has no rows at all", c.Name))
			continue
		}
		hints = append(hints, fmt.Sprintf("the most frequent values of `%s`: %s", c.Name, strings.Join(vals, ", ")))
	}
	if len(hints) > 0 {
		dg.Hint("%s", strings.Join(hints, "; "))
	}
	return diags
}

// exposuresSpan is the span of the `exposures` field's value.
func exposuresSpan(e *model.Experiment) source.Span { return e.Spans.Exposures }
