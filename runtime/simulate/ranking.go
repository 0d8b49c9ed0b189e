package simulate

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/caliper-dev/caliper/internal/errs"
)

// RankingConfig is an offline-evaluation data set: queries with graded
// judgments and every model's scored candidates.
//
// Each query has Docs candidate documents; a document's true relevance is
// 0-3 (mostly 0), and Judged of them are judged. A model scores a document
// relevance·Quality + N(0, 1) noise and returns its Depth best, so a higher
// Quality ranks relevant documents higher: the planted ordering of models
// is their Quality.
type RankingConfig struct {
	Seed    uint64
	Queries int
	Docs    int
	Judged  int
	Depth   int
	Models  []string
	Quality []float64
}

// DefaultRanking is the offline example's configuration: prod_v1 is the
// baseline, ranker_v2 is better, ranker_v2_lite slightly worse.
func DefaultRanking() RankingConfig {
	return RankingConfig{Seed: 4, Queries: 300, Docs: 150, Judged: 150, Depth: 60,
		Models: []string{"prod_v1", "ranker_v2", "ranker_v2_lite"}, Quality: []float64{1.0, 2.0, 0.9}}
}

// WriteRanking writes qrels.csv (query_id, doc_id, relevance) and
// runs.csv (model, query_id, doc_id, score) into dir.
func WriteRanking(dir string, cfg RankingConfig) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	qf, err := os.Create(filepath.Join(dir, "qrels.csv"))
	if err != nil {
		return err
	}
	defer errs.Close(qf, &err)
	rf, err := os.Create(filepath.Join(dir, "runs.csv"))
	if err != nil {
		return err
	}
	defer errs.Close(rf, &err)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x51ed27))
	q, r := bufio.NewWriter(qf), bufio.NewWriter(rf)
	q.WriteString("query_id,doc_id,relevance\n")
	r.WriteString("model,query_id,doc_id,score\n")
	for i := 0; i < cfg.Queries; i++ {
		qid := fmt.Sprintf("q%04d", i)
		rel := make([]int, cfg.Docs)
		for d := range rel {
			switch u := rng.Float64(); {
			case u < 0.70:
			case u < 0.85:
				rel[d] = 1
			case u < 0.95:
				rel[d] = 2
			default:
				rel[d] = 3
			}
		}
		for d := 0; d < cfg.Judged && d < cfg.Docs; d++ {
			fmt.Fprintf(q, "%s,d%03d,%d\n", qid, d, rel[d])
		}
		for m, model := range cfg.Models {
			scores := make([]float64, len(rel))
			for d := range rel {
				scores[d] = math.Round((float64(rel[d])*cfg.Quality[m]+rng.NormFloat64())*1e4) / 1e4
			}
			order := make([]int, len(rel))
			for d := range order {
				order[d] = d
			}
			sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
			for _, d := range order[:min(cfg.Depth, len(order))] {
				fmt.Fprintf(r, "%s,%s,d%03d,%.4f\n", model, qid, d, scores[d])
			}
		}
	}
	if err := q.Flush(); err != nil {
		return err
	}
	return r.Flush()
}
