package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The security corpus (testdata/security, SECURITY.md): each case is a
// spec that tries to escape what a spec may do. Every one must end in a
// positioned error (exit 1) naming the expected code, write no file (the
// canary outside the tree does not exist afterwards, and the spec tree
// and the outside folder hold exactly the files they held before), and
// leak nothing read from outside the tree into the output.
//
// A case is a folder: spec.cal, where {{OUTSIDE}} is an absolute folder
// outside the spec tree (holding secret.csv and secret.txt) and {{CANARY}}
// a path there that must never be created; `expect`, lines of
// "command CODE" ("check ok" when check passes and only run fails); and
// optionally `links`, lines of "name target" symbolic links made in the
// spec tree ({{OUTSIDE}} allowed in the target). The shared data of
// _data is copied to the case's data/ folder.

const (
	secretMarker = "CALIPER_SECRET_7f3a"
	canaryName   = "canary-written"
)

var positioned = regexp.MustCompile(`(?m)^ *--> .*spec\.cal:\d+:\d+$`)

func TestSecurityCorpus(t *testing.T) {
	cases, err := filepath.Glob("../../testdata/security/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("the security corpus has %d cases; it must have at least 20", len(cases))
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) { securityCase(t, dir) })
	}
}

func securityCase(t *testing.T, dir string) {
	root := t.TempDir()
	spec := filepath.Join(root, "spec")
	outside := filepath.Join(root, "outside")
	canary := filepath.Join(outside, canaryName)
	must(t, os.MkdirAll(outside, 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "secret.csv"), []byte(secretMarker+"_header,user_id\n"+secretMarker+"_value,u1\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte(secretMarker+" text\n"), 0o644))
	must(t, os.CopyFS(filepath.Join(spec, "data"), os.DirFS("../../testdata/security/_data")))
	fill := strings.NewReplacer("{{OUTSIDE}}", outside, "{{CANARY}}", canary)
	text, err := os.ReadFile(filepath.Join(dir, "spec.cal"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(spec, "spec.cal"), []byte(fill.Replace(string(text))), 0o644))
	// The case's own files (data) join the shared data.
	must(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "spec.cal" || rel == "expect" || rel == "links" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(spec, rel)), 0o755))
		return os.WriteFile(filepath.Join(spec, rel), b, 0o644)
	}))
	if links, err := os.ReadFile(filepath.Join(dir, "links")); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(links)), "\n") {
			f := strings.Fields(line)
			if len(f) != 2 {
				t.Fatalf("links: bad line %q", line)
			}
			p := filepath.Join(spec, f[0])
			must(t, os.MkdirAll(filepath.Dir(p), 0o755))
			must(t, os.Symlink(fill.Replace(f[1]), p))
		}
	}
	expect, err := os.ReadFile(filepath.Join(dir, "expect"))
	must(t, err)
	before := listTree(t, root)
	for _, line := range strings.Split(strings.TrimSpace(string(expect)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("expect: bad line %q", line)
		}
		args := append([]string{f[0], spec}, f[2:]...)
		code, out, errs := run(args...)
		all := out + errs
		if f[1] == "ok" {
			if code != 0 {
				t.Errorf("%s: exit %d, want 0\n%s", f[0], code, all)
			}
		} else {
			if code != 1 {
				t.Errorf("%s: exit %d, want 1\n%s", f[0], code, all)
			}
			if !strings.Contains(errs, "error["+f[1]+"]") {
				t.Errorf("%s: no error[%s] in the output:\n%s", f[0], f[1], all)
			}
			if !positioned.MatchString(errs) {
				t.Errorf("%s: no positioned error (--> spec.cal:line:col):\n%s", f[0], all)
			}
		}
		if strings.Contains(all, secretMarker) || strings.Contains(all, "root:x:0:0") {
			t.Errorf("%s: the output holds text read from outside the spec tree:\n%s", f[0], all)
		}
		if strings.ContainsAny(all, "\x1b\r\x07") || strings.Contains(all, "\u009b") {
			t.Errorf("%s: the output holds a raw control character: %q", f[0], all)
		}
		if _, err := os.Lstat(canary); err == nil {
			t.Errorf("%s: the canary %s was written", f[0], canary)
		}
		if after := listTree(t, root); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("%s: files changed:\nbefore %v\nafter  %v", f[0], before, after)
		}
	}
}

// listTree lists the files and folders under root, with their sizes.
func listTree(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, fmt.Sprintf("%s %v %d", rel, info.Mode(), info.Size()))
		return nil
	})
	must(t, err)
	sort.Strings(out)
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
