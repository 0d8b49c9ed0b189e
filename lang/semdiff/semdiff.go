// Package semdiff compares two versions of a spec folder by meaning. Each
// source, metric, experiment and benchmark is added, removed, changed in
// meaning (what it computes: kind, direction, value, filters, columns,
// data, roles, the compiled SQL), changed in text only (title,
// description, owner, tags, comments, layout), or unchanged. Meaning is
// compared on the checked model, so a metric that builds on a changed
// metric or reads a changed source changes meaning too, while rewriting
// its text into an equivalent layout does not.
package semdiff

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/check"
	"github.com/caliper-dev/caliper/lang/format"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
)

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Meaning = "meaning" // what it computes changed
	Text    = "text"    // only metadata, comments or layout changed
)

// Change is one declaration that differs.
type Change struct {
	Kind    string   `json:"kind"` // source, metric, experiment, benchmark
	Name    string   `json:"name"`
	Change  string   `json:"change"`
	Details []string `json:"details,omitempty"`
}

// Summary counts declarations by change.
type Summary struct {
	Meaning   int `json:"meaning"`
	Text      int `json:"text"`
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// Result is a comparison.
type Result struct {
	Changes []Change `json:"changes"`
	Summary Summary  `json:"summary"`
}

// Options control a comparison.
type Options struct {
	// SQL compiles an experiment (compiler.Compile with a dialect); when
	// set, a change of the compiled query is a change of meaning. Source
	// paths are made relative to their folder first, so two checkouts in
	// different places compare equal.
	SQL func(*model.Experiment) (string, error)
}

// Diff compares an old and a new loaded folder, which should have checked
// without errors. It rewrites the path of every file-reading source of
// both packages relative to the package's folder.
func Diff(old, new *lang.Result, opt Options) *Result {
	a, b := index(old, opt), index(new, opt)
	res := &Result{Changes: []Change{}}
	for _, key := range union(a, b) {
		x, y := a.entities[key], b.entities[key]
		switch {
		case x == nil:
			res.Changes = append(res.Changes, Change{Kind: y.kind, Name: y.name, Change: Added})
			res.Summary.Added++
		case y == nil:
			res.Changes = append(res.Changes, Change{Kind: x.kind, Name: x.name, Change: Removed})
			res.Summary.Removed++
		default:
			c := compare(x, y, a, b)
			if c == nil {
				res.Summary.Unchanged++
				continue
			}
			if c.Change == Meaning {
				res.Summary.Meaning++
			} else {
				res.Summary.Text++
			}
			res.Changes = append(res.Changes, *c)
		}
	}
	order := map[string]int{Meaning: 0, Removed: 1, Added: 2, Text: 3}
	sort.SliceStable(res.Changes, func(i, j int) bool {
		ci, cj := res.Changes[i], res.Changes[j]
		if order[ci.Change] != order[cj.Change] {
			return order[ci.Change] < order[cj.Change]
		}
		if kindOrder[ci.Kind] != kindOrder[cj.Kind] {
			return kindOrder[ci.Kind] < kindOrder[cj.Kind]
		}
		return ci.Name < cj.Name
	})
	return res
}

var kindOrder = map[string]int{ast.KindSource: 0, ast.KindMetric: 1, ast.KindExperiment: 2, ast.KindBenchmark: 3, ast.KindInterleaving: 4, ast.KindCounterfactual: 5, ast.KindRollout: 6}

// aspect is one named part of a declaration's meaning or metadata, with
// its canonical value (compared) and its text (shown).
type aspect struct {
	name  string
	key   string
	shown string
}

// entity is one declaration of one side.
type entity struct {
	kind, name string
	decl       *ast.Decl
	text       string   // its source text, with adjacent comments
	meaning    []aspect // compared for meaning
	metadata   []aspect // compared for text-only changes
	deps       []string // entity keys (kind:name) whose meaning it includes
}

type side struct {
	entities map[string]*entity
	// meaningKey of each entity, including its dependencies.
	memo map[string]string
}

func entityKey(kind, name string) string { return kind + ":" + name }

func union(a, b *side) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range []*side{a, b} {
		for k := range s.entities {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// metadataField reports a field that does not change what is computed
// (the field table's Metadata).
func metadataField(name string) bool {
	f, ok := ast.FieldNamed(name)
	return ok && f.Metadata
}

// modelledFields are experiment fields whose meaning is compared on the
// checked model; every other non-metadata field is compared on its
// canonical text (so fields this package does not know about still count).
var modelledFields = map[string]bool{"exposures": true, "unit": true, "assignment": true, "control": true,
	"treatments": true, "allocation": true, "window": true, "start": true, "end": true, "primary": true,
	"secondary": true, "guardrail": true, "alpha": true}

func index(r *lang.Result, opt Options) *side {
	s := &side{entities: map[string]*entity{}, memo: map[string]string{}}
	texts := declTexts(r)
	pkg := r.Package
	if pkg == nil {
		pkg = &model.Package{}
	}
	for _, src := range pkg.Sources {
		if src.Reader != nil && src.Reader.Path && pkg.Dir != "" {
			if rel, err := filepath.Rel(pkg.Dir, src.Arg); err == nil {
				src.Arg = filepath.ToSlash(rel)
			}
		}
	}
	decls := map[string]*ast.Decl{}
	for _, f := range r.ASTs {
		for _, d := range f.Decls {
			k := entityKey(d.Kind, d.Name.Name)
			if _, dup := decls[k]; !dup {
				decls[k] = d
			}
		}
	}
	add := func(e *entity) {
		e.text = texts[e.decl]
		e.metadata = metadata(e.decl)
		s.entities[entityKey(e.kind, e.name)] = e
	}
	for _, src := range pkg.Sources {
		d := decls[entityKey(ast.KindSource, src.Name)]
		if d != nil {
			add(&entity{kind: ast.KindSource, name: src.Name, decl: d, meaning: sourceMeaning(src)})
		}
	}
	for _, m := range pkg.Metrics {
		if d := decls[entityKey(ast.KindMetric, m.Name)]; d != nil {
			add(metricEntity(m, d))
		}
	}
	for _, e := range pkg.Experiments {
		if d := decls[entityKey(ast.KindExperiment, e.Name)]; d != nil {
			add(experimentEntity(e, d, opt))
		}
	}
	for k, d := range decls {
		if _, done := s.entities[k]; !done && (d.Kind == ast.KindBenchmark || d.Kind == ast.KindInterleaving || d.Kind == ast.KindCounterfactual || d.Kind == ast.KindRollout) {
			add(&entity{kind: d.Kind, name: d.Name.Name, decl: d, meaning: fieldAspects(d, nil)})
		}
	}
	return s
}

func sourceMeaning(s *model.Source) []aspect {
	from := ""
	if s.Reader != nil {
		from = s.Reader.Name + "(" + strconv.Quote(s.Arg) + ")"
	}
	var cols []string
	for _, c := range s.Columns {
		cols = append(cols, c.Name+" "+c.Type.String())
	}
	sort.Strings(cols)
	t := ""
	if s.Time != nil {
		t = s.Time.Name
	}
	return []aspect{
		{name: "from", key: from, shown: from},
		{name: "time", key: t, shown: t},
		{name: "columns", key: strings.Join(cols, ", "), shown: strings.Join(cols, ", ")},
	}
}

func metricEntity(m *model.Metric, d *ast.Decl) *entity {
	e := &entity{kind: ast.KindMetric, name: m.Name, decl: d}
	valueText := ""
	for _, f := range d.Fields {
		if v, ok := f.Value.(*ast.ExprValue); ok && f.Key.Name == "value" {
			valueText = format.Value("value", v)
			// Metrics it builds on (names outside aggregates).
			for _, name := range metricRefs(v.X) {
				e.deps = append(e.deps, entityKey(ast.KindMetric, name))
			}
		}
	}
	value := unitString(m.Value)
	if m.Den != nil {
		value += " / " + unitString(m.Den)
	}
	if q := m.Quantile; q != nil {
		value = fmt.Sprintf("quantile(%s: %s", q.Source.Name, check.RowString(q.Arg))
		if q.Filter != nil {
			value += " where " + check.RowString(q.Filter)
		}
		value += ", " + strconv.FormatFloat(q.Q, 'g', -1, 64) + ")"
	}
	e.meaning = []aspect{
		{name: "kind", key: string(m.Kind), shown: string(m.Kind)},
		{name: "direction", key: m.Direction.String(), shown: m.Direction.String()},
		{name: "value", key: value, shown: valueText},
		{name: "winsorize", key: floatPtr(m.Winsorize), shown: floatPtr(m.Winsorize)},
		{name: "cap", key: floatPtr(m.Cap), shown: floatPtr(m.Cap)},
	}
	var parts []string
	for _, d := range m.Decompose {
		parts = append(parts, d.Name)
		e.deps = append(e.deps, entityKey(ast.KindMetric, d.Name))
	}
	e.meaning = append(e.meaning, aspect{name: "decompose", key: strings.Join(parts, " * "), shown: strings.Join(parts, " * ")})
	// The value inlines the metrics it builds on (so their changes show
	// in it); the sources it reads are dependencies.
	for _, s := range metricSources(m) {
		e.deps = append(e.deps, entityKey(ast.KindSource, s))
	}
	return e
}

// metricRefs lists the plain names of a metric value outside aggregate
// calls: the metrics it builds on.
func metricRefs(e ast.Expr) []string { return ast.PlainNames(e) }

func floatPtr(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

func metricSources(m *model.Metric) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s *model.Source) {
		if s != nil && !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		add(a.Source)
	}
	if m.Quantile != nil {
		add(m.Quantile.Source)
	}
	sort.Strings(out)
	return out
}

// unitString renders a per-unit expression canonically.
func unitString(u model.UnitExpr) string {
	if u == nil {
		return ""
	}
	return model.UnitText(u, func(u model.UnitExpr, kids []string) string {
		switch u := u.(type) {
		case *model.Aggregate:
			return u.Key
		case *model.UnitConst:
			return strconv.FormatFloat(u.Value, 'g', -1, 64)
		case *model.UnitBinary:
			return "(" + u.Op + " " + kids[0] + " " + kids[1] + ")"
		case *model.UnitUnary:
			return "(" + u.Op + " " + kids[0] + ")"
		}
		return fmt.Sprintf("%T", u)
	})
}

func experimentEntity(e *model.Experiment, d *ast.Decl, opt Options) *entity {
	ent := &entity{kind: ast.KindExperiment, name: e.Name, decl: d}
	exposures := ""
	if e.Exposures != nil {
		exposures = e.Exposures.Name
		if e.ExposureFilter != nil {
			exposures += " where " + check.RowString(e.ExposureFilter)
		}
		ent.deps = append(ent.deps, entityKey(ast.KindSource, e.Exposures.Name))
	}
	assignment := ""
	if e.Assignment != nil {
		assignment = e.Assignment.Name
	}
	var alloc []string
	for _, a := range e.Allocation {
		alloc = append(alloc, strconv.FormatFloat(a, 'g', -1, 64))
	}
	field := func(key string) string {
		for _, f := range d.Fields {
			if f.Key.Name == key {
				return format.Value(key, f.Value)
			}
		}
		return ""
	}
	ent.meaning = []aspect{
		{name: "exposures", key: exposures, shown: field("exposures")},
		{name: "unit", key: e.Unit, shown: e.Unit},
		{name: "assignment", key: assignment, shown: assignment},
		{name: "control", key: e.Control, shown: field("control")},
		{name: "treatments", key: strings.Join(e.Treatments, "\x00"), shown: field("treatments")},
		{name: "allocation", key: strings.Join(alloc, ","), shown: field("allocation")},
		{name: "window", key: strconv.FormatInt(e.Window, 10), shown: field("window")},
		{name: "start", key: instantKey(e.Start), shown: field("start")},
		{name: "end", key: instantKey(e.End), shown: field("end")},
		{name: "alpha", key: strconv.FormatFloat(e.Alpha, 'g', -1, 64), shown: strconv.FormatFloat(e.Alpha, 'g', -1, 64)},
	}
	// Roles: which metric in which role (the metrics' own meaning is a
	// dependency).
	var roles []string
	for _, u := range e.Metrics {
		r := string(u.Role) + " " + u.Metric.Name
		if u.Role == model.Guardrail {
			r += " within " + strconv.FormatFloat(u.Within*100, 'g', -1, 64) + "%"
		}
		roles = append(roles, r)
		ent.deps = append(ent.deps, entityKey(ast.KindMetric, u.Metric.Name))
	}
	ent.meaning = append(ent.meaning, aspect{name: "metrics", key: strings.Join(roles, "; "), shown: strings.Join(roles, "; ")})
	ent.meaning = append(ent.meaning, fieldAspects(d, modelledFields)...)
	if opt.SQL != nil {
		if sql, err := opt.SQL(e); err == nil {
			ent.meaning = append(ent.meaning, aspect{name: "compiled SQL", key: sql})
		}
	}
	return ent
}

// fieldAspects compares a declaration's other non-metadata fields on
// their canonical text (a repeated field, such as factor, is one aspect).
func fieldAspects(d *ast.Decl, skip map[string]bool) []aspect {
	byKey := map[string][]string{}
	var keys []string
	for _, f := range d.Fields {
		k := f.Key.Name
		if metadataField(k) || skip[k] {
			continue
		}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], format.Value(k, f.Value))
	}
	sort.Strings(keys)
	var out []aspect
	for _, k := range keys {
		v := strings.Join(byKey[k], "; ")
		out = append(out, aspect{name: k, key: v, shown: v})
	}
	return out
}

func metadata(d *ast.Decl) []aspect {
	var out []aspect
	for _, key := range []string{"title", "description", "owner", "tags", "hypothesis", "format"} {
		v := ""
		for _, f := range d.Fields {
			if f.Key.Name == key {
				v = format.Value(key, f.Value)
			}
		}
		out = append(out, aspect{name: key, key: v, shown: v})
	}
	return out
}

// meaningKey is an entity's meaning with its dependencies'.
func (s *side) meaningKey(k string, depth int) string {
	if v, ok := s.memo[k]; ok {
		return v
	}
	e := s.entities[k]
	if e == nil || depth > 50 {
		return ""
	}
	var b strings.Builder
	for _, a := range e.meaning {
		fmt.Fprintf(&b, "%s=%s\n", a.name, a.key)
	}
	for _, d := range e.deps {
		fmt.Fprintf(&b, "dep %s {\n%s}\n", d, s.meaningKey(d, depth+1))
	}
	s.memo[k] = b.String()
	return s.memo[k]
}

// compare returns the change between two versions of an entity, or nil.
func compare(x, y *entity, a, b *side) *Change {
	k := entityKey(x.kind, x.name)
	c := &Change{Kind: x.kind, Name: x.name}
	if a.meaningKey(k, 0) != b.meaningKey(k, 0) {
		c.Change = Meaning
		c.Details = aspectDetails(x.meaning, y.meaning)
		for _, d := range unionStrings(x.deps, y.deps) {
			if a.meaningKey(d, 0) != b.meaningKey(d, 0) {
				kind, name, _ := strings.Cut(d, ":")
				c.Details = append(c.Details, fmt.Sprintf("%s `%s` changed meaning", kind, name))
			}
		}
		if len(c.Details) == 0 {
			c.Details = []string{"its dependencies changed"}
		}
		return c
	}
	if x.text == y.text {
		return nil
	}
	c.Change = Text
	c.Details = aspectDetails(x.metadata, y.metadata)
	// Fields written differently to the same effect (a default made
	// explicit, an equivalent expression).
	for _, d := range aspectDetails(fieldAspects(x.decl, nil), fieldAspects(y.decl, nil)) {
		c.Details = append(c.Details, d+" (same meaning)")
	}
	if len(c.Details) == 0 {
		c.Details = []string{"comments or layout"}
	}
	return c
}

func unionStrings(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// aspectDetails describes the aspects that differ: "title: "A" → "B"".
func aspectDetails(x, y []aspect) []string {
	var out []string
	ys := map[string]aspect{}
	for _, a := range y {
		ys[a.name] = a
	}
	seen := map[string]bool{}
	for _, a := range x {
		seen[a.name] = true
		b, ok := ys[a.name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s removed", a.name, show(a)))
		case a.key != b.key:
			if a.name == "compiled SQL" {
				out = append(out, "compiled SQL changed")
			} else if a.shown == b.shown {
				out = append(out, fmt.Sprintf("%s: same text, but what it builds on changed", a.name))
			} else {
				out = append(out, fmt.Sprintf("%s: %s → %s", a.name, show(a), show(b)))
			}
		}
	}
	for _, b := range y {
		if !seen[b.name] {
			out = append(out, fmt.Sprintf("%s: %s added", b.name, show(b)))
		}
	}
	return out
}

func show(a aspect) string {
	if a.shown == "" {
		return "(none)"
	}
	return a.shown
}

// declTexts returns each declaration's source text with the comment
// lines just above it and a comment after it on its last line.
func declTexts(r *lang.Result) map[*ast.Decl]string {
	out := map[*ast.Decl]string{}
	if r.Files == nil {
		return out
	}
	for _, f := range r.ASTs {
		file := r.Files.File(f.Name)
		if file == nil {
			continue
		}
		for _, d := range f.Decls {
			out[d] = declText(file, d)
		}
	}
	return out
}

func declText(f *source.File, d *ast.Decl) string {
	start, end := d.Sp.Start.Line, d.Sp.End.Line
	for start > 1 && strings.HasPrefix(strings.TrimSpace(f.Line(start-1)), "//") {
		start--
	}
	var lines []string
	for n := start; n <= end; n++ {
		lines = append(lines, f.Line(n))
	}
	return strings.Join(lines, "\n")
}

// instantKey is an experiment bound's meaning: the instant, whatever
// offset or layout wrote it ("" when absent).
func instantKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
