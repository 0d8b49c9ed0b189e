package syntax

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
)

// ParseCached gives exactly Parse's tree and diagnostics (positions
// included) after edits anywhere in a file: every example and diagnostics
// test file, each edited in turn by inserting a line, a space, a comment,
// a character that breaks it, and by deleting a line.
func TestParseCached(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../../examples/*/*.cal", "../../testdata/diagnostics/*.cal", "../../testdata/format/*.cal"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 20 {
		t.Fatalf("only %d spec files found", len(paths))
	}
	rng := rand.New(rand.NewSource(1))
	edits := []func(text string, at int) string{
		func(s string, at int) string { return s[:at] + "\n" + s[at:] },
		func(s string, at int) string { return s[:at] + " " + s[at:] },
		func(s string, at int) string { return s[:lineStartOf(s, at)] + "// note\n" + s[lineStartOf(s, at):] },
		func(s string, at int) string { return s[:at] + "}" + s[at:] },
		func(s string, at int) string { // delete the line
			a := lineStartOf(s, at)
			b := strings.IndexByte(s[at:], '\n')
			if b < 0 {
				return s[:a]
			}
			return s[:a] + s[at+b+1:]
		},
	}
	reused := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		var c Cache
		ParseCached(source.NewFile(p, text), &c)
		for round := 0; round < 6; round++ {
			at := 0
			if len(text) > 0 {
				at = rng.Intn(len(text))
			}
			text = edits[round%len(edits)](text, at)
			f := source.NewFile(p, text)
			before := len(c.byText)
			gotTree, gotDiags := ParseCached(f, &c)
			wantTree, wantDiags := Parse(f)
			if before > 0 {
				reused++
			}
			if !reflect.DeepEqual(gotTree, wantTree) {
				t.Fatalf("%s, edit %d: cached parse differs\ncached:\n%s\nparse:\n%s", p, round, ast.Dump(gotTree), ast.Dump(wantTree))
			}
			if !reflect.DeepEqual(gotDiags, wantDiags) {
				t.Fatalf("%s, edit %d: cached diagnostics %v, parse %v", p, round, gotDiags, wantDiags)
			}
		}
	}
	if reused == 0 {
		t.Fatal("the cache was never used")
	}
}

func lineStartOf(s string, at int) int { return strings.LastIndexByte(s[:at], '\n') + 1 }

// A reused declaration is a copy, moved: the earlier tree keeps its
// positions.
func TestParseCachedCopies(t *testing.T) {
	text := "metric a {\n  value count(events)\n}\n\nmetric b {\n  value a / a\n}\n"
	var c Cache
	first, _ := ParseCached(source.NewFile("x.cal", text), &c)
	second, _ := ParseCached(source.NewFile("x.cal", "\n"+text), &c)
	if second.Decls[1] == first.Decls[1] || second.Decls[1].Name == first.Decls[1].Name {
		t.Error("the reused declaration is shared between parses")
	}
	if first.Decls[1].Sp.Start.Line != 5 || second.Decls[1].Sp.Start.Line != 6 {
		t.Errorf("lines %d then %d, want 5 then 6", first.Decls[1].Sp.Start.Line, second.Decls[1].Sp.Start.Line)
	}
}

// FuzzParseCached: parsing a file, then an edited version of it, through
// one Cache gives exactly what Parse gives for the edited version (seeds:
// the examples, each edited in the middle).
func FuzzParseCached(f *testing.F) {
	paths, err := filepath.Glob("../../examples/*/*.cal")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		s := string(data)
		mid := lineStartOf(s, len(s)/2)
		f.Add(s, s[:mid]+"\n  // x\n"+s[mid:])
		f.Add(s, s[:mid]+"é"+s[mid:])
	}
	f.Fuzz(func(t *testing.T, before, after string) {
		var c Cache
		ParseCached(source.NewFile("f.cal", before), &c)
		fa := source.NewFile("f.cal", after)
		gotTree, gotDiags := ParseCached(fa, &c)
		wantTree, wantDiags := Parse(fa)
		if !reflect.DeepEqual(gotTree, wantTree) || !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Fatalf("cached parse differs:\n%s\nparse:\n%s\n%v\n%v", ast.Dump(gotTree), ast.Dump(wantTree), gotDiags, wantDiags)
		}
	})
}
