// Package dialect describes the SQL dialects Caliper prints. A dialect is a
// small value: how to quote, which types and functions it spells how, and
// which features it has. Everything that differs between engines is a field
// of that value (a capability flag or a spelling), so the compiler has one
// code path for all of them and adding a dialect is adding a value.
//
// Spellings are fmt formats. A format with explicit argument indexes
// (%[1]s, %[2]s) documents what each index is; the compiler never looks at
// a dialect's name.
package dialect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/lang/types"
)

// Dialect is one SQL dialect's capabilities and spellings.
type Dialect struct {
	// Name is the dialect's name on the command line (--dialect).
	Name string
	// Title is its name in prose.
	Title string

	// IdentQuote encloses identifiers; IdentEscape is how an IdentQuote
	// inside a name is written.
	IdentQuote, IdentEscape string
	// BackslashEscapes: backslash is an escape character in string
	// literals, so literals escape backslashes and quotes with one
	// (otherwise quotes are doubled and backslashes are plain).
	BackslashEscapes bool
	// FoldsUnquoted: the engine stores unquoted names in upper case, so the
	// names of the user's tables and columns are left unquoted when they
	// are plain lower-case words (they then resolve as the engine folds
	// them); Caliper's own names are always quoted.
	FoldsUnquoted bool

	// Types are the SQL names of the spec language's types.
	Types Types
	// Instant is the type with a time zone that timestamp columns are read
	// through before Types.Timestamp, so that a value with an offset is
	// that instant in the session's time zone (the engines run their
	// sessions in UTC); "" where Types.Timestamp already keeps the instant.
	Instant string
	// NaiveTimestamps are the data types (as the engine describes them)
	// of timestamps stored without a time zone, which the session (in
	// UTC) reads unchanged through Instant: a column of one of them is
	// read without the casts, which cost as much as the rest of a query
	// (DuckDB converts every value through ICU's calendar).
	NaiveTimestamps []string

	// Files: the engine reads files (csv, parquet, json readers); without
	// it a source must be table(...) or sql """...""".
	Files bool
	// Filter: aggregates accept FILTER (WHERE ...); without it they are
	// lowered to CASE WHEN inside the aggregate.
	Filter bool
	// BoolToBigint: a boolean casts to Types.Int directly; without it the
	// cast goes through Types.Integer.
	BoolToBigint bool
	// SubqueryAlias: a subquery in FROM needs an alias.
	SubqueryAlias bool
	// Benchmarks: the offline benchmark SQL (compiler/rank) runs on it;
	// it then needs Log2 and Raise, and ByteOrder where text does not
	// compare byte by byte.
	Benchmarks bool
	// Unpivot: the engine has UNPIVOT ... INCLUDE NULLS; without it, a
	// row's columns turn into rows by CROSS JOIN LATERAL (VALUES ...).
	Unpivot bool

	// FloatSum sums floating-point values, compensated where the engine
	// has it (DuckDB's fsum), so results do not depend on summation order.
	FloatSum string
	// AnyValue is an aggregate returning any value of the group, used where
	// every value of the group is the same.
	AnyValue string
	// BoolOr is the logical-or aggregate (also used as a window function).
	BoolOr string
	// ArgMin is the value (%[1]s) of the row with the smallest ordering
	// key (%[2]s), ignoring rows whose value is NULL.
	ArgMin string
	// Quantile is the continuous (linearly interpolated) quantile
	// aggregate of %[1]s at fraction %[2]s, ignoring NULLs; "" when the
	// engine has no exact one, in which case the compiler interpolates
	// between order statistics itself.
	Quantile string
	// Interval is the literal of %d seconds; timestamps move by adding,
	// subtracting and multiplying it. "" when timestamps move with
	// AddSeconds instead.
	Interval string
	// AddSeconds moves timestamp %[1]s by the integer number of seconds
	// %[2]s (an SQL expression, negative to move back).
	AddSeconds string
	// Seconds is the number of seconds from timestamp %[2]s to %[1]s, as
	// a number.
	Seconds string
	// TruncDay truncates timestamp %s to its day.
	TruncDay string
	// Series is appended after a FROM item to join the integers 0 to %s
	// (an SQL expression, inclusive); SeriesValue is the integer.
	Series, SeriesValue string
	// TryCast casts %[1]s to type %[2]s, NULL when it does not convert;
	// "" when the engine has no such cast.
	TryCast string
	// Describe lists the columns of relation %s, with column_name and
	// column_type columns; "" when the runtime reads the catalog instead.
	Describe string
	// Log2 is the base-2 logarithm of %s (nDCG's discount).
	Log2 string
	// Raise is a boolean expression that fails the query with the text
	// %s (an SQL expression) in its error message: the benchmark SQL's
	// checks for duplicate documents. The text must not be a valid
	// value of the expression's type (Caliper's messages start with a
	// word, "benchmark").
	Raise string
	// ByteOrder is the text expression %s ordered and compared byte by
	// byte (C's strcmp), as trec_eval breaks ties between documents; ""
	// where text already sorts that way.
	ByteOrder string
	// Functions override the standard library's scalar lowerings, by
	// function name: fmt formats over the arguments' SQL.
	Functions map[string]string
}

// Types are the SQL names of the spec language's types, plus the plain
// integer that booleans cast to.
type Types struct {
	Int, Integer, Float, Bool, String, Timestamp, Date string
}

// DuckDB is the embedded default engine's dialect.
var DuckDB = &Dialect{
	Name: "duckdb", Title: "DuckDB",
	IdentQuote: `"`, IdentEscape: `""`,
	Types:           Types{Int: "BIGINT", Integer: "INTEGER", Float: "DOUBLE", Bool: "BOOLEAN", String: "VARCHAR", Timestamp: "TIMESTAMP", Date: "DATE"},
	Instant:         "TIMESTAMPTZ",
	NaiveTimestamps: []string{"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"},
	Files:           true, Filter: true, BoolToBigint: true, Benchmarks: true, Unpivot: true,
	FloatSum:    "fsum",
	AnyValue:    "any_value",
	BoolOr:      "bool_or",
	ArgMin:      "arg_min(%[1]s, %[2]s)",
	Quantile:    "quantile_cont(%[1]s, %[2]s)",
	Interval:    "INTERVAL '%d seconds'",
	Seconds:     "epoch(%[1]s - %[2]s)",
	TruncDay:    "date_trunc('day', %s)",
	Series:      ", range(0, %s + 1) r(k)",
	SeriesValue: "k",
	TryCast:     "TRY_CAST(%[1]s AS %[2]s)",
	Describe:    "DESCRIBE SELECT * FROM %s",
	Log2:        "log2(%s)",
	Raise:       "error(%s)",
}

// Postgres is PostgreSQL's dialect (run for real in the tests).
var Postgres = &Dialect{
	Name: "postgres", Title: "PostgreSQL",
	IdentQuote: `"`, IdentEscape: `""`,
	Types:   Types{Int: "BIGINT", Integer: "INTEGER", Float: "DOUBLE PRECISION", Bool: "BOOLEAN", String: "TEXT", Timestamp: "TIMESTAMP", Date: "DATE"},
	Instant: "TIMESTAMPTZ",
	Filter:  true, SubqueryAlias: true, Benchmarks: true,
	FloatSum:    "sum",
	AnyValue:    "min", // any_value needs PostgreSQL 16
	BoolOr:      "bool_or",
	ArgMin:      "(array_agg(%[1]s ORDER BY %[2]s) FILTER (WHERE %[1]s IS NOT NULL))[1]",
	Quantile:    "percentile_cont(%[2]s) WITHIN GROUP (ORDER BY %[1]s)",
	Interval:    "INTERVAL '%d seconds'",
	Seconds:     "extract(epoch FROM %[1]s - %[2]s)",
	TruncDay:    "date_trunc('day', %s)",
	Series:      ", generate_series(0, %s) r(k)",
	SeriesValue: "k",
	Log2:        "(ln(%s) / ln(2))", // no log2 for double precision
	// No function raises an error; a cast of the message to boolean fails
	// with it ("invalid input syntax for type boolean: \"benchmark ...\"").
	Raise:     "CAST(%s AS BOOLEAN)",
	ByteOrder: `%s COLLATE "C"`, // the database's collation may be a locale's
}

// Spark is Spark SQL's dialect (Spark 3.4+, Databricks).
var Spark = &Dialect{
	Name: "spark", Title: "Spark SQL",
	IdentQuote: "`", IdentEscape: "``", BackslashEscapes: true,
	Types:  Types{Int: "BIGINT", Integer: "INT", Float: "DOUBLE", Bool: "BOOLEAN", String: "STRING", Timestamp: "TIMESTAMP", Date: "DATE"},
	Filter: true, BoolToBigint: true,
	FloatSum:    "sum",
	AnyValue:    "any_value",
	BoolOr:      "bool_or",
	ArgMin:      "min_by(%[1]s, %[2]s)",
	Quantile:    "percentile(%[1]s, %[2]s)",
	Interval:    "INTERVAL '%d' SECOND",
	Seconds:     "((unix_micros(%[1]s) - unix_micros(%[2]s)) / 1000000)",
	TruncDay:    "date_trunc('DAY', %s)",
	Series:      " LATERAL VIEW explode(sequence(0, %s)) r AS k",
	SeriesValue: "k",
	TryCast:     "try_cast(%[1]s AS %[2]s)",
	Functions: map[string]string{
		"weekday":     "CAST(dayofweek(%s) - 1 AS BIGINT)",
		"contains":    "(instr(%s, %s) > 0)",
		"starts_with": "startswith(%s, %s)",
	},
}

// BigQuery is Google BigQuery's dialect (GoogleSQL).
var BigQuery = &Dialect{
	Name: "bigquery", Title: "BigQuery",
	IdentQuote: "`", IdentEscape: "\\`", BackslashEscapes: true,
	Types:        Types{Int: "INT64", Integer: "INT64", Float: "FLOAT64", Bool: "BOOL", String: "STRING", Timestamp: "TIMESTAMP", Date: "DATE"},
	BoolToBigint: true,
	FloatSum:     "sum",
	AnyValue:     "ANY_VALUE",
	BoolOr:       "LOGICAL_OR",
	ArgMin:       "MIN_BY(%[1]s, %[2]s)",
	AddSeconds:   "TIMESTAMP_ADD(%[1]s, INTERVAL %[2]s SECOND)",
	Seconds:      "(TIMESTAMP_DIFF(%[1]s, %[2]s, MICROSECOND) / 1000000)",
	TruncDay:     "TIMESTAMP_TRUNC(%s, DAY)",
	Series:       " CROSS JOIN UNNEST(GENERATE_ARRAY(0, %s)) AS k",
	SeriesValue:  "k",
	TryCast:      "SAFE_CAST(%[1]s AS %[2]s)",
	Functions: map[string]string{
		"hour":    "EXTRACT(HOUR FROM %s)",
		"weekday": "(EXTRACT(DAYOFWEEK FROM %s) - 1)",
	},
}

// Snowflake is Snowflake's dialect.
var Snowflake = &Dialect{
	Name: "snowflake", Title: "Snowflake",
	IdentQuote: `"`, IdentEscape: `""`, BackslashEscapes: true, FoldsUnquoted: true,
	Types:        Types{Int: "BIGINT", Integer: "INTEGER", Float: "DOUBLE", Bool: "BOOLEAN", String: "VARCHAR", Timestamp: "TIMESTAMP_NTZ", Date: "DATE"},
	BoolToBigint: true,
	FloatSum:     "sum",
	AnyValue:     "ANY_VALUE",
	BoolOr:       "BOOLOR_AGG",
	ArgMin:       "MIN_BY(%[1]s, %[2]s)",
	Quantile:     "percentile_cont(%[2]s) WITHIN GROUP (ORDER BY %[1]s)",
	AddSeconds:   "DATEADD(second, %[2]s, %[1]s)",
	Seconds:      "(DATEDIFF(microsecond, %[2]s, %[1]s) / 1000000)",
	TruncDay:     "date_trunc('day', %s)",
	Series:       ", LATERAL FLATTEN(input => ARRAY_GENERATE_RANGE(0, %s + 1)) r",
	SeriesValue:  "CAST(r.value AS BIGINT)",
	TryCast:      "TRY_CAST(%[1]s AS %[2]s)",
	Functions: map[string]string{
		"weekday":     "CAST(MOD(DAYOFWEEKISO(%s), 7) AS BIGINT)",
		"contains":    "CONTAINS(%s, %s)",
		"starts_with": "STARTSWITH(%s, %s)",
	},
}

// Trino is Trino's (and Presto's) dialect.
var Trino = &Dialect{
	Name: "trino", Title: "Trino",
	IdentQuote: `"`, IdentEscape: `""`,
	Types:  Types{Int: "BIGINT", Integer: "INTEGER", Float: "DOUBLE", Bool: "BOOLEAN", String: "VARCHAR", Timestamp: "TIMESTAMP(6)", Date: "DATE"},
	Filter: true, BoolToBigint: true,
	FloatSum:    "sum",
	AnyValue:    "arbitrary",
	BoolOr:      "bool_or",
	ArgMin:      "min_by(%[1]s, %[2]s)",
	Interval:    "INTERVAL '%d' SECOND",
	Seconds:     "(date_diff('millisecond', %[2]s, %[1]s) / 1000.0)",
	TruncDay:    "date_trunc('day', %s)",
	Series:      " CROSS JOIN UNNEST(sequence(0, %s)) AS r(k)",
	SeriesValue: "k",
	TryCast:     "try_cast(%[1]s AS %[2]s)",
	Functions: map[string]string{
		"weekday": "CAST(day_of_week(%s) %% 7 AS BIGINT)",
	},
}

// All lists the dialects, DuckDB first.
var All = []*Dialect{DuckDB, Postgres, Spark, BigQuery, Snowflake, Trino}

// Lookup returns the dialect with the name ("" is DuckDB).
func Lookup(name string) (*Dialect, error) {
	if name == "" {
		return DuckDB, nil
	}
	for _, d := range All {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("unknown dialect %q (supported: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the dialects' names.
func Names() []string {
	var out []string
	for _, d := range All {
		out = append(out, d.Name)
	}
	return out
}

// Ident quotes an identifier, escaping the quote character. Every
// identifier Caliper prints goes through here, so a column named `user id`
// or `a"b` is always valid SQL.
func (d *Dialect) Ident(name string) string {
	q := d.IdentQuote
	if strings.HasPrefix(d.IdentEscape, `\`) {
		name = strings.ReplaceAll(name, `\`, `\\`)
	}
	return q + strings.ReplaceAll(name, q, d.IdentEscape) + q
}

// SourceIdent quotes the name of one of the user's tables or columns:
// like Ident, except that where the engine folds unquoted names
// (FoldsUnquoted) a plain lower-case word stays unquoted.
func (d *Dialect) SourceIdent(name string) string {
	if d.FoldsUnquoted && plainWord(name) {
		return name
	}
	return d.Ident(name)
}

// plainWord reports whether name is a lower-case SQL word that is not a
// keyword likely to be reserved.
func plainWord(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return !reserved[name]
}

// reserved are words that a plain name must not be (the common reserved
// words of ANSI SQL and the warehouses).
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all alter and any as asc between by case cast check column connect
		constraint create cross current current_date current_time current_timestamp current_user
		default delete desc distinct drop else end exists false fetch following for from full grant
		group having ilike in increment inner insert intersect into is join lateral left like limit
		localtime localtimestamp minus natural not null of on or order organization qualify range
		regexp revoke right rlike row rows sample select set some start table tablesample then to
		trigger true try_cast union unique update using values view when whenever where window with`) {
		reserved[w] = true
	}
}

// String quotes a string literal: 'text', with embedded quotes doubled
// (or, with BackslashEscapes, escaped with a backslash).
func (d *Dialect) String(s string) string {
	if d.BackslashEscapes {
		s = strings.ReplaceAll(s, `\`, `\\`)
		return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Q requotes an SQL template written with double-quoted identifiers
// ("unit") into the dialect's quoting. Templates are Caliper's own text,
// never user data, which is quoted with Ident and String and substituted
// afterwards.
func (d *Dialect) Q(template string) string {
	if d.IdentQuote == `"` && d.IdentEscape == `""` {
		return template
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '"')
		if i < 0 {
			b.WriteString(template)
			return b.String()
		}
		j := strings.IndexByte(template[i+1:], '"')
		if j < 0 {
			panic("dialect: unbalanced quote in SQL template: " + template)
		}
		b.WriteString(template[:i])
		b.WriteString(d.Ident(template[i+1 : i+1+j]))
		template = template[i+2+j:]
	}
}

// Sprintf formats an SQL template (see Q) with arguments already in the
// dialect.
func (d *Dialect) Sprintf(template string, args ...any) string {
	return fmt.Sprintf(d.Q(template), args...)
}

// Type is the SQL name of a spec type.
func (d *Dialect) Type(t types.Type) string {
	switch t {
	case types.Int:
		return d.Types.Int
	case types.Float:
		return d.Types.Float
	case types.Bool:
		return d.Types.Bool
	case types.Timestamp:
		return d.Types.Timestamp
	case types.Date:
		return d.Types.Date
	}
	return d.Types.String
}

// Cast is CAST(expr AS type).
func (d *Dialect) Cast(expr, typ string) string { return "CAST(" + expr + " AS " + typ + ")" }

// BoolToInt casts a boolean to Types.Int (1 for true).
func (d *Dialect) BoolToInt(expr string) string {
	if d.BoolToBigint {
		return d.Cast(expr, d.Types.Int)
	}
	return d.Cast(d.Cast(expr, d.Types.Integer), d.Types.Int)
}

// Aggregate lowers fn(arg) over the rows where filter holds ("" for all
// rows): FILTER (WHERE ...) where the dialect has it, otherwise the filter
// moves into a CASE inside the aggregate (arg "*" counts rows, and a
// "DISTINCT " prefix stays outside the CASE).
func (d *Dialect) Aggregate(fn, arg, filter string) string {
	if filter == "" {
		return fmt.Sprintf("%s(%s)", fn, arg)
	}
	if d.Filter {
		return fmt.Sprintf("%s(%s) FILTER (WHERE %s)", fn, arg, filter)
	}
	if rest, ok := strings.CutPrefix(arg, "DISTINCT "); ok {
		return fmt.Sprintf("%s(DISTINCT CASE WHEN %s THEN %s END)", fn, filter, rest)
	}
	if arg == "*" {
		arg = "1"
	}
	return fmt.Sprintf("%s(CASE WHEN %s THEN %s END)", fn, filter, arg)
}

// Shift moves timestamp ts by n times secs seconds; n is an integer SQL
// expression, "" for once. A negative secs moves it back.
func (d *Dialect) Shift(ts, n string, secs int64) string {
	if d.Interval == "" {
		amount := strconv.FormatInt(secs, 10)
		if n != "" {
			amount = n + " * " + amount
		}
		return fmt.Sprintf(d.AddSeconds, ts, amount)
	}
	switch {
	case n != "":
		return fmt.Sprintf("%s + %s * "+d.Interval, ts, n, secs)
	case secs < 0:
		return fmt.Sprintf("%s - "+d.Interval, ts, -secs)
	}
	return fmt.Sprintf("%s + "+d.Interval, ts, secs)
}

// Function returns the dialect's override of a standard-library scalar
// function, if it has one.
func (d *Dialect) Function(name string) (string, bool) {
	f, ok := d.Functions[name]
	return f, ok
}

// CommentText makes a name safe inside an SQL `--` comment: a plain word
// (letters, digits, _ @ .) is printed as is, anything else as a Go-quoted
// ASCII string, so no line break, control character or non-ASCII rune
// from a spec can end the comment and start a statement.
func CommentText(name string) string {
	plain := name != ""
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '@' || r == '.') {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return strconv.QuoteToASCII(name)
}
