package syntax

import (
	"errors"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// rewrite turns a participle error in one declaration into a friendly
// diagnostic. toks are the declaration's significant tokens; after is the
// token that follows it (the next declaration, or the end of the file).
func rewrite(f *source.File, toks []lexer.Token, after lexer.Token, err error) *diag.Diagnostic {
	r := &rewriter{f: f, toks: toks, after: after}
	return r.rewrite(err)
}

type rewriter struct {
	f     *source.File
	toks  []lexer.Token
	after lexer.Token
	list  diag.List
}

// span is the span of a token (the end of the file for EOF).
func (r *rewriter) span(t lexer.Token) source.Span {
	return r.f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value))
}

// index returns the index in toks of the first token at or after offset;
// len(toks) when there is none (the declaration's end).
func (r *rewriter) index(offset int) int {
	for i, t := range r.toks {
		if t.Pos.Offset >= offset {
			return i
		}
	}
	return len(r.toks)
}

// at returns toks[i], or the token after the declaration.
func (r *rewriter) at(i int) lexer.Token {
	if i >= 0 && i < len(r.toks) {
		return r.toks[i]
	}
	return r.after
}

// describe names a token for a message.
func describe(t lexer.Token) string {
	switch {
	case t.EOF():
		return "the end of the file"
	case t.Type == tString || t.Type == tRaw:
		return "string " + t.Value
	}
	return "`" + t.Value + "`"
}

// at is where a parse failed, as the rewrite cases see it.
type at struct {
	i      int         // index in toks of the token participle blames
	tok    lexer.Token // that token (the token after the declaration past its end)
	sp     source.Span // its span
	expect string      // participle's expectation (EBNF), "" when unknown
	key    string      // the field the token is in ("" for none)
	kind   string      // the declaration kind whose body holds the token
	inBody bool        // the token is directly in that body (not in brackets)
}

// prev is the token before the blamed one (the zero token at the start).
func (r *rewriter) prev(a *at) lexer.Token {
	if a.i > 0 && a.i-1 < len(r.toks) {
		return r.toks[a.i-1]
	}
	return lexer.Token{}
}

// rewriteCase is one friendly rewrite of a parse error: when match holds,
// the diagnostic has code, message msg and hint (if any). A case with
// build instead makes its own diagnostic, or returns nil to let the next
// case try. Cases are tried in order; the first that applies wins.
type rewriteCase struct {
	name  string
	match func(r *rewriter, a *at) bool
	code  diag.Code
	msg   func(r *rewriter, a *at) string
	hint  func(r *rewriter, a *at) string
	build func(r *rewriter, a *at) *diag.Diagnostic
}

func text(s string) func(*rewriter, *at) string { return func(*rewriter, *at) string { return s } }

// rewriteCases are the parse-error rewrites, in the order they are tried.
// Anything none of them matches is reported as "unexpected X" with what
// was expected (unexpected).
var rewriteCases = []rewriteCase{
	{name: "declaration ends early",
		match: func(_ *rewriter, a *at) bool { return a.tok.EOF() },
		build: func(r *rewriter, a *at) *diag.Diagnostic { return r.unexpectedEnd(a.i, a.expect) }},
	{name: "unterminated string", code: diag.EUnterminated,
		match: func(_ *rewriter, a *at) bool { return a.tok.Type == tInvalid && a.tok.Value == `"` },
		msg:   text("unterminated string"),
		hint:  text("close the string with `\"` on the same line; use \"\"\"...\"\"\" for text over several lines")},
	{name: "bad character", code: diag.EBadToken,
		match: func(_ *rewriter, a *at) bool { return a.tok.Type == tInvalid },
		msg:   func(_ *rewriter, a *at) string { return "unexpected character `" + a.tok.Value + "`" }},
	{name: "in / is without their operand",
		build: func(r *rewriter, a *at) *diag.Diagnostic { return r.keyword(a.i) }},
	{name: "operator without its operand",
		match: func(_ *rewriter, a *at) bool { _, op := needsOperand[a.tok.Value]; return op },
		build: func(r *rewriter, a *at) *diag.Diagnostic { return r.missingOperand(a.i) }},
	{name: "declaration without a name", code: diag.ESyntax,
		match: func(r *rewriter, a *at) bool { return a.i == 1 && isDeclKind(r.toks[0].Value) },
		msg: func(r *rewriter, a *at) string {
			return "expected a name after `" + r.toks[0].Value + "`, found " + describe(a.tok)
		},
		hint: declForm},
	{name: "declaration without its body", code: diag.ESyntax,
		match: func(r *rewriter, a *at) bool { return a.i == 2 && isDeclKind(r.toks[0].Value) },
		msg: func(r *rewriter, a *at) string {
			return "expected `{` after `" + r.toks[0].Value + " " + r.toks[1].Value + "`, found " + describe(a.tok)
		},
		hint: declForm},
	{name: "unquoted reader argument", code: diag.ESyntax,
		match: func(r *rewriter, a *at) bool {
			p := r.prev(a).Value
			return fieldShape(a.key, ast.ShapeReader) && a.i > 0 && (p == "(" || p == ",") && a.tok.Type != tString && a.tok.Type != tRaw && !isCloser(a.tok.Value)
		},
		msg:  func(_ *rewriter, a *at) string { return "a reader's argument is a string; found " + describe(a.tok) },
		hint: text(`quote the path, such as csv("data/events.csv")`)},
	{name: "commas between columns", code: diag.ESyntax,
		match: func(_ *rewriter, a *at) bool { return fieldShape(a.key, ast.ShapeColumns) && a.tok.Value == "," },
		msg:   text("unexpected `,` between columns"),
		hint:  text("columns are `name type` pairs separated by spaces or new lines, without commas")},
	// `sum(events.revenue) where ...`: a filter outside its aggregate.
	{name: "where outside the aggregate", code: diag.ESyntax,
		match: func(r *rewriter, a *at) bool { return a.tok.Value == "where" && a.i > 0 && r.prev(a).Value == ")" },
		msg:   text("a `where` filter goes inside the aggregate's parentheses"),
		hint:  text(`for example sum(events.revenue where event == "purchase")`)},
	// `value count(x) count(y)`: two values without an operator.
	{name: "two values without an operator", code: diag.ESyntax,
		match: func(r *rewriter, a *at) bool {
			return fieldShape(a.key, ast.ShapeExpr, ast.ShapeExposures) && a.i > 0 && a.tok.Pos.Line == r.prev(a).Pos.Line && a.tok.Type == tIdent &&
				!isFieldKey(a.tok.Value) && diag.Closest(a.tok.Value, ast.FieldNames(a.kind)) == "" && r.at(a.i+1).Value == "("
		},
		msg:  func(_ *rewriter, a *at) string { return "expected an operator before `" + a.tok.Value + "`" },
		hint: text("a value is one expression: join its parts with an operator such as + - * /")},
	{name: "a field's value, or an unknown field",
		match: func(r *rewriter, a *at) bool {
			return a.i < len(r.toks) && a.inBody && a.tok.Type == tIdent && r.fieldPosition(a.i)
		},
		build: func(r *rewriter, a *at) *diag.Diagnostic {
			if isFieldKey(a.tok.Value) {
				return r.badFieldValue(a.i, a.kind)
			}
			return r.unknownField(a.i, a.kind)
		}},
	{name: "missing operand",
		build: func(r *rewriter, a *at) *diag.Diagnostic { return r.missingOperand(a.i) }},
	{name: "unclosed bracket",
		build: func(r *rewriter, a *at) *diag.Diagnostic { return r.unclosed(a.i, a.expect) }},
}

func declForm(r *rewriter, _ *at) string {
	return "declarations are written `" + r.toks[0].Value + " name { ... }`"
}

func (r *rewriter) rewrite(err error) *diag.Diagnostic {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return r.list.Errorf(diag.ESyntax, r.f.SpanOf(0, 0), "%s", err.Error())
	}
	a := r.locate(perr)
	for _, c := range rewriteCases {
		if c.match != nil && !c.match(r, a) {
			continue
		}
		if c.build != nil {
			if d := c.build(r, a); d != nil {
				return d
			}
			continue
		}
		d := r.list.Errorf(c.code, a.sp, "%s", c.msg(r, a))
		if c.hint != nil {
			d.Hint("%s", c.hint(r, a))
		}
		return d
	}
	return r.unexpected(a)
}

// locate finds the token participle blames and its context.
func (r *rewriter) locate(perr participle.Error) *at {
	a := &at{i: r.index(perr.Position().Offset)}
	var ute *participle.UnexpectedTokenError
	if errors.As(perr, &ute) {
		a.expect = ute.Expect
		if !ute.Unexpected.EOF() {
			a.i = r.index(ute.Unexpected.Pos.Offset)
		} else {
			a.i = len(r.toks)
		}
	}
	if a.expect == "" {
		a.expect = expectedIn(perr.Message())
	}
	a.tok = r.at(a.i)
	if a.tok.EOF() {
		return a
	}
	a.sp = r.span(a.tok)
	a.key = r.currentField(a.i)
	a.kind, a.inBody = r.enclosingDecl(a.i)
	return a
}

// unexpected is the rewrite of last resort: "unexpected X", with what was
// expected, a missing comma, a near keyword or the field's value shape.
func (r *rewriter) unexpected(a *at) *diag.Diagnostic {
	tok, i, key := a.tok, a.i, a.key
	d := r.list.Errorf(diag.ESyntax, a.sp, "unexpected %s", describe(tok))
	alts := expectAlternatives(a.expect)
	missingComma := i > 0 && i < len(r.toks) && r.toks[i-1].Value != "," && (listField(key) || r.innermostOpen(i) == "[") &&
		isItem(tok) && isItem(r.toks[i-1])
	if missingComma {
		d.Hint("separate the items with commas")
	} else if len(alts) > 0 {
		d.Hint("expected %s", orList(alts))
	}
	if tok.Type == tIdent {
		var words []string
		for _, a := range alts {
			if w := strings.Trim(a, "`"); strings.HasPrefix(a, "`") && w != "" && isLetter(w[0]) {
				words = append(words, w)
			}
		}
		if fieldShape(key, ast.ShapeLaunch) {
			words = append(words, "improves", "within", "not", "require", "srm", "guardrails", "preferred")
		}
		if s := diag.Closest(tok.Value, words); s != "" {
			d.Hint("did you mean `%s`?", s)
		}
	}
	if key != "" && !fieldShape(key, ast.ShapeExpr) && fieldHint(a.kind, key) != "" {
		d.Hint("`%s` takes %s", key, fieldHint(a.kind, key))
	}
	return d
}

// isItem reports whether a token can be a list item or end one.
func isItem(t lexer.Token) bool {
	switch t.Type {
	case tString, tRaw, tNumber, tIdent, symbols["Percent"], symbols["QIdent"], symbols["Duration"]:
		return true
	}
	return t.Value == ")" || t.Value == "]"
}

// innermostOpen returns the innermost bracket open before token i.
func (r *rewriter) innermostOpen(i int) string {
	var stack []string
	for _, t := range r.toks[:min(i, len(r.toks))] {
		switch t.Value {
		case "(", "[", "{":
			stack = append(stack, t.Value)
		case ")", "]", "}":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// unknownField reports a word where a field key belongs.
func (r *rewriter) unknownField(i int, kind string) *diag.Diagnostic {
	tok := r.toks[i]
	d := r.list.Errorf(diag.EUnknownField, r.span(tok), "unknown field `%s` in %s", tok.Value, kind)
	if s := diag.Closest(tok.Value, ast.FieldNames(kind)); s != "" {
		return d.Hint("did you mean `%s`?", s)
	}
	// `primary a b`: a list missing its comma.
	if key := r.currentField(i); listField(key) && r.toks[i-1].Pos.Line == tok.Pos.Line {
		return d.Hint("if `%s` continues the `%s` list, separate the items with commas", tok.Value, key)
	}
	return d.Hint("%s fields: %s", kind, strings.Join(ast.FieldNames(kind), ", "))
}

// keyword reports misuse of `in` and `is`, which participle blames on the
// keyword itself.
func (r *rewriter) keyword(i int) *diag.Diagnostic {
	if i >= len(r.toks) {
		return nil
	}
	tok := r.toks[i]
	next := r.at(i + 1)
	switch tok.Value {
	case "in":
		if next.Value != "[" {
			d := r.list.Errorf(diag.ESyntax, r.nextSpan(tok, next), "expected a list in brackets after `in`, found %s", describe(next))
			if next.Value == "(" {
				d.Hint(`lists are written in brackets: in ["a", "b"]`)
			}
			return d
		}
	case "is":
		if next.Value != "null" && !(next.Value == "not" && r.at(i+2).Value == "null") {
			d := r.list.Errorf(diag.ESyntax, r.nextSpan(tok, next), "expected `null` or `not null` after `is`, found %s", describe(next))
			if next.Type == tIdent && diag.Closest(next.Value, []string{"null"}) != "" {
				d.Hint("did you mean `null`?")
			}
			return d
		}
	}
	return nil
}

// nextSpan points at next when it is on op's line, else just after op.
func (r *rewriter) nextSpan(op, next lexer.Token) source.Span {
	if next.EOF() || next.Pos.Line != op.Pos.Line {
		end := op.Pos.Offset + len(op.Value)
		return r.f.SpanOf(end, end)
	}
	return r.span(next)
}

// currentField returns the key of the field that token i is in ("" when
// it is in none).
func (r *rewriter) currentField(i int) string {
	key := ""
	depth, parens := 0, 0
	for j, t := range r.toks[:min(i, len(r.toks))] {
		if depth == 1 && parens == 0 && t.Type == tIdent && isFieldKey(t.Value) && r.fieldPosition(j) {
			key = t.Value
		}
		switch t.Value {
		case "{":
			depth++
		case "}":
			depth = max(depth-1, 0)
			if depth == 0 {
				key = ""
			}
		case "(", "[":
			parens++
		case ")", "]":
			parens = max(parens-1, 0)
		}
	}
	return key
}

// unexpectedEnd reports a declaration that ends (at the end of the file,
// or where the next declaration starts on a new line) before it is
// complete.
func (r *rewriter) unexpectedEnd(i int, expect string) *diag.Diagnostic {
	if d := r.missingOperand(i); d != nil {
		return d
	}
	if d := r.unclosed(i, expect); d != nil {
		return d
	}
	kind, name := r.declName()
	if r.after.EOF() {
		d := r.list.Errorf(diag.ESyntax, r.f.SpanOf(len(r.f.Text), len(r.f.Text)), "unexpected end of file")
		if kind != "" && r.openBraces() > 0 {
			return d.Hint("%s `%s` is missing its closing `}`", kind, name)
		}
		return d.Hint("a declaration is missing its closing `}`")
	}
	d := r.list.Errorf(diag.ESyntax, r.span(r.after), "%s `%s` is not closed before the next declaration", kind, name)
	if expect != "" {
		d.Hint("expected %s", friendlyExpect(expect))
	}
	return d
}

// declName returns the kind and name of the declaration being parsed.
func (r *rewriter) declName() (string, string) {
	if len(r.toks) == 0 || !isDeclKind(r.toks[0].Value) {
		return "", ""
	}
	if len(r.toks) > 1 {
		return r.toks[0].Value, strings.Trim(r.toks[1].Value, "`")
	}
	return r.toks[0].Value, ""
}

func (r *rewriter) openBraces() int {
	n := 0
	for _, t := range r.toks {
		switch t.Value {
		case "{":
			n++
		case "}":
			n--
		}
	}
	return n
}

// needsOperand lists tokens that must be followed by an expression, and
// what the expression is called in a message.
var needsOperand = map[string]string{
	"where": "a condition", "and": "a condition", "or": "a condition", "not": "a condition",
	"==": "a value", "!=": "a value", "<": "a value", "<=": "a value", ">": "a value", ">=": "a value",
	"+": "a value", "-": "a value", "*": "a value", "/": "a value",
	"require": "a requirement (srm, guardrails, or a metric)",
}

// startsExpr reports whether a token can begin an expression.
func startsExpr(t lexer.Token) bool {
	if t.EOF() {
		return false
	}
	switch t.Value {
	case "(", "[", "-", "not":
		return true
	case "where", "and", "or", "in", "is", "within", "baseline", "improves":
		return false
	}
	switch t.Type {
	case tInvalid, symbols["Op"]:
		return false
	}
	return !isDeclKind(t.Value)
}

// missingOperand reports `count(events where }`, `x == )` and `a, }`: a
// keyword, operator or comma that needs something after it, followed by
// something that cannot start it. Participle blames the keyword
// ("unexpected `where`, expected `)`"); the fix is after it.
func (r *rewriter) missingOperand(i int) *diag.Diagnostic {
	for _, j := range []int{i, i - 1} {
		if j < 0 || j >= len(r.toks) {
			continue
		}
		op := r.toks[j]
		what, ok := needsOperand[op.Value]
		if op.Value == "," {
			what, ok = "another item", true
		}
		if !ok || op.Type == tString || op.Type == tRaw {
			continue
		}
		next := r.at(j + 1)
		if startsExpr(next) || op.Value == "," && (next.Type == tString || next.Type == symbols["Percent"]) {
			continue
		}
		d := r.list.Errorf(diag.ESyntax, r.nextSpan(op, next), "expected %s after `%s`, found %s", what, op.Value, describe(next))
		switch op.Value {
		case "where":
			d.Hint(`a filter is a condition on the source's columns, such as where event == "save"`)
		case ",":
			d.Hint("remove the trailing `,`")
		}
		return d
	}
	return nil
}

// unclosed reports a bracket left open: participle expects `)` or `]`
// and finds something else, such as the `}` ending the declaration.
func (r *rewriter) unclosed(i int, expect string) *diag.Diagnostic {
	want := strings.Trim(expect, `"`)
	if want != ")" && want != "]" && want != "}" {
		return nil
	}
	// The innermost bracket still open before token i.
	type open struct {
		tok  lexer.Token
		want string
	}
	var stack []open
	for _, t := range r.toks[:min(i, len(r.toks))] {
		switch t.Value {
		case "(":
			stack = append(stack, open{t, ")"})
		case "[":
			stack = append(stack, open{t, "]"})
		case "{":
			stack = append(stack, open{t, "}"})
		case ")", "]", "}":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 || stack[len(stack)-1].want != want {
		return nil
	}
	o := stack[len(stack)-1]
	found := r.at(i)
	// The bracket was never closed when what follows closes an outer
	// bracket (`count(x }`), ends the declaration, or (for `(` and `[`)
	// starts a new line. Point just after the last token before it, where
	// the closing bracket belongs. Anything else is a stray token inside
	// the brackets, reported by the caller.
	outer := false
	for _, s := range stack[:len(stack)-1] {
		if s.want == found.Value {
			outer = true
		}
	}
	newLine := want != "}" && i > 0 && i-1 < len(r.toks) && found.Pos.Line > r.toks[i-1].Pos.Line
	if !(found.EOF() || i >= len(r.toks) || outer || newLine) || i == 0 {
		if isCloser(found.Value) && !outer {
			return r.list.Errorf(diag.ESyntax, r.span(found), "unexpected `%s`: there is no `%s` to close", found.Value, opener(found.Value)).
				Hint("remove it, or check the brackets before it")
		}
		return nil
	}
	prev := r.toks[min(i, len(r.toks))-1]
	end := prev.Pos.Offset + len(prev.Value)
	return r.list.Errorf(diag.ESyntax, r.f.SpanOf(end, end), "`%s` is not closed: expected `%s` before %s", o.tok.Value, want, describe(found)).
		Also(r.span(o.tok), "`%s` opened here", o.tok.Value)
}

func opener(closer string) string {
	switch closer {
	case ")":
		return "("
	case "]":
		return "["
	}
	return "{"
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' }

func isCloser(s string) bool { return s == ")" || s == "]" || s == "}" }

// expectedIn extracts participle's "(expected X)" from a message.
func expectedIn(msg string) string {
	i := strings.LastIndex(msg, "(expected ")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	return msg[i+len("(expected ") : len(msg)-1]
}

// fieldHint says what a field's value looks like (the field table's Hint).
// A word field's hint is its kind's (`test` takes other words in a
// benchmark than in an interleaving), when the kind is known.
func fieldHint(kind, key string) string {
	if f, ok := ast.LookupField(kind, key); ok {
		return f.Hint
	}
	if f, ok := ast.FieldNamed(key); ok {
		return f.Hint
	}
	return ""
}

// fieldShape reports whether a field's value has one of the shapes.
func fieldShape(key string, shapes ...ast.Shape) bool {
	f, ok := ast.FieldNamed(key)
	if !ok {
		return false
	}
	for _, s := range shapes {
		if f.Shape == s {
			return true
		}
	}
	return false
}

// listField reports whether a field takes comma-separated items.
func listField(key string) bool {
	f, ok := ast.FieldNamed(key)
	return ok && f.Shape.List()
}

// badFieldValue reports a field whose key parsed but whose value did not:
// it points at the first token after the key. A number glued to a word
// (`7days`) is shown whole.
func (r *rewriter) badFieldValue(i int, kind string) *diag.Diagnostic {
	key := r.toks[i]
	next := r.at(i + 1)
	found := describe(next)
	sp := r.span(next)
	if next.EOF() {
		sp = r.f.SpanOf(len(r.f.Text), len(r.f.Text))
	}
	if k := key.Value; fieldShape(k, ast.ShapeStrings) && next.Value == "[" {
		if item := r.at(i + 2); item.Type == tIdent || item.Type == tNumber {
			return r.list.Errorf(diag.EBadValue, r.span(item), "`%s` takes a list of strings; found `%s`", k, item.Value).
				Hint("quote the items: [\"%s\", ...]", item.Value)
		}
	}
	glued := false
	if next.Type == tNumber && i+2 < len(r.toks) {
		word := r.toks[i+2]
		if word.Type == tIdent && word.Pos.Offset == next.Pos.Offset+len(next.Value) {
			found = "`" + next.Value + word.Value + "`"
			sp = r.f.SpanOf(next.Pos.Offset, word.Pos.Offset+len(word.Value))
			glued = true
		}
	}
	d := r.list.Errorf(diag.EBadValue, sp, "`%s` takes %s; found %s", key.Value, fieldHint(kind, key.Value), found)
	v := &badValue{key: key.Value, next: next, glued: glued, i: i}
	for _, c := range badValueHints {
		if c.match(v) {
			if h := c.hint(r, v); h != "" {
				d.Hint("%s", h)
			}
			break
		}
	}
	return d
}

// badValue is a field value that did not parse: the field's key, the first
// token after it, and whether a word is glued to that token (`7days`).
type badValue struct {
	key   string
	next  lexer.Token
	glued bool
	i     int // the key's index in toks
}

func (v *badValue) durationField() bool { return fieldShape(v.key, ast.ShapeDuration) }

// badValueHints are the hints for a bad field value, tried in order; the
// first that matches gives the hint ("" for none).
var badValueHints = []struct {
	match func(v *badValue) bool
	hint  func(r *rewriter, v *badValue) string
}{
	{func(v *badValue) bool { return v.glued && v.durationField() },
		func(*rewriter, *badValue) string {
			return "a duration is a whole number and one unit letter: 30m, 12h, 7d or 2w"
		}},
	{func(v *badValue) bool { return v.durationField() && v.next.Type == tNumber }, durationHint},
	{func(v *badValue) bool { return fieldShape(v.key, ast.ShapePercent) && v.next.Type == tNumber },
		func(_ *rewriter, v *badValue) string { return "write it as a percentage: " + v.next.Value + "%" }},
	{func(v *badValue) bool {
		return (v.key == "alpha" || v.key == "cap") && v.next.Type == symbols["Percent"]
	},
		func(_ *rewriter, v *badValue) string {
			f, err := strconv.ParseFloat(strings.TrimSuffix(v.next.Value, "%"), 64)
			if err != nil {
				return ""
			}
			return "write it as a number: " + strconv.FormatFloat(f/100, 'g', -1, 64)
		}},
	{func(v *badValue) bool {
		return fieldShape(v.key, ast.ShapeString) && (v.next.Type == tIdent || v.next.Type == tNumber)
	},
		func(_ *rewriter, v *badValue) string { return "quote it: " + v.key + " \"" + v.next.Value + "\"" }},
	{func(v *badValue) bool {
		return fieldShape(v.key, ast.ShapeName, ast.ShapeNames) && v.next.Type == tString
	},
		func(_ *rewriter, v *badValue) string {
			return "drop the quotes: " + v.key + " " + strings.Trim(v.next.Value, `"`)
		}},
	{func(v *badValue) bool { return fieldShape(v.key, ast.ShapeBool) && v.next.Type == tIdent },
		func(_ *rewriter, v *badValue) string {
			if s := diag.Closest(v.next.Value, []string{"true", "false"}); s != "" {
				return "did you mean `" + s + "`?"
			}
			return ""
		}},
}

// durationHint: `window 7` or `window 7 days`.
func durationHint(r *rewriter, v *badValue) string {
	unit := "d"
	if w := r.at(v.i + 2); w.Type == tIdent && w.Pos.Line == v.next.Pos.Line {
		for _, u := range []string{"minute", "hour", "day", "week"} {
			if strings.HasPrefix(u, strings.ToLower(strings.TrimSuffix(w.Value, "s"))) && len(w.Value) > 0 {
				unit = u[:1]
				if u == "minute" {
					unit = "m"
				}
			}
		}
		return "write it without a space, with one unit letter: " + v.next.Value + unit
	}
	return "add a unit: " + v.next.Value + "d for days (m, h, d or w)"
}

// expectNames says what grammar productions and token types are called in
// messages.
var expectNames = map[string]string{
	"<ident>": "a name", "<qident>": "a name", "CstName": "a name", "CstMetricRef": "a metric name",
	"<string>": "a string", "<rawstring>": "a string", "CstString": "a string",
	"<number>": "a number", "CstNumber": "a number",
	"<percent>": "a percentage such as 2%", "CstPercent": "a percentage such as 2%",
	"<duration>": "a duration such as 7d", "CstDuration": "a duration such as 7d",
	"CstExpr": "an expression", "CstAnd": "an expression", "CstNot": "an expression", "CstCmp": "an expression",
	"CstSum": "an expression", "CstTerm": "an expression", "CstUnary": "an expression", "CstPrimary": "an expression",
	"CstField": "a field", "CstRequire": "`require`", "CstColumn": "a column name",
	"CstFrom": "a reader such as csv(\"data/x.csv\")", "CstList": "a list such as [\"a\", \"b\"]",
}

// expectAlternatives turns participle's EBNF expectation (`"{" CstField*
// "}"`, `"improves" | "within"`) into what may come next, for users: the
// first element of each alternative.
func expectAlternatives(e string) []string {
	var out []string
	seen := map[string]bool{}
	for _, alt := range strings.Split(e, "|") {
		f := strings.Fields(strings.TrimLeft(strings.TrimSpace(alt), "("))
		if len(f) == 0 {
			continue
		}
		first := strings.TrimRight(f[0], "*+?)")
		name := expectNames[first]
		if name == "" {
			if strings.HasPrefix(first, `"`) {
				name = "`" + strings.Trim(first, `"`) + "`"
			} else {
				continue
			}
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// orList joins alternatives: "a", "a or b", "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// friendlyExpect rewrites participle's EBNF fragment for users.
func friendlyExpect(e string) string {
	if alts := expectAlternatives(e); len(alts) > 0 {
		return orList(alts)
	}
	return strings.ReplaceAll(e, `"`, "`")
}

// enclosingDecl finds the declaration kind whose body holds token i (the
// declaration is the first token of toks).
func (r *rewriter) enclosingDecl(i int) (string, bool) {
	kind := ""
	depth, parens := 0, 0
	for _, t := range r.toks[:min(i, len(r.toks))] {
		if isDeclKind(t.Value) && (depth == 0 || t.Pos.Column == 1) {
			kind, depth, parens = t.Value, 0, 0
		}
		switch t.Value {
		case "{":
			depth++
		case "}":
			depth = max(depth-1, 0)
		case "(", "[":
			parens++
		case ")", "]":
			parens = max(parens-1, 0)
		}
	}
	return kind, kind != "" && depth == 1 && parens == 0
}

// fieldPosition reports whether token i is where a field key could start:
// after `{`, or after the end of a previous field.
func (r *rewriter) fieldPosition(i int) bool {
	if i <= 0 || i >= len(r.toks) {
		return false
	}
	prev := r.toks[i-1]
	return prev.Value != "," && prev.Value != "(" && prev.Value != "." && prev.Value != "@"
}

func isFieldKey(s string) bool { return ast.IsField(s) }
