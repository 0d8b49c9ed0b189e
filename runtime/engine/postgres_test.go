package engine

import (
	"context"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/caliper-dev/caliper/internal/pgtest"
)

// PostgreSQL's values come back as the DuckDB engine's do; sums of BIGINT
// (NUMERIC) as int64 when whole.
func TestPostgresValues(t *testing.T) {
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in, want any
	}{
		{nil, nil},
		{int16(3), int64(3)},
		{int32(-4), int64(-4)},
		{int64(5), int64(5)},
		{float32(0.5), float64(0.5)},
		{1.25, 1.25},
		{"a", "a"},
		{true, true},
		{now, now},
		{pgtype.Numeric{Int: big.NewInt(123456789012), Exp: 0, Valid: true}, int64(123456789012)},
		{pgtype.Numeric{Int: big.NewInt(12), Exp: 3, Valid: true}, int64(12000)},
		{pgtype.Numeric{Int: big.NewInt(125), Exp: -2, Valid: true}, 1.25},
		{pgtype.Numeric{Int: new(big.Int).Lsh(big.NewInt(1), 70), Exp: 0, Valid: true}, math.Ldexp(1, 70)},
		{pgtype.Numeric{}, nil},
	}
	for _, c := range cases {
		if got := pgValue(c.in); got != c.want {
			t.Errorf("pgValue(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if v := pgValue(pgtype.Numeric{NaN: true, Valid: true}).(float64); !math.IsNaN(v) {
		t.Errorf("NaN: %v", v)
	}
}

func TestOpenUnknownEngine(t *testing.T) {
	if _, err := Open(t.Context(), "oracle://x", DuckDBOptions{}); err == nil {
		t.Error("oracle engine opened")
	}
	e, err := Open(t.Context(), "", DuckDBOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Dialect().Name != "duckdb" {
		t.Errorf("default engine dialect %s", e.Dialect().Name)
	}
}

// The PostgreSQL session runs in UTC whatever the client's PGTZ or the
// server's default: a timestamp with an offset is that instant in UTC.
func TestPostgresSessionUTC(t *testing.T) {
	url := pgtest.Start(t)
	t.Setenv("PGTZ", "Asia/Kolkata")
	p, err := OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tab, err := p.Query(context.Background(), "SELECT current_setting('TimeZone') AS z, CAST(CAST('2024-01-01 10:00:00+05:00' AS TIMESTAMPTZ) AS TIMESTAMP)::text AS t")
	if err != nil {
		t.Fatal(err)
	}
	if z, ts := tab.Rows[0][0], tab.Rows[0][1]; z != "UTC" || ts != "2024-01-01 05:00:00" {
		t.Errorf("session time zone %v, 10:00+05:00 read as %v (want UTC, 2024-01-01 05:00:00)", z, ts)
	}
}
