package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/caliper-dev/caliper/dialect"
)

// Postgres is a PostgreSQL database reached through one connection
// (github.com/jackc/pgx/v5). Its tables are the sources (`from table(...)`
// or `sql """..."""`); it reads no files.
type Postgres struct {
	conn *pgx.Conn
}

// postgresSession are the settings of the engine's session. Caliper's
// queries aggregate whole tables through CTEs, for whose results the
// planner has no statistics: it then estimates a row or two, picks nested
// loops that rescan their inner side per row (minutes instead of
// milliseconds on the example), and the costs that disabling them adds
// would trigger JIT compilation (seconds per query). Both are off for this
// session only; run the compiled SQL elsewhere with the same settings.
var postgresSession = []string{"SET enable_nestloop = off", "SET jit = off"}

// OpenPostgres connects to the database at url (postgres://user@host:port/db?...).
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	// Text comes back as UTF-8 whatever the database's encoding (and the
	// simple protocol needs it).
	cfg.RuntimeParams["client_encoding"] = "UTF8"
	// Timestamps with an offset become UTC instants whatever the server's
	// or the host's time zone.
	cfg.RuntimeParams["timezone"] = "UTC"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	p := &Postgres{conn: conn}
	for _, s := range postgresSession {
		if err := p.Exec(ctx, s); err != nil {
			return nil, errors.Join(fmt.Errorf("postgres session %q: %w", s, err), conn.Close(ctx))
		}
	}
	return p, nil
}

// Conn exposes the connection (for tests and tools that load data).
func (p *Postgres) Conn() *pgx.Conn { return p.conn }

// Dialect implements Engine.
func (p *Postgres) Dialect() *dialect.Dialect { return dialect.Postgres }

// Query implements Engine. Values come back as the DuckDB engine's do:
// int64, float64, string, bool, time.Time or nil; NUMERIC (sums of
// BIGINT) as int64 when whole and in range, float64 otherwise.
func (p *Postgres) Query(ctx context.Context, query string) (*Table, error) {
	return collect(ctx, p, query)
}

// Stream implements Engine, in the read-only transaction Query uses.
func (p *Postgres) Stream(ctx context.Context, query string, start func(columns []string) error, each func(row []any) error) error {
	// A spec's SQL runs in a read-only transaction, with the extended
	// protocol, which takes exactly one statement: nothing it holds can
	// write, or end the transaction and run more.
	tx, err := p.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	rows, err := tx.Query(ctx, query, pgx.QueryExecModeExec)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cols []string
	for _, fd := range rows.FieldDescriptions() {
		cols = append(cols, fd.Name)
	}
	if err := start(cols); err != nil {
		return err
	}
	var row []any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		row = row[:0]
		for _, v := range vals {
			row = append(row, pgValue(v))
		}
		if err := each(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Exec runs statements that return no rows (several may be separated by
// semicolons).
func (p *Postgres) Exec(ctx context.Context, sql string) error {
	_, err := p.conn.PgConn().Exec(ctx, sql).ReadAll()
	return err
}

// CopyCSV loads CSV text with a header row into an existing table.
func (p *Postgres) CopyCSV(ctx context.Context, table string, r io.Reader) (int64, error) {
	tag, err := p.conn.PgConn().CopyFrom(ctx, r, "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// Close implements Engine.
func (p *Postgres) Close() error { return p.conn.Close(context.Background()) }

// pgValue converts a value pgx decoded to the engine-neutral types.
func pgValue(v any) any {
	switch v := v.(type) {
	case nil, int64, float64, string, bool, time.Time:
		return v
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case float32:
		return float64(v)
	case pgtype.Numeric:
		return numericValue(v)
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// numericValue is a NUMERIC as int64 when it is a whole number that fits,
// float64 otherwise (nil for NULL, and NaN or infinities as floats).
func numericValue(n pgtype.Numeric) any {
	if !n.Valid {
		return nil
	}
	if n.NaN {
		return math.NaN()
	}
	switch n.InfinityModifier {
	case pgtype.Infinity:
		return math.Inf(1)
	case pgtype.NegativeInfinity:
		return math.Inf(-1)
	}
	if n.Exp >= 0 {
		i := new(big.Int).Mul(n.Int, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil))
		if i.IsInt64() {
			return i.Int64()
		}
	}
	f, err := n.Float64Value()
	if err != nil || !f.Valid {
		return nil
	}
	return f.Float64
}
