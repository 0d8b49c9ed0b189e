package rank

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/stdlib"
)

// testdata is the repository's shared testdata folder for offline metrics.
const testdata = "../../testdata/offline"

// openDB opens an in-memory DuckDB closed with the test.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// refs parses metric names, failing the test on a bad one.
func refs(t testing.TB, names ...string) []stdlib.OfflineRef {
	t.Helper()
	out := make([]stdlib.OfflineRef, len(names))
	for i, n := range names {
		r, err := stdlib.ParseOffline(n)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = r
	}
	return out
}

// trecBenchmark evaluates the TREC run file(s) at run against the qrels.
func trecBenchmark(t testing.TB, qrels, run string, metrics []stdlib.OfflineRef) *Benchmark {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return &Benchmark{
		Name:      "test",
		Judgments: stdlib.TrecQrelsSQL(dialect.DuckDB, abs(qrels)),
		Runs:      stdlib.TrecRunSQL(dialect.DuckDB, abs(run)),
		Query:     "query_id", Item: "doc_id", Relevance: "relevance", Score: "score", Model: "model",
		Metrics: metrics,
	}
}

// perQuery runs PerQuerySQL.
func perQuery(t testing.TB, db *sql.DB, b *Benchmark) []QueryValue {
	t.Helper()
	q, err := PerQuerySQL(b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("per-query SQL: %v\n%s", err, q)
	}
	defer rows.Close()
	var out []QueryValue
	for rows.Next() {
		var v QueryValue
		if err := rows.Scan(&v.Model, &v.Query, &v.Metric, &v.Value); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// meansSQL runs MeanSQL.
func meansSQL(t testing.TB, db *sql.DB, b *Benchmark) []MetricMean {
	t.Helper()
	q, err := MeanSQL(b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("mean SQL: %v\n%s", err, q)
	}
	defer rows.Close()
	var out []MetricMean
	for rows.Next() {
		var m MetricMean
		if err := rows.Scan(&m.Model, &m.Metric, &m.Queries, &m.Value); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// queryError runs PerQuerySQL and returns its error (nil if it ran).
func queryError(t testing.TB, db *sql.DB, b *Benchmark) error {
	t.Helper()
	q, err := PerQuerySQL(b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// trecOut is trec_eval output: measure -> query (or "all") -> printed value.
type trecOut map[string]map[string]string

// readTrecOut parses trec_eval's relational output (measure, query, value).
func readTrecOut(t testing.TB, path string) trecOut {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := trecOut{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		if out[fields[0]] == nil {
			out[fields[0]] = map[string]string{}
		}
		out[fields[0]][fields[1]] = fields[2]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// index arranges per-query values as model -> query -> metric -> value.
func index(values []QueryValue) map[string]map[string]map[string]float64 {
	out := map[string]map[string]map[string]float64{}
	for _, v := range values {
		if out[v.Model] == nil {
			out[v.Model] = map[string]map[string]float64{}
		}
		if out[v.Model][v.Query] == nil {
			out[v.Model][v.Query] = map[string]float64{}
		}
		out[v.Model][v.Query][v.Metric] = v.Value
	}
	return out
}

// comparePerQuery checks every metric of model on every query of want
// (except "all") at trec_eval's printed precision, and that the queries
// scored are exactly want's. It returns the number of values compared.
func comparePerQuery(t *testing.T, got []QueryValue, model string, metrics []stdlib.OfflineRef, want trecOut) int {
	t.Helper()
	idx := index(got)[model]
	wantQueries := map[string]bool{}
	for _, m := range metrics {
		for q := range want[m.TrecEvalName()] {
			if q != "all" {
				wantQueries[q] = true
			}
		}
	}
	if len(idx) != len(wantQueries) {
		t.Errorf("model %s: scored %d queries %v, trec_eval %d %v", model, len(idx), sortedKeys(idx), len(wantQueries), sortedKeys(wantQueries))
	}
	n := 0
	for _, m := range metrics {
		name := m.TrecEvalName()
		if want[name] == nil {
			t.Fatalf("trec_eval output has no measure %s", name)
		}
		for q, w := range want[name] {
			if q == "all" {
				continue
			}
			v, ok := idx[q][m.String()]
			if !ok {
				t.Errorf("%s %s: no value for query %s", model, m, q)
				continue
			}
			if g := fmt.Sprintf("%.4f", v); g != w {
				t.Errorf("%s query %s %s (trec_eval %s) = %s (%.10g), trec_eval %s", model, q, m, name, g, v, w)
			}
			n++
		}
	}
	return n
}

// compareMeans checks the means of model against trec_eval's "all" lines,
// including num_q; it checks both MeanSQL's rows and Means.
func compareMeans(t *testing.T, sqlMeans, goMeans []MetricMean, model string, metrics []stdlib.OfflineRef, want trecOut) {
	t.Helper()
	for _, src := range []struct {
		what  string
		means []MetricMean
	}{{"MeanSQL", sqlMeans}, {"Means", goMeans}} {
		byMetric := map[string]MetricMean{}
		for _, m := range src.means {
			if m.Model == model {
				byMetric[m.Metric] = m
			}
		}
		numQ, err := strconv.Atoi(want["num_q"]["all"])
		if err != nil {
			t.Fatalf("trec_eval output without num_q: %v", err)
		}
		for _, m := range metrics {
			got, ok := byMetric[m.String()]
			if !ok {
				t.Errorf("%s: no mean for %s %s", src.what, model, m)
				continue
			}
			if got.Queries != numQ {
				t.Errorf("%s: %s %s averaged over %d queries, trec_eval num_q %d", src.what, model, m, got.Queries, numQ)
			}
			w := want[m.TrecEvalName()]["all"]
			if g := fmt.Sprintf("%.4f", got.Value); g != w {
				t.Errorf("%s: %s mean %s (trec_eval %s) = %s (%.10g), trec_eval %s", src.what, model, m, m.TrecEvalName(), g, got.Value, w)
			}
		}
	}
}

// sortedKeys lists a map's keys in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// expected reads a hand-made expectation file: model, query, metric, value
// per line, '#' comments.
func expected(t *testing.T, path string) []QueryValue {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []QueryValue
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		v, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, QueryValue{Model: f[0], Query: f[1], Metric: f[2], Value: v})
	}
	return out
}

// metricsOf lists the distinct metrics of values in first-seen order.
func metricsOf(t *testing.T, values []QueryValue) []stdlib.OfflineRef {
	t.Helper()
	var names []string
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v.Metric] {
			seen[v.Metric] = true
			names = append(names, v.Metric)
		}
	}
	return refs(t, names...)
}

// sameValues fails unless got holds exactly want's rows (to 1e-12).
func sameValues(t *testing.T, got, want []QueryValue) {
	t.Helper()
	g := index(got)
	n := 0
	for _, w := range want {
		v, ok := g[w.Model][w.Query][w.Metric]
		if !ok {
			t.Errorf("no value for %s %s %s", w.Model, w.Query, w.Metric)
			continue
		}
		n++
		if math.Abs(v-w.Value) > 1e-12 {
			t.Errorf("%s %s %s = %.17g, want %.17g", w.Model, w.Query, w.Metric, v, w.Value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
}

// The standard cutoffs trec_eval prints with -a (out.test.a).
var (
	trecCutoffs   = []int{5, 10, 15, 20, 30, 100, 200, 500, 1000}
	successCutoff = []int{1, 5, 10}
)

// trecMetrics is every metric at every cutoff trec_eval prints.
func trecMetrics(t testing.TB) []stdlib.OfflineRef {
	names := []string{"ndcg", "map", "mrr"}
	for _, k := range trecCutoffs {
		for _, m := range []string{"ndcg", "map", "precision", "recall"} {
			names = append(names, m+"@"+strconv.Itoa(k))
		}
	}
	for _, k := range successCutoff {
		names = append(names, "hit_rate@"+strconv.Itoa(k))
	}
	return refs(t, names...)
}

// TestHandMade checks hand-derived values (testdata/offline/hand) with
// graded and negative judgments, unjudged documents, a judged query without
// relevant documents, an unjudged run query and models with different
// query sets, in both query-set modes.
func TestHandMade(t *testing.T) {
	db := openDB(t)
	want := expected(t, filepath.Join(testdata, "hand/hand.expected"))
	metrics := metricsOf(t, want)
	b := trecBenchmark(t, filepath.Join(testdata, "hand/hand.qrels"), filepath.Join(testdata, "hand/hand.run"), metrics)

	got := perQuery(t, db, b)
	sameValues(t, got, want)
	for _, m := range Means(got) {
		wantQ := map[string]int{"m1": 2, "m2": 1}[m.Model]
		if m.Queries != wantQ {
			t.Errorf("default: %s %s over %d queries, want %d", m.Model, m.Metric, m.Queries, wantQ)
		}
	}

	// MissingZero: every model on h1, h2, h3; the missing ones score 0,
	// including m3, which answered no judged query.
	b.MissingZero = true
	got = perQuery(t, db, b)
	var wantZ []QueryValue
	for _, model := range []string{"m1", "m2", "m3"} {
		for _, q := range []string{"h1", "h2", "h3"} {
			for _, m := range metrics {
				wantZ = append(wantZ, QueryValue{Model: model, Query: q, Metric: m.String()})
			}
		}
	}
	for i := range wantZ {
		for _, w := range want {
			if w.Model == wantZ[i].Model && w.Query == wantZ[i].Query && w.Metric == wantZ[i].Metric {
				wantZ[i].Value = w.Value
			}
		}
	}
	sameValues(t, got, wantZ)
	means := meansSQL(t, db, b)
	if len(means) != 3*len(metrics) {
		t.Fatalf("MissingZero: %d means, want %d", len(means), 3*len(metrics))
	}
	for _, m := range means {
		if m.Queries != 3 {
			t.Errorf("MissingZero: %s %s over %d queries, want 3", m.Model, m.Metric, m.Queries)
		}
	}
}

// TestTieOrder checks trec_eval's tie break (score descending, then doc id
// descending in byte order, the rank field ignored) on cases where every
// other order puts the relevant document elsewhere.
func TestTieOrder(t *testing.T) {
	db := openDB(t)
	want := expected(t, filepath.Join(testdata, "hand/ties.expected"))
	b := trecBenchmark(t, filepath.Join(testdata, "hand/ties.qrels"), filepath.Join(testdata, "hand/ties.run"), metricsOf(t, want))
	sameValues(t, perQuery(t, db, b), want)
}

// TestTieOrderIntegerIDs checks that ids are compared as text even when the
// columns are integers: doc 9 ranks before doc 10 on a tie, as trec_eval
// (which reads them as strings) ranks them.
func TestTieOrderIntegerIDs(t *testing.T) {
	db := openDB(t)
	b := &Benchmark{
		Name:      "int_ids",
		Judgments: "SELECT * FROM (VALUES (1, 9, 0), (1, 10, 1)) AS t(q, doc, rel)",
		Runs:      "SELECT * FROM (VALUES ('m', 1, 9, 0.5), ('m', 1, 10, 0.5)) AS t(model, q, doc, s)",
		Query:     "q", Item: "doc", Relevance: "rel", Score: "s", Model: "model",
		Metrics: refs(t, "mrr", "hit_rate@1"),
	}
	sameValues(t, perQuery(t, db, b), []QueryValue{
		{Model: "m", Query: "1", Metric: "mrr", Value: 0.5},
		{Model: "m", Query: "1", Metric: "hit_rate@1", Value: 0},
	})
}

// TestG14b checks the constructed collection of STATS-REFERENCE.md G14b
// (testdata/offline/g14b, scored by trec_eval built from source): every
// per-query value of both runs and the means.
func TestG14b(t *testing.T) {
	db := openDB(t)
	metrics := refs(t, "map", "mrr", "precision@3", "precision@5", "recall@3", "recall@5",
		"ndcg@3", "ndcg@5", "hit_rate@1", "hit_rate@3")
	for _, run := range []string{"A", "B"} {
		b := trecBenchmark(t, filepath.Join(testdata, "g14b/qrels.txt"), filepath.Join(testdata, "g14b/run"+run+".txt"), metrics)
		want := readTrecOut(t, filepath.Join(testdata, "g14b/out"+run+".txt"))
		want["num_q"] = map[string]string{"all": "8"}
		got := perQuery(t, db, b)
		if n := comparePerQuery(t, got, run, metrics, want); n != 8*len(metrics) {
			t.Errorf("run %s: compared %d values, want %d", run, n, 8*len(metrics))
		}
		compareMeans(t, meansSQL(t, db, b), Means(got), run, metrics, want)
	}
}

// TestG14bQuerySet checks the query set: a judged query without relevant
// documents counts 0 in the mean (map 0.5361 -> 0.4765 over 9 queries), an
// unjudged run query is ignored, and a judged query missing from the run is
// skipped by default and scored 0 with MissingZero.
func TestG14bQuerySet(t *testing.T) {
	db := openDB(t)
	metrics := refs(t, "map")
	mean := func(b *Benchmark) MetricMean {
		m := meansSQL(t, db, b)
		if len(m) != 1 {
			t.Fatalf("want one mean, got %v", m)
		}
		return m[0]
	}
	b := trecBenchmark(t, filepath.Join(testdata, "g14b/qrels2.txt"), filepath.Join(testdata, "g14b/runA2.txt"), metrics)
	if m := mean(b); m.Queries != 9 || fmt.Sprintf("%.4f", m.Value) != "0.4765" {
		t.Errorf("q9 without relevant docs: map %.4f over %d queries, want 0.4765 over 9", m.Value, m.Queries)
	}
	// runA4 lacks q8 (AP 1 in runA): 7 queries by default, 8 with zeros.
	b = trecBenchmark(t, filepath.Join(testdata, "g14b/qrels.txt"), filepath.Join(testdata, "g14b/runA4.txt"), metrics)
	full := 0.5361 * 8
	if m := mean(b); m.Queries != 7 || math.Abs(m.Value-(full-1)/7) > 1e-4 {
		t.Errorf("missing q8: map %.6f over %d queries, want %.6f over 7", m.Value, m.Queries, (full-1)/7)
	}
	b.MissingZero = true
	if m := mean(b); m.Queries != 8 || math.Abs(m.Value-(full-1)/8) > 1e-4 {
		t.Errorf("missing q8 with MissingZero: map %.6f over %d queries, want %.6f over 8", m.Value, m.Queries, (full-1)/8)
	}
}

// TestTrecEvalExcerpt checks queries 302 and 303 of trec_eval's own test
// collection (testdata/offline/trec_eval, excerpts of test/qrels.test,
// results.test, results.trunc and their -q outputs): every measure at every
// cutoff, per query; and results.trunc with MissingZero (trec_eval -c),
// where 302 is missing and scores 0.
func TestTrecEvalExcerpt(t *testing.T) {
	db := openDB(t)
	dir := filepath.Join(testdata, "trec_eval")
	metrics := trecMetrics(t)

	b := trecBenchmark(t, filepath.Join(dir, "qrels.test.302-303"), filepath.Join(dir, "results.test.302-303"), metrics)
	n := comparePerQuery(t, perQuery(t, db, b), "STANDARD", metrics, readTrecOut(t, filepath.Join(dir, "out.test.aq.302-303")))
	if n != 2*len(metrics) {
		t.Errorf("compared %d values, want %d", n, 2*len(metrics))
	}

	b = trecBenchmark(t, filepath.Join(dir, "qrels.test.302-303"), filepath.Join(dir, "results.trunc.303"), metrics)
	b.MissingZero = true
	n = comparePerQuery(t, perQuery(t, db, b), "STANDARD", metrics, readTrecOut(t, filepath.Join(dir, "out.test.aqc.302-303")))
	if n != 2*len(metrics) {
		t.Errorf("-c: compared %d values, want %d", n, 2*len(metrics))
	}
}

// TestDuplicates checks that a document ranked twice for a query, or judged
// twice, fails the query as it fails trec_eval, naming the model and query.
func TestDuplicates(t *testing.T) {
	db := openDB(t)
	base := Benchmark{
		Name:      "dups",
		Judgments: "SELECT * FROM (VALUES ('q1', 'a', 1), ('q1', 'b', 0)) AS t(q, doc, rel)",
		Runs:      "SELECT * FROM (VALUES ('m', 'q1', 'a', 0.5), ('m', 'q1', 'b', 0.4), ('m', 'q1', 'a', 0.1)) AS t(model, q, doc, s)",
		Query:     "q", Item: "doc", Relevance: "rel", Score: "s", Model: "model",
		Metrics: refs(t, "mrr"),
	}
	err := queryError(t, db, &base)
	if err == nil || !strings.Contains(err.Error(), "model m ranks a document twice") || !strings.Contains(err.Error(), "query q1") {
		t.Errorf("duplicate run doc: err = %v", err)
	}
	judged := base
	judged.Runs = "SELECT * FROM (VALUES ('m', 'q1', 'a', 0.5)) AS t(model, q, doc, s)"
	judged.Judgments = "SELECT * FROM (VALUES ('q1', 'a', 1), ('q1', 'a', 0)) AS t(q, doc, rel)"
	if err := queryError(t, db, &judged); err == nil || !strings.Contains(err.Error(), "judged twice") {
		t.Errorf("duplicate judgment: err = %v", err)
	}
	// A duplicate in a query without judgments is ignored, like the query.
	unjudged := base
	unjudged.Runs = "SELECT * FROM (VALUES ('m', 'q1', 'a', 0.5), ('m', 'q2', 'x', 0.4), ('m', 'q2', 'x', 0.3)) AS t(model, q, doc, s)"
	if err := queryError(t, db, &unjudged); err != nil {
		t.Errorf("duplicate in an unjudged query: %v", err)
	}
	// The checks hold with MissingZero too.
	zero := base
	zero.MissingZero = true
	if err := queryError(t, db, &zero); err == nil || !strings.Contains(err.Error(), "ranks a document twice") {
		t.Errorf("duplicate run doc with MissingZero: err = %v", err)
	}
	// A duplicate unjudged document still shifts the ranks: an error too.
	unjudgedDoc := base
	unjudgedDoc.Runs = "SELECT * FROM (VALUES ('m', 'q1', 'a', 0.5), ('m', 'q1', 'x', 0.9), ('m', 'q1', 'x', 0.1)) AS t(model, q, doc, s)"
	if err := queryError(t, db, &unjudgedDoc); err == nil || !strings.Contains(err.Error(), "ranks a document twice") {
		t.Errorf("duplicate unjudged doc: err = %v", err)
	}
	noScore := base
	noScore.Runs = "SELECT * FROM (VALUES ('m', 'q1', 'a', NULL), ('m', 'q1', 'b', 0.4)) AS t(model, q, doc, s)"
	if err := queryError(t, db, &noScore); err == nil || !strings.Contains(err.Error(), "without a score") {
		t.Errorf("missing score: err = %v", err)
	}
}

// TestValidate checks the benchmark errors raised before any SQL is built.
func TestValidate(t *testing.T) {
	ok := Benchmark{
		Name: "v", Judgments: "SELECT 1", Runs: "SELECT 1",
		Query: "q", Item: "d", Relevance: "r", Score: "s", Model: "m",
		Metrics: refs(t, "ndcg@10"),
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid benchmark: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(b *Benchmark)
		want   string
	}{
		{"no judgments", func(b *Benchmark) { b.Judgments = " " }, "judgments relation is empty"},
		{"semicolon", func(b *Benchmark) { b.Runs = "SELECT 1;" }, "trailing semicolon"},
		{"no score", func(b *Benchmark) { b.Score = "" }, "no score column"},
		{"no metrics", func(b *Benchmark) { b.Metrics = nil }, "no metrics"},
		{"twice", func(b *Benchmark) { b.Metrics = refs(t, "mrr", "mrr") }, "listed twice"},
		{"nil metric", func(b *Benchmark) { b.Metrics = []stdlib.OfflineRef{{}} }, "no metric"},
		{"bad cutoff", func(b *Benchmark) {
			m, _ := stdlib.LookupOffline("precision")
			b.Metrics = []stdlib.OfflineRef{{Metric: m}}
		}, "needs a cutoff"},
		{"forbidden cutoff", func(b *Benchmark) {
			m, _ := stdlib.LookupOffline("mrr")
			b.Metrics = []stdlib.OfflineRef{{Metric: m, K: 3}}
		}, "takes no cutoff"},
	}
	for _, c := range cases {
		b := ok
		c.mutate(&b)
		err := b.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if _, err := PerQuerySQL(&b); err == nil {
			t.Errorf("%s: PerQuerySQL accepted it", c.name)
		}
	}
	if _, err := PerQuerySQL(nil); err == nil {
		t.Error("PerQuerySQL(nil) accepted")
	}
}

// TestQuoting checks that odd column names, model names and benchmark
// names are quoted, not spliced: the query runs and errors name them.
func TestQuoting(t *testing.T) {
	db := openDB(t)
	b := &Benchmark{
		Name:      "it's \"odd\"\n-- name",
		Judgments: `SELECT * FROM (VALUES ('q''1', 'a', 1)) AS t("query id", "doc""id", "rel")`,
		Runs:      `SELECT * FROM (VALUES ('m''1', 'q''1', 'a', 0.5)) AS t("the model", "query id", "doc""id", "score")`,
		Query:     "query id", Item: `doc"id`, Relevance: "rel", Score: "score", Model: "the model",
		Metrics: refs(t, "ndcg@10", "mrr"),
	}
	sameValues(t, perQuery(t, db, b), []QueryValue{
		{Model: "m'1", Query: "q'1", Metric: "ndcg@10", Value: 1},
		{Model: "m'1", Query: "q'1", Metric: "mrr", Value: 1},
	})
	q, _ := PerQuerySQL(b)
	for _, line := range strings.Split(q, "\n") {
		if strings.HasPrefix(line, "-- name") {
			t.Errorf("benchmark name broke out of the comment:\n%s", q)
		}
	}
}

// TestSQLGolden snapshots the SQL of one benchmark, per query and means.
func TestSQLGolden(t *testing.T) {
	b := &Benchmark{
		Name:      "ranker_offline",
		Judgments: "SELECT * FROM qrels",
		Runs:      "SELECT * FROM runs",
		Query:     "query_id", Item: "doc_id", Relevance: "relevance", Score: "score", Model: "model",
		Metrics: refs(t, "ndcg@10", "recall@100", "precision@10", "mrr", "map", "hit_rate@10", "ndcg"),
	}
	q, err := PerQuerySQL(b)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(testdata, "benchmark_per_query.sql"), []byte(q))
	b.MissingZero = true
	q, err = MeanSQL(b)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(testdata, "benchmark_means_missing_zero.sql"), []byte(q))
}

// TestPair checks the alignment of two models' values by query.
func TestPair(t *testing.T) {
	values := []QueryValue{
		{"A", "q2", "map", 0.2}, {"A", "q1", "map", 0.1}, {"A", "q3", "map", 0.3},
		{"B", "q1", "map", 0.5}, {"B", "q2", "map", 0.6}, {"B", "q4", "map", 0.9},
		{"B", "q1", "mrr", 1},
	}
	p := Pair(values, "map", "A", "B")
	if strings.Join(p.Queries, ",") != "q1,q2" || p.Unpaired != 2 {
		t.Fatalf("Pair = %+v", p)
	}
	if p.Baseline[0] != 0.1 || p.Baseline[1] != 0.2 || p.Candidate[0] != 0.5 || p.Candidate[1] != 0.6 {
		t.Errorf("Pair values = %+v", p)
	}
	means := Means(values)
	if len(means) != 3 || means[0].Model != "A" || means[0].Queries != 3 || math.Abs(means[0].Value-0.2) > 1e-15 {
		t.Errorf("Means = %+v", means)
	}
}
