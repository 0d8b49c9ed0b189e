package stdlib

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/dialect"
)

func TestOfflineCatalog(t *testing.T) {
	all := OfflineMetrics()
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
		t.Error("OfflineMetrics is not sorted by name")
	}
	want := "hit_rate map mrr ndcg precision recall"
	var names []string
	for _, m := range all {
		names = append(names, m.Name)
		if got, ok := LookupOffline(m.Name); !ok || got != m {
			t.Errorf("LookupOffline(%q) = %v, %v", m.Name, got, ok)
		}
		if m.Doc == "" || m.RunAggregate == "" || m.Value == "" {
			t.Errorf("%s: incomplete entry", m.Name)
		}
		if m.Cutoff != OfflineCutoffRequired && m.TrecEval == "" {
			t.Errorf("%s: usable without a cutoff but has no trec_eval name", m.Name)
		}
		if m.Cutoff != OfflineCutoffForbidden && m.TrecEvalCut == "" {
			t.Errorf("%s: usable with a cutoff but has no trec_eval cutoff name", m.Name)
		}
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("catalog = %s, want %s", got, want)
	}
	all[0] = nil
	if OfflineMetrics()[0] == nil {
		t.Error("OfflineMetrics returned the catalog itself")
	}
	if _, ok := LookupOffline("ndcg@10"); ok {
		t.Error("LookupOffline accepted a name with a cutoff")
	}
}

func TestParseOffline(t *testing.T) {
	good := []struct {
		in, canonical, trec string
		k                   int
	}{
		{"ndcg", "ndcg", "ndcg", 0},
		{"ndcg@10", "ndcg@10", "ndcg_cut_10", 10},
		{"map", "map", "map", 0},
		{"map@100", "map@100", "map_cut_100", 100},
		{"mrr", "mrr", "recip_rank", 0},
		{"precision@5", "precision@5", "P_5", 5},
		{"recall@1000", "recall@1000", "recall_1000", 1000},
		{"hit_rate@1", "hit_rate@1", "success_1", 1},
		{"ndcg@010", "ndcg@10", "ndcg_cut_10", 10},
	}
	for _, c := range good {
		r, err := ParseOffline(c.in)
		if err != nil {
			t.Errorf("ParseOffline(%q): %v", c.in, err)
			continue
		}
		if r.String() != c.canonical || r.K != c.k || r.TrecEvalName() != c.trec {
			t.Errorf("ParseOffline(%q) = %s k=%d trec=%s, want %s k=%d trec=%s",
				c.in, r, r.K, r.TrecEvalName(), c.canonical, c.k, c.trec)
		}
	}

	bad := []struct{ in, problem, hint string }{
		{"ndgc@10", "unknown offline metric `ndgc`", "did you mean `ndcg@10`?"},
		{"recal@5", "unknown offline metric `recal`", "did you mean `recall@5`?"},
		{"P@10", "unknown offline metric `P`", "did you mean `precision@10`?"},
		{"success@5", "unknown offline metric `success`", "did you mean `hit_rate@5`?"},
		{"recip_rank", "unknown offline metric `recip_rank`", "did you mean `mrr`?"},
		{"NDCG@10", "unknown offline metric `NDCG`", "did you mean `ndcg@10`?"},
		{"auc", "unknown offline metric `auc`", "offline metrics are `hit_rate`, `map`"},
		{"@10", "missing metric name in `@10`", ""},
		{"precision", "offline metric `precision` needs a cutoff", "write `precision@k`, e.g. `precision@10`"},
		{"hit_rate", "needs a cutoff", ""},
		{"mrr@10", "offline metric `mrr` takes no cutoff", "write `mrr`"},
		{"ndcg@", "the cutoff is missing after `@`", "positive whole number"},
		{"ndcg@0", "the cutoff must be positive, not 0", ""},
		{"ndcg@-3", "the cutoff must be positive, not -3", ""},
		{"ndcg@1.5", `"1.5" is not a whole number`, ""},
		{"ndcg@+5", `"+5" is not a whole number`, ""},
		{"ndcg@ 5", `" 5" is not a whole number`, ""},
		{"ndcg@10@2", `"10@2" is not a whole number`, ""},
		{"ndcg@99999999999999999999", "is too large", ""},
		{"ndcg@1000000001", "is too large", ""},
	}
	for _, c := range bad {
		_, err := ParseOffline(c.in)
		var ne *OfflineNameError
		if !errors.As(err, &ne) {
			t.Errorf("ParseOffline(%q): err = %v, want an *OfflineNameError", c.in, err)
			continue
		}
		if ne.Name != c.in || !strings.Contains(ne.Problem, c.problem) || !strings.Contains(ne.Hint, c.hint) {
			t.Errorf("ParseOffline(%q) = {%q, %q}, want problem ~ %q, hint ~ %q", c.in, ne.Problem, ne.Hint, c.problem, c.hint)
		}
		if !strings.Contains(err.Error(), ne.Problem) {
			t.Errorf("Error() = %q lacks the problem", err.Error())
		}
	}
}

func TestOfflineLower(t *testing.T) {
	d := dialect.DuckDB
	for _, m := range OfflineMetrics() {
		var ks []int
		if m.Cutoff != OfflineCutoffRequired {
			ks = append(ks, 0)
		}
		if m.Cutoff != OfflineCutoffForbidden {
			ks = append(ks, 7)
		}
		for _, k := range ks {
			r := OfflineRef{Metric: m, K: k}
			l, err := r.Lower(d)
			if err != nil {
				t.Errorf("%s: %v", r, err)
				continue
			}
			v := l.ValueOf(`"R"`, `"I"`, `"N"`)
			for _, s := range []string{l.RunAggregate, l.IdealAggregate, v} {
				if strings.ContainsAny(s, "{}") {
					t.Errorf("%s: placeholder left in %q", r, s)
				}
			}
			if k > 0 && !strings.Contains(l.RunAggregate+v, "7") {
				t.Errorf("%s: cutoff missing from %q / %q", r, l.RunAggregate, v)
			}
			if (l.IdealAggregate != "") != strings.Contains(v, `"I"`) {
				t.Errorf("%s: ideal aggregate %q but value %q", r, l.IdealAggregate, v)
			}
			if !strings.Contains(v, `"R"`) {
				t.Errorf("%s: value %q ignores the run aggregate", r, v)
			}
		}
	}
	ndcg, _ := LookupOffline("ndcg")
	l, _ := OfflineRef{Metric: ndcg, K: 10}.Lower(d)
	if want := `sum(CASE WHEN "rank" <= 10 THEN "gain" / log2("rank" + 1) ELSE 0 END)`; l.RunAggregate != want {
		t.Errorf("ndcg@10 run aggregate = %s, want %s", l.RunAggregate, want)
	}
	// PostgreSQL has no log2 for double precision, and spells DOUBLE its
	// own way.
	mapRef, _ := ParseOffline("map@5")
	for ref, want := range map[OfflineRef]string{
		{Metric: ndcg, K: 10}: `sum(CASE WHEN "rank" <= 10 THEN "gain" / (ln("rank" + 1) / ln(2)) ELSE 0 END)`,
		mapRef:                `sum(CASE WHEN "relevant" AND "rank" <= 5 THEN CAST("rel_so_far" AS DOUBLE PRECISION) / "rank" ELSE 0 END)`,
	} {
		if l, err := ref.Lower(dialect.Postgres); err != nil || l.RunAggregate != want {
			t.Errorf("%s for PostgreSQL = %s, %v; want %s", ref, l.RunAggregate, err, want)
		}
	}
	if _, err := (OfflineRef{Metric: ndcg}).Lower(dialect.Spark); err == nil || !strings.Contains(err.Error(), "Spark SQL") {
		t.Errorf("Lower for Spark: want an error naming it, got %v", err)
	}
	if _, err := (OfflineRef{}).Lower(d); err == nil {
		t.Error("Lower of an empty ref succeeded")
	}
	mrr, _ := LookupOffline("mrr")
	if _, err := (OfflineRef{Metric: mrr, K: 5}).Lower(d); err == nil {
		t.Error("Lower of mrr@5 succeeded")
	}
	p, _ := LookupOffline("precision")
	if _, err := (OfflineRef{Metric: p}).Lower(d); err == nil {
		t.Error("Lower of precision without a cutoff succeeded")
	}
	if _, err := (OfflineRef{Metric: p, K: -1}).Lower(d); err == nil {
		t.Error("Lower of precision@-1 succeeded")
	}
	if (OfflineRef{}).String() != "" || (OfflineRef{}).TrecEvalName() != "" {
		t.Error("empty ref has a name")
	}
	m, _ := LookupOffline("map")
	if !m.UsesRelSoFar() || ndcg.UsesRelSoFar() {
		t.Error("UsesRelSoFar is wrong")
	}
}

func TestOfflineClosest(t *testing.T) {
	for typo, want := range map[string]string{"ndgc": "ndcg", "recal": "recall", "mrrr": "mrr", "precison": "precision"} {
		if got := offlineClosest(typo); got != want {
			t.Errorf("offlineClosest(%q) = %q, want %q", typo, got, want)
		}
	}
	if got := offlineClosest("zzzzzz"); got != "" {
		t.Errorf("offlineClosest(zzzzzz) = %q, want none", got)
	}
	if got := OfflineCutoffAllowed.String() + OfflineCutoffRequired.String() + OfflineCutoffForbidden.String(); got != "optionalrequiredforbidden" {
		t.Errorf("OfflineCutoff strings = %s", got)
	}
}
