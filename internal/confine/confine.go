// Package confine keeps the files a spec reads inside the directories it
// may read: its own folder's tree, and the data roots granted on the
// command line (--data-root, or the CALIPER_DATA_ROOT path list). A spec
// cannot grant itself more.
//
// A path is checked twice: as written (no absolute path outside a root,
// no `..` that leaves one) and on disk (symlinks resolved with
// filepath.EvalSymlinks, every match of a glob checked), so neither a
// symlink in the tree nor a pattern can reach a file outside.
package confine

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvDataRoot is the environment variable holding extra data roots, a
// path list (separated by os.PathListSeparator).
const EnvDataRoot = "CALIPER_DATA_ROOT"

// EnvRoots returns the data roots of CALIPER_DATA_ROOT.
func EnvRoots() []string {
	var out []string
	for _, p := range filepath.SplitList(os.Getenv(EnvDataRoot)) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Roots are the directories a spec may read.
type Roots struct {
	abs      []string // absolute, cleaned, as given
	resolved []string // the same with symlinks resolved (when they exist)
}

// New returns the roots: the spec folder and the granted data roots.
func New(specDir string, dataRoots ...string) Roots {
	var r Roots
	for _, d := range append([]string{specDir}, dataRoots...) {
		if d == "" {
			continue
		}
		a, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		r.abs = append(r.abs, a)
		if res, err := filepath.EvalSymlinks(a); err == nil {
			r.resolved = append(r.resolved, res)
		} else {
			r.resolved = append(r.resolved, a)
		}
	}
	return r
}

// Dirs are the allowed directories, absolute, in both forms (as given and
// with symlinks resolved), for the engine's own file-access limits.
func (r Roots) Dirs() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range append(append([]string{}, r.abs...), r.resolved...) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// within reports whether the absolute, clean path p is inside one of dirs.
func within(p string, dirs []string) bool {
	for _, d := range dirs {
		rel, err := filepath.Rel(d, p)
		if err != nil {
			continue
		}
		if rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// HasMeta reports whether a path is a glob pattern.
func HasMeta(p string) bool { return strings.ContainsAny(p, "*?[{") }

// Error is a path that leaves the roots.
type Error struct {
	Path   string // as written in the spec
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("path %q %s", e.Path, e.Reason) }

// CheckLexical checks a path as written: written is the spec's argument,
// joined is it resolved against the spec file's folder (as the engine
// will read it).
func (r Roots) CheckLexical(written, joined string) error {
	if HasMeta(written) {
		for _, seg := range strings.FieldsFunc(filepath.ToSlash(written), func(c rune) bool { return c == '/' }) {
			if seg == ".." {
				return &Error{written, "uses `..` in a glob pattern"}
			}
		}
	}
	a, err := filepath.Abs(joined)
	if err != nil {
		return &Error{written, "cannot be resolved"}
	}
	if !within(a, r.abs) {
		if filepath.IsAbs(written) {
			return &Error{written, "is absolute and outside the spec folder and the data roots"}
		}
		return &Error{written, "leaves the spec folder's tree"}
	}
	return nil
}

// CheckDisk checks a path on disk: the existing part of its directory and
// every file a glob matches, symlinks resolved, must be inside the roots.
// A file that does not exist passes (reading it fails later, with its own
// diagnostic).
func (r Roots) CheckDisk(written, joined string) error {
	a, err := filepath.Abs(joined)
	if err != nil {
		return &Error{written, "cannot be resolved"}
	}
	if !HasMeta(a) {
		return r.checkExisting(written, a)
	}
	// The fixed directory before the first pattern segment.
	base := a
	for HasMeta(base) {
		base = filepath.Dir(base)
	}
	if err := r.checkExisting(written, base); err != nil {
		return err
	}
	if strings.Contains(a, "**") {
		// Recursive patterns: every entry under the base, symlinks resolved.
		var bad error
		_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil || bad != nil {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if e := r.checkExisting(written, p); e != nil {
					bad = e
				}
			}
			return nil
		})
		return bad
	}
	matches, err := filepath.Glob(a)
	if err != nil {
		return &Error{written, "is not a valid glob pattern"}
	}
	for _, m := range matches {
		if err := r.checkExisting(written, m); err != nil {
			return err
		}
	}
	return nil
}

// checkExisting resolves the longest existing prefix of the absolute path
// p (below a root) and checks that it is inside the roots.
func (r Roots) checkExisting(written, p string) error {
	q := p
	for {
		res, err := filepath.EvalSymlinks(q)
		if err == nil {
			if !within(res, r.resolved) && !within(res, r.abs) {
				return &Error{written, fmt.Sprintf("reaches %s outside the spec folder and the data roots (through a symbolic link)", res)}
			}
			return nil
		}
		parent := filepath.Dir(q)
		if parent == q || !within(parent, r.abs) {
			// Nothing of the path exists inside the roots (the roots
			// themselves may not exist yet): no link to follow.
			return nil
		}
		q = parent
	}
}
