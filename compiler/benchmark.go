package compiler

import (
	"github.com/caliper-dev/caliper/compiler/dialect"
	"github.com/caliper-dev/caliper/compiler/rank"
	"github.com/caliper-dev/caliper/lang/model"
)

// BenchmarkPlan is the compiled form of one benchmark: one query with a
// row (model, query_id, metric, value) per model, query and metric.
type BenchmarkPlan struct {
	Benchmark *model.Benchmark
	SQL       string
}

// CompileBenchmark builds a benchmark's per-query query (compiler/rank),
// reading the judgments and the runs through their typed relations.
func CompileBenchmark(b *model.Benchmark, d *dialect.Dialect) (*BenchmarkPlan, error) {
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
