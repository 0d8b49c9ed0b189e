// Package simulate writes synthetic exposure and event data with planted,
// documented effects, in the schema of the LANGUAGE.md examples. It is
// deterministic for a seed, so examples, tests and benchmarks can rebuild
// identical data.
//
// The planted model, per user u exposed to experiment hf_ranker_v2:
//
//   - exposures: first exposure uniform over the first ExposureDays days,
//     1-3 exposure rows; MultiShare of users also see the other variant;
//     some users are exposed to an unrelated experiment (search_v9) only.
//   - activity: a user-level rate r_u ~ Gamma(2, 1/2) scales sessions per
//     day (Poisson, mean 0.35 r_u); each session has an impression count
//     Poisson(6) + 1; each impression is saved with probability
//     SaveProb (times 1 + SaveLift in treatment), purchased with
//     probability 0.002 (revenue lognormal(3, 1)), and has a latency
//     lognormal(ln 150, 0.25) (times 1 + LatencyLift in treatment).
//   - events run from day 0 to Days; exposure rows carry country and
//     platform attributes.
//
// Users of the factorial experiment fm_q4 get three independent two-level
// arms (emb_arm, ret_arm, rank_arm, each "v1" or "v2"); each v2 multiplies
// the save probability by 1 + FactorLifts[i], and all-v2 users get the
// extra Interaction lift.
package simulate

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/caliper-dev/caliper/internal/errs"
)

// Config is a simulation's size and planted effects.
type Config struct {
	Seed         uint64
	Users        int     // users in hf_ranker_v2
	FactorUsers  int     // users in fm_q4 (0: none)
	OtherUsers   int     // users only in the unrelated experiment
	Days         int     // days of events
	ExposureDays int     // days over which first exposures spread
	MultiShare   float64 // share of users exposed to both variants
	SaveProb     float64
	SaveLift     float64 // relative lift of the save probability in treatment
	LatencyLift  float64 // relative lift of latency in treatment
	FactorLifts  [3]float64
	Interaction  float64
	Start        time.Time

	// The fields below are zero in Default: their zero values keep the data
	// that Default and the committed examples were generated with. The
	// scenarios (scenario.go) set them.

	// EffectFromExposure applies treatment effects only to sessions that
	// start at or after the user's first exposure (false: to all of a
	// treated user's events, pre-exposure ones included, as in Default).
	EffectFromExposure bool
	// Decay, when set, makes the hf_ranker_v2 treatment's save lift decay
	// with days since first exposure: the save probability is multiplied by
	// 1 + Decay.At(t), on top of SaveLift, for sessions after exposure.
	Decay *DecayEffect
	// HouseholdSize > 0 groups users into households of mean size
	// HouseholdSize that are randomized together and share an activity
	// level; exposures then get a household_id column.
	HouseholdSize float64
	// FactorCells writes each fm_q4 user's cell ("v1-v2-v1": emb_arm,
	// ret_arm, rank_arm) in the variant column (false: empty, as in
	// Default), so the factorial runs as an 8-arm experiment.
	FactorCells bool
}

// Default is the homefeed example's configuration.
func Default() Config {
	return Config{Seed: 20261001, Users: 2000, FactorUsers: 4000, OtherUsers: 200, Days: 14, ExposureDays: 7,
		MultiShare: 0.01, SaveProb: 0.08, SaveLift: 0.10, LatencyLift: 0.01,
		FactorLifts: [3]float64{0.25, 0.0, 0.40}, Interaction: 0.20,
		Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
}

// Files are the written paths.
type Files struct {
	Exposures string
	Events    string
	// EventRows is the number of event rows written.
	EventRows int
	// Spec is the spec WriteScenario wrote beside the data ("" for Write).
	Spec string
}

// Write generates the data into dir as exposures.csv and events.csv.
func Write(dir string, cfg Config) (_ *Files, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &Files{Exposures: filepath.Join(dir, "exposures.csv"), Events: filepath.Join(dir, "events.csv")}
	xf, err := os.Create(f.Exposures)
	if err != nil {
		return nil, err
	}
	defer errs.Close(xf, &err)
	ef, err := os.Create(f.Events)
	if err != nil {
		return nil, err
	}
	defer errs.Close(ef, &err)
	g := &gen{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		x: bufio.NewWriterSize(xf, 1<<20), e: bufio.NewWriterSize(ef, 1<<20)}
	g.x.WriteString("user_id,ts,experiment,variant,country,platform,emb_arm,ret_arm,rank_arm")
	if cfg.HouseholdSize > 0 {
		g.x.WriteString(",household_id")
	}
	g.x.WriteString("\n")
	g.e.WriteString("user_id,ts,event,surface,revenue,latency_ms\n")
	g.run()
	if err := g.x.Flush(); err != nil {
		return nil, err
	}
	if err := g.e.Flush(); err != nil {
		return nil, err
	}
	f.EventRows = g.rows
	return f, nil
}

type gen struct {
	cfg  Config
	rng  *rand.Rand
	x, e *bufio.Writer
	rows int
}

var (
	countries = []string{"US", "US", "US", "GB", "DE", "BR", "JP"}
	platforms = []string{"ios", "android", "web"}
	surfaces  = []string{"homefeed", "homefeed", "homefeed", "search", "related"}
)

func (g *gen) run() {
	if g.cfg.HouseholdSize > 0 {
		g.runHouseholds()
		return
	}
	id := 0
	for i := 0; i < g.cfg.Users; i++ {
		variant := "control"
		if g.rng.IntN(2) == 1 {
			variant = "treatment"
		}
		g.user(id, "hf_ranker_v2", variant, [3]bool{}, nil)
		id++
	}
	for i := 0; i < g.cfg.FactorUsers; i++ {
		var arms [3]bool
		for k := range arms {
			arms[k] = g.rng.IntN(2) == 1
		}
		g.user(id, "fm_q4", "", arms, nil)
		id++
	}
	for i := 0; i < g.cfg.OtherUsers; i++ {
		g.user(id, "search_v9", []string{"control", "v3"}[g.rng.IntN(2)], [3]bool{}, nil)
		id++
	}
}

func (g *gen) ts(seconds float64) string {
	return g.cfg.Start.Add(time.Duration(seconds) * time.Second).Format("2006-01-02 15:04:05")
}

func arm(b bool) string {
	if b {
		return "v2"
	}
	return "v1"
}

// household is the shared part of a household's users (nil: none).
type household struct {
	id       string  // household_id
	activity float64 // multiplies each member's activity rate
}

// user writes one user's exposures and events.
func (g *gen) user(id int, exp, variant string, arms [3]bool, hh *household) {
	cfg := g.cfg
	uid := fmt.Sprintf("u%05d", id)
	country := countries[g.rng.IntN(len(countries))]
	platform := platforms[g.rng.IntN(len(platforms))]
	t0 := g.rng.Float64() * float64(cfg.ExposureDays) * 86400
	nexp := 1 + g.rng.IntN(3)
	factorial := exp == "fm_q4"
	for k := 0; k < nexp; k++ {
		t := t0 + float64(k)*g.rng.Float64()*86400
		v := variant
		if k > 0 && !factorial && exp == "hf_ranker_v2" && g.rng.Float64() < cfg.MultiShare*2 {
			v = map[string]string{"control": "treatment", "treatment": "control"}[variant]
		}
		e, r, rk := "", "", ""
		if factorial {
			e, r, rk = arm(arms[0]), arm(arms[1]), arm(arms[2])
			if cfg.FactorCells {
				v = e + "-" + r + "-" + rk
			}
		}
		if hh != nil {
			fmt.Fprintf(g.x, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", uid, g.ts(t), exp, v, country, platform, e, r, rk, hh.id)
			continue
		}
		fmt.Fprintf(g.x, "%s,%s,%s,%s,%s,%s,%s,%s,%s\n", uid, g.ts(t), exp, v, country, platform, e, r, rk)
	}
	save := cfg.SaveProb
	latency := 1.0
	treated := variant == "treatment" && exp == "hf_ranker_v2"
	switch {
	case treated:
		save *= 1 + cfg.SaveLift
		latency *= 1 + cfg.LatencyLift
	case factorial:
		all := true
		for k, on := range arms {
			if on {
				save *= 1 + cfg.FactorLifts[k]
			}
			all = all && on
		}
		if all {
			save *= 1 + cfg.Interaction
		}
	}
	rate := gamma2(g.rng) / 2
	if hh != nil {
		rate *= hh.activity
	}
	days := float64(cfg.Days)
	sessions := poisson(g.rng, 0.35*rate*days)
	for s := 0; s < sessions; s++ {
		st := g.rng.Float64() * days * 86400
		save, latency := save, latency
		switch {
		case cfg.EffectFromExposure && st < t0:
			save, latency = cfg.SaveProb, 1.0
		case cfg.Decay != nil && treated && st >= t0:
			save *= 1 + cfg.Decay.At((st-t0)/86400)
		}
		surface := surfaces[g.rng.IntN(len(surfaces))]
		fmt.Fprintf(g.e, "%s,%s,session_start,%s,,\n", uid, g.ts(st), surface)
		g.rows++
		imps := poisson(g.rng, 6) + 1
		for k := 0; k < imps; k++ {
			it := st + float64(k*20+g.rng.IntN(20))
			lat := math.Exp(math.Log(150)+0.25*g.rng.NormFloat64()) * latency
			fmt.Fprintf(g.e, "%s,%s,impression,%s,,%.1f\n", uid, g.ts(it), surface, lat)
			g.rows++
			if g.rng.Float64() < save {
				fmt.Fprintf(g.e, "%s,%s,save,%s,,\n", uid, g.ts(it+5), surface)
				g.rows++
			}
			if g.rng.Float64() < 0.002 {
				rev := math.Exp(3 + g.rng.NormFloat64())
				fmt.Fprintf(g.e, "%s,%s,purchase,%s,%.2f,\n", uid, g.ts(it+9), surface, rev)
				g.rows++
			}
		}
	}
}

// gamma2 draws Gamma(shape 2, scale 1) as the sum of two exponentials.
func gamma2(r *rand.Rand) float64 { return r.ExpFloat64() + r.ExpFloat64() }

// poisson draws a Poisson variate (Knuth for small means, normal
// approximation above 30).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l := math.Exp(-mean)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
