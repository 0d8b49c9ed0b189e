// Package testenv says which optional parts of the test suite run. The
// default `go test ./...` stays fast (under 90 s on two cores); long
// calibrations and tests that start external programs (PostgreSQL,
// Chromium) run when CALIPER_LONG=1, which .ci/run sets, so CI runs them
// all. Under CI=true a long test never skips for want of the variable.
package testenv

import (
	"os"
	"testing"
)

// Long reports whether long tests run: CALIPER_LONG=1, or CI=true.
func Long() bool {
	return os.Getenv("CALIPER_LONG") == "1" || os.Getenv("CI") == "true"
}

// SeedRoots are the folders whose .cal files seed the fuzz tests: a smoke
// set (the examples, the language contract and the dialect corpus) in the
// quick suite, every spec of testdata and examples when long tests run.
// Paths are relative to the module root; prefix is prepended to each.
func SeedRoots(prefix string) []string {
	roots := []string{"examples", "testdata/language", "testdata/dialects"}
	if Long() {
		roots = []string{"testdata", "examples"}
	}
	out := make([]string, len(roots))
	for i, r := range roots {
		out[i] = prefix + r
	}
	return out
}

// SkipShort skips t under `go test -short`, unless long tests run: for
// tests that run whole example folders, slower than a -short run wants.
func SkipShort(t testing.TB, what string) {
	t.Helper()
	if testing.Short() && !Long() {
		t.Skipf("%s: skipped under -short", what)
	}
}

// NeedLong skips t unless long tests run, saying what it skips.
func NeedLong(t testing.TB, what string) {
	t.Helper()
	if !Long() {
		t.Skipf("%s: runs with CALIPER_LONG=1 (as CI does)", what)
	}
}

// DuckDBThreads is the DuckDB thread count the quick suite's engines use:
// 1, since test data are tiny and a second thread costs CPU without
// saving time; 0 (DuckDB's default, one per core) when long tests run, so
// CI also runs every query multi-threaded. Test packages that run specs
// set engine.DefaultThreads to it in TestMain.
func DuckDBThreads() int {
	if Long() {
		return 0
	}
	return 1
}
