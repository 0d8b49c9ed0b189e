package engine

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/caliper-dev/caliper/internal/testenv"
)

// The DuckDB settings are applied with SET.
func TestDuckDBSettings(t *testing.T) {
	dir := t.TempDir()
	eng, err := OpenDuckDBWith("", DuckDBOptions{Threads: 1, MemoryLimit: "512MB", TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tab, err := eng.Query(context.Background(), "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m, current_setting('temp_directory') AS d")
	if err != nil {
		t.Fatal(err)
	}
	threads, memory, temp := fmt.Sprint(tab.Rows[0][0]), fmt.Sprint(tab.Rows[0][1]), fmt.Sprint(tab.Rows[0][2])
	if threads != "1" || !strings.HasPrefix(memory, "488") || temp != dir {
		t.Errorf("threads %s, memory_limit %s, temp_directory %s", threads, memory, temp)
	}
	for _, bad := range []string{"lots", "-1GB", "0GB", "4", "-1", "0.0MB"} {
		if _, err := OpenDuckDBWith("", DuckDBOptions{MemoryLimit: bad}); err == nil || !strings.Contains(err.Error(), "positive size with a unit") {
			t.Errorf("memory limit %q: %v", bad, err)
		}
	}
	for _, good := range []string{"4GB", "512MB", "1.5GiB", " 100 KB ", "4gb"} {
		e, err := OpenDuckDBWith("", DuckDBOptions{MemoryLimit: good})
		if err != nil {
			t.Errorf("memory limit %q: %v", good, err)
			continue
		}
		e.Close()
	}
	for _, bad := range []int{-1, MaxThreads() + 1, 5000} {
		if _, err := OpenDuckDBWith("", DuckDBOptions{Threads: bad}); err == nil || !strings.Contains(err.Error(), "--threads must be between 1 and 4 per core") {
			t.Errorf("threads %d: %v", bad, err)
		}
	}
}

// Without options, DuckDB keeps its own memory limit (80% of the
// machine's memory) and spills to a private folder under the system temp
// folder, never ".tmp" in the working directory; the folder is gone after
// Close, even when a query spilled into it.
func TestDuckDBDefaultMemoryLimit(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	eng, err := OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tab, err := eng.Query(ctx, "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS d")
	if err != nil {
		t.Fatal(err)
	}
	memory, temp := fmt.Sprint(tab.Rows[0][0]), fmt.Sprint(tab.Rows[0][1])
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := sql.OpenDB(conn)
	var plain string
	err = raw.QueryRow("SELECT current_setting('memory_limit')").Scan(&plain)
	raw.Close()
	if err != nil || memory != plain {
		t.Errorf("memory_limit %s, want DuckDB's default %s (%v)", memory, plain, err)
	}
	if !strings.HasPrefix(temp, os.TempDir()+string(os.PathSeparator)+"caliper-duckdb-") {
		t.Errorf("temp_directory %q, want a caliper-duckdb- folder under %s", temp, os.TempDir())
	}
	e, err := OpenDuckDBWith("", DuckDBOptions{MemoryLimit: "512MB"})
	if err != nil {
		t.Fatal(err)
	}
	tab, err = e.Query(ctx, "SELECT current_setting('memory_limit') AS m")
	e.Close()
	if err != nil || !strings.HasPrefix(fmt.Sprint(tab.Rows[0][0]), "488") {
		t.Errorf("--memory-limit 512MB does not override the default: %v %v", tab, err)
	}
	if !testenv.Long() { // the spill below takes 5-25 s
		if err := eng.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	// Force a spill: a sort larger than a small limit.
	if _, err := eng.Query(ctx, "SET memory_limit = '64MB'"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Query(ctx, "SELECT max(h) FROM (SELECT i, md5(i::VARCHAR) AS h FROM range(2000000) t(i) ORDER BY h)"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temp); err != nil {
		t.Errorf("the query did not spill to %s: %v", temp, err)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Errorf("the spill folder %s is still there after Close (%v)", temp, err)
	}
}

// Every DuckDB session runs in UTC: a timestamp with an offset is that
// instant in UTC, whatever the host's time zone (TZ is set for the whole
// process, so the cases run in turn).
func TestDuckDBSessionUTC(t *testing.T) {
	for _, tz := range []string{"America/New_York", "Asia/Kolkata", "UTC"} {
		t.Setenv("TZ", tz)
		eng, err := OpenDuckDB("")
		if err != nil {
			t.Fatal(err)
		}
		tab, err := eng.Query(context.Background(), "SELECT current_setting('TimeZone') AS z, CAST(CAST('2024-01-01 10:00:00+05:00' AS TIMESTAMPTZ) AS TIMESTAMP)::VARCHAR AS t")
		eng.Close()
		if err != nil {
			t.Fatal(err)
		}
		if z, ts := fmt.Sprint(tab.Rows[0][0]), fmt.Sprint(tab.Rows[0][1]); z != "UTC" || ts != "2024-01-01 05:00:00" {
			t.Errorf("TZ=%s: session time zone %s, 10:00+05:00 read as %s (want UTC, 2024-01-01 05:00:00)", tz, z, ts)
		}
	}
}

// Float refuses what is not a finite number: NULL, text, an unknown type,
// NaN and infinities are errors, never 0.
func TestFloatRefusesNonNumbers(t *testing.T) {
	eng, err := OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tab, err := eng.Query(context.Background(), "SELECT 3::HUGEINT AS h, 2.5::DECIMAL(10,2) AS d, 7::BIGINT AS b, 1.5::DOUBLE AS f")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{3, 2.5, 7, 1.5} {
		got, err := Float(tab.Rows[0][i])
		if err != nil || got != want {
			t.Errorf("column %s: %v, %v; want %v", tab.Columns[i], got, err, want)
		}
	}
	for _, v := range []any{nil, "3", true, struct{}{}, math.NaN(), math.Inf(1)} {
		if got, err := Float(v); err == nil {
			t.Errorf("Float(%#v) = %v with no error", v, got)
		}
	}
}
