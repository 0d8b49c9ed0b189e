package simulate

import (
	"math"
	"sort"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// opCoverage runs reps replicates of cfg (seeds 1..reps) and returns, per
// model and estimator (and the logging value), the share of 95% intervals
// that cover the exact true value and the mean error.
func opCoverage(t *testing.T, cfg OffPolicyConfig, reps int) map[string][2]float64 {
	t.Helper()
	w := cfg.World()
	cover := map[string]float64{}
	bias := map[string]float64{}
	truthLog := w.TrueValue(nil)
	for rep := 1; rep <= reps; rep++ {
		cfg.Seed = uint64(rep)
		users := cfg.SimulateUsers(w)
		for m, model := range cfg.Models {
			s := w.Sums(users, m, stats.NoClip)
			if m == 0 {
				lv := s.LoggingValue(0.05)
				if lv.Problem != "" {
					t.Fatal(lv.Problem)
				}
				if lv.Value.Lower <= truthLog && truthLog <= lv.Value.Upper {
					cover["logging"]++
				}
				bias["logging"] += lv.Value.Estimate - truthLog
			}
			truth := w.TrueValue(w.Pi[m])
			for _, e := range []stats.OffPolicyEstimator{stats.IPS, stats.SNIPS, stats.DR} {
				est := s.Estimate(e, 0.05)
				if est.ValueProblem != "" || est.DifferenceProblem != "" {
					t.Fatalf("%s %s: %s %s", model.Name, e, est.ValueProblem, est.DifferenceProblem)
				}
				k := model.Name + " " + e.String()
				if est.Value.Lower <= truth && truth <= est.Value.Upper {
					cover[k]++
				}
				if d := truth - truthLog; est.Difference.Lower <= d && d <= est.Difference.Upper {
					cover[k+" difference"]++
				}
				bias[k+" difference"] += est.Difference.Estimate - (truth - truthLog)
				bias[k] += est.Value.Estimate - truth
			}
		}
	}
	out := map[string][2]float64{}
	for k, c := range cover {
		out[k] = [2]float64{c / float64(reps), bias[k] / float64(reps)}
	}
	for k := range bias {
		if _, ok := out[k]; !ok {
			out[k] = [2]float64{0, bias[k] / float64(reps)}
		}
	}
	return out
}

// Each estimator's 95% interval covers the exact true value in 93-97% of
// replicates with clipping off, for the value and for the difference
// against the logging policy, under a softmax and a greedy target policy.
// With 2000 replicates the binomial standard error of a coverage is 0.5
// points, so the band is four standard errors each side.
func TestOffPolicyCoverage(t *testing.T) {
	testenv.NeedLong(t, "off-policy coverage over 2000 replicates")
	for _, greedy := range []bool{false, true} {
		cfg := DefaultOffPolicy(600, 1)
		cfg.Greedy = greedy
		w := cfg.World()
		res := opCoverage(t, cfg, 2000)
		for m, model := range cfg.Models {
			t.Logf("%s (%s): true value %.4f", model.Name, cfg.policy(), w.TrueValue(w.Pi[m]))
		}
		for _, k := range sortedKeys(res) {
			r := res[k]
			t.Logf("%-26s %s coverage %.3f bias %+.5f", k, cfg.policy(), r[0], r[1])
			if r[0] < 0.93 || r[0] > 0.97 {
				t.Errorf("%s (%s): coverage %.3f outside [0.93, 0.97]", k, cfg.policy(), r[0])
			}
		}
	}
}

// The default run: a small smoke of the same machinery (no coverage
// claim at 60 replicates beyond "most intervals cover").
func TestOffPolicySmoke(t *testing.T) {
	cfg := DefaultOffPolicy(300, 1)
	res := opCoverage(t, cfg, 60)
	for _, k := range sortedKeys(res) {
		if res[k][0] < 0.8 {
			t.Errorf("%s: %.2f of 60 intervals cover the truth", k, res[k][0])
		}
	}
	w := cfg.World()
	for c := range w.Mu {
		sum := 0.0
		for _, p := range w.Mu[c] {
			sum += p
			if p < cfg.Explore/float64(cfg.Actions)-1e-12 {
				t.Fatalf("context %d: propensity %g below the exploration floor", c, p)
			}
		}
		for m := range cfg.Models {
			pm := 0.0
			for _, p := range w.Pi[m][c] {
				pm += p
			}
			if math.Abs(pm-1) > 1e-12 {
				t.Fatalf("model %d context %d: π sums to %g", m, c, pm)
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("context %d: μ sums to %g", c, sum)
		}
	}
	if a, b := w.TrueValue(w.Pi[0]), w.TrueValue(nil); !(a > b) {
		t.Errorf("v3 (%.4f) does not beat the logging policy (%.4f)", a, b)
	}
}

// Same seed, same files; the candidate rows of a dropped item are absent.
func TestOffPolicyWrite(t *testing.T) {
	cfg := DefaultOffPolicy(40, 2)
	a, err := WriteOffPolicy(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := WriteOffPolicy(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]string{{a.Logged, b.Logged}, {a.Candidates, b.Candidates}, {a.Spec, b.Spec}} {
		if hash(t, p[0]) != hash(t, p[1]) {
			t.Fatalf("%s: same seed, different data", p[0])
		}
	}
	logged := readCSV(t, a.Logged)
	if len(logged)-1 != a.Decisions || a.Decisions == 0 {
		t.Fatalf("%d decisions written, %d reported", len(logged)-1, a.Decisions)
	}
	cands := readCSV(t, a.Candidates)
	per := map[string]int{}
	for _, r := range cands[1:] {
		per[r[0]]++
	}
	if per["v3"] != a.Decisions*cfg.Actions || !(per["v3_lite"] < per["v3"]) {
		t.Errorf("candidate rows per model %v for %d decisions", per, a.Decisions)
	}
}

func sortedKeys(m map[string][2]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
