package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/caliper-dev/caliper/internal/testref"
)

// TestAdjustPValuesR checks every method against R p.adjust
// (testdata/stats/multiple/ref.R): GrowthBook's G8 cases
// (packages/shared/test/experiments.test.ts), the five metrics of
// ab_basic/expected.json, random values with ties, and a missing value (R
// with n = length(p)).
func TestAdjustPValuesR(t *testing.T) {
	var want struct {
		Cases []struct {
			Name     string
			P        []float64 // −1 marks a missing value
			Adjusted map[string][]float64
		}
	}
	readDepthGolden(t, "multiple/expected.json", &want)
	if len(want.Cases) < 7 {
		t.Fatalf("golden incomplete: %d cases", len(want.Cases))
	}
	for _, c := range want.Cases {
		p := make([]float64, len(c.P))
		for i, v := range c.P {
			p[i] = v
			if v == -1 {
				p[i] = math.NaN()
			}
		}
		for name, exp := range c.Adjusted {
			m, ok := ParseCorrection(name)
			if !ok {
				t.Fatalf("unknown method %q", name)
			}
			got := AdjustPValues(p, m)
			if got.FamilySize != len(p) || got.Method != m {
				t.Errorf("%s/%s: family %d method %v", c.Name, name, got.FamilySize, got.Method)
			}
			for i := range exp {
				if exp[i] == -1 {
					if !got.Missing[i] || got.P[i] != 1 {
						t.Errorf("%s/%s[%d]: missing must be reported as 1, got %g", c.Name, name, i, got.P[i])
					}
					continue
				}
				check(t, c.Name+"/"+name, got.P[i], exp[i], 1e-12)
			}
		}
	}
}

// TestAdjustPValuesAbBasic adjusts the five metrics' p-values of the shared
// reference result (ab_basic/expected.json) and compares with R p.adjust
// (Holm and BH from testdata/stats/multiple/expected.json).
func TestAdjustPValuesAbBasic(t *testing.T) {
	var want struct {
		Cases []struct {
			Name     string
			P        []float64
			Adjusted map[string][]float64
		}
	}
	readDepthGolden(t, "multiple/expected.json", &want)
	for _, c := range want.Cases {
		if c.Name != "ab_basic_five_metrics" {
			continue
		}
		holm := AdjustPValues(c.P, CorrectionHolm)
		bh := AdjustPValues(c.P, CorrectionBH)
		for i := range c.P {
			check(t, "holm", holm.P[i], c.Adjusted["holm"][i], 1e-12)
			check(t, "bh", bh.P[i], c.Adjusted["bh"][i], 1e-12)
		}
		// save_rate (p 0.0783) has the smallest p: Holm and BH both 5 × p.
		check(t, "save_rate holm", holm.P[4], 5*0.0783366245545562, 1e-12)
		return
	}
	t.Fatal("ab_basic case missing")
}

// The committed p-values of the ab_basic case are those of the shared
// reference result (skipped when ../shared/reference is absent).
func TestAdjustPValuesSharedInputs(t *testing.T) {
	b, err := os.ReadFile(testref.Path(t, "ab_basic/expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Results []struct {
			Metric string
			PValue float64 `json:"p_value"`
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Cases []struct {
			Name    string
			P       []float64
			Metrics []string
		}
	}
	readDepthGolden(t, "multiple/expected.json", &want)
	for _, c := range want.Cases {
		if c.Name != "ab_basic_five_metrics" {
			continue
		}
		if len(c.P) != len(ref.Results) {
			t.Fatalf("%d p-values, shared reference has %d", len(c.P), len(ref.Results))
		}
		for i, r := range ref.Results {
			if r.Metric != c.Metrics[i] {
				t.Errorf("metric %d: %s vs %s", i, c.Metrics[i], r.Metric)
			}
			check(t, r.Metric+" p", c.P[i], r.PValue, 1e-13)
		}
	}
}

// Property tests on random families: adjusted values lie in [raw, 1], keep
// the order of the raw values, Holm ≥ BH, Bonferroni ≥ Holm, and none is
// the identity.
func TestAdjustPValuesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261104, 1))
	for trial := range 500 {
		m := 1 + rng.IntN(30)
		p := make([]float64, m)
		for i := range p {
			switch rng.IntN(6) {
			case 0:
				p[i] = float64(rng.IntN(5)) / 4 // ties, 0 and 1
			default:
				p[i] = math.Pow(rng.Float64(), 3)
			}
		}
		res := map[Correction][]float64{}
		for _, c := range []Correction{CorrectionNone, CorrectionHolm, CorrectionBH, CorrectionBonferroni} {
			a := AdjustPValues(p, c).P
			res[c] = a
			for i := range p {
				if a[i] < p[i] || a[i] > 1 || math.IsNaN(a[i]) {
					t.Fatalf("trial %d %v: p %g -> %g", trial, c, p[i], a[i])
				}
			}
			idx := make([]int, m)
			for i := range idx {
				idx[i] = i
			}
			sort.Slice(idx, func(x, y int) bool { return p[idx[x]] < p[idx[y]] })
			for k := 1; k < m; k++ {
				if a[idx[k]] < a[idx[k-1]] {
					t.Fatalf("trial %d %v not monotone: %v -> %v", trial, c, p, a)
				}
			}
		}
		for i := range p {
			if res[CorrectionHolm][i] < res[CorrectionBH][i] || res[CorrectionBonferroni][i] < res[CorrectionHolm][i] ||
				res[CorrectionNone][i] != p[i] {
				t.Fatalf("trial %d: ordering of methods broken at %d: %v", trial, i, res)
			}
		}
	}
}

// Missing values stay in the family (conservative): adjusting [p, NaN]
// equals adjusting [p, 1] for the present members, and the input order and
// the empty family are handled.
func TestAdjustPValuesMissing(t *testing.T) {
	withNaN := []float64{0.01, math.NaN(), 0.04, math.Inf(1), -0.1, 1.5}
	asOne := []float64{0.01, 1, 0.04, 1, 1, 1}
	for _, c := range []Correction{CorrectionHolm, CorrectionBH, CorrectionBonferroni, CorrectionNone} {
		a, b := AdjustPValues(withNaN, c), AdjustPValues(asOne, c)
		for i := range a.P {
			if a.P[i] != b.P[i] || math.IsNaN(a.P[i]) {
				t.Errorf("%v[%d]: %g vs %g", c, i, a.P[i], b.P[i])
			}
		}
		if !a.Missing[1] || !a.Missing[3] || !a.Missing[4] || !a.Missing[5] || a.Missing[0] || a.Missing[2] {
			t.Errorf("%v: missing flags %v", c, a.Missing)
		}
		if e := AdjustPValues(nil, c); len(e.P) != 0 || e.FamilySize != 0 {
			t.Errorf("%v: empty family %+v", c, e)
		}
	}
	check(t, "bonferroni counts missing", AdjustPValues(withNaN, CorrectionBonferroni).P[0], 0.06, 1e-12)
}

func TestParseCorrection(t *testing.T) {
	for _, s := range []string{"none", "holm", "bh", "bonferroni"} {
		c, ok := ParseCorrection(s)
		if !ok || c.String() != s {
			t.Errorf("%q -> %v %v", s, c, ok)
		}
	}
	if _, ok := ParseCorrection("hochberg"); ok {
		t.Error("unknown method accepted")
	}
	if Correction(42).String() != "unknown" {
		t.Error("String of an unknown method")
	}
}
