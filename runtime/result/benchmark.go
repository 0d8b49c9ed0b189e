package result

import (
	"encoding/json"
)

// Score is a model's mean of an offline metric over its queries.
type Score struct {
	Model   string `json:"model"`
	Metric  string `json:"metric"`
	Value   Num    `json:"value"`
	Queries int    `json:"queries"`
}

// BenchResult compares one model with the baseline on one offline metric,
// paired over queries.
type BenchResult struct {
	Model         string  `json:"model"`
	Metric        string  `json:"metric"`
	Value         Num     `json:"value"`
	BaselineValue Num     `json:"baseline_value"`
	Delta         *Num    `json:"delta"`
	CILower       *Num    `json:"ci_lower"`
	CIUpper       *Num    `json:"ci_upper"`
	StdError      *Num    `json:"std_error"`
	Relative      *Effect `json:"relative"`
	PValue        *Num    `json:"p_value"`
	Significant   bool    `json:"significant"`
	Method        string  `json:"method"`
	// Queries is the number of query pairs tested.
	Queries int      `json:"queries"`
	Notes   []string `json:"notes,omitempty"`
}

// QueryScore is one model's value of a metric on one query (--per-query).
type QueryScore struct {
	Model  string `json:"model"`
	Query  string `json:"query"`
	Metric string `json:"metric"`
	Value  Num    `json:"value"`
}

// benchmarkJSON is a benchmark target's JSON shape.
type benchmarkJSON struct {
	Kind      string         `json:"kind"`
	Name      string         `json:"name"`
	Title     string         `json:"title,omitempty"`
	Owner     string         `json:"owner,omitempty"`
	Baseline  string         `json:"baseline"`
	Test      string         `json:"test"`
	Alpha     Num            `json:"alpha"`
	Queries   int            `json:"queries"`
	Scores    []*Score       `json:"scores"`
	Results   []*BenchResult `json:"results"`
	Decisions []*Decision    `json:"decisions,omitempty"`
	PerQuery  []*QueryScore  `json:"per_query,omitempty"`
	Notes     []string       `json:"notes,omitempty"`
}

// targetJSON writes each target kind in its own JSON shape; nil bytes
// (the kind's payload is missing) write the target with every field of
// Target, as does a kind missing here. A new kind adds one line.
var targetJSON = map[string]func(*Target) ([]byte, error){
	"experiment": func(t *Target) ([]byte, error) { return json.Marshal(experimentShape(t)) },
	"benchmark": func(t *Target) ([]byte, error) {
		if t.Bench == nil {
			return nil, nil
		}
		return json.Marshal(benchmarkShape(t))
	},
	KindInterleaving: func(t *Target) ([]byte, error) {
		if t.Interleaving == nil {
			return nil, nil
		}
		return t.marshalInterleaving()
	},
	KindRollout: func(t *Target) ([]byte, error) {
		if t.Rollout == nil {
			return nil, nil
		}
		return t.marshalRollout()
	},
	KindCounterfactual: func(t *Target) ([]byte, error) {
		if t.Counterfactual == nil {
			return nil, nil
		}
		return t.counterfactualJSON()
	},
}

// MarshalJSON writes each kind with its own fields (targetJSON):
// experiments with theirs, benchmarks with theirs (baseline, queries,
// scores, results), interleavings with theirs.
func (t *Target) MarshalJSON() ([]byte, error) {
	if write := targetJSON[t.Kind]; write != nil {
		if b, err := write(t); b != nil || err != nil {
			return b, err
		}
	}
	type plain Target
	return json.Marshal((*plain)(t))
}

func benchmarkShape(t *Target) *benchmarkJSON {
	b := t.Bench
	return &benchmarkJSON{Kind: t.Kind, Name: t.Name, Title: t.Title, Owner: t.Owner,
		Baseline: b.Baseline, Test: b.Test, Alpha: t.Alpha, Queries: b.Queries, Scores: b.Scores, Results: b.Results,
		Decisions: t.Decisions, PerQuery: b.PerQuery, Notes: t.Notes}
}

// Bench holds a benchmark target's results.
type Bench struct {
	Baseline string
	Test     string
	Queries  int
	Scores   []*Score
	Results  []*BenchResult
	PerQuery []*QueryScore
}
