// Package ast is the syntax tree of Caliper specs: declarations made of
// keyword fields, and expressions. Every node carries its span. The tree is
// what the parser produces and what the checker reads; it holds no types or
// resolved references (those live in the checked model).
package ast

import (
	"math"
	"strconv"

	"github.com/caliper-dev/caliper/lang/source"
)

// Node is anything with a span.
type Node interface {
	Span() source.Span
}

// File is one parsed spec file.
type File struct {
	Name  string
	Decls []*Decl
}

// Decl kinds.
const (
	KindSource     = "source"
	KindMetric     = "metric"
	KindExperiment = "experiment"
	KindBenchmark  = "benchmark"
	// KindInterleaving compares rankers from one merged list per session.
	KindInterleaving = "interleaving"
	// KindCounterfactual is an off-policy evaluation from logged data.
	KindCounterfactual = "counterfactual"
	// KindRollout estimates a launch's effect from groups adopting it at
	// different times (difference in differences).
	KindRollout = "rollout"
)

// Decl is a top-level declaration: `kind name { fields }`.
type Decl struct {
	Kind   string
	Name   *Ident
	Fields []*Field
	Sp     source.Span
}

// Span implements Node.
func (d *Decl) Span() source.Span { return d.Sp }

// Field is `key value` inside a declaration.
type Field struct {
	Key   *Ident
	Value Value
	Sp    source.Span
}

// Span implements Node.
func (f *Field) Span() source.Span { return f.Sp }

// Value is a field's value.
type Value interface {
	Node
	valueNode()
}

// Ident is a name; Quoted is set for `backquoted` names.
type Ident struct {
	Name   string
	Quoted bool
	Sp     source.Span
}

// StringLit is a string literal ("..." or """...""").
type StringLit struct {
	Value string
	Raw   bool
	Sp    source.Span
}

// NumberLit is a number such as 42 or 0.05.
type NumberLit struct {
	Value float64
	Text  string
	Sp    source.Span
}

// PercentLit is a percentage such as 2%; Value is the fraction (0.02).
type PercentLit struct {
	Value float64
	Text  string
	Sp    source.Span
}

// DurationLit is a duration such as 7d; Seconds is its length (-1 when
// it does not fit in int64 seconds; the checker reports it).
type DurationLit struct {
	Seconds int64
	Text    string
	Sp      source.Span
}

// BoolLit is true or false.
type BoolLit struct {
	Value bool
	Sp    source.Span
}

// StringList is "a", "b" or ["a", "b"].
type StringList struct {
	Items []*StringLit
	Sp    source.Span
}

// IdentList is a, b, c (Sep ",") or a * b (Sep "*").
type IdentList struct {
	Items []*Ident
	Sep   string
	Sp    source.Span
}

// PercentList is 50%, 50%.
type PercentList struct {
	Items []*PercentLit
	Sp    source.Span
}

// ExprValue wraps an expression used as a field value (metric `value`).
type ExprValue struct {
	X Expr
}

// From is a source's `from`: reader("arg", ...) or sql """...""".
type From struct {
	Reader *Ident
	Args   []*StringLit
	Sp     source.Span
}

// Columns is a source's `columns { name type ... }`.
type Columns struct {
	Cols []*ColumnDecl
	Sp   source.Span
}

// ColumnDecl is one `name type` pair.
type ColumnDecl struct {
	Name *Ident
	Type *Ident
}

// Exposures is an experiment's `exposures S [where P]`.
type Exposures struct {
	Source *Ident
	Where  Expr
	Sp     source.Span
}

// MetricRef names a metric, with an optional cutoff (ndcg@10).
type MetricRef struct {
	Name   *Ident
	Cutoff *NumberLit
	Sp     source.Span
}

// MetricRefList is m1, m2@10, ...
type MetricRefList struct {
	Items []*MetricRef
	Sp    source.Span
}

// Guardrail is `guardrail M within X%`.
type Guardrail struct {
	Metric *MetricRef
	Within *PercentLit
	Sp     source.Span
}

// Factor is `factor NAME C baseline "v"`.
type Factor struct {
	Name     *Ident
	Column   *Ident
	Baseline *StringLit
	Sp       source.Span
}

// Credit is an interleaving's `credit NAME EXPR`: what each shown item
// earns the team that contributed it.
type Credit struct {
	Name *Ident
	X    Expr
	Sp   source.Span
}

// Policy is a counterfactual's `policy greedy` or `policy softmax T`.
type Policy struct {
	Kind        *Ident
	Temperature *NumberLit // softmax only
	Sp          source.Span
}

// Launch is `launch { require ... }`.
type Launch struct {
	Requires []*Require
	Sp       source.Span
}

// Require verbs.
const (
	VerbNone     = ""          // `require srm`, `require guardrails`
	VerbImproves = "improves"  // `require M improves`
	VerbWithin   = "within"    // `require M within X%`
	VerbNotWorse = "not worse" // `require M not worse`
	// VerbPreferred is an interleaving's `require M preferred`.
	VerbPreferred = "preferred"
)

// Require is one launch requirement.
type Require struct {
	Target *MetricRef
	Verb   string
	Within *PercentLit
	Sp     source.Span
}

func (*Ident) valueNode()         {}
func (*StringLit) valueNode()     {}
func (*NumberLit) valueNode()     {}
func (*PercentLit) valueNode()    {}
func (*DurationLit) valueNode()   {}
func (*BoolLit) valueNode()       {}
func (*StringList) valueNode()    {}
func (*IdentList) valueNode()     {}
func (*PercentList) valueNode()   {}
func (*ExprValue) valueNode()     {}
func (*From) valueNode()          {}
func (*Columns) valueNode()       {}
func (*Exposures) valueNode()     {}
func (*MetricRefList) valueNode() {}
func (*Guardrail) valueNode()     {}
func (*Factor) valueNode()        {}
func (*Launch) valueNode()        {}
func (*Credit) valueNode()        {}
func (*Policy) valueNode()        {}

// Span implementations.
func (n *Ident) Span() source.Span         { return n.Sp }
func (n *StringLit) Span() source.Span     { return n.Sp }
func (n *NumberLit) Span() source.Span     { return n.Sp }
func (n *PercentLit) Span() source.Span    { return n.Sp }
func (n *DurationLit) Span() source.Span   { return n.Sp }
func (n *BoolLit) Span() source.Span       { return n.Sp }
func (n *StringList) Span() source.Span    { return n.Sp }
func (n *IdentList) Span() source.Span     { return n.Sp }
func (n *PercentList) Span() source.Span   { return n.Sp }
func (n *ExprValue) Span() source.Span     { return n.X.Span() }
func (n *From) Span() source.Span          { return n.Sp }
func (n *Columns) Span() source.Span       { return n.Sp }
func (n *Exposures) Span() source.Span     { return n.Sp }
func (n *MetricRef) Span() source.Span     { return n.Sp }
func (n *MetricRefList) Span() source.Span { return n.Sp }
func (n *Guardrail) Span() source.Span     { return n.Sp }
func (n *Factor) Span() source.Span        { return n.Sp }
func (n *Launch) Span() source.Span        { return n.Sp }
func (n *Credit) Span() source.Span        { return n.Sp }
func (n *Policy) Span() source.Span        { return n.Sp }
func (n *Require) Span() source.Span       { return n.Sp }
func (n *ColumnDecl) Span() source.Span    { return source.Join(n.Name.Sp, n.Type.Sp) }

// MaxDurationSeconds is where durations stop: 100 years (of 365 days).
// Durations are at least 1 second below it.
const MaxDurationSeconds = 100 * 365 * 86400

// DurationSeconds converts a duration's text (30m, 12h, 7d, 2w) to
// seconds; -1 when the text is not a duration or its length does not fit
// in int64 seconds.
func DurationSeconds(text string) int64 {
	if len(text) < 2 {
		return -1
	}
	n, err := strconv.ParseInt(text[:len(text)-1], 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	var unit int64
	switch text[len(text)-1] {
	case 'm':
		unit = 60
	case 'h':
		unit = 3600
	case 'd':
		unit = 86400
	case 'w':
		unit = 7 * 86400
	default:
		return -1
	}
	if n > math.MaxInt64/unit {
		return -1
	}
	return n * unit
}
