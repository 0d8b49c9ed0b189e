package compiler

import (
	"fmt"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// RolloutPlan is the compiled form of one rollout: one query that returns
// a row per group and period with each metric's value in that cell,
// computed with the metric's own definition (the cell taking the place of
// the unit): a mean or proportion's value, a ratio's numerator and
// denominator. Periods are numbered from RolloutOrigin (days, or weeks
// from a Monday), so a group's adoption period is comparable with every
// row's. The rows stay in the engine; the panel is groups × periods.
type RolloutPlan struct {
	Rollout *model.Rollout
	SQL     string
	// Metrics name each metric's columns, in the rollout's order.
	Metrics []*RolloutMetricColumns
	Columns Columns
}

// RolloutMetricColumns name one metric's cell columns: Value (a mean's or
// proportion's value, a ratio's numerator) and Den (a ratio's
// denominator; "" otherwise).
type RolloutMetricColumns struct {
	Use        *model.MetricUse
	Value, Den string
}

// Result columns of a rollout's query.
const (
	ColROGroup    = "grp"        // the group's value, as text
	ColROPeriod   = "period"     // the row's period number since RolloutOrigin
	ColROAdoptMin = "adopt_min"  // the smallest adoption period of the cell's rows (NULL: never)
	ColROAdoptMax = "adopt_max"  // the largest (differs from adopt_min when adoption is not constant)
	ColROAdoptN   = "adopt_rows" // rows with an adoption instant
	ColRORows     = "rows"       // rows in the cell
	// ColROAdoptFirst and ColROAdoptLast are the earliest and latest
	// adoption instants of the cell's rows, in seconds since
	// RolloutOrigin: instants that differ within one period floor to the
	// same period, and the runtime flags them.
	ColROAdoptFirst = "adopt_first_s"
	ColROAdoptLast  = "adopt_last_s"
)

// RolloutOrigin is the instant periods are numbered from: a Monday 00:00
// UTC, so that weeks run from Monday.
var RolloutOrigin = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// CompileRollout builds a rollout's query in dialect d.
func CompileRollout(r *model.Rollout, d *dialect.Dialect) (*RolloutPlan, error) {
	if r.Rows == nil || r.Rows.Time == nil || r.Group == nil || r.Adopted == nil || len(r.Metrics) == 0 {
		return nil, fmt.Errorf("rollout %s is incomplete", r.Name)
	}
	if err := CheckReader(r.Rows, d); err != nil {
		return nil, fmt.Errorf("rollout %s: %v", r.Name, err)
	}
	p := &RolloutPlan{Rollout: r}
	var aggs []*model.Aggregate
	for j, u := range r.Metrics {
		value, den := rolloutColumns(j)
		mc := &RolloutMetricColumns{Use: u, Value: value}
		if u.Metric.Kind == model.Ratio {
			mc.Den = den
		}
		p.Metrics = append(p.Metrics, mc)
		aggs = append(aggs, model.Aggregates(u.Metric.Value, u.Metric.Den)...)
	}
	// Distinct aggregates, each one column of the scan.
	var uniq []*model.Aggregate
	col := map[string]string{}
	for _, a := range aggs {
		if _, ok := col[a.Key]; !ok {
			col[a.Key] = aggColumn(len(uniq) + 1)
			uniq = append(uniq, a)
		}
	}
	b := &builder{d: d}
	q := d.Ident
	seconds := func(ts string) string {
		return fmt.Sprintf(d.Seconds, d.Cast(ts, d.Types.Timestamp), b.instant(RolloutOrigin))
	}
	period := func(ts string) string {
		return fmt.Sprintf("CAST(floor(%s / %d) AS %s)", seconds(ts), r.PeriodSeconds(), d.Types.Int)
	}
	adopt := period("s." + q(r.Adopted.Name))
	adoptSecs := d.Cast(seconds("s."+q(r.Adopted.Name)), d.Types.Float)
	cols := []string{
		fmt.Sprintf("%s AS %s", b.text("s."+q(r.Group.Name)), q(ColROGroup)),
		fmt.Sprintf("%s AS %s", period("s."+q(r.Rows.Time.Name)), q(ColROPeriod)),
		fmt.Sprintf("min(%s) AS %s", adopt, q(ColROAdoptMin)),
		fmt.Sprintf("max(%s) AS %s", adopt, q(ColROAdoptMax)),
		fmt.Sprintf("count(s.%s) AS %s", q(r.Adopted.Name), q(ColROAdoptN)),
		fmt.Sprintf("count(*) AS %s", q(ColRORows)),
		fmt.Sprintf("min(%s) AS %s", adoptSecs, q(ColROAdoptFirst)),
		fmt.Sprintf("max(%s) AS %s", adoptSecs, q(ColROAdoptLast)),
	}
	for _, a := range uniq {
		cols = append(cols, strings.TrimSpace(b.aggregate(scanAgg{agg: a, name: col[a.Key]})))
	}
	ref := func(a *model.Aggregate) string { return a.Func.OrEmpty(q(col[a.Key])) }
	value := func(x model.UnitExpr) string {
		s := unitSQL(d, x, ref)
		if x.Type() == types.Bool {
			s = d.Cast(s, d.Types.Integer)
		}
		return d.Cast(s, d.Types.Float)
	}
	outer := []string{q(ColROGroup), q(ColROPeriod), q(ColROAdoptMin), q(ColROAdoptMax), q(ColROAdoptN), q(ColRORows), q(ColROAdoptFirst), q(ColROAdoptLast)}
	for _, mc := range p.Metrics {
		outer = append(outer, fmt.Sprintf("%s AS %s", value(mc.Use.Metric.Value), q(mc.Value)))
		if mc.Den != "" {
			outer = append(outer, fmt.Sprintf("%s AS %s", value(mc.Use.Metric.Den), q(mc.Den)))
		}
	}
	where := fmt.Sprintf("s.%s IS NOT NULL AND s.%s IS NOT NULL", q(r.Group.Name), q(r.Rows.Time.Name))
	if r.Filter != nil {
		where += " AND " + rowSQL(d, r.Filter, "s.")
	}
	var w strings.Builder
	fmt.Fprintf(&w, "-- caliper: rollout %s by %s, %d metric(s)\n", dialect.CommentText(r.Name), r.Period, len(r.Metrics))
	w.WriteString(b.sqlf("WITH\n%s AS (\n  %s\n),\n\"ro_cells\" AS (\n  SELECT %s\n  FROM %s s\n  WHERE %s\n  GROUP BY 1, 2\n)\nSELECT %s\nFROM \"ro_cells\"\nORDER BY 1, 2",
		q(srcName(r.Rows)), Relation(r.Rows, d), strings.Join(cols, ",\n    "), q(srcName(r.Rows)),
		where, strings.Join(outer, ",\n  ")))
	p.SQL = w.String()
	p.describe()
	return p, nil
}

// describe lists the query's result columns.
func (p *RolloutPlan) describe() {
	num := func(name, meaning string, null bool) ResultColumn {
		return ResultColumn{Name: name, Meaning: meaning, Type: Number, Nullable: null}
	}
	cols := Columns{
		{Name: ColROGroup, Meaning: "the group", Type: Text},
		num(ColROPeriod, "the period, numbered from 2001-01-01 (a Monday) UTC", false),
		num(ColROAdoptMin, "the earliest adoption period among the cell's rows (NULL: none adopted)", true),
		num(ColROAdoptMax, "the latest adoption period among the cell's rows", true),
		num(ColROAdoptN, "rows with an adoption instant", false),
		num(ColRORows, "rows in the cell", false),
		num(ColROAdoptFirst, "the earliest adoption instant among the cell's rows, in seconds from 2001-01-01 UTC", true),
		num(ColROAdoptLast, "the latest adoption instant among the cell's rows, in seconds from 2001-01-01 UTC", true),
	}
	for _, mc := range p.Metrics {
		m := mc.Use.Metric.Name
		if mc.Den != "" {
			cols = append(cols, num(mc.Value, m+": the numerator in the cell", true), num(mc.Den, m+": the denominator in the cell", true))
		} else {
			cols = append(cols, num(mc.Value, m+": the value in the cell (NULL: not defined)", true))
		}
	}
	p.Columns = cols
}
