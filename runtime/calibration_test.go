package runtime_test

// Calibration through the whole pipeline (simulated data, lang.Load,
// compiled SQL on DuckDB, statistics): a few runs of the simulate
// scenarios, complementing runtime/stats/calibration_test.go, which
// measures the estimators' rates precisely on sufficient statistics drawn
// in Go. Here the point is that nothing between the data and the
// estimators (windows, exclusions, per-unit zeros, the sums SQL returns)
// biases them. Counts are checked against exact 99.9% binomial bounds;
// seeds are fixed, so the tests are deterministic. Run with -v for rates.

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// calUnits is the size of each calibration run: about 90k events.
const calUnits = 2000

// calRun simulates scenario s with seed and runs its generated spec.
func calRun(t *testing.T, s simulate.Scenario, seed uint64) *result.Target {
	t.Helper()
	cfg, err := s.Config(calUnits, 14, seed)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := simulate.WriteScenario(dir, s, cfg, simulate.CSV); err != nil {
		t.Fatal(err)
	}
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
	return rep.Targets[0]
}

// binomialAtMost is the smallest k with P(X <= k) >= 0.999, X ~ Binomial(n, p).
func binomialAtMost(n int, p float64) int {
	b := distuv.Binomial{N: float64(n), P: p}
	for k := 0; k <= n; k++ {
		if b.CDF(float64(k)) >= 0.999 {
			return k
		}
	}
	return n
}

// binomialAtLeast is the largest k with P(X < k) <= 0.001, X ~ Binomial(n, p).
func binomialAtLeast(n int, p float64) int {
	b := distuv.Binomial{N: float64(n), P: p}
	k := 0
	for k < n && b.CDF(float64(k)) <= 0.001 {
		k++
	}
	return k
}

// calSeeds is the number of runs per scenario: 20 with CALIPER_LONG=1
// (CI), else 3 as a smoke test.
func calSeeds() int {
	if !testenv.Long() {
		return 3
	}
	return 20
}

// A/A through SQL: per metric (mean, ratio, proportion, quantile), the
// share of runs whose unadjusted p-value is below 0.05 is at most its
// binomial bound, and the sample-ratio check passes.
func TestCalibrationAAThroughSQL(t *testing.T) {
	seeds := calSeeds()
	rejections := map[string]int{}
	srmFailures, total, rejected := 0, 0, 0
	for seed := 1; seed <= seeds; seed++ {
		tg := calRun(t, simulate.ScenarioAA, uint64(1000+seed))
		if !tg.SRM.Passed {
			srmFailures++
		}
		for _, r := range tg.Results {
			if r.Segment != nil {
				continue
			}
			key := r.Metric + " (" + r.Kind + ")"
			if _, ok := rejections[key]; !ok {
				rejections[key] = 0
			}
			if r.PValue == nil {
				t.Errorf("seed %d, %s: no p-value (%v)", seed, key, r.Notes)
				continue
			}
			total++
			if *r.PValue < 0.05 {
				rejections[key]++
				rejected++
			}
		}
	}
	bound := binomialAtMost(seeds, 0.05)
	var keys []string
	for k := range rejections {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("A/A through SQL, %-32s rejected in %d of %d runs (bound %d)", k, rejections[k], seeds, bound)
		if rejections[k] > bound {
			t.Errorf("%s: rejected in %d of %d A/A runs, more than the 99.9%% binomial bound %d at alpha 0.05", k, rejections[k], seeds, bound)
		}
	}
	t.Logf("A/A through SQL: %d of %d tests rejected (%.3f); SRM failed in %d of %d runs", rejected, total, float64(rejected)/float64(total), srmFailures, seeds)
	if srmFailures > binomialAtMost(seeds, 0.001) {
		t.Errorf("the sample-ratio check failed in %d of %d A/A runs", srmFailures, seeds)
	}
	if len(keys) != 6 {
		t.Errorf("metrics compared: %v", keys)
	}
}

// A/B through SQL: the 95% relative intervals of saves per user and of
// saves per impression cover the planted +10% in at least the binomial
// bound of the runs.
func TestCalibrationABCoverageThroughSQL(t *testing.T) {
	testenv.NeedLong(t, "20 full runs through SQL")
	const seeds = 20
	covered := map[string]int{}
	for seed := 1; seed <= seeds; seed++ {
		tg := calRun(t, simulate.ScenarioAB, uint64(2000+seed))
		for _, r := range tg.Results {
			if r.Segment != nil || (r.Metric != "saves_per_user" && r.Metric != "save_rate") || r.Relative == nil {
				continue
			}
			if r.Relative.CILower <= 0.10 && 0.10 <= r.Relative.CIUpper {
				covered[r.Metric]++
			}
		}
	}
	bound := binomialAtLeast(seeds, 0.95)
	for _, m := range []string{"saves_per_user", "save_rate"} {
		t.Logf("A/B through SQL, %s: relative CI covers +10%% in %d of %d runs (bound %d)", m, covered[m], seeds, bound)
		if covered[m] < bound {
			t.Errorf("%s: the relative CI covers the planted +10%% in %d of %d runs, fewer than the 99.9%% binomial bound %d", m, covered[m], seeds, bound)
		}
	}
}

func TestBinomialBounds(t *testing.T) {
	for _, c := range []struct {
		got, want int
	}{{binomialAtMost(20, 0.05), 5}, {binomialAtLeast(20, 0.95), 15}, {binomialAtMost(20, 0.001), 1}} {
		if c.got != c.want {
			t.Error(fmt.Sprint("binomial bound ", c.got, ", want ", c.want))
		}
	}
}
