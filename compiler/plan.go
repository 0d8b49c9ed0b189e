package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// The plan's typed relations. A query is a list of named relations (CTEs)
// and a final select; the relations below are built as values and
// rendered for the dialect in one place each, so the main query, split,
// timeline and exposure-age queries share their scans rather than each
// printing its own.

// scanAgg is one per-unit aggregate of a scan: the catalog aggregate, the
// column it fills, and conditions ANDed after its own `where` (the CUPED
// analysis or pre-exposure period).
type scanAgg struct {
	agg   *model.Aggregate
	name  string
	extra []string
}

// unitScan is one pass over a source grouped by unit and, for the derived
// queries, one more key (a period, an exposure age, a split value):
//
//	name AS (SELECT u."unit"[, keys], aggregates FROM "units" u
//	         JOIN source s ON s.unit = u."unit" [joins] [WHERE ...] GROUP BY ...)
type unitScan struct {
	name    string // the relation's name (unquoted)
	source  *model.Source
	keys    []string // select items after u."unit", in dialect SQL
	joins   []string // further joins, in dialect SQL
	where   []string
	groupBy string // in dialect SQL
	aggs    []scanAgg
	// outer: every unit, rows or none (the main query's first scan). The
	// source is LEFT JOINed with where in the join's ON, keys are also
	// grouped by, and each aggregate skips the NULL row a unit without
	// rows brings, so the scan is per_unit's base and no join back is
	// needed (it is the shape of a hand-written fused query: less memory,
	// one hash join fewer).
	outer bool
}

// aggColumns are a scan's aggregates as they are named in the main query
// (with rename applied to each column name, for derived queries).
func aggColumns(s *Scan, rename func(string) string) []scanAgg {
	out := make([]scanAgg, len(s.Aggregates))
	for k, a := range s.Aggregates {
		out[k] = scanAgg{agg: a, name: rename(s.Columns[k])}
	}
	return out
}

func sameName(s string) string { return s }

// aggregate renders one aggregate column over the source's rows (alias s).
func (b *builder) aggregate(c scanAgg) string { return b.aggregateIn(b.d, c) }

// aggregateIn is aggregate with the aggregate lowered in dialect d (the
// builder's, or it without FILTER: casefilter.go).
func (b *builder) aggregateIn(d *dialect.Dialect, c scanAgg) string {
	a := c.agg
	arg := ""
	if a.Arg != nil {
		arg = rowSQL(b.d, a.Arg, "s.")
	}
	var conds []string
	if a.Filter != nil {
		conds = append(conds, rowSQL(b.d, a.Filter, "s."))
	}
	filter := strings.Join(append(conds, c.extra...), " AND ")
	return fmt.Sprintf("    %s AS %s", a.Func.SQL(d, arg, filter), b.ident(c.name))
}

// render prints the scan as a CTE.
func (b *builder) render(s *unitScan) string {
	cols := make([]string, len(s.aggs))
	d := aggregateDialect(b.d, s)
	matched := "s." + b.ident(b.e.Unit) + " IS NOT NULL"
	for i, c := range s.aggs {
		if s.outer {
			c.extra = append([]string{matched}, c.extra...)
		}
		cols[i] = b.aggregateIn(d, c)
	}
	head := b.sqlf(`u."unit"`)
	for _, k := range s.keys {
		head += ", " + k
	}
	join, tail := "JOIN", ""
	for _, j := range s.joins {
		tail += "\n  " + j
	}
	if s.outer {
		join = "LEFT JOIN"
		for _, w := range s.where {
			tail += "\n    AND " + w
		}
	} else if len(s.where) > 0 {
		tail += "\n  WHERE " + strings.Join(s.where, "\n    AND ")
	}
	return b.sqlf("%s AS (\n  SELECT %s,\n%s\n  FROM \"units\" u\n  %s %s s ON s.%s = u.\"unit\"%s\n  GROUP BY %s\n)",
		b.ident(s.name), head, strings.Join(cols, ",\n"), join, b.ident(srcName(s.source)), b.ident(b.e.Unit), tail, s.groupBy)
}

// joinBack reads a scan's aggregate columns back through a LEFT JOIN (alias
// j): a unit without rows gets each aggregate's empty value. rename names
// each output column from the scan's.
func (b *builder) joinBack(j string, aggs []scanAgg, rename func(string) string) []string {
	out := make([]string, len(aggs))
	for i, c := range aggs {
		out[i] = fmt.Sprintf("    %s AS %s", c.agg.Func.OrEmpty(j+"."+b.ident(c.name)), b.ident(rename(c.name)))
	}
	return out
}

// query is a compiled query as values: the comment line that names it, its
// named relations (CTEs) in order and one final select. String prints it;
// the interleaving, counterfactual, rollout and exposure-age queries are
// all printed here, so their layout is one place.
type query struct {
	comment string   // after "-- caliper: ", names already through dialect.CommentText
	ctes    []string // rendered relations: name AS (...)
	final   *selectStmt
}

// with adds relation name (unquoted) whose body is s.
func (q *query) with(d *dialect.Dialect, name string, s *selectStmt) {
	q.withSQL(d, name, s.render("  "))
}

// withSQL adds relation name whose body is already SQL (a source's
// reader, or a select whose layout selectStmt does not print).
func (q *query) withSQL(d *dialect.Dialect, name, body string) {
	q.ctes = append(q.ctes, fmt.Sprintf("%s AS (\n  %s\n)", d.Ident(name), body))
}

// withSource adds a source's typed relation (Relation) under its name.
func (q *query) withSource(d *dialect.Dialect, s *model.Source) {
	q.withSQL(d, srcName(s), Relation(s, d))
}

// add appends relations rendered elsewhere (unit scans, shared values,
// the experiment's unit CTEs).
func (q *query) add(rendered ...string) { q.ctes = append(q.ctes, rendered...) }

// String prints the query.
func (q *query) String() string {
	return "-- caliper: " + q.comment + "\nWITH\n" + strings.Join(q.ctes, ",\n") + "\n" + q.final.render("")
}

// selectStmt is one select, in dialect SQL. Its parts are printed one per
// line (indented for a relation's body); an empty part is left out.
type selectStmt struct {
	items   []string // the select list, one line each (a line may hold several columns)
	from    string
	joins   []string // whole join clauses, one line each
	where   []string // ANDed, one line each
	groupBy string
	having  string
	orderBy string
}

// render prints the select with its continuation lines indented by indent.
func (s *selectStmt) render(indent string) string {
	var w strings.Builder
	w.WriteString("SELECT " + strings.Join(s.items, ",\n"+indent+"  "))
	line := func(keyword, x string) {
		if x != "" {
			w.WriteString("\n" + indent + keyword + x)
		}
	}
	line("FROM ", s.from)
	for _, j := range s.joins {
		line("", j)
	}
	line("WHERE ", strings.Join(s.where, "\n"+indent+"  AND "))
	line("GROUP BY ", s.groupBy)
	line("HAVING ", s.having)
	line("ORDER BY ", s.orderBy)
	return w.String()
}
