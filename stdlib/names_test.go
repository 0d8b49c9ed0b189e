package stdlib

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// builtinNames is every name of the catalogs: aggregates (quantile
// included), scalar functions, offline metrics and readers.
func builtinNames() map[string]bool {
	out := map[string]bool{}
	for _, n := range Names() {
		out[n] = true
	}
	for _, m := range OfflineMetrics() {
		out[m.Name] = true
	}
	for _, n := range ReaderNames() {
		out[n] = true
	}
	return out
}

// nameSwitches returns, for one Go file, each place that compares a name
// (an identifier or selector ending in Name or name, such as a.Func.Name
// or name) with a string literal equal to a builtin's name: ==, != or a
// switch case. Builtins are data: code outside stdlib reads a catalog
// entry's properties instead of testing its name. (Other strings that
// happen to spell a builtin, such as an output format "json", are not
// names of builtins.)
func nameSwitches(fset *token.FileSet, f *ast.File, names map[string]bool) []string {
	var out []string
	var isName func(ast.Expr) bool
	isName = func(e ast.Expr) bool {
		var id string
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			id = e.Name
		case *ast.SelectorExpr:
			id = e.Sel.Name
		case *ast.CallExpr: // strings.ToLower(x.Name) and the like
			if len(e.Args) == 1 {
				return isName(e.Args[0])
			}
		}
		return strings.HasSuffix(id, "Name") || strings.HasSuffix(id, "name")
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := ast.Unparen(e).(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil && names[s]
	}
	report := func(pos token.Pos, name string) {
		out = append(out, fset.Position(pos).String()+": compares with builtin name "+strconv.Quote(name))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op != token.EQL && n.Op != token.NEQ {
				break
			}
			if s, ok := lit(n.X); ok && isName(n.Y) {
				report(n.OpPos, s)
			}
			if s, ok := lit(n.Y); ok && isName(n.X) {
				report(n.OpPos, s)
			}
		case *ast.SwitchStmt:
			if n.Tag == nil || !isName(n.Tag) {
				break
			}
			for _, c := range n.Body.List {
				for _, e := range c.(*ast.CaseClause).List {
					if s, ok := lit(e); ok {
						report(e.Pos(), s)
					}
				}
			}
		}
		return true
	})
	return out
}

// TestNoBuiltinNameSwitches walks the module's non-test Go files outside
// stdlib: none may switch on or compare with a builtin's name.
func TestNoBuiltinNameSwitches(t *testing.T) {
	names := builtinNames()
	fset := token.NewFileSet()
	var found []string
	files := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "stdlib", "testdata", "node_modules", "vendor":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && path != ".." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		found = append(found, nameSwitches(fset, f, names)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d Go files; expected the whole module", files)
	}
	sort.Strings(found)
	for _, s := range found {
		t.Error(s)
	}
}

// TestNameSwitchesDetects keeps the guard honest: it must see each form.
func TestNameSwitchesDetects(t *testing.T) {
	src := `package x
func f(name string, b *B, format string) {
	if name == "quantile" || "count_distinct" != b.Func.Name {}
	switch b.Name {
	case "sum", "other":
	case ("ndcg"):
	}
	switch {
	case strings.ToLower(b.Reader.Name) == "csv":
	}
	_ = name == "not_a_builtin"
	_ = format == "json"
	switch format {
	case "sum":
	}
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := nameSwitches(fset, f, builtinNames())
	if len(got) != 5 {
		t.Errorf("found %d, want 5:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// TestAggregateProperties checks the catalog's aggregates are complete and
// consistent: the compiler and runtime read these properties, not names.
func TestAggregateProperties(t *testing.T) {
	for _, a := range Aggregates() {
		if a.Doc == "" || a.Example == "" || !strings.HasPrefix(a.Example, a.Name+"(") {
			t.Errorf("%s: needs a doc and an example call", a.Name)
		}
		switch a.Scope {
		case PerUnit:
			if a.SQL == nil {
				t.Errorf("%s: a per-unit aggregate needs a SQL lowering", a.Name)
			}
		case PerArm:
			if a.SQL != nil || a.Additive || a.Accumulates() {
				t.Errorf("%s: a per-arm aggregate is lowered by the compiler's plan, never per unit or per period", a.Name)
			}
		}
		if a.Additive && (a.Empty != EmptyZero || !a.Accumulates()) {
			t.Errorf("%s: additive, so it must count 0 for a unit without rows and accumulate", a.Name)
		}
	}
	// The properties as the compiler and runtime rely on them.
	want := map[string][2]bool{ // additive, accumulates
		"count": {true, true}, "sum": {true, true}, "any": {false, true}, "min": {false, true},
		"max": {false, true}, "avg": {false, false}, "count_distinct": {false, false}, "quantile": {false, false},
	}
	for name, w := range want {
		a, ok := LookupAggregate(name)
		if !ok {
			t.Errorf("%s: not in the catalog", name)
			continue
		}
		if a.Additive != w[0] || a.Accumulates() != w[1] {
			t.Errorf("%s: additive %v accumulates %v, want %v %v", name, a.Additive, a.Accumulates(), w[0], w[1])
		}
	}
	if q, _ := LookupAggregate("quantile"); q.Scope != PerArm {
		t.Error("quantile must be a per-arm aggregate")
	}
	if EmptyZero.Literal() != "0" || EmptyFalse.Literal() != "FALSE" || EmptyNull.Literal() != "" || EmptyNull.Defined() {
		t.Error("Empty literals")
	}
}
