package simulate

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/internal/errs"
)

// Scenario is a named simulation with a documented planted effect, in the
// homefeed example's schema (exposures: user_id, ts, experiment, variant,
// country, platform, emb_arm, ret_arm, rank_arm; events: user_id, ts, event,
// surface, revenue, latency_ms). `caliper simulate --scenario S` writes one.
//
// Every scenario shares the activity model of the package comment: N users
// in the experiment (plus N/10 users of the unrelated experiment
// search_v9), first exposures uniform over the first D/2 days, events over
// D days, 1% of users also exposed to the other variant (left out by the
// analysis), and treatment effects only on sessions that start at or after
// the user's first exposure (Config.EffectFromExposure). Effects are on the
// per-impression save probability (base 0.08), so with a window in which
// impressions are unaffected the relative lift of saves per user, of saves
// per impression and of save-probability-driven metrics is the planted
// lift itself, in expectation.
type Scenario string

const (
	// ScenarioAA plants nothing: experiment hf_ranker_v2 with variants
	// "control" and "treatment" drawn from the same model. Every test
	// should reject at its nominal rate.
	ScenarioAA Scenario = "aa"
	// ScenarioAB is the homefeed example's effect: in hf_ranker_v2's
	// "treatment" the save probability is 10% higher (saves per user and
	// saves per impression +10%) and latency is 1% higher (p90 latency
	// +1%); sessions, impressions, purchases and revenue are unchanged.
	ScenarioAB Scenario = "ab"
	// ScenarioFactorial is a 2^3 design, experiment fm_q4: each user gets
	// three independent fair coins for emb_arm, ret_arm and rank_arm ("v1"
	// or "v2"), and variant holds the cell "emb-ret-rank" (control
	// "v1-v1-v1"). v2 multiplies the save probability by 1.10 (embeddings),
	// 1.00 (retrieval) and 1.20 (ranker); the all-v2 cell gets a further
	// ×1.10 interaction. Cell lifts against v1-v1-v1 are the products, so
	// components are additive on the log scale except for the all-v2 term:
	// v2-v1-v1 +10%, v1-v1-v2 +20%, v2-v1-v2 +32%, v2-v2-v2 +45.2%.
	ScenarioFactorial Scenario = "factorial"
	// ScenarioCluster randomizes households, not users: users come in
	// households of 1 + Poisson(3) members (mean 4) that share the variant
	// and an activity level (each member's Gamma(2, 1/2) rate is multiplied
	// by the household's own Gamma(2, 1/2) draw, so members' rates
	// correlate 0.4). The effect is ScenarioAB's (+10% saves, +1% latency).
	// Exposures get an extra last column household_id ("h00042"), only in
	// this scenario. Per-user intervals ignore the clustering and are too
	// narrow; a cluster-robust analysis by household_id covers the lift.
	ScenarioCluster Scenario = "cluster"
	// ScenarioDecay is a novelty effect: in hf_ranker_v2's "treatment" the
	// save probability of a session t days after the user's first exposure
	// is multiplied by 1 + a + b·exp(−t/τ) with a = 0.03 (long-run lift),
	// b = 0.12 (novelty at exposure) and τ = 2 days; latency is +1%. Since
	// sessions are uniform in time, the expected lift of saves over a
	// window of w days is a + bτ(1 − exp(−w/τ))/w: 12.44% for 1d, 6.33% for
	// 7d (DecayEffect.Mean).
	ScenarioDecay Scenario = "decay"
)

// Scenarios lists the scenarios in a fixed order.
func Scenarios() []Scenario {
	return []Scenario{ScenarioAA, ScenarioAB, ScenarioFactorial, ScenarioCluster, ScenarioDecay}
}

// ParseScenario returns the named scenario.
func ParseScenario(name string) (Scenario, error) {
	for _, s := range Scenarios() {
		if string(s) == name {
			return s, nil
		}
	}
	names := make([]string, 0, 5)
	for _, s := range Scenarios() {
		names = append(names, string(s))
	}
	return "", fmt.Errorf("unknown scenario %q (supported: %s)", name, strings.Join(names, ", "))
}

// Experiment is the name of the scenario's experiment in the exposures.
func (s Scenario) Experiment() string {
	if s == ScenarioFactorial {
		return "fm_q4"
	}
	return "hf_ranker_v2"
}

// Planted describes what the scenario plants, in a few lines.
func (s Scenario) Planted() string {
	switch s {
	case ScenarioAA:
		return "no effect: control and treatment are drawn from the same model"
	case ScenarioAB:
		return "treatment: save probability +10% (saves per user and save rate +10%), latency +1%"
	case ScenarioFactorial:
		return "2^3 factorial fm_q4, variant = emb-ret-rank cell: v2 lifts saves ×1.10 (embeddings), ×1.00 (retrieval), ×1.20 (ranker); all-v2 a further ×1.10"
	case ScenarioCluster:
		return "households (mean 4 users, column household_id) randomized together with shared activity; treatment: saves +10%, latency +1%"
	case ScenarioDecay:
		return "treatment: saves lift 0.03 + 0.12·exp(−t/2d) at t days after exposure (mean 12.44% over 1d, 6.33% over 7d), latency +1%"
	}
	return ""
}

// DecayEffect is a treatment effect that decays with time since exposure:
// lift(t) = A + B·exp(−t/Tau), t and Tau in days.
type DecayEffect struct {
	A, B, Tau float64
}

// At is the lift t days after exposure (0 before exposure).
func (d DecayEffect) At(t float64) float64 {
	if t < 0 {
		return 0
	}
	return d.A + d.B*math.Exp(-t/d.Tau)
}

// Mean is the average lift over the first w days after exposure, which is
// the expected lift of a count over a w-day window when activity is
// uniform in time: A + B·Tau·(1 − exp(−w/Tau))/w.
func (d DecayEffect) Mean(w float64) float64 {
	if w <= 0 {
		return d.At(0)
	}
	return d.A + d.B*d.Tau*(-math.Expm1(-w/d.Tau))/w
}

// Config is the scenario's configuration for units users in its
// experiment (plus units/10 in search_v9), days days of events and a seed.
func (s Scenario) Config(units, days int, seed uint64) (Config, error) {
	if units < 1 {
		return Config{}, fmt.Errorf("units must be at least 1, got %d", units)
	}
	if days < 1 {
		return Config{}, fmt.Errorf("days must be at least 1, got %d", days)
	}
	cfg := Config{Seed: seed, Users: units, OtherUsers: units / 10, Days: days, ExposureDays: max(1, days/2),
		MultiShare: 0.01, SaveProb: 0.08, SaveLift: 0.10, LatencyLift: 0.01,
		Start:              time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		EffectFromExposure: true}
	switch s {
	case ScenarioAA:
		cfg.SaveLift, cfg.LatencyLift = 0, 0
	case ScenarioAB:
	case ScenarioFactorial:
		cfg.Users, cfg.FactorUsers = 0, units
		cfg.SaveLift, cfg.LatencyLift = 0, 0
		cfg.FactorLifts, cfg.Interaction = [3]float64{0.10, 0, 0.20}, 0.10
		cfg.FactorCells = true
	case ScenarioCluster:
		cfg.HouseholdSize = 4
	case ScenarioDecay:
		cfg.SaveLift = 0
		cfg.Decay = &DecayEffect{A: 0.03, B: 0.12, Tau: 2}
	default:
		_, err := ParseScenario(string(s))
		return Config{}, err
	}
	return cfg, nil
}

// runHouseholds generates hf_ranker_v2 users in households (randomized
// together, sharing an activity multiplier), then fm_q4 and search_v9
// users in households of one.
func (g *gen) runHouseholds() {
	cfg := g.cfg
	id, h := 0, 0
	next := func() string { h++; return fmt.Sprintf("h%05d", h-1) }
	for id < cfg.Users {
		size := min(1+poisson(g.rng, cfg.HouseholdSize-1), cfg.Users-id)
		variant := "control"
		if g.rng.IntN(2) == 1 {
			variant = "treatment"
		}
		hh := &household{id: next(), activity: gamma2(g.rng) / 2}
		for k := 0; k < size; k++ {
			g.user(id, "hf_ranker_v2", variant, [3]bool{}, hh)
			id++
		}
	}
	for i := 0; i < cfg.FactorUsers; i++ {
		var arms [3]bool
		for k := range arms {
			arms[k] = g.rng.IntN(2) == 1
		}
		g.user(id, "fm_q4", "", arms, &household{id: next(), activity: 1})
		id++
	}
	for i := 0; i < cfg.OtherUsers; i++ {
		g.user(id, "search_v9", []string{"control", "v3"}[g.rng.IntN(2)], [3]bool{}, &household{id: next(), activity: 1})
		id++
	}
}

// Format is the file format of written data.
type Format string

// Formats of WriteScenario.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ParseFormat returns the named format.
func ParseFormat(name string) (Format, error) {
	switch Format(name) {
	case CSV, Parquet:
		return Format(name), nil
	}
	return "", fmt.Errorf("unknown format %q (supported: csv, parquet)", name)
}

// SpecFile is the name of the spec WriteScenario writes beside the data.
const SpecFile = "simulated.cal"

// WriteScenario writes the scenario's data generated with cfg into dir, as
// exposures.<format> and events.<format>, and a spec (SpecFile) whose
// sources read them and whose experiments analyse them, so that
// `caliper run dir` works. Parquet files are converted from CSV (in a
// temporary folder inside dir, removed afterwards).
func WriteScenario(dir string, s Scenario, cfg Config, format Format) (_ *Files, err error) {
	if _, err := ParseFormat(string(format)); err != nil {
		return nil, err
	}
	var f *Files
	if format == CSV {
		var err error
		if f, err = Write(dir, cfg); err != nil {
			return nil, err
		}
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		tmp, err := os.MkdirTemp(dir, ".simulate-")
		if err != nil {
			return nil, err
		}
		defer errs.Do(func() error { return os.RemoveAll(tmp) }, &err)
		c, err := Write(tmp, cfg)
		if err != nil {
			return nil, err
		}
		f = &Files{Exposures: filepath.Join(dir, "exposures.parquet"), Events: filepath.Join(dir, "events.parquet"), EventRows: c.EventRows}
		if err := ToParquet(c.Exposures, f.Exposures); err != nil {
			return nil, err
		}
		if err := ToParquet(c.Events, f.Events); err != nil {
			return nil, err
		}
	}
	f.Spec = filepath.Join(dir, SpecFile)
	if err := os.WriteFile(f.Spec, []byte(s.Spec(format, cfg)), 0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// Spec is a spec for the scenario's data in format: the homefeed sources
// and metrics, and the scenario's experiments: hf_ranker_v2 (the homefeed
// experiment) for aa, ab, cluster and decay; hf_ranker_v2_households
// (cluster household_id) for cluster; hf_ranker_v2_longrun (timeline
// exposure_day), hf_ranker_v2_timeline (timeline day) and
// hf_ranker_v2_day1 (window 1d) for decay; fm_q4_components (factors,
// Shapley attribution) and fm_q4 (the 8 cells as arms) for factorial.
func (s Scenario) Spec(format Format, cfg Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Generated by `caliper simulate --scenario %s --units %d --days %d --seed %d`.\n", s, cfg.Users+cfg.FactorUsers, cfg.Days, cfg.Seed)
	fmt.Fprintf(&b, "// Planted: %s.\n// See runtime/simulate (Scenario) for the model.\n\n", s.Planted())
	household := ""
	if cfg.HouseholdSize > 0 {
		household = "\n    household_id string    // the randomization unit of the cluster scenario"
	}
	fmt.Fprintf(&b, `source events {
  from %[1]s("events.%[1]s")
  time ts
  columns {
    user_id    string
    ts         timestamp
    event      string
    surface    string
    revenue    float
    latency_ms float
  }
}

source exposures {
  from %[1]s("exposures.%[1]s")
  time ts
  columns {
    user_id    string
    ts         timestamp
    experiment string
    variant    string
    country    string
    platform   string
    emb_arm    string
    ret_arm    string
    rank_arm   string%[2]s
  }
}

metric saves_per_user {
  owner       "simulate"
  description "Saves per exposed user in the analysis window."
  value       count(events where event == "save")
}

metric sessions_per_user {
  owner "simulate"
  value count(events where event == "session_start")
}

metric save_rate {
  owner "simulate"
  value count(events where event == "save") / count(events where event == "impression")
}

metric purchasers {
  owner "simulate"
  value any(events where event == "purchase")
}

metric revenue_per_user {
  owner     "simulate"
  direction increase
  value     sum(events.revenue where event == "purchase")
}

metric p90_latency_ms {
  owner     "simulate"
  direction decrease
  value     quantile(events.latency_ms where event == "impression", 0.9)
}
`, format, household)
	switch s {
	case ScenarioFactorial:
		b.WriteString(`
// The 2^3 design: main effects, interactions and Shapley attribution.
experiment fm_q4_components {
  exposures   exposures where experiment == "fm_q4"
  unit        user_id
  factor      embeddings emb_arm  baseline "v1"
  factor      retrieval  ret_arm  baseline "v1"
  factor      ranker     rank_arm baseline "v1"
  window      7d
  primary     saves_per_user
  secondary   sessions_per_user
  attribution shapley
}

// Each of the 7 other cells against all-v1, as an 8-arm experiment.
experiment fm_q4 {
  exposures  exposures where experiment == "fm_q4"
  unit       user_id
  assignment variant
  control    "v1-v1-v1"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, save_rate
}
`)
	default:
		if s == ScenarioCluster {
			b.WriteString(`
// Households are randomized: the cluster-robust analysis.
experiment hf_ranker_v2_households {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  cluster    household_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, save_rate
}

// The same per user, ignoring the households: intervals too narrow.
`)
		}
		b.WriteString(`
experiment hf_ranker_v2 {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, save_rate, purchasers
  guardrail  p90_latency_ms within 2%
  guardrail  revenue_per_user within 1%
}
`)
		if s == ScenarioDecay {
			b.WriteString(`
// Effects by days since each user's first exposure, and the long-run fit
// a + b·exp(−t/τ) to them: a recovers the planted long-run lift.
experiment hf_ranker_v2_longrun {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  timeline   exposure_day
  primary    saves_per_user
}

// Effects per calendar day since the start (each day mixes users of
// every exposure age).
experiment hf_ranker_v2_timeline {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  timeline   day
  primary    saves_per_user
}

// The first day after exposure, where the novelty effect is largest.
experiment hf_ranker_v2_day1 {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     1d
  primary    saves_per_user
  secondary  save_rate
}
`)
		}
	}
	return b.String()
}
