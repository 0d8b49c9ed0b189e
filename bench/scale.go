package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/caliper-dev/caliper/runtime/engine"
)

// ScaleData makes (once) a data set of units users and events event rows
// under dir with DuckDB's own SQL (parallel, seconds per 100M rows, no
// CSV in between): data/exposures.parquet (one exposure row per user in
// experiment hf_ranker_v2, plus one in another experiment for a tenth of
// them; 1 user in 50 is exposed to both variants) and
// data/events.parquet (time-ordered over 14 days, users drawn by hash),
// with the same columns as Data's, and the spec folders spec1, spec5 and
// spec50. Every value is a hash of the row number, so the files are the
// same at every run. memoryLimit ("" for DuckDB's default) bounds the
// writer (1B events need it to spill). An existing data set is reused.
func ScaleData(dir string, units, events int, memoryLimit string) (bool, error) {
	data := filepath.Join(dir, "data")
	made := false
	if _, err := os.Stat(filepath.Join(data, "events.parquet")); err != nil {
		if err := os.MkdirAll(data, 0o755); err != nil {
			return false, err
		}
		eng, err := engine.OpenDuckDBWith("", engine.DuckDBOptions{MemoryLimit: memoryLimit, TempDir: filepath.Join(dir, "tmp")})
		if err != nil {
			return false, err
		}
		defer func() { _ = eng.Close() }() // the data is written by then; a close error loses nothing
		ctx := context.Background()
		for _, q := range scaleSQL(data, units, events) {
			if _, err := eng.Query(ctx, q); err != nil {
				return false, fmt.Errorf("%v\n%s", err, q)
			}
		}
		if err := os.RemoveAll(filepath.Join(dir, "tmp")); err != nil {
			return false, err
		}
		made = true
	}
	for _, n := range []int{1, 5, 50} {
		sd := filepath.Join(dir, fmt.Sprintf("spec%d", n))
		if err := os.MkdirAll(sd, 0o755); err != nil {
			return false, err
		}
		if err := os.WriteFile(filepath.Join(sd, "bench.cal"), []byte(Spec(n, "../data")), 0o644); err != nil {
			return false, err
		}
	}
	return made, nil
}

// scaleSQL writes the two files. Events cover 2026-01-01 to 2026-01-15 in
// time order; exposures the first 7 days, so most windows (7 days) are
// observed whole. Events: 60% impressions (latency 20-520 ms), 20%
// session starts, 15% saves, 5% purchases (revenue 1-100), on three
// surfaces.
func scaleSQL(data string, units, events int) []string {
	q := func(name string) string { return "'" + strings.ReplaceAll(filepath.Join(data, name), "'", "''") + "'" }
	exposures := fmt.Sprintf(`COPY (
  SELECT concat('u', i) AS user_id,
    TIMESTAMP '2026-01-01' + to_microseconds(CAST(hash(i, 1) %% 604800000000 AS BIGINT)) AS ts,
    'hf_ranker_v2' AS experiment,
    CASE WHEN hash(i, 2) %% 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
    concat('c', hash(i, 3) %% 15) AS country,
    ['ios', 'android', 'web'][1 + CAST(hash(i, 4) %% 3 AS BIGINT)] AS platform
  FROM range(%[1]d) t(i)
  UNION ALL
  SELECT concat('u', i), TIMESTAMP '2026-01-02' + to_microseconds(CAST(hash(i, 5) %% 518400000000 AS BIGINT)),
    CASE WHEN i %% 50 = 0 THEN 'hf_ranker_v2' ELSE 'other_test' END,
    CASE WHEN hash(i, 2) %% 2 = 0 THEN 'treatment' ELSE 'control' END,
    concat('c', hash(i, 3) %% 15), ['ios', 'android', 'web'][1 + CAST(hash(i, 4) %% 3 AS BIGINT)]
  FROM range(0, %[1]d, 10) t(i)
) TO %[2]s (FORMAT parquet, ROW_GROUP_SIZE 1000000)`, units, q("exposures.parquet"))
	// 14 days in microseconds spread over the rows in order.
	evs := fmt.Sprintf(`COPY (
  SELECT concat('u', hash(i, 11) %% %[1]d) AS user_id,
    TIMESTAMP '2026-01-01' + to_microseconds(CAST(i * (1209600000000 / %[2]d) AS BIGINT)) AS ts,
    CASE WHEN k < 60 THEN 'impression' WHEN k < 80 THEN 'session_start' WHEN k < 95 THEN 'save' ELSE 'purchase' END AS event,
    ['homefeed', 'search', 'related'][1 + CAST(hash(i, 13) %% 3 AS BIGINT)] AS surface,
    CASE WHEN k >= 95 THEN 1 + CAST(hash(i, 14) %% 9900 AS DOUBLE) / 100 END AS revenue,
    CASE WHEN k < 60 THEN 20 + CAST(hash(i, 15) %% 500 AS DOUBLE) END AS latency_ms
  FROM (SELECT i, hash(i, 12) %% 100 AS k FROM range(%[2]d) t(i))
) TO %[3]s (FORMAT parquet, ROW_GROUP_SIZE 1000000)`, units, events, q("events.parquet"))
	return []string{exposures, evs}
}
