package lsp

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/check"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/syntax"
)

// file is one spec file of a folder: its text (an open editor buffer, or
// the file on disk) and its parse, redone only when the text changes.
type file struct {
	path   string
	text   string
	open   bool
	lines  []int // byte offset of each line start
	src    *source.File
	tree   *ast.File
	pdiags diag.List
	cache  syntax.Cache // the declarations of the last parse, reused by the next
}

func newFile(path, text string) *file {
	f := &file{path: path}
	f.setText(text)
	return f
}

// setText replaces the text and reparses this file only, and in it only
// the declarations whose text changed (syntax.ParseCached).
func (f *file) setText(text string) {
	f.text = text
	f.lines = []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	f.src = source.NewFile(f.path, text)
	f.tree, f.pdiags = syntax.ParseCached(f.src, &f.cache)
}

// offset converts an LSP position (UTF-16 code units) to a byte offset,
// clamped to the text.
func (f *file) offset(p position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(f.lines) {
		return len(f.text)
	}
	start := f.lines[p.Line]
	end := len(f.text)
	if p.Line+1 < len(f.lines) {
		end = f.lines[p.Line+1] - 1
	}
	units := 0
	for i, r := range f.text[start:end] {
		if units >= p.Character {
			return start + i
		}
		units += utf16.RuneLen(r)
		if units < 0 {
			units++ // invalid rune: one unit
		}
	}
	return end
}

// position converts a byte offset to an LSP position.
func (f *file) position(off int) position {
	off = max(0, min(off, len(f.text)))
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	line = max(line, 0)
	units := 0
	for _, r := range f.text[f.lines[line]:off] {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		units += n
	}
	return position{Line: line, Character: units}
}

// rangeOf converts a span of this file to an LSP range.
func (f *file) rangeOf(sp source.Span) lspRange {
	if !sp.IsValid() {
		return lspRange{}
	}
	start := f.position(spanOffset(f, sp.Start))
	end := start
	if sp.End.IsValid() {
		end = f.position(spanOffset(f, sp.End))
	}
	return lspRange{Start: start, End: end}
}

// spanOffset is p's byte offset, from its line and column when the offset
// looks inconsistent with them.
func spanOffset(f *file, p source.Pos) int {
	if p.Line >= 1 && p.Line <= len(f.lines) {
		start := f.lines[p.Line-1]
		if p.Offset >= start && (p.Line == len(f.lines) || p.Offset < f.lines[p.Line]) {
			return p.Offset
		}
		off := start
		for i := 1; i < p.Col && off < len(f.text) && f.text[off] != '\n'; i++ {
			_, n := utf8.DecodeRuneInString(f.text[off:])
			off += n
		}
		return off
	}
	return p.Offset
}

// folder is one spec folder: a namespace checked as a whole.
type folder struct {
	dir   string
	files map[string]*file
	dirty bool // the files changed since the last check
	pkg   *model.Package
	diags diag.List
	idx   *index
	// published are the files last sent diagnostics (to clear them).
	published map[string]bool
}

// sortedFiles lists the folder's files by path.
func (fo *folder) sortedFiles() []*file {
	out := make([]*file, 0, len(fo.files))
	for _, f := range fo.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// refresh re-reads the folder's .cal files that are not open in the editor
// (new, changed or removed on disk), reparsing only those whose text
// changed.
func (fo *folder) refresh() {
	entries, err := os.ReadDir(fo.dir)
	seen := map[string]bool{}
	if err == nil {
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".cal") {
				continue
			}
			path := filepath.Join(fo.dir, e.Name())
			seen[path] = true
			if f, ok := fo.files[path]; ok && f.open {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if f, ok := fo.files[path]; ok {
				if f.text != string(data) {
					f.setText(string(data))
					fo.dirty = true
				}
				continue
			}
			fo.files[path] = newFile(path, string(data))
			fo.dirty = true
		}
	}
	for path, f := range fo.files {
		if !f.open && !seen[path] {
			delete(fo.files, path)
			fo.dirty = true
		}
	}
}

// analyze checks the folder from the files' cached parses: after an edit
// only the edited file was reparsed, and the check of the whole namespace
// runs again (names resolve across files).
func (fo *folder) analyze(dataRoots []string) {
	files := fo.sortedFiles()
	trees := make([]*ast.File, 0, len(files))
	var all diag.List
	for _, f := range files {
		trees = append(trees, f.tree)
		all = append(all, f.pdiags...)
	}
	pkg, cdiags := safeCheck(fo.dir, trees, check.Options{SyntaxErrors: all.HasErrors(), DataRoots: dataRoots})
	fo.pkg = pkg
	fo.diags = append(all, cdiags...).Sort()
	fo.idx = nil // built when a request needs it (ready), not on every edit
	fo.dirty = false
}

// safeCheck runs the checker, turning a panic (a checker bug) into a
// diagnostic rather than a dead server.
func safeCheck(dir string, trees []*ast.File, opt check.Options) (pkg *model.Package, diags diag.List) {
	defer func() {
		if r := recover(); r != nil {
			pkg = nil
			diags = nil
			diags.Errorf(diag.EFileRead, source.Span{File: dir}, "internal error in the checker: %v", r)
		}
	}()
	return check.Check(dir, trees, opt)
}

// uriToPath converts a file:// URI to a clean absolute path ("" if it is
// not one).
func uriToPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	if p == "" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// pathToURI converts an absolute path to a file:// URI.
func pathToURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
