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

// NeedLong skips t unless long tests run, saying what it skips.
func NeedLong(t testing.TB, what string) {
	t.Helper()
	if !Long() {
		t.Skipf("%s: runs with CALIPER_LONG=1 (as CI does)", what)
	}
}
