package diag

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// codeConstants reads every Code constant declared in codes.go.
func codeConstants(t *testing.T) map[Code]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[Code]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: want a string literal", name.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				out[Code(v)] = name.Name
			}
		}
	}
	return out
}

// Every code of codes.go has one catalogue entry with a name, a summary
// and help, warnings are W codes and errors E codes, and the catalogue is
// in code order.
func TestCatalog(t *testing.T) {
	consts := codeConstants(t)
	if len(consts) < 40 {
		t.Fatalf("read only %d codes from codes.go", len(consts))
	}
	seen := map[Code]bool{}
	names := map[string]bool{}
	for i, in := range Catalog {
		if seen[in.Code] {
			t.Errorf("%s is in the catalogue twice", in.Code)
		}
		seen[in.Code] = true
		if _, ok := consts[in.Code]; !ok {
			t.Errorf("catalogue entry %s is not a constant of codes.go", in.Code)
		}
		if in.Name == "" || in.Summary == "" || in.Help == "" {
			t.Errorf("%s: name, summary and help are required", in.Code)
		}
		if names[in.Name] {
			t.Errorf("%s: name %q is used twice", in.Code, in.Name)
		}
		names[in.Name] = true
		if strings.HasPrefix(string(in.Code), "W") != (in.Severity == Warning) {
			t.Errorf("%s: severity %s does not match the code's letter", in.Code, in.Severity)
		}
		if i > 0 && Catalog[i-1].Code >= in.Code && Catalog[i-1].Code[0] == in.Code[0] {
			t.Errorf("%s: the catalogue is not in code order", in.Code)
		}
	}
	for c, name := range consts {
		if !seen[c] {
			t.Errorf("code %s (%s) has no entry in Catalog (lang/diag/catalog.go)", c, name)
		}
	}
}
