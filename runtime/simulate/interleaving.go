package simulate

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// ScenarioInterleaving is `caliper simulate --scenario interleaving`: two
// rankers, a baseline "v2" and a treatment "v3" that ranks relevant items
// higher, compared by team-draft interleaving and, on the same simulated
// users, by an A/B test (InterleavingConfig). It writes its own schema, not
// the homefeed one, so it is not among Scenarios().
const ScenarioInterleaving Scenario = "interleaving"

// InterleavingConfig is the interleaving scenario's model.
//
// Each session has Candidates items whose true relevance is 0-3 (0 with
// probability 0.6, 1: 0.25, 2: 0.1, 3: 0.05). A ranker scores an item
// relevance·Quality + N(0, 1) and the list shows the best ListLength: the
// treatment's higher Quality is the planted difference. A user has
// 1 + Poisson(SessionsMean−1) sessions and a click propensity m ~
// Gamma(2, 1/2) (mean 1); the item at position k (1-based) of relevance r
// is clicked with probability min(1, m·k^−0.7·attract[r]), attract = 0.02,
// 0.15, 0.35, 0.6, and a clicked item is saved with probability 0.05, 0.2,
// 0.35, 0.5 by relevance.
//
// Interleaved sessions merge the two rankings by team draft (Radlinski,
// Kurup & Joachims 2008): the team with fewer picks picks next (a coin
// decides ties), adding its best item not yet shown, and the item is
// credited to it. In the A/B data each user is assigned one ranker by a
// fair coin and sees that ranker's list in every session; the user's
// sessions, propensity and candidates are the same as in the interleaved
// data.
type InterleavingConfig struct {
	Seed         uint64
	Users        int
	SessionsMean float64
	Candidates   int
	ListLength   int
	Baseline     string
	Treatment    string
	Quality      [2]float64 // baseline, treatment
	Start        time.Time
}

// DefaultInterleaving is the scenario's configuration for users users.
func DefaultInterleaving(users int, seed uint64) InterleavingConfig {
	return InterleavingConfig{Seed: seed, Users: users, SessionsMean: 4, Candidates: 30, ListLength: 10,
		Baseline: "v2", Treatment: "v3", Quality: [2]float64{1.0, 1.25},
		Start: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
}

var (
	ilAttract = [4]float64{0.02, 0.15, 0.35, 0.6}
	ilSave    = [4]float64{0.05, 0.2, 0.35, 0.5}
)

// ILShown is one shown item of an interleaved session.
type ILShown struct {
	Item     int
	Position int // 1-based
	Team     int // 0 baseline, 1 treatment
	Clicked  bool
	Saved    bool
}

// ILSession is one session of one user: the interleaved list and, for the
// A/B data, the clicks and saves of each ranker's own list.
type ILSession struct {
	Start       float64 // seconds after Config.Start
	Interleaved []ILShown
	ABClicks    [2]int
	ABSaves     [2]int
}

// ILUser is one simulated user.
type ILUser struct {
	ID       int
	Arm      int // the A/B ranker: 0 baseline, 1 treatment
	Sessions []ILSession
}

// ilSim draws sessions.
type ilSim struct {
	cfg   InterleavingConfig
	rng   *rand.Rand
	rel   []int
	score [2][]float64
	rank  [2][]int
}

func newILSim(cfg InterleavingConfig, seed uint64) *ilSim {
	s := &ilSim{cfg: cfg, rng: rand.New(rand.NewPCG(seed, seed^0x51ed2701f3a5c7b9))}
	s.rel = make([]int, cfg.Candidates)
	for r := 0; r < 2; r++ {
		s.score[r] = make([]float64, cfg.Candidates)
		s.rank[r] = make([]int, cfg.Candidates)
	}
	return s
}

func (s *ilSim) relevance() int {
	switch u := s.rng.Float64(); {
	case u < 0.6:
		return 0
	case u < 0.85:
		return 1
	case u < 0.95:
		return 2
	}
	return 3
}

// rankings draws a session's candidates and both rankers' orders.
func (s *ilSim) rankings() {
	for j := range s.rel {
		s.rel[j] = s.relevance()
	}
	for r := 0; r < 2; r++ {
		for j := range s.rel {
			s.score[r][j] = float64(s.rel[j])*s.cfg.Quality[r] + s.rng.NormFloat64()
			s.rank[r][j] = j
		}
		sc := s.score[r]
		sort.SliceStable(s.rank[r], func(a, b int) bool { return sc[s.rank[r][a]] > sc[s.rank[r][b]] })
	}
}

// click draws whether the item of relevance rel at position pos is clicked
// and saved by a user of propensity m.
func (s *ilSim) click(m float64, pos, rel int) (clicked, saved bool) {
	p := math.Min(1, m*math.Pow(float64(pos), -0.7)*ilAttract[rel])
	clicked = s.rng.Float64() < p
	saved = clicked && s.rng.Float64() < ilSave[rel]
	return clicked, saved
}

// teamDraft merges the two rankings.
func (s *ilSim) teamDraft() []ILShown {
	n := s.cfg.ListLength
	shown := make(map[int]bool, n)
	out := make([]ILShown, 0, n)
	next := [2]int{}
	picks := [2]int{}
	for len(out) < n {
		team := 0
		if picks[1] < picks[0] || (picks[0] == picks[1] && s.rng.IntN(2) == 1) {
			team = 1
		}
		for next[team] < len(s.rank[team]) && shown[s.rank[team][next[team]]] {
			next[team]++
		}
		if next[team] == len(s.rank[team]) {
			break
		}
		item := s.rank[team][next[team]]
		shown[item] = true
		picks[team]++
		out = append(out, ILShown{Item: item, Position: len(out) + 1, Team: team})
	}
	return out
}

// session draws one session for a user of propensity m.
func (s *ilSim) session(m float64) ILSession {
	s.rankings()
	var out ILSession
	out.Interleaved = s.teamDraft()
	for i := range out.Interleaved {
		it := &out.Interleaved[i]
		it.Clicked, it.Saved = s.click(m, it.Position, s.rel[it.Item])
	}
	for r := 0; r < 2; r++ {
		for k := 0; k < s.cfg.ListLength && k < len(s.rank[r]); k++ {
			c, sv := s.click(m, k+1, s.rel[s.rank[r][k]])
			if c {
				out.ABClicks[r]++
			}
			if sv {
				out.ABSaves[r]++
			}
		}
	}
	return out
}

// SimulateUsers simulates the configuration's users, deterministically
// for its seed.
func (cfg InterleavingConfig) SimulateUsers() []ILUser {
	s := newILSim(cfg, cfg.Seed)
	users := make([]ILUser, cfg.Users)
	span := 14 * 24 * 3600.0
	for i := range users {
		m := gamma2(s.rng) / 2
		n := 1 + poisson(s.rng, cfg.SessionsMean-1)
		u := ILUser{ID: i, Arm: s.rng.IntN(2), Sessions: make([]ILSession, n)}
		starts := make([]float64, n)
		for k := range starts {
			starts[k] = math.Floor(s.rng.Float64() * span)
		}
		sort.Float64s(starts)
		for k := range u.Sessions {
			u.Sessions[k] = s.session(m)
			u.Sessions[k].Start = starts[k]
		}
		users[i] = u
	}
	return users
}

// ILOutcome is a session's interleaving outcome for the treatment under
// clicks and saves: +1 win, −1 loss, 0 tie.
func (x ILSession) ILOutcome() (clicks, saves int) {
	var c, sv [2]int
	for _, it := range x.Interleaved {
		if it.Clicked {
			c[it.Team]++
		}
		if it.Saved {
			sv[it.Team]++
		}
	}
	return sign(c[1] - c[0]), sign(sv[1] - sv[0])
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// PlantedInterleaving is the population value of what the scenario
// plants, estimated from sessions sessions of fresh users drawn from the
// model (a seed of its own): the preference shares wins / (wins + losses)
// of the treatment under clicks and saves, and the A/B relative lifts of
// clicks and saves per session (= per user, as sessions do not depend on
// the ranker).
type PlantedInterleaving struct {
	ClickShare, SaveShare float64
	ClickLift, SaveLift   float64
	Sessions              int
}

// PlantedValues estimates the planted values from sessions simulated sessions.
func (cfg InterleavingConfig) PlantedValues(sessions int) PlantedInterleaving {
	s := newILSim(cfg, cfg.Seed^0xabcdef12345)
	var w, d [2]float64 // clicks, saves
	var ab [2][2]float64
	for i := 0; i < sessions; i++ {
		m := gamma2(s.rng) / 2
		x := s.session(m)
		c, sv := x.ILOutcome()
		for k, o := range []int{c, sv} {
			if o != 0 {
				d[k]++
			}
			if o > 0 {
				w[k]++
			}
		}
		for r := 0; r < 2; r++ {
			ab[0][r] += float64(x.ABClicks[r])
			ab[1][r] += float64(x.ABSaves[r])
		}
	}
	return PlantedInterleaving{ClickShare: w[0] / d[0], SaveShare: w[1] / d[1],
		ClickLift: ab[0][1]/ab[0][0] - 1, SaveLift: ab[1][1]/ab[1][0] - 1, Sessions: sessions}
}

// InterleavingFiles are the paths WriteInterleaving wrote.
type InterleavingFiles struct {
	Interleaved, Exposures, Events, Spec string
	Rows                                 int
}

// WriteInterleaving writes into dir: interleaved.csv (user_id,
// session_id, ts, item_id, position, team, clicked, saved: one row per
// shown item), and the A/B data of the same users, ab_exposures.csv
// (user_id, ts, experiment, variant) and ab_events.csv (user_id, ts,
// event: session_start, click, save), plus a spec (SpecFile) with the
// interleaving and the A/B experiment.
func WriteInterleaving(dir string, cfg InterleavingConfig) (*InterleavingFiles, error) {
	if cfg.Users < 1 {
		return nil, fmt.Errorf("units must be at least 1, got %d", cfg.Users)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &InterleavingFiles{Interleaved: filepath.Join(dir, "interleaved.csv"),
		Exposures: filepath.Join(dir, "ab_exposures.csv"), Events: filepath.Join(dir, "ab_events.csv"),
		Spec: filepath.Join(dir, SpecFile)}
	users := cfg.SimulateUsers()
	teams := [2]string{cfg.Baseline, cfg.Treatment}
	ts := func(sec float64) string {
		return cfg.Start.Add(time.Duration(sec) * time.Second).Format("2006-01-02 15:04:05")
	}
	err := writeLines(f.Interleaved, "user_id,session_id,ts,item_id,position,team,clicked,saved", func(w *bufio.Writer) {
		for _, u := range users {
			for k, x := range u.Sessions {
				for _, it := range x.Interleaved {
					fmt.Fprintf(w, "u%05d,u%05d-s%02d,%s,i%02d,%d,%s,%t,%t\n", u.ID, u.ID, k, ts(x.Start+float64(it.Position)), it.Item, it.Position, teams[it.Team], it.Clicked, it.Saved)
					f.Rows++
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = writeLines(f.Exposures, "user_id,ts,experiment,variant", func(w *bufio.Writer) {
		for _, u := range users {
			fmt.Fprintf(w, "u%05d,%s,hf_ranker_v3,%s\n", u.ID, ts(u.Sessions[0].Start), teams[u.Arm])
		}
	})
	if err != nil {
		return nil, err
	}
	err = writeLines(f.Events, "user_id,ts,event", func(w *bufio.Writer) {
		for _, u := range users {
			for _, x := range u.Sessions {
				fmt.Fprintf(w, "u%05d,%s,session_start\n", u.ID, ts(x.Start))
				for i := 0; i < x.ABClicks[u.Arm]; i++ {
					fmt.Fprintf(w, "u%05d,%s,click\n", u.ID, ts(x.Start+1))
				}
				for i := 0; i < x.ABSaves[u.Arm]; i++ {
					fmt.Fprintf(w, "u%05d,%s,save\n", u.ID, ts(x.Start+2))
				}
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

func writeLines(path, header string, body func(w *bufio.Writer)) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(fh, 1<<20)
	w.WriteString(header + "\n")
	body(w)
	if err := w.Flush(); err != nil {
		return errors.Join(err, fh.Close())
	}
	return fh.Close()
}

// Planted describes what the configuration plants, in one line.
func (cfg InterleavingConfig) Planted() string {
	return fmt.Sprintf("team-draft interleaving of ranker %s (quality %g) and %s (quality %g), and an A/B test of them on the same users (interleaved.csv, ab_*.csv)",
		cfg.Baseline, cfg.Quality[0], cfg.Treatment, cfg.Quality[1])
}

// Spec is the scenario's spec: the interleaving of v3 against v2 and the
// A/B experiment on the same users.
func (cfg InterleavingConfig) Spec() string {
	return fmt.Sprintf(`// Generated by `+"`caliper simulate --scenario interleaving --units %d --seed %d`"+`.
// Planted: %s.
// See runtime/simulate (InterleavingConfig) for the model.

source interleaved {
  from csv("interleaved.csv")
  time ts
  columns {
    user_id    string
    session_id string
    ts         timestamp
    item_id    string
    position   int
    team       string
    clicked    bool
    saved      bool
  }
}

source ab_exposures {
  from csv("ab_exposures.csv")
  time ts
  columns {
    user_id    string
    ts         timestamp
    experiment string
    variant    string
  }
}

source ab_events {
  from csv("ab_events.csv")
  time ts
  columns {
    user_id string
    ts      timestamp
    event   string
  }
}

metric clicks_per_user {
  owner "simulate"
  value count(ab_events where event == "click")
}

metric saves_per_user {
  owner "simulate"
  value count(ab_events where event == "save")
}

interleaving hf_ranker_v3_il {
  rows     interleaved
  unit     user_id
  session  session_id
  team     team
  baseline "%s"
  credit   clicks clicked
  credit   saves  saved
}

// The same users, each shown one ranker.
experiment hf_ranker_v3_ab {
  exposures  ab_exposures where experiment == "hf_ranker_v3"
  unit       user_id
  assignment variant
  control    "%s"
  primary    clicks_per_user
  secondary  saves_per_user
}
`, cfg.Users, cfg.Seed, cfg.Planted(), cfg.Baseline, cfg.Baseline)
}
