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

// The interleaving corpus compiles to one query per interleaving in every
// dialect; each dialect's SQL is a golden file.
func TestInterleavingGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dialects", "interleaving")
	pkg := loadSpec(t, dir)
	if len(pkg.InterleavingTargets) != 2 {
		t.Fatalf("%d interleavings in the corpus", len(pkg.InterleavingTargets))
	}
	for _, d := range dialect.All {
		t.Run(d.Name, func(t *testing.T) {
			var b bytes.Buffer
			for _, il := range pkg.InterleavingTargets {
				p, err := compiler.CompileInterleaving(il, d)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Count(p.SQL, "SELECT") < 5 || strings.Contains(p.SQL, "%!") {
					t.Errorf("%s: odd SQL:\n%s", il.Name, p.SQL)
				}
				if d.IdentQuote == "`" && strings.Contains(literal.ReplaceAllString(p.SQL, "''"), `"`) {
					t.Errorf("%s: a double quote in %s SQL", il.Name, d.Name)
				}
				b.WriteString(p.SQL + ";\n\n")
			}
			golden.Check(t, filepath.Join(dir, d.Name+".sql"), b.Bytes())
		})
	}
}
