// Package engine runs SQL on a database engine and returns small result
// tables. DuckDB (embedded) is the default and PostgreSQL the other engine;
// the interface keeps the rest of the runtime engine-agnostic, and each
// engine names the SQL dialect the compiler must print for it.
package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/errs"
)

// Engine runs queries.
type Engine interface {
	// Query runs one statement and returns its rows as column -> value,
	// at most MaxResultRows of them.
	Query(ctx context.Context, query string) (*Table, error)
	// Stream runs one statement, hands its column names to start and then
	// its rows to each, one at a time, with no cap on their number: for a
	// result whose size the plan bounds, such as a benchmark's value per
	// model, query and metric. The row slice is reused between calls: each
	// copies what it keeps. An error from start or each stops the query.
	Stream(ctx context.Context, query string, start func(columns []string) error, each func(row []any) error) error
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
	db          *sql.DB
	tempDir     string
	ownTemp     string // the spill folder chosen here, removed on Close
	memoryLimit string // --memory-limit, "" for DuckDB's default
}

// tempSeq numbers the private spill folders of one process.
var tempSeq atomic.Int64

// DuckDBOptions are DuckDB settings; zero values keep DuckDB's defaults
// (memory_limit 80% of the machine's memory), except, for an in-memory
// database, the spill folder (a private folder under os.TempDir()).
type DuckDBOptions struct {
	// Threads is the number of worker threads (SET threads).
	Threads int
	// MemoryLimit caps DuckDB's memory, such as "4GB" (SET memory_limit);
	// beyond it operators spill to TempDir. Empty keeps DuckDB's default,
	// 80% of the machine's memory. (Caliper once defaulted to 3.5GiB; with
	// the main query's scan in the fused shape a 10M-unit, 100M-event run
	// peaks at 3.7-3.8 GB without it, and the cap made 50 metrics spill:
	// 2.9x the time of 1 metric instead of 1.9x. bench/README.md.)
	MemoryLimit string
	// TempDir is where DuckDB spills (SET temp_directory).
	TempDir string
}

// Validate reports options out of range: threads beyond 4 per core, a
// memory limit that is not a positive size with a unit.
func (o DuckDBOptions) Validate() error {
	_, err := o.settings()
	return err
}

// settings are the SET statements of the options.
func (o DuckDBOptions) settings() ([]string, error) {
	var out []string
	d := dialect.DuckDB
	if max := MaxThreads(); o.Threads < 0 || o.Threads > max {
		return nil, fmt.Errorf("--threads must be between 1 and 4 per core, got %d", o.Threads)
	}
	if o.MemoryLimit != "" && !memorySize.MatchString(o.MemoryLimit) {
		return nil, fmt.Errorf("--memory-limit must be a positive size with a unit, such as 512MB or 4GB, got %q", o.MemoryLimit)
	}
	if o.Threads > 0 {
		out = append(out, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	if limit := o.MemoryLimit; limit != "" {
		out = append(out, "SET memory_limit = "+d.String(limit))
	}
	if o.TempDir != "" {
		out = append(out, "SET temp_directory = "+d.String(o.TempDir))
	}
	return out, nil
}

// MaxThreads is the most worker threads --threads accepts: 4 per core.
func MaxThreads() int { return 4 * runtime.NumCPU() }

// memorySize is a positive amount of memory with its unit, as DuckDB's
// memory_limit takes it (no "-1", no bare number, no zero).
var memorySize = regexp.MustCompile(`(?i)^\s*(0*[1-9][0-9]*(\.[0-9]+)?|0*\.[0-9]*[1-9][0-9]*)\s*(B|[KMGT]i?B)\s*$`)

// sessionUTC runs on every DuckDB connection: timestamps with an offset
// become UTC instants, and the host's time zone never changes a result.
func sessionUTC(execer driver.ExecerContext) error {
	_, err := execer.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil)
	return err
}

// OpenDuckDB opens an in-memory DuckDB (or a file, if path is not empty).
func OpenDuckDB(path string) (*DuckDB, error) {
	return OpenDuckDBWith(path, DuckDBOptions{})
}

// DefaultThreads, when positive, is the number of worker threads of every
// DuckDB opened without a thread count (--threads). Zero keeps DuckDB's
// default, one per core. The quick test suite sets it to 1
// (testenv.DuckDBThreads): its data are a few hundred rows, where a second
// thread only adds scheduling cost (a fifth of the runtime tests' CPU).
var DefaultThreads int

// OpenDuckDBWith opens DuckDB like OpenDuckDB and applies the settings
// with SET statements (DuckDB's settings are database-wide).
func OpenDuckDBWith(path string, opt DuckDBOptions) (*DuckDB, error) {
	if opt.Threads == 0 && DefaultThreads > 0 {
		opt.Threads = DefaultThreads
	}
	own := ""
	if opt.TempDir == "" && path == "" {
		// DuckDB's default for an in-memory database spills to ".tmp" in
		// the working directory; a private folder under the system temp
		// folder is used instead (made by DuckDB only if it spills, and
		// removed on Close).
		own = filepath.Join(os.TempDir(), fmt.Sprintf("caliper-duckdb-%d-%d", os.Getpid(), tempSeq.Add(1)))
		opt.TempDir = own
	}
	sets, err := opt.settings()
	if err != nil {
		return nil, err
	}
	conn, err := duckdb.NewConnector(path, sessionUTC)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	for _, s := range sets {
		if _, err := db.Exec(s); err != nil {
			return nil, errors.Join(fmt.Errorf("duckdb setting %s: %w", strings.TrimPrefix(s, "SET "), err), db.Close())
		}
	}
	return &DuckDB{db: db, tempDir: opt.TempDir, ownTemp: own, memoryLimit: opt.MemoryLimit}, nil
}

// Dialect implements Engine.
func (d *DuckDB) Dialect() *dialect.Dialect { return dialect.DuckDB }

// DB exposes the database handle (for tests and tools).
func (d *DuckDB) DB() *sql.DB { return d.db }

// Query implements Engine.
func (d *DuckDB) Query(ctx context.Context, query string) (*Table, error) {
	return collect(ctx, d, query)
}

// Stream implements Engine.
func (d *DuckDB) Stream(ctx context.Context, query string, start func(columns []string) error, each func(row []any) error) (err error) {
	defer func() { err = d.resourceError(err) }()
	rows, err := d.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer errs.Close(rows, &err)
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	if err := start(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := each(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// collect gathers a streamed result into a Table, refusing more than
// MaxResultRows rows. A query with no rows still has its columns.
func collect(ctx context.Context, s interface {
	Stream(context.Context, string, func([]string) error, func([]any) error) error
}, query string) (*Table, error) {
	t := &Table{}
	start := func(cols []string) error { t.Columns = cols; return nil }
	err := s.Stream(ctx, query, start, func(row []any) error {
		if len(t.Rows) == MaxResultRows {
			return &RowsError{Limit: MaxResultRows}
		}
		t.Rows = append(t.Rows, append([]any(nil), row...))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Close implements Engine.
func (d *DuckDB) Close() error {
	err := d.db.Close()
	if d.ownTemp != "" {
		err = errors.Join(err, os.RemoveAll(d.ownTemp))
	}
	return err
}

// Float converts a numeric result value to float64. NULL, a value of
// another type and a non-finite number are errors: a missing or unreadable
// number is never 0.
func Float(v any) (float64, error) {
	var f float64
	switch v := v.(type) {
	case nil:
		return 0, fmt.Errorf("expected a number, found NULL")
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int64:
		f = float64(v)
	case int32:
		f = float64(v)
	case int16:
		f = float64(v)
	case int8:
		f = float64(v)
	case int:
		f = float64(v)
	case uint64:
		f = float64(v)
	case uint32:
		f = float64(v)
	case *big.Int: // HUGEINT
		f, _ = new(big.Float).SetInt(v).Float64()
	case fmt.Stringer: // DECIMAL values
		var err error
		f, err = strconv.ParseFloat(v.String(), 64)
		if err != nil {
			return 0, fmt.Errorf("expected a number, found %T %q", v, v.String())
		}
	default:
		return 0, fmt.Errorf("expected a number, found %T", v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("expected a finite number, found %v", f)
	}
	return f, nil
}
