package examples

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/pgtest"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
)

// The homefeed example's data as tables of an engine: analytics.events
// (from events.parquet) and analytics.exposures (from exposures.csv).
var homefeedTables = []struct{ name, duckdb, file string }{
	{"analytics.exposures", "read_csv('homefeed/data/exposures.csv', header = true)", "homefeed/data/exposures.csv"},
	{"analytics.events", "read_parquet('homefeed/data/events.parquet')", ""},
}

// duckTables opens DuckDB with the homefeed data loaded as tables.
func duckTables(t *testing.T) *engine.DuckDB {
	t.Helper()
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	duckExec(t, eng, "CREATE SCHEMA analytics")
	for _, tb := range homefeedTables {
		duckExec(t, eng, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", tb.name, tb.duckdb))
	}
	return eng
}

func duckExec(t *testing.T, eng *engine.DuckDB, sql string) {
	t.Helper()
	if _, err := eng.DB().Exec(sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// pgTypes maps DuckDB's column types of the example data to PostgreSQL's.
var pgTypes = map[string]string{"VARCHAR": "text", "TIMESTAMP": "timestamp", "DOUBLE": "double precision", "BIGINT": "bigint", "INTEGER": "integer", "BOOLEAN": "boolean", "DATE": "date"}

// loadPostgres creates the tables DuckDB holds in PostgreSQL, with the
// same column types, and copies the rows in as CSV: exposures.csv as it
// is, events.parquet converted to CSV by DuckDB first.
func loadPostgres(t *testing.T, duck *engine.DuckDB, pg *engine.Postgres) {
	t.Helper()
	ctx := context.Background()
	if err := pg.Exec(ctx, "CREATE SCHEMA analytics"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range homefeedTables {
		if err := pg.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", tb.name, strings.Join(pgColumns(t, duck, tb.name), ", "))); err != nil {
			t.Fatal(err)
		}
		copyTable(t, duck, pg, tb.name, tb.file, tb.name)
	}
	if err := pg.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

// pgColumns are the column definitions of a DuckDB table in PostgreSQL.
func pgColumns(t *testing.T, duck *engine.DuckDB, table string) []string {
	t.Helper()
	desc, err := duck.Query(context.Background(), "DESCRIBE "+table)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, row := range desc.Rows {
		typ, ok := pgTypes[fmt.Sprint(row[1])]
		if !ok {
			t.Fatalf("%s.%v: no PostgreSQL type for %v", table, row[0], row[1])
		}
		cols = append(cols, fmt.Sprintf("%q %s", row[0], typ))
	}
	return cols
}

// copyTable copies DuckDB's table into the PostgreSQL table into, as CSV:
// the file when it is DuckDB's source ("" for none), else DuckDB's rows
// written to a CSV file first. The row counts must agree.
func copyTable(t *testing.T, duck *engine.DuckDB, pg *engine.Postgres, table, file, into string) {
	t.Helper()
	ctx := context.Background()
	if file == "" {
		file = filepath.Join(t.TempDir(), table+".csv")
		duckExec(t, duck, fmt.Sprintf("COPY %s TO '%s' (HEADER)", table, file))
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	n, err := pg.CopyCSV(ctx, into, f)
	f.Close()
	if err != nil {
		t.Fatalf("COPY %s: %v", into, err)
	}
	count, err := duck.Query(ctx, "SELECT count(*) FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	if want, err := engine.Float(count.Rows[0][0]); err != nil || float64(n) != want {
		t.Fatalf("COPY %s: %d rows, DuckDB has %g", into, n, want)
	}
}

// tableSpecs are the specs run on tables: the dialect corpus, and the
// homefeed example with its sources rewritten to the same tables.
func tableSpecs(t *testing.T) map[string]*model.Package {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"experiments.cal", "metrics.cal", "sources.cal"} {
		src, err := os.ReadFile(filepath.Join("homefeed", f))
		if err != nil {
			t.Fatal(err)
		}
		src = regexp.MustCompile(`from \w+\("data/(\w+)\.\w+"\)`).ReplaceAll(src, []byte(`from table("analytics.$1")`))
		if err := os.WriteFile(filepath.Join(dir, f), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*model.Package{}
	for name, path := range map[string]string{"homefeed": dir, "dialects": filepath.Join("..", "testdata", "dialects")} {
		res := lang.Load(path)
		if res.Diags.HasErrors() {
			t.Fatalf("%s: %v", name, res.Diags.Err())
		}
		out[name] = res.Package
	}
	return out
}

// runReport runs a package on an engine.
func runReport(t *testing.T, eng engine.Engine, pkg *model.Package) *result.Report {
	t.Helper()
	rep, diags := runtime.Run(context.Background(), eng, pkg)
	if diags.HasErrors() {
		t.Fatalf("run on %s: %v", eng.Dialect().Name, diags.Err())
	}
	return rep
}

// diff compares two results: the same structure and text, and every
// number within tol (relative to the larger magnitude, absolute below 1),
// unrounded. It keeps the largest absolute and relative difference.
type diff struct {
	tol            float64
	problems       []string
	maxAbs, maxRel float64
	numbers        int
}

func (d *diff) number(path string, a, b float64) {
	d.numbers++
	if math.IsNaN(a) && math.IsNaN(b) || a == b {
		return
	}
	abs := math.Abs(a - b)
	scale := math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
	d.maxAbs = math.Max(d.maxAbs, abs)
	d.maxRel = math.Max(d.maxRel, abs/scale)
	if !(abs <= d.tol*scale) {
		d.problems = append(d.problems, fmt.Sprintf("%s: %.17g vs %.17g", path, a, b))
	}
}

func (d *diff) mismatch(path string, a, b any) {
	d.problems = append(d.problems, fmt.Sprintf("%s: %v vs %v", path, a, b))
}

// value walks two values of the same Go type (reports, in practice).
func (d *diff) value(path string, a, b reflect.Value) {
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				d.mismatch(path, a, b)
			}
			return
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			d.mismatch(path, a.Elem().Type(), b.Elem().Type())
			return
		}
		d.value(path, a.Elem(), b.Elem())
	case reflect.Struct:
		if ta, ok := a.Interface().(time.Time); ok {
			if !ta.Equal(b.Interface().(time.Time)) {
				d.mismatch(path, a, b)
			}
			return
		}
		for i := 0; i < a.NumField(); i++ {
			if a.Type().Field(i).IsExported() {
				d.value(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			d.mismatch(path, fmt.Sprintf("%d items", a.Len()), fmt.Sprintf("%d items", b.Len()))
			return
		}
		for i := 0; i < a.Len(); i++ {
			d.value(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))
		}
	case reflect.Map:
		keys := map[string]reflect.Value{}
		for _, k := range append(a.MapKeys(), b.MapKeys()...) {
			keys[fmt.Sprint(k)] = k
		}
		var names []string
		for n := range keys {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			va, vb := a.MapIndex(keys[n]), b.MapIndex(keys[n])
			if !va.IsValid() || !vb.IsValid() {
				d.mismatch(path+"["+n+"]", va, vb)
				continue
			}
			d.value(path+"["+n+"]", va, vb)
		}
	case reflect.Float32, reflect.Float64:
		d.number(path, a.Float(), b.Float())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.number(path, float64(a.Int()), float64(b.Int()))
	default:
		if fmt.Sprint(a.Interface()) != fmt.Sprint(b.Interface()) {
			d.mismatch(path, a, b)
		}
	}
}

// table compares two query results cell by cell.
func (d *diff) table(path string, a, b *engine.Table) {
	if strings.Join(a.Columns, ",") != strings.Join(b.Columns, ",") || len(a.Rows) != len(b.Rows) {
		d.mismatch(path, fmt.Sprintf("%v, %d rows", a.Columns, len(a.Rows)), fmt.Sprintf("%v, %d rows", b.Columns, len(b.Rows)))
		return
	}
	for r := range a.Rows {
		for c, col := range a.Columns {
			x, y := a.Rows[r][c], b.Rows[r][c]
			p := fmt.Sprintf("%s[%d].%s", path, r, col)
			switch xv := x.(type) {
			case nil:
				if y != nil {
					d.mismatch(p, x, y)
				}
			case string, bool:
				if x != y {
					d.mismatch(p, x, y)
				}
			case time.Time:
				if yv, ok := y.(time.Time); !ok || !xv.Equal(yv) {
					d.mismatch(p, x, y)
				}
			default:
				if y == nil {
					d.mismatch(p, x, y)
					continue
				}
				xf, err1 := engine.Float(x)
				yf, err2 := engine.Float(y)
				if err1 != nil || err2 != nil {
					d.mismatch(p, x, y)
					continue
				}
				d.number(p, xf, yf)
			}
		}
	}
}

func (d *diff) report(t *testing.T, what string) {
	t.Helper()
	for i, p := range d.problems {
		if i == 20 {
			t.Errorf("... and %d more", len(d.problems)-i)
			break
		}
		t.Error(p)
	}
	t.Logf("%s: %d numbers compared; largest difference %.3g (relative %.3g)", what, d.numbers, d.maxAbs, d.maxRel)
}

// compareReports compares two runs' reports (unrounded).
func compareReports(t *testing.T, name string, want, got *result.Report, tol float64) {
	t.Helper()
	d := &diff{tol: tol}
	d.value(name, reflect.ValueOf(want), reflect.ValueOf(got))
	d.report(t, name+" reports")
}

// compareQueries runs every query of every experiment of pkg on both
// engines, each in its own dialect, and compares the results.
func compareQueries(t *testing.T, name string, pkg *model.Package, a, b engine.Engine, tol float64) {
	t.Helper()
	ctx := context.Background()
	d := &diff{tol: tol}
	for _, e := range pkg.Targets {
		pa, err := compiler.Compile(e, a.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		pb, err := compiler.Compile(e, b.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		for i, q := range [][2]string{{pa.SQL, pb.SQL}, {pa.SplitSQL, pb.SplitSQL}, {pa.TimelineSQL, pb.TimelineSQL}} {
			if q[0] == "" {
				continue
			}
			ta, err := a.Query(ctx, q[0])
			if err != nil {
				t.Fatalf("%s on %s: %v", e.Name, a.Dialect().Name, err)
			}
			tb, err := b.Query(ctx, q[1])
			if err != nil {
				t.Fatalf("%s on %s: %v", e.Name, b.Dialect().Name, err)
			}
			d.table(fmt.Sprintf("%s/%s/%s", name, e.Name, []string{"main", "split", "timeline"}[i]), ta, tb)
		}
	}
	d.report(t, name+" query results")
}

// withDialect runs an engine with another dialect's SQL.
type withDialect struct {
	engine.Engine
	d *dialect.Dialect
}

func (e withDialect) Dialect() *dialect.Dialect { return e.d }

// fallbacks is DuckDB with every capability off and PostgreSQL's
// spellings where DuckDB understands them: no FILTER (CASE WHEN), no
// quantile aggregate (interpolated order statistics), plain sums, min for
// any_value, array_agg for arg_min, timestamps moved by a function,
// generate_series, extract(epoch), booleans cast through INTEGER, aliased
// subqueries. Run on DuckDB, it checks every fallback path on a real engine.
func fallbacks() *dialect.Dialect {
	d := *dialect.DuckDB
	d.Name, d.Title = "duckdb-fallbacks", "DuckDB without extensions"
	d.Types.Float, d.Types.String = "DOUBLE PRECISION", "TEXT"
	d.Filter, d.BoolToBigint, d.SubqueryAlias = false, false, true
	d.FloatSum, d.AnyValue, d.BoolOr = "sum", "min", "bool_or"
	d.ArgMin = dialect.Postgres.ArgMin
	d.Quantile = ""
	d.Interval, d.AddSeconds = "", "(%[1]s + to_seconds(%[2]s))"
	d.Seconds = dialect.Postgres.Seconds
	d.Series = dialect.Postgres.Series
	d.Functions = map[string]string{"weekday": "CAST(dayofweek(%s) AS BIGINT)", "contains": "(position(%[2]s IN %[1]s) > 0)"}
	return &d
}

// Every fallback of the dialects gives DuckDB's results on DuckDB.
func TestDialectFallbacksOnDuckDB(t *testing.T) {
	testenv.NeedLong(t, "runs the dialect corpus twice, with and without the fallbacks")
	eng := duckTables(t)
	pkg := tableSpecs(t)["dialects"]
	low := withDialect{eng, fallbacks()}
	compareQueries(t, "dialects", pkg, eng, low, 1e-9)
	compareReports(t, "dialects", runReport(t, eng, pkg), runReport(t, low, pkg), 1e-9)
}

// The homefeed experiments and the dialect corpus give the same results on
// PostgreSQL as on DuckDB, to 1e-9: the data loaded into a throwaway
// PostgreSQL server, the same specs with table sources run on both.
func TestPostgresMatchesDuckDB(t *testing.T) {
	url := pgtest.Start(t)
	ctx := context.Background()
	pg, err := engine.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	duck := duckTables(t)
	loadPostgres(t, duck, pg)
	specs := tableSpecs(t)
	for _, name := range []string{"homefeed", "dialects"} {
		t.Run(name, func(t *testing.T) {
			compareQueries(t, name, specs[name], duck, pg, 1e-9)
			compareReports(t, name, runReport(t, duck, specs[name]), runReport(t, pg, specs[name]), 1e-9)
		})
	}
	// Data problems are diagnostics on PostgreSQL too: columns from
	// information_schema (an sql source's from LIMIT 0), files refused.
	t.Run("validation", func(t *testing.T) {
		dir := t.TempDir()
		spec := `source events {
  from table("analytics.events")
  columns { user_id string  event int  surfce string }
}
source gone {
  from table("analytics.nope")
  columns { user_id string }
}
source recent {
  from sql """SELECT user_id, ts FROM analytics.events"""
  columns { user_id string  ts timestamp  revenue float }
}
source files {
  from csv("exposures.csv")
  columns { user_id string }
}
`
		if err := os.WriteFile(filepath.Join(dir, "spec.cal"), []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		res := lang.Load(dir)
		var got []string
		for _, s := range res.Package.Sources {
			for _, d := range runtime.ValidateSource(ctx, pg, pg.Dialect(), s) {
				msg, _, _ := strings.Cut(d.Message, ": \"") // the bad value found first
				got = append(got, msg)
			}
		}
		want := []string{
			"source `events`: column `event` is declared int but not every value is: ERROR: invalid input syntax for type bigint",
			"source `events`: column `surfce` (declared string) is not in the data",
			"source `gone`: table analytics.nope is not in the database",
			"source `recent`: column `revenue` (declared float) is not in the data",
			"source `files` reads files with csv(...), which PostgreSQL cannot read",
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	// The example read from its files and from tables agree (to the order
	// in which floating-point sums add up).
	t.Run("homefeed files", func(t *testing.T) {
		res := lang.Load("homefeed")
		compareReports(t, "homefeed", runReport(t, duck, res.Package), runReport(t, duck, specs["homefeed"]), 1e-9)
	})
}
