package rank

import (
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkAllMetrics times the single benchmark query with every metric
// (ndcg, ndcg@10, map, mrr, precision@10, recall@100, hit_rate@10) on a
// generated run: queries × docs rows per model, 20 graded judgments per
// query, scores on a 1/1000 grid so that ties occur. Generating the data is
// not timed. Sizes come from the environment:
//
//	CALIPER_BENCH_QUERIES  queries (default 100000)
//	CALIPER_BENCH_DOCS     documents per query and model (default 100)
//	CALIPER_BENCH_MODELS   models (default 1)
//	CALIPER_BENCH_DB       a DuckDB database file to use instead of memory,
//	                       for runs larger than memory (DuckDB spills next
//	                       to it); its tables qrels and runs are replaced
//	CALIPER_BENCH_MEMORY   with CALIPER_BENCH_DB, DuckDB's memory_limit
//	                       (e.g. 8GB), so large runs spill instead of
//	                       taking most of the machine
//
// Default size, 10M run rows: about 6 s per query on 2 cores, plus 2 s to
// generate the data:
//
//	go test ./compiler/rank -run '^$' -bench AllMetrics -benchtime 1x
//
// 1M queries × 100 docs, 100M rows. Measured at 300k queries (30M rows): 23 s
// for the query and a 6 GB peak, so expect about 80 s and 20 GB; on a
// smaller machine give it a database file to spill from:
//
//	CALIPER_BENCH_QUERIES=1000000 CALIPER_BENCH_DB=/tmp/bench.duckdb \
//	  go test ./compiler/rank -run '^$' -bench AllMetrics/means -benchtime 1x -timeout 2h
//
// per_query fetches every (model, query, metric) row into Go; means runs
// MeanSQL, so only the engine's work is timed.
func BenchmarkAllMetrics(b *testing.B) {
	queries := benchEnv(b, "CALIPER_BENCH_QUERIES", 100000)
	docs := benchEnv(b, "CALIPER_BENCH_DOCS", 100)
	models := benchEnv(b, "CALIPER_BENCH_MODELS", 1)
	db := benchDB(b)
	start := time.Now()
	benchData(b, db, queries, docs, models)
	b.Logf("generated %d queries x %d docs x %d models = %d run rows in %s",
		queries, docs, models, queries*docs*models, time.Since(start).Round(time.Millisecond))

	bm := &Benchmark{
		Name:      "bench",
		Judgments: "SELECT * FROM qrels",
		Runs:      "SELECT * FROM runs",
		Query:     "query_id", Item: "doc_id", Relevance: "relevance", Score: "score", Model: "model",
		Metrics: refs(b, "ndcg", "ndcg@10", "map", "mrr", "precision@10", "recall@100", "hit_rate@10"),
	}
	rowsPerRun := float64(queries * docs * models)
	b.Run("per_query", func(b *testing.B) {
		for b.Loop() {
			got := perQuery(b, db, bm)
			if want := queries * models * len(bm.Metrics); len(got) != want {
				b.Fatalf("%d rows, want %d", len(got), want)
			}
		}
		b.ReportMetric(rowsPerRun*float64(b.N)/b.Elapsed().Seconds(), "run_rows/s")
	})
	b.Run("means", func(b *testing.B) {
		for b.Loop() {
			got := meansSQL(b, db, bm)
			if len(got) != models*len(bm.Metrics) || got[0].Queries != queries {
				b.Fatalf("means %+v", got[0])
			}
		}
		b.ReportMetric(rowsPerRun*float64(b.N)/b.Elapsed().Seconds(), "run_rows/s")
	})
}

// benchDB opens the database of CALIPER_BENCH_DB, or one in memory.
func benchDB(b *testing.B) *sql.DB {
	path := os.Getenv("CALIPER_BENCH_DB")
	if path == "" {
		return openDB(b)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if mem := os.Getenv("CALIPER_BENCH_MEMORY"); mem != "" {
		if _, err := db.Exec(fmt.Sprintf("SET memory_limit = '%s'", mem)); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// benchEnv reads a positive integer from the environment.
func benchEnv(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// benchData creates the tables qrels (query_id, doc_id, relevance) and runs
// (model, query_id, doc_id, score), deterministic for given sizes.
func benchData(b *testing.B, db *sql.DB, queries, docs, models int) {
	stmts := []string{
		fmt.Sprintf(`CREATE OR REPLACE TABLE qrels AS
SELECT 'q' || q AS query_id, 'd' || (j * 7 %% %d) AS doc_id, CAST(hash(q, j) %% 4 AS INTEGER) AS relevance
FROM range(%d) AS tq(q), range(20) AS tj(j)`, max(docs, 20), queries),
		fmt.Sprintf(`CREATE OR REPLACE TABLE runs AS
SELECT 'm' || m AS model, 'q' || q AS query_id, 'd' || j AS doc_id, CAST(hash(m, q, j) %% 1000 AS DOUBLE) / 1000 AS score
FROM range(%d) AS tm(m), range(%d) AS tq(q), range(%d) AS tj(j)`, models, queries, docs),
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			b.Fatalf("%v\n%s", err, s)
		}
	}
}

// BenchmarkPairs times what a benchmark's Go side does with its per-query
// values: sort them once, take the means, and pair the two models on each
// of six metrics. 100k queries x 2 models x 6 metrics, 1.2M values (the
// 1M-query case of bench/offline.sh is 10x that).
func BenchmarkPairs(b *testing.B) {
	metrics := []string{"map", "mrr", "ndcg", "ndcg@10", "precision@10", "recall@100"}
	var values []QueryValue
	for _, model := range []string{"model_a", "model_b"} {
		for q := 0; q < 100_000; q++ {
			for k, metric := range metrics {
				values = append(values, QueryValue{Model: model, Query: "q" + strconv.Itoa(q), Metric: metric, Value: float64(q%97+k) / 100})
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sorted := Sort(values)
		sorted.Means()
		for _, metric := range metrics {
			if p := sorted.Pair(metric, "model_a", "model_b"); len(p.Queries) != 100_000 {
				b.Fatalf("%s: %d pairs", metric, len(p.Queries))
			}
		}
	}
}
