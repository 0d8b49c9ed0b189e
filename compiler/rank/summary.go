package rank

import (
	"sort"
)

// QueryValue is one row of PerQuerySQL: a model's value of a metric on one
// query.
type QueryValue struct {
	Model  string
	Query  string
	Metric string
	Value  float64
}

// MetricMean is a model's mean of a metric over Queries queries: one row
// of MeanSQL, or one result of Means.
type MetricMean struct {
	Model   string
	Metric  string
	Queries int
	Value   float64
}

// Means averages per-query values per (model, metric), as MeanSQL does,
// sorted by model then metric. Every row of PerQuerySQL is a query trec_eval
// averages over, so Queries is trec_eval's num_q. Values are summed in query
// order, so the result does not depend on the order of values.
func Means(values []QueryValue) []MetricMean {
	rows := append([]QueryValue(nil), values...)
	sort.Slice(rows, func(i, j int) bool { return lessQueryValue(rows[i], rows[j]) })
	var out []MetricMean
	sum := 0.0
	for i, r := range rows {
		if i == 0 || r.Model != rows[i-1].Model || r.Metric != rows[i-1].Metric {
			if len(out) > 0 {
				out[len(out)-1].Value = sum / float64(out[len(out)-1].Queries)
			}
			out = append(out, MetricMean{Model: r.Model, Metric: r.Metric})
			sum = 0
		}
		out[len(out)-1].Queries++
		sum += r.Value
	}
	if len(out) > 0 {
		out[len(out)-1].Value = sum / float64(out[len(out)-1].Queries)
	}
	return out
}

// lessQueryValue orders by model, metric, then query.
func lessQueryValue(a, b QueryValue) bool {
	if a.Model != b.Model {
		return a.Model < b.Model
	}
	if a.Metric != b.Metric {
		return a.Metric < b.Metric
	}
	return a.Query < b.Query
}

// Pairs are two models' values of one metric on the queries both were
// scored on, aligned by query, for a paired test (runtime/stats).
type Pairs struct {
	Queries   []string  // query ids, sorted
	Baseline  []float64 // the baseline's value on Queries[i]
	Candidate []float64 // the candidate's value on Queries[i]
	// Unpaired counts queries scored for only one of the two models. It is
	// 0 with MissingZero; otherwise a paired test covers fewer queries than
	// the two means, and the report should say so.
	Unpaired int
}

// Pair aligns metric's per-query values of baseline and candidate by
// query. Queries scored for one model only are counted in Unpaired.
func Pair(values []QueryValue, metric, baseline, candidate string) Pairs {
	base := map[string]float64{}
	cand := map[string]float64{}
	for _, v := range values {
		if v.Metric != metric {
			continue
		}
		switch v.Model {
		case baseline:
			base[v.Query] = v.Value
		case candidate:
			cand[v.Query] = v.Value
		}
	}
	var p Pairs
	for q := range base {
		if _, ok := cand[q]; ok {
			p.Queries = append(p.Queries, q)
		} else {
			p.Unpaired++
		}
	}
	for q := range cand {
		if _, ok := base[q]; !ok {
			p.Unpaired++
		}
	}
	sort.Strings(p.Queries)
	for _, q := range p.Queries {
		p.Baseline = append(p.Baseline, base[q])
		p.Candidate = append(p.Candidate, cand[q])
	}
	return p
}
