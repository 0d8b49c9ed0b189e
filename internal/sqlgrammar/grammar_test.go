// Package sqlgrammar checks the SQL Caliper prints for the warehouses it
// does not run (Spark SQL, Trino, BigQuery, Snowflake) with maintained
// parsers of those dialects, run with Node (check.mjs; the npm packages
// pinned by package.json and package-lock.json, installed by `npm ci` in
// this folder, as .ci/run does). A golden that does not parse fails.
//
// What each parser covers: Spark SQL and Trino are parsed by dt-sql-parser,
// whose ANTLR4 grammars derive from the engines' own grammar files, so
// their verdict is the engine's parser's (the analyzer's checks, such as
// Trino refusing backquoted names, are not covered). BigQuery and Snowflake
// have no public grammar of their own; datafusion-sqlparser-rs's BigQuery
// and Snowflake dialects (a hand-written parser) check them, more leniently
// than the warehouses. PostgreSQL and DuckDB SQL run on the real engines in
// the tests instead.
package sqlgrammar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
)

// checked are the dialects whose goldens (testdata/dialects/<name>.sql)
// the parsers check.
var checked = []string{"spark", "trino", "bigquery", "snowflake"}

type result struct {
	File    string `json:"file"`
	Dialect string `json:"dialect"`
	Parser  string `json:"parser"`
	Errors  []struct {
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
}

// parse runs check.mjs over dialect=file pairs.
func parse(t *testing.T, pairs []string) map[string]result {
	t.Helper()
	testenv.NeedLong(t, "parses the warehouse SQL goldens with Node")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join("node_modules", "dt-sql-parser"))
	}
	if err != nil {
		msg := fmt.Sprintf("SQL grammar check needs node and `npm ci` in internal/sqlgrammar (Debian: apt-get install nodejs npm): %v", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: .ci/run must install them)")
		}
		t.Skip(msg)
	}
	cmd := exec.Command(node, append([]string{"check.mjs"}, pairs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	got := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("check.mjs printed %q: %v", sc.Text(), err)
		}
		got[r.Dialect+"="+r.File] = r
	}
	if len(got) != len(pairs) {
		t.Fatalf("check.mjs answered for %d of %d files:\n%s", len(got), len(pairs), out)
	}
	return got
}

// Every warehouse golden parses; the same goldens broken in two ways (a
// parenthesis left open, a keyword doubled) and a broken statement are
// rejected by every parser, so the check can fail.
func TestGoldensParse(t *testing.T) {
	dir := t.TempDir()
	var pairs, broken []string
	for _, d := range checked {
		golden := filepath.Join("..", "..", "testdata", "dialects", d+".sql")
		sql, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, d+"="+golden)
		// The other target kinds' goldens (testdata/dialects/<kind>/<d>.sql:
		// interleaving, counterfactual, rollout) parse too.
		kinds, err := filepath.Glob(filepath.Join("..", "..", "testdata", "dialects", "*", d+".sql"))
		if err != nil || len(kinds) < 3 {
			t.Fatalf("%s: %d goldens of other target kinds (%v), want interleaving, counterfactual and rollout", d, len(kinds), err)
		}
		for _, k := range kinds {
			pairs = append(pairs, d+"="+k)
		}
		for i, bad := range []string{
			strings.Replace(string(sql), "GROUP BY ", "GROUP BY (", 1),
			strings.Replace(string(sql), "WITH\n", "WITH WITH\n", 1),
			"SELECT a FROM t WHERE (b = 1;\n",
		} {
			if bad == string(sql) {
				t.Fatalf("%s: mutation %d changed nothing", golden, i)
			}
			f := filepath.Join(dir, fmt.Sprintf("%s-%d.sql", d, i))
			if err := os.WriteFile(f, []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
			broken = append(broken, d+"="+f)
		}
	}
	got := parse(t, append(pairs, broken...))
	for _, p := range pairs {
		r := got[p]
		for i, e := range r.Errors {
			if i == 5 {
				t.Errorf("... %d more", len(r.Errors)-i)
				break
			}
			t.Errorf("%s:%d:%d: %s (%s)", r.File, e.Line, e.Column, e.Message, r.Parser)
		}
		if len(r.Errors) == 0 {
			t.Logf("%s parses (%s)", r.File, r.Parser)
		}
	}
	for _, p := range broken {
		if r := got[p]; len(r.Errors) == 0 {
			t.Errorf("%s: broken SQL accepted by %s", p, r.Parser)
		}
	}
}
