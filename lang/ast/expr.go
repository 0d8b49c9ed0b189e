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
