package simulate

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/runtime/stats"
)

// ScenarioOffPolicy is `caliper simulate --scenario offpolicy`: decisions
// logged by a known stochastic policy (propensities recorded) and the
// candidate scores of two new rankers whose true values are computed
// exactly (OffPolicyConfig). It writes its own schema.
const ScenarioOffPolicy Scenario = "offpolicy"

// OffPolicyConfig is the off-policy scenario's model.
//
// The world (fixed, seed opWorldSeed) has Contexts request contexts of
// Actions candidate items each and two user types. The click probability
// of item a in context c for a user of type t is
// p = logistic(β_ca + 0.8·t·γ_ca), β ~ N(−1.2, 0.8), γ ~ N(0, 1). The
// logging policy takes a with μ = (1 − Explore)·softmax(s_ca) + Explore/A,
// s = β + N(0, 1) (so every item has μ ≥ Explore/A). Each model scores
// the items of a context with β + N(0, Noise) and turns the scores into
// action probabilities by its policy (greedy: the argmax, ties split;
// softmax T); a model with Drop scores only the first Actions−1 items of
// the odd contexts (the logged last item is then missing from its
// candidates: π = 0). The reward model is the click probability averaged
// over user types plus N(0, 0.05) (misspecified on purpose).
//
// A user is of type 0 or 1 with probability 1/2 and makes 1 +
// Poisson(RequestsMean − 1) requests, each of a context drawn uniformly;
// the logged reward is a Bernoulli click. A policy's true value (the
// expected reward per decision) is exact: the mean over types and
// contexts of Σ_a π(a)·p(a), no simulation.
type OffPolicyConfig struct {
	Seed         uint64
	Users        int
	RequestsMean float64
	Contexts     int
	Actions      int
	Explore      float64
	// The target policy of every model: greedy, or softmax at Temperature.
	Greedy      bool
	Temperature float64
	Models      []OffPolicyModel
}

// OffPolicyModel is one candidate ranker of the scenario.
type OffPolicyModel struct {
	Name  string
	Noise float64
	Drop  bool
	Seed  uint64 // its scores' noise
}

const opWorldSeed = 0x0ff9011c

// DefaultOffPolicy is the scenario's configuration for users users.
func DefaultOffPolicy(users int, seed uint64) OffPolicyConfig {
	return OffPolicyConfig{Seed: seed, Users: users, RequestsMean: 3, Contexts: 40, Actions: 5, Explore: 0.3,
		Temperature: 0.5,
		Models: []OffPolicyModel{
			{Name: "v3", Noise: 0.3, Seed: 3},
			{Name: "v3_lite", Noise: 0.8, Drop: true, Seed: 4},
		}}
}

// OffPolicyWorld is the fixed world of a configuration: click
// probabilities, the logging and target policies, the reward model.
type OffPolicyWorld struct {
	P     [2][][]float64 // [type][context][action]
	Mu    [][]float64
	Score [][][]float64 // [model][context][action]; NaN where not scored
	Pi    [][][]float64 // [model][context][action]
	Q     [][]float64
}

// World builds the configuration's world (the same for every seed).
func (cfg OffPolicyConfig) World() OffPolicyWorld {
	rng := rand.New(rand.NewPCG(opWorldSeed, opWorldSeed^0x9e3779b97f4a7c15))
	C, A := cfg.Contexts, cfg.Actions
	w := OffPolicyWorld{Mu: grid(C, A), Q: grid(C, A)}
	w.P[0], w.P[1] = grid(C, A), grid(C, A)
	beta := grid(C, A)
	for c := 0; c < C; c++ {
		s := make([]float64, A)
		for a := 0; a < A; a++ {
			beta[c][a] = -1.2 + 0.8*rng.NormFloat64()
			g := rng.NormFloat64()
			w.P[0][c][a] = logistic(beta[c][a])
			w.P[1][c][a] = logistic(beta[c][a] + 0.8*g)
			s[a] = beta[c][a] + rng.NormFloat64()
			w.Q[c][a] = (w.P[0][c][a]+w.P[1][c][a])/2 + 0.05*rng.NormFloat64()
		}
		sm := Softmax(s, 1)
		for a := range sm {
			w.Mu[c][a] = (1-cfg.Explore)*sm[a] + cfg.Explore/float64(A)
		}
	}
	for _, m := range cfg.Models {
		mr := rand.New(rand.NewPCG(m.Seed, opWorldSeed))
		sc, pi := grid(C, A), grid(C, A)
		for c := 0; c < C; c++ {
			n := A
			if m.Drop && c%2 == 1 {
				n = A - 1
			}
			for a := 0; a < A; a++ {
				sc[c][a] = math.NaN()
				if a < n {
					// Scores on a 0.1 grid, so greedy ties happen.
					sc[c][a] = math.Round((beta[c][a]+m.Noise*mr.NormFloat64())*10) / 10
				}
			}
			var p []float64
			if cfg.Greedy {
				p = Greedy(sc[c][:n])
			} else {
				p = Softmax(sc[c][:n], cfg.Temperature)
			}
			copy(pi[c], p)
		}
		w.Score = append(w.Score, sc)
		w.Pi = append(w.Pi, pi)
	}
	return w
}

func grid(r, c int) [][]float64 {
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
	}
	return out
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Softmax is exp(s/T)/Σ exp(s/T), computed after subtracting the maximum.
func Softmax(s []float64, t float64) []float64 {
	out := make([]float64, len(s))
	mx := math.Inf(-1)
	for _, x := range s {
		mx = math.Max(mx, x)
	}
	sum := 0.0
	for i, x := range s {
		out[i] = math.Exp((x - mx) / t)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Greedy puts probability 1 on the argmax, split evenly among ties.
func Greedy(s []float64) []float64 {
	out := make([]float64, len(s))
	mx := math.Inf(-1)
	for _, x := range s {
		mx = math.Max(mx, x)
	}
	k := 0
	for _, x := range s {
		if x == mx {
			k++
		}
	}
	for i, x := range s {
		if x == mx {
			out[i] = 1 / float64(k)
		}
	}
	return out
}

// TrueValue is the exact expected reward per decision of action
// probabilities pi[context][action] (nil: the logging policy).
func (w OffPolicyWorld) TrueValue(pi [][]float64) float64 {
	if pi == nil {
		pi = w.Mu
	}
	v := 0.0
	for t := 0; t < 2; t++ {
		for c := range pi {
			for a, p := range pi[c] {
				v += p * w.P[t][c][a]
			}
		}
	}
	return v / float64(2*len(pi))
}

// OPRequest is one logged decision.
type OPRequest struct {
	Context, Action int
	Reward          float64
}

// OPUser is one simulated user and its logged decisions.
type OPUser struct {
	ID       int
	Type     int
	Requests []OPRequest
}

// SimulateUsers draws the configuration's logged decisions,
// deterministically for its seed.
func (cfg OffPolicyConfig) SimulateUsers(w OffPolicyWorld) []OPUser {
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x0ff9011c0ff9011c))
	users := make([]OPUser, cfg.Users)
	for i := range users {
		u := OPUser{ID: i + 1, Type: rng.IntN(2)}
		k := 1 + poisson(rng, cfg.RequestsMean-1)
		for j := 0; j < k; j++ {
			c := rng.IntN(cfg.Contexts)
			a := draw(rng, w.Mu[c])
			r := 0.0
			if rng.Float64() < w.P[u.Type][c][a] {
				r = 1
			}
			u.Requests = append(u.Requests, OPRequest{Context: c, Action: a, Reward: r})
		}
		users[i] = u
	}
	return users
}

func draw(rng *rand.Rand, p []float64) int {
	x := rng.Float64()
	for i, q := range p {
		if x < q {
			return i
		}
		x -= q
	}
	return len(p) - 1
}

// Sums are model m's off-policy sums over the users, weights clipped at
// clip (stats.NoClip for none): the Go reference of the engine's query.
func (w OffPolicyWorld) Sums(users []OPUser, m int, clip float64) stats.OffPolicySums {
	var s stats.OffPolicySums
	ds := make([]stats.OffPolicyDecision, 0, 16)
	for _, u := range users {
		ds = ds[:0]
		for _, r := range u.Requests {
			direct := 0.0
			for a, p := range w.Pi[m][r.Context] {
				direct += p * w.Q[r.Context][a]
			}
			ds = append(ds, stats.OffPolicyDecision{Propensity: w.Mu[r.Context][r.Action],
				Pi: w.Pi[m][r.Context][r.Action], Reward: r.Reward,
				QLogged: w.Q[r.Context][r.Action], Direct: direct})
		}
		s.AddUnit(ds, clip)
	}
	return s
}

// OffPolicyFiles are the paths WriteOffPolicy wrote.
type OffPolicyFiles struct {
	Logged, Candidates, Spec string
	Decisions, CandidateRows int
}

// WriteOffPolicy writes logged.csv (user_id, request_id, item_id,
// propensity, reward), candidate_scores.csv (model, request_id, item_id,
// score, predicted) and the spec.
func WriteOffPolicy(dir string, cfg OffPolicyConfig) (*OffPolicyFiles, error) {
	f, err := WriteOffPolicyData(dir, cfg)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(f.Spec, []byte(cfg.Spec()), 0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// WriteOffPolicyData writes the two CSV files of WriteOffPolicy, not the
// spec (f.Spec names where it would go).
func WriteOffPolicyData(dir string, cfg OffPolicyConfig) (*OffPolicyFiles, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &OffPolicyFiles{Logged: filepath.Join(dir, "logged.csv"), Candidates: filepath.Join(dir, "candidate_scores.csv"),
		Spec: filepath.Join(dir, SpecFile)}
	w := cfg.World()
	users := cfg.SimulateUsers(w)
	item := func(c, a int) string { return fmt.Sprintf("c%02d_i%d", c, a) }
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	err := writeLines(f.Logged, "user_id,request_id,item_id,propensity,reward", func(b *bufio.Writer) {
		for _, u := range users {
			for j, r := range u.Requests {
				fmt.Fprintf(b, "u%05d,u%05d-r%02d,%s,%s,%s\n", u.ID, u.ID, j, item(r.Context, r.Action), num(w.Mu[r.Context][r.Action]), num(r.Reward))
				f.Decisions++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = writeLines(f.Candidates, "model,request_id,item_id,score,predicted", func(b *bufio.Writer) {
		for m, model := range cfg.Models {
			for _, u := range users {
				for j, r := range u.Requests {
					for a, s := range w.Score[m][r.Context] {
						if math.IsNaN(s) {
							continue
						}
						fmt.Fprintf(b, "%s,u%05d-r%02d,%s,%s,%s\n", model.Name, u.ID, j, item(r.Context, a), num(s), num(w.Q[r.Context][a]))
						f.CandidateRows++
					}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Planted describes the scenario and its true values in one line.
func (cfg OffPolicyConfig) Planted() string {
	w := cfg.World()
	parts := []string{fmt.Sprintf("logging policy %.4f", w.TrueValue(nil))}
	for m, model := range cfg.Models {
		parts = append(parts, fmt.Sprintf("%s %.4f", model.Name, w.TrueValue(w.Pi[m])))
	}
	return "decisions logged by a stochastic policy and two rankers' candidate scores (policy " + cfg.policy() +
		"); true values per decision: " + strings.Join(parts, ", ")
}

func (cfg OffPolicyConfig) policy() string {
	if cfg.Greedy {
		return "greedy"
	}
	return fmt.Sprintf("softmax %g", cfg.Temperature)
}

// Spec is the scenario's spec: the counterfactual of both rankers.
func (cfg OffPolicyConfig) Spec() string {
	return fmt.Sprintf(`// Generated by `+"`caliper simulate --scenario offpolicy --units %d --seed %d`"+`.
// Planted: %s.
// See runtime/simulate (OffPolicyConfig) for the model.

source logged {
  from csv("logged.csv")
  columns {
    user_id    string
    request_id string
    item_id    string
    propensity float
    reward     float
  }
}

source candidate_scores {
  from csv("candidate_scores.csv")
  columns {
    model      string
    request_id string
    item_id    string
    score      float
    predicted  float
  }
}

counterfactual rankers_offpolicy {
  title        "Off-policy value of two rankers against the logging policy"
  logs         logged
  unit         user_id
  request      request_id
  action       item_id
  propensity   propensity
  reward       reward
  candidates   candidate_scores
  model        model
  score        score
  policy       %s
  reward_model predicted
  estimators   ips, snips, dr
}
`, cfg.Users, cfg.Seed, cfg.Planted(), cfg.policy())
}
