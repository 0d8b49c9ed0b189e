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

// CompileBenchmark builds a benchmark's per-query query (compiler/rank),
// reading the judgments and the runs through their typed relations. The
// ranking SQL is written for DuckDB only for now: other dialects are an
// error.
func CompileBenchmark(b *model.Benchmark, d *dialect.Dialect) (*BenchmarkPlan, error) {
	if !d.Benchmarks {
		return nil, fmt.Errorf("benchmark %s: offline benchmarks compile for DuckDB only (not yet for %s)", b.Name, d.Title)
	}
	rb := &rank.Benchmark{Name: b.Name,
		Judgments: Relation(b.Judgments, d), Runs: Relation(b.Runs, d),
		Query: b.Query, Item: b.Item, Relevance: b.Relevance, Score: b.Score, Model: b.Model,
		Metrics: b.Metrics, MissingZero: b.MissingZero}
	sql, err := rank.PerQuerySQL(rb)
	if err != nil {
		return nil, err
	}
	return &BenchmarkPlan{Benchmark: b, SQL: sql}, nil
}
