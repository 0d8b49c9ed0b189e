package rank

import (
	"slices"
	"sort"
	"strings"
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

// Sorted is per-query values in the order Means and Pair read them: by
// model, metric, then query. Sorting once lets a benchmark of a million
// queries take its means and every paired comparison without maps.
type Sorted []QueryValue

// Sort copies values into Sorted's order.
func Sort(values []QueryValue) Sorted {
	rows := slices.Clone(values)
	slices.SortFunc(rows, compareQueryValue)
	return rows
}

// Means averages per-query values per (model, metric), as MeanSQL does,
// sorted by model then metric. Every row of PerQuerySQL is a query trec_eval
// averages over, so Queries is trec_eval's num_q. Values are summed in query
// order, so the result does not depend on the order of values.
func Means(values []QueryValue) []MetricMean { return Sort(values).Means() }

// Means is Means over values already sorted.
func (rows Sorted) Means() []MetricMean {
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

// compareQueryValue orders by model, metric, then query.
func compareQueryValue(a, b QueryValue) int {
	if c := strings.Compare(a.Model, b.Model); c != 0 {
		return c
	}
	if c := strings.Compare(a.Metric, b.Metric); c != 0 {
		return c
	}
	return strings.Compare(a.Query, b.Query)
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
	return Sort(values).Pair(metric, baseline, candidate)
}

// Pair is Pair over values already sorted: a merge of the two models'
// runs of metric, each in query order.
func (rows Sorted) Pair(metric, baseline, candidate string) Pairs {
	base, cand := rows.run(baseline, metric), rows.run(candidate, metric)
	var p Pairs
	i, j := 0, 0
	for i < len(base) && j < len(cand) {
		switch c := strings.Compare(base[i].Query, cand[j].Query); {
		case c < 0:
			p.Unpaired++
			i++
		case c > 0:
			p.Unpaired++
			j++
		default:
			p.Queries = append(p.Queries, base[i].Query)
			p.Baseline = append(p.Baseline, base[i].Value)
			p.Candidate = append(p.Candidate, cand[j].Value)
			i++
			j++
		}
	}
	p.Unpaired += len(base) - i + len(cand) - j
	return p
}

// run is model's values of metric, in query order.
func (rows Sorted) run(model, metric string) Sorted {
	key := QueryValue{Model: model, Metric: metric}
	lo := sort.Search(len(rows), func(i int) bool { return compareQueryValue(rows[i], key) >= 0 })
	hi := lo + sort.Search(len(rows)-lo, func(i int) bool {
		r := rows[lo+i]
		return r.Model != model || r.Metric != metric
	})
	return rows[lo:hi]
}
