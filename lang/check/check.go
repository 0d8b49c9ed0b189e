// Package check resolves names and checks types in a spec folder, turning
// the ast into the model. It reports every problem it finds as a
// diagnostic and keeps going: a bad expression gets the Invalid type so
// one mistake does not cascade.
package check

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/internal/confine"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// Options control checking.
type Options struct {
	// TargetFile, when set, selects only that file's experiments as
	// targets (names still resolve across the folder).
	TargetFile string
	// SyntaxErrors says the files had syntax errors. Warnings are only
	// reported for folders without errors (they are noise next to them).
	SyntaxErrors bool
	// DataRoots are directories outside the spec folder that file readers
	// may read (--data-root, CALIPER_DATA_ROOT). The spec folder's tree is
	// always readable; nothing else is.
	DataRoots []string
}

// checker holds the state of one check.
type checker struct {
	dir   string
	diags diag.List
	decls map[string]*ast.Decl // by name, all kinds
	file  map[*ast.Decl]string // file of each decl
	// declOf is each checked metric's and experiment's declaration (the
	// model keeps spans, not syntax).
	declOf map[any]*ast.Decl

	sources  map[string]*model.Source
	metrics  map[string]*model.Metric
	checking map[string]bool // metrics on the stack, for cycles
	used     map[string]bool // sources used
	pkg      *model.Package
	roots    confine.Roots
}

// Check checks the files of one spec folder.
func Check(dir string, files []*ast.File, opt Options) (*model.Package, diag.List) {
	c := &checker{
		dir: dir, decls: map[string]*ast.Decl{}, file: map[*ast.Decl]string{}, declOf: map[any]*ast.Decl{},
		sources: map[string]*model.Source{}, metrics: map[string]*model.Metric{},
		checking: map[string]bool{}, used: map[string]bool{},
		pkg:   &model.Package{Dir: dir},
		roots: confine.New(dir, opt.DataRoots...),
	}
	var all []*ast.Decl
	for _, f := range files {
		for _, d := range f.Decls {
			c.file[d] = f.Name
			all = append(all, d)
		}
	}
	c.declare(all)
	c.checkFields(all)
	for _, d := range all {
		if d.Kind == ast.KindSource && c.decls[d.Name.Name] == d {
			c.pkg.Sources = append(c.pkg.Sources, c.source(d))
		}
	}
	for _, d := range all {
		if d.Kind == ast.KindMetric && c.decls[d.Name.Name] == d {
			c.pkg.Metrics = append(c.pkg.Metrics, c.metric(d))
		}
	}
	for _, d := range all {
		if c.decls[d.Name.Name] != d {
			continue
		}
		switch d.Kind {
		case ast.KindExperiment:
			e := c.experiment(d)
			c.pkg.Experiments = append(c.pkg.Experiments, e)
			if opt.TargetFile == "" || c.file[d] == opt.TargetFile {
				c.pkg.Targets = append(c.pkg.Targets, e)
			}
		case ast.KindBenchmark:
			b := c.benchmark(d)
			c.pkg.Benchmarks = append(c.pkg.Benchmarks, b)
			if opt.TargetFile == "" || c.file[d] == opt.TargetFile {
				c.pkg.BenchmarkTargets = append(c.pkg.BenchmarkTargets, b)
			}
		case ast.KindInterleaving:
			il := c.interleaving(d)
			c.pkg.Interleavings = append(c.pkg.Interleavings, il)
			if opt.TargetFile == "" || c.file[d] == opt.TargetFile {
				c.pkg.InterleavingTargets = append(c.pkg.InterleavingTargets, il)
			}
		case ast.KindCounterfactual:
			cf := c.counterfactual(d)
			c.pkg.Counterfactuals = append(c.pkg.Counterfactuals, cf)
			if opt.TargetFile == "" || c.file[d] == opt.TargetFile {
				c.pkg.CounterfactualTargets = append(c.pkg.CounterfactualTargets, cf)
			}
		case ast.KindRollout:
			r := c.rollout(d)
			c.pkg.Rollouts = append(c.pkg.Rollouts, r)
			if opt.TargetFile == "" || c.file[d] == opt.TargetFile {
				c.pkg.RolloutTargets = append(c.pkg.RolloutTargets, r)
			}
		}
	}
	if !c.diags.HasErrors() && !opt.SyntaxErrors { // warnings are noise next to errors
		c.warnUnused()
		c.lint()
	}
	return c.pkg, c.diags
}

// declare registers every declaration's name, reporting duplicates.
func (c *checker) declare(all []*ast.Decl) {
	for _, d := range all {
		if prev, ok := c.decls[d.Name.Name]; ok {
			c.diags.Errorf(diag.EDuplicateName, d.Name.Sp, "%s `%s` is already declared", d.Kind, d.Name.Name).
				Also(prev.Name.Sp, "%s `%s` first declared here", prev.Kind, prev.Name.Name).
				Hint("names of sources, metrics, experiments and benchmarks are unique in a folder")
			continue
		}
		c.decls[d.Name.Name] = d
	}
}

// checkFields reports fields a kind does not take, and repeated fields.
func (c *checker) checkFields(all []*ast.Decl) {
	for _, d := range all {
		seen := map[string]*ast.Field{}
		for _, f := range d.Fields {
			k := f.Key.Name
			if !ast.Allows(d.Kind, k) {
				dg := c.diags.Errorf(diag.EFieldNotHere, f.Key.Sp, "%s `%s` cannot have a `%s` field", d.Kind, d.Name.Name, k)
				if s := diag.Closest(k, ast.FieldNames(d.Kind)); s != "" {
					dg.Hint("did you mean `%s`?", s)
				} else {
					dg.Hint("%s fields: %s", d.Kind, strings.Join(ast.FieldNames(d.Kind), ", "))
				}
				continue
			}
			if prev, ok := seen[k]; ok && !spec(d.Kind, k).Repeatable {
				c.diags.Errorf(diag.EDuplicateFld, f.Key.Sp, "field `%s` is given twice in %s `%s`", k, d.Kind, d.Name.Name).
					Also(prev.Key.Sp, "first given here")
				continue
			}
			seen[k] = f
		}
	}
}

// spec is a kind's field from the field table (the zero spec for a field
// the kind does not take).
func spec(kind, name string) *ast.FieldSpec {
	if f, ok := ast.LookupField(kind, name); ok {
		return f
	}
	return &ast.FieldSpec{Name: name}
}

// field returns the first field with the key (nil if absent).
func field(d *ast.Decl, key string) *ast.Field {
	for _, f := range d.Fields {
		if f.Key.Name == key {
			return f
		}
	}
	return nil
}

// fields returns every field with the key.
func fields(d *ast.Decl, key string) []*ast.Field {
	var out []*ast.Field
	for _, f := range d.Fields {
		if f.Key.Name == key {
			out = append(out, f)
		}
	}
	return out
}

func stringField(d *ast.Decl, key string) string {
	if f := field(d, key); f != nil {
		if s, ok := f.Value.(*ast.StringLit); ok {
			return s.Value
		}
	}
	return ""
}

func (c *checker) namesOfKind(kind string) []string {
	var out []string
	for n, d := range c.decls {
		if d.Kind == kind {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// unknown reports a name that resolves to nothing of the wanted kind.
func (c *checker) unknown(id *ast.Ident, kind string) {
	if d, ok := c.decls[id.Name]; ok {
		c.diags.Errorf(diag.EWrongKind, id.Sp, "`%s` is a %s, not a %s", id.Name, d.Kind, kind).
			Also(d.Name.Sp, "%s `%s` declared here", d.Kind, id.Name)
		return
	}
	dg := c.diags.Errorf(diag.EUnknownName, id.Sp, "unknown %s `%s`", kind, id.Name)
	if s := diag.Closest(id.Name, c.namesOfKind(kind)); s != "" {
		dg.Hint("did you mean `%s`?", s)
	}
}

// source checks a source declaration.
func (c *checker) source(d *ast.Decl) *model.Source {
	s := &model.Source{Name: d.Name.Name, Span: d.Name.Sp}
	c.sources[s.Name] = s
	if f := field(d, "columns"); f != nil {
		cols := f.Value.(*ast.Columns)
		for _, cd := range cols.Cols {
			t, ok := types.ColumnTypes[cd.Type.Name]
			if !ok {
				dg := c.diags.Errorf(diag.EUnknownType, cd.Type.Sp, "unknown column type `%s` for column `%s`", cd.Type.Name, cd.Name.Name)
				if sug := diag.Closest(cd.Type.Name, types.ColumnTypeNames); sug != "" {
					dg.Hint("did you mean `%s`?", sug)
				} else {
					dg.Hint("column types: %s", strings.Join(types.ColumnTypeNames, ", "))
				}
				t = types.Invalid
			}
			if prev := s.Column(cd.Name.Name); prev != nil {
				c.diags.Errorf(diag.EDuplicateName, cd.Name.Sp, "column `%s` is declared twice in source `%s`", cd.Name.Name, s.Name).
					Also(prev.Span, "first declared here")
				continue
			}
			s.AddColumn(&model.Column{Name: cd.Name.Name, Type: t, Span: cd.Name.Sp, Source: s})
		}
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "source `%s` has no `columns`", s.Name).
			Hint("declare the columns the specs use: columns { user_id string  ts timestamp }")
	}
	if f := field(d, "from"); f != nil {
		c.from(s, f.Value.(*ast.From))
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "source `%s` has no `from`", s.Name).
			Hint(`say where its rows are: from csv("data/events.csv")`)
	}
	if f := field(d, "time"); f != nil {
		id := f.Value.(*ast.Ident)
		if col := s.Column(id.Name); col == nil {
			c.unknownColumn(s, id)
		} else if !col.Type.IsTemporal() && col.Type != types.Invalid {
			c.diags.Errorf(diag.ETypeMismatch, id.Sp, "time column `%s` is %s; it must be timestamp or date", id.Name, col.Type)
		} else {
			s.Time = col
		}
	}
	return s
}

func (c *checker) from(s *model.Source, f *ast.From) {
	r, ok := stdlib.LookupReader(f.Reader.Name)
	if !ok {
		dg := c.diags.Errorf(diag.EUnknownFunc, f.Reader.Sp, "unknown reader `%s`", f.Reader.Name)
		if sug := diag.Closest(f.Reader.Name, stdlib.ReaderNames()); sug != "" {
			dg.Hint("did you mean `%s`?", sug)
		} else {
			dg.Hint("readers: %s", strings.Join(stdlib.ReaderNames(), ", "))
		}
		return
	}
	if len(f.Args) != r.Args {
		c.diags.Errorf(diag.EArgCount, f.Sp, "%s(...) takes %d argument, found %d", r.Name, r.Args, len(f.Args))
		return
	}
	s.Reader = r
	s.Arg = f.Args[0].Value
	s.ArgSpan = f.Args[0].Sp
	if r.Path && !filepath.IsAbs(s.Arg) {
		s.Arg = filepath.Join(filepath.Dir(f.Sp.File), s.Arg)
	}
	if r.Path {
		c.confinePath(f.Args[0], s.Arg)
	}
	if r.Query {
		c.checkSQL(f.Args[0])
	}
}

// confinePath reports a file reader's path that leaves the spec folder's
// tree and the data roots: as written, then on disk (symlinks, globs).
func (c *checker) confinePath(arg *ast.StringLit, joined string) {
	err := c.roots.CheckLexical(arg.Value, joined)
	if err == nil {
		err = c.roots.CheckDisk(arg.Value, joined)
	}
	if err != nil {
		c.diags.Errorf(diag.EPathOutside, arg.Sp, "%v", err).
			Hint("a spec reads files inside its own folder's tree only; grant another directory on the command line with --data-root DIR (or %s)", confine.EnvDataRoot)
	}
}

func (c *checker) unknownColumn(s *model.Source, id *ast.Ident) {
	var names []string
	for _, col := range s.Columns {
		names = append(names, col.Name)
	}
	dg := c.diags.Errorf(diag.EUnknownColumn, id.Sp, "`%s` is not a column of source `%s`", id.Name, s.Name)
	if sug := diag.Closest(id.Name, names); sug != "" {
		dg.Hint("did you mean `%s`?", sug)
	} else if len(names) > 0 {
		dg.Hint("columns of `%s`: %s", s.Name, strings.Join(names, ", "))
	}
}

// warnUnused warns about sources nothing reads.
func (c *checker) warnUnused() {
	for _, s := range c.pkg.Sources {
		if !c.used[s.Name] {
			c.diags.Warnf(diag.WUnusedSource, s.Span, "source `%s` is not used by any metric or experiment", s.Name)
		}
	}
}

// lint warns about specs that check but leave their readers guessing:
// metrics without an owner, primary metrics without a description,
// guardrails whose direction is implicit, experiments without a window.
func (c *checker) lint() {
	for _, m := range c.pkg.Metrics {
		if strings.TrimSpace(m.Owner) == "" {
			c.diags.Warnf(diag.WNoOwner, m.Span, "metric `%s` has no owner", m.Name).
				Hint(`say who answers for it: owner "team-name"`)
		}
	}
	described := map[*model.Metric]bool{}
	directed := map[*model.Metric]bool{}
	for _, e := range c.pkg.Experiments {
		if d := c.declOf[e]; d != nil && field(d, "window") == nil {
			c.diags.Warnf(diag.WNoWindow, e.Span, "experiment `%s` has no window", e.Name).
				Hint("without one, each unit counts from its first exposure to the end of the data; add a per-unit window such as `window 7d`")
		}
		for _, u := range e.Metrics {
			m := u.Metric
			switch {
			case u.Role == model.Primary && strings.TrimSpace(m.Description) == "" && !described[m]:
				described[m] = true
				c.diags.Warnf(diag.WNoDescription, m.Span, "metric `%s` is the primary metric of experiment `%s` but has no description", m.Name, e.Name).
					Also(u.Span, "primary metric of `%s`", e.Name).
					Hint(`a primary metric decides launches: say what it measures, description "..."`)
			case u.Role == model.Guardrail && c.declOf[m] != nil && field(c.declOf[m], "direction") == nil && !directed[m]:
				directed[m] = true
				c.diags.Warnf(diag.WNoDirection, m.Span, "metric `%s` is a guardrail of experiment `%s` but does not declare its direction", m.Name, e.Name).
					Also(u.Span, "guardrail of `%s`", e.Name).
					Hint("say which way is good: `direction increase` (the default, higher is better) or `direction decrease` (lower is better)")
			}
		}
	}
}
