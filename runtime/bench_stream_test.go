package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// A benchmark's per-query values are streamed past the cap on result
// rows: a million queries with two models and six metrics is 12 million
// rows. Here the cap is lowered to 50 and the benchmark makes 240.
func TestBenchmarkStreamsPastTheRowCap(t *testing.T) {
	old := engine.MaxResultRows
	engine.MaxResultRows = 50
	t.Cleanup(func() { engine.MaxResultRows = old })
	dir := t.TempDir()
	var qrels, runs strings.Builder
	for q := 1; q <= 20; q++ {
		for d := 1; d <= 3; d++ {
			fmt.Fprintf(&qrels, "q%d 0 d%d %d\n", q, d, (q+d)%2)
			for _, m := range []string{"a", "b"} {
				score := float64(d)
				if m == "b" && q%3 == 0 {
					score = float64(4 - d)
				}
				fmt.Fprintf(&runs, "q%d Q0 d%d %d %g model_%s\n", q, d, d, score, m)
			}
		}
	}
	files := map[string]string{
		"qrels.txt": qrels.String(),
		"runs.txt":  runs.String(),
		"bench.cal": `source qrels { from trec_qrels("qrels.txt") columns { query_id string  doc_id string  relevance int } }
source runs { from trec_run("runs.txt") columns { query_id string  doc_id string  score float  model string } }
benchmark stream {
  judgments qrels
  runs      runs
  query     query_id
  item      doc_id
  relevance relevance
  score     score
  model     model
  baseline  "model_a"
  metrics   ndcg, ndcg@10, map, mrr, precision@10, recall@100
}
`}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := runspec.Report(t, dir)
	b := rep.Targets[0].Bench
	if b.Queries != 20 || len(b.Scores) != 12 || len(b.Results) != 6 {
		t.Fatalf("want 20 queries, 12 means and 6 comparisons; got %d, %d, %d", b.Queries, len(b.Scores), len(b.Results))
	}
	// The same rows through Query meet the cap.
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	_, err = eng.Query(context.Background(), "SELECT * FROM range(51)")
	var rows *engine.RowsError
	if !errors.As(err, &rows) {
		t.Fatalf("Query under a cap of 50 returned 51 rows: %v", err)
	}
}
