package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// Metric references share nodes in the model: `x2 = x1 + x1` holds x1's
// value twice, by pointer. Printed as a tree, a chain of such references
// doubles at every level, so the compiler prints each shared value once:
// a per-unit expression that several places of a query's values refer to
// (an operator node reached through two or more edges, a metric's value
// counting as one) becomes a column of its own, computed in a CTE over the
// per-unit relation, and every use reads the column. A value refers only
// to aggregates and to shared values of lower levels, so each level is one
// CTE over the previous one. The SQL of a query's values grows with the
// number of distinct nodes, not with the expanded tree.

// sharedValues are the shared nodes of a query's values.
type sharedValues struct {
	col    map[model.UnitExpr]string // shared node -> column (sharedColumn)
	levels [][]model.UnitExpr        // level 1, 2, ...: each reads lower ones only
}

// findShared finds the shared nodes of roots (a query's metric values and
// denominators; nil entries are skipped).
func findShared(roots ...model.UnitExpr) *sharedValues {
	edges := map[model.UnitExpr]int{}
	seen := map[model.UnitExpr]bool{}
	var order []model.UnitExpr // children before parents
	var visit func(model.UnitExpr)
	visit = func(e model.UnitExpr) {
		edges[e]++
		if seen[e] {
			return
		}
		seen[e] = true
		switch e := e.(type) {
		case *model.UnitBinary:
			visit(e.X)
			visit(e.Y)
		case *model.UnitUnary:
			visit(e.X)
		}
		order = append(order, e)
	}
	for _, r := range roots {
		if r != nil {
			visit(r)
		}
	}
	sh := &sharedValues{col: map[model.UnitExpr]string{}}
	// depth: the highest level of a shared node an expression reads.
	depth := map[model.UnitExpr]int{}
	level := map[model.UnitExpr]int{}
	reads := func(c model.UnitExpr) int {
		if l, ok := level[c]; ok {
			return l
		}
		return depth[c]
	}
	for _, e := range order {
		d := 0
		switch x := e.(type) {
		case *model.UnitBinary:
			d = max(reads(x.X), reads(x.Y))
		case *model.UnitUnary:
			d = reads(x.X)
		default:
			continue // aggregates are columns already; constants are short
		}
		depth[e] = d
		if edges[e] < 2 {
			continue
		}
		level[e] = d + 1
		for len(sh.levels) < d+1 {
			sh.levels = append(sh.levels, nil)
		}
		sh.levels[d] = append(sh.levels[d], e)
		sh.col[e] = sharedColumn(len(sh.col) + 1)
	}
	return sh
}

// sharedView is one way of reading the values: the aggregates' columns
// (ref) and the names of the shared columns computed from them (name, from
// the bare sharedColumn): the post-exposure values and their CUPED twins,
// or a timeline's per-period and cumulative values.
type sharedView struct {
	ref  func(*model.Aggregate) string
	name func(string) string
}

// expr prints x for view v, reading shared nodes from their columns.
func (sh *sharedValues) expr(d *dialect.Dialect, x model.UnitExpr, v sharedView, b *builder) string {
	return unitSQLWith(d, x, v.ref, func(e model.UnitExpr) (string, bool) {
		c, ok := sh.col[e]
		if !ok {
			return "", false
		}
		return b.ident(v.name(c)), true
	})
}

// ctes are the CTEs computing the shared columns over relation rel for
// every view, and the relation that then has them all (rel itself when
// nothing is shared).
func (sh *sharedValues) ctes(b *builder, rel string, views ...sharedView) ([]string, string) {
	var out []string
	from := rel
	for i, nodes := range sh.levels {
		var cols []string
		for _, n := range nodes {
			for _, v := range views {
				// The node itself is printed out; its children may be
				// columns of lower levels.
				s := unitSQLWith(b.d, n, v.ref, func(e model.UnitExpr) (string, bool) {
					c, ok := sh.col[e]
					if !ok || e == n {
						return "", false
					}
					return b.ident(v.name(c)), true
				})
				cols = append(cols, fmt.Sprintf("%s AS %s", s, b.ident(v.name(sh.col[n]))))
			}
		}
		name := fmt.Sprintf("%s_shared_%d", rel, i+1)
		out = append(out, fmt.Sprintf("%s AS (\n  SELECT *,\n    %s\n  FROM %s\n)", b.ident(name), strings.Join(cols, ",\n    "), b.ident(from)))
		from = name
	}
	return out, from
}
