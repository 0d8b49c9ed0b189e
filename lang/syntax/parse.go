package syntax

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// MaxDepth caps bracket nesting: deeper input is refused with a diagnostic
// before parsing, since a recursive-descent parser could exhaust the stack.
const MaxDepth = 100

var declKinds = []string{ast.KindSource, ast.KindMetric, ast.KindExperiment, ast.KindBenchmark}

// Parse parses one spec file. It never panics and always returns a file:
// declarations that parsed, plus a diagnostic for each one that did not.
// After a syntax error it resynchronises at the next declaration, so one
// run reports an error in every broken declaration.
func Parse(f *source.File) (*ast.File, diag.List) {
	out := &ast.File{Name: f.Name}
	toks, diags := scan(f)
	if toks == nil {
		return out, diags
	}
	for _, ch := range chunks(f, toks, &diags) {
		cst, err := parser.ParseString(f.Name, pad(f.Text, ch.start, ch.end))
		if err != nil {
			if !hasInvalid(toks, ch) { // already reported by scan
				diags = append(diags, rewrite(f, toks, err))
			}
			continue
		}
		c := &converter{file: f}
		for _, d := range cst.Decls {
			out.Decls = append(out.Decls, c.decl(d))
		}
		diags = append(diags, c.diags...)
	}
	return out, diags
}

func reportInvalid(f *source.File, t lexer.Token, diags *diag.List) {
	sp := f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value))
	if t.Value == `"` {
		diags.Errorf(diag.EUnterminated, sp, "unterminated string").
			Hint("close the string with `\"` on the same line; use \"\"\"...\"\"\" for text over several lines")
		return
	}
	diags.Errorf(diag.EBadToken, sp, "unexpected character `%s`", t.Value)
}

func hasInvalid(toks []lexer.Token, ch chunk) bool {
	invalid := specLexer.Symbols()["Invalid"]
	for _, t := range toks {
		if t.Type == invalid && t.Pos.Offset >= ch.start && t.Pos.Offset < ch.end {
			return true
		}
	}
	return false
}

// scan lexes the file for recovery and depth checks.
func scan(f *source.File) ([]lexer.Token, diag.List) {
	var diags diag.List
	lx, err := specLexer.Lex(f.Name, strings.NewReader(f.Text))
	if err != nil {
		diags.Errorf(diag.ESyntax, f.SpanOf(0, 0), "cannot read %s: %v", f.Name, err)
		return nil, diags
	}
	var toks []lexer.Token
	depth := 0
	sym := specLexer.Symbols()
	comment, ws, invalid := sym["Comment"], sym["Whitespace"], sym["Invalid"]
	for {
		t, err := lx.Next()
		if err != nil {
			diags.Errorf(diag.EBadToken, f.SpanOf(t.Pos.Offset, t.Pos.Offset+1), "%v", err)
			return nil, diags
		}
		if t.EOF() {
			toks = append(toks, t)
			return toks, diags
		}
		if t.Type == comment || t.Type == ws {
			continue
		}
		if t.Type == invalid {
			reportInvalid(f, t, &diags)
		}
		switch t.Value {
		case "(", "[":
			depth++
			if depth == MaxDepth+1 {
				diags.Errorf(diag.ETooDeep, f.SpanOf(t.Pos.Offset, t.Pos.Offset+1),
					"expression nested more than %d levels deep", MaxDepth).
					Hint("split the expression into several metrics")
				return nil, diags
			}
		case ")", "]":
			depth--
		}
		toks = append(toks, t)
	}
}

type chunk struct{ start, end int }

// chunks splits the file at top-level declaration keywords: those at brace
// depth 0, or at the start of a line (which also resets the depth, so an
// unclosed brace does not swallow the rest of the file). Stray text before
// a declaration is reported.
func chunks(f *source.File, toks []lexer.Token, diags *diag.List) []chunk {
	var out []chunk
	depth := 0
	open := -1      // start offset of the chunk being read, or -1
	closed := false // the current chunk's body has closed
	stray := false  // a stray run is being skipped (reported once)
	flush := func(end int) {
		if open >= 0 {
			out = append(out, chunk{start: open, end: end})
			open = -1
		}
	}
	for _, t := range toks {
		if t.EOF() {
			break
		}
		if isDeclKind(t.Value) && (depth == 0 || (t.Pos.Column == 1 && lineStart(f, t.Pos.Offset))) {
			flush(t.Pos.Offset)
			open, closed, stray, depth = t.Pos.Offset, false, false, 0
			continue
		}
		if depth == 0 && (open < 0 || closed) {
			flush(t.Pos.Offset)
			if !stray {
				reportStray(f, t, diags)
				stray = true
			}
		}
		switch t.Value {
		case "{":
			depth++
		case "}":
			if depth > 0 {
				depth--
				closed = depth == 0
			}
		}
	}
	flush(len(f.Text))
	return out
}

func lineStart(f *source.File, offset int) bool {
	return offset == 0 || f.Text[offset-1] == '\n'
}

func isDeclKind(s string) bool {
	for _, k := range declKinds {
		if s == k {
			return true
		}
	}
	return false
}

// reportStray reports the first token of text that is not a declaration.
func reportStray(f *source.File, t lexer.Token, diags *diag.List) {
	d := diags.Errorf(diag.EUnknownDecl, f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value)),
		"expected a declaration (source, metric, experiment or benchmark), found `%s`", t.Value)
	if s := diag.Closest(t.Value, declKinds); s != "" {
		d.Hint("did you mean `%s`?", s)
	}
}

// pad returns text with everything outside [start, end) blanked (newlines
// kept), so positions in the chunk's parse are positions in the file.
func pad(text string, start, end int) string {
	b := []byte(text)
	for i := range b {
		if (i < start || i >= end) && b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// rewrite turns a participle error into a friendly diagnostic.
func rewrite(f *source.File, toks []lexer.Token, err error) *diag.Diagnostic {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &diag.Diagnostic{Code: diag.ESyntax, Span: f.SpanOf(0, 0), Message: err.Error()}
	}
	pos := perr.Position()
	tok, ok := tokenAt(toks, pos.Offset)
	var ute *participle.UnexpectedTokenError
	expect := ""
	if errors.As(err, &ute) {
		tok, ok = ute.Unexpected, true
		expect = ute.Expect
	}
	list := diag.List{}
	if !ok || tok.EOF() {
		d := list.Errorf(diag.ESyntax, f.SpanOf(len(f.Text), len(f.Text)), "unexpected end of file")
		return d.Hint("a declaration is missing its closing `}`")
	}
	sp := f.SpanOf(tok.Pos.Offset, tok.Pos.Offset+len(tok.Value))
	sym := specLexer.Symbols()
	switch {
	case tok.Type == sym["Invalid"] && tok.Value == `"`:
		return list.Errorf(diag.EUnterminated, sp, "unterminated string").Hint("close the string with `\"` on the same line; use \"\"\"...\"\"\" for text over several lines")
	case tok.Type == sym["Invalid"]:
		return list.Errorf(diag.EBadToken, sp, "unexpected character `%s`", tok.Value)
	}
	if expect == "" {
		expect = expectedIn(perr.Message())
	}
	kind, inBody := enclosingDecl(toks, tok.Pos.Offset)
	if inBody && tok.Type == sym["Ident"] && fieldPosition(toks, tok.Pos.Offset) {
		if isFieldKey(tok.Value) {
			return badFieldValue(f, toks, tok, &list)
		}
		{
			d := list.Errorf(diag.EUnknownField, sp, "unknown field `%s` in %s", tok.Value, kind)
			if s := diag.Closest(tok.Value, ast.AllowedFields[kind]); s != "" {
				d.Hint("did you mean `%s`?", s)
			} else {
				d.Hint("%s fields: %s", kind, strings.Join(ast.AllowedFields[kind], ", "))
			}
			return d
		}
	}
	msg := fmt.Sprintf("unexpected `%s`", tok.Value)
	if tok.Type == sym["String"] || tok.Type == sym["RawString"] {
		msg = fmt.Sprintf("unexpected string %s", tok.Value)
	}
	d := list.Errorf(diag.ESyntax, sp, "%s", msg)
	if expect != "" {
		d.Hint("expected %s", friendlyExpect(expect))
	}
	return d
}

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
	"attribution": "`shapley`", "timeline": "`day` or `week`", "direction": "`increase` or `decrease`",
	"correction": "`holm`, `bh`, `bonferroni` or `none`", "judgments": "a source name", "runs": "a source name",
	"query": "a column name", "item": "a column name", "relevance": "a column name", "score": "a column name",
	"model": "a column name", "test": "`paired_t`, `permutation` or `bootstrap`", "missing_queries": "`skip` or `zero`",
	"primary": "metric names separated by commas", "secondary": "metric names separated by commas",
	"decompose": "metric names joined by `*`, such as a * b", "winsorize": "a percentage such as 99%",
	"cap": "a number", "alpha": "a number such as 0.05", "window": "a duration such as 7d (m, h, d or w)",
	"cuped": "a duration such as 14d (m, h, d or w)", "sequential": "`true` or `false`",
	"allocation": "percentages such as 50%, 50%", "from": "a reader such as csv(\"data/x.csv\"), or sql \"\"\"...\"\"\"",
	"columns": "{ name type ... }", "exposures": "a source name, optionally followed by `where` and a condition",
	"guardrail": "a metric, `within` and a percentage, such as latency within 2%",
	"factor":    "a name, a column, `baseline` and a string, such as ranker rank_arm baseline \"v1\"",
	"metrics":   "offline metric names such as ndcg@10, mrr", "launch": "{ require ... }",
}

// badFieldValue reports a field whose key parsed but whose value did not:
// it points at the first token after the key.
func badFieldValue(f *source.File, toks []lexer.Token, key lexer.Token, list *diag.List) *diag.Diagnostic {
	next := key
	for i, t := range toks {
		if t.Pos.Offset == key.Pos.Offset && i+1 < len(toks) {
			next = toks[i+1]
		}
	}
	found := "`" + next.Value + "`"
	sp := f.SpanOf(next.Pos.Offset, next.Pos.Offset+len(next.Value))
	if next.EOF() {
		found, sp = "the end of the file", f.SpanOf(len(f.Text), len(f.Text))
	}
	return list.Errorf(diag.EBadValue, sp, "`%s` takes %s; found %s", key.Value, fieldValueShapes[key.Value], found)
}

// friendlyExpect rewrites participle's EBNF fragment for users.
func friendlyExpect(e string) string {
	r := strings.NewReplacer(`"`, "`", "<ident>", "a name", "<qident>", "a name", "<string>", "a string",
		"<rawstring>", "a string", "<number>", "a number", "<percent>", "a percentage such as 2%",
		"<duration>", "a duration such as 7d")
	return r.Replace(e)
}

func tokenAt(toks []lexer.Token, offset int) (lexer.Token, bool) {
	for _, t := range toks {
		if t.Pos.Offset >= offset {
			return t, true
		}
	}
	return lexer.Token{}, false
}

// enclosingDecl finds the declaration kind whose body holds offset.
func enclosingDecl(toks []lexer.Token, offset int) (string, bool) {
	kind := ""
	depth, parens := 0, 0
	for _, t := range toks {
		if t.Pos.Offset >= offset || t.EOF() {
			break
		}
		if isDeclKind(t.Value) && (depth == 0 || t.Pos.Column == 1) {
			kind, depth, parens = t.Value, 0, 0 // chunks() starts a declaration here too
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

// fieldPosition reports whether the token at offset is where a field key
// could start: after `{`, or after the end of a previous field.
func fieldPosition(toks []lexer.Token, offset int) bool {
	for i, t := range toks {
		if t.Pos.Offset == offset {
			if i == 0 {
				return false
			}
			prev := toks[i-1]
			return prev.Value != "," && prev.Value != "(" && prev.Value != "." && prev.Value != "@"
		}
	}
	return false
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
