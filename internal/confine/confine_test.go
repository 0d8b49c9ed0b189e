package confine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfine(t *testing.T) {
	root := t.TempDir()
	spec := filepath.Join(root, "spec")
	data := filepath.Join(root, "shared")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(spec, "data", "deep"), data, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(spec, "data", "a.csv"), filepath.Join(data, "b.csv"), filepath.Join(outside, "s.csv")} {
		if err := os.WriteFile(f, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(spec, "data", "deep", "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(spec, "data", "a.csv"), filepath.Join(spec, "data", "in.csv")); err != nil {
		t.Fatal(err)
	}
	r := New(spec, data)
	for _, c := range []struct {
		arg string
		ok  bool
	}{
		{"data/a.csv", true},
		{"data/in.csv", true}, // a link inside the tree
		{"data/*.csv", true},
		{"data/missing.csv", true}, // reading fails later, with its own error
		{"../shared/b.csv", true},  // a data root
		{filepath.Join(data, "b.csv"), true},
		{"../outside/s.csv", false},
		{filepath.Join(outside, "s.csv"), false},
		{"/etc/passwd", false},
		{"data/../../outside/s.csv", false},
		{"data/deep/out/s.csv", false},
		{"data/deep/*/s.csv", false},
		{"data/**/*.csv", false},
		{"data/*/../../../outside/s.csv", false},
		{"../spec-other/x.csv", false},
	} {
		joined := c.arg
		if !filepath.IsAbs(joined) {
			joined = filepath.Join(spec, c.arg)
		}
		err := r.CheckLexical(c.arg, joined)
		if err == nil {
			err = r.CheckDisk(c.arg, joined)
		}
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok = %v", c.arg, err, c.ok)
		}
	}
}
