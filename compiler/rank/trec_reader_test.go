package rank

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/stdlib"
)

// The stdlib TREC readers' SQL (trec_qrels, trec_run) is run in DuckDB here,
// beside the offline compiler that uses it: stdlib's own tests stay
// engine-free and do not link DuckDB.

// trecDB opens an in-memory DuckDB closed with the test.
func trecDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// trecFile writes content to a file in a fresh temporary folder.
func trecFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// trecRows runs q and renders every row as tab-separated text (NULL as
// "NULL"), with the column names first.
func trecRows(t *testing.T, db *sql.DB, q string) ([]string, error) {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []string{strings.Join(cols, "\t")}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	return out, rows.Err()
}

func TestTrecQrelsIrregularWhitespace(t *testing.T) {
	db := trecDB(t)
	content := "q1 0 d1 2\n" +
		"q1  0\t\td#2   1\r\n" + // runs of spaces and tabs, a '#' inside the doc id, CRLF
		"\n" + // blank line
		"   \t\n" + // whitespace-only line
		"# a comment\n" +
		"  # an indented comment\n" +
		"\t q2\t0 d\"3 0  \v\f\r\n" + // leading whitespace, a quote in the id, trailing \v\f
		"q3 Q0 d4 -1\n" +
		"q3 0 d5 +3" // no final newline
	p := trecFile(t, "it's.qrels", content) // a quote in the path
	got, err := trecRows(t, db, stdlib.TrecQrelsSQL(dialect.DuckDB, p)+" ORDER BY 1, 2")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"query_id\tdoc_id\trelevance",
		"q1\td#2\t1",
		"q1\td1\t2",
		"q2\td\"3\t0",
		"q3\td4\t-1",
		"q3\td5\t3",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trec_qrels rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var cols []string
	for _, c := range stdlib.TrecQrelsColumns() {
		cols = append(cols, c.Name)
	}
	if strings.Join(cols, "\t") != got[0] {
		t.Errorf("stdlib.TrecQrelsColumns %v, SQL columns %s", cols, got[0])
	}
}

func TestTrecRunIrregularWhitespace(t *testing.T) {
	db := trecDB(t)
	content := "q1 Q0 d1 1 2.5 runA\n" +
		"  q1\tQ0  d#2\t2 \t 1e0 runA trailing junk is ignored\r\n" +
		"# comment\n" +
		"\n" +
		"q2\tQ0\td3\tx\t-3\trunB\n" + // a rank that is not a number is NULL
		"q2 Q0 d4 4 1.0 runB\n"
	p := trecFile(t, "run.txt", content)
	got, err := trecRows(t, db, stdlib.TrecRunSQL(dialect.DuckDB, p)+" ORDER BY 1, 2")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"query_id\tdoc_id\trank\tscore\ttag\tmodel",
		"q1\td#2\t2\t1\trunA\trunA",
		"q1\td1\t1\t2.5\trunA\trunA",
		"q2\td3\tNULL\t-3\trunB\trunB",
		"q2\td4\t4\t1\trunB\trunB",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trec_run rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var cols []string
	for _, c := range stdlib.TrecRunColumns() {
		cols = append(cols, c.Name)
	}
	if strings.Join(cols, "\t") != got[0] {
		t.Errorf("stdlib.TrecRunColumns %v, SQL columns %s", cols, got[0])
	}
}

func TestTrecGlob(t *testing.T) {
	db := trecDB(t)
	dir := t.TempDir()
	for i, tag := range []string{"a", "b"} {
		line := fmt.Sprintf("q1 Q0 d%d 1 0.5 %s\n", i, tag)
		if err := os.WriteFile(filepath.Join(dir, tag+".run"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := trecRows(t, db, "SELECT model, count(*) FROM ("+stdlib.TrecRunSQL(dialect.DuckDB, filepath.Join(dir, "*.run"))+") GROUP BY 1 ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\t1 b\t1"; strings.Join(got[1:], " ") != want {
		t.Errorf("glob: %v, want %s", got[1:], want)
	}
}

func TestTrecErrors(t *testing.T) {
	db := trecDB(t)
	cases := []struct {
		name, content string
		run           bool
		want          string
	}{
		{"qrels 3 fields", "q1 0 d1 1\nq1 0 d2\n", false, `trec_qrels("PATH"): malformed line (want "query_id iter doc_id relevance"): q1 0 d2`},
		{"qrels 5 fields", "q1 0 d1 1 extra\n", false, "malformed line"},
		{"qrels relevance", "q1 0 d1 1.5\n", false, "relevance is not a whole number: 1.5"},
		{"qrels control", "q1 0 d\x011 1\n", false, "control character U+0001"},
		{"run 5 fields", "q1 Q0 d1 1 0.5\n", true, `trec_run("PATH"): malformed line (want "query_id Q0 doc_id rank score tag"): q1 Q0 d1 1 0.5`},
		{"run score", "q1 Q0 d1 1 high tag\n", true, "score is not a finite number: high"},
		{"run score NaN", "q1 Q0 d1 1 nan tag\n", true, "score is not a finite number: nan"},
		{"run score infinite", "q1 Q0 d1 1 -1e999 tag\n", true, "score is not a finite number: -1e999"},
		{"run control", "q1 Q0 d1 1 0.5 t\x01x\n", true, "control character U+0001"},
	}
	for _, c := range cases {
		p := trecFile(t, "f.txt", c.content)
		q := stdlib.TrecQrelsSQL(dialect.DuckDB, p)
		if c.run {
			q = stdlib.TrecRunSQL(dialect.DuckDB, p)
		}
		_, err := trecRows(t, db, q)
		want := strings.ReplaceAll(c.want, "PATH", p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, want)
		}
	}
	if _, err := trecRows(t, db, stdlib.TrecRunSQL(dialect.DuckDB, filepath.Join(t.TempDir(), "missing.run"))); err == nil {
		t.Error("a missing file read without error")
	}
}

// TestTrecEmpty checks that files without data lines give no rows.
func TestTrecEmpty(t *testing.T) {
	db := trecDB(t)
	for _, content := range []string{"", "\n\n", "# only a comment\n"} {
		p := trecFile(t, "empty.run", content)
		got, err := trecRows(t, db, stdlib.TrecRunSQL(dialect.DuckDB, p))
		if err != nil || len(got) != 1 {
			t.Errorf("%q: %v rows, err %v", content, got, err)
		}
	}
}

// TestTrecReadersRegistered: trec_qrels and trec_run are source readers
// whose relation can follow FROM, as the compiler uses readers.
func TestTrecReadersRegistered(t *testing.T) {
	db := trecDB(t)
	files := map[string]string{
		"trec_qrels": trecFile(t, "q.txt", "q1 0 d1 1\n"),
		"trec_run":   trecFile(t, "r.txt", "q1 Q0 d1 1 0.5 tag\n"),
	}
	for _, name := range []string{"trec_qrels", "trec_run"} {
		r, ok := stdlib.LookupReader(name)
		if !ok || !r.Path || r.Args != 1 || r.Doc == "" {
			t.Fatalf("reader %s: %+v, %v", name, r, ok)
		}
		d := dialect.DuckDB
		got, err := trecRows(t, db, "SELECT count(*) FROM "+r.SQL(files[name], d.String, d.Ident))
		if err != nil || len(got) != 2 || got[1] != "1" {
			t.Errorf("reader %s: %v, %v", name, got, err)
		}
	}
}
