// Package golden compares test output with files under testdata. Run
// `UPDATE_GOLDEN=1 go test ./...` to rewrite them, then review the diff.
package golden

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Updating reports whether golden files are being rewritten.
func Updating() bool { return os.Getenv("UPDATE_GOLDEN") != "" }

// Check compares got with the golden file at path (created or rewritten when
// UPDATE_GOLDEN is set) and fails the test with a line diff when they differ.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run with UPDATE_GOLDEN=1 to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (UPDATE_GOLDEN=1 rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff returns a compact line diff of want and got: the first differing
// lines with a few lines of context.
func Diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		wok, gok := i < len(w), i < len(g)
		if wok {
			wl = w[i]
		}
		if gok {
			gl = g[i]
		}
		if wok && gok && wl == gl {
			continue
		}
		if wok {
			fmt.Fprintf(&b, "line %d want: %s\n", i+1, wl)
		}
		if gok {
			fmt.Fprintf(&b, "line %d got:  %s\n", i+1, gl)
		}
		shown++
		if shown >= 10 {
			b.WriteString("...\n")
			break
		}
	}
	return b.String()
}
