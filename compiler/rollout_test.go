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

// The rollout corpus compiles to one query per rollout in every dialect;
// each dialect's SQL is a golden file.
func TestRolloutGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dialects", "rollout")
	pkg := loadSpec(t, dir)
	if len(pkg.RolloutTargets) != 2 {
		t.Fatalf("%d rollouts in the corpus", len(pkg.RolloutTargets))
	}
	for _, d := range dialect.All {
		t.Run(d.Name, func(t *testing.T) {
			var b bytes.Buffer
			for _, r := range pkg.RolloutTargets {
				p, err := compiler.CompileRollout(r, d)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Count(p.SQL, "SELECT") < 3 || strings.Contains(p.SQL, "%!") {
					t.Errorf("%s: odd SQL:\n%s", r.Name, p.SQL)
				}
				if d.IdentQuote == "`" && strings.Contains(literal.ReplaceAllString(p.SQL, "''"), `"`) {
					t.Errorf("%s: a double quote in %s SQL", r.Name, d.Name)
				}
				for _, c := range p.Columns {
					if !strings.Contains(p.SQL, d.Ident(c.Name)) {
						t.Errorf("%s: result column %s is not in the SQL", r.Name, c.Name)
					}
				}
				b.WriteString(p.SQL + ";\n\n")
			}
			golden.Check(t, filepath.Join(dir, d.Name+".sql"), b.Bytes())
		})
	}
}
