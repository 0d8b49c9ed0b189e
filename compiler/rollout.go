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
	for j, u := range r.Metrics {
		value, den := rolloutColumns(j)
		mc := &RolloutMetricColumns{Use: u, Value: value}
		if u.Metric.Kind == model.Ratio {
			mc.Den = den
		}
		p.Metrics = append(p.Metrics, mc)
	}
	g := &roBuilder{p: p, b: &builder{d: d}}
	g.aggregates()
	q := &query{comment: fmt.Sprintf("rollout %s by %s, %d metric(s)", dialect.CommentText(r.Name), r.Period, len(r.Metrics))}
	q.withSource(d, r.Rows)
	q.with(d, "ro_cells", g.cells())
	q.final = g.final()
	p.SQL = q.String()
	p.describe()
	return p, nil
}

// roBuilder builds a rollout's relations: the cells (one row per group
// and period, each distinct aggregate a column named in col) and the
// final select of each metric's value in the cell.
type roBuilder struct {
	p    *RolloutPlan
	b    *builder
	uniq []*model.Aggregate
	col  map[string]string // aggregate key → column
}

// aggregates lists the metrics' distinct aggregates, each one column.
func (g *roBuilder) aggregates() {
	g.col = map[string]string{}
	for _, mc := range g.p.Metrics {
		for _, a := range model.Aggregates(mc.Use.Metric.Value, mc.Use.Metric.Den) {
			if _, ok := g.col[a.Key]; !ok {
				g.col[a.Key] = aggColumn(len(g.uniq) + 1)
				g.uniq = append(g.uniq, a)
			}
		}
	}
}

// period is the number of the period holding timestamp ts, from
// RolloutOrigin; seconds is ts in seconds from it.
func (g *roBuilder) period(ts string) string {
	d := g.b.d
	return fmt.Sprintf("CAST(floor(%s / %d) AS %s)", g.seconds(ts), g.p.Rollout.PeriodSeconds(), d.Types.Int)
}

func (g *roBuilder) seconds(ts string) string {
	d := g.b.d
	return fmt.Sprintf(d.Seconds, d.Cast(ts, d.Types.Timestamp), g.b.instant(RolloutOrigin))
}

// cells: one row per group and period, with the adoption columns and each
// aggregate over the cell's rows.
func (g *roBuilder) cells() *selectStmt {
	r, b := g.p.Rollout, g.b
	d, q := b.d, b.d.Ident
	adopted := "s." + q(r.Adopted.Name)
	adopt, adoptSecs := g.period(adopted), d.Cast(g.seconds(adopted), d.Types.Float)
	cols := []string{
		fmt.Sprintf("%s AS %s", b.text("s."+q(r.Group.Name)), q(ColROGroup)),
		fmt.Sprintf("%s AS %s", g.period("s."+q(r.Rows.Time.Name)), q(ColROPeriod)),
		fmt.Sprintf("min(%s) AS %s", adopt, q(ColROAdoptMin)),
		fmt.Sprintf("max(%s) AS %s", adopt, q(ColROAdoptMax)),
		fmt.Sprintf("count(%s) AS %s", adopted, q(ColROAdoptN)),
		fmt.Sprintf("count(*) AS %s", q(ColRORows)),
		fmt.Sprintf("min(%s) AS %s", adoptSecs, q(ColROAdoptFirst)),
		fmt.Sprintf("max(%s) AS %s", adoptSecs, q(ColROAdoptLast)),
	}
	for _, a := range g.uniq {
		cols = append(cols, strings.TrimSpace(b.aggregate(scanAgg{agg: a, name: g.col[a.Key]})))
	}
	where := fmt.Sprintf("s.%s IS NOT NULL AND s.%s IS NOT NULL", q(r.Group.Name), q(r.Rows.Time.Name))
	if r.Filter != nil {
		where += " AND " + rowSQL(d, r.Filter, "s.")
	}
	return &selectStmt{items: cols, from: q(srcName(r.Rows)) + " s", where: []string{where}, groupBy: "1, 2"}
}

// final: the cell columns and each metric's value (a ratio's numerator
// and denominator) from the cell's aggregates.
func (g *roBuilder) final() *selectStmt {
	d := g.b.d
	q := d.Ident
	ref := func(a *model.Aggregate) string { return a.Func.OrEmpty(q(g.col[a.Key])) }
	value := func(x model.UnitExpr) string {
		s := unitSQL(d, x, ref)
		if x.Type() == types.Bool {
			s = d.Cast(s, d.Types.Integer)
		}
		return d.Cast(s, d.Types.Float)
	}
	out := []string{q(ColROGroup), q(ColROPeriod), q(ColROAdoptMin), q(ColROAdoptMax), q(ColROAdoptN), q(ColRORows), q(ColROAdoptFirst), q(ColROAdoptLast)}
	for _, mc := range g.p.Metrics {
		out = append(out, fmt.Sprintf("%s AS %s", value(mc.Use.Metric.Value), q(mc.Value)))
		if mc.Den != "" {
			out = append(out, fmt.Sprintf("%s AS %s", value(mc.Use.Metric.Den), q(mc.Den)))
		}
	}
	return &selectStmt{items: out, from: d.Q(`"ro_cells"`), orderBy: "1, 2"}
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
