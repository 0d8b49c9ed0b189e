// Package bench holds Caliper's scale benchmarks: generated data sets of a
// given number of events, specs with 1, 5 and 50 metrics on one source, the
// hand-written fused DuckDB query that `caliper run` is measured against,
// and an in-memory result table for timing the statistics layer alone.
// bench_test.go has the Go benchmarks; cmd/benchrun and run.sh time the
// real CLI in child processes and print ratios and peak memory (README.md).
package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// EventsPerUser is about how many event rows a user of the ab scenario
// has over 14 days (search_v9's users, a tenth more, included).
const EventsPerUser = 46

// Data makes (once) a data set of about events event rows under dir: the
// ab scenario as data/exposures.parquet and data/events.parquet, and the
// spec folders spec1, spec5 and spec50 reading them. A data set already
// there (data/events.parquet exists) is reused. It returns the event rows
// (0 when reused).
func Data(dir string, events int) (int, error) {
	data := filepath.Join(dir, "data")
	rows := 0
	if _, err := os.Stat(filepath.Join(data, "events.parquet")); err != nil {
		cfg, err := simulate.ScenarioAB.Config(max(1, events/EventsPerUser), 14, 1)
		if err != nil {
			return 0, err
		}
		f, err := simulate.WriteScenario(data, simulate.ScenarioAB, cfg, simulate.Parquet)
		if err != nil {
			return 0, err
		}
		if err := os.Remove(f.Spec); err != nil { // the benchmarks use their own specs
			return 0, err
		}
		rows = f.EventRows
	}
	for _, n := range []int{1, 5, 50} {
		sd := filepath.Join(dir, fmt.Sprintf("spec%d", n))
		if err := os.MkdirAll(sd, 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(sd, "bench.cal"), []byte(Spec(n, "../data")), 0o644); err != nil {
			return 0, err
		}
	}
	return rows, nil
}

// sources declares the data set's two sources, relative to the spec.
func sources(data string) string {
	return fmt.Sprintf(`source events {
  from parquet("%[1]s/events.parquet")
  time ts
  columns { user_id string  ts timestamp  event string  surface string  revenue float  latency_ms float }
}
source exposures {
  from parquet("%[1]s/exposures.parquet")
  time ts
  columns { user_id string  ts timestamp  experiment string  variant string  country string  platform string }
}
`, data)
}

// five are the metrics of the 5-metric spec, whose statistics Fused
// computes by hand.
const five = `metric saves_per_user    { owner "bench" description "saves" value count(events where event == "save") }
metric sessions_per_user { owner "bench" value count(events where event == "session_start") }
metric save_rate         { owner "bench" value count(events where event == "save") / count(events where event == "impression") }
metric purchasers        { owner "bench" value any(events where event == "purchase") }
metric revenue_per_user  { owner "bench" value sum(events.revenue where event == "purchase") }
`

// Metrics50 are 50 metrics on the events source: counts, sums, shares and
// ratios of each event type with different filters (per surface, on
// latency). Each is "name value-expression".
func Metrics50() [][2]string {
	var out [][2]string
	add := func(name, value string) { out = append(out, [2]string{name, value}) }
	surfaces := []string{"", "homefeed", "search", "related"}
	filter := func(event, surface string) string {
		f := fmt.Sprintf("event == %q", event)
		if surface != "" {
			f += fmt.Sprintf(" and surface == %q", surface)
		}
		return f
	}
	suffix := func(s string) string {
		if s == "" {
			return "all"
		}
		return s
	}
	for _, s := range surfaces {
		for _, ev := range []string{"impression", "save", "session_start", "purchase"} {
			add(fmt.Sprintf("%s_count_%s", ev, suffix(s)), fmt.Sprintf("count(events where %s)", filter(ev, s)))
		}
		add("revenue_"+suffix(s), fmt.Sprintf("sum(events.revenue where %s)", filter("purchase", s)))
		add("latency_sum_"+suffix(s), fmt.Sprintf("sum(events.latency_ms where %s)", filter("impression", s)))
		add("purchaser_"+suffix(s), fmt.Sprintf("any(events where %s)", filter("purchase", s)))
		add("saver_"+suffix(s), fmt.Sprintf("any(events where %s)", filter("save", s)))
		add("save_rate_"+suffix(s), fmt.Sprintf("count(events where %s) / count(events where %s)", filter("save", s), filter("impression", s)))
		add("purchase_per_session_"+suffix(s), fmt.Sprintf("count(events where %s) / count(events where %s)", filter("purchase", s), filter("session_start", s)))
		add("revenue_per_purchase_"+suffix(s), fmt.Sprintf("sum(events.revenue where %s) / count(events where %s)", filter("purchase", s), filter("purchase", s)))
		add("mean_latency_"+suffix(s), fmt.Sprintf("sum(events.latency_ms where %s) / count(events where %s)", filter("impression", s), filter("impression", s)))
	}
	add("slow_impressions", `count(events where event == "impression" and latency_ms > 200)`)
	add("engagements", `count(events where event in ["save", "purchase"])`)
	return out
}

// metricDecls declares the first n of Metrics50.
func metricDecls(n int) (string, []string) {
	var b strings.Builder
	var names []string
	for i, m := range Metrics50()[:n] {
		desc := ""
		if i == 0 {
			desc = ` description "bench"`
		}
		fmt.Fprintf(&b, "metric %s { owner \"bench\"%s value %s }\n", m[0], desc, m[1])
		names = append(names, m[0])
	}
	return b.String(), names
}

// Spec is a spec with n metrics (1, 5 or up to 50) on the events source
// and one experiment, reading the data folder data (relative to the spec).
// With 5 it has the metrics Fused computes; otherwise the first n of
// Metrics50.
func Spec(n int, data string) string {
	var metrics string
	var names []string
	if n == 5 {
		metrics = five
		names = []string{"saves_per_user", "sessions_per_user", "save_rate", "purchasers", "revenue_per_user"}
	} else {
		metrics, names = metricDecls(n)
	}
	exp := fmt.Sprintf(`experiment bench {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    %s
`, names[0])
	if len(names) > 1 {
		exp += "  secondary  " + strings.Join(names[1:], ", ") + "\n"
	}
	return sources(data) + metrics + exp + "}\n"
}

// Fused is the fused query an analyst would write by hand for the
// 5-metric spec's per-variant sufficient statistics, on the data folder
// data: one scan of each file, FILTER aggregates per user, sums per
// variant.
func Fused(data string) string {
	return fmt.Sprintf(`
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
FROM e GROUP BY v ORDER BY v`, strings.ReplaceAll(data, "'", "''"))
}

// AnalyzeInput is a compiled plan for an experiment with the 50 metrics,
// variants variants (control and variants-1 treatments) and segments
// segment values (over two segment columns), and a result table for it
// filled with plausible sufficient statistics: the input of
// runtime.Analyze, with no engine involved.
func AnalyzeInput(variants, segments int) (*compiler.Plan, *engine.Table, error) {
	metrics, names := metricDecls(50)
	spec := sources("data") + metrics + fmt.Sprintf(`experiment bench {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  segment    country, platform
  primary    %s
  secondary  %s
}
`, names[0], strings.Join(names[1:], ", "))
	res := lang.LoadSource(filepath.Join(os.TempDir(), "bench.cal"), spec)
	if res.Diags.HasErrors() {
		return nil, nil, res.Diags.Err()
	}
	plan, err := compiler.Compile(res.Package.Targets[0], dialect.DuckDB)
	if err != nil {
		return nil, nil, err
	}
	if len(plan.Segments) != 2 {
		return nil, nil, fmt.Errorf("plan has %d segment columns, want 2", len(plan.Segments))
	}
	cols := []string{compiler.ColVariant}
	for _, c := range plan.Segments {
		cols = append(cols, compiler.SegmentColumn(c))
	}
	cols = append(cols, compiler.ColUnits)
	type stat struct {
		col  string
		kind string // n, sum, sumsq, densum, densumsq, prod
	}
	var stats []stat
	for _, mc := range plan.Metrics {
		for _, s := range []stat{{mc.N, "n"}, {mc.Sum, "sum"}, {mc.SumSq, "sumsq"}, {mc.DenSum, "densum"}, {mc.DenSumSq, "densumsq"}, {mc.Prod, "prod"}} {
			if s.col != "" {
				stats = append(stats, s)
				cols = append(cols, s.col)
			}
		}
	}
	cols = append(cols, compiler.ColExcluded, compiler.ColSegmentLevel)
	tab := &engine.Table{Columns: cols}
	rng := rand.New(rand.NewPCG(1, 2))
	perColumn := []int{segments - segments/4, segments / 4} // e.g. 15 countries, 5 platforms
	for v := 0; v < variants; v++ {
		variant := "control"
		if v > 0 {
			variant = fmt.Sprintf("treatment_%d", v)
		}
		addRow := func(units float64, seg []any, level int) {
			row := []any{variant}
			row = append(row, seg...)
			row = append(row, int64(units))
			// per unit: D ~ mean 20 (sd 15), M ~ mean 1.6 (sd 2), cov ~ 0.6 sd sd
			for _, s := range stats {
				var x float64
				switch s.kind {
				case "n":
					x = units
				case "sum":
					x = units * 1.6 * (1 + 0.02*rng.NormFloat64())
				case "sumsq":
					x = units * (4 + 1.6*1.6) * (1 + 0.02*rng.NormFloat64())
				case "densum":
					x = units * 20 * (1 + 0.01*rng.NormFloat64())
				case "densumsq":
					x = units * (225 + 400)
				case "prod":
					x = units * (0.6*2*15 + 1.6*20)
				}
				row = append(row, math.Round(x))
			}
			row = append(row, int64(123), int64(level))
			tab.Rows = append(tab.Rows, row)
		}
		units := 100000.0
		addRow(units, []any{nil, nil}, 0)
		for c, k := range perColumn {
			for j := 0; j < k; j++ {
				seg := []any{nil, nil}
				seg[c] = fmt.Sprintf("s%d_%02d", c, j)
				addRow(units/float64(k), seg, 1)
			}
		}
	}
	return plan, tab, nil
}
