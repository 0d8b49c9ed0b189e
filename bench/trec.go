package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// TrecData makes (once) an offline benchmark of queries queries with docs
// retrieved documents each, for two models, as TREC files under dir:
// data/qrels.txt (every retrieved document of the first model judged,
// relevance 0-3, a third of them relevant, plus a few relevant documents
// no model retrieves), data/run_a.txt and data/run_b.txt (tags model_a and
// model_b; b ranks relevant documents a little higher), and dir/bench.cal
// reading both runs with trec_run (dir is the spec folder). trec_eval reads the same
// files, once per run. Values come from a fixed seed, so the files are
// the same at every run. It reports whether it wrote the files.
func TrecData(dir string, queries, docs int) (bool, error) {
	data := filepath.Join(dir, "data")
	made := false
	if _, err := os.Stat(filepath.Join(data, "run_b.txt")); err != nil {
		if err := os.MkdirAll(data, 0o755); err != nil {
			return false, err
		}
		if err := writeTrec(data, queries, docs); err != nil {
			return false, err
		}
		made = true
	}
	return made, os.WriteFile(filepath.Join(dir, "bench.cal"), []byte(TrecSpec), 0o644)
}

// TrecSpec is the offline benchmark spec of TrecData, with the six metrics
// compared with trec_eval (TrecEvalMeasures).
const TrecSpec = `source qrels { from trec_qrels("data/qrels.txt") columns { query_id string  doc_id string  relevance int } }
source runs { from trec_run("data/run_*.txt") columns { query_id string  doc_id string  score float  model string } }
benchmark trec_scale {
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
`

// TrecEvalMeasures are trec_eval's arguments for TrecSpec's metrics.
var TrecEvalMeasures = []string{"-m", "ndcg", "-m", "ndcg_cut.10", "-m", "map", "-m", "recip_rank", "-m", "P.10", "-m", "recall.100"}

func writeTrec(data string, queries, docs int) (err error) {
	rng := rand.New(rand.NewPCG(2026, 12))
	files := map[string]*bufio.Writer{}
	for _, name := range []string{"qrels.txt", "run_a.txt", "run_b.txt"} {
		f, err := os.Create(filepath.Join(data, name))
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w := bufio.NewWriterSize(f, 1<<20)
		defer func() {
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
		}()
		files[name] = w
	}
	qrels, runs := files["qrels.txt"], []*bufio.Writer{files["run_a.txt"], files["run_b.txt"]}
	rel := make([]int, docs)
	for q := 1; q <= queries; q++ {
		for d := range rel {
			rel[d] = 0
			if rng.IntN(3) == 0 {
				rel[d] = 1 + rng.IntN(3)
			}
			fmt.Fprintf(qrels, "q%d 0 d%d %d\n", q, d, rel[d])
		}
		for k := rng.IntN(3); k > 0; k-- { // relevant but never retrieved
			fmt.Fprintf(qrels, "q%d 0 x%d %d\n", q, k, 1+rng.IntN(3))
		}
		for m, w := range runs {
			tag := []string{"model_a", "model_b"}[m]
			for d := range rel {
				score := float64(rel[d])*(1+0.3*float64(m)) + 2*rng.NormFloat64()
				fmt.Fprintf(w, "q%d Q0 d%d %d %.6f %s\n", q, d, d+1, score, tag)
			}
		}
	}
	return nil
}
