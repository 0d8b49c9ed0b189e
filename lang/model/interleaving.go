package model

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
)

// Interleaving is a checked interleaving: sessions that showed one list
// merged from the baseline ranker and one treatment ranker, each row a
// shown item credited to the team (ranker) that contributed it. Per
// session and credit the team with the larger sum wins; the treatment's
// preference share is wins / (wins + losses) over sessions.
type Interleaving struct {
	Name        string
	Span        source.Span
	Title       string
	Owner       string
	Description string
	// Rows is the source of shown items; Unit, Session and Team are its
	// columns (Team a string).
	Rows *Source
	// Filter is the rows' `where` (`rows S where P`), or nil.
	Filter              RowExpr
	Unit, Session, Team *Column
	// Order ranks a session's rows for the first-position check: the
	// `position` column, else the rows' time column; nil when neither
	// exists (no first-position check).
	Order *Column
	// Baseline is the baseline's team value. Treatments, when listed, are
	// the only treatments: sessions of other team values are counted and
	// left out. Without them every other value is a treatment.
	Baseline   string
	Treatments []string
	Credits    []*Credit
	// Test is "unit" (the delta method over units, default) or "sign"
	// (the exact binomial test over decided sessions).
	Test  string
	Alpha float64
	// Launch holds the requirements; nil means the default rule
	// (DefaultLaunch).
	Launch []*Requirement
	Decl   *ast.Decl
}

// Credit is one `credit NAME EXPR`: a bool or number per row, summed per
// session and team.
type Credit struct {
	Name string
	Expr RowExpr
	Span source.Span
}

// DefaultLaunch is the rule without a launch block: the first positions
// are balanced (when the rows can be ordered) and the first credit is
// preferred.
func (il *Interleaving) DefaultLaunch() []*Requirement {
	var out []*Requirement
	if il.Order != nil {
		out = append(out, &Requirement{Kind: RequireSRM})
	}
	if len(il.Credits) > 0 {
		out = append(out, &Requirement{Kind: RequirePreferred, Credit: il.Credits[0].Name})
	}
	return out
}

// Requirements are the launch block's requirements, or the default rule.
func (il *Interleaving) Requirements() []*Requirement {
	if il.Launch != nil {
		return il.Launch
	}
	return il.DefaultLaunch()
}
