package examples

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler/rank"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/pgtest"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/stdlib"
)

// offlineCorpus are the TREC collections of testdata/offline (see its
// README): judgments, a run, and whether judged queries missing from the
// run score 0. DuckDB's values on them are trec_eval's (compiler/rank's
// tests).
var offlineCorpus = []struct{ qrels, run string }{
	{"hand/hand.qrels", "hand/hand.run"},
	{"hand/ties.qrels", "hand/ties.run"},
	{"g14b/qrels.txt", "g14b/runA.txt"},
	{"g14b/qrels.txt", "g14b/runB.txt"},
	{"g14b/qrels2.txt", "g14b/runA2.txt"},
	{"g14b/qrels.txt", "g14b/runA4.txt"},
	{"trec_eval/qrels.test.302-303", "trec_eval/results.test.302-303"},
	{"trec_eval/qrels.test.302-303", "trec_eval/results.trunc.303"},
}

// Offline benchmarks give DuckDB's values on PostgreSQL, to 1e-12: the
// offline example (its CSV files loaded into tables) through the whole run,
// every per-query value and every figure of the report; and every
// collection of testdata/offline, every metric of the catalog at several
// cutoffs, per query and as means, with and without missing_queries zero.
// DuckDB's values are trec_eval's (compiler/rank's tests), so these are
// too. The database sorts text by ICU's en-US collation (where "B" sorts
// after "a", unlike C's strcmp): the tie-break between documents must
// still be trec_eval's byte order.
func TestPostgresBenchmarksMatchDuckDB(t *testing.T) {
	server := pgtest.Start(t)
	ctx := context.Background()
	admin, err := engine.OpenPostgres(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec(ctx, "CREATE DATABASE icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"); err != nil {
		t.Fatalf("a database with ICU's collation: %v", err)
	}
	admin.Close()
	pg, err := engine.OpenPostgres(ctx, strings.Replace(server, "/postgres?", "/icu?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if order, err := pg.Query(ctx, "SELECT 'B' < 'a', 'B' COLLATE \"C\" < 'a' COLLATE \"C\""); err != nil || fmt.Sprint(order.Rows) != "[[false true]]" {
		t.Fatalf("the database should sort text by locale, not by bytes: %v %v", order, err)
	}
	duck, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	const tol = 1e-12

	t.Run("example", func(t *testing.T) {
		dir := t.TempDir()
		src, err := os.ReadFile(filepath.Join("offline", "benchmark.cal"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fileSource.FindAllStringSubmatch(string(src), -1) {
			table := "offline." + m[2]
			if m[1] != "csv" {
				t.Fatalf("unexpected source %s", m[0])
			}
			file := filepath.Join("offline", "data", m[2]+".csv")
			duckExec(t, duck, "CREATE SCHEMA IF NOT EXISTS offline")
			duckExec(t, duck, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM read_csv('%s')", table, file))
			pgExec(t, pg, "CREATE SCHEMA IF NOT EXISTS offline", fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(pgColumns(t, duck, table), ", ")))
			copyTable(t, duck, pg, table, file, table)
		}
		pgExec(t, pg, "ANALYZE")
		src = fileSource.ReplaceAll(src, []byte(`from table("offline.$2")`))
		if err := os.WriteFile(filepath.Join(dir, "benchmark.cal"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		res := lang.Load(dir)
		if res.Diags.HasErrors() || len(res.Package.BenchmarkTargets) != 1 {
			t.Fatalf("offline with tables: %v", res.Diags.Err())
		}
		run := func(eng engine.Engine) *result.Report {
			rep, diags := runtime.RunWith(ctx, eng, res.Package, runtime.Options{PerQuery: true})
			if diags.HasErrors() {
				t.Fatalf("run on %s: %v", eng.Dialect().Name, diags.Err())
			}
			return rep
		}
		want, got := run(duck), run(pg)
		b := got.Targets[0].Bench
		if len(b.PerQuery) < 1000 || len(b.Results) != 12 || len(b.Scores) != 18 {
			t.Fatalf("PostgreSQL's report: %d per-query values, %d comparisons, %d scores", len(b.PerQuery), len(b.Results), len(b.Scores))
		}
		compareReports(t, "offline", want, got, tol)
	})

	t.Run("corpus", func(t *testing.T) {
		loaded := map[string]string{}
		load := func(file string, sql func(*dialect.Dialect, string) string) string {
			if table, ok := loaded[file]; ok {
				return table
			}
			abs, err := filepath.Abs(filepath.Join("..", "testdata", "offline", file))
			if err != nil {
				t.Fatal(err)
			}
			table := "corpus." + regexp.MustCompile(`\W`).ReplaceAllString(file, "_")
			duckExec(t, duck, "CREATE SCHEMA IF NOT EXISTS corpus")
			duckExec(t, duck, fmt.Sprintf("CREATE TABLE %s AS %s", table, sql(dialect.DuckDB, abs)))
			pgExec(t, pg, "CREATE SCHEMA IF NOT EXISTS corpus", fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(pgColumns(t, duck, table), ", ")))
			copyTable(t, duck, pg, table, "", table)
			loaded[file] = table
			return table
		}
		metrics := allOfflineMetrics(t)
		d := &diff{tol: tol}
		rows := 0
		for _, c := range offlineCorpus {
			qrels, run := load(c.qrels, stdlib.TrecQrelsSQL), load(c.run, stdlib.TrecRunSQL)
			for _, missingZero := range []bool{false, true} {
				name := fmt.Sprintf("%s+%s (missing zero %v)", c.qrels, c.run, missingZero)
				var results [2][2]*engine.Table
				for i, eng := range []engine.Engine{duck, pg} {
					b := &rank.Benchmark{Name: "corpus", Judgments: "SELECT * FROM " + qrels, Runs: "SELECT * FROM " + run,
						Query: "query_id", Item: "doc_id", Relevance: "relevance", Score: "score", Model: "model",
						Metrics: metrics, MissingZero: missingZero, Dialect: eng.Dialect()}
					perQuery, err := rank.PerQuerySQL(b)
					if err != nil {
						t.Fatal(err)
					}
					means, err := rank.MeanSQL(b)
					if err != nil {
						t.Fatal(err)
					}
					for j, q := range []string{perQuery, means} {
						if results[i][j], err = eng.Query(ctx, q); err != nil {
							t.Fatalf("%s on %s: %v\n%s", name, eng.Dialect().Name, err, q)
						}
					}
				}
				if len(results[1][0].Rows) == 0 {
					t.Fatalf("%s: no per-query values", name)
				}
				rows += len(results[1][0].Rows)
				d.table(name+" per query", results[0][0], results[1][0])
				d.table(name+" means", results[0][1], results[1][1])
			}
		}
		d.report(t, "testdata/offline")
		t.Logf("%d metrics, %d per-query values compared", len(metrics), rows)
	})

	// The checks of the judgments and the runs fail the query on
	// PostgreSQL too, naming the benchmark, the model and the query.
	t.Run("errors", func(t *testing.T) {
		judged := "SELECT * FROM (VALUES ('q1', 'd1', 1), ('q1', 'd2', 0)) AS t(query_id, doc_id, relevance)"
		cases := []struct{ judgments, runs, want string }{
			{"SELECT * FROM (VALUES ('q1', 'd1', 1), ('q1', 'd1', 0)) AS t(query_id, doc_id, relevance)",
				"SELECT * FROM (VALUES ('m', 'q1', 'd1', 1.0)) AS t(model, query_id, doc_id, score)",
				`benchmark "it's": a document is judged twice, or has no id, for query q1`},
			{judged, "SELECT * FROM (VALUES ('m', 'q1', 'd1', 1.0), ('m', 'q1', 'd1', 0.5)) AS t(model, query_id, doc_id, score)",
				`benchmark "it's": model m ranks a document twice, or a document without an id, for query q1`},
			{judged, "SELECT * FROM (VALUES ('m', 'q1', 'd1', 1.0), ('m', 'q1', 'd2', NULL)) AS t(model, query_id, doc_id, score)",
				`benchmark "it's": model m has a run row without a score for query q1`},
		}
		for _, c := range cases {
			b := &rank.Benchmark{Name: "it's", Judgments: c.judgments, Runs: c.runs,
				Query: "query_id", Item: "doc_id", Relevance: "relevance", Score: "score", Model: "model",
				Metrics: allOfflineMetrics(t), Dialect: dialect.Postgres}
			q, err := rank.PerQuerySQL(b)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pg.Query(ctx, q); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error with %q, got %v", c.want, err)
			}
		}
	})
}

// allOfflineMetrics is every metric of the catalog, without a cutoff where
// it may go without, and at cutoffs 1, 3, 5, 10 and 100 where it takes one.
func allOfflineMetrics(t *testing.T) []stdlib.OfflineRef {
	t.Helper()
	var out []stdlib.OfflineRef
	for _, m := range stdlib.OfflineMetrics() {
		if m.Cutoff != stdlib.OfflineCutoffRequired {
			out = append(out, stdlib.OfflineRef{Metric: m})
		}
		if m.Cutoff == stdlib.OfflineCutoffForbidden {
			continue
		}
		for _, k := range []int{1, 3, 5, 10, 100} {
			out = append(out, stdlib.OfflineRef{Metric: m, K: k})
		}
	}
	return out
}

// pgExec runs statements on PostgreSQL.
func pgExec(t *testing.T, pg *engine.Postgres, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if err := pg.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
