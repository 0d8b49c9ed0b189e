// Package dialect describes the SQL dialects Caliper prints. A dialect is a
// small value: how to quote, how to read files, and which features it has.
// Everything that differs between engines goes through it, so the compiler
// has one code path for all of them.
package dialect

import (
	"strings"
)

// Dialect is one SQL dialect's capabilities and spellings.
type Dialect struct {
	Name string
	// Filter reports whether aggregates accept FILTER (WHERE ...); without
	// it the compiler lowers to CASE WHEN.
	Filter bool
}

// DuckDB is the embedded default engine's dialect.
var DuckDB = &Dialect{Name: "duckdb", Filter: true}

// Ident quotes an identifier: "name", with embedded quotes doubled. Every
// identifier Caliper prints goes through here, so a column named `user id`
// or `a"b` is always valid SQL.
func (d *Dialect) Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// String quotes a string literal: 'text', with embedded quotes doubled.
func (d *Dialect) String(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
