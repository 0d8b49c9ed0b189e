package rank

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

// pairByMaps is Pair as it was written first, with a map per model: the
// reference for the merge over sorted values.
func pairByMaps(values []QueryValue, metric, baseline, candidate string) Pairs {
	base, cand := map[string]float64{}, map[string]float64{}
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

// Pair over sorted values equals the map-based pairing on shuffled data
// with queries missing from either model, models and metrics that sort
// between the two compared, and a model with no values at all.
func TestPairMatchesMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		var values []QueryValue
		for _, model := range []string{"a", "b", "m", "z"} {
			for _, metric := range []string{"map", "ndcg", "ndcg@10"} {
				for q := 0; q < 40; q++ {
					if r.IntN(4) == 0 {
						continue // this model was not scored on q
					}
					values = append(values, QueryValue{Model: model, Metric: metric, Query: fmt.Sprintf("q%d", r.IntN(60)*7%61), Value: r.Float64()})
				}
			}
		}
		values = dedupe(values)
		r.Shuffle(len(values), func(i, j int) { values[i], values[j] = values[j], values[i] })
		sorted := Sort(values)
		for _, metric := range []string{"map", "ndcg", "ndcg@10", "mrr"} {
			for _, pair := range [][2]string{{"a", "z"}, {"z", "a"}, {"b", "m"}, {"a", "nobody"}} {
				got, want := sorted.Pair(metric, pair[0], pair[1]), pairByMaps(values, metric, pair[0], pair[1])
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("trial %d, %s %v: merge %+v, maps %+v", trial, metric, pair, got, want)
				}
			}
		}
	}
}

// dedupe keeps the first value of each (model, metric, query), as the
// per-query query returns one.
func dedupe(values []QueryValue) []QueryValue {
	seen := map[[3]string]bool{}
	var out []QueryValue
	for _, v := range values {
		k := [3]string{v.Model, v.Metric, v.Query}
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}
