package syntax

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/caliper-dev/caliper/internal/safetext"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// MaxDepth caps nesting: brackets, and runs of prefix operators (`not`,
// `-`) which nest without brackets. Deeper input is refused with a
// diagnostic before parsing, since a recursive-descent parser could
// exhaust the stack.
const MaxDepth = 100

// MaxOperators caps the binary operators of one declaration: a chain
// `a + b + ...` is a left-deep tree, and every later stage walks it
// recursively.
const MaxOperators = 10000

var declKinds = ast.Kinds()

var (
	symbols  = specLexer.Symbols()
	tComment = symbols["Comment"]
	tSpace   = symbols["Whitespace"]
	tInvalid = symbols["Invalid"]
	tIdent   = symbols["Ident"]
	tString  = symbols["String"]
	tRaw     = symbols["RawString"]
	tNumber  = symbols["Number"]
	tQIdent  = symbols["QIdent"]
)

// Parse parses one spec file. It never panics and always returns a file:
// declarations that parsed, plus a diagnostic for each one that did not.
// After a syntax error it resynchronises at the next declaration, so one
// run reports an error in every broken declaration.
func Parse(f *source.File) (*ast.File, diag.List) { return parseWith(f, nil) }

func parseWith(f *source.File, cache *Cache) (*ast.File, diag.List) {
	out := &ast.File{Name: f.Name}
	sc, diags := scan(f)
	if sc == nil {
		return out, diags
	}
	chs := chunks(f, sc.toks, &diags)
	results := make([]chunkResult, len(chs))
	// Declarations whose text is unchanged since the cached parse are
	// reused (moved to their new place); the others are parsed.
	todo := make([]int, 0, len(chs))
	for k, ch := range chs {
		if cache != nil && cache.reuse(f, ch, &results[k]) {
			continue
		}
		todo = append(todo, k)
	}
	// Declarations parse independently: with several of them, on several
	// processors at once (a Parser is safe for concurrent use; each chunk
	// has its own lexer and converter). Results keep the file's order.
	if workers := min(runtime.GOMAXPROCS(0), len(todo)/4); workers > 1 {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
					results[todo[i]] = parseChunk(f, sc, chs[todo[i]])
				}
			})
		}
		wg.Wait()
	} else {
		for _, k := range todo {
			results[k] = parseChunk(f, sc, chs[k])
		}
	}
	if cache != nil {
		cache.keep(f, chs, results)
	}
	for _, r := range results {
		out.Decls = append(out.Decls, r.decls...)
		diags = append(diags, r.diags...)
	}
	return out, diags
}

type chunkResult struct {
	decls []*ast.Decl
	diags diag.List
}

// parseChunk parses one declaration (a chunk of the file).
func parseChunk(f *source.File, sc *scanned, ch chunk) chunkResult {
	var res chunkResult
	if sc.invalidIn(ch) { // already reported by scan
		return res
	}
	toks := sc.significant(ch)
	if ops := countOperators(toks); ops > MaxOperators {
		t := toks[0]
		res.diags.Errorf(diag.ETooDeep, f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value)),
			"declaration has %d operators; at most %d are allowed", ops, MaxOperators).
			Hint("split the expression into several metrics")
		return res
	}
	pl, err := lexer.Upgrade(&sliceLexer{toks: sc.raw(f, ch)}, tComment, tSpace)
	if err != nil {
		res.diags.Errorf(diag.ESyntax, f.SpanOf(ch.start, ch.start), "%v", err)
		return res
	}
	cst, err := parser.ParseFromLexer(pl)
	if err != nil {
		res.diags = append(res.diags, rewrite(f, toks, sc.after(f, ch), err))
		return res
	}
	c := &converter{file: f}
	for _, d := range cst.Decls {
		res.decls = append(res.decls, c.decl(d))
	}
	res.diags = c.diags
	return res
}

// Comment is a `//` comment of a file.
type Comment struct {
	Text string // with the leading //, without the newline
	Span source.Span
}

// Comments returns the comments of a file in order, lexed with the
// parser's own lexer (so `//` inside a string is not a comment). It
// returns nil when the file cannot be lexed.
func Comments(f *source.File) []Comment {
	sc, _ := scan(f)
	if sc == nil {
		return nil
	}
	var out []Comment
	for _, t := range sc.all {
		if t.Type == tComment {
			text := strings.TrimRight(t.Value, " \t\r")
			out = append(out, Comment{Text: text, Span: f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(text))})
		}
	}
	return out
}

// sliceLexer feeds participle tokens that were lexed once for the whole
// file, so each declaration is parsed without lexing again and positions
// are positions in the file.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// scanned is a lexed file.
type scanned struct {
	all     []lexer.Token // every token, comments and whitespace too; EOF last
	toks    []lexer.Token // significant tokens; EOF last
	invalid []int         // offsets of Invalid tokens
}

func (s *scanned) invalidIn(ch chunk) bool {
	i := sort.SearchInts(s.invalid, ch.start)
	return i < len(s.invalid) && s.invalid[i] < ch.end
}

// between returns the tokens of list whose offset is in [start, end).
func between(list []lexer.Token, start, end int) []lexer.Token {
	i := sort.Search(len(list), func(i int) bool { return list[i].EOF() || list[i].Pos.Offset >= start })
	j := sort.Search(len(list), func(i int) bool { return list[i].EOF() || list[i].Pos.Offset >= end })
	return list[i:j]
}

// eofAt is an end-of-input token at a byte offset.
func eofAt(f *source.File, offset int) lexer.Token {
	p := f.PosAt(offset)
	return lexer.EOFToken(lexer.Position{Filename: f.Name, Offset: p.Offset, Line: p.Line, Column: p.Col})
}

// raw returns a chunk's tokens, elided ones included, ending with an EOF
// at the chunk's end.
func (s *scanned) raw(f *source.File, ch chunk) []lexer.Token {
	in := between(s.all, ch.start, ch.end)
	out := make([]lexer.Token, 0, len(in)+1)
	return append(append(out, in...), eofAt(f, ch.end))
}

// significant returns a chunk's significant tokens.
func (s *scanned) significant(ch chunk) []lexer.Token {
	return between(s.toks, ch.start, ch.end)
}

// after returns the token that follows a chunk: the next declaration's
// first token, or the end of the file.
func (s *scanned) after(f *source.File, ch chunk) lexer.Token {
	next := between(s.toks, ch.end, len(f.Text)+1)
	if len(next) > 0 {
		return next[0]
	}
	return eofAt(f, len(f.Text))
}

func countOperators(toks []lexer.Token) int {
	n := 0
	for _, t := range toks {
		switch t.Value {
		case "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or":
			n++
		}
	}
	return n
}

// invalidHints explains characters that start no token, keyed by the
// run of them (`&&` is one run).
var invalidHints = map[string]string{
	"&&": "write `and`", "&": "write `and`", "||": "write `or`", "|": "write `or`",
	"!": "write `not`, or `!=` to compare", ";": "fields need no separator: remove the `;`",
	"=>": "compare with `>=`", "=<": "compare with `<=`", "<>": "compare with `!=`",
	"%": "a percentage is written with its number: 2%",
}

// reportInvalid reports a run of characters that start no token (run[0]
// is the first; all are adjacent). prev is the significant token before
// the run, if any.
func reportInvalid(f *source.File, run []lexer.Token, prev *lexer.Token, diags *diag.List) {
	t := run[0]
	last := run[len(run)-1]
	sp := f.SpanOf(t.Pos.Offset, last.Pos.Offset+len(last.Value))
	text := f.Text[t.Pos.Offset : last.Pos.Offset+len(last.Value)]
	switch {
	case t.Value == `"`:
		diags.Errorf(diag.EUnterminated, f.SpanOf(t.Pos.Offset, t.Pos.Offset+1), "unterminated string").
			Hint("close the string with `\"` on the same line; use \"\"\"...\"\"\" for text over several lines")
		return
	case text == "=" || text == ":":
		d := diags.Errorf(diag.EBadToken, sp, "unexpected character `%s`", text)
		if prev != nil && prev.Type == tIdent && isFieldKey(prev.Value) {
			d.Hint("drop the `%s`: fields are written as a key and a value, such as `%s ...`", text, prev.Value)
		} else if text == "=" {
			d.Hint("compare with `==`")
		} else {
			d.Hint("columns are written `name type`, and fields `key value`, without `:`")
		}
		return
	case text == "'":
		d := diags.Errorf(diag.EBadToken, sp, "unexpected character `'`")
		rest := f.Text[t.Pos.Offset+1:]
		if end := strings.IndexAny(rest, "'\n"); end >= 0 && rest[end] == '\'' {
			d.Hint("strings use double quotes: \"%s\"", rest[:end])
		} else {
			d.Hint("strings use double quotes")
		}
		return
	}
	if len(run) > 1 {
		diags.Errorf(diag.EBadToken, sp, "unexpected characters `%s`", text)
	} else {
		diags.Errorf(diag.EBadToken, sp, "unexpected character `%s`", text)
	}
	if h, ok := invalidHints[text]; ok {
		(*diags)[len(*diags)-1].Hint("%s", h)
	}
}

// scan lexes the file once, for parsing, recovery and depth checks.
func scan(f *source.File) (*scanned, diag.List) {
	var diags diag.List
	lx, err := specLexer.LexString(f.Name, f.Text)
	if err != nil {
		diags.Errorf(diag.ESyntax, f.SpanOf(0, 0), "cannot read %s: %v", f.Name, err)
		return nil, diags
	}
	s := &scanned{}
	depth, prefix := 0, 0
	// Runs of adjacent invalid characters are reported once; so is a
	// single-quoted 'string' (quote is the line of its opening quote).
	var run []lexer.Token
	var runPrev *lexer.Token // the significant token before the run
	quote := -1
	flushRun := func() {
		if len(run) > 0 {
			reportInvalid(f, run, runPrev, &diags)
			run = nil
		}
	}
	tooDeep := func(t lexer.Token, what string) {
		diags.Errorf(diag.ETooDeep, f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value)),
			"expression nested more than %d levels deep%s", MaxDepth, what).
			Hint("split the expression into several metrics")
	}
	for {
		t, err := lx.Next()
		if err != nil {
			diags.Errorf(diag.EBadToken, f.SpanOf(t.Pos.Offset, t.Pos.Offset+1), "%v", err)
			return nil, diags
		}
		s.all = append(s.all, t)
		if t.EOF() {
			flushRun()
			s.toks = append(s.toks, t)
			return s, diags
		}
		if bad := controlIn(f, t, &diags); bad {
			s.invalid = append(s.invalid, t.Pos.Offset)
			if t.Type == tInvalid {
				flushRun()
				continue
			}
		}
		if t.Type == tComment || t.Type == tSpace {
			continue
		}
		if t.Type == tInvalid {
			s.invalid = append(s.invalid, t.Pos.Offset)
			n := len(s.toks)
			adjacent := n > 0 && s.toks[n-1].Type == tInvalid && s.toks[n-1].Value != `"` && t.Value != `"` &&
				s.toks[n-1].Pos.Offset+len(s.toks[n-1].Value) == t.Pos.Offset
			quoted := quote >= 0 && t.Value == "'" // the closing quote of 'text'
			if !adjacent && !quoted {
				flushRun()
				run = append(run, t)
				runPrev = nil
				for k := n - 1; k >= 0; k-- {
					if s.toks[k].Type != tInvalid {
						p := s.toks[k]
						runPrev = &p
						break
					}
				}
				quote = -1
				if t.Value == "'" {
					quote = t.Pos.Line
				}
			} else if adjacent {
				run = append(run, t)
			}
			if quoted {
				quote = -1
			}
		}
		if quote >= 0 && t.Pos.Line != quote {
			quote = -1
		}
		switch t.Value {
		case "(", "[":
			depth++
			if depth+prefix == MaxDepth+1 {
				flushRun()
				tooDeep(t, "")
				return nil, diags
			}
		case ")", "]":
			depth--
		}
		// `not not not x` and `- - - x` nest without brackets.
		if t.Value == "not" || t.Value == "-" {
			prefix++
			if depth+prefix == MaxDepth+1 {
				flushRun()
				tooDeep(t, fmt.Sprintf(" (a run of `%s`)", t.Value))
				return nil, diags
			}
		} else {
			prefix = 0
		}
		s.toks = append(s.toks, t)
	}
}

// controlIn reports a control character (or a bidirectional mark, or a
// byte that is not UTF-8) in a token: in a name, a string, a comment, or
// on its own. A spec is text: such characters could end an SQL comment
// the name is printed in, or drive the terminal a diagnostic is shown on.
// Tabs are allowed in strings and comments, line breaks in raw strings.
func controlIn(f *source.File, t lexer.Token, diags *diag.List) bool {
	keep, what := "", "a name"
	switch t.Type {
	case tQIdent:
	case tString:
		keep, what = "\t", "a string"
	case tRaw:
		keep, what = "\t\n\r", "a string"
	case tComment:
		keep, what = "\t\r", "a comment"
	case tInvalid:
		what = "the spec"
	default:
		return false
	}
	i, r := safetext.Find(t.Value, keep)
	if i < 0 {
		return false
	}
	at := t.Pos.Offset + i
	n := utf8.RuneLen(r)
	if r == utf8.RuneError || n < 1 {
		n = 1
	}
	diags.Errorf(diag.EControlChar, f.SpanOf(at, at+n), "control character `%s` in %s", safetext.EscapeRune(r), what).
		Hint("names, strings and comments hold printable text only: remove the character (write a line break in a string as \\n)")
	return true
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

// kindList names the declaration kinds in prose: "a, b or c".
func kindList() string {
	n := len(declKinds)
	if n < 2 {
		return strings.Join(declKinds, "")
	}
	return strings.Join(declKinds[:n-1], ", ") + " or " + declKinds[n-1]
}

// reportStray reports the first token of text that is not a declaration.
func reportStray(f *source.File, t lexer.Token, diags *diag.List) {
	d := diags.Errorf(diag.EUnknownDecl, f.SpanOf(t.Pos.Offset, t.Pos.Offset+len(t.Value)),
		"expected a declaration (%s), found `%s`", kindList(), t.Value)
	if s := diag.Closest(t.Value, declKinds); s != "" {
		d.Hint("did you mean `%s`?", s)
	} else if t.Value == "}" {
		d.Hint("this `}` closes nothing: remove it, or check the braces before it")
	}
}
