// Package lang is the front end's entry point: it loads a spec folder (or
// one file of it), parses every file and checks the folder as one
// namespace.
package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/internal/confine"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/check"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/syntax"
)

// Result is a loaded spec folder.
type Result struct {
	Files   *source.Set
	ASTs    []*ast.File
	Package *model.Package
	Diags   diag.List
}

// Load reads path (a folder: all its .cal files; or one .cal file: that
// file's targets, names resolved across its folder), parses and checks it.
// Diagnostics hold every problem found; Package is nil only when nothing
// could be read.
//
// File readers may read inside the spec folder's tree and the data roots
// of CALIPER_DATA_ROOT; LoadWith takes others.
func Load(path string) *Result {
	return LoadWith(path, Options{DataRoots: confine.EnvRoots()})
}

// Options control loading.
type Options struct {
	// DataRoots are directories outside the spec folder that its file
	// readers may read (--data-root).
	DataRoots []string
}

// LoadWith is Load with options.
func LoadWith(path string, opt Options) *Result {
	res := &Result{Files: source.NewSet()}
	dir, target, names, err := specFiles(path)
	if err != nil {
		res.Diags.Errorf(diag.EFileRead, source.Span{File: path}, "%v", err)
		return res
	}
	if len(names) == 0 {
		res.Diags.Errorf(diag.ENoSpecs, source.Span{File: path}, "no .cal files in %s", path)
		return res
	}
	for _, name := range names {
		text, err := os.ReadFile(name)
		if err != nil {
			res.Diags.Errorf(diag.EFileRead, source.Span{File: name}, "cannot read spec file: %v", err)
			continue
		}
		f := res.Files.Add(name, string(text))
		file, diags := syntax.Parse(f)
		res.ASTs = append(res.ASTs, file)
		res.Diags = append(res.Diags, diags...)
	}
	pkg, diags := check.Check(dir, res.ASTs, check.Options{TargetFile: target, SyntaxErrors: res.Diags.HasErrors(), DataRoots: opt.DataRoots})
	res.Package = pkg
	res.Diags = append(res.Diags, diags...)
	res.Diags = res.Diags.Sort()
	return res
}

// LoadSource checks one file's text as a whole namespace (for tests, the
// fuzzer and editors). Relative paths resolve against the file's folder.
func LoadSource(name, text string) *Result {
	res := &Result{Files: source.NewSet()}
	f := res.Files.Add(name, text)
	file, diags := syntax.Parse(f)
	res.ASTs = []*ast.File{file}
	res.Diags = append(res.Diags, diags...)
	pkg, cdiags := check.Check(filepath.Dir(name), res.ASTs, check.Options{SyntaxErrors: diags.HasErrors()})
	res.Package = pkg
	res.Diags = append(res.Diags, cdiags...).Sort()
	return res
}

// specFiles lists the .cal files of path's folder, sorted.
func specFiles(path string) (dir, target string, names []string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", nil, err
	}
	dir = path
	if !st.IsDir() {
		dir, target = filepath.Dir(path), filepath.Clean(path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", "", nil, err
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".cal") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(names)
	return dir, target, names, nil
}

// CheckPath reports a path that cannot be a spec: missing, or neither a
// folder nor a .cal file (a Python script, a CSV file...). Commands call
// it first, so that such a path is a usage error rather than a run.
func CheckPath(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("%s does not exist: PATH is a spec folder or a .cal file", path)
		}
		return err
	}
	if !st.IsDir() && !strings.HasSuffix(path, ".cal") {
		return fmt.Errorf("%s is not a spec: PATH is a folder of .cal files or one .cal file", path)
	}
	return nil
}
