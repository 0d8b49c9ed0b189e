// Package examples holds runnable spec folders. This test checks, compiles
// and runs every one of them, comparing the SQL and the results with
// golden files under testdata/examples (UPDATE_GOLDEN=1 rewrites them).
package examples

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/format"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
)

func exampleDirs(t *testing.T) []string {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if cal, _ := filepath.Glob(filepath.Join(e.Name(), "*.cal")); e.IsDir() && len(cal) > 0 {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no example folders")
	}
	return dirs
}

func TestExamples(t *testing.T) {
	testenv.SkipShort(t, "runs every example")
	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			res := lang.Load(dir)
			if res.Diags.HasErrors() {
				t.Fatalf("example has errors: %v", res.Diags.Err())
			}
			// An example runs without warnings unless a warning is its
			// point, and then a comment of the example names its code.
			// They are kept in a golden file, so new ones show up.
			var warnings bytes.Buffer
			diag.Render(&warnings, res.Files, res.Diags, diag.RenderOptions{})
			gold := filepath.Join("..", "testdata", "examples", dir)
			golden.Check(t, gold+".diagnostics", warnings.Bytes())
			checkWarningsExplained(t, dir, res.Diags)
			var sql bytes.Buffer
			for _, e := range res.Package.Targets {
				plan, err := compiler.Compile(e, dialect.DuckDB)
				if err != nil {
					t.Fatal(err)
				}
				sql.WriteString(plan.SQL + ";\n\n")
			}
			for _, b := range res.Package.BenchmarkTargets {
				plan, err := compiler.CompileBenchmark(b, dialect.DuckDB)
				if err != nil {
					t.Fatal(err)
				}
				sql.WriteString(plan.SQL + ";\n\n")
			}
			for _, il := range res.Package.InterleavingTargets {
				plan, err := compiler.CompileInterleaving(il, dialect.DuckDB)
				if err != nil {
					t.Fatal(err)
				}
				sql.WriteString(plan.SQL + ";\n\n")
			}
			for _, r := range res.Package.RolloutTargets {
				plan, err := compiler.CompileRollout(r, dialect.DuckDB)
				if err != nil {
					t.Fatal(err)
				}
				sql.WriteString(plan.SQL + ";\n\n")
			}
			for _, cf := range res.Package.CounterfactualTargets {
				plan, err := compiler.CompileCounterfactual(cf, dialect.DuckDB)
				if err != nil {
					t.Fatal(err)
				}
				sql.WriteString(plan.SQL + ";\n\n")
			}
			golden.Check(t, gold+".sql", sql.Bytes())
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			rep, diags := runtime.Run(context.Background(), eng, res.Package)
			if diags.HasErrors() {
				t.Fatalf("run: %v", diags.Err())
			}
			checkWarningsExplained(t, dir, diags)
			var js, table bytes.Buffer
			if err := report.WriteJSON(&js, rep); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, gold+".json", js.Bytes())
			if err := report.WriteTable(&table, rep); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, gold+".txt", table.Bytes())
			var md bytes.Buffer
			if err := report.WriteMarkdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, gold+".md", md.Bytes())
			checkHTML(t, rep) // report_test.go
		})
	}
}

// checkWarningsExplained fails on a warning that no comment of the
// example's .cal files mentions by its code.
func checkWarningsExplained(t *testing.T, dir string, diags diag.List) {
	t.Helper()
	var comments strings.Builder
	files, _ := filepath.Glob(filepath.Join(dir, "*.cal"))
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(text), "\n") {
			if i := strings.Index(line, "//"); i >= 0 {
				comments.WriteString(line[i:] + "\n")
			}
		}
	}
	for _, d := range diags {
		if d.Severity == diag.Warning && !strings.Contains(comments.String(), string(d.Code)) {
			t.Errorf("example %s warns and no comment says why (name %s in a comment if the warning is the point): %s", dir, d.Code, d.Error())
		}
	}
}

// Every example file is in the canonical layout of caliper fmt.
func TestExamplesFormatted(t *testing.T) {
	for _, dir := range exampleDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.cal"))
		for _, name := range files {
			text, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			formatted, diags := format.Source(name, string(text))
			if diags != nil {
				t.Errorf("%s: %v", name, diags)
			} else if formatted != string(text) {
				t.Errorf("%s is not formatted: run caliper fmt -w %s\n%s", name, name, format.Diff(name, name+" (formatted)", string(text), formatted))
			}
		}
	}
}
