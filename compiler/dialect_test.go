package compiler_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
)

func loadSpec(t *testing.T, path string) *model.Package {
	t.Helper()
	res := lang.Load(path)
	if res.Diags.HasErrors() {
		t.Fatalf("%s: %v", path, res.Diags.Err())
	}
	return res.Package
}

// compileAll prints every query of every experiment of pkg in dialect d,
// as `caliper compile --dialect` does.
func compileAll(t *testing.T, pkg *model.Package, d *dialect.Dialect) string {
	t.Helper()
	var b bytes.Buffer
	for _, e := range pkg.Targets {
		p, err := compiler.Compile(e, d)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		for _, q := range []string{p.SQL, p.SplitSQL, p.TimelineSQL} {
			if q != "" {
				b.WriteString(q + ";\n\n")
			}
		}
	}
	return b.String()
}

// The dialect corpus (testdata/dialects/spec.cal, sources that are tables)
// compiles in every dialect; each dialect's SQL is a golden file, so a
// change in any dialect shows up as a diff.
func TestDialectGoldens(t *testing.T) {
	pkg := loadSpec(t, filepath.Join("..", "testdata", "dialects"))
	for _, d := range dialect.All {
		t.Run(d.Name, func(t *testing.T) {
			golden.Check(t, filepath.Join("..", "testdata", "dialects", d.Name+".sql"), []byte(compileAll(t, pkg, d)))
		})
	}
}

// stripLiterals removes string literals (either escaping style) so the
// checks below look at SQL text only.
var literal = regexp.MustCompile(`'(?:[^'\\]|''|\\.)*'`)

// Each dialect's SQL uses its own spellings only: nothing of DuckDB's
// leaks into the others, and backtick dialects have no double quotes.
func TestDialectSpellings(t *testing.T) {
	pkg := loadSpec(t, filepath.Join("..", "testdata", "dialects"))
	// The corpus again with an exposure-age timeline, so its SQL is
	// checked in every dialect too.
	src, err := os.ReadFile(filepath.Join("..", "testdata", "dialects", "spec.cal"))
	if err != nil {
		t.Fatal(err)
	}
	age := strings.Replace(string(src), "timeline   day\n", "timeline   exposure_day\n", 1)
	if age == string(src) {
		t.Fatal("the dialect corpus no longer has `timeline   day`")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "spec.cal"), []byte(age), 0o644); err != nil {
		t.Fatal(err)
	}
	agePkg := loadSpec(t, dir)
	for _, d := range dialect.All {
		// The exposure-age queries are goldens too (testdata/dialects/exposure_age).
		golden.Check(t, filepath.Join("..", "testdata", "dialects", "exposure_age", d.Name+".sql"), []byte(compileAll(t, agePkg, d)))
	}
	duckOnly := []string{"fsum(", "arg_min(", "quantile_cont(", "epoch(", "range(0", "read_csv", "read_parquet", "VARCHAR", "DOUBLE)"}
	for _, d := range dialect.All[1:] {
		ageSQL := compileAll(t, agePkg, d)
		if !strings.Contains(ageSQL, "age_scan_1") {
			t.Fatalf("%s: the exposure-age corpus compiled no exposure-age query", d.Name)
		}
		sql := literal.ReplaceAllString(compileAll(t, pkg, d)+ageSQL, "''")
		// The sql source's query is passed through as written.
		sql = strings.ReplaceAll(sql, "SELECT user_id, ts, revenue FROM analytics.events WHERE event = ''", "")
		for _, s := range duckOnly {
			if d.Types.String == "VARCHAR" && s == "VARCHAR" || d.Types.Float == "DOUBLE" && s == "DOUBLE)" {
				continue
			}
			if strings.Contains(sql, s) {
				t.Errorf("%s SQL contains DuckDB's %q", d.Name, s)
			}
		}
		if !d.Filter && strings.Contains(sql, "FILTER (WHERE") {
			t.Errorf("%s SQL uses FILTER, which it lacks", d.Name)
		}
		if d.IdentQuote == "`" && strings.Contains(sql, `"`) {
			i := strings.Index(sql, `"`)
			t.Errorf("%s SQL has a double quote: %s", d.Name, sql[max(0, i-60):min(len(sql), i+60)])
		}
		if strings.Contains(sql, "%!") {
			t.Errorf("%s SQL has a formatting error: %s", d.Name, sql[strings.Index(sql, "%!"):][:40])
		}
	}
}

// Files are read by DuckDB only: compiling a file source for a warehouse
// is an error naming the source and suggesting table(...).
func TestDialectFileSourceError(t *testing.T) {
	pkg := loadSpec(t, filepath.Join("..", "examples", "homefeed"))
	for _, d := range dialect.All {
		_, err := compiler.Compile(pkg.Targets[0], d)
		if d.Files {
			if err != nil {
				t.Errorf("%s: %v", d.Name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "source exposures reads files with csv(") || !strings.Contains(err.Error(), `from table("schema.exposures")`) {
			t.Errorf("%s: want an error naming the file source and suggesting table(...), got %v", d.Name, err)
		}
	}
	bench := loadSpec(t, filepath.Join("..", "examples", "offline"))
	if _, err := compiler.CompileBenchmark(bench.BenchmarkTargets[0], dialect.Postgres); err == nil || !strings.Contains(err.Error(), "source qrels reads files with csv(") {
		t.Errorf("benchmark with file sources for postgres: want an error naming the file source, got %v", err)
	}
}

// Offline benchmarks compile for the dialects with Benchmarks (DuckDB and
// PostgreSQL); the others are an error naming them. PostgreSQL's SQL is a
// golden file next to DuckDB's (testdata/offline), and uses none of
// DuckDB's spellings.
func TestBenchmarkDialects(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "offline", "benchmark.cal"))
	if err != nil {
		t.Fatal(err)
	}
	tables := regexp.MustCompile(`from csv\("data/(\w+)\.csv"\)`).ReplaceAll(src, []byte(`from table("offline.$1")`))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "benchmark.cal"), tables, 0o644); err != nil {
		t.Fatal(err)
	}
	b := loadSpec(t, dir).BenchmarkTargets[0]
	for _, d := range dialect.All {
		plan, err := compiler.CompileBenchmark(b, d)
		if !d.Benchmarks {
			if err == nil || !strings.Contains(err.Error(), "compile for DuckDB and PostgreSQL only (not yet for "+d.Title+")") {
				t.Errorf("%s: want an error naming the dialects, got %v", d.Name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if d != dialect.Postgres {
			continue
		}
		golden.Check(t, filepath.Join("..", "testdata", "offline", "benchmark_per_query.postgres.sql"), []byte(plan.SQL))
		sql := literal.ReplaceAllString(plan.SQL, "''")
		for _, s := range []string{"UNPIVOT", "error(", "log2(", "VARCHAR", "DOUBLE)"} {
			if strings.Contains(sql, s) {
				t.Errorf("PostgreSQL benchmark SQL contains DuckDB's %q", s)
			}
		}
	}
}

func TestDialectQuoting(t *testing.T) {
	cases := []struct {
		d             *dialect.Dialect
		ident, str, q string
	}{
		{dialect.DuckDB, `"a""b"`, `'it''s \'`, `SELECT "x" FROM "t"`},
		{dialect.Postgres, `"a""b"`, `'it''s \'`, `SELECT "x" FROM "t"`},
		{dialect.Spark, "`a\"b`", `'it\'s \\'`, "SELECT `x` FROM `t`"},
		{dialect.BigQuery, "`a\"b`", `'it\'s \\'`, "SELECT `x` FROM `t`"},
		{dialect.Snowflake, `"a""b"`, `'it\'s \\'`, `SELECT "x" FROM "t"`},
		{dialect.Trino, `"a""b"`, `'it''s \'`, `SELECT "x" FROM "t"`},
	}
	for _, c := range cases {
		if got := c.d.Ident(`a"b`); got != c.ident {
			t.Errorf("%s Ident = %s, want %s", c.d.Name, got, c.ident)
		}
		if got := c.d.String(`it's \`); got != c.str {
			t.Errorf("%s String = %s, want %s", c.d.Name, got, c.str)
		}
		if got := c.d.Q(`SELECT "x" FROM "t"`); got != c.q {
			t.Errorf("%s Q = %s, want %s", c.d.Name, got, c.q)
		}
	}
	if got := dialect.Spark.Ident("a`b"); got != "`a``b`" {
		t.Errorf("Spark Ident = %s", got)
	}
	if got := dialect.BigQuery.Ident("a`b"); got != "`a\\`b`" {
		t.Errorf("BigQuery Ident = %s", got)
	}
	if got := dialect.Snowflake.SourceIdent("user_id") + " " + dialect.Snowflake.SourceIdent("User") + " " + dialect.Snowflake.SourceIdent("values"); got != `user_id "User" "values"` {
		t.Errorf("Snowflake SourceIdent = %s", got)
	}
}

func TestDialectShift(t *testing.T) {
	cases := []struct {
		d    *dialect.Dialect
		want string
	}{
		{dialect.DuckDB, `t + INTERVAL '60 seconds' | t - INTERVAL '60 seconds' | t + k * INTERVAL '60 seconds'`},
		{dialect.Spark, `t + INTERVAL '60' SECOND | t - INTERVAL '60' SECOND | t + k * INTERVAL '60' SECOND`},
		{dialect.BigQuery, `TIMESTAMP_ADD(t, INTERVAL 60 SECOND) | TIMESTAMP_ADD(t, INTERVAL -60 SECOND) | TIMESTAMP_ADD(t, INTERVAL k * 60 SECOND)`},
		{dialect.Snowflake, `DATEADD(second, 60, t) | DATEADD(second, -60, t) | DATEADD(second, k * 60, t)`},
	}
	for _, c := range cases {
		got := c.d.Shift("t", "", 60) + " | " + c.d.Shift("t", "", -60) + " | " + c.d.Shift("t", "k", 60)
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.d.Name, got, c.want)
		}
	}
}

func TestDialectLookup(t *testing.T) {
	for _, d := range dialect.All {
		if got, err := dialect.Lookup(d.Name); err != nil || got != d {
			t.Errorf("Lookup(%s) = %v, %v", d.Name, got, err)
		}
	}
	if _, err := dialect.Lookup("oracle"); err == nil || !strings.Contains(err.Error(), "duckdb, postgres, spark, bigquery, snowflake, trino") {
		t.Errorf("Lookup(oracle): %v", err)
	}
}

// Names reach SQL comments only through CommentText: nothing in a name can
// end the comment (a line break in any of its forms) and start a statement.
func TestCommentText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"homefeed_v2", "homefeed_v2"},
		{"ndcg@10", "ndcg@10"},
		{"a\rCOPY x TO 'y'", `"a\rCOPY x TO 'y'"`},
		{"a\nb", `"a\nb"`},
		{"a\u2028b", `"a\u2028b"`},
		{"é", `"\u00e9"`},
		{"", `""`},
	} {
		got := dialect.CommentText(c.in)
		if got != c.want {
			t.Errorf("CommentText(%q) = %s, want %s", c.in, got, c.want)
		}
		if strings.ContainsAny(got, "\r\n\u2028\u2029\x00") {
			t.Errorf("CommentText(%q) holds a line break", c.in)
		}
	}
}
