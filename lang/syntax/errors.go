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

func (r *rewriter) rewrite(err error) *diag.Diagnostic {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return r.list.Errorf(diag.ESyntax, r.f.SpanOf(0, 0), "%s", err.Error())
	}
	i := r.index(perr.Position().Offset)
	expect := ""
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		expect = ute.Expect
		if !ute.Unexpected.EOF() {
			i = r.index(ute.Unexpected.Pos.Offset)
		} else {
			i = len(r.toks)
		}
	}
	if expect == "" {
		expect = expectedIn(perr.Message())
	}
	tok := r.at(i)
	if tok.EOF() {
		return r.unexpectedEnd(i, expect)
	}
	sp := r.span(tok)
	switch {
	case tok.Type == tInvalid && tok.Value == `"`:
		return r.list.Errorf(diag.EUnterminated, sp, "unterminated string").Hint("close the string with `\"` on the same line; use \"\"\"...\"\"\" for text over several lines")
	case tok.Type == tInvalid:
		return r.list.Errorf(diag.EBadToken, sp, "unexpected character `%s`", tok.Value)
	}
	if d := r.keyword(i); d != nil {
		return d
	}
	if _, op := needsOperand[tok.Value]; op {
		if d := r.missingOperand(i); d != nil {
			return d
		}
	}
	if i == 1 && isDeclKind(r.toks[0].Value) {
		return r.list.Errorf(diag.ESyntax, sp, "expected a name after `%s`, found %s", r.toks[0].Value, describe(tok)).
			Hint("declarations are written `%s name { ... }`", r.toks[0].Value)
	}
	if i == 2 && isDeclKind(r.toks[0].Value) {
		return r.list.Errorf(diag.ESyntax, sp, "expected `{` after `%s %s`, found %s", r.toks[0].Value, r.toks[1].Value, describe(tok)).
			Hint("declarations are written `%s name { ... }`", r.toks[0].Value)
	}
	key := r.currentField(i)
	if key == "from" && i > 0 && (r.toks[i-1].Value == "(" || r.toks[i-1].Value == ",") && tok.Type != tString && tok.Type != tRaw && !isCloser(tok.Value) {
		return r.list.Errorf(diag.ESyntax, sp, "a reader's argument is a string; found %s", describe(tok)).
			Hint(`quote the path, such as csv("data/events.csv")`)
	}
	if key == "columns" && tok.Value == "," {
		return r.list.Errorf(diag.ESyntax, sp, "unexpected `,` between columns").
			Hint("columns are `name type` pairs separated by spaces or new lines, without commas")
	}
	kind, inBody := r.enclosingDecl(i)
	// `sum(events.revenue) where ...`: a filter outside its aggregate.
	if tok.Value == "where" && i > 0 && r.toks[i-1].Value == ")" {
		return r.list.Errorf(diag.ESyntax, sp, "a `where` filter goes inside the aggregate's parentheses").
			Hint(`for example sum(events.revenue where event == "purchase")`)
	}
	// `value count(x) count(y)`: two values without an operator.
	if (key == "value" || key == "exposures") && i > 0 && tok.Pos.Line == r.toks[i-1].Pos.Line && tok.Type == tIdent &&
		!isFieldKey(tok.Value) && diag.Closest(tok.Value, ast.AllowedFields[kind]) == "" && r.at(i+1).Value == "(" {
		return r.list.Errorf(diag.ESyntax, sp, "expected an operator before `%s`", tok.Value).
			Hint("a value is one expression: join its parts with an operator such as + - * /")
	}
	if i < len(r.toks) && inBody && tok.Type == tIdent && r.fieldPosition(i) {
		if isFieldKey(tok.Value) {
			return r.badFieldValue(i)
		}
		return r.unknownField(i, kind)
	}
	if d := r.missingOperand(i); d != nil {
		return d
	}
	if d := r.unclosed(i, expect); d != nil {
		return d
	}
	d := r.list.Errorf(diag.ESyntax, sp, "unexpected %s", describe(tok))
	alts := expectAlternatives(expect)
	missingComma := i > 0 && i < len(r.toks) && r.toks[i-1].Value != "," && (listFields[key] || r.innermostOpen(i) == "[") &&
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
		if key == "launch" {
			words = append(words, "improves", "within", "not", "require", "srm", "guardrails")
		}
		if s := diag.Closest(tok.Value, words); s != "" {
			d.Hint("did you mean `%s`?", s)
		}
	}
	if key != "" && key != "value" && fieldValueShapes[key] != "" {
		d.Hint("`%s` takes %s", key, fieldValueShapes[key])
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
	if s := diag.Closest(tok.Value, ast.AllowedFields[kind]); s != "" {
		return d.Hint("did you mean `%s`?", s)
	}
	// `primary a b`: a list missing its comma.
	if key := r.currentField(i); listFields[key] && r.toks[i-1].Pos.Line == tok.Pos.Line {
		return d.Hint("if `%s` continues the `%s` list, separate the items with commas", tok.Value, key)
	}
	return d.Hint("%s fields: %s", kind, strings.Join(ast.AllowedFields[kind], ", "))
}

// listFields take comma-separated items.
var listFields = map[string]bool{"primary": true, "secondary": true, "segment": true, "metrics": true,
	"treatments": true, "allocation": true, "tags": true}

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

// fieldValueShapes says what each field takes, for errors in its value.
var fieldValueShapes = map[string]string{
	"title": "a string", "description": "a string", "owner": "a string", "hypothesis": "a string",
	"control": "a string such as \"control\"", "baseline": "a string", "start": "a date string such as \"2026-10-01\"",
	"end": "a date string such as \"2026-10-31\"", "format": "a string",
	"tags": "a list of strings such as [\"a\", \"b\"]", "treatments": "strings such as \"a\", \"b\"",
	"value": "an expression", "time": "a column name", "unit": "a column name", "assignment": "a column name",
	"cluster": "a column name", "split": "a column name", "segment": "column names separated by commas",
	"attribution": "`shapley`", "timeline": "`day`, `week`, `exposure_day` or `exposure_week`", "direction": "`increase` or `decrease`",
	"correction": "`holm`, `bh`, `bonferroni` or `none`", "relative_ci": "`fieller` or `delta`", "window_policy": "`partial` or `complete`", "judgments": "a source name", "runs": "a source name",
	"query": "a column name", "item": "a column name", "relevance": "a column name", "score": "a column name",
	"model": "a column name", "test": "`paired_t`, `permutation` or `bootstrap`", "missing_queries": "`skip` or `zero`",
	"primary": "metric names separated by commas", "secondary": "metric names separated by commas",
	"decompose": "metric names joined by `*`, such as a * b", "winsorize": "a percentage such as 99%",
	"cap": "a number", "alpha": "a number such as 0.05", "window": "a duration such as 7d (m, h, d or w)",
	"cuped": "a duration such as 14d (m, h, d or w)", "sequential": "`true` or `false`", "sequential_tuning": "a sample size such as 5000 (N*, where the confidence sequence is tightest)",
	"allocation": "percentages such as 50%, 50%", "from": "a reader such as csv(\"data/x.csv\"), or sql \"\"\"...\"\"\"",
	"columns": "{ name type ... }", "exposures": "a source name, optionally followed by `where` and a condition",
	"guardrail": "a metric, `within` and a percentage, such as latency within 2%",
	"factor":    "a name, a column, `baseline` and a string, such as ranker rank_arm baseline \"v1\"",
	"metrics":   "offline metric names such as ndcg@10, mrr",
	"launch":    "{ require ... }, one requirement per `require`: srm, guardrails, M improves, M within X% or M not worse",
}

// stringFields take a string; nameFields a name or word.
var (
	stringFields = map[string]bool{"title": true, "description": true, "owner": true, "hypothesis": true,
		"control": true, "baseline": true, "start": true, "end": true, "format": true}
	nameFields = map[string]bool{"time": true, "unit": true, "assignment": true, "cluster": true, "split": true,
		"attribution": true, "timeline": true, "direction": true, "correction": true, "relative_ci": true, "window_policy": true, "judgments": true,
		"runs": true, "query": true, "item": true, "relevance": true, "score": true, "model": true, "test": true,
		"missing_queries": true, "primary": true, "secondary": true, "segment": true}
)

// badFieldValue reports a field whose key parsed but whose value did not:
// it points at the first token after the key. A number glued to a word
// (`7days`) is shown whole.
func (r *rewriter) badFieldValue(i int) *diag.Diagnostic {
	key := r.toks[i]
	next := r.at(i + 1)
	found := describe(next)
	sp := r.span(next)
	if next.EOF() {
		sp = r.f.SpanOf(len(r.f.Text), len(r.f.Text))
	}
	if k := key.Value; (k == "tags" || k == "treatments") && next.Value == "[" {
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
	d := r.list.Errorf(diag.EBadValue, sp, "`%s` takes %s; found %s", key.Value, fieldValueShapes[key.Value], found)
	k := key.Value
	switch {
	case glued && (k == "window" || k == "cuped"):
		d.Hint("a duration is a whole number and one unit letter: 30m, 12h, 7d or 2w")
	case (k == "window" || k == "cuped") && next.Type == tNumber:
		unit := "d"
		if w := r.at(i + 2); w.Type == tIdent && w.Pos.Line == next.Pos.Line {
			for _, u := range []string{"minute", "hour", "day", "week"} {
				if strings.HasPrefix(u, strings.ToLower(strings.TrimSuffix(w.Value, "s"))) && len(w.Value) > 0 {
					unit = u[:1]
					if u == "minute" {
						unit = "m"
					}
				}
			}
			d.Hint("write it without a space, with one unit letter: %s%s", next.Value, unit)
			break
		}
		d.Hint("add a unit: %sd for days (m, h, d or w)", next.Value)
	case k == "winsorize" && next.Type == tNumber:
		d.Hint("write it as a percentage: %s%%", next.Value)
	case (k == "alpha" || k == "cap") && next.Type == symbols["Percent"]:
		if v, err := strconv.ParseFloat(strings.TrimSuffix(next.Value, "%"), 64); err == nil {
			d.Hint("write it as a number: %s", strconv.FormatFloat(v/100, 'g', -1, 64))
		}
	case stringFields[k] && (next.Type == tIdent || next.Type == tNumber):
		d.Hint("quote it: %s \"%s\"", k, next.Value)
	case nameFields[k] && (next.Type == tString):
		d.Hint("drop the quotes: %s %s", k, strings.Trim(next.Value, `"`))
	case k == "sequential" && next.Type == tIdent:
		if s := diag.Closest(next.Value, []string{"true", "false"}); s != "" {
			d.Hint("did you mean `%s`?", s)
		}
	}
	return d
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

func isFieldKey(s string) bool {
	for _, fields := range ast.AllowedFields {
		for _, f := range fields {
			if f == s {
				return true
			}
		}
	}
	return false
}
