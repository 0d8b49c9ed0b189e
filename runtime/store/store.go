// Package store keeps every run's results over time, so that a target's
// estimates can be followed across runs (`caliper run --store`,
// `caliper history`).
//
// A run is appended whole or not at all: one transaction holds its `runs`
// row and all its `results` rows. Figures are stored as full-precision
// float64 and rendered back through result.Num, so history prints the
// same figures as the run's JSON did.
//
// The Store interface is what the CLI uses; DuckDB (an embedded file) is
// the one implementation today.
package store

import (
	"context"
	"errors"
	"time"
)

// SchemaVersion is the version of the tables this package writes. It is
// kept in the store's `meta` table; a store written by a newer Caliper is
// refused rather than misread.
const SchemaVersion = 2

// Store is a results store.
type Store interface {
	// Append writes one run and its rows atomically.
	Append(ctx context.Context, run *Run) error
	// History returns the rows of the target named in q (every target's
	// when q.Target is ""), with their runs, oldest run first and in report
	// order within a run.
	History(ctx context.Context, q Query) ([]Entry, error)
	// Runs lists the stored runs (without their rows), oldest first.
	Runs(ctx context.Context) ([]*Run, error)
	Close() error
}

// ErrInUse is returned (wrapped) when another writer holds the store.
var ErrInUse = errors.New("results store is in use")

// Run is one `caliper run` with its results.
type Run struct {
	ID   string
	Seq  int64     // 1, 2, ... in commit order (set by Append)
	Time time.Time // UTC, microsecond precision
	// Version is the Caliper build that produced the run.
	Version string
	// SpecPath is the spec folder (absolute, informational).
	SpecPath string
	// SpecHash is SpecHash of the folder's .cal files.
	SpecHash string
	// DataFingerprint is the hash of Sources; Sources lists the data
	// files (or tables, queries) the run read.
	DataFingerprint string
	Sources         []DataSource
	Targets         int
	Rows            []Row
}

// Row is one result: a metric compared between a variant (or benchmark
// model) and the control (or baseline), overall or for one segment,
// split value or period. Nil figures were not estimated.
type Row struct {
	Target     string
	TargetKind string // experiment | benchmark | interleaving
	Metric     string
	MetricKind string // mean, proportion, ratio, quantile; offline for benchmarks; preference for interleavings (the credit)
	Role       string // primary, secondary, guardrail; "" for benchmarks
	Direction  string
	Variant    string // treatment variant or benchmark model
	Control    string // control variant or baseline model
	// Segment and Split are JSON objects (column -> value), "" overall.
	Segment string
	Split   string
	// Period is a timeline row's period number (nil otherwise); Timeline
	// is "period" (the period alone) or "cumulative" (up to its end), and
	// PeriodStart and PeriodEnd bound it (UTC, as the report writes them).
	Period                 *int
	Timeline               string
	PeriodStart, PeriodEnd string

	ControlUnits, TreatmentUnits int64    // units per arm; queries for benchmarks
	ControlValue, TreatmentValue *float64 // arm means; baseline's and model's scores

	Estimate, CILower, CIUpper, StdError             *float64
	RelEstimate, RelCILower, RelCIUpper, RelStdError *float64
	// RelMethod is how the relative interval was built ("fieller",
	// "delta"; "" in schema 1 stores). Null relative bounds with an
	// estimate mark an unbounded interval; RelGapLower/Upper bound the
	// excluded gap of one made of two rays.
	RelMethod                string
	RelGapLower, RelGapUpper *float64
	PValue, PValueAdjusted   *float64
	Significant              bool
	Method                   string
	Alpha                    float64
	// Decision is the variant's launch outcome ("" when there is none).
	Decision string
}

// Overall reports whether the row is a target-level result (not a
// segment, split or period row).
func (r *Row) Overall() bool { return r.Segment == "" && r.Split == "" && r.Period == nil }

// Query selects history rows.
type Query struct {
	// Target, when set, keeps that target's rows only ("" reads every
	// target's, as `caliper portfolio` does).
	Target string
	// Metric, when set, keeps that metric's rows only.
	Metric string
}

// Entry is one history row with the run it belongs to (Rows is empty).
type Entry struct {
	Run *Run
	Row Row
}
