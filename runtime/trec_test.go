package runtime_test

import (
	"bufio"
	"fmt"
	"github.com/caliper-dev/caliper/internal/confine"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/internal/testref"
)

// trecAll reads the "all" lines of a trec_eval output file.
func trecAll(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[1] == "all" {
			out[fields[0]] = fields[2]
		}
	}
	return out
}

// A benchmark spec reading trec_eval's own test collection through
// trec_qrels/trec_run reproduces trec_eval's means to its 4 printed
// decimals, with and without missing_queries zero (trec_eval -c).
func TestBenchmarkMatchesTrecEval(t *testing.T) {
	qrels := testref.Path(t, "trec_eval/qrels.test")
	// The reference collection is outside the spec's tree: grant it.
	t.Setenv(confine.EnvDataRoot, filepath.Dir(qrels))
	cases := []struct{ run, out, missing string }{
		{"results.test", "out.test.a", "skip"},
		{"results.trunc", "out.test.aqc", "zero"},
	}
	metrics := map[string]string{"ndcg": "ndcg", "ndcg@10": "ndcg_cut_10", "map": "map", "mrr": "recip_rank",
		"precision@10": "P_10", "recall@100": "recall_100", "hit_rate@10": "success_10"}
	for _, c := range cases {
		run := testref.Path(t, "trec_eval/"+c.run)
		want := trecAll(t, testref.Path(t, "trec_eval/"+c.out))
		dir := t.TempDir()
		spec := fmt.Sprintf(`
source qrels { from trec_qrels(%q) columns { query_id string  doc_id string  relevance int } }
source runs { from trec_run(%q) columns { query_id string  doc_id string  score float  model string } }
benchmark trec {
  judgments qrels
  runs runs
  query query_id
  item doc_id
  relevance relevance
  score score
  model model
  baseline "STANDARD"
  metrics ndcg, ndcg@10, map, mrr, precision@10, recall@100, hit_rate@10
  missing_queries %s
}`, qrels, run, c.missing)
		if err := os.WriteFile(filepath.Join(dir, "trec.cal"), []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		rep := runspec.Report(t, dir)
		b := rep.Targets[0].Bench
		if fmt.Sprint(b.Queries) != want["num_q"] {
			t.Errorf("%s: %d queries, trec_eval num_q %s", c.out, b.Queries, want["num_q"])
		}
		seen := 0
		for _, s := range b.Scores {
			w, ok := want[metrics[s.Metric]]
			if !ok {
				continue
			}
			seen++
			if got := fmt.Sprintf("%.4f", float64(s.Value)); got != w {
				t.Errorf("%s %s (%s) = %s, trec_eval %s", c.out, s.Metric, metrics[s.Metric], got, w)
			}
		}
		if seen < 4 {
			t.Errorf("%s: only %d metrics compared", c.out, seen)
		}
	}
}
