package compiler

import (
	"fmt"

	"github.com/caliper-dev/caliper/compiler/rank"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// BenchmarkPlan is the compiled form of one benchmark: one query with a
// row (model, query_id, metric, value) per model, query and metric.
type BenchmarkPlan struct {
	Benchmark *model.Benchmark
	SQL       string
}

// CompileBenchmark builds a benchmark's per-query query (compiler/rank) in
// dialect d, reading the judgments and the runs through their typed
// relations. Dialects without Benchmarks (the warehouses, for now) are an
// error, and so are file sources outside DuckDB.
func CompileBenchmark(b *model.Benchmark, d *dialect.Dialect) (*BenchmarkPlan, error) {
	for _, s := range []*model.Source{b.Judgments, b.Runs} {
		if err := CheckReader(s, d); err != nil {
			return nil, fmt.Errorf("benchmark %s: %w", b.Name, err)
		}
	}
	rb := &rank.Benchmark{Name: b.Name,
		Judgments: Relation(b.Judgments, d), Runs: Relation(b.Runs, d),
		Query: b.Query, Item: b.Item, Relevance: b.Relevance, Score: b.Score, Model: b.Model,
		Metrics: b.Metrics, MissingZero: b.MissingZero, Dialect: d}
	sql, err := rank.PerQuerySQL(rb)
	if err != nil {
		return nil, err
	}
	return &BenchmarkPlan{Benchmark: b, SQL: sql}, nil
}
