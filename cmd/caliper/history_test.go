package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// figures are the numbers of a result as run --format json printed them
// (raw JSON tokens), keyed like history's points.
type figures map[string]string

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// runFigures reads a run's JSON: per target, the overall results in
// order, as figures (experiments: absolute effect, relative effect,
// p-values, significance, decision; benchmarks: delta and CI likewise).
func runFigures(t *testing.T, out string) map[string][]figures {
	t.Helper()
	var doc struct {
		Targets []map[string]json.RawMessage `json:"targets"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	all := map[string][]figures{}
	for _, tg := range doc.Targets {
		var name, kind string
		json.Unmarshal(tg["name"], &name)
		json.Unmarshal(tg["kind"], &kind)
		var decisions []struct{ Variant, Outcome string }
		json.Unmarshal(tg["decisions"], &decisions)
		outcome := map[string]string{}
		for _, d := range decisions {
			outcome[d.Variant] = d.Outcome
		}
		var results []map[string]json.RawMessage
		if err := json.Unmarshal(tg["results"], &results); err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if seg, ok := r["segment"]; ok && string(seg) != "null" {
				continue
			}
			if split, ok := r["split"]; ok && string(split) != "null" {
				continue
			}
			fig := figures{"p_value": compact(t, r["p_value"]), "significant": compact(t, r["significant"]),
				"p_value_adjusted": "", "relative": compact(t, r["relative"])}
			if raw, ok := r["p_value_adjusted"]; ok {
				fig["p_value_adjusted"] = compact(t, raw)
			}
			var metric, variant string
			json.Unmarshal(r["metric"], &metric)
			if kind == "benchmark" {
				json.Unmarshal(r["model"], &variant)
				for _, k := range []string{"ci_lower", "ci_upper", "std_error"} {
					fig[k] = compact(t, r[k])
				}
				fig["estimate"] = compact(t, r["delta"])
			} else {
				json.Unmarshal(r["variant"], &variant)
				var abs map[string]json.RawMessage
				json.Unmarshal(r["absolute"], &abs)
				for _, k := range []string{"estimate", "ci_lower", "ci_upper", "std_error"} {
					fig[k] = "null"
					if abs != nil {
						fig[k] = compact(t, abs[k])
					}
				}
			}
			fig["metric"], fig["variant"], fig["decision"] = metric, variant, outcome[variant]
			all[name] = append(all[name], fig)
		}
	}
	return all
}

// historyFigures reads history --format json: per run, the points as
// figures.
func historyFigures(t *testing.T, out string) [][]figures {
	t.Helper()
	var doc struct {
		Runs   int                          `json:"runs"`
		Points []map[string]json.RawMessage `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var runs [][]figures
	last := ""
	for _, p := range doc.Points {
		id := compact(t, p["run_id"])
		if id != last {
			runs = append(runs, nil)
			last = id
		}
		fig := figures{"p_value_adjusted": ""}
		for _, k := range []string{"estimate", "ci_lower", "ci_upper", "std_error", "relative", "p_value", "p_value_adjusted", "significant"} {
			if raw, ok := p[k]; ok {
				fig[k] = compact(t, raw)
			}
		}
		var metric, variant, decision string
		json.Unmarshal(p["metric"], &metric)
		json.Unmarshal(p["variant"], &variant)
		json.Unmarshal(p["decision"], &decision)
		fig["metric"], fig["variant"], fig["decision"] = metric, variant, decision
		runs[len(runs)-1] = append(runs[len(runs)-1], fig)
	}
	if len(runs) != doc.Runs {
		t.Errorf("history says %d runs, points have %d", doc.Runs, len(runs))
	}
	return runs
}

// TestStoreHistory runs the examples twice with --store and checks that
// history prints, for every target, metric and variant, exactly the
// figures each run printed.
func TestStoreHistory(t *testing.T) {
	testenv.SkipShort(t, "runs and stores the three examples")
	db := filepath.Join(t.TempDir(), "results.duckdb")
	compared := map[string]int{}
	lastOut := map[string]string{}
	// The holdout example adds split and timeline rows, which are stored
	// but left out of history.
	for _, c := range []struct {
		ex   string
		runs int
	}{{"../../examples/homefeed", 2}, {"../../examples/offline", 2}, {"../../examples/holdout", 1}} {
		ex := c.ex
		var runs []map[string][]figures
		for i := 0; i < c.runs; i++ {
			code, out, errs := run("run", ex, "--format", "json", "--store", db)
			if code != 0 || !strings.Contains(errs, "stored run ") {
				t.Fatalf("run %s: exit %d\n%s", ex, code, errs)
			}
			runs = append(runs, runFigures(t, out))
			lastOut[ex] = out
		}
		for target := range runs[0] {
			code, out, errs := run("history", ex, "--target", target, "--store", db, "--format", "json")
			if code != 0 {
				t.Fatalf("history %s: exit %d\n%s", target, code, errs)
			}
			got := historyFigures(t, out)
			if len(got) != c.runs {
				t.Fatalf("history %s: %d runs", target, len(got))
			}
			for i := range got {
				want := runs[i][target]
				if len(got[i]) != len(want) {
					t.Fatalf("history %s run %d: %d points, want %d", target, i, len(got[i]), len(want))
				}
				for j := range want {
					for k, v := range want[j] {
						compared[k]++
						if got[i][j][k] != v {
							t.Errorf("history %s run %d %s/%s: %s = %s, run printed %s", target, i, want[j]["metric"], want[j]["variant"], k, got[i][j][k], v)
						}
					}
				}
			}
			if !strings.Contains(out, `"current_spec": true`) {
				t.Errorf("history %s: runs not marked as made with the current spec", target)
			}
		}
	}

	// Timeline and split rows are in the store, with their periods.
	var doc struct {
		Targets []struct {
			Name     string            `json:"name"`
			Results  []json.RawMessage `json:"results"`
			Timeline []json.RawMessage `json:"timeline"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(lastOut["../../examples/holdout"]), &doc); err != nil || len(doc.Targets) == 0 || len(doc.Targets[0].Timeline) == 0 {
		t.Fatalf("holdout has no timeline (%v)", err)
	}
	st, err := duckstore.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.History(context.Background(), store.Query{Target: doc.Targets[0].Name})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	periods := 0
	for _, e := range entries {
		if e.Row.Period != nil && e.Row.Timeline != "" && e.Row.PeriodStart != "" {
			periods++
		}
	}
	if periods != len(doc.Targets[0].Timeline) || len(entries) != periods+len(doc.Targets[0].Results) {
		t.Errorf("stored %d rows, %d of them timeline; the run had %d results and %d timeline rows",
			len(entries), periods, len(doc.Targets[0].Results), len(doc.Targets[0].Timeline))
	}

	if compared["estimate"] < 40 || compared["p_value_adjusted"] != compared["estimate"] {
		t.Errorf("compared only %v", compared)
	}
	t.Logf("figures compared: %v", compared)

	code, out, errs := run("history", "../../examples/homefeed", "--target", "hf_ranker_v2", "--store", db, "--metric", "save_rate")
	if code != 0 || !strings.Contains(out, "history of experiment hf_ranker_v2: 2 run(s)") ||
		strings.Count(out, "save_rate") != 2 || strings.Contains(out, "saves_per_user") || !strings.Contains(out, "inconclusive") {
		t.Errorf("history table: exit %d\n%s%s", code, out, errs)
	}
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"history", "../../examples/homefeed", "--target", "nope", "--store", db}, "no stored results for target nope"},
		{[]string{"history", "../../examples/homefeed", "--target", "hf_ranker_v2", "--store", db, "--metric", "nope"}, "no stored results for metric nope"},
		{[]string{"history", "../../examples/homefeed", "--target", "hf_ranker_v2", "--store", db + ".missing"}, "no results store at"},
		{[]string{"history", "../../examples/homefeed", "--target", "hf_ranker_v2"}, `required flag(s) "store" not set`},
		{[]string{"history", "../../examples/homefeed", "--target", "hf_ranker_v2", "--store", db, "--format", "csv"}, "unknown format"},
	}
	for _, c := range cases {
		code, _, errs := run(c.args...)
		if code != exitUsage || !strings.Contains(errs, c.err) {
			t.Errorf("caliper %s: exit %d\n%s", strings.Join(c.args, " "), code, errs)
		}
	}
}
