package compiler_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
)

// The counterfactual corpus compiles to one query per counterfactual in
// every dialect; each dialect's SQL is a golden file.
func TestCounterfactualGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dialects", "counterfactual")
	pkg := loadSpec(t, dir)
	if len(pkg.CounterfactualTargets) != 2 {
		t.Fatalf("%d counterfactuals in the corpus", len(pkg.CounterfactualTargets))
	}
	for _, d := range dialect.All {
		t.Run(d.Name, func(t *testing.T) {
			var b bytes.Buffer
			for _, cf := range pkg.CounterfactualTargets {
				p, err := compiler.CompileCounterfactual(cf, d)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Count(p.SQL, "SELECT") < 8 || strings.Contains(p.SQL, "%!") {
					t.Errorf("%s: odd SQL:\n%s", cf.Name, p.SQL)
				}
				if d.IdentQuote == "`" && strings.Contains(literal.ReplaceAllString(p.SQL, "''"), `"`) {
					t.Errorf("%s: a double quote in %s SQL", cf.Name, d.Name)
				}
				for _, c := range p.Columns {
					if !strings.Contains(p.SQL, d.Ident(c.Name)) {
						t.Errorf("%s: described column %s is not in the SQL", cf.Name, c.Name)
					}
				}
				b.WriteString(p.SQL + ";\n\n")
			}
			golden.Check(t, filepath.Join(dir, d.Name+".sql"), b.Bytes())
		})
	}
}
