package runtime

import (
	"context"
	"fmt"
	"sort"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/compiler/rank"
	"github.com/caliper-dev/caliper/runtime/decide"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// BenchmarkSeed seeds the permutation and bootstrap tests, so benchmark
// results are reproducible.
const BenchmarkSeed = 20261124

// RunBenchmark executes a benchmark's per-query query and compares every
// model with the baseline, paired over queries. Its result has a row per
// model, query and metric, as many as the runs make (12 million for a
// million queries, two models and six metrics): it is streamed, with no
// cap on its rows, and each model, query and metric name is kept once.
func RunBenchmark(ctx context.Context, eng engine.Engine, p *compiler.BenchmarkPlan, perQuery bool) (*result.Target, error) {
	r := &valueReader{names: map[string]string{}}
	if err := eng.Stream(ctx, p.SQL, r.start, r.row); err != nil {
		return nil, fmt.Errorf("benchmark %s: %w", p.Benchmark.Name, err)
	}
	return AnalyzeBenchmark(p, r.values, perQuery), nil
}

// valueReader turns rows of (model, query, metric, value) into values.
type valueReader struct {
	mi, qi, ki, vi int
	names          map[string]string // each name once: rows repeat them
	values         []rank.QueryValue
}

func (r *valueReader) start(cols []string) error {
	index := func(name string) int {
		for i, c := range cols {
			if c == name {
				return i
			}
		}
		return -1
	}
	r.mi, r.qi, r.ki, r.vi = index(rank.ColModel), index(rank.ColQuery), index(rank.ColMetric), index(rank.ColValue)
	if r.mi < 0 || r.qi < 0 || r.ki < 0 || r.vi < 0 {
		return fmt.Errorf("the per-query result lacks model, query, metric or value columns")
	}
	return nil
}

func (r *valueReader) row(row []any) error {
	v, err := engine.Float(row[r.vi])
	if err != nil {
		return fmt.Errorf("the per-query result's value column (model %v, query %v, metric %v): %v", row[r.mi], row[r.qi], row[r.ki], err)
	}
	r.values = append(r.values, rank.QueryValue{Model: r.name(row[r.mi]), Query: r.name(row[r.qi]), Metric: r.name(row[r.ki]), Value: v})
	return nil
}

// name is a value's text, shared with every earlier row that had it.
func (r *valueReader) name(v any) string {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	if kept, ok := r.names[s]; ok {
		return kept
	}
	r.names[s] = s
	return s
}

// AnalyzeBenchmark turns per-query values into scores, paired comparisons
// with the baseline and decisions.
func AnalyzeBenchmark(p *compiler.BenchmarkPlan, values []rank.QueryValue, perQuery bool) *result.Target {
	b := p.Benchmark
	t := &result.Target{Kind: "benchmark", Name: b.Name, Title: b.Title, Owner: b.Owner, Alpha: result.Num(b.Alpha),
		Bench: &result.Bench{Baseline: b.Baseline, Test: b.Test.String(), Scores: []*result.Score{}, Results: []*result.BenchResult{}}}
	sorted := rank.Sort(values)
	models := map[string]bool{}
	for _, m := range sorted.Means() {
		models[m.Model] = true
		t.Bench.Scores = append(t.Bench.Scores, &result.Score{Model: m.Model, Metric: m.Metric, Value: result.Num(m.Value), Queries: m.Queries})
		if m.Model == b.Baseline && m.Queries > t.Bench.Queries {
			t.Bench.Queries = m.Queries
		}
	}
	if perQuery {
		for _, v := range values {
			t.Bench.PerQuery = append(t.Bench.PerQuery, &result.QueryScore{Model: v.Model, Query: v.Query, Metric: v.Metric, Value: result.Num(v.Value)})
		}
	}
	if !models[b.Baseline] {
		t.Notes = append(t.Notes, fmt.Sprintf("the baseline model %q has no scored queries in the runs", b.Baseline))
		return t
	}
	var names []string
	for m := range models {
		if m != b.Baseline {
			names = append(names, m)
		}
	}
	sort.Strings(names)
	method := pairedMethods[b.Test]
	for _, model := range names {
		for _, metric := range b.Metrics {
			t.Bench.Results = append(t.Bench.Results, pairedResult(sorted, metric.String(), b.Baseline, model, method, b.Alpha))
		}
	}
	decide.DecideBenchmark(b, t)
	return t
}

func pairedResult(values rank.Sorted, metric, baseline, model string, method stats.PairedMethod, alpha float64) *result.BenchResult {
	pairs := values.Pair(metric, baseline, model)
	res := &result.BenchResult{Model: model, Metric: metric, Queries: len(pairs.Queries), Method: method.String()}
	res.Value, res.BaselineValue = result.Num(mean(pairs.Candidate)), result.Num(mean(pairs.Baseline))
	if pairs.Unpaired > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d queries were scored for only one of the two models and are left out of the paired test (missing_queries zero scores them 0)", pairs.Unpaired))
	}
	cmp := stats.ComparePaired(pairs.Baseline, pairs.Candidate, stats.PairedOptions{Method: method, Alpha: alpha, Seed: BenchmarkSeed})
	num := func(v float64) *result.Num { n := result.Num(v); return &n }
	if !cmp.Estimable() && len(pairs.Queries) > 1 && identical(pairs.Baseline, pairs.Candidate) {
		// The models agree on every query: the paired difference is exactly
		// 0, with no uncertainty to test.
		res.Delta, res.CILower, res.CIUpper, res.StdError, res.PValue = num(0), num(0), num(0), num(0), num(1)
		res.Relative = &result.Effect{}
		res.Notes = append(res.Notes, "the models score identically on every query: the difference is exactly 0")
		return res
	}
	if !cmp.Estimable() {
		res.Notes = append(res.Notes, cmp.Problem)
		return res
	}
	a := cmp.Absolute
	res.Delta, res.CILower, res.CIUpper, res.StdError = num(a.Estimate), num(a.Lower), num(a.Upper), num(a.StdError)
	if r := cmp.Relative; r != nil {
		res.Relative = effect(*r)
	} else if cmp.RelativeProblem != "" {
		res.Notes = append(res.Notes, cmp.RelativeProblem)
	}
	res.PValue = num(cmp.PValue)
	res.Significant = cmp.PValue < alpha
	return res
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// identical reports whether two models' per-query values are equal.
func identical(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
