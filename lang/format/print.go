package format

import (
	"github.com/caliper-dev/caliper/stdlib"
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
)

// Value prints a field's value canonically (key says which field: `tags`
// are written in brackets, other string lists without). Blocks print on
// one line.
func Value(key string, v ast.Value) string {
	switch v := v.(type) {
	case *ast.Ident:
		return identText(v)
	case *ast.StringLit:
		return Quote(v.Value, v.Raw)
	case *ast.NumberLit:
		return v.Text
	case *ast.PercentLit:
		return v.Text
	case *ast.DurationLit:
		return v.Text
	case *ast.BoolLit:
		if v.Value {
			return "true"
		}
		return "false"
	case *ast.StringList:
		parts := make([]string, len(v.Items))
		for i, s := range v.Items {
			parts[i] = Quote(s.Value, s.Raw)
		}
		if f, ok := ast.FieldNamed(key); ok && f.Bracketed || len(parts) == 0 {
			return "[" + strings.Join(parts, ", ") + "]"
		}
		return strings.Join(parts, ", ")
	case *ast.IdentList:
		parts := make([]string, len(v.Items))
		for i, id := range v.Items {
			parts[i] = identText(id)
		}
		if v.Sep == "*" {
			return strings.Join(parts, " * ")
		}
		return strings.Join(parts, ", ")
	case *ast.PercentList:
		parts := make([]string, len(v.Items))
		for i, p := range v.Items {
			parts[i] = p.Text
		}
		return strings.Join(parts, ", ")
	case *ast.ExprValue:
		return Expr(v.X)
	case *ast.From:
		if r, ok := stdlib.LookupReader(v.Reader.Name); ok && r.Query && !v.Reader.Quoted && len(v.Args) == 1 {
			return "sql " + Quote(v.Args[0].Value, v.Args[0].Raw)
		}
		parts := make([]string, len(v.Args))
		for i, a := range v.Args {
			parts[i] = Quote(a.Value, a.Raw)
		}
		return identText(v.Reader) + "(" + strings.Join(parts, ", ") + ")"
	case *ast.Columns:
		if len(v.Cols) == 0 {
			return "{}"
		}
		parts := make([]string, len(v.Cols))
		for i, c := range v.Cols {
			parts[i] = identText(c.Name) + " " + identText(c.Type)
		}
		return "{ " + strings.Join(parts, "  ") + " }"
	case *ast.Exposures:
		if v.Where == nil {
			return identText(v.Source)
		}
		return identText(v.Source) + " where " + Expr(v.Where)
	case *ast.MetricRefList:
		parts := make([]string, len(v.Items))
		for i, m := range v.Items {
			parts[i] = refText(m)
		}
		return strings.Join(parts, ", ")
	case *ast.Guardrail:
		return refText(v.Metric) + " within " + v.Within.Text
	case *ast.Credit:
		return identText(v.Name) + " " + Expr(v.X)
	case *ast.Policy:
		if v.Temperature == nil {
			return identText(v.Kind)
		}
		return identText(v.Kind) + " " + v.Temperature.Text
	case *ast.Factor:
		return identText(v.Name) + " " + identText(v.Column) + " baseline " + Quote(v.Baseline.Value, v.Baseline.Raw)
	case *ast.Launch:
		if len(v.Requires) == 0 {
			return "{}"
		}
		parts := make([]string, len(v.Requires))
		for i, r := range v.Requires {
			parts[i] = "require " + requireText(r)
		}
		return "{ " + strings.Join(parts, " ") + " }"
	}
	return ""
}

func requireText(r *ast.Require) string {
	s := refText(r.Target)
	switch r.Verb {
	case ast.VerbImproves:
		s += " improves"
	case ast.VerbWithin:
		s += " within " + r.Within.Text
	case ast.VerbNotWorse:
		s += " not worse"
	case ast.VerbPreferred:
		s += " preferred"
	}
	return s
}

func identText(id *ast.Ident) string {
	if id.Quoted {
		return "`" + id.Name + "`"
	}
	return id.Name
}

func refText(m *ast.MetricRef) string {
	if m.Cutoff != nil {
		return identText(m.Name) + "@" + m.Cutoff.Text
	}
	return identText(m.Name)
}

// Quote writes a string literal: raw strings as """...""", others in
// double quotes with the escapes the language knows (\" \\ \n \t).
func Quote(s string, raw bool) string {
	if raw {
		return `"""` + s + `"""`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Expr prints an expression canonically: single spaces around binary
// operators, none inside brackets, parentheses where the input had them.
func Expr(e ast.Expr) string {
	var b strings.Builder
	expr(&b, e)
	return b.String()
}

func expr(b *strings.Builder, e ast.Expr) {
	switch e := e.(type) {
	case *ast.Ref:
		for i, p := range e.Parts {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(identText(p))
		}
	case *ast.Call:
		if e.Fun.Quoted {
			b.WriteString(identText(e.Fun))
		} else {
			b.WriteString(e.Fun.Name) // a dotted name keeps its quoting
		}
		b.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			expr(b, a)
			if i == 0 && e.Where != nil {
				b.WriteString(" where ")
				expr(b, e.Where)
			}
		}
		b.WriteByte(')')
	case *ast.Binary:
		expr(b, e.X)
		b.WriteString(" " + e.Op + " ")
		expr(b, e.Y)
	case *ast.Unary:
		if e.Op == "not" {
			b.WriteString("not ")
		} else {
			b.WriteString(e.Op)
		}
		expr(b, e.X)
	case *ast.Literal:
		switch e.Kind {
		case ast.LitString:
			b.WriteString(Quote(e.Str, strings.HasPrefix(e.Text, `"""`)))
		case ast.LitNull:
			b.WriteString("null")
		default:
			b.WriteString(e.Text)
		}
	case *ast.List:
		b.WriteByte('[')
		for i, x := range e.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			expr(b, x)
		}
		b.WriteByte(']')
	case *ast.In:
		expr(b, e.X)
		if e.Not {
			b.WriteString(" not in ")
		} else {
			b.WriteString(" in ")
		}
		expr(b, e.List)
	case *ast.IsNull:
		expr(b, e.X)
		if e.Not {
			b.WriteString(" is not null")
		} else {
			b.WriteString(" is null")
		}
	case *ast.Paren:
		b.WriteByte('(')
		expr(b, e.X)
		b.WriteByte(')')
	}
}
