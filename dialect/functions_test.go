package dialect

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// syntax are words followed by "(" in the SQL that are not function calls:
// keywords, type names and the special forms every engine documents as
// syntax (CAST).
var syntax = map[string]bool{
	"and": true, "or": true, "not": true, "as": true, "distinct": true, "exists": true, "filter": true,
	"from": true, "in": true, "over": true, "sets": true, "using": true, "where": true, "when": true,
	"then": true, "else": true, "select": true, "group": true, "by": true, "on": true, "join": true,
	"values": true, "with": true, "lateral": true, "view": true, "unnest": true, "interval": true,
	"timestamp": true, "cast": true, "within": true,
}

var (
	sqlString  = regexp.MustCompile(`'(?:[^'\\]|\\.|'')*'`)
	sqlComment = regexp.MustCompile(`--[^\n]*`)
	// A call: a name and "(", not after AS (a table alias with columns).
	sqlCall = regexp.MustCompile("(?i)(\\bAS\\s+)?\\b([a-z_][a-z0-9_]*)\\s*\\(")
)

// calledFunctions are the functions an SQL text calls, lower case.
func calledFunctions(sql string) map[string]bool {
	sql = sqlComment.ReplaceAllString(sqlString.ReplaceAllString(sql, "''"), "")
	out := map[string]bool{}
	for _, m := range sqlCall.FindAllStringSubmatch(sql, -1) {
		name := strings.ToLower(m[2])
		if m[1] == "" && !syntax[name] {
			out[name] = true
		}
	}
	return out
}

// documented reads a list of documented names: one a line, "#" comments,
// at least one "# source: URL" line before the first name.
func documented(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	source := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "# source: https://"):
			source = true
		case line == "" || strings.HasPrefix(line, "#"):
		case !source:
			t.Fatalf("%s:%d: %q comes before any # source: URL", path, n, line)
		case line != strings.ToLower(line) || strings.ContainsAny(line, " \t("):
			t.Fatalf("%s:%d: %q is not a lower-case name", path, n, line)
		default:
			names[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// The dialect corpus calls exactly the functions FunctionsUsed lists for
// each warehouse dialect, and each is among the engine's documented names.
func TestFunctionsUsedAreDocumented(t *testing.T) {
	if len(FunctionsUsed) != 4 {
		t.Errorf("FunctionsUsed covers %d dialects, want the 4 warehouses", len(FunctionsUsed))
	}
	for name, used := range FunctionsUsed {
		if _, err := Lookup(name); err != nil {
			t.Errorf("FunctionsUsed: %v", err)
			continue
		}
		sql, err := os.ReadFile(filepath.Join("..", "testdata", "dialects", name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		called := calledFunctions(string(sql))
		listed := map[string]bool{}
		for _, f := range used {
			listed[f] = true
			if !called[f] {
				t.Errorf("%s: %s is listed in FunctionsUsed but the corpus does not call it", name, f)
			}
		}
		var missing []string
		for f := range called {
			if !listed[f] {
				missing = append(missing, f)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: the corpus calls %s, not in FunctionsUsed", name, strings.Join(missing, ", "))
		}
		docs := documented(t, filepath.Join("testdata", "documented", name+".txt"))
		for _, f := range used {
			if !docs[f] {
				t.Errorf("%s: %s is not among the documented names (testdata/documented/%s.txt)", name, f, name)
			}
		}
	}
}

// The extraction finds calls, not keywords, aliases or string contents.
func TestCalledFunctions(t *testing.T) {
	got := calledFunctions(`SELECT min_by(a, b), CAST(x AS DOUBLE), count(*) FILTER (WHERE s = 'f(x)') -- g(y)
FROM t, UNNEST(sequence(0, 3)) AS r(k) WHERE EXISTS (SELECT 1) AND x IN (1, 2)`)
	var names []string
	for f := range got {
		names = append(names, f)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "count min_by sequence" {
		t.Errorf("calledFunctions: %v, want count min_by sequence", names)
	}
}
