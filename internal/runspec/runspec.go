// Package runspec is the tests' shared way to load and run a spec folder
// on a fresh in-memory DuckDB.
package runspec

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
)

// Write creates a temporary folder holding files (name -> content).
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Load loads a spec folder, failing the test on spec errors.
func Load(t testing.TB, dir string) *lang.Result {
	t.Helper()
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatalf("spec: %v", res.Diags.Err())
	}
	return res
}

// Run loads and runs a spec folder, returning the report and the run's
// diagnostics (data errors included: the caller decides what they mean).
func Run(t testing.TB, dir string, opt runtime.Options) (*result.Report, diag.List, *lang.Result) {
	t.Helper()
	res := Load(t, dir)
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := eng.Close(); err != nil {
			t.Error(err)
		}
	}()
	rep, diags := runtime.RunWith(context.Background(), eng, res.Package, opt)
	return rep, diags, res
}

// Report loads and runs a spec folder, failing the test on any error.
func Report(t testing.TB, dir string) *result.Report {
	t.Helper()
	rep, diags, _ := Run(t, dir, runtime.Options{})
	if diags.HasErrors() {
		t.Fatalf("run: %v", diags.Err())
	}
	return rep
}
