// Package engine runs SQL on a database engine and returns small result
// tables. DuckDB (embedded) is the default; the interface keeps the rest of
// the runtime engine-agnostic.
package engine

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Engine runs queries.
type Engine interface {
	// Query runs one statement and returns its rows as column -> value.
	Query(ctx context.Context, query string) (*Table, error)
	Close() error
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

// OpenDuckDB opens an in-memory DuckDB (or a file, if path is not empty).
func OpenDuckDB(path string) (*DuckDB, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db.SetMaxOpenConns(1)
	return &DuckDB{db: db}, nil
}

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
