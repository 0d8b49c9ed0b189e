package ast

import "github.com/caliper-dev/caliper/lang/source"

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Ref is a (possibly qualified) name: col, source.col, metric.
type Ref struct {
	Parts []*Ident
	Sp    source.Span
}

// Call is f(args) with an optional `where` filter on the first argument,
// as aggregates take it: count(events where event == "save").
type Call struct {
	Fun   *Ident
	Args  []Expr
	Where Expr
	Sp    source.Span
}

// Binary is X op Y for arithmetic, comparison and logic (and, or).
type Binary struct {
	Op     string
	X, Y   Expr
	OpSpan source.Span
	Sp     source.Span
}

// Unary is -X or not X.
type Unary struct {
	Op string
	X  Expr
	Sp source.Span
}

// LitKind is a literal's kind.
type LitKind int

// Literal kinds.
const (
	LitNumber LitKind = iota
	LitString
	LitBool
	LitNull
	LitPercent
	LitDuration
)

// Literal is a constant: Number holds numbers and percents (as fractions),
// Str holds strings, Bool booleans; Text is the source spelling.
type Literal struct {
	Kind   LitKind
	Number float64
	Str    string
	Bool   bool
	Text   string
	Sp     source.Span
}

// List is [a, b, c].
type List struct {
	Elems []Expr
	Sp    source.Span
}

// In is X [not] in [list].
type In struct {
	X    Expr
	List *List
	Not  bool
	Sp   source.Span
}

// IsNull is X is [not] null.
type IsNull struct {
	X   Expr
	Not bool
	Sp  source.Span
}

// Paren is (X), kept so printing round-trips.
type Paren struct {
	X  Expr
	Sp source.Span
}

func (*Ref) exprNode()     {}
func (*Call) exprNode()    {}
func (*Binary) exprNode()  {}
func (*Unary) exprNode()   {}
func (*Literal) exprNode() {}
func (*List) exprNode()    {}
func (*In) exprNode()      {}
func (*IsNull) exprNode()  {}
func (*Paren) exprNode()   {}

// Span implementations.
func (n *Ref) Span() source.Span     { return n.Sp }
func (n *Call) Span() source.Span    { return n.Sp }
func (n *Binary) Span() source.Span  { return n.Sp }
func (n *Unary) Span() source.Span   { return n.Sp }
func (n *Literal) Span() source.Span { return n.Sp }
func (n *List) Span() source.Span    { return n.Sp }
func (n *In) Span() source.Span      { return n.Sp }
func (n *IsNull) Span() source.Span  { return n.Sp }
func (n *Paren) Span() source.Span   { return n.Sp }

// Unparen strips parentheses.
func Unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// Inspect calls fn for e and, while fn returns true, for each of its
// sub-expressions in source order (a call's filter after its arguments).
func Inspect(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *Paren:
		Inspect(e.X, fn)
	case *Binary:
		Inspect(e.X, fn)
		Inspect(e.Y, fn)
	case *Unary:
		Inspect(e.X, fn)
	case *Call:
		for _, a := range e.Args {
			Inspect(a, fn)
		}
		Inspect(e.Where, fn)
	case *In:
		Inspect(e.X, fn)
		Inspect(e.List, fn)
	case *List:
		for _, x := range e.Elems {
			Inspect(x, fn)
		}
	case *IsNull:
		Inspect(e.X, fn)
	}
}

// PlainNames lists the one-part names of e outside function calls, each
// once, in order: in a metric value, the metrics it builds on.
func PlainNames(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	Inspect(e, func(x Expr) bool {
		switch x := x.(type) {
		case *Call:
			return false
		case *Ref:
			if n := x.Parts[0].Name; len(x.Parts) == 1 && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		return true
	})
	return out
}
