package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

var invalidRow = &model.Literal{T: types.Invalid}

// row checks a row-level expression over source s: bare names and s.col
// are s's columns.
func (c *checker) row(e ast.Expr, s *model.Source) model.RowExpr {
	switch e := e.(type) {
	case *ast.Paren:
		return c.row(e.X, s)
	case *ast.Literal:
		if e.Kind == ast.LitDuration && (e.Number <= 0 || e.Number >= ast.MaxDurationSeconds) {
			c.badDuration(e.Text, int64(e.Number), e.Sp, "").
				Hint("a duration is a whole number of minutes, hours, days or weeks (30m, 12h, 7d, 2w)")
			return invalidRow
		}
		return rowLiteral(e)
	case *ast.Ref:
		return c.rowRef(e, s)
	case *ast.Unary:
		x := c.row(e.X, s)
		t := x.Type()
		switch {
		case t == types.Invalid:
			return invalidRow
		case e.Op == "-" && t.IsNumeric():
			return &model.Unary{Op: "-", X: x, T: t}
		case e.Op == "not" && (t == types.Bool || t == types.Null):
			return &model.Unary{Op: "not", X: x, T: types.Bool}
		}
		c.diags.Errorf(diag.ETypeMismatch, e.Sp, "`%s` does not apply to a %s value", e.Op, t)
		return invalidRow
	case *ast.Binary:
		return c.rowBinary(e, s)
	case *ast.In:
		x := c.row(e.X, s)
		out := &model.In{X: x, Not: e.Not}
		bad := x.Type() == types.Invalid
		for _, el := range e.List.Elems {
			v := c.row(el, s)
			if !types.Comparable(x.Type(), v.Type()) {
				c.diags.Errorf(diag.ETypeMismatch, el.Span(), "list element is %s but the value tested is %s", v.Type(), x.Type())
				bad = true
			}
			out.List = append(out.List, v)
		}
		if bad {
			return invalidRow
		}
		return out
	case *ast.IsNull:
		x := c.row(e.X, s)
		if x.Type() == types.Invalid {
			return invalidRow
		}
		return &model.IsNull{X: x, Not: e.Not}
	case *ast.Call:
		return c.rowCall(e, s)
	case *ast.List:
		c.diags.Errorf(diag.ETypeMismatch, e.Sp, "a list can only follow `in`")
		return invalidRow
	}
	return invalidRow
}

func rowLiteral(e *ast.Literal) model.RowExpr {
	switch e.Kind {
	case ast.LitString:
		return &model.Literal{T: types.String, Str: e.Str}
	case ast.LitBool:
		return &model.Literal{T: types.Bool, Bool: e.Bool}
	case ast.LitNull:
		return &model.Literal{T: types.Null}
	case ast.LitPercent:
		return &model.Literal{T: types.Float, Number: e.Number, Text: strconv.FormatFloat(e.Number, 'g', -1, 64)}
	case ast.LitDuration:
		return &model.Literal{T: types.Int, Number: e.Number, Text: strconv.FormatFloat(e.Number, 'f', -1, 64)}
	}
	t := types.Float
	if !strings.ContainsAny(e.Text, ".eE") {
		t = types.Int
	}
	return &model.Literal{T: t, Number: e.Number, Text: e.Text}
}

func (c *checker) rowRef(r *ast.Ref, s *model.Source) model.RowExpr {
	parts := r.Parts
	if len(parts) == 2 {
		if other, ok := c.sources[parts[0].Name]; ok {
			if other != s {
				c.diags.Errorf(diag.EMixedSources, parts[0].Sp, "`%s` belongs to source `%s`, but this expression reads source `%s`", ast.DumpExpr(r), other.Name, s.Name).
					Hint("an aggregate and its `where` read one source")
				return invalidRow
			}
			parts = parts[1:]
		}
	}
	if len(parts) != 1 {
		c.diags.Errorf(diag.EUnknownColumn, r.Sp, "`%s` is not a column of source `%s`", ast.DumpExpr(r), s.Name)
		return invalidRow
	}
	col := s.Column(parts[0].Name)
	if col == nil {
		if d, ok := c.decls[parts[0].Name]; ok && d.Kind == ast.KindMetric {
			c.diags.Errorf(diag.EAggregateCtx, parts[0].Sp, "metric `%s` cannot be used in a row-level expression", parts[0].Name).
				Hint("metrics are per-unit values; combine them outside the aggregate")
			return invalidRow
		}
		c.unknownColumn(s, parts[0])
		return invalidRow
	}
	if col.Type == types.Invalid {
		return invalidRow
	}
	return &model.ColumnRef{Col: col}
}

func (c *checker) rowBinary(e *ast.Binary, s *model.Source) model.RowExpr {
	x, y := c.row(e.X, s), c.row(e.Y, s)
	tx, ty := x.Type(), y.Type()
	if tx == types.Invalid || ty == types.Invalid {
		return invalidRow
	}
	switch e.Op {
	case "+", "-", "*", "/":
		if (tx.IsNumeric() || tx == types.Null) && (ty.IsNumeric() || ty == types.Null) {
			t := types.Unify(tx, ty)
			if e.Op == "/" {
				t = types.Float
			}
			return &model.Binary{Op: e.Op, X: x, Y: y, T: t}
		}
	case "==", "!=", "<", "<=", ">", ">=":
		if types.Comparable(tx, ty) {
			return &model.Binary{Op: e.Op, X: x, Y: y, T: types.Bool}
		}
		dg := c.diags.Errorf(diag.ETypeMismatch, opSpan(e), "cannot compare %s with %s", tx, ty)
		if ref, ok := x.(*model.ColumnRef); ok {
			dg.Hint("column `%s` is %s; compare it with a %s value", ref.Col.Name, tx, tx)
		}
		return invalidRow
	case "and", "or":
		if (tx == types.Bool || tx == types.Null) && (ty == types.Bool || ty == types.Null) {
			return &model.Binary{Op: e.Op, X: x, Y: y, T: types.Bool}
		}
	}
	c.diags.Errorf(diag.ETypeMismatch, opSpan(e), "`%s` does not apply to %s and %s", e.Op, tx, ty)
	return invalidRow
}

func (c *checker) rowCall(e *ast.Call, s *model.Source) model.RowExpr {
	fn, ok := stdlib.LookupFunc(e.Fun.Name)
	if !ok {
		if _, isAgg := stdlib.LookupAggregate(e.Fun.Name); isAgg {
			c.diags.Errorf(diag.EAggregateCtx, e.Fun.Sp, "aggregate `%s` cannot be used inside a row-level expression", e.Fun.Name).
				Hint("aggregates are per unit; use them at the top of a metric value")
			return invalidRow
		}
		c.unknownFunc(e.Fun)
		return invalidRow
	}
	if e.Where != nil {
		c.diags.Errorf(diag.EArgType, e.Where.Span(), "`where` belongs to aggregates, not to %s", fn.Name)
	}
	n := len(fn.Params)
	if len(e.Args) < n || len(e.Args) > n && !fn.Variadic {
		want := fmt.Sprint(n)
		if fn.Variadic {
			want = "at least " + want
		}
		c.diags.Errorf(diag.EArgCount, e.Sp, "%s takes %s argument(s), found %d", fn.Name, want, len(e.Args))
		return invalidRow
	}
	out := &model.Call{Func: fn}
	var argTypes []types.Type
	bad := false
	for i, a := range e.Args {
		v := c.row(a, s)
		p := fn.Params[min(i, n-1)]
		if !p.Accepts(v.Type()) {
			c.diags.Errorf(diag.EArgType, a.Span(), "argument %d of %s must be %s, found %s", i+1, fn.Name, p, v.Type())
			bad = true
		}
		if v.Type() == types.Invalid {
			bad = true
		}
		out.Args = append(out.Args, v)
		argTypes = append(argTypes, v.Type())
	}
	if bad {
		return invalidRow
	}
	out.T = fn.Result(argTypes)
	return out
}

// aggregateKey is a canonical text of an aggregate, so that the same
// aggregate used by several metrics is computed once.
func aggregateKey(a *model.Aggregate) string {
	var b strings.Builder
	b.WriteString(a.Func.Name)
	b.WriteString("(")
	b.WriteString(a.Source.Name)
	if a.Arg != nil {
		b.WriteString(": ")
		b.WriteString(RowString(a.Arg))
	}
	if a.Filter != nil {
		b.WriteString(" where ")
		b.WriteString(RowString(a.Filter))
	}
	b.WriteString(")")
	return b.String()
}

// RowString renders a row expression canonically (prefix form).
func RowString(e model.RowExpr) string {
	switch e := e.(type) {
	case *model.ColumnRef:
		return strconv.Quote(e.Col.Name)
	case *model.Literal:
		switch e.T {
		case types.String:
			return strconv.Quote(e.Str)
		case types.Bool:
			return strconv.FormatBool(e.Bool)
		case types.Null:
			return "null"
		}
		return e.Text
	case *model.Binary:
		return "(" + e.Op + " " + RowString(e.X) + " " + RowString(e.Y) + ")"
	case *model.Unary:
		return "(" + e.Op + " " + RowString(e.X) + ")"
	case *model.Call:
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, RowString(a))
		}
		return "(" + e.Func.Name + " " + strings.Join(parts, " ") + ")"
	case *model.In:
		var parts []string
		for _, a := range e.List {
			parts = append(parts, RowString(a))
		}
		return fmt.Sprintf("(in %v %s [%s])", e.Not, RowString(e.X), strings.Join(parts, " "))
	case *model.IsNull:
		return fmt.Sprintf("(isnull %v %s)", e.Not, RowString(e.X))
	}
	return "?"
}
