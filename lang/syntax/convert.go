package syntax

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// converter turns the participle tree into the ast, collecting literal
// errors (bad escapes, malformed numbers) as diagnostics.
type converter struct {
	file  *source.File
	diags diag.List
}

// span makes a span from participle positions, which already carry the
// line and rune column (the tokens were lexed once for the whole file).
func (c *converter) span(start, end lexer.Position) source.Span {
	if end.Offset < start.Offset {
		end = start
	}
	return source.Span{File: c.file.Name, Start: pos(start), End: pos(end)}
}

func pos(p lexer.Position) source.Pos {
	return source.Pos{Offset: p.Offset, Line: p.Line, Col: p.Column}
}

// spanLen is the span of n bytes on one line from p.
func (c *converter) spanLen(p lexer.Position, n int) source.Span {
	end := p
	end.Offset += n
	end.Column += n
	return c.span(p, end)
}

func (c *converter) decl(d *cstDecl) *ast.Decl {
	out := &ast.Decl{Kind: d.Kind, Name: c.name(d.Name), Sp: c.span(d.Pos, d.EndPos)}
	for _, f := range d.Fields {
		if fl := c.field(f); fl != nil {
			out.Fields = append(out.Fields, fl)
		}
	}
	return out
}

func (c *converter) name(n *cstName) *ast.Ident {
	if n == nil {
		return nil
	}
	id := &ast.Ident{Name: n.Name, Sp: c.span(n.Pos, n.EndPos)}
	if strings.HasPrefix(n.Name, "`") {
		id.Name = strings.Trim(n.Name, "`")
		id.Quoted = true
	}
	return id
}

// keyIdent makes the field's key from its first token.
func (c *converter) keyIdent(f *cstField, key string) *ast.Ident {
	return &ast.Ident{Name: key, Sp: c.spanLen(f.Pos, len(key))}
}

func (c *converter) field(f *cstField) *ast.Field {
	sp := c.span(f.Pos, f.EndPos)
	mk := func(key string, v ast.Value) *ast.Field {
		return &ast.Field{Key: c.keyIdent(f, key), Value: v, Sp: sp}
	}
	switch {
	case f.StrKey != "":
		return mk(f.StrKey, c.str(f.Str))
	case f.ListKey != "":
		items := f.StrList
		if items == nil {
			items = f.StrList2
		}
		l := &ast.StringList{Sp: sp}
		for _, s := range items {
			l.Items = append(l.Items, c.str(s))
		}
		if len(items) > 0 {
			l.Sp = source.Join(l.Items[0].Sp, l.Items[len(l.Items)-1].Sp)
		}
		return mk(f.ListKey, l)
	case f.Value != nil:
		return mk("value", &ast.ExprValue{X: c.expr(f.Value)})
	case f.IdentKey != "":
		return mk(f.IdentKey, c.name(f.Ident))
	case f.NamesKey != "":
		return mk(f.NamesKey, c.identList(f.Names, ","))
	case f.Decompose != nil:
		return mk("decompose", c.identList(f.Decompose, "*"))
	case f.PctKey != "":
		return mk(f.PctKey, c.percent(f.Pct))
	case f.NumKey != "":
		return mk(f.NumKey, c.number(f.Num))
	case f.DurKey != "":
		return mk(f.DurKey, c.duration(f.Dur))
	case f.BoolKey != "":
		bsp := sp
		n := len(f.Bool) // the last token of the field, on one line
		bsp.Start = source.Pos{Offset: bsp.End.Offset - n, Line: bsp.End.Line, Col: bsp.End.Col - n}
		return mk(f.BoolKey, &ast.BoolLit{Value: f.Bool == "true", Sp: bsp})
	case f.Allocation != nil:
		l := &ast.PercentList{}
		for _, p := range f.Allocation {
			l.Items = append(l.Items, c.percent(p))
		}
		l.Sp = source.Join(l.Items[0].Sp, l.Items[len(l.Items)-1].Sp)
		return mk("allocation", l)
	case f.From != nil:
		return mk("from", c.from(f.From))
	case f.Columns != nil:
		cols := &ast.Columns{Sp: c.span(f.Columns.Pos, f.Columns.EndPos)}
		for _, col := range f.Columns.Cols {
			cols.Cols = append(cols.Cols, &ast.ColumnDecl{Name: c.name(col.Name), Type: c.name(col.Type)})
		}
		return mk("columns", cols)
	case f.ExposuresKey != "":
		return mk(f.ExposuresKey, c.exposures(f.Exposures))
	case f.Guardrail != nil:
		g := f.Guardrail
		return mk("guardrail", &ast.Guardrail{Metric: c.metricRef(g.Metric), Within: c.percent(g.Within), Sp: c.span(g.Pos, g.EndPos)})
	case f.Factor != nil:
		fa := f.Factor
		return mk("factor", &ast.Factor{Name: c.name(fa.Name), Column: c.name(fa.Column), Baseline: c.str(fa.Baseline), Sp: c.span(fa.Pos, fa.EndPos)})
	case f.Metrics != nil:
		l := &ast.MetricRefList{}
		for _, m := range f.Metrics {
			l.Items = append(l.Items, c.metricRef(m))
		}
		l.Sp = source.Join(l.Items[0].Sp, l.Items[len(l.Items)-1].Sp)
		return mk("metrics", l)
	case f.Policy != nil:
		p := &ast.Policy{Kind: c.name(f.Policy.Kind), Sp: c.span(f.Policy.Pos, f.Policy.EndPos)}
		if f.Policy.Temperature != nil {
			p.Temperature = c.number(f.Policy.Temperature)
		}
		return mk("policy", p)
	case f.Launch != nil:
		l := &ast.Launch{Sp: c.span(f.Launch.Pos, f.Launch.EndPos)}
		for _, r := range f.Launch.Requires {
			l.Requires = append(l.Requires, c.require(r))
		}
		return mk("launch", l)
	case f.Credit != nil:
		cr := f.Credit
		return mk("credit", &ast.Credit{Name: c.name(cr.Name), X: c.expr(cr.X), Sp: c.span(cr.Pos, cr.EndPos)})
	}
	return nil
}

func (c *converter) identList(names []*cstName, sep string) *ast.IdentList {
	l := &ast.IdentList{Sep: sep}
	for _, n := range names {
		l.Items = append(l.Items, c.name(n))
	}
	l.Sp = source.Join(l.Items[0].Sp, l.Items[len(l.Items)-1].Sp)
	return l
}

func (c *converter) require(r *cstRequire) *ast.Require {
	out := &ast.Require{Target: c.metricRef(r.Target), Sp: c.span(r.Pos, r.EndPos)}
	switch {
	case r.Improves:
		out.Verb = ast.VerbImproves
	case r.Prefers:
		out.Verb = ast.VerbPreferred
	case r.Within != nil:
		out.Verb = ast.VerbWithin
		out.Within = c.percent(r.Within)
	case r.NotWorse:
		out.Verb = ast.VerbNotWorse
	}
	return out
}

func (c *converter) metricRef(m *cstMetricRef) *ast.MetricRef {
	out := &ast.MetricRef{Name: c.name(m.Name), Sp: c.span(m.Pos, m.EndPos)}
	if m.Cutoff != nil {
		out.Cutoff = c.number(m.Cutoff)
	}
	return out
}

func (c *converter) from(f *cstFrom) *ast.From {
	out := &ast.From{Sp: c.span(f.Pos, f.EndPos)}
	if f.SQL != nil {
		out.Reader = &ast.Ident{Name: "sql", Sp: c.spanLen(f.Pos, 3)}
		out.Args = []*ast.StringLit{c.str(f.SQL)}
		return out
	}
	out.Reader = c.name(f.Reader)
	for _, a := range f.Args {
		out.Args = append(out.Args, c.str(a))
	}
	return out
}

func (c *converter) str(s *cstString) *ast.StringLit {
	sp := c.span(s.Pos, s.EndPos)
	v, raw := c.unquote(s.Text, s.Pos.Offset)
	return &ast.StringLit{Value: v, Raw: raw, Sp: sp}
}

// unquote decodes a string token: """raw""" verbatim, or "..." with the
// escapes \" \\ \n \t. A bad escape is a diagnostic at its position.
func (c *converter) unquote(text string, offset int) (string, bool) {
	if strings.HasPrefix(text, `"""`) {
		return text[3 : len(text)-3], true
	}
	body := text[1 : len(text)-1]
	if !strings.Contains(body, `\`) {
		return body, false
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch != '\\' || i+1 == len(body) {
			b.WriteByte(ch)
			continue
		}
		i++
		switch body[i] {
		case '"':
			b.WriteByte('"')
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			at := offset + 1 + i - 1
			c.diags.Errorf(diag.EBadEscape, c.file.SpanOf(at, at+2), "unknown escape `\\%c` in string", body[i]).
				Hint("strings allow \\\" \\\\ \\n \\t; use a raw string \"\"\"...\"\"\" for other text")
			b.WriteByte(body[i])
		}
	}
	return b.String(), false
}

func (c *converter) number(n *cstNumber) *ast.NumberLit {
	v, _ := strconv.ParseFloat(n.Text, 64)
	return &ast.NumberLit{Value: v, Text: n.Text, Sp: c.span(n.Pos, n.EndPos)}
}

func (c *converter) percent(p *cstPercent) *ast.PercentLit {
	v, _ := strconv.ParseFloat(strings.TrimSuffix(p.Text, "%"), 64)
	return &ast.PercentLit{Value: v / 100, Text: p.Text, Sp: c.span(p.Pos, p.EndPos)}
}

func (c *converter) duration(d *cstDuration) *ast.DurationLit {
	// Out-of-range lengths (-1, 0, too long) are the checker's to report.
	return &ast.DurationLit{Seconds: ast.DurationSeconds(d.Text), Text: d.Text, Sp: c.span(d.Pos, d.EndPos)}
}

// Expressions.

func (c *converter) expr(e *cstExpr) ast.Expr {
	x := c.and(e.Head)
	for _, t := range e.Tail {
		y := c.and(t)
		x = c.binary("or", x, y, source.Span{})
	}
	return x
}

func (c *converter) binary(op string, x, y ast.Expr, opSpan source.Span) ast.Expr {
	return &ast.Binary{Op: op, X: x, Y: y, OpSpan: opSpan, Sp: source.Join(x.Span(), y.Span())}
}

func (c *converter) and(e *cstAnd) ast.Expr {
	x := c.not(e.Head)
	for _, t := range e.Tail {
		x = c.binary("and", x, c.not(t), source.Span{})
	}
	return x
}

func (c *converter) not(e *cstNot) ast.Expr {
	if e.Not != nil {
		return &ast.Unary{Op: "not", X: c.not(e.Not), Sp: c.span(e.Pos, e.EndPos)}
	}
	return c.cmp(e.Cmp)
}

func (c *converter) cmp(e *cstCmp) ast.Expr {
	x := c.sum(e.X)
	sp := c.span(e.Pos, e.EndPos)
	switch {
	case e.Op != nil:
		return &ast.Binary{Op: e.Op.Op, X: x, Y: c.sum(e.Y), OpSpan: c.span(e.Op.Pos, e.Op.EndPos), Sp: sp}
	case e.List != nil:
		return &ast.In{X: x, List: c.list(e.List), Not: e.NotIn, Sp: sp}
	case e.Is:
		return &ast.IsNull{X: x, Not: e.IsNot, Sp: sp}
	}
	return x
}

func (c *converter) sum(e *cstSum) ast.Expr {
	x := c.term(e.Head)
	for _, t := range e.Tail {
		x = c.binary(t.Op, x, c.term(t.Term), c.spanLen(t.Pos, 1))
	}
	return x
}

func (c *converter) term(e *cstTerm) ast.Expr {
	x := c.unary(e.Head)
	for _, t := range e.Tail {
		x = c.binary(t.Op, x, c.unary(t.Unary), c.spanLen(t.Pos, 1))
	}
	return x
}

func (c *converter) unary(e *cstUnary) ast.Expr {
	if e.Neg != nil {
		return &ast.Unary{Op: "-", X: c.unary(e.Neg), Sp: c.span(e.Pos, e.EndPos)}
	}
	return c.primary(e.Primary)
}

func (c *converter) primary(p *cstPrimary) ast.Expr {
	sp := c.span(p.Pos, p.EndPos)
	switch {
	case p.Percent != nil:
		v, _ := strconv.ParseFloat(strings.TrimSuffix(*p.Percent, "%"), 64)
		return &ast.Literal{Kind: ast.LitPercent, Number: v / 100, Text: *p.Percent, Sp: sp}
	case p.Duration != nil:
		return &ast.Literal{Kind: ast.LitDuration, Number: float64(ast.DurationSeconds(*p.Duration)), Text: *p.Duration, Sp: sp}
	case p.Number != nil:
		v, _ := strconv.ParseFloat(*p.Number, 64)
		return &ast.Literal{Kind: ast.LitNumber, Number: v, Text: *p.Number, Sp: sp}
	case p.String != nil:
		v, _ := c.unquote(*p.String, p.Pos.Offset)
		return &ast.Literal{Kind: ast.LitString, Str: v, Text: *p.String, Sp: sp}
	case p.Bool != nil:
		return &ast.Literal{Kind: ast.LitBool, Bool: *p.Bool == "true", Text: *p.Bool, Sp: sp}
	case p.Null:
		return &ast.Literal{Kind: ast.LitNull, Text: "null", Sp: sp}
	case p.List != nil:
		return c.list(p.List)
	case p.Paren != nil:
		return &ast.Paren{X: c.expr(p.Paren), Sp: sp}
	case p.Ref != nil:
		return c.ref(p.Ref)
	}
	return &ast.Literal{Kind: ast.LitNull, Sp: sp}
}

func (c *converter) list(l *cstList) *ast.List {
	out := &ast.List{Sp: c.span(l.Pos, l.EndPos)}
	for _, e := range l.Elems {
		out.Elems = append(out.Elems, c.expr(e))
	}
	return out
}

func (c *converter) ref(r *cstRef) ast.Expr {
	sp := c.span(r.Pos, r.EndPos)
	var parts []*ast.Ident
	for _, p := range r.Parts {
		parts = append(parts, c.name(p))
	}
	if r.Call == nil {
		return &ast.Ref{Parts: parts, Sp: sp}
	}
	fun := parts[len(parts)-1]
	if len(parts) > 1 {
		// a.b(...) is not a thing; keep the whole dotted name for the message.
		fun = &ast.Ident{Name: joinNames(parts), Sp: source.Join(parts[0].Sp, fun.Sp)}
	}
	call := &ast.Call{Fun: fun, Sp: sp}
	if r.Call.First != nil {
		call.Args = append(call.Args, c.expr(r.Call.First))
		if r.Call.Where != nil {
			call.Where = c.expr(r.Call.Where)
		}
		for _, a := range r.Call.Rest {
			call.Args = append(call.Args, c.expr(a))
		}
	}
	return call
}

// joinNames spells a dotted name as written, backquotes kept.
func joinNames(ids []*ast.Ident) string {
	var parts []string
	for _, id := range ids {
		if id.Quoted {
			parts = append(parts, "`"+id.Name+"`")
		} else {
			parts = append(parts, id.Name)
		}
	}
	return strings.Join(parts, ".")
}

// exposures converts `S [where P]` (the value of `exposures` and `rows`).
func (c *converter) exposures(x *cstExposures) *ast.Exposures {
	e := &ast.Exposures{Source: c.name(x.Source), Sp: c.span(x.Pos, x.EndPos)}
	if x.Where != nil {
		e.Where = c.expr(x.Where)
	}
	return e
}
