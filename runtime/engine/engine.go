// Package engine runs SQL on a database engine and returns small result
// tables. DuckDB (embedded) is the default and PostgreSQL the other engine;
// the interface keeps the rest of the runtime engine-agnostic, and each
// engine names the SQL dialect the compiler must print for it.
package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/caliper-dev/caliper/compiler/dialect"
)

// Engine runs queries.
type Engine interface {
	// Query runs one statement and returns its rows as column -> value.
	Query(ctx context.Context, query string) (*Table, error)
	// Dialect is the SQL dialect the engine runs.
	Dialect() *dialect.Dialect
	Close() error
}

// Open opens the engine a --engine flag names: "duckdb" (or "") for an
// in-memory DuckDB with the given settings, or a postgres:// URL.
func Open(ctx context.Context, name string, opt DuckDBOptions) (Engine, error) {
	switch {
	case name == "" || name == "duckdb":
		return OpenDuckDBWith("", opt)
	case strings.HasPrefix(name, "postgres://") || strings.HasPrefix(name, "postgresql://"):
		if opt != (DuckDBOptions{}) {
			return nil, fmt.Errorf("--threads, --memory-limit and --temp-dir are DuckDB settings; they do not apply to PostgreSQL")
		}
		return OpenPostgres(ctx, name)
	}
	return nil, fmt.Errorf("unknown engine %q (supported: duckdb, or a postgres://user@host:port/db URL)", name)
}

// Table is a query result: column names and rows of values (int64,
// float64, string, bool, time.Time or nil).
type Table struct {
	Columns []string
	Rows    [][]any
}

// Index returns the position of a column, or -1.
func (t *Table) Index(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// DuckDB is an embedded DuckDB database.
type DuckDB struct {
	db *sql.DB
}

// DuckDBOptions are DuckDB settings; zero values keep DuckDB's defaults.
type DuckDBOptions struct {
	// Threads is the number of worker threads (SET threads).
	Threads int
	// MemoryLimit caps DuckDB's memory, such as "4GB" (SET memory_limit);
	// beyond it operators spill to TempDir.
	MemoryLimit string
	// TempDir is where DuckDB spills (SET temp_directory).
	TempDir string
}

// settings are the SET statements of the options.
func (o DuckDBOptions) settings() ([]string, error) {
	var out []string
	d := dialect.DuckDB
	if o.Threads < 0 {
		return nil, fmt.Errorf("--threads must be a positive number, got %d", o.Threads)
	}
	if o.Threads > 0 {
		out = append(out, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	if o.MemoryLimit != "" {
		out = append(out, "SET memory_limit = "+d.String(o.MemoryLimit))
	}
	if o.TempDir != "" {
		out = append(out, "SET temp_directory = "+d.String(o.TempDir))
	}
	return out, nil
}

// OpenDuckDB opens an in-memory DuckDB (or a file, if path is not empty).
func OpenDuckDB(path string) (*DuckDB, error) {
	return OpenDuckDBWith(path, DuckDBOptions{})
}

// OpenDuckDBWith opens DuckDB like OpenDuckDB and applies the settings
// with SET statements (DuckDB's settings are database-wide).
func OpenDuckDBWith(path string, opt DuckDBOptions) (*DuckDB, error) {
	sets, err := opt.settings()
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db.SetMaxOpenConns(1)
	for _, s := range sets {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb setting %s: %w", strings.TrimPrefix(s, "SET "), err)
		}
	}
	return &DuckDB{db: db}, nil
}

// Dialect implements Engine.
func (d *DuckDB) Dialect() *dialect.Dialect { return dialect.DuckDB }

// DB exposes the database handle (for tests and tools).
func (d *DuckDB) DB() *sql.DB { return d.db }

// Query implements Engine.
func (d *DuckDB) Query(ctx context.Context, query string) (*Table, error) {
	rows, err := d.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// Close implements Engine.
func (d *DuckDB) Close() error { return d.db.Close() }

// Float converts a numeric result value to float64 (nil is 0).
func Float(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int64:
		return float64(v)
	case int32:
		return float64(v)
	case int:
		return float64(v)
	case uint64:
		return float64(v)
	case fmt.Stringer: // HUGEINT / DECIMAL values
		var f float64
		fmt.Sscan(v.String(), &f)
		return f
	}
	return 0
}
