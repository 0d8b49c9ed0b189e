package examples

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/internal/pgtest"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// fileSource matches a file source of an example spec: its reader and the
// file's name under data/.
var fileSource = regexp.MustCompile(`from (csv|parquet|json)\("data/(\w+)\.(\w+)"\)`)

// exampleTables is an example folder's spec with its file sources read
// from tables of the schema named after the example instead (the file
// data/NAME.EXT becomes the table <example>.NAME), and those tables.
type exampleTables struct {
	name   string
	pkg    *model.Package
	tables []exampleTable
}

type exampleTable struct {
	name   string // schema.table
	reader string // DuckDB's reader of the file: read_csv('...'), ...
}

// tabled rewrites every example's file sources to tables.
func tabled(t *testing.T) []exampleTables {
	t.Helper()
	var out []exampleTables
	for _, dir := range exampleDirs(t) {
		ex := exampleTables{name: filepath.Base(dir)}
		tmp := t.TempDir()
		files, _ := filepath.Glob(filepath.Join(dir, "*.cal"))
		seen := map[string]bool{}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range fileSource.FindAllStringSubmatch(string(src), -1) {
				table := ex.name + "." + m[2]
				if !seen[table] {
					seen[table] = true
					path := filepath.Join(dir, "data", m[2]+"."+m[3])
					ex.tables = append(ex.tables, exampleTable{table, fmt.Sprintf("read_%s('%s')", m[1], path)})
				}
			}
			src = fileSource.ReplaceAll(src, []byte(`from table("`+ex.name+`.$2")`))
			if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res := lang.Load(tmp)
		if res.Diags.HasErrors() {
			t.Fatalf("%s with tables: %v", ex.name, res.Diags.Err())
		}
		ex.pkg = res.Package
		out = append(out, ex)
	}
	return out
}

// Every example's experiments and benchmarks, and the dialect corpus, give
// DuckDB's results on a sharded PostgreSQL: a coordinator and two shards, each
// table hash-partitioned by its unit (user_id; query_id for the offline
// judgments and runs) into foreign tables on the shards (postgres_fdw).
// The PostgreSQL dialect is the one every PostgreSQL runs; the session is
// the engine's, read-only transactions included. Per-unit aggregates are
// pushed to the shards where postgres_fdw can ship them, which EXPLAIN
// VERBOSE shows.
func TestShardedPostgresMatchesDuckDB(t *testing.T) {
	cluster := pgtest.StartSharded(t, 2)
	ctx := context.Background()
	duck, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	pg, err := engine.OpenPostgres(ctx, cluster.Coordinator.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()

	examples := tabled(t)
	for _, ex := range examples {
		duckExec(t, duck, "CREATE SCHEMA "+ex.name)
		cluster.Schema(t, ex.name)
		for _, tb := range ex.tables {
			duckExec(t, duck, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", tb.name, tb.reader))
			shardTable(t, cluster, duck, pg, tb.name)
		}
	}
	// The corpus of dialect features reads analytics.events and
	// analytics.exposures: the homefeed data, sharded the same way.
	duckExec(t, duck, "CREATE SCHEMA analytics")
	cluster.Schema(t, "analytics")
	for _, tb := range homefeedTables {
		duckExec(t, duck, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", tb.name, tb.duckdb))
		shardTable(t, cluster, duck, pg, tb.name)
	}
	for _, s := range append([]*pgtest.Server{cluster.Coordinator}, cluster.Shards...) {
		cluster.Exec(t, s, "ANALYZE")
	}
	settings, err := pg.Query(ctx, "SELECT current_setting('enable_partitionwise_aggregate'), current_setting('transaction_read_only')")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(settings.Rows[0]); got != "[on on]" {
		t.Fatalf("partitionwise aggregation and read-only transaction: %s, want [on on]", got)
	}

	// Differences relative to the larger magnitude (absolute below 1),
	// every number of every query result and every report.
	const tol = 1e-12
	dialects := lang.Load(filepath.Join("..", "testdata", "dialects"))
	if dialects.Diags.HasErrors() {
		t.Fatal(dialects.Diags.Err())
	}
	specs := append(examples, exampleTables{name: "dialects", pkg: dialects.Package})
	experiments, benchmarks := 0, 0
	for _, ex := range specs {
		if len(ex.pkg.Targets)+len(ex.pkg.BenchmarkTargets) == 0 {
			continue
		}
		experiments += len(ex.pkg.Targets)
		benchmarks += len(ex.pkg.BenchmarkTargets)
		t.Run(ex.name, func(t *testing.T) {
			compareQueries(t, ex.name, ex.pkg, duck, pg, tol)
			compareReports(t, ex.name, runReport(t, duck, ex.pkg), runReport(t, pg, ex.pkg), tol)
		})
	}
	if experiments < 8 || benchmarks < 1 {
		t.Fatalf("only %d experiments and %d benchmarks compared", experiments, benchmarks)
	}

	// Scatter-gather: every main query reads each shard through an
	// asynchronous foreign scan, with the exposures' filters shipped, and
	// aggregates the exposures per unit partition by partition. The
	// aggregates themselves stay on the coordinator: Caliper reads each
	// timestamp as CAST(CAST(ts AS TIMESTAMPTZ) AS TIMESTAMP), and those
	// casts are STABLE (they depend on the session's time zone), which
	// postgres_fdw never ships.
	t.Run("scatter", func(t *testing.T) {
		for _, ex := range examples {
			events, exposures := experimentTables(ex)
			for _, e := range ex.pkg.Targets {
				plan := explain(t, pg, e)
				for i := range cluster.Shards {
					want := []string{fmt.Sprintf("Async Foreign Scan on %s.%s_p%d ", ex.name, events, i), fmt.Sprintf("Foreign Scan on %s.%s_p%d ", ex.name, exposures, i)}
					if !readTwice[e.Name] {
						want = append(want, fmt.Sprintf("FROM %s.%s_p%d WHERE ", ex.name, exposures, i))
					}
					for _, w := range want {
						if !strings.Contains(plan, w) {
							t.Errorf("%s/%s: want %q in the plan:\n%s", ex.name, e.Name, w, plan)
						}
					}
				}
				if n := len(pushedAggregates(plan)); n != 0 {
					t.Errorf("%s/%s: %d aggregates pushed with the stock catalog (the timestamp casts are STABLE): the test's explanation is out of date", ex.name, e.Name, n)
				}
			}
		}
	})

	// With the two timestamp casts declared IMMUTABLE on the coordinator
	// (sound there only because every session that plans Caliper's SQL
	// runs in UTC, as the engine's does, and postgres_fdw runs its remote
	// sessions in UTC), the shards compute the per-unit exposure
	// aggregates: each answers with one row per unit (Remote SQL ...
	// GROUP BY). The results stay DuckDB's.
	cluster.Exec(t, cluster.Coordinator,
		"ALTER FUNCTION pg_catalog.timestamptz(timestamp without time zone) IMMUTABLE",
		`ALTER FUNCTION pg_catalog."timestamp"(timestamp with time zone) IMMUTABLE`)
	pg2, err := engine.OpenPostgres(ctx, cluster.Coordinator.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg2.Close()
	t.Run("pushdown", func(t *testing.T) {
		for _, ex := range examples {
			for _, e := range ex.pkg.Targets {
				plan := explain(t, pg2, e)
				pushed := pushedAggregates(plan)
				n := len(cluster.Shards)
				if readTwice[e.Name] {
					n = 0
				}
				t.Logf("%s/%s: %d aggregates pushed to the shards", ex.name, e.Name, len(pushed))
				if len(pushed) != n {
					t.Errorf("%s/%s: %d aggregates pushed (Remote SQL ... GROUP BY), want %d; plan:\n%s", ex.name, e.Name, len(pushed), n, plan)
				}
				for i := range pushed {
					if !strings.Contains(pushed[i], "GROUP BY 1") || !strings.Contains(pushed[i], "SELECT user_id, ") {
						t.Errorf("%s/%s: not a per-unit aggregate: %s", ex.name, e.Name, pushed[i])
					}
				}
			}
			if len(ex.pkg.Targets) > 0 {
				compareQueries(t, ex.name, ex.pkg, duck, pg2, tol)
			}
		}
	})
}

// experimentTables names an example's event and exposure tables (events
// and exposures; ab_events and ab_exposures beside the interleaving
// example's merged lists).
func experimentTables(ex exampleTables) (events, exposures string) {
	events, exposures = "events", "exposures"
	for _, tb := range ex.tables {
		_, n, _ := strings.Cut(tb.name, ".")
		switch {
		case strings.HasSuffix(n, "exposures"):
			exposures = n
		case strings.HasSuffix(n, "events"):
			events = n
		}
	}
	return events, exposures
}

// readTwice are the example experiments whose main query reads the
// exposures twice (a factorial design: the arms and the units), so that
// PostgreSQL materializes them once, unfiltered and unaggregated: their
// shards ship whole exposure tables.
var readTwice = map[string]bool{"fm_q4_components": true}

// explain is the verbose plan of an experiment's main query on PostgreSQL.
func explain(t *testing.T, pg *engine.Postgres, e *model.Experiment) string {
	t.Helper()
	plan, err := compiler.Compile(e, pg.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pg.Query(context.Background(), "EXPLAIN (VERBOSE, COSTS OFF) "+plan.SQL)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range rows.Rows {
		lines = append(lines, fmt.Sprint(r[0]))
	}
	return strings.Join(lines, "\n")
}

// pushedAggregates returns the Remote SQL lines of a plan that aggregate
// on a shard (GROUP BY).
func pushedAggregates(plan string) []string {
	var out []string
	for _, l := range strings.Split(plan, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Remote SQL:") && strings.Contains(l, " GROUP BY ") {
			out = append(out, l)
		}
	}
	return out
}

// shardTable creates DuckDB's table on the cluster, hash-partitioned by
// its unit column (user_id, else query_id; request_id for candidate
// scores; market for a rollout's panel,
// whose groups are markets), and copies the rows in: as
// CSV into a table of the coordinator, then INSERT ... SELECT into the
// partitioned table, which routes each row to its shard in batches.
func shardTable(t *testing.T, c *pgtest.Sharded, duck *engine.DuckDB, pg *engine.Postgres, table string) {
	t.Helper()
	cols := pgColumns(t, duck, table)
	key := ""
	for _, k := range []string{`"user_id"`, `"query_id"`, `"market"`, `"request_id"`} {
		for _, col := range cols {
			if strings.HasPrefix(col, k+" ") && key == "" {
				key = k
			}
		}
	}
	if key == "" {
		t.Fatalf("%s: no user_id, query_id, request_id or market column to shard by", table)
	}
	schema, name, _ := strings.Cut(table, ".")
	c.Table(t, schema, name, key, cols)
	staging := table + "_load"
	c.Exec(t, c.Coordinator, fmt.Sprintf("CREATE TABLE %s (%s)", staging, strings.Join(cols, ", ")))
	copyTable(t, duck, pg, table, "", staging)
	c.Exec(t, c.Coordinator,
		fmt.Sprintf("INSERT INTO %s SELECT * FROM %s", table, staging),
		"DROP TABLE "+staging)
	// Every shard holds a part of the rows.
	parts, err := pg.Query(context.Background(), fmt.Sprintf("SELECT CAST(tableoid::regclass AS text), count(*) FROM %s GROUP BY 1 ORDER BY 1", table))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts.Rows) != len(c.Shards) {
		t.Fatalf("%s: rows on %d shards, want %d: %v", table, len(parts.Rows), len(c.Shards), parts.Rows)
	}
	t.Logf("%s: rows per shard %v", table, parts.Rows)
}
