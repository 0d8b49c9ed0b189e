package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// A scan with many differently filtered aggregates evaluates every filter
// on every row: with 50 metrics on one source, the per-unit GROUP BY
// computing 34 filtered aggregates is most of the query (bench/README.md).
// When the filters test a few low-cardinality columns, the scan is lowered
// in two levels instead:
//
//	scan_1_groups AS (SELECT u."unit", <keys>, count(*), sum(x), ...
//	                  FROM units u JOIN source s ... GROUP BY unit, keys)
//	scan_1        AS (SELECT "unit",
//	                    CAST(coalesce(sum(CASE WHEN <filter on keys> THEN p1 END), 0) AS BIGINT) AS a1, ...
//	                  FROM scan_1_groups g GROUP BY "unit")
//
// The first level reduces the rows to one per unit and combination of the
// keys (each event type on each surface, say); the filters then run on
// those few rows, as CASE inside the combining aggregate. A key is a
// column the filters compare with several literal values (a category such
// as event or surface; a bool column), or else one filter term as a
// boolean (latency_ms > 200). Results are those of the one-level scan:
// counts are exact, and sums of floats differ only in rounding.

var (
	// groupedMinAggregates is the fewest filtered aggregates a scan needs
	// before it is lowered in two levels: below it the extra GROUP BY
	// costs more than the filters it saves.
	groupedMinAggregates = 8
	// groupedMaxKeys is the most grouping keys (besides the unit): more
	// keys leave more rows per unit and less to gain.
	groupedMaxKeys = 6
)

// groupedAtom is one term of the filters that is not an and/or/not.
type groupedAtom struct {
	col *model.Column // the column it compares with literals (nil: none)
	lit int           // how many literals it compares col with
}

// groupedScan renders s in two levels when that pays (see above), or ""
// when s is lowered as one GROUP BY.
func (b *builder) groupedScan(s *unitScan) string {
	if b.cuped() || len(s.keys) > 0 || len(s.joins) > 0 {
		return ""
	}
	filtered := map[string]bool{}
	for _, c := range s.aggs {
		if len(c.extra) > 0 {
			return ""
		}
		// Only aggregates whose values over disjoint row sets combine
		// (stdlib's Combine: count, any, sum, min, max).
		if c.agg.Func.Combine == nil || c.agg.Func.SQL == nil || c.agg.Func.Scope != stdlib.PerUnit {
			return ""
		}
		if c.agg.Filter != nil {
			filtered[rowSQL(b.d, c.agg.Filter, "s.")] = true
		}
	}
	if len(filtered) < 2 || countFiltered(s.aggs) < groupedMinAggregates {
		return ""
	}
	// The filters' terms, and how many literals each column is compared with.
	var atoms []model.RowExpr
	lits := map[*model.Column]map[string]bool{}
	info := map[model.RowExpr]groupedAtom{}
	for _, c := range s.aggs {
		if c.agg.Filter == nil {
			continue
		}
		walkAtoms(c.agg.Filter, func(a model.RowExpr) {
			g := columnarAtom(b, a)
			info[a] = g
			atoms = append(atoms, a)
			if g.col != nil {
				if lits[g.col] == nil {
					lits[g.col] = map[string]bool{}
				}
				for _, l := range literalsOf(b, a) {
					lits[g.col][l] = true
				}
			}
		})
	}
	// Keys: category columns (bool, or compared with 2+ literals), then
	// every other term as a boolean, each once.
	type key struct{ name, sql string }
	var keys []key
	colKey := map[*model.Column]string{}
	atomKey := map[string]string{}
	newKey := func(sql string) string {
		name := fmt.Sprintf("k%d", len(keys)+1)
		keys = append(keys, key{name, sql})
		return name
	}
	for _, a := range atoms {
		g := info[a]
		if g.col != nil && (g.col.Type == types.Bool || len(lits[g.col]) >= 2) {
			if _, ok := colKey[g.col]; !ok {
				colKey[g.col] = newKey("s." + b.ident(g.col.Name))
			}
			continue
		}
		sql := rowSQL(b.d, a, "s.")
		if _, ok := atomKey[sql]; !ok {
			atomKey[sql] = newKey(sql)
		}
	}
	if len(keys) > groupedMaxKeys {
		return ""
	}
	// Partial aggregates per group: each distinct aggregate without its
	// filter (count(*), sum of an argument, ...).
	var partials []string
	partialOf := map[string]string{}
	partial := func(sql string) string {
		if p, ok := partialOf[sql]; ok {
			return p
		}
		p := fmt.Sprintf("p%d", len(partials)+1)
		partials = append(partials, fmt.Sprintf("%s AS %s", sql, b.ident(p)))
		partialOf[sql] = p
		return p
	}
	cols := make([]string, len(s.aggs))
	for i, c := range s.aggs {
		a := c.agg
		arg := ""
		if a.Arg != nil {
			arg = rowSQL(b.d, a.Arg, "s.")
		}
		ref := "g." + b.ident(partial(a.Func.SQL(b.d, arg, "")))
		if a.Filter != nil {
			ref = fmt.Sprintf("CASE WHEN %s THEN %s END", b.groupedFilter(a.Filter, info, colKey, atomKey), ref)
		}
		// A unit whose rows all fail the filter gets the aggregate's empty
		// value, as FILTER gives it (0 for count, false for any).
		expr := fmt.Sprintf("%s(%s)", a.Func.Combine(b.d), ref)
		if a.Func.Arg == stdlib.ArgSource {
			expr = a.Func.OrEmpty(expr)
			if a.T == types.Int { // a count: BIGINT, as count(*) is
				expr = b.d.Cast(expr, SQLType(b.d, a.T))
			}
		}
		cols[i] = fmt.Sprintf("    %s AS %s", expr, b.ident(c.name))
	}
	head := []string{b.sqlf(`u."unit"`)}
	groupBy := []string{"1"}
	for i, k := range keys {
		head = append(head, fmt.Sprintf("%s AS %s", k.sql, b.ident(k.name)))
		groupBy = append(groupBy, fmt.Sprint(i+2))
	}
	where := ""
	if len(s.where) > 0 {
		where = "\n  WHERE " + strings.Join(s.where, "\n    AND ")
	}
	groups := s.name + "_groups"
	first := b.sqlf("%s AS (\n  SELECT %s,\n    %s\n  FROM \"units\" u\n  JOIN %s s ON s.%s = u.\"unit\"%s\n  GROUP BY %s\n)",
		b.ident(groups), strings.Join(head, ", "), strings.Join(partials, ",\n    "),
		b.ident(srcName(s.source)), b.ident(b.e.Unit), where, strings.Join(groupBy, ", "))
	second := b.sqlf("%s AS (\n  SELECT g.\"unit\",\n%s\n  FROM %s g\n  GROUP BY g.\"unit\"\n)",
		b.ident(s.name), strings.Join(cols, ",\n"), b.ident(groups))
	return first + ",\n" + second
}

func countFiltered(aggs []scanAgg) int {
	n := 0
	for _, c := range aggs {
		if c.agg.Filter != nil {
			n++
		}
	}
	return n
}

// walkAtoms calls f on each term of a filter below its and/or/not.
func walkAtoms(e model.RowExpr, f func(model.RowExpr)) {
	switch e := e.(type) {
	case *model.Binary:
		if e.Op == "and" || e.Op == "or" {
			walkAtoms(e.X, f)
			walkAtoms(e.Y, f)
			return
		}
	case *model.Unary:
		if e.Op == "not" {
			walkAtoms(e.X, f)
			return
		}
	}
	f(e)
}

// columnarAtom reports the column a term compares with literals only
// (column == literal, column != literal, column in [literals], column is
// null, or a bool column itself), for string and bool columns.
func columnarAtom(b *builder, a model.RowExpr) groupedAtom {
	col := func(e model.RowExpr) *model.Column {
		if c, ok := e.(*model.ColumnRef); ok && (c.Col.Type == types.String || c.Col.Type == types.Bool) {
			return c.Col
		}
		return nil
	}
	isLit := func(e model.RowExpr) bool { _, ok := e.(*model.Literal); return ok }
	switch a := a.(type) {
	case *model.ColumnRef:
		if a.Col.Type == types.Bool {
			return groupedAtom{col: a.Col}
		}
	case *model.Binary:
		if a.Op == "==" || a.Op == "!=" {
			if c := col(a.X); c != nil && isLit(a.Y) {
				return groupedAtom{col: c, lit: 1}
			}
			if c := col(a.Y); c != nil && isLit(a.X) {
				return groupedAtom{col: c, lit: 1}
			}
		}
	case *model.In:
		if c := col(a.X); c != nil {
			for _, l := range a.List {
				if !isLit(l) {
					return groupedAtom{}
				}
			}
			return groupedAtom{col: c, lit: len(a.List)}
		}
	case *model.IsNull:
		if c := col(a.X); c != nil {
			return groupedAtom{col: c}
		}
	}
	return groupedAtom{}
}

// literalsOf lists the literal values a columnar term compares with, as SQL.
func literalsOf(b *builder, a model.RowExpr) []string {
	var out []string
	switch a := a.(type) {
	case *model.Binary:
		for _, e := range []model.RowExpr{a.X, a.Y} {
			if l, ok := e.(*model.Literal); ok {
				out = append(out, literalSQL(b.d, l))
			}
		}
	case *model.In:
		for _, e := range a.List {
			if l, ok := e.(*model.Literal); ok {
				out = append(out, literalSQL(b.d, l))
			}
		}
	}
	sort.Strings(out)
	return out
}

// groupedFilter lowers a filter over the first level's keys (alias g): a
// term on a key column reads that column, any other term its boolean key.
func (b *builder) groupedFilter(e model.RowExpr, info map[model.RowExpr]groupedAtom, colKey map[*model.Column]string, atomKey map[string]string) string {
	switch x := e.(type) {
	case *model.Binary:
		if x.Op == "and" || x.Op == "or" {
			return "(" + b.groupedFilter(x.X, info, colKey, atomKey) + " " + sqlOp(x.Op) + " " + b.groupedFilter(x.Y, info, colKey, atomKey) + ")"
		}
	case *model.Unary:
		if x.Op == "not" {
			return "(NOT " + b.groupedFilter(x.X, info, colKey, atomKey) + ")"
		}
	}
	if g := info[e]; g.col != nil {
		if k, ok := colKey[g.col]; ok {
			return rowSQL(b.d, renameColumn(e, g.col, k), "g.")
		}
	}
	return "g." + b.ident(atomKey[rowSQL(b.d, e, "s.")])
}

// renameColumn is a columnar term (columnarAtom) reading column name
// instead of col.
func renameColumn(e model.RowExpr, col *model.Column, name string) model.RowExpr {
	c := *col
	c.Name = name
	ref := &model.ColumnRef{Col: &c}
	swap := func(x model.RowExpr) model.RowExpr {
		if r, ok := x.(*model.ColumnRef); ok && r.Col == col {
			return ref
		}
		return x
	}
	switch e := e.(type) {
	case *model.ColumnRef:
		return swap(e)
	case *model.Binary:
		return &model.Binary{Op: e.Op, X: swap(e.X), Y: swap(e.Y), T: e.T}
	case *model.In:
		return &model.In{X: swap(e.X), List: e.List, Not: e.Not}
	case *model.IsNull:
		return &model.IsNull{X: swap(e.X), Not: e.Not}
	}
	return e
}
