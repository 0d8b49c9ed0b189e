package compiler

import (
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// SQLType is the SQL type a declared column type is cast to in dialect d.
func SQLType(d *dialect.Dialect, t types.Type) string { return d.Type(t) }

// rowSQL lowers a row expression; qualifier prefixes column names (e.g.
// "s." for the scanned source).
func rowSQL(d *dialect.Dialect, e model.RowExpr, qualifier string) string {
	switch e := e.(type) {
	case *model.ColumnRef:
		return qualifier + d.Ident(e.Col.Name)
	case *model.Literal:
		return literalSQL(d, e)
	case *model.Binary:
		op := sqlOp(e.Op)
		x, y := rowSQL(d, e.X, qualifier), rowSQL(d, e.Y, qualifier)
		if e.Op == "/" {
			x = d.Cast(x, d.Types.Float)
		}
		return "(" + x + " " + op + " " + y + ")"
	case *model.Unary:
		if e.Op == "not" {
			return "(NOT " + rowSQL(d, e.X, qualifier) + ")"
		}
		return "(-" + rowSQL(d, e.X, qualifier) + ")"
	case *model.Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = rowSQL(d, a, qualifier)
		}
		return e.Func.Lower(d, args)
	case *model.In:
		parts := make([]string, len(e.List))
		for i, a := range e.List {
			parts[i] = rowSQL(d, a, qualifier)
		}
		op := " IN ("
		if e.Not {
			op = " NOT IN ("
		}
		return "(" + rowSQL(d, e.X, qualifier) + op + strings.Join(parts, ", ") + "))"
	case *model.IsNull:
		op := " IS NULL)"
		if e.Not {
			op = " IS NOT NULL)"
		}
		return "(" + rowSQL(d, e.X, qualifier) + op
	}
	return "NULL"
}

func literalSQL(d *dialect.Dialect, l *model.Literal) string {
	switch l.T {
	case types.String:
		return d.String(l.Str)
	case types.Bool:
		if l.Bool {
			return "TRUE"
		}
		return "FALSE"
	case types.Null:
		return "NULL"
	}
	if l.Text != "" {
		return l.Text
	}
	return strconv.FormatFloat(l.Number, 'g', -1, 64)
}

// unitSQLWith lowers a per-unit expression; col names each aggregate's
// column and shared, when not nil, the column of a node computed once
// unitSQL lowers a per-unit expression without shared columns (rollout
// cells, whose metrics are computed once per cell).
func unitSQL(d *dialect.Dialect, e model.UnitExpr, col func(*model.Aggregate) string) string {
	return unitSQLWith(d, e, col, nil)
}

// (shared.go).
func unitSQLWith(d *dialect.Dialect, e model.UnitExpr, col func(*model.Aggregate) string, shared func(model.UnitExpr) (string, bool)) string {
	if shared != nil {
		if c, ok := shared(e); ok {
			return c
		}
	}
	switch e := e.(type) {
	case *model.Aggregate:
		return col(e)
	case *model.UnitConst:
		return strconv.FormatFloat(e.Value, 'g', -1, 64)
	case *model.UnitBinary:
		op := sqlOp(e.Op)
		// No division here: the checker allows `/` only as a whole ratio.
		return "(" + unitSQLWith(d, e.X, col, shared) + " " + op + " " + unitSQLWith(d, e.Y, col, shared) + ")"
	case *model.UnitUnary:
		if e.Op == "not" {
			return "(NOT " + unitSQLWith(d, e.X, col, shared) + ")"
		}
		return "(-" + unitSQLWith(d, e.X, col, shared) + ")"
	}
	return "NULL"
}

// RowSQL lowers a row expression without a table qualifier.
func RowSQL(d *dialect.Dialect, e model.RowExpr) string { return rowSQL(d, e, "") }

// sqlOp spells a binary operator of the language in SQL.
func sqlOp(op string) string {
	switch op {
	case "==":
		return "="
	case "!=":
		return "<>"
	case "and":
		return "AND"
	case "or":
		return "OR"
	}
	return op
}
