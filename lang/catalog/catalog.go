// Package catalog describes every metric of a spec folder for the people
// who read results: title, owner, description, kind, direction, its
// definition printed canonically, and where it is used (experiments and
// their roles, metrics that build on it). It renders the catalogue as
// Markdown, self-contained HTML or JSON.
package catalog

import (
	"sort"
	"strconv"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/format"
	"github.com/caliper-dev/caliper/lang/model"
)

// Catalog is the metrics of one folder, by name.
type Catalog struct {
	Dir        string      `json:"dir"`
	Metrics    []Metric    `json:"metrics"`
	Benchmarks []Benchmark `json:"benchmarks"`
}

// Benchmark is one offline benchmark's entry: what it scores, on which
// data, against which baseline.
type Benchmark struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Owner       string   `json:"owner"`
	Description string   `json:"description"`
	Judgments   string   `json:"judgments"`
	Runs        string   `json:"runs"`
	Baseline    string   `json:"baseline"`
	Metrics     []string `json:"metrics"`
	Test        string   `json:"test"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
}

// Metric is one metric's entry.
type Metric struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Owner       string   `json:"owner"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Kind        string   `json:"kind"`
	Direction   string   `json:"direction"`
	// Definition is the value expression printed canonically.
	Definition string `json:"definition"`
	Winsorize  string `json:"winsorize,omitempty"` // "99%"
	Cap        string `json:"cap,omitempty"`
	Decompose  string `json:"decompose,omitempty"` // "a * b"
	// Sources are the sources it reads, BuildsOn the metrics its value
	// names, UsedBy the metrics whose value names it.
	Sources  []string `json:"sources"`
	BuildsOn []string `json:"builds_on"`
	UsedBy   []string `json:"used_by"`
	// Uses are the experiments and rollouts that measure it, with the role.
	Uses []Use `json:"uses"`
	// File and Line locate the declaration.
	File string `json:"file"`
	Line int    `json:"line"`
}

// Use is a metric's role in an experiment or a rollout (Kind says which;
// Experiment names it either way).
type Use struct {
	Kind       string `json:"kind"` // experiment or rollout
	Experiment string `json:"experiment"`
	Role       string `json:"role"`             // primary, secondary, guardrail, component
	Within     string `json:"within,omitempty"` // a guardrail's tolerance: "2%"
}

// Label is the title, or the name.
func (m Metric) Label() string {
	if m.Title != "" {
		return m.Title
	}
	return m.Name
}

// Build makes the catalogue of a checked package; files are its syntax,
// whose metric declarations give each definition's canonical text.
func Build(pkg *model.Package, files []*ast.File) *Catalog {
	c := &Catalog{Dir: pkg.Dir, Metrics: []Metric{}}
	decls := map[string]*ast.Decl{}
	for _, f := range files {
		for _, d := range f.Decls {
			if d.Kind != ast.KindMetric || d.Name == nil {
				continue
			}
			if _, dup := decls[d.Name.Name]; !dup {
				decls[d.Name.Name] = d
			}
		}
	}
	byName := map[string]int{}
	for _, m := range pkg.Metrics {
		e := Metric{Name: m.Name, Title: m.Title, Owner: m.Owner, Description: m.Description,
			Tags: append([]string{}, m.Tags...), Kind: string(m.Kind), Direction: m.Direction.String(),
			Sources: metricSources(m), BuildsOn: []string{}, UsedBy: []string{}, Uses: []Use{},
			File: m.Span.File, Line: m.Span.Start.Line}
		if m.Winsorize != nil {
			e.Winsorize = strconv.FormatFloat(*m.Winsorize*100, 'g', -1, 64) + "%"
		}
		if m.Cap != nil {
			e.Cap = strconv.FormatFloat(*m.Cap, 'g', -1, 64)
		}
		if d := decls[m.Name]; d != nil {
			for _, f := range d.Fields {
				switch f.Key.Name {
				case "value":
					e.Definition = format.Value("value", f.Value)
					if v, ok := f.Value.(*ast.ExprValue); ok {
						e.BuildsOn = metricRefs(v.X, pkg)
					}
				case "decompose":
					e.Decompose = format.Value("decompose", f.Value)
				}
			}
		}
		byName[m.Name] = len(c.Metrics)
		c.Metrics = append(c.Metrics, e)
	}
	for _, m := range c.Metrics {
		for _, dep := range m.BuildsOn {
			if i, ok := byName[dep]; ok {
				c.Metrics[i].UsedBy = append(c.Metrics[i].UsedBy, m.Name)
			}
		}
	}
	use := func(kind, target string, uses []*model.MetricUse) {
		for _, u := range uses {
			i, ok := byName[u.Metric.Name]
			if !ok {
				continue
			}
			use := Use{Kind: kind, Experiment: target, Role: string(u.Role)}
			if u.Role == model.Guardrail {
				use.Within = strconv.FormatFloat(u.Within*100, 'g', -1, 64) + "%"
			}
			c.Metrics[i].Uses = append(c.Metrics[i].Uses, use)
		}
	}
	for _, e := range pkg.Experiments {
		use("experiment", e.Name, e.Metrics)
	}
	for _, r := range pkg.Rollouts {
		use("rollout", r.Name, r.Metrics)
	}
	sort.SliceStable(c.Metrics, func(i, j int) bool { return c.Metrics[i].Name < c.Metrics[j].Name })
	c.Benchmarks = []Benchmark{}
	for _, b := range pkg.Benchmarks {
		e := Benchmark{Name: b.Name, Title: b.Title, Owner: b.Owner, Description: b.Description,
			Baseline: b.Baseline, Metrics: []string{}, Test: b.Test.String(), File: b.Span.File, Line: b.Span.Start.Line}
		if b.Judgments != nil {
			e.Judgments = b.Judgments.Name
		}
		if b.Runs != nil {
			e.Runs = b.Runs.Name
		}
		for _, m := range b.Metrics {
			e.Metrics = append(e.Metrics, m.String())
		}
		c.Benchmarks = append(c.Benchmarks, e)
	}
	sort.SliceStable(c.Benchmarks, func(i, j int) bool { return c.Benchmarks[i].Name < c.Benchmarks[j].Name })
	for i := range c.Metrics {
		sort.Strings(c.Metrics[i].UsedBy)
	}
	return c
}

// metricRefs lists the metrics a value names outside aggregates, once
// each, in order.
func metricRefs(e ast.Expr, pkg *model.Package) []string {
	metrics := map[string]bool{}
	for _, m := range pkg.Metrics {
		metrics[m.Name] = true
	}
	out := []string{}
	for _, n := range ast.PlainNames(e) {
		if metrics[n] {
			out = append(out, n)
		}
	}
	return out
}

func metricSources(m *model.Metric) []string {
	out := []string{}
	seen := map[string]bool{}
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
	return out
}
