package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/caliper-dev/caliper/dialect"
)

// Confine limits what the engine's SQL can reach to the directories dirs
// (a spec folder's tree and its data roots): for DuckDB, external access is
// off except for those directories, extensions are neither installed nor
// loaded on demand, and the configuration is locked so that no later
// statement can lift the limits. It is called once, before any of a
// spec's SQL runs. PostgreSQL needs nothing here: it runs every query in a
// read-only transaction and reads no local files for a spec.
func Confine(e Engine, dirs []string) error {
	if d, ok := e.(*DuckDB); ok {
		return d.Confine(dirs)
	}
	return nil
}

// Confine implements Confine for DuckDB. A --temp-dir stays writable.
func (d *DuckDB) Confine(dirs []string) error {
	q := dialect.DuckDB.String
	var list []string
	for _, dir := range append(dirs, d.tempDir) {
		if dir != "" {
			list = append(list, q(strings.TrimRight(dir, "/")+"/"))
		}
	}
	for _, s := range []string{
		"SET allowed_directories = [" + strings.Join(list, ", ") + "]",
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET allow_community_extensions = false",
		"SET lock_configuration = true",
	} {
		if _, err := d.db.Exec(s); err != nil {
			return fmt.Errorf("confine duckdb (%s): %w", s, err)
		}
	}
	return nil
}

// QueryChecker is an engine that can tell, with its own parser and
// without running anything, whether a text is exactly one read-only query.
type QueryChecker interface {
	CheckQuery(ctx context.Context, text string) error
}

// CheckQuery parses text with DuckDB's parser (json_serialize_sql, which
// serializes SELECT statements only and reports every other statement,
// and every syntax error, as an error) and requires exactly one statement.
func (d *DuckDB) CheckQuery(ctx context.Context, text string) error {
	var out string
	if err := d.db.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(CAST(? AS VARCHAR)) AS VARCHAR)", text).Scan(&out); err != nil {
		return err
	}
	var res struct {
		Error      bool              `json:"error"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return fmt.Errorf("cannot read DuckDB's parse of the query: %w", err)
	}
	switch {
	case res.Error && strings.Contains(res.Message, "Only SELECT"):
		return fmt.Errorf("DuckDB parses it as a statement that is not a SELECT query")
	case res.Error:
		return fmt.Errorf("DuckDB cannot parse it: %s", res.Message)
	case len(res.Statements) != 1:
		return fmt.Errorf("DuckDB parses it as %d statements, not one query", len(res.Statements))
	}
	return nil
}

// CheckQuery prepares the text, inside a subquery, with PostgreSQL's
// parser and analyzer (nothing runs): a second statement, a statement that
// is not a query, or a data-modifying WITH (which PostgreSQL allows only
// at the top level) is an error.
func (p *Postgres) CheckQuery(ctx context.Context, text string) error {
	tx, err := p.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Conn().PgConn().Prepare(ctx, "", "SELECT * FROM ("+text+") AS caliper_query", nil)
	return err
}

// MaxResultRows caps the rows one query may return to Caliper: results
// are a few rows per metric, variant, segment and period, and more means
// a runaway split or timeline, which is refused rather than held in memory.
// Stream has no cap: a benchmark's per-query values are as many as its
// runs make. A variable only so that tests can lower it.
var MaxResultRows = 1_000_000

// RowsError is a query that returned more than MaxResultRows rows.
type RowsError struct{ Limit int }

func (e *RowsError) Error() string {
	return fmt.Sprintf("a query returned more than %d rows (limit: result rows, %d)", e.Limit, e.Limit)
}
