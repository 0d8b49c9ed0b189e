package stdlib

import (
	"sort"
	"strings"
)

// Reader is a source's `from` form: how its relation is read.
type Reader struct {
	Name string
	Doc  string
	// Args is the number of string arguments.
	Args int
	// Path reports whether the argument is a file path or glob, resolved
	// relative to the spec file that holds it. Files are read by DuckDB
	// only (dialect.Dialect.Files): elsewhere such a source is an error.
	Path bool
	// Table reports whether the argument names a table or view of the
	// engine ([[catalog.]schema.]table), whose columns the engine's catalog
	// lists.
	Table bool
	// Query reports whether the argument is a SQL query of the engine
	// (checked as one read-only SELECT/WITH query, and written `sql "..."`
	// by the formatter).
	Query bool
	// Finite reports whether the reader itself refuses NaN and infinite
	// values in its float columns (the query fails), so a run need not scan
	// the data again to check them (runtime.ValidateSource).
	Finite bool
	// SQL lowers the reader to a relation. quoteString and quoteIdent are
	// the dialect's quoting functions (quoteIdent quotes the names of the
	// user's tables: dialect.Dialect.SourceIdent).
	SQL func(arg string, quoteString, quoteIdent func(string) string) string
}

var readers = []*Reader{
	{Name: "csv", Doc: "CSV file(s) with a header row", Args: 1, Path: true,
		SQL: func(a string, qs, _ func(string) string) string { return "read_csv(" + qs(a) + ", header = true)" }},
	{Name: "parquet", Doc: "Parquet file(s)", Args: 1, Path: true,
		SQL: func(a string, qs, _ func(string) string) string { return "read_parquet(" + qs(a) + ")" }},
	{Name: "json", Doc: "newline-delimited or array JSON file(s)", Args: 1, Path: true,
		SQL: func(a string, qs, _ func(string) string) string { return "read_json_auto(" + qs(a) + ")" }},
	{Name: "table", Doc: "a table or view of the engine, optionally schema-qualified", Args: 1, Table: true,
		SQL: func(a string, _, qi func(string) string) string {
			parts := strings.Split(a, ".")
			for i, p := range parts {
				parts[i] = qi(p)
			}
			return strings.Join(parts, ".")
		}},
	{Name: "sql", Doc: "a SQL query of the engine", Args: 1, Query: true,
		SQL: func(a string, _, _ func(string) string) string { return "(" + strings.TrimSpace(a) + ")" }},
}

var readerByName = map[string]*Reader{}

func init() {
	for _, r := range readers {
		readerByName[r.Name] = r
	}
}

// RegisterReader adds a reader to the catalog (used by packages that
// contribute readers, such as the TREC formats).
func RegisterReader(r *Reader) { readers = append(readers, r); readerByName[r.Name] = r }

// LookupReader returns the reader with the name.
func LookupReader(name string) (*Reader, bool) {
	r, ok := readerByName[name]
	return r, ok
}

// ReaderNames lists the readers' names, sorted.
func ReaderNames() []string {
	var out []string
	for _, r := range readers {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}
