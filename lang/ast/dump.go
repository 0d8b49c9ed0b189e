package ast

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump renders a file as an indented outline with expressions in prefix
// form, for golden tests and `caliper compile --dump ast`.
func Dump(f *File) string {
	var b strings.Builder
	for _, d := range f.Decls {
		fmt.Fprintf(&b, "%s %s @%d:%d\n", d.Kind, d.Name.Name, d.Sp.Start.Line, d.Sp.Start.Col)
		for _, fl := range d.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", fl.Key.Name, DumpValue(fl.Value))
		}
	}
	return b.String()
}

// DumpValue renders a field value.
func DumpValue(v Value) string {
	switch v := v.(type) {
	case *Ident:
		return identText(v)
	case *StringLit:
		return strconv.Quote(v.Value)
	case *NumberLit:
		return v.Text
	case *PercentLit:
		return v.Text
	case *DurationLit:
		return v.Text
	case *BoolLit:
		return strconv.FormatBool(v.Value)
	case *StringList:
		var parts []string
		for _, s := range v.Items {
			parts = append(parts, strconv.Quote(s.Value))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *IdentList:
		var parts []string
		for _, s := range v.Items {
			parts = append(parts, identText(s))
		}
		return strings.Join(parts, " "+v.Sep+" ")
	case *PercentList:
		var parts []string
		for _, s := range v.Items {
			parts = append(parts, s.Text)
		}
		return strings.Join(parts, ", ")
	case *ExprValue:
		return DumpExpr(v.X)
	case *From:
		var parts []string
		for _, s := range v.Args {
			parts = append(parts, strconv.Quote(s.Value))
		}
		return v.Reader.Name + "(" + strings.Join(parts, ", ") + ")"
	case *Columns:
		var parts []string
		for _, c := range v.Cols {
			parts = append(parts, identText(c.Name)+" "+c.Type.Name)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *Exposures:
		if v.Where == nil {
			return identText(v.Source)
		}
		return identText(v.Source) + " where " + DumpExpr(v.Where)
	case *MetricRefList:
		var parts []string
		for _, m := range v.Items {
			parts = append(parts, refText(m))
		}
		return strings.Join(parts, ", ")
	case *Guardrail:
		return refText(v.Metric) + " within " + v.Within.Text
	case *Policy:
		if v.Temperature == nil {
			return identText(v.Kind)
		}
		return identText(v.Kind) + " " + v.Temperature.Text
	case *Factor:
		return identText(v.Name) + " " + identText(v.Column) + " baseline " + strconv.Quote(v.Baseline.Value)
	case *Launch:
		var parts []string
		for _, r := range v.Requires {
			s := refText(r.Target)
			if r.Verb != VerbNone {
				s += " " + r.Verb
			}
			if r.Within != nil {
				s += " " + r.Within.Text
			}
			parts = append(parts, s)
		}
		return "{" + strings.Join(parts, "; ") + "}"
	}
	return fmt.Sprintf("%T", v)
}

func identText(id *Ident) string {
	if id.Quoted {
		return "`" + id.Name + "`"
	}
	return id.Name
}

func refText(m *MetricRef) string {
	if m.Cutoff != nil {
		return identText(m.Name) + "@" + m.Cutoff.Text
	}
	return identText(m.Name)
}

// DumpExpr renders an expression in prefix form: (op x y).
func DumpExpr(e Expr) string {
	switch e := e.(type) {
	case *Ref:
		var parts []string
		for _, p := range e.Parts {
			parts = append(parts, identText(p))
		}
		return strings.Join(parts, ".")
	case *Call:
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, DumpExpr(a))
		}
		s := "(" + e.Fun.Name
		if len(parts) > 0 {
			s += " " + strings.Join(parts, " ")
		}
		if e.Where != nil {
			s += " where " + DumpExpr(e.Where)
		}
		return s + ")"
	case *Binary:
		return "(" + e.Op + " " + DumpExpr(e.X) + " " + DumpExpr(e.Y) + ")"
	case *Unary:
		return "(" + e.Op + " " + DumpExpr(e.X) + ")"
	case *Literal:
		if e.Kind == LitString {
			return strconv.Quote(e.Str)
		}
		return e.Text
	case *List:
		var parts []string
		for _, x := range e.Elems {
			parts = append(parts, DumpExpr(x))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *In:
		op := "in"
		if e.Not {
			op = "not-in"
		}
		return "(" + op + " " + DumpExpr(e.X) + " " + DumpExpr(e.List) + ")"
	case *IsNull:
		op := "is-null"
		if e.Not {
			op = "is-not-null"
		}
		return "(" + op + " " + DumpExpr(e.X) + ")"
	case *Paren:
		return DumpExpr(e.X)
	}
	return fmt.Sprintf("%T", e)
}
