package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// compileSeeds are the seeds of FuzzCompile: every spec folder under
// testenv.SeedRoots (a smoke set; all of examples and testdata in long
// runs) as one text (its .cal files joined), and every .cal file alone.
func compileSeeds(f *testing.F) []string {
	folders := map[string][]string{}
	for _, root := range testenv.SeedRoots("../") {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".cal") {
				text, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				folders[filepath.Dir(path)] = append(folders[filepath.Dir(path)], string(text))
			}
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	var dirs []string
	for dir := range folders {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	var out []string
	for _, dir := range dirs {
		files := folders[dir]
		if len(files) > 1 {
			out = append(out, strings.Join(files, "\n"))
		}
		out = append(out, files...)
	}
	return out
}

var (
	fuzzOnce sync.Once
	fuzzEng  *engine.DuckDB
	fuzzErr  error
)

// FuzzCompile: any spec that checks compiles for every dialect without a
// panic, and the DuckDB queries (main, split, timeline, benchmarks) are
// valid SQL (interleavings' too): EXPLAIN accepts them on empty tables of the sources' declared
// columns (the readers replaced, so no data is read).
func FuzzCompile(f *testing.F) {
	for _, s := range compileSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res := lang.LoadSource("fuzz.cal", text)
		if res.Package == nil || res.Diags.HasErrors() {
			return
		}
		pkg := res.Package
		for _, name := range dialect.Names() {
			d, err := dialect.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range pkg.Targets {
				_, _ = compiler.Compile(e, d) // errors allowed, panics not
			}
			for _, b := range pkg.BenchmarkTargets {
				_, _ = compiler.CompileBenchmark(b, d)
			}
			for _, il := range pkg.InterleavingTargets {
				_, _ = compiler.CompileInterleaving(il, d)
			}
		}
		fuzzOnce.Do(func() { fuzzEng, fuzzErr = engine.OpenDuckDB("") })
		if fuzzErr != nil {
			t.Fatal(fuzzErr)
		}
		ctx := context.Background()
		restore, err := runtime.EmptySources(ctx, fuzzEng, pkg.Sources)
		if err != nil {
			t.Fatalf("empty tables: %v", err)
		}
		defer restore()
		explain := func(what, query string) {
			if query == "" {
				return
			}
			if _, err := fuzzEng.Query(ctx, "EXPLAIN "+query); err != nil {
				t.Fatalf("%s: DuckDB rejects the compiled SQL: %v\n%s\n-- spec:\n%s", what, err, query, text)
			}
		}
		for _, e := range pkg.Targets {
			plan, err := compiler.Compile(e, dialect.DuckDB)
			if err != nil {
				t.Fatalf("experiment %s checks but does not compile for DuckDB: %v", e.Name, err)
			}
			explain("experiment "+e.Name, plan.SQL)
			explain("experiment "+e.Name+" (split)", plan.SplitSQL)
			explain("experiment "+e.Name+" (timeline)", plan.TimelineSQL)
		}
		for _, b := range pkg.BenchmarkTargets {
			plan, err := compiler.CompileBenchmark(b, dialect.DuckDB)
			if err != nil {
				t.Fatalf("benchmark %s checks but does not compile for DuckDB: %v", b.Name, err)
			}
			explain("benchmark "+b.Name, plan.SQL)
		}
		for _, il := range pkg.InterleavingTargets {
			plan, err := compiler.CompileInterleaving(il, dialect.DuckDB)
			if err != nil {
				t.Fatalf("interleaving %s checks but does not compile for DuckDB: %v", il.Name, err)
			}
			explain("interleaving "+il.Name, plan.SQL)
		}
	})
}
