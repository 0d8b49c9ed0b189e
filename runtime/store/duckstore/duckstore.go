// Package duckstore is the results store (package store) in an embedded
// DuckDB file: one writer per file, a run appended whole in one
// transaction, and the schema versioned in a meta table.
package duckstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/runtime/store"
)

// Open opens the store at location for writing, creating it on first use.
// A location is a DuckDB file path; PostgreSQL URLs are reserved for a
// later backend.
func Open(location string) (store.Store, error) {
	if err := unsupported(location); err != nil {
		return nil, err
	}
	return OpenDuckDB(location)
}

// OpenReadOnly opens an existing store for reading.
func OpenReadOnly(location string) (store.Store, error) {
	if err := unsupported(location); err != nil {
		return nil, err
	}
	return OpenDuckDBReadOnly(location)
}

func unsupported(location string) error {
	if strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://") {
		return fmt.Errorf("PostgreSQL results stores are not supported yet: use a DuckDB file path")
	}
	return nil
}

// schema creates the tables of SchemaVersion. `results` rows belong to
// the `runs` row with their run_id; `ord` is a row's position in the
// run's report. Figures are DOUBLE (full precision), NULL when not
// estimated; segment and split are JSON objects, ” for overall rows;
// period is NULL except on timeline rows.
var schema = []string{
	`CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
	`CREATE TABLE runs (
	run_id           VARCHAR PRIMARY KEY,
	seq              BIGINT NOT NULL UNIQUE,
	run_time         TIMESTAMP NOT NULL, -- UTC
	caliper_version  VARCHAR NOT NULL,
	spec_path        VARCHAR NOT NULL,
	spec_hash        VARCHAR NOT NULL,
	data_fingerprint VARCHAR NOT NULL,
	data_sources     VARCHAR NOT NULL, -- JSON array
	targets          INTEGER NOT NULL,
	results          INTEGER NOT NULL  -- number of results rows of the run
)`,
	`CREATE TABLE results (
	run_id           VARCHAR NOT NULL,
	ord              INTEGER NOT NULL,
	target           VARCHAR NOT NULL,
	target_kind      VARCHAR NOT NULL,
	metric           VARCHAR NOT NULL,
	metric_kind      VARCHAR NOT NULL,
	role             VARCHAR NOT NULL,
	direction        VARCHAR NOT NULL,
	variant          VARCHAR NOT NULL,
	control          VARCHAR NOT NULL,
	segment          VARCHAR NOT NULL,
	split            VARCHAR NOT NULL,
	period           INTEGER, -- timeline rows only
	timeline         VARCHAR, -- 'period' or 'cumulative' on timeline rows
	period_start     VARCHAR,
	period_end       VARCHAR,
	control_units    BIGINT NOT NULL,
	treatment_units  BIGINT NOT NULL,
	control_value    DOUBLE,
	treatment_value  DOUBLE,
	estimate         DOUBLE,
	ci_lower         DOUBLE,
	ci_upper         DOUBLE,
	std_error        DOUBLE,
	rel_estimate     DOUBLE,
	rel_ci_lower     DOUBLE,
	rel_ci_upper     DOUBLE,
	rel_std_error    DOUBLE,
	p_value          DOUBLE,
	p_value_adjusted DOUBLE,
	significant      BOOLEAN NOT NULL,
	method           VARCHAR NOT NULL,
	alpha            DOUBLE NOT NULL,
	decision         VARCHAR, -- the variant's launch outcome
	rel_method       VARCHAR, -- how the relative interval was built: fieller or delta (schema 2)
	rel_gap_lower    DOUBLE,  -- an unbounded relative interval of two rays (-inf, gap_lower] U [gap_upper, inf) (schema 2)
	rel_gap_upper    DOUBLE,
	PRIMARY KEY (run_id, ord)
)`,
	`CREATE VIEW run_results AS
	SELECT r.seq, r.run_time, r.caliper_version, r.spec_hash, r.data_fingerprint, x.*
	FROM results x JOIN runs r USING (run_id)`,
}

// resultColumns are the results columns Append writes, in order.
const resultColumns = `run_id, ord, target, target_kind, metric, metric_kind, role, direction, variant, control,
	segment, split, period, timeline, period_start, period_end, control_units, treatment_units, control_value, treatment_value,
	estimate, ci_lower, ci_upper, std_error, rel_estimate, rel_ci_lower, rel_ci_upper, rel_std_error,
	p_value, p_value_adjusted, significant, method, alpha, decision, rel_method, rel_gap_lower, rel_gap_upper`

// DuckDB is a results store in a DuckDB file. One process may hold it
// for writing at a time (DuckDB locks the file); within a process, a
// file is opened by one DuckDB store at a time.
type DuckDB struct {
	db      *sql.DB
	path    string // the registry key
	version int    // the file's schema version (older files opened read-only are read as they are)
}

var (
	openMu sync.Mutex
	open   = map[string]bool{}
)

// testHookInTx, when set, runs inside Append's transaction after the rows
// are written and before the commit (the crash test sleeps there).
var testHookInTx func()

// OpenDuckDB opens (creating it and its tables on first use) the store in
// the file path for reading and writing.
func OpenDuckDB(path string) (*DuckDB, error) {
	return openDuckDB(path, false)
}

// OpenDuckDBReadOnly opens an existing store for reading.
func OpenDuckDBReadOnly(path string) (*DuckDB, error) {
	if _, err := os.Stat(path); err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("no results store at %s (write one with `caliper run --store %s`)", path, path)
		}
		return nil, err
	}
	return openDuckDB(path, true)
}

func openDuckDB(path string, readOnly bool) (*DuckDB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("results store path %q: ? and # are not allowed", path)
	}
	key, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.EvalSymlinks(key); err == nil {
		key = r
	}
	openMu.Lock()
	defer openMu.Unlock()
	if open[key] {
		return nil, fmt.Errorf("%w: %s is already open in this process", store.ErrInUse, path)
	}
	dsn := path
	if readOnly {
		dsn += "?access_mode=read_only"
	}
	db, err := sql.Open("duckdb", dsn)
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		if db != nil {
			err = errors.Join(err, db.Close())
		}
		if isLockError(err) {
			holder := "another process"
			if m := pidRE.FindStringSubmatch(err.Error()); m != nil {
				holder = "process " + m[1]
			}
			return nil, fmt.Errorf("%w: %s is held by %s (one writer at a time; retry when it has finished)", store.ErrInUse, path, holder)
		}
		return nil, fmt.Errorf("open results store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &DuckDB{db: db, path: key}
	if err := s.init(readOnly); err != nil {
		return nil, errors.Join(fmt.Errorf("results store %s: %w", path, err), db.Close())
	}
	open[key] = true
	return s, nil
}

var pidRE = regexp.MustCompile(`\(PID (\d+)\)`)

func isLockError(err error) bool {
	m := err.Error()
	return strings.Contains(m, "Could not set lock") || strings.Contains(m, "Conflicting lock")
}

// init checks the schema version, creating the tables in an empty file.
func (s *DuckDB) init(readOnly bool) error {
	ctx := context.Background()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'meta'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		var tables int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'`).Scan(&tables); err != nil {
			return err
		}
		if tables > 0 {
			return errors.New("not a Caliper results store (it has tables but no meta table)")
		}
		if readOnly {
			return errors.New("empty file: not a Caliper results store")
		}
		return s.create(ctx)
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("not a Caliper results store (no schema_version in meta)")
	}
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("bad schema_version %q", v)
	}
	if version > store.SchemaVersion {
		return fmt.Errorf("schema version %d is newer than this Caliper supports (%d); upgrade Caliper", version, store.SchemaVersion)
	}
	s.version = version
	if version < 2 && !readOnly {
		return s.migrate2(ctx)
	}
	return nil
}

// migrate2 adds schema 2's columns (the relative interval's method and the
// gap of an unbounded one) to a schema 1 store.
func (s *DuckDB) migrate2(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op (sql.ErrTxDone); before it, the error returned is the first one
	for _, q := range []string{
		`ALTER TABLE results ADD COLUMN rel_method VARCHAR`,
		`ALTER TABLE results ADD COLUMN rel_gap_lower DOUBLE`,
		`ALTER TABLE results ADD COLUMN rel_gap_upper DOUBLE`,
		`UPDATE meta SET value = '2' WHERE key = 'schema_version'`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrate to schema 2: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.version = 2
	return nil
}

func (s *DuckDB) create(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op (sql.ErrTxDone); before it, the error returned is the first one
	for _, q := range schema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	s.version = store.SchemaVersion
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta VALUES ('schema_version', ?), ('created', ?)`,
		strconv.Itoa(store.SchemaVersion), time.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// NewRunID returns a fresh run id: the UTC time and 8 random hex digits.
func NewRunID(t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Append implements Store. It fills run.ID (when empty), run.Seq and
// run.Time (when zero).
func (s *DuckDB) Append(ctx context.Context, run *store.Run) (err error) {
	if run.Time.IsZero() {
		run.Time = time.Now()
	}
	run.Time = run.Time.UTC().Truncate(time.Microsecond)
	if run.ID == "" {
		run.ID = NewRunID(run.Time)
	}
	sources := run.Sources
	if sources == nil {
		sources = []store.DataSource{}
	}
	srcJSON, err := json.Marshal(sources)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op (sql.ErrTxDone); before it, the error returned is the first one
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM runs`).Scan(&seq); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, seq, run.Time, run.Version, run.SpecPath, run.SpecHash, run.DataFingerprint, string(srcJSON),
		run.Targets, len(run.Rows)); err != nil {
		return fmt.Errorf("store run: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO results (`+resultColumns+`) VALUES (`+
		strings.TrimSuffix(strings.Repeat("?, ", strings.Count(resultColumns, ",")+1), ", ")+`)`)
	if err != nil {
		return err
	}
	defer errs.Close(stmt, &err)
	for i, r := range run.Rows {
		if _, err := stmt.ExecContext(ctx, run.ID, i, r.Target, r.TargetKind, r.Metric, r.MetricKind, r.Role, r.Direction,
			r.Variant, r.Control, r.Segment, r.Split, nullInt(r.Period), nullString(r.Timeline), nullString(r.PeriodStart),
			nullString(r.PeriodEnd), r.ControlUnits, r.TreatmentUnits,
			nullFloat(r.ControlValue), nullFloat(r.TreatmentValue),
			nullFloat(r.Estimate), nullFloat(r.CILower), nullFloat(r.CIUpper), nullFloat(r.StdError),
			nullFloat(r.RelEstimate), nullFloat(r.RelCILower), nullFloat(r.RelCIUpper), nullFloat(r.RelStdError),
			nullFloat(r.PValue), nullFloat(r.PValueAdjusted), r.Significant, r.Method, r.Alpha,
			nullString(r.Decision), nullString(r.RelMethod), nullFloat(r.RelGapLower), nullFloat(r.RelGapUpper)); err != nil {
			return fmt.Errorf("store result %d: %w", i, err)
		}
	}
	if testHookInTx != nil {
		testHookInTx()
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit run: %w", err)
	}
	run.Seq = seq
	return nil
}

// Runs lists the stored runs (without rows), oldest first.
func (s *DuckDB) Runs(ctx context.Context) (_ []*store.Run, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, seq, run_time, caliper_version, spec_path, spec_hash,
		data_fingerprint, data_sources, targets FROM runs ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer errs.Close(rows, &err)
	var out []*store.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanRun(sc scanner, extra ...any) (*store.Run, error) {
	r := &store.Run{}
	var sources string
	dest := append([]any{&r.ID, &r.Seq, &r.Time, &r.Version, &r.SpecPath, &r.SpecHash, &r.DataFingerprint, &sources, &r.Targets}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.Time = r.Time.UTC()
	if err := json.Unmarshal([]byte(sources), &r.Sources); err != nil {
		return nil, fmt.Errorf("run %s: data_sources: %w", r.ID, err)
	}
	return r, nil
}

// History implements Store.
func (s *DuckDB) History(ctx context.Context, q store.Query) (_ []store.Entry, err error) {
	query := `SELECT r.run_id, r.seq, r.run_time, r.caliper_version, r.spec_path, r.spec_hash, r.data_fingerprint,
		r.data_sources, r.targets,
		x.target, x.target_kind, x.metric, x.metric_kind, x.role, x.direction, x.variant, x.control, x.segment,
		x.split, x.period, x.timeline, x.period_start, x.period_end, x.control_units, x.treatment_units, x.control_value, x.treatment_value,
		x.estimate, x.ci_lower, x.ci_upper, x.std_error, x.rel_estimate, x.rel_ci_lower, x.rel_ci_upper,
		x.rel_std_error, x.p_value, x.p_value_adjusted, x.significant, x.method, x.alpha, x.decision, ` + s.schema2Columns() + `
	FROM results x JOIN runs r USING (run_id)
	WHERE (? = '' OR x.target = ?) AND (? = '' OR x.metric = ?)
	ORDER BY r.seq, x.ord`
	rows, err := s.db.QueryContext(ctx, query, q.Target, q.Target, q.Metric, q.Metric)
	if err != nil {
		return nil, err
	}
	defer errs.Close(rows, &err)
	var out []store.Entry
	runs := map[string]*store.Run{}
	for rows.Next() {
		var e store.Entry
		r := &e.Row
		var period sql.NullInt64
		var timeline, start, end, decision, relMethod sql.NullString
		var f [14]sql.NullFloat64
		run, err := scanRun(rows, &r.Target, &r.TargetKind, &r.Metric, &r.MetricKind, &r.Role, &r.Direction,
			&r.Variant, &r.Control, &r.Segment, &r.Split, &period, &timeline, &start, &end, &r.ControlUnits, &r.TreatmentUnits,
			&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11],
			&r.Significant, &r.Method, &r.Alpha, &decision, &relMethod, &f[12], &f[13])
		if err != nil {
			return nil, err
		}
		if prev := runs[run.ID]; prev != nil {
			run = prev
		}
		runs[run.ID] = run
		e.Run = run
		if period.Valid {
			k := int(period.Int64)
			r.Period = &k
		}
		r.Timeline, r.PeriodStart, r.PeriodEnd = timeline.String, start.String, end.String
		r.Decision, r.RelMethod = decision.String, relMethod.String
		for i, p := range []**float64{&r.ControlValue, &r.TreatmentValue, &r.Estimate, &r.CILower, &r.CIUpper,
			&r.StdError, &r.RelEstimate, &r.RelCILower, &r.RelCIUpper, &r.RelStdError, &r.PValue, &r.PValueAdjusted,
			&r.RelGapLower, &r.RelGapUpper} {
			if f[i].Valid {
				v := f[i].Float64
				*p = &v
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// schema2Columns selects schema 2's columns, or NULLs from an older file
// opened read-only.
func (s *DuckDB) schema2Columns() string {
	if s.version < 2 {
		return "NULL AS rel_method, NULL AS rel_gap_lower, NULL AS rel_gap_upper"
	}
	return "x.rel_method, x.rel_gap_lower, x.rel_gap_upper"
}

// Close implements Store.
func (s *DuckDB) Close() error {
	err := s.db.Close()
	openMu.Lock()
	delete(open, s.path)
	openMu.Unlock()
	return err
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

// nullString stores "" as NULL.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
