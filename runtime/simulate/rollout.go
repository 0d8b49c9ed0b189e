package simulate

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// ScenarioRollout is `caliper simulate --scenario rollout`: a panel of
// markets × days in which markets adopt a change week by week (staggered),
// with a planted dynamic effect and, optionally, a planted pre-trend
// violation (RolloutConfig). It writes its own schema (market_daily.csv, as
// in LANGUAGE.md's rollout example), so it is not among Scenarios().
const ScenarioRollout Scenario = "rollout"

// RolloutConfig is the rollout scenario's model.
//
// Market m has a size s_m ~ 2000·Gamma(2,1)/2 sessions a day and a base save
// rate r_m ~ U(0.08, 0.12). In week w its rate is
//
//	rate_mw = r_m + μ_w + δ(e) + π(e) + ε_mw,   ε_mw ~ N(0, Noise²),
//
// with a common weekly trend μ_w = Trend·w + Season·sin(2πw/13), e = w − A_m
// the weeks since the market's adoption week A_m (the effect starts with the
// week that contains launched_at), δ(e) = Effect + Ramp·min(e, RampWeeks)
// for e ≥ 0 (0 before) the planted dynamic effect, and π(e) = PreTrend·(e+1)
// the planted violation of parallel trends (0 unless set): the markets that
// adopt were picked because they were growing, and keep growing after, while
// the never-adopting markets were not (not-yet comparisons see it only
// through their never-treated markets: against markets that adopt later the
// adopters' trends are parallel). Parallel trends hold exactly when
// PreTrend is 0, so ATT(g,t) = δ(t − g) on the weekly ratio scale
// Σ saves / Σ sessions. Each day a market has Poisson(s_m·dow_d) sessions
// (dow: weekends 0.8) and Poisson(sessions·rate) saves.
//
// Adoption: Never markets never adopt (launched_at empty); the others are
// spread evenly over the weeks in AdoptWeeks, each launching at a random
// instant in the first three days of its week.
type RolloutConfig struct {
	Seed       uint64
	Markets    int
	Never      int
	Weeks      int
	AdoptWeeks []int
	Effect     float64
	Ramp       float64
	RampWeeks  int
	PreTrend   float64
	Trend      float64
	Season     float64
	Noise      float64
	Start      time.Time // a Monday 00:00 UTC
}

// DefaultRollout is the scenario's configuration: 40 markets (8 never
// adopt) over 24 weeks, adopting in weeks 8, 10, 12 and 14, with an effect
// of 0.004 on the save rate (about 4%) growing by 0.001 a week to 0.008.
func DefaultRollout(markets int, seed uint64) RolloutConfig {
	return RolloutConfig{Seed: seed, Markets: markets, Never: markets / 5, Weeks: 24,
		AdoptWeeks: []int{8, 10, 12, 14}, Effect: 0.004, Ramp: 0.001, RampWeeks: 4,
		Trend: 0.0005, Season: 0.003, Noise: 0.002,
		Start: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)}
}

// Delta is the planted effect δ(e) at e weeks since adoption.
func (cfg RolloutConfig) Delta(e int) float64 {
	if e < 0 {
		return 0
	}
	return cfg.Effect + cfg.Ramp*float64(min(e, cfg.RampWeeks))
}

// RolloutMarket is one simulated market.
type RolloutMarket struct {
	Name string
	// Never is set for a market that never adopts; otherwise Adopt is the
	// adoption week (it may lie outside the data) and Launched the instant.
	Never    bool
	Adopt    int
	Launched time.Time
	Sessions []int // per day
	Saves    []int // per day
}

// SimulateRollout draws the markets.
func (cfg RolloutConfig) SimulateRollout() []RolloutMarket {
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x0d1d_5eed_2026))
	mu := make([]float64, cfg.Weeks)
	for w := range mu {
		mu[w] = cfg.Trend*float64(w) + cfg.Season*math.Sin(2*math.Pi*float64(w)/13)
	}
	out := make([]RolloutMarket, cfg.Markets)
	treated := cfg.Markets - cfg.Never
	for m := range out {
		mk := &out[m]
		mk.Name = fmt.Sprintf("m%02d", m+1)
		mk.Never = true
		if m < treated && len(cfg.AdoptWeeks) > 0 {
			mk.Never = false
			mk.Adopt = cfg.AdoptWeeks[m*len(cfg.AdoptWeeks)/treated]
			off := time.Duration(rng.IntN(3*24*3600)) * time.Second
			mk.Launched = cfg.Start.AddDate(0, 0, 7*mk.Adopt).Add(off)
		}
		size := 1000 * gamma2(rng)
		base := 0.08 + 0.04*rng.Float64()
		days := 7 * cfg.Weeks
		mk.Sessions = make([]int, days)
		mk.Saves = make([]int, days)
		for w := 0; w < cfg.Weeks; w++ {
			rate := base + mu[w] + cfg.Noise*rng.NormFloat64()
			if !mk.Never {
				e := w - mk.Adopt
				rate += cfg.Delta(e)
				rate += cfg.PreTrend * float64(e+1)
			}
			rate = math.Max(rate, 0)
			for d := 0; d < 7; d++ {
				dow := 1.0
				if d >= 5 {
					dow = 0.8
				}
				s := poisson(rng, size*dow)
				mk.Sessions[7*w+d] = s
				mk.Saves[7*w+d] = poisson(rng, float64(s)*rate)
			}
		}
	}
	return out
}

// Planted describes what the configuration plants, in one line.
func (cfg RolloutConfig) Planted() string {
	s := fmt.Sprintf("%d markets (%d never adopt) over %d weeks adopting in weeks %v; effect on saves/sessions %g + %g a week for %d weeks after adoption",
		cfg.Markets, cfg.Never, cfg.Weeks, cfg.AdoptWeeks, cfg.Effect, cfg.Ramp, cfg.RampWeeks)
	if cfg.PreTrend != 0 {
		s += fmt.Sprintf("; pre-trend violation %g a week before adoption", cfg.PreTrend)
	}
	return s + " (market_daily.csv)"
}

// RolloutFiles are the paths WriteRollout wrote.
type RolloutFiles struct {
	Panel, Spec string
	Rows        int
}

// WriteRollout writes into dir market_daily.csv (market, day, saves,
// sessions, launched_at: one row per market and day) and a spec (SpecFile)
// with the rollout of LANGUAGE.md's example.
func WriteRollout(dir string, cfg RolloutConfig) (*RolloutFiles, error) {
	if cfg.Markets < 2 || cfg.Weeks < 2 {
		return nil, fmt.Errorf("the rollout scenario needs at least 2 markets and 2 weeks, got %d and %d", cfg.Markets, cfg.Weeks)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &RolloutFiles{Panel: filepath.Join(dir, "market_daily.csv"), Spec: filepath.Join(dir, SpecFile)}
	const layout = "2006-01-02 15:04:05"
	err := writeLines(f.Panel, "market,day,saves,sessions,launched_at", func(w *bufio.Writer) {
		for _, m := range cfg.SimulateRollout() {
			launched := ""
			if !m.Never {
				launched = m.Launched.Format(layout)
			}
			for d := range m.Sessions {
				fmt.Fprintf(w, "%s,%s,%d,%d,%s\n", m.Name, cfg.Start.AddDate(0, 0, d).Format(layout), m.Saves[d], m.Sessions[d], launched)
				f.Rows++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(f.Spec, []byte(cfg.Spec()), 0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// Spec is the scenario's spec: LANGUAGE.md's rollout example on the
// simulated panel.
func (cfg RolloutConfig) Spec() string {
	return fmt.Sprintf(`// Generated by `+"`caliper simulate --scenario rollout --units %d --seed %d`"+`.
// Planted: %s.
// See runtime/simulate (RolloutConfig) for the model.

source market_daily {
  from csv("market_daily.csv")
  time day
  columns {
    market      string
    day         timestamp
    saves       float
    sessions    float
    launched_at timestamp
  }
}

metric market_saves_per_session {
  value sum(market_daily.saves) / sum(market_daily.sessions)
}

rollout fm_v3_markets {
  title      "Foundation model v3, launched market by market"
  rows       market_daily
  group      market
  adopted    launched_at
  period     week
  pre        8w
  post       8w
  comparison not_yet
  primary    market_saves_per_session
}
`, cfg.Markets, cfg.Seed, cfg.Planted())
}
