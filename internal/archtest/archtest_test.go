package archtest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/caliper-dev/caliper"

// A rule forbids the packages matching From to depend, directly or not, on
// any package matching one of Not.
type rule struct {
	From []string // package patterns: "x" is x alone, "x/..." is x and below
	Not  []string
	Why  string
}

var rules = []rule{
	{From: []string{module + "/runtime/stats"}, Not: []string{module + "/..."},
		Why: "runtime/stats is pure statistics over sufficient statistics: it imports no project package"},
	{From: []string{module + "/compiler/..."}, Not: []string{module + "/runtime/..."},
		Why: "the compiler reads the typed model and prints SQL; it never depends on the runtime"},
	{From: []string{module + "/lang/...", module + "/stdlib/...", module + "/dialect/..."},
		Not: []string{module + "/compiler/...", module + "/runtime/..."},
		Why: "the language, its catalog of builtins and the dialects come before the compiler and the runtime"},
	{From: []string{module + "/runtime/decide/...", module + "/runtime/store/...", module + "/runtime/result/..."},
		Not: []string{"gonum.org/v1/plot/...", module + "/runtime/report/..."},
		Why: "decisions, the store and the result types do not depend on the renderers or plotting"},
	{From: []string{module + "/runtime/store", module + "/runtime/result/...", module + "/runtime/decide/...",
		module + "/runtime/portfolio", module + "/runtime/report/..."},
		Not: []string{"github.com/duckdb/...", module + "/runtime/store/duckstore/..."},
		Why: "results, decisions, the portfolio review and the renderers are data and Go; only engines and the store's DuckDB file link DuckDB"},
}

// match reports whether path matches pattern ("x/..." matches x and
// everything below it).
func match(pattern, path string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == p || strings.HasPrefix(path, p+"/")
	}
	return path == pattern
}

func matchAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if match(p, path) {
			return true
		}
	}
	return false
}

// violations lists, for the dependency graph deps (package → all its
// dependencies, transitively), every dependency a rule forbids.
func violations(deps map[string][]string, rules []rule) []string {
	var out []string
	pkgs := make([]string, 0, len(deps))
	for p := range deps {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range rules {
		for _, p := range pkgs {
			if !matchAny(r.From, p) {
				continue
			}
			for _, d := range deps[p] {
				if d != p && matchAny(r.Not, d) {
					out = append(out, p+" depends on "+d+": "+r.Why)
				}
			}
		}
	}
	return out
}

// graph runs `go list -deps` over the module: each package with its
// transitive (non-test) dependencies. It first reads every Go file and
// go.mod of the module, so that `go test` caches the result only as long
// as they are unchanged (it does not see what `go list` reads).
func graph(t *testing.T) map[string][]string {
	t.Helper()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != "../.." && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum" {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, msg)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			deps[f[0]] = f[1:]
		}
	}
	return deps
}

// The project's packages keep the rules.
func TestDependencies(t *testing.T) {
	deps := graph(t)
	for _, want := range []string{module + "/runtime/stats", module + "/compiler", module + "/lang",
		module + "/runtime/decide", module + "/runtime/store", module + "/runtime/result"} {
		if _, ok := deps[want]; !ok {
			t.Fatalf("go list did not list %s: the rules would check nothing", want)
		}
	}
	for _, v := range violations(deps, rules) {
		t.Error(v)
	}
}

// Each rule reports a dependency it forbids (so TestDependencies can fail).
func TestRulesCatch(t *testing.T) {
	bad := map[string][]string{
		module + "/runtime/stats":  {"math", module + "/lang/model"},
		module + "/compiler/rank":  {module + "/runtime/engine"},
		module + "/lang/check":     {module + "/compiler"},
		module + "/stdlib":         {module + "/runtime/stats"},
		module + "/runtime/decide": {module + "/runtime/result", "gonum.org/v1/plot/vg"},
		module + "/runtime/store":  {module + "/runtime/report"},
		module + "/runtime":        {module + "/compiler", "gonum.org/v1/plot"},
		module + "/compilerx":      {module + "/runtime"},
	}
	got := violations(bad, rules)
	want := []string{
		module + "/runtime/stats depends on " + module + "/lang/model",
		module + "/compiler/rank depends on " + module + "/runtime/engine",
		module + "/lang/check depends on " + module + "/compiler",
		module + "/stdlib depends on " + module + "/runtime/stats",
		module + "/runtime/decide depends on gonum.org/v1/plot/vg",
		module + "/runtime/store depends on " + module + "/runtime/report",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w+":")
		}
		if !found {
			t.Errorf("no violation %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
