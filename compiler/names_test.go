package compiler

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestColumnsNamedOnce keeps result and value column names in names.go:
// no other compiler file spells a metric or aggregate column name (m%d,
// a%d or a suffix such as _num, _pre, _q), and none edits SQL text after
// it is built (strings.Replace).
func TestColumnsNamedOnce(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	banned := map[string]bool{"m%d": true, "a%d": true, "_pre": true, "_num": true, "_den": true, "_cap": true,
		"_q": true, "_q_": true, "_M": true, "_D": true, "_obs": true, "_ranked": true, "_bounds": true, "_units": true}
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || path == "names.go" {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && banned[s] {
					t.Errorf("%s: column name part %q outside names.go", fset.Position(n.Pos()), s)
				}
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "strings" && (n.Sel.Name == "Replace" || n.Sel.Name == "ReplaceAll") {
					t.Errorf("%s: strings.%s edits built SQL", fset.Position(n.Pos()), n.Sel.Name)
				}
			}
			return true
		})
	}
	if checked < 5 {
		t.Fatalf("checked %d files", checked)
	}
}
