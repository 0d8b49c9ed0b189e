// Package testref locates the shared reference data that sits beside the
// checkout (../shared/reference). Tests read it only through Path, which skips
// the test cleanly when the folder is absent, so the project's own small
// golden copies keep the suite meaningful on any clone. Under CI=true a
// missing folder or file fails the test instead: CI always has shared/
// beside the clone, so a skip there would hide a broken path.
package testref

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the absolute path of the shared reference folder, or "" when
// it cannot be found. CALIPER_SHARED overrides the default location.
func Root() string {
	if dir := os.Getenv("CALIPER_SHARED"); dir != "" {
		return filepath.Join(dir, "reference")
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// internal/testref/testref.go -> module root -> ../shared/reference
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	dir := filepath.Join(filepath.Dir(root), "shared", "reference")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// Path returns the absolute path of rel inside the shared reference folder,
// skipping the test when the folder or the file is absent.
func Path(t testing.TB, rel string) string {
	t.Helper()
	root := Root()
	if root == "" {
		missing(t, "shared reference data (../shared/reference) not present")
		return ""
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, "shared reference file "+rel+" not present")
		return ""
	}
	return p
}

// missing skips the test, or fails it under CI=true.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: reference tests must run, not skip)", what)
	}
	t.Skipf("%s; skipping", what)
}
