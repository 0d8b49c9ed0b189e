// Package syntax parses Caliper spec files into the ast. The grammar is a
// participle concrete syntax tree (this file); convert.go turns it into the
// hand-written ast, and errors.go rewrites participle's errors into
// positioned, friendly diagnostics.
package syntax

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer. Rules are tried in order, so longer forms come first: raw
// strings before strings, percents and durations before numbers. The final
// Invalid rule makes every character a token, so the parser (not the
// lexer) reports stray input with a position and a friendly message.
var specLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "RawString", Pattern: `"""(?s:.*?)"""`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "Percent", Pattern: `[0-9]+(\.[0-9]+)?%`},
	{Name: "Duration", Pattern: `[0-9]+[mhdw]\b`},
	{Name: "Number", Pattern: `[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "QIdent", Pattern: "`[^`\n]*`"},
	{Name: "Op", Pattern: `==|!=|<=|>=|[-+*/<>(){}\[\],.@]`},
	{Name: "Invalid", Pattern: `.`},
})

var parser = participle.MustBuild[cstFile](
	participle.Lexer(specLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(1),
)

// Grammar returns the grammar in EBNF (kept as a golden file so grammar
// changes show up in review).
func Grammar() string { return parser.String() }

type cstFile struct {
	Decls []*cstDecl `parser:"@@*"`
}

type cstDecl struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Kind   string      `parser:"@('source' | 'metric' | 'experiment' | 'benchmark' | 'interleaving' | 'counterfactual' | 'rollout')"`
	Name   *cstName    `parser:"@@ '{'"`
	Fields []*cstField `parser:"@@* '}'"`
}

type cstName struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@(Ident | QIdent)"`
}

type cstString struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@(String | RawString)"`
}

type cstNumber struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Number"`
}

type cstPercent struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Percent"`
}

type cstDuration struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Duration"`
}

// cstField is one keyword field. Each alternative starts with its own
// keyword, so one token of lookahead picks it; which declaration kinds
// allow which field is the checker's job (with a friendly message).
type cstField struct {
	Pos    lexer.Position
	EndPos lexer.Position

	StrKey string     `parser:"  @('title' | 'description' | 'owner' | 'hypothesis' | 'control' | 'baseline' | 'start' | 'end' | 'format')"`
	Str    *cstString `parser:"  @@"`

	ListKey  string       `parser:"| @('tags' | 'treatments')"`
	StrList  []*cstString `parser:"  ( '[' ( @@ ( ',' @@ )* )? ']'"`
	StrList2 []*cstString `parser:"  | @@ ( ',' @@ )* )"`

	Value *cstExpr `parser:"| 'value' @@"`

	IdentKey string   `parser:"| @('time' | 'unit' | 'assignment' | 'cluster' | 'split' | 'attribution' | 'timeline' | 'direction' | 'correction' | 'relative_ci' | 'window_policy' | 'judgments' | 'runs' | 'query' | 'item' | 'relevance' | 'score' | 'model' | 'test' | 'missing_queries' | 'session' | 'team' | 'position' | 'logs' | 'request' | 'action' | 'propensity' | 'reward' | 'candidates' | 'reward_model' | 'group' | 'adopted' | 'period' | 'comparison')"`
	Ident    *cstName `parser:"  @@"`

	NamesKey string     `parser:"| @('primary' | 'secondary' | 'segment' | 'estimators')"`
	Names    []*cstName `parser:"  @@ ( ',' @@ )*"`

	Decompose []*cstName `parser:"| 'decompose' @@ ( '*' @@ )+"`

	PctKey string      `parser:"| @'winsorize'"`
	Pct    *cstPercent `parser:"  @@"`

	NumKey string     `parser:"| @('cap' | 'alpha' | 'sequential_tuning' | 'clip' | 'min_ess')"`
	Num    *cstNumber `parser:"  @@"`

	DurKey string       `parser:"| @('window' | 'cuped' | 'pre' | 'post')"`
	Dur    *cstDuration `parser:"  @@"`

	BoolKey string `parser:"| @'sequential'"`
	Bool    string `parser:"  @('true' | 'false')"`

	Allocation []*cstPercent `parser:"| 'allocation' @@ ( ',' @@ )*"`

	From *cstFrom `parser:"| 'from' @@"`

	Columns *cstColumns `parser:"| 'columns' @@"`

	ExposuresKey string        `parser:"| @('exposures' | 'rows')"`
	Exposures    *cstExposures `parser:"  @@"`

	Guardrail *cstGuardrail `parser:"| 'guardrail' @@"`

	Factor *cstFactor `parser:"| 'factor' @@"`

	Metrics []*cstMetricRef `parser:"| 'metrics' @@ ( ',' @@ )*"`

	Launch *cstLaunch `parser:"| 'launch' @@"`

	Credit *cstCredit `parser:"| 'credit' @@"`

	Policy *cstPolicy `parser:"| 'policy' @@"`
}

type cstCredit struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *cstName `parser:"@@"`
	X      *cstExpr `parser:"@@"`
}

type cstPolicy struct {
	Pos         lexer.Position
	EndPos      lexer.Position
	Kind        *cstName   `parser:"@@"`
	Temperature *cstNumber `parser:"@@?"`
}

type cstFrom struct {
	Pos    lexer.Position
	EndPos lexer.Position
	SQL    *cstString   `parser:"  'sql' @@"`
	Reader *cstName     `parser:"| @@ '('"`
	Args   []*cstString `parser:"  ( @@ ( ',' @@ )* )? ')'"`
}

type cstColumns struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Cols   []*cstColumn `parser:"'{' @@* '}'"`
}

type cstColumn struct {
	Name *cstName `parser:"@@"`
	Type *cstName `parser:"@@"`
}

type cstExposures struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Source *cstName `parser:"@@"`
	Where  *cstExpr `parser:"( 'where' @@ )?"`
}

type cstMetricRef struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *cstName   `parser:"@@"`
	Cutoff *cstNumber `parser:"( '@' @@ )?"`
}

type cstGuardrail struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Metric *cstMetricRef `parser:"@@ 'within'"`
	Within *cstPercent   `parser:"@@"`
}

type cstFactor struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Name     *cstName   `parser:"@@"`
	Column   *cstName   `parser:"@@ 'baseline'"`
	Baseline *cstString `parser:"@@"`
}

type cstLaunch struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Requires []*cstRequire `parser:"'{' @@* '}'"`
}

type cstRequire struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Target   *cstMetricRef `parser:"'require' @@"`
	Improves bool          `parser:"( @'improves'"`
	Prefers  bool          `parser:"| @'preferred'"`
	Within   *cstPercent   `parser:"| 'within' @@"`
	NotWorse bool          `parser:"| @'not' 'worse' )?"`
}

// Expressions, one struct per precedence level (participle has no left
// recursion): or < and < not < comparison < additive < multiplicative <
// unary minus < primary.

type cstExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *cstAnd   `parser:"@@"`
	Tail   []*cstAnd `parser:"( 'or' @@ )*"`
}

type cstAnd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *cstNot   `parser:"@@"`
	Tail   []*cstNot `parser:"( 'and' @@ )*"`
}

type cstNot struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *cstNot `parser:"  'not' @@"`
	Cmp    *cstCmp `parser:"| @@"`
}

type cstCmp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *cstSum  `parser:"@@"`
	Op     *cstOp   `parser:"( @@"`
	Y      *cstSum  `parser:"  @@"`
	NotIn  bool     `parser:"| ( @'not' )? 'in'"`
	List   *cstList `parser:"  @@"`
	Is     bool     `parser:"| @'is'"`
	IsNot  bool     `parser:"  @'not'? 'null' )?"`
}

type cstOp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string `parser:"@('==' | '!=' | '<=' | '>=' | '<' | '>')"`
}

type cstSum struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *cstTerm    `parser:"@@"`
	Tail   []*cstSumOp `parser:"@@*"`
}

type cstSumOp struct {
	Pos  lexer.Position
	Op   string   `parser:"@('+' | '-')"`
	Term *cstTerm `parser:"@@"`
}

type cstTerm struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *cstUnary    `parser:"@@"`
	Tail   []*cstTermOp `parser:"@@*"`
}

type cstTermOp struct {
	Pos   lexer.Position
	Op    string    `parser:"@('*' | '/')"`
	Unary *cstUnary `parser:"@@"`
}

type cstUnary struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Neg     *cstUnary   `parser:"  '-' @@"`
	Primary *cstPrimary `parser:"| @@"`
}

type cstPrimary struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Percent  *string  `parser:"  @Percent"`
	Duration *string  `parser:"| @Duration"`
	Number   *string  `parser:"| @Number"`
	String   *string  `parser:"| @(String | RawString)"`
	Bool     *string  `parser:"| @('true' | 'false')"`
	Null     bool     `parser:"| @'null'"`
	List     *cstList `parser:"| @@"`
	Paren    *cstExpr `parser:"| '(' @@ ')'"`
	Ref      *cstRef  `parser:"| @@"`
}

type cstList struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Elems  []*cstExpr `parser:"'[' ( @@ ( ',' @@ )* )? ']'"`
}

type cstRef struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*cstName `parser:"@@ ( '.' @@ )*"`
	Call   *cstArgs   `parser:"@@?"`
}

type cstArgs struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   bool       `parser:"@'('"`
	First  *cstExpr   `parser:"( @@"`
	Where  *cstExpr   `parser:"  ( 'where' @@ )?"`
	Rest   []*cstExpr `parser:"  ( ',' @@ )* )? ')'"`
}
