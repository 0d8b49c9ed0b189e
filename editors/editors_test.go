// Package editors_test checks the editor packaging against the language:
// the VS Code extension's TextMate grammar lists exactly the language's
// keywords and builtins, and its manifest points at files that exist.
package editors_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/syntax"
	"github.com/caliper-dev/caliper/stdlib"
)

type rule struct {
	Name     string          `json:"name"`
	Match    string          `json:"match"`
	Begin    string          `json:"begin"`
	End      string          `json:"end"`
	Patterns []rule          `json:"patterns"`
	Captures map[string]rule `json:"captures"`
}

// wordGroup is the first group of a rule's match that is only words:
// `\b(and|or|not)\b` gives and, or, not.
var wordGroup = regexp.MustCompile(`\(([a-z_]+(\|[a-z_]+)+)\)`)

func words(t *testing.T, r rule, name string) []string {
	t.Helper()
	m := wordGroup.FindStringSubmatch(r.Match)
	if m == nil {
		t.Fatalf("grammar rule %s has no word list: %q", name, r.Match)
	}
	w := strings.Split(m[1], "|")
	sort.Strings(w)
	return w
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}

// TestVSCodeGrammarKeywords: the grammar's declaration kinds, field names
// and other words are the language's keywords (syntax.Keywords, from the
// parser's grammar and the field tables), each in its group, and its
// builtins are the stdlib catalog's aggregates, functions and readers.
func TestVSCodeGrammarKeywords(t *testing.T) {
	data, err := os.ReadFile("vscode/syntaxes/caliper.tmLanguage.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		ScopeName  string                     `json:"scopeName"`
		Patterns   []struct{ Include string } `json:"patterns"`
		Repository map[string]rule            `json:"repository"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, k := range ast.Kinds() {
		fields = append(fields, ast.FieldNames(k)...)
	}
	fields = sorted(fields)
	kinds := sorted(ast.Kinds())
	var other []string
	for _, k := range syntax.Keywords() {
		if !slices.Contains(kinds, k) && !slices.Contains(fields, k) {
			other = append(other, k)
		}
	}
	var gotOther []string
	for _, name := range []string{"constant", "operator-word", "clause-word"} {
		gotOther = append(gotOther, words(t, g.Repository[name], name)...)
	}
	builtins := append(stdlib.Names(), stdlib.ReaderNames()...)
	builtins = slices.DeleteFunc(sorted(builtins), func(s string) bool { return slices.Contains(other, s) }) // sql is a keyword
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"declaration kinds (rule declaration)", words(t, g.Repository["declaration"], "declaration"), kinds},
		{"field names (rule field)", words(t, g.Repository["field"], "field"), fields},
		{"other keywords (rules constant, operator-word, clause-word)", sorted(gotOther), sorted(other)},
		{"builtins (rule builtin)", words(t, g.Repository["builtin"], "builtin"), builtins},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: the grammar lists\n  %v\nthe language has\n  %v", c.what, c.got, c.want)
		}
	}
	// Every rule the top level includes exists, and every match compiles
	// (Go's regexp lacks lookahead: that part is dropped for the check).
	for _, p := range g.Patterns {
		if _, ok := g.Repository[strings.TrimPrefix(p.Include, "#")]; !ok {
			t.Errorf("the grammar includes %q, which its repository lacks", p.Include)
		}
	}
	if len(g.Patterns) != len(g.Repository) {
		t.Errorf("%d rules included, %d in the repository", len(g.Patterns), len(g.Repository))
	}
	var check func(name string, r rule)
	check = func(name string, r rule) {
		for _, re := range []string{r.Match, r.Begin, r.End} {
			if re == "" {
				continue
			}
			if _, err := regexp.Compile(strings.ReplaceAll(re, `(?=\s*\()`, "")); err != nil {
				t.Errorf("rule %s: %v", name, err)
			}
		}
		for _, sub := range r.Patterns {
			check(name, sub)
		}
	}
	for name, r := range g.Repository {
		check(name, r)
	}
	if g.ScopeName != "source.caliper" {
		t.Errorf("scopeName %q", g.ScopeName)
	}
}

// TestVSCodeManifest: the extension contributes the caliper language for
// .cal files with its grammar and configuration, and every file the
// manifest names exists.
func TestVSCodeManifest(t *testing.T) {
	data, err := os.ReadFile("vscode/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Main        string
		Contributes struct {
			Languages []struct {
				ID            string
				Extensions    []string
				Configuration string
			}
			Grammars []struct {
				Language, ScopeName, Path string
			}
			Configuration struct {
				Properties map[string]any
			}
		}
		Dependencies map[string]string
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	c := m.Contributes
	if len(c.Languages) != 1 || c.Languages[0].ID != "caliper" || !slices.Equal(c.Languages[0].Extensions, []string{".cal"}) {
		t.Errorf("languages = %+v", c.Languages)
	}
	if len(c.Grammars) != 1 || c.Grammars[0].Language != "caliper" || c.Grammars[0].ScopeName != "source.caliper" {
		t.Errorf("grammars = %+v", c.Grammars)
	}
	if _, ok := c.Configuration.Properties["caliper.path"]; !ok {
		t.Error("no caliper.path setting")
	}
	if m.Dependencies["vscode-languageclient"] == "" {
		t.Error("no vscode-languageclient dependency")
	}
	files := []string{m.Main}
	for _, l := range c.Languages {
		files = append(files, l.Configuration)
	}
	for _, g := range c.Grammars {
		files = append(files, g.Path)
	}
	for _, f := range files {
		p := filepath.Join("vscode", filepath.FromSlash(f))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("the manifest names %s: %v", f, err)
			continue
		}
		if strings.HasSuffix(p, ".json") && !json.Valid(data) {
			t.Errorf("%s is not valid JSON", f)
		}
	}
}
