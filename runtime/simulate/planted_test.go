package simulate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// abSpec is the homefeed analysis of the ab scenario's data, written by
// the test (not by WriteScenario) so the recovery check does not depend on
// the generated spec.
const abSpec = `
source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  ts timestamp  event string  surface string  revenue float  latency_ms float }
}
source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  ts timestamp  experiment string  variant string  country string  platform string }
}
metric saves_per_user    { value count(events where event == "save") }
metric sessions_per_user { value count(events where event == "session_start") }
metric save_rate         { value count(events where event == "save") / count(events where event == "impression") }
metric p90_latency_ms {
  direction decrease
  value     quantile(events.latency_ms where event == "impression", 0.9)
}
experiment hf_ranker_v2 {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, save_rate
  guardrail  p90_latency_ms within 2%
}
`

// runDir loads the spec folder dir and runs it.
func runDir(t *testing.T, dir string) *result.Report {
	t.Helper()
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatalf("spec: %v", res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rep, diags := runtime.Run(context.Background(), eng, res.Package)
	if diags.HasErrors() {
		t.Fatalf("run: %v", diags.Err())
	}
	return rep
}

// find returns the overall result of metric for variant in target.
func find(t *testing.T, tg *result.Target, metric, variant string) *result.Result {
	t.Helper()
	for _, r := range tg.Results {
		if r.Metric == metric && r.Variant == variant && r.Segment == nil {
			return r
		}
	}
	t.Fatalf("%s: no result for %s / %s", tg.Name, metric, variant)
	return nil
}

// covers checks that the relative interval of metric covers want; with
// detect it must also exclude 0 (the lift is detected).
func covers(t *testing.T, tg *result.Target, metric, variant string, want float64, detect bool) {
	t.Helper()
	r := find(t, tg, metric, variant)
	if r.Relative == nil {
		t.Errorf("%s %s %s: no relative effect (%v)", tg.Name, metric, variant, r.Notes)
		return
	}
	lo, hi := float64(r.Relative.CILower), float64(r.Relative.CIUpper)
	t.Logf("%s %-17s %-9s relative %+.4f [%+.4f, %+.4f], planted %+.4f", tg.Name, metric, variant, float64(r.Relative.Estimate), lo, hi, want)
	if lo > want || hi < want {
		t.Errorf("%s %s %s: relative CI [%.4f, %.4f] misses the planted %.4f", tg.Name, metric, variant, lo, hi, want)
	}
	if detect && lo <= 0 && hi >= 0 {
		t.Errorf("%s %s %s: relative CI [%.4f, %.4f] does not detect the planted %.4f", tg.Name, metric, variant, lo, hi, want)
	}
}

// The ab scenario's planted lift is recovered end to end (lang.Load,
// compile, DuckDB, statistics): the 95% intervals of saves per user and
// saves per impression cover +10% and exclude 0, sessions cover 0, and p90
// latency covers +1%.
func TestABRecoversPlantedLift(t *testing.T) {
	cfg, err := simulate.ScenarioAB.Config(abUnits(), 14, 2026)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := simulate.Write(filepath.Join(dir, "data"), cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ab.cal"), []byte(abSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	tg := runDir(t, dir).Targets[0]
	if !tg.SRM.Passed {
		t.Errorf("sample ratio check failed: p = %g", float64(tg.SRM.PValue))
	}
	covers(t, tg, "saves_per_user", "treatment", cfg.SaveLift, true)
	covers(t, tg, "save_rate", "treatment", cfg.SaveLift, true)
	covers(t, tg, "sessions_per_user", "treatment", 0, false)
	covers(t, tg, "p90_latency_ms", "treatment", cfg.LatencyLift, false)
}

// runScenario runs the scenario's own spec with 99% intervals (several
// intervals are checked at once; each misses with 1% probability).
func runScenario(t *testing.T, s simulate.Scenario, units int, seed uint64) (*result.Report, simulate.Config) {
	t.Helper()
	cfg, err := s.Config(units, 14, seed)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f, err := simulate.WriteScenario(dir, s, cfg, simulate.CSV)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(f.Spec)
	if err != nil {
		t.Fatal(err)
	}
	spec = []byte(strings.ReplaceAll(string(spec), "  primary ", "  alpha      0.01\n  primary "))
	if err := os.WriteFile(f.Spec, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return runDir(t, dir), cfg
}

func target(t *testing.T, rep *result.Report, name string) *result.Target {
	t.Helper()
	for _, tg := range rep.Targets {
		if tg.Name == name {
			return tg
		}
	}
	t.Fatalf("no target %s", name)
	return nil
}

// The decay scenario's novelty effect: the first day's lift is the mean of
// a + b·exp(−t/τ) over one day, the 7-day window's over seven.
func TestDecayRecoversNovelty(t *testing.T) {
	testenv.NeedLong(t, "a planted-recovery run on about 1M events")
	rep, cfg := runScenario(t, simulate.ScenarioDecay, 30000, 5)
	covers(t, target(t, rep, "hf_ranker_v2"), "saves_per_user", "treatment", cfg.Decay.Mean(7), true)
	covers(t, target(t, rep, "hf_ranker_v2_day1"), "saves_per_user", "treatment", cfg.Decay.Mean(1), true)
	longRunCovers(t, target(t, rep, "hf_ranker_v2_longrun"), cfg.Decay.A)
}

// longRunCovers checks that the exposure-age fit of saves per user covers
// the planted long-run lift a, and that its ages are the days the data
// covers.
func longRunCovers(t *testing.T, tg *result.Target, a float64) *result.LongRun {
	t.Helper()
	var lr *result.LongRun
	for _, l := range tg.LongRun {
		if l.Metric == "saves_per_user" && l.Variant == "treatment" {
			lr = l
		}
	}
	if lr == nil || lr.Asymptote == nil {
		t.Fatalf("%s: no long-run fit (%+v)", tg.Name, lr)
	}
	t.Logf("%s: %s", tg.Name, lr.Sentence())
	if lr.Scale != "relative" || lr.Unit != "day" {
		t.Errorf("long-run scale %q unit %q, want relative, day", lr.Scale, lr.Unit)
	}
	// The JSON entry has the fields: scale, unit, asymptote
	// {estimate, ci_lower, ci_upper, std_error}, tau, pattern, trend_p_value.
	raw, err := json.Marshal(lr)
	if err != nil {
		t.Fatal(err)
	}
	var entry map[string]any
	if err := json.Unmarshal(raw, &entry); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scale", "unit", "asymptote", "tau", "pattern", "trend_p_value"} {
		if _, ok := entry[k]; !ok {
			t.Errorf("long_run entry lacks %q: %s", k, raw)
		}
	}
	if as, _ := entry["asymptote"].(map[string]any); as != nil {
		for _, k := range []string{"estimate", "ci_lower", "ci_upper", "std_error"} {
			if _, ok := as[k]; !ok {
				t.Errorf("long_run asymptote lacks %q: %s", k, raw)
			}
		}
	}
	if lo, hi := float64(lr.Asymptote.CILower), float64(lr.Asymptote.CIUpper); lo > a || hi < a {
		t.Errorf("long-run interval [%.4f, %.4f] misses the planted %.4f", lo, hi, a)
	}
	ages := 0
	for _, r := range tg.Timeline {
		if r.Timeline != "exposure_day" || r.Metric != "saves_per_user" {
			t.Errorf("timeline row %s %s: want exposure_day rows of saves_per_user", r.Metric, r.Timeline)
		}
		ages++
	}
	if ages < 10 {
		t.Errorf("%d exposure ages, want at least 10 of 14 days", ages)
	}
	return lr
}

// `caliper simulate --scenario decay` with its defaults (10000 units, 14
// days, seed 1): the long-run interval of hf_ranker_v2_longrun (95%)
// covers the planted a = 3%.
func TestDecayDefaultRecoversLongRun(t *testing.T) {
	if !testenv.Long() {
		t.Skip("a full run of the decay scenario; runs with CALIPER_LONG=1")
	}
	cfg, err := simulate.ScenarioDecay.Config(10000, 14, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := simulate.WriteScenario(dir, simulate.ScenarioDecay, cfg, simulate.CSV); err != nil {
		t.Fatal(err)
	}
	longRunCovers(t, target(t, runDir(t, dir), "hf_ranker_v2_longrun"), cfg.Decay.A)
}

// Every cell of the factorial scenario against all-v1 has the product of
// its components' lifts (and the interaction in the all-v2 cell).
func TestFactorialRecoversCells(t *testing.T) {
	testenv.NeedLong(t, "a planted-recovery run on about 1M events")
	rep, cfg := runScenario(t, simulate.ScenarioFactorial, 24000, 9)
	tg := target(t, rep, "fm_q4")
	for cell := 1; cell < 8; cell++ {
		lift, name := 1.0, ""
		for k := 0; k < 3; k++ {
			on := cell&(4>>k) != 0
			if on {
				lift *= 1 + cfg.FactorLifts[k]
				name += "v2"
			} else {
				name += "v1"
			}
			if k < 2 {
				name += "-"
			}
		}
		if cell == 7 {
			lift *= 1 + cfg.Interaction
		}
		covers(t, tg, "saves_per_user", name, lift-1, lift-1 >= 0.2) // 3000 users a cell detect +20%, not +10%
	}
}

// The cluster scenario randomizes households: the cluster-robust interval
// (cluster household_id) covers the planted +10% and is clearly wider than
// the per-user interval, which ignores the households' shared activity.
func TestClusterNeedsClusterRobust(t *testing.T) {
	testenv.NeedLong(t, "a planted-recovery run on about 1M events")
	rep, cfg := runScenario(t, simulate.ScenarioCluster, 12000, 8)
	robust := find(t, target(t, rep, "hf_ranker_v2_households"), "saves_per_user", "treatment")
	naive := find(t, target(t, rep, "hf_ranker_v2"), "saves_per_user", "treatment")
	covers(t, target(t, rep, "hf_ranker_v2_households"), "saves_per_user", "treatment", cfg.SaveLift, false)
	if robust.Absolute == nil || naive.Absolute == nil {
		t.Fatal("no absolute effects")
	}
	ratio := float64(robust.Absolute.StdError / naive.Absolute.StdError)
	t.Logf("cluster-robust / per-user standard error: %.2f", ratio)
	if ratio < 1.2 {
		t.Errorf("the cluster-robust standard error is only %.2fx the per-user one; households should inflate it", ratio)
	}
}

// abUnits is the ab recovery test's size: 6,000 users by default (the
// +10% lift is still detected: saves per user's relative interval is about ±7%), the
// full 20,000 under CALIPER_LONG.
func abUnits() int {
	if testenv.Long() {
		return 20000
	}
	return 6000
}
