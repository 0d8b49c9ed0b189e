package rank

import (
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/internal/testref"
)

// These tests compare with trec_eval's own test collection and outputs in
// ../shared/reference/trec_eval (skipped when absent; the excerpts under
// testdata/offline keep the suite meaningful without it). Every value must
// equal trec_eval's, printed to 4 decimals.

// TestTrecEvalAll: qrels.test and results.test, every query (out.test.aq,
// trec_eval -q) and the means with num_q (out.test.a).
func TestTrecEvalAll(t *testing.T) {
	qrels := testref.Path(t, "trec_eval/qrels.test")
	run := testref.Path(t, "trec_eval/results.test")
	outA := readTrecOut(t, testref.Path(t, "trec_eval/out.test.a"))
	outAQ := readTrecOut(t, testref.Path(t, "trec_eval/out.test.aq"))
	db := openDB(t)
	metrics := trecMetrics(t)
	b := trecBenchmark(t, qrels, run, metrics)
	got := perQuery(t, db, b)
	if n := comparePerQuery(t, got, "STANDARD", metrics, outAQ); n != 3*len(metrics) {
		t.Errorf("compared %d per-query values, want %d", n, 3*len(metrics))
	}
	compareMeans(t, meansSQL(t, db, b), Means(got), "STANDARD", metrics, outA)
	compareMeans(t, meansSQL(t, db, b), Means(got), "STANDARD", metrics, outAQ)
}

// TestTrecEvalMissingZero: results.trunc (queries 301 and 303 only, with
// junk after the run tag) with MissingZero against trec_eval -c
// (out.test.aqc): query 302 scores 0 and num_q is 3. Without MissingZero,
// 302 is skipped: num_q 2, and the means are those of 301 and 303.
func TestTrecEvalMissingZero(t *testing.T) {
	qrels := testref.Path(t, "trec_eval/qrels.test")
	run := testref.Path(t, "trec_eval/results.trunc")
	outAQC := readTrecOut(t, testref.Path(t, "trec_eval/out.test.aqc"))
	db := openDB(t)
	metrics := trecMetrics(t)
	b := trecBenchmark(t, qrels, run, metrics)
	b.MissingZero = true
	got := perQuery(t, db, b)
	if n := comparePerQuery(t, got, "STANDARD", metrics, outAQC); n != 3*len(metrics) {
		t.Errorf("compared %d per-query values, want %d", n, 3*len(metrics))
	}
	compareMeans(t, meansSQL(t, db, b), Means(got), "STANDARD", metrics, outAQC)

	b.MissingZero = false
	got = perQuery(t, db, b)
	skipped := trecOut{"num_q": {"all": "2"}}
	for measure, byQuery := range outAQC {
		if _, ok := byQuery["302"]; !ok {
			continue
		}
		skipped[measure] = map[string]string{"301": byQuery["301"], "303": byQuery["303"]}
	}
	if n := comparePerQuery(t, got, "STANDARD", metrics, skipped); n != 2*len(metrics) {
		t.Errorf("compared %d per-query values, want %d", n, 2*len(metrics))
	}
	for _, m := range Means(got) {
		if m.Queries != 2 {
			t.Errorf("without MissingZero: %s over %d queries, want 2", m.Metric, m.Queries)
		}
	}
}

// TestTrecEvalGraded: the graded (0-3) collection with '#' inside every doc
// id and 301 run queries of which 31 are judged (out.comment.test, which
// prints map, recip_rank and P_k).
func TestTrecEvalGraded(t *testing.T) {
	qrels := testref.Path(t, "trec_eval/qrels.comment.test")
	run := testref.Path(t, "trec_eval/results.comment.test")
	out := readTrecOut(t, testref.Path(t, "trec_eval/out.comment.test"))
	db := openDB(t)
	names := []string{"map", "mrr"}
	for _, k := range trecCutoffs {
		names = append(names, "precision@"+strconv.Itoa(k))
	}
	metrics := refs(t, names...)
	b := trecBenchmark(t, qrels, run, metrics)
	got := perQuery(t, db, b)
	compareMeans(t, meansSQL(t, db, b), Means(got), "comment.test", metrics, out)
}

// TestTrecEvalGradedNDCG: qrels.rel_level grades documents -1 (unjudged in
// the pool) to 4. out.test.aql is trec_eval -l2 on it, which changes which
// documents are relevant but not nDCG's gains (the grades, m_ndcg.c and
// m_ndcg_cut.c), so ndcg and ndcg_cut_k must match at our level 1 too.
func TestTrecEvalGradedNDCG(t *testing.T) {
	qrels := testref.Path(t, "trec_eval/qrels.rel_level")
	run := testref.Path(t, "trec_eval/results.test")
	out := readTrecOut(t, testref.Path(t, "trec_eval/out.test.aql"))
	db := openDB(t)
	names := []string{"ndcg"}
	for _, k := range trecCutoffs {
		names = append(names, "ndcg@"+strconv.Itoa(k))
	}
	metrics := refs(t, names...)
	b := trecBenchmark(t, qrels, run, metrics)
	got := perQuery(t, db, b)
	if n := comparePerQuery(t, got, "STANDARD", metrics, out); n != 3*len(metrics) {
		t.Errorf("compared %d per-query values, want %d", n, 3*len(metrics))
	}
	compareMeans(t, meansSQL(t, db, b), Means(got), "STANDARD", metrics, out)
}
