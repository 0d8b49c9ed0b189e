package runtime_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// benchEvents is the approximate number of events to generate
// (CALIPER_BENCH_EVENTS, default 10M). The data is cached under the
// system temp folder, keyed by size, so repeated runs skip generation.
func benchEvents() int {
	if s := os.Getenv("CALIPER_BENCH_EVENTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return 10_000_000
}

const benchSpec = `
source events {
  from parquet("data/events.parquet")
  time ts
  columns { user_id string  ts timestamp  event string  surface string  revenue float  latency_ms float }
}
source exposures {
  from parquet("data/exposures.parquet")
  time ts
  columns { user_id string  ts timestamp  experiment string  variant string }
}
metric saves_per_user { value count(events where event == "save") }
metric sessions_per_user { value count(events where event == "session_start") }
metric save_rate { value count(events where event == "save") / count(events where event == "impression") }
metric purchasers { value any(events where event == "purchase") }
metric revenue_per_user { value sum(events.revenue where event == "purchase") }
experiment bench {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, save_rate, purchasers, revenue_per_user
}
`

// handWritten is the fused query an analyst would write by hand for the
// same per-variant sufficient statistics.
const handWritten = `
WITH a AS (
  SELECT user_id, min(variant) AS v, count(DISTINCT variant) AS nv, min(ts) AS t0
  FROM read_parquet('%[1]s/exposures.parquet') WHERE experiment = 'hf_ranker_v2' GROUP BY 1
), u AS (SELECT * FROM a WHERE nv = 1),
e AS (
  SELECT u.user_id, u.v,
    count(*) FILTER (WHERE e.event = 'save') AS saves,
    count(*) FILTER (WHERE e.event = 'session_start') AS sessions,
    count(*) FILTER (WHERE e.event = 'impression') AS imps,
    CAST(count(*) FILTER (WHERE e.event = 'purchase') > 0 AS INTEGER) AS purch,
    coalesce(sum(e.revenue) FILTER (WHERE e.event = 'purchase'), 0) AS rev
  FROM u LEFT JOIN read_parquet('%[1]s/events.parquet') e
    ON e.user_id = u.user_id AND e.ts >= u.t0 AND e.ts < u.t0 + INTERVAL 7 DAY
  GROUP BY 1, 2
)
SELECT v, count(*),
  sum(saves), sum(saves * saves), sum(sessions), sum(sessions * sessions),
  sum(imps), sum(imps * imps), sum(saves * imps),
  sum(purch), sum(rev), sum(rev * rev)
FROM e GROUP BY v ORDER BY v`

// benchData generates (once) a data set of about n events.
func benchData(b *testing.B, n int) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("caliper-bench-%d", n))
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "events.parquet")); err == nil {
		return dir
	}
	cfg := simulate.Default()
	cfg.Users = n / 46 // about 46 events per user over 14 days
	cfg.FactorUsers, cfg.OtherUsers = 0, cfg.Users/10
	tmp := filepath.Join(dir, "csv")
	f, err := simulate.Write(tmp, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, p := range [][2]string{{f.Events, "events.parquet"}, {f.Exposures, "exposures.parquet"}} {
		if err := simulate.ToParquet(p[0], filepath.Join(data, p[1])); err != nil {
			b.Fatal(err)
		}
	}
	os.RemoveAll(tmp)
	b.Logf("generated %d events for %d users in %s", f.EventRows, cfg.Users, dir)
	return dir
}

// BenchmarkRun compares `caliper run` (validate data, compile, execute,
// statistics) with the hand-written fused query alone, on the same engine
// and data: go test -bench Run -run '^$' ./runtime/
func BenchmarkRun(b *testing.B) {
	dir := benchData(b, benchEvents())
	if err := os.WriteFile(filepath.Join(dir, "bench.cal"), []byte(benchSpec), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("caliper", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			res := lang.Load(dir)
			if res.Diags.HasErrors() {
				b.Fatal(res.Diags.Err())
			}
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				b.Fatal(err)
			}
			rep, diags := runtime.Run(ctx, eng, res.Package)
			eng.Close()
			if diags.HasErrors() || len(rep.Targets[0].Results) != 5 {
				b.Fatal(diags.Err())
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		q := fmt.Sprintf(handWritten, filepath.Join(dir, "data"))
		for i := 0; i < b.N; i++ {
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				b.Fatal(err)
			}
			t, err := eng.Query(ctx, q)
			eng.Close()
			if err != nil || len(t.Rows) != 2 {
				b.Fatal(err)
			}
		}
	})
}
