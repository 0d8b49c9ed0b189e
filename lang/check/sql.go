package check

import (
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
)

// checkSQL is the checker's conservative, lexical test of a `sql`
// source: one read-only query. `caliper check` runs no query, so the
// engine's own parser confirms it before `caliper run` (runtime). The text
// must start with SELECT or WITH (after comments and opening brackets),
// hold no `;` at all (not even in a string: no statement can follow),
// keep its brackets balanced (it is compiled inside `( ... )`, which it
// must not close), and hold no data-modifying keyword outside strings,
// quoted names and comments (a CTE that writes).
func (c *checker) checkSQL(arg *ast.StringLit) {
	if msg := SQLProblem(arg.Value); msg != "" {
		c.diags.Errorf(diag.ENotAQuery, arg.Sp, "the sql source %s", msg).
			Hint(`a sql source is one read-only query: sql """select ... from ...""" or sql """with ... select ..."""`)
	}
}

// writeWords are statements that may appear inside a query only to
// write (PostgreSQL's data-modifying WITH).
var writeWords = map[string]bool{"insert": true, "update": true, "delete": true, "merge": true, "truncate": true}

// SQLProblem returns what makes text not one read-only query, or "".
func SQLProblem(text string) string {
	if strings.Contains(text, ";") {
		return "holds `;`: it must be exactly one query, with no statement after it"
	}
	var words []string
	depth := 0
	for i := 0; i < len(text); {
		ch := text[i]
		switch {
		case strings.HasPrefix(text[i:], "--"):
			j := strings.IndexAny(text[i:], "\n\r")
			if j < 0 {
				i = len(text)
			} else {
				i += j
			}
		case strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				return "has an unterminated /* comment"
			}
			i += j + 4
		case ch == '\'' || ch == '"' || ch == '`':
			j := i + 1
			for {
				k := strings.IndexByte(text[j:], ch)
				if k < 0 {
					return "has an unterminated quote"
				}
				j += k + 1
				if j < len(text) && text[j] == ch { // doubled quote
					j++
					continue
				}
				break
			}
			words = append(words, "") // a literal or quoted name
			i = j
		case ch == '(':
			depth++
			i++
		case ch == ')':
			depth--
			if depth < 0 {
				return "closes a bracket it did not open"
			}
			i++
		case isWordByte(ch):
			j := i
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			w := strings.ToLower(text[i:j])
			if writeWords[w] {
				return "uses `" + w + "`: it may only read"
			}
			words = append(words, w)
			i = j
		default:
			i++
		}
	}
	if depth != 0 {
		return "leaves a bracket open"
	}
	if len(words) == 0 {
		return "is empty"
	}
	if words[0] != "select" && words[0] != "with" {
		first := words[0]
		if first == "" {
			first = "a quoted text"
		}
		return "starts with `" + first + "`: it must be a query starting with SELECT or WITH"
	}
	return ""
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
}
