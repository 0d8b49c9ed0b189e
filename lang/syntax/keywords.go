package syntax

import (
	"regexp"
	"sort"

	"github.com/caliper-dev/caliper/lang/ast"
)

var quotedWord = regexp.MustCompile(`"([a-z_]+)"`)

// Keywords are the words of the language: every literal word of the
// grammar (declaration kinds, field names, and the words of expressions
// and clauses such as where, and, not, null, true, within, improves),
// sorted. Editors' grammars and the language server read them from here.
func Keywords() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range quotedWord.FindAllStringSubmatch(Grammar(), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// Reserved are the keywords that cannot be written as a name without
// backquotes: declaration kinds and the words of expressions and clauses
// (`true` where a metric is expected reads as a boolean, `where` ends a
// source). Field names are keywords only at the start of a field, so a
// source may be called exposures.
func Reserved() []string {
	var out []string
	for _, k := range Keywords() {
		if _, isKind := ast.LookupDecl(k); isKind || !ast.IsField(k) {
			out = append(out, k)
		}
	}
	return out
}

// IsReserved reports whether word is one of Reserved.
func IsReserved(word string) bool {
	for _, k := range Reserved() {
		if k == word {
			return true
		}
	}
	return false
}
