package simulate_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/simulate"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// rolloutPanel aggregates the simulated markets into the weekly panel of
// Σ saves / Σ sessions that a rollout with `period week` analyses.
func rolloutPanel(cfg simulate.RolloutConfig) stats.DiDPanel {
	p := stats.DiDPanel{Periods: cfg.Weeks}
	for _, m := range cfg.SimulateRollout() {
		g := stats.DiDGroup{Name: m.Name, Adoption: m.Adopt, Never: m.Never, Y: make([]float64, cfg.Weeks)}
		for w := range g.Y {
			var s, v int
			for d := 7 * w; d < 7*w+7; d++ {
				s += m.Sessions[d]
				v += m.Saves[d]
			}
			g.Y[w] = float64(v) / float64(s)
		}
		p.Groups = append(p.Groups, g)
	}
	return p
}

// plantedOverall is the simple aggregation of the planted δ(e) over the
// result's post cells, with its cohort-size weights.
func plantedOverall(cfg simulate.RolloutConfig, r stats.DiDResult) float64 {
	size := map[int]float64{}
	for _, c := range r.Cells {
		size[c.Cohort] = float64(c.Treated)
	}
	var num, den float64
	for _, c := range r.Cells {
		if c.Event >= 0 && c.Problem == "" {
			num += size[c.Cohort] * cfg.Delta(c.Event)
			den += size[c.Cohort]
		}
	}
	return num / den
}

func rolloutAnalysis(cfg simulate.RolloutConfig, cmp stats.DiDComparison) stats.DiDResult {
	return stats.CallawaySantAnna(rolloutPanel(cfg), stats.DiDOptions{Comparison: cmp, Pre: 8, Post: 8, Alpha: 0.05})
}

// TestRolloutRecovers: one seed of the default scenario, both comparison
// groups: the planted overall effect and every planted event-time effect
// lie within 4 standard errors (a single seed), the placebo periods are near 0, the pre-trend test does
// not reject, and TWFE is flagged with negative weights.
func TestRolloutRecovers(t *testing.T) {
	cfg := simulate.DefaultRollout(40, 1)
	for _, cmp := range []stats.DiDComparison{stats.NotYetTreated, stats.NeverTreated} {
		r := rolloutAnalysis(cfg, cmp)
		if r.Problem != "" || !r.Overall.Estimable() {
			t.Fatalf("%s: %s %s", cmp, r.Problem, r.Overall.Problem)
		}
		want := plantedOverall(cfg, r)
		o := r.Overall.Absolute
		if math.Abs(o.Estimate-want) > 4*o.StdError {
			t.Errorf("%s: overall %.5f ± %.5f, planted %.5f", cmp, o.Estimate, o.StdError, want)
		}
		if len(r.EventStudy) != 16 {
			t.Fatalf("%s: %d event times, want 16", cmp, len(r.EventStudy))
		}
		for _, e := range r.EventStudy {
			a := e.Absolute
			if math.Abs(a.Estimate-cfg.Delta(e.Event)) > 4*a.StdError {
				t.Errorf("%s: event %d: %.5f ± %.5f, planted %.5f", cmp, e.Event, a.Estimate, a.StdError, cfg.Delta(e.Event))
			}
		}
		if r.PreTrend.Problem != "" || r.PreTrend.PValue < 0.001 {
			t.Errorf("%s: pre-trend %+v", cmp, r.PreTrend)
		}
		if !r.Staggered || r.TWFE.NegativeWeights == 0 {
			t.Errorf("%s: staggered %v, TWFE negative weights %d", cmp, r.Staggered, r.TWFE.NegativeWeights)
		}
	}
	// A planted violation is detected on this seed.
	cfg.PreTrend = 0.002
	if r := rolloutAnalysis(cfg, stats.NeverTreated); !(r.PreTrend.PValue < 0.05) {
		t.Errorf("planted pre-trend not detected: %+v", r.PreTrend)
	}
}

// TestRolloutCalibration (long): over 300 seeds, the overall interval and
// each post event time's cover the planted effect at about 95%, the
// pre-trend test rejects at most 7% of the time without a pre-trend (the
// LANGUAGE.md contract) and detects a planted violation of 0.002 a week
// for adopting markets (about 2% of the rate a week).
func TestRolloutCalibration(t *testing.T) {
	testenv.NeedLong(t, "rollout calibration over 300 seeds")
	const seeds = 300
	for _, cmp := range []stats.DiDComparison{stats.NotYetTreated, stats.NeverTreated} {
		var cover, rejectNull, rejectViolation int
		coverE := map[int]int{}
		for s := uint64(1); s <= seeds; s++ {
			cfg := simulate.DefaultRollout(40, s)
			r := rolloutAnalysis(cfg, cmp)
			if r.Overall.Absolute.Lower <= plantedOverall(cfg, r) && plantedOverall(cfg, r) <= r.Overall.Absolute.Upper {
				cover++
			}
			for _, e := range r.EventStudy {
				if e.Absolute.Lower <= cfg.Delta(e.Event) && cfg.Delta(e.Event) <= e.Absolute.Upper {
					coverE[e.Event]++
				}
			}
			if r.PreTrend.PValue < 0.05 {
				rejectNull++
			}
			cfg.PreTrend = 0.002
			if v := rolloutAnalysis(cfg, cmp); v.PreTrend.PValue < 0.05 {
				rejectViolation++
			}
		}
		rate := func(k int) float64 { return float64(k) / seeds }
		t.Logf("%s: overall coverage %.3f, pre-trend rejection %.3f without and %.3f with a violation", cmp, rate(cover), rate(rejectNull), rate(rejectViolation))
		// 95% coverage: 3 binomial standard errors at 300 seeds are 0.038.
		if c := rate(cover); c < 0.91 || c > 0.99 {
			t.Errorf("%s: overall coverage %.3f", cmp, c)
		}
		for e, k := range coverE {
			if c := rate(k); c < 0.90 {
				t.Errorf("%s: event %d coverage %.3f", cmp, e, c)
			}
		}
		if r := rate(rejectNull); r > 0.07 {
			t.Errorf("%s: pre-trend test rejects %.3f without a pre-trend (contract: at most 0.07)", cmp, r)
		}
		// Not-yet comparisons see the violation only through their
		// never-treated markets (81% at 300 seeds; never-treated: 100%).
		floor := 0.95
		if cmp == stats.NotYetTreated {
			floor = 0.7
		}
		if r := rate(rejectViolation); r < floor {
			t.Errorf("%s: planted pre-trend detected %.3f of the time", cmp, r)
		}
	}
}

func TestWriteRollout(t *testing.T) {
	dir := t.TempDir()
	cfg := simulate.DefaultRollout(6, 3)
	cfg.Weeks = 4
	cfg.AdoptWeeks = []int{2}
	f, err := simulate.WriteRollout(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows != 6*28 {
		t.Errorf("%d rows, want %d", f.Rows, 6*28)
	}
	b, err := os.ReadFile(filepath.Join(dir, "market_daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "market,day,saves,sessions,launched_at" || len(lines) != 1+6*28 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	again := t.TempDir()
	if _, err := simulate.WriteRollout(again, cfg); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(filepath.Join(again, "market_daily.csv"))
	if string(b) != string(b2) {
		t.Error("same seed, different files")
	}
	spec, _ := os.ReadFile(f.Spec)
	if !strings.Contains(string(spec), "rollout fm_v3_markets") {
		t.Error("spec has no rollout")
	}
}
