package lsp

import (
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/stdlib"
)

// target is something a name can refer to: a declaration (keyed by its
// name: declarations share one namespace) or a source's column (keyed
// "col:source.column").
type target struct {
	key  string
	name string
	kind string // a declaration kind, or "column"
	file *file
	span source.Span // the defining name
	decl *ast.Decl   // declarations
	// columns: the source and the declared type.
	source  string
	colType string
}

// occurrence is one name in a file that refers to a target (def marks the
// defining one).
type occurrence struct {
	key  string
	span source.Span
	def  bool
}

// index is a folder's names: what each is and where it occurs. It is
// built from the syntax trees (so it works on folders with errors).
type index struct {
	targets map[string]*target
	occs    map[string][]occurrence // by file path, in source order
	// columns of each source, in declaration order.
	columns map[string][]string
}

func colKey(src, col string) string { return "col:" + src + "." + col }

func buildIndex(fo *folder) *index {
	ix := &index{targets: map[string]*target{}, occs: map[string][]occurrence{}, columns: map[string][]string{}}
	files := fo.sortedFiles()
	for _, f := range files {
		for _, d := range f.tree.Decls {
			if d == nil || d.Name == nil {
				continue
			}
			if _, dup := ix.targets[d.Name.Name]; !dup {
				ix.targets[d.Name.Name] = &target{key: d.Name.Name, name: d.Name.Name, kind: d.Kind, file: f, span: d.Name.Sp, decl: d}
			}
			if d.Kind != ast.KindSource {
				continue
			}
			for _, fl := range d.Fields {
				cols, ok := fl.Value.(*ast.Columns)
				if !ok {
					continue
				}
				for _, c := range cols.Cols {
					if c == nil || c.Name == nil {
						continue
					}
					k := colKey(d.Name.Name, c.Name.Name)
					if _, dup := ix.targets[k]; dup {
						continue
					}
					typ := ""
					if c.Type != nil {
						typ = c.Type.Name
					}
					ix.targets[k] = &target{key: k, name: c.Name.Name, kind: "column", file: f, span: c.Name.Sp, source: d.Name.Name, colType: typ}
					ix.columns[d.Name.Name] = append(ix.columns[d.Name.Name], c.Name.Name)
				}
			}
		}
	}
	for _, f := range files {
		w := &walker{ix: ix, path: f.path}
		for _, d := range f.tree.Decls {
			if d != nil && d.Name != nil {
				w.decl(d)
			}
		}
		sort.SliceStable(w.out, func(i, j int) bool { return w.out[i].span.Start.Offset < w.out[j].span.Start.Offset })
		ix.occs[f.path] = w.out
	}
	return ix
}

// walker collects the occurrences of one file.
type walker struct {
	ix   *index
	path string
	out  []occurrence
}

func (w *walker) add(key string, sp source.Span, def bool) {
	if sp.IsValid() {
		w.out = append(w.out, occurrence{key: key, span: sp, def: def})
	}
}

// declRef records id as a reference to a declaration of kind (any kind
// when kind is "").
func (w *walker) declRef(id *ast.Ident, kind string) {
	if id == nil {
		return
	}
	if t, ok := w.ix.targets[id.Name]; ok && t.kind != "column" && (kind == "" || t.kind == kind) {
		w.add(t.key, id.Sp, false)
	}
}

// isSource reports whether name is a declared source.
func (w *walker) isSource(name string) bool {
	t, ok := w.ix.targets[name]
	return ok && t.kind == ast.KindSource
}

// colRef records id as a column of the first of srcs that has it, or of
// any source that has it.
func (w *walker) colRef(id *ast.Ident, srcs []string) {
	if id == nil {
		return
	}
	for _, s := range srcs {
		if _, ok := w.ix.targets[colKey(s, id.Name)]; ok {
			w.add(colKey(s, id.Name), id.Sp, false)
			return
		}
	}
	var all []string
	for s := range w.ix.columns {
		all = append(all, s)
	}
	sort.Strings(all)
	for _, s := range all {
		if _, ok := w.ix.targets[colKey(s, id.Name)]; ok {
			w.add(colKey(s, id.Name), id.Sp, false)
			return
		}
	}
}

func (w *walker) decl(d *ast.Decl) {
	w.add(d.Name.Name, d.Name.Sp, true)
	// The sources the declaration reads, for its column fields.
	var srcs []string
	if d.Kind == ast.KindSource {
		srcs = append(srcs, d.Name.Name)
	}
	for _, f := range d.Fields {
		switch v := f.Value.(type) {
		case *ast.Exposures:
			if v.Source != nil {
				srcs = append(srcs, v.Source.Name)
			}
		case *ast.Ident:
			if f.Key != nil && isSourceField(d.Kind, f.Key.Name) {
				srcs = append(srcs, v.Name)
			}
		case *ast.ExprValue:
			srcs = append(srcs, w.exprSources(v.X)...)
		}
	}
	for _, f := range d.Fields {
		if f == nil || f.Key == nil {
			continue
		}
		spec, _ := ast.LookupField(d.Kind, f.Key.Name)
		hint := ""
		if spec != nil {
			hint = spec.Hint
		}
		switch v := f.Value.(type) {
		case *ast.Ident:
			switch {
			case isSourceField(d.Kind, f.Key.Name):
				w.declRef(v, ast.KindSource)
			case hint == "a column name":
				w.colRef(v, srcs)
			}
		case *ast.IdentList:
			for _, id := range v.Items {
				switch {
				case strings.HasPrefix(hint, "metric names"):
					w.declRef(id, ast.KindMetric)
				case strings.HasPrefix(hint, "column names"):
					w.colRef(id, srcs)
				}
			}
		case *ast.Exposures:
			w.declRef(v.Source, ast.KindSource)
			if v.Source != nil {
				w.expr(v.Where, v.Source.Name)
			}
		case *ast.ExprValue:
			w.expr(v.X, "")
		case *ast.Guardrail:
			if v.Metric != nil {
				w.declRef(v.Metric.Name, ast.KindMetric)
			}
		case *ast.Launch:
			for _, r := range v.Requires {
				if r != nil && r.Target != nil {
					w.declRef(r.Target.Name, ast.KindMetric)
				}
			}
		case *ast.Columns:
			for _, c := range v.Cols {
				if c != nil && c.Name != nil {
					w.add(colKey(d.Name.Name, c.Name.Name), c.Name.Sp, true)
				}
			}
		case *ast.Factor:
			w.colRef(v.Column, srcs)
		case *ast.Credit:
			src := ""
			if len(srcs) > 0 {
				src = srcs[0]
			}
			w.expr(v.X, src)
		}
	}
}

// isSourceField reports whether a kind's field names a source.
func isSourceField(kind, field string) bool {
	spec, ok := ast.LookupField(kind, field)
	return ok && spec.Shape == ast.ShapeName && spec.Hint == "a source name"
}

// exprSources lists the sources an expression's aggregates read.
func (w *walker) exprSources(e ast.Expr) []string {
	var out []string
	ast.Inspect(e, func(x ast.Expr) bool {
		if c, ok := x.(*ast.Call); ok && len(c.Args) > 0 {
			if r, ok := c.Args[0].(*ast.Ref); ok && len(r.Parts) > 0 && w.isSource(r.Parts[0].Name) {
				out = append(out, r.Parts[0].Name)
			}
		}
		return true
	})
	return out
}

// expr records the names of an expression; src is the source whose
// columns bare names refer to ("" outside an aggregate: bare names are
// metrics or sources).
func (w *walker) expr(e ast.Expr, src string) {
	switch e := e.(type) {
	case nil:
	case *ast.Ref:
		if len(e.Parts) == 0 {
			return
		}
		first := e.Parts[0]
		if len(e.Parts) >= 2 {
			w.declRef(first, ast.KindSource)
			w.colRef(e.Parts[1], []string{first.Name})
			return
		}
		if src == "" || w.isSource(first.Name) {
			w.declRef(first, "")
			return
		}
		w.colRef(first, []string{src})
	case *ast.Call:
		inner := src
		if e.Fun == nil {
			return
		}
		if _, ok := stdlib.LookupAggregate(e.Fun.Name); ok && len(e.Args) > 0 {
			if r, ok := e.Args[0].(*ast.Ref); ok && len(r.Parts) > 0 && w.isSource(r.Parts[0].Name) {
				inner = r.Parts[0].Name
			}
		}
		for _, a := range e.Args {
			w.expr(a, inner)
		}
		w.expr(e.Where, inner)
	case *ast.Paren:
		w.expr(e.X, src)
	case *ast.Binary:
		w.expr(e.X, src)
		w.expr(e.Y, src)
	case *ast.Unary:
		w.expr(e.X, src)
	case *ast.In:
		w.expr(e.X, src)
		if e.List != nil {
			w.expr(e.List, src)
		}
	case *ast.List:
		for _, x := range e.Elems {
			w.expr(x, src)
		}
	case *ast.IsNull:
		w.expr(e.X, src)
	}
}

// at returns the occurrence of a file at byte offset off.
func (ix *index) at(path string, off int) (occurrence, bool) {
	for _, o := range ix.occs[path] {
		if o.span.Start.Offset <= off && off <= o.span.End.Offset {
			return o, true
		}
	}
	return occurrence{}, false
}

// refs lists the occurrences of key across the folder, by file.
func (ix *index) refs(key string, withDef bool) map[string][]occurrence {
	out := map[string][]occurrence{}
	for path, occs := range ix.occs {
		for _, o := range occs {
			if o.key == key && (withDef || !o.def) {
				out[path] = append(out[path], o)
			}
		}
	}
	return out
}
