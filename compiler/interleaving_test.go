package compiler_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
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

// Names and team values that are not plain words reach the SQL quoted:
// DuckDB accepts the query (on empty tables), and the comment line holds
// the names as quoted text.
func TestInterleavingQuoting(t *testing.T) {
	spec := "source `rows \"x\"` {\n  from csv(\"r.csv\")\n  time ts\n  columns { `user\"id` string  `sess id` string  ts timestamp  `team'` string  `click-ed` bool }\n}\n" +
		"interleaving `il \"q\"` {\n  rows `rows \"x\"`\n  unit `user\"id`\n  session `sess id`\n  team `team'`\n  baseline \"v2'; DROP TABLE x; --\"\n" +
		"  treatments \"v3\\\"\", \"o'k\"\n  credit `c \"1\"` `click-ed`\n}\n"
	res := lang.LoadSource("q.cal", spec)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	il := res.Package.InterleavingTargets[0]
	for _, d := range dialect.All {
		p, err := compiler.CompileInterleaving(il, d)
		if d.Files && err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(p.SQL, "\n")
		if first != `-- caliper: interleaving "il \"q\"", 1 credit(s), baseline "v2'; DROP TABLE x; --"` {
			t.Errorf("%s: comment line %q", d.Name, first)
		}
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	restore, err := runtime.EmptySources(ctx, eng, res.Package.Sources)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	p, err := compiler.CompileInterleaving(il, dialect.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Query(ctx, "EXPLAIN "+p.SQL); err != nil {
		t.Fatalf("DuckDB rejects the SQL: %v\n%s", err, p.SQL)
	}
}
