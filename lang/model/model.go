// Package model is the checked, resolved and typed form of a spec folder:
// the contract between the checker and the compiler. Nothing downstream of
// the checker reads syntax; every name here is resolved, every expression
// typed, the word fields are enums (enums.go), start and end are instants,
// and positions are spans (never syntax nodes).
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// Package is one spec folder (a namespace).
type Package struct {
	Dir         string
	Sources     []*Source
	Metrics     []*Metric
	Experiments []*Experiment
	Benchmarks  []*Benchmark
	// Targets are the experiments selected to run: all of a folder, or
	// those of one file; BenchmarkTargets likewise.
	Targets          []*Experiment
	BenchmarkTargets []*Benchmark
	// Interleavings and the selected InterleavingTargets (interleaving.go).
	Interleavings       []*Interleaving
	InterleavingTargets []*Interleaving
	// Counterfactuals are every counterfactual; CounterfactualTargets
	// those selected to run.
	Counterfactuals       []*Counterfactual
	CounterfactualTargets []*Counterfactual
	// Rollouts and the selected RolloutTargets (rollout.go).
	Rollouts       []*Rollout
	RolloutTargets []*Rollout
}

// Benchmark is a checked offline evaluation of ranking models: every
// model's run scored against the judgments, each compared with the
// baseline model over queries.
type Benchmark struct {
	Name        string
	Span        source.Span
	Title       string
	Owner       string
	Description string
	Judgments   *Source
	Runs        *Source
	// Column names: Query and Item in both sources, Relevance in the
	// judgments, Score and Model in the runs.
	Query, Item, Relevance, Score, Model string
	Baseline                             string
	Metrics                              []stdlib.OfflineRef
	// Test is the paired test over queries.
	Test  PairedTest
	Alpha float64
	// MissingZero scores judged queries a model did not answer as 0
	// (`missing_queries zero`, trec_eval -c) instead of skipping them.
	MissingZero bool
	// Launch holds the requirements (their Offline names the metric); nil
	// means every metric must not get worse.
	Launch []*Requirement
}

// Source is a relation of facts.
type Source struct {
	Name   string
	Span   source.Span
	Reader *stdlib.Reader
	// Arg is the reader's argument: a path (resolved against the spec
	// file's folder), a table name, or SQL text.
	Arg     string
	ArgSpan source.Span
	Time    *Column
	Columns []*Column
	byName  map[string]*Column
}

// Column is a declared source column.
type Column struct {
	Name   string
	Type   types.Type
	Span   source.Span
	Source *Source
	// DataType is the column's SQL type in the data, as the engine
	// described it when a run validated the source
	// (runtime.ValidateSource); "" when not known (caliper compile, sql
	// sources). The compiler reads a timestamp stored without a time zone
	// as it is, without the instant cast (dialect.Dialect.NaiveTimestamps).
	DataType string
}

// Column returns the named column, or nil.
func (s *Source) Column(name string) *Column {
	return s.byName[name]
}

// AddColumn appends a column.
func (s *Source) AddColumn(c *Column) {
	if s.byName == nil {
		s.byName = map[string]*Column{}
	}
	s.Columns = append(s.Columns, c)
	s.byName[c.Name] = c
}

// Kind is a metric's statistical kind.
type Kind string

// Metric kinds (LANGUAGE.md, "Value expressions and metric kinds").
const (
	Mean       Kind = "mean"
	Proportion Kind = "proportion"
	Ratio      Kind = "ratio"
	Quantile   Kind = "quantile"
)

// Direction says which way a metric is good.
type Direction int

// Directions.
const (
	Increase Direction = 1
	Decrease Direction = -1
)

func (d Direction) String() string {
	if d == Decrease {
		return "decrease"
	}
	return "increase"
}

// Metric is a checked metric.
type Metric struct {
	Name        string
	Span        source.Span
	Title       string
	Description string
	Owner       string
	Tags        []string
	Format      string
	Direction   Direction
	Kind        Kind
	// Value is the per-unit value (mean, proportion) or the numerator
	// (ratio). For proportions it is boolean.
	Value UnitExpr
	// Den is a ratio's per-unit denominator.
	Den UnitExpr
	// Quantile is set for quantile metrics.
	Quantile *QuantileSpec
	// Winsorize caps per-unit values at the pooled percentile (0..1).
	Winsorize *float64
	// Cap caps per-unit values at a fixed value.
	Cap *float64
	// Decompose lists the factors of a multiplicative decomposition.
	Decompose []*Metric
}

// Label is the metric's title, or its name.
func (m *Metric) Label() string {
	if m.Title != "" {
		return m.Title
	}
	return m.Name
}

// QuantileSpec is an event-level quantile of one source's column.
type QuantileSpec struct {
	Source *Source
	Arg    RowExpr
	Filter RowExpr
	Q      float64
}

// Experiment is a checked experiment.
type Experiment struct {
	Name        string
	Span        source.Span
	Title       string
	Owner       string
	Hypothesis  string
	Description string
	Exposures   *Source
	// ExposureFilter is the `where` on exposures, or nil.
	ExposureFilter RowExpr
	Unit           string
	UnitSpan       source.Span
	Assignment     *Column
	Control        string
	Treatments     []string
	Allocation     []float64
	// Window is the per-unit analysis window in seconds (0: to the end).
	Window int64
	// WindowPolicy says which units the window admits.
	WindowPolicy WindowPolicy
	// Start and End bound the exposures and events to [Start, End): UTC
	// instants, zero when absent.
	Start, End time.Time
	Alpha      float64
	// Metrics in report order, each with its role.
	Metrics []*MetricUse
	// Correction is the multiple-testing correction of secondary metrics.
	Correction Correction
	// RelativeCI is how relative intervals are built.
	RelativeCI RelativeCI
	// Sequential asks for always-valid intervals and p-values, tightest at
	// SequentialTuning units (N*, default 5000).
	Sequential       bool
	SequentialTuning float64
	// Cuped is the pre-exposure period, in seconds, whose per-unit metric
	// values adjust the comparison (0: no CUPED).
	Cuped int64
	// Segments are exposure columns to break results down by.
	Segments []*Column
	// Launch holds the launch requirements; nil means the default rule
	// (srm, every primary improves, guardrails).
	Launch []*Requirement
	// Factors make the experiment a 2^k factorial design: each unit's cell
	// is read from the factors' exposure columns (no assignment/control).
	Factors []*Factor
	// Attribution splits the all-new effect by component.
	Attribution Attribution
	// Cluster is the randomization unit when coarser than the unit.
	Cluster *Column
	// Split is a column of the metrics' rows (e.g. surface): each metric is
	// also reported per value, with its share of the lift.
	Split string
	// Timeline asks for effects per period since the start, for the
	// period alone and cumulative, or by exposure age, with the long-run
	// fit.
	Timeline Timeline
	// Spans locate the fields for diagnostics after checking.
	Spans ExperimentSpans
}

// ExperimentSpans locate an experiment's fields in its spec, for the
// diagnostics raised after checking (the data checks, run limits) without
// the syntax tree. A field the spec does not write is located at the
// experiment's name.
type ExperimentSpans struct {
	// The values of control, treatments, exposures, window and end.
	Control, Treatments, Exposures, Window, End source.Span
	// TreatmentItems are the treatments' items, parallel to Treatments.
	TreatmentItems []source.Span
	// Filter is the exposures' `where` (else the exposures' value), and
	// FilterColumns the plain names it reads outside calls, sorted.
	Filter        source.Span
	FilterColumns []string
	// Timeline is the whole `timeline` line.
	Timeline source.Span
}

// TreatmentSpan is where treatment v is written: its item of
// `treatments`, else the list, else the experiment's name.
func (e *Experiment) TreatmentSpan(v string) source.Span {
	for i, t := range e.Treatments {
		if t == v && i < len(e.Spans.TreatmentItems) {
			return e.Spans.TreatmentItems[i]
		}
	}
	return e.Spans.Treatments
}

// Factor is one two-level component of a factorial design.
type Factor struct {
	Name     string
	Column   *Column
	Baseline string
	Span     source.Span
}

// Factorial reports whether the experiment is a factorial design.
func (e *Experiment) Factorial() bool { return len(e.Factors) > 0 }

// RequirementKind is what a launch requirement checks.
type RequirementKind string

// Requirement kinds (LANGUAGE.md, "Launch criteria").
const (
	RequireSRM        RequirementKind = "srm"
	RequireImproves   RequirementKind = "improves"
	RequireWithin     RequirementKind = "within"
	RequireNotWorse   RequirementKind = "not worse"
	RequireGuardrails RequirementKind = "guardrails"
	// RequirePreferred is an interleaving's `require C preferred`: the
	// preference share under credit C is significantly above 1/2.
	RequirePreferred RequirementKind = "preferred"
)

// Requirement is one launch requirement.
type Requirement struct {
	Kind   RequirementKind
	Metric *Metric // for improves, within, not worse (experiments)
	// Offline names a benchmark metric, such as ndcg@10 (benchmarks).
	Offline string
	// Credit names an interleaving's credit (preferred, not worse).
	Credit string
	Within float64 // for within, as a fraction
	Span   source.Span
}

// DefaultLaunch is the rule without a launch block: srm, every primary
// metric improves, and guardrails hold.
func (e *Experiment) DefaultLaunch() []*Requirement {
	out := []*Requirement{{Kind: RequireSRM}}
	for _, u := range e.Metrics {
		if u.Role == Primary {
			out = append(out, &Requirement{Kind: RequireImproves, Metric: u.Metric})
		}
	}
	return append(out, &Requirement{Kind: RequireGuardrails})
}

// Role of a metric in an experiment.
type Role string

// Roles.
const (
	Primary   Role = "primary"
	Secondary Role = "secondary"
	Guardrail Role = "guardrail"
	// Component is a metric measured only because a decomposed metric of
	// the experiment is a product of it (not tested, not corrected).
	Component Role = "component"
)

// MetricUse is a metric in an experiment with its role.
type MetricUse struct {
	Metric *Metric
	Role   Role
	// Within is a guardrail's tolerance as a fraction (0.02 for 2%).
	Within float64
	Span   source.Span
}

// UnitExpr is a per-unit expression over aggregates.
type UnitExpr interface {
	Type() types.Type
	unitExpr()
}

// Aggregate is one per-unit aggregate of one source: fn(arg) where filter.
type Aggregate struct {
	Func   *stdlib.Aggregate
	Source *Source
	Arg    RowExpr // nil for ArgSource aggregates
	Filter RowExpr // nil for none
	T      types.Type
	// Key is a canonical text of the aggregate: equal keys are the same
	// column in the compiled scan.
	Key string
}

// Type implements UnitExpr.
func (a *Aggregate) Type() types.Type { return a.T }

// UnitConst is a numeric constant in a per-unit expression.
type UnitConst struct {
	Value float64
	T     types.Type
}

// Type implements UnitExpr.
func (c *UnitConst) Type() types.Type { return c.T }

// UnitBinary is an arithmetic, comparison or logical operation.
type UnitBinary struct {
	Op   string
	X, Y UnitExpr
	T    types.Type
}

// Type implements UnitExpr.
func (b *UnitBinary) Type() types.Type { return b.T }

// UnitUnary is -x or not x.
type UnitUnary struct {
	Op string
	X  UnitExpr
	T  types.Type
}

// Type implements UnitExpr.
func (u *UnitUnary) Type() types.Type { return u.T }

func (*Aggregate) unitExpr()  {}
func (*UnitConst) unitExpr()  {}
func (*UnitBinary) unitExpr() {}
func (*UnitUnary) unitExpr()  {}

// RowExpr is a row-level expression over one source's columns.
type RowExpr interface {
	Type() types.Type
	rowExpr()
}

// ColumnRef reads a column.
type ColumnRef struct{ Col *Column }

// Literal is a constant.
type Literal struct {
	T      types.Type
	Number float64
	Str    string
	Bool   bool
	Text   string // the number's source spelling
}

// Binary is X op Y.
type Binary struct {
	Op   string
	X, Y RowExpr
	T    types.Type
}

// Unary is -X or not X.
type Unary struct {
	Op string
	X  RowExpr
	T  types.Type
}

// Call is a scalar function call.
type Call struct {
	Func *stdlib.Func
	Args []RowExpr
	T    types.Type
}

// In is X [not] in (list).
type In struct {
	X    RowExpr
	List []RowExpr
	Not  bool
}

// IsNull is X is [not] null.
type IsNull struct {
	X   RowExpr
	Not bool
}

// Type implementations.
func (c *ColumnRef) Type() types.Type { return c.Col.Type }
func (l *Literal) Type() types.Type   { return l.T }
func (b *Binary) Type() types.Type    { return b.T }
func (u *Unary) Type() types.Type     { return u.T }
func (c *Call) Type() types.Type      { return c.T }
func (*In) Type() types.Type          { return types.Bool }
func (*IsNull) Type() types.Type      { return types.Bool }

func (*ColumnRef) rowExpr() {}
func (*Literal) rowExpr()   {}
func (*Binary) rowExpr()    {}
func (*Unary) rowExpr()     {}
func (*Call) rowExpr()      {}
func (*In) rowExpr()        {}
func (*IsNull) rowExpr()    {}

// Aggregates lists the distinct aggregates a per-unit expression reads, in
// first-use order.
func Aggregates(exprs ...UnitExpr) []*Aggregate {
	var out []*Aggregate
	seen := map[string]bool{}
	// Metric references share their value's nodes, so the expression is a
	// DAG: each node is walked once (linear, however deep the sharing).
	visited := map[UnitExpr]bool{}
	var walk func(UnitExpr)
	walk = func(e UnitExpr) {
		if visited[e] {
			return
		}
		visited[e] = true
		switch e := e.(type) {
		case *Aggregate:
			if !seen[e.Key] {
				seen[e.Key] = true
				out = append(out, e)
			}
		case *UnitBinary:
			walk(e.X)
			walk(e.Y)
		case *UnitUnary:
			walk(e.X)
		}
	}
	for _, e := range exprs {
		if e != nil {
			walk(e)
		}
	}
	return out
}

// CompiledSize is the number of distinct nodes of per-unit expressions,
// each counted once however many metrics refer to it: the size of their
// compiled SQL, which computes a shared value once (compiler/shared.go).
// It stops counting past limit.
func CompiledSize(limit int, exprs ...UnitExpr) int {
	var c SizeCounter
	return c.Add(limit, exprs...)
}

// SizeCounter counts the distinct nodes of expressions added over several
// calls (an experiment's metrics one by one), as CompiledSize does.
type SizeCounter struct {
	seen map[UnitExpr]bool
	n    int
}

// Add counts the nodes of exprs not counted before and returns the total,
// stopping past limit.
func (c *SizeCounter) Add(limit int, exprs ...UnitExpr) int {
	if c.seen == nil {
		c.seen = map[UnitExpr]bool{}
	}
	var walk func(UnitExpr)
	walk = func(e UnitExpr) {
		if e == nil || c.seen[e] || c.n > limit {
			return
		}
		c.seen[e] = true
		c.n++
		switch e := e.(type) {
		case *UnitBinary:
			walk(e.X)
			walk(e.Y)
		case *UnitUnary:
			walk(e.X)
		}
	}
	for _, e := range exprs {
		walk(e)
	}
	return c.n
}

// UnitText renders a per-unit expression canonically: node renders one
// node from its children's texts. Each node is rendered once however many
// metrics refer to it, and a child text longer than 256 bytes is replaced
// by a digest of it, so equal expressions still render equal and the text
// stays linear in the number of distinct nodes (a chain of references
// `x_i = x_(i-1) + x_(i-1)` would double at every level written out).
func UnitText(e UnitExpr, node func(e UnitExpr, kids []string) string) string {
	memo := map[UnitExpr]string{}
	var text func(UnitExpr) string
	text = func(e UnitExpr) string {
		if s, ok := memo[e]; ok {
			return s
		}
		var kids []string
		switch e := e.(type) {
		case *UnitBinary:
			kids = []string{text(e.X), text(e.Y)}
		case *UnitUnary:
			kids = []string{text(e.X)}
		}
		for i, k := range kids {
			if len(k) > 256 {
				sum := sha256.Sum256([]byte(k))
				kids[i] = "#" + hex.EncodeToString(sum[:12])
			}
		}
		s := node(e, kids)
		memo[e] = s
		return s
	}
	return text(e)
}

// MetricSources lists the sources an experiment's metrics read, in
// first-use order (aggregates, then quantiles, metric by metric).
func (e *Experiment) MetricSources() []*Source {
	var out []*Source
	seen := map[*Source]bool{}
	for _, u := range e.Metrics {
		srcs := []*Source{}
		for _, a := range Aggregates(u.Metric.Value, u.Metric.Den) {
			srcs = append(srcs, a.Source)
		}
		if q := u.Metric.Quantile; q != nil {
			srcs = append(srcs, q.Source)
		}
		for _, s := range srcs {
			if s != nil && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
