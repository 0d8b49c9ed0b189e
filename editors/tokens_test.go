package editors_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/syntax"
	"github.com/caliper-dev/caliper/stdlib"
)

// TestVSCodeGrammarTokens tokenizes every example spec with the
// extension's grammar by VS Code's own engine (vscode-textmate and
// Oniguruma, run by Node: vscode/test/tokenize.mjs) and checks the scopes
// against Caliper's parser: each declaration keyword and name, field key,
// comment, string, number, true/false/null and builtin call gets its
// scope; and every other word of the language (testdata/words.cal) is
// scoped as a keyword or constant. Needs node and `npm ci` in editors/vscode (as .ci/run does):
// skips without them, fails under CI=true.
func TestVSCodeGrammarTokens(t *testing.T) {
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join("vscode", "node_modules", "vscode-textmate"))
	}
	if err != nil {
		msg := fmt.Sprintf("the grammar check needs node and `npm ci` in editors/vscode (Debian: apt-get install nodejs npm): %v", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: .ci/run must install them)")
		}
		t.Skip(msg)
	}
	files, err := filepath.Glob("../examples/*/*.cal")
	if err != nil || len(files) < 5 {
		t.Fatalf("example specs: %v (%d)", err, len(files))
	}
	const words = "testdata/words.cal"
	cmd := exec.Command(node, append([]string{"vscode/test/tokenize.mjs", words}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node tokenize.mjs: %v\n%s", err, stderr.String())
	}
	type token struct {
		Line, Col   int
		Text, Scope string
	}
	scopes := map[string]map[[2]int]token{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var r struct {
			File   string
			Tokens []token
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		m := map[[2]int]token{}
		for _, tk := range r.Tokens {
			m[[2]int{tk.Line, tk.Col}] = tk
		}
		scopes[r.File] = m
	}
	if len(scopes) != len(files)+1 {
		t.Fatalf("tokenize.mjs answered for %d of %d files", len(scopes), len(files)+1)
	}
	// testdata/words.cal uses every word that is neither a declaration
	// kind nor a field (where, and, not, null, improves, ...): each is
	// scoped as a keyword or constant at least once.
	data, err := os.ReadFile(words)
	if err != nil {
		t.Fatal(err)
	}
	if _, ds := syntax.Parse(source.NewFile(words, string(data))); len(ds) > 0 {
		t.Fatalf("%s does not parse: %v", words, ds)
	}
	scoped := map[string]bool{}
	for _, tk := range scopes[words] {
		if strings.HasPrefix(tk.Scope, "keyword.") || strings.HasPrefix(tk.Scope, "constant.language") {
			scoped[tk.Text] = true
		}
	}
	for _, k := range syntax.Keywords() {
		if _, isKind := ast.LookupDecl(k); isKind || ast.IsField(k) {
			continue
		}
		if !scoped[k] {
			t.Errorf("%s: %q is never scoped as a keyword or constant", words, k)
		}
	}
	checked := map[string]int{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := source.NewFile(path, string(data))
		tree, _ := syntax.Parse(f)
		toks := scopes[path]
		want := func(what string, p source.Pos, scope string) {
			t.Helper()
			if !p.IsValid() {
				return
			}
			// Positions are ASCII in the examples: the column in runes is
			// the column in UTF-16 units.
			tk, ok := toks[[2]int{p.Line - 1, p.Col - 1}]
			checked[what]++
			if !ok || !strings.HasPrefix(tk.Scope, scope) {
				t.Errorf("%s:%d:%d: %s %q has scope %q, want %s", path, p.Line, p.Col, what, tk.Text, tk.Scope, scope)
			}
		}
		for _, c := range syntax.Comments(f) {
			want("comment", c.Span.Start, "comment.line")
		}
		for _, d := range tree.Decls {
			want("declaration keyword", d.Sp.Start, "storage.type.declaration")
			want("declaration name", d.Name.Sp.Start, "entity.name.type")
			for _, fl := range d.Fields {
				// A field on its own line (a column named like a field
				// elsewhere is not one).
				line := strings.TrimSpace(f.Text[f.PosAt(fl.Sp.Start.Offset).Offset-(fl.Sp.Start.Col-1) : fl.Sp.Start.Offset])
				if line == "" {
					want("field", fl.Key.Sp.Start, "keyword.other.field")
				}
				switch v := fl.Value.(type) {
				case *ast.StringLit:
					want("string", v.Sp.Start, "string.quoted")
				case *ast.ExprValue:
					exprScopes(v.X, want)
				case *ast.Exposures:
					exprScopes(v.Where, want)
				}
			}
		}
	}
	for _, what := range []string{"comment", "declaration keyword", "declaration name", "field", "string", "builtin call"} {
		if checked[what] < 5 {
			t.Errorf("only %d %s checked", checked[what], what)
		}
	}
	t.Logf("checked: %v", checked)
}

func exprScopes(e ast.Expr, want func(string, source.Pos, string)) {
	ast.Inspect(e, func(x ast.Expr) bool {
		switch x := x.(type) {
		case *ast.Binary:
			if x.Op == "and" || x.Op == "or" {
				want("and/or", x.OpSpan.Start, "keyword.operator.word")
			}
		case *ast.Literal:
			switch x.Kind {
			case ast.LitBool, ast.LitNull:
				want("true/false/null", x.Sp.Start, "constant.language")
			case ast.LitString:
				want("string", x.Sp.Start, "string.quoted")
			case ast.LitNumber, ast.LitPercent, ast.LitDuration:
				want("number", x.Sp.Start, "constant.numeric")
			}
		case *ast.Call:
			if _, ok := stdlib.LookupAggregate(x.Fun.Name); ok {
				want("builtin call", x.Fun.Sp.Start, "support.function")
			} else if _, ok := stdlib.LookupFunc(x.Fun.Name); ok {
				want("builtin call", x.Fun.Sp.Start, "support.function")
			}
		}
		return true
	})
}
