package runtime_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime/result"
)

func runExample(t *testing.T, name string) *result.Target {
	t.Helper()
	for _, tg := range runspec.Report(t, "../examples/homefeed").Targets {
		if tg.Name == name {
			return tg
		}
	}
	t.Fatalf("no target %s", name)
	return nil
}

// The fm_q4_components factorial on the example data: every term and
// Shapley share matches R's estimatr::lm_robust (HC2) to 1e-6
// (testdata/fm_q4/fm_q4.R), and the planted component effects are
// recovered within their 95% intervals.
func TestFactorialMatchesRAndRecoversPlanted(t *testing.T) {
	tg := runExample(t, "fm_q4_components")
	raw, err := os.ReadFile("../testdata/fm_q4/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	type term struct {
		Term                                         string
		Estimate, StdError, CILower, CIUpper, PValue float64
	}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{"emb": "embeddings", "ret": "retrieval", "rank": "ranker",
		"emb:ret": "embeddings:retrieval", "emb:rank": "embeddings:ranker", "ret:rank": "retrieval:ranker", "emb:ret:rank": "embeddings:retrieval:ranker"}
	for _, metric := range []string{"saves_per_user", "sessions_per_user"} {
		var fit struct {
			Terms []struct {
				Term     string  `json:"term"`
				Estimate float64 `json:"estimate"`
				SE       float64 `json:"std_error"`
				Lower    float64 `json:"ci_lower"`
				Upper    float64 `json:"ci_upper"`
				P        float64 `json:"p_value"`
			} `json:"terms"`
			Shapley []struct {
				Term     string  `json:"term"`
				Estimate float64 `json:"estimate"`
				SE       float64 `json:"std_error"`
			} `json:"shapley"`
		}
		if err := json.Unmarshal(ref[metric], &fit); err != nil {
			t.Fatal(err)
		}
		got := map[string]*result.Term{}
		for _, e := range tg.Effects {
			if e.Metric == metric {
				got[e.Term] = e
			}
		}
		if len(fit.Terms) != 7 || len(got) != 7 {
			t.Fatalf("%s: %d reference terms, %d ours", metric, len(fit.Terms), len(got))
		}
		for _, w := range fit.Terms {
			g := got[rename[w.Term]]
			if g == nil {
				t.Errorf("%s: no term %s", metric, rename[w.Term])
				continue
			}
			n := metric + " " + w.Term
			within(t, n+" estimate", float64(g.Estimate), w.Estimate, 1e-6)
			within(t, n+" se", float64(g.StdError), w.SE, 1e-6)
			within(t, n+" lower", float64(g.CILower), w.Lower, 1e-6)
			within(t, n+" upper", float64(g.CIUpper), w.Upper, 1e-6)
			within(t, n+" p", float64(g.PValue), w.P, 1e-6)
		}
		shap := map[string]*result.Term{}
		for _, a := range tg.Attribution {
			if a.Metric == metric {
				shap[a.Term] = a
			}
		}
		for _, w := range fit.Shapley {
			g := shap[rename[w.Term]]
			if g == nil {
				t.Errorf("%s: no Shapley share for %s", metric, rename[w.Term])
				continue
			}
			within(t, metric+" shapley "+w.Term, float64(g.Estimate), w.Estimate, 1e-6)
			within(t, metric+" shapley se "+w.Term, float64(g.StdError), w.SE, 1e-6)
		}
	}
	// Planted (runtime/simulate.Default): the save probability is ×1.25 with
	// new embeddings, ×1 with new retrieval, ×1.40 with the new ranker, and
	// ×1.20 more when all three are new. Saves per user scale with it, so
	// each single-component cell's relative lift over the baseline cell,
	// and the all-new cell's, must cover the planted lift.
	cells := map[string]*result.Cell{}
	for _, c := range tg.Cells {
		if c.Metric == "saves_per_user" {
			cells[c.Cell] = c
		}
	}
	base := cells["embeddings=baseline,retrieval=baseline,ranker=baseline"]
	planted := map[string]float64{
		"embeddings=new,retrieval=baseline,ranker=baseline": 0.25,
		"embeddings=baseline,retrieval=new,ranker=baseline": 0,
		"embeddings=baseline,retrieval=baseline,ranker=new": 0.40,
		"embeddings=new,retrieval=new,ranker=new":           1.25*1.40*1.20 - 1,
	}
	for name, lift := range planted {
		c := cells[name]
		m0, m1 := float64(*base.Mean), float64(*c.Mean)
		rel := m1/m0 - 1
		se := math.Sqrt(sq(float64(*c.StdError))/(m0*m0) + m1*m1*sq(float64(*base.StdError))/(m0*m0*m0*m0))
		if math.Abs(rel-lift) > 1.96*se {
			t.Errorf("%s: relative lift %.3f ± %.3f does not cover the planted %.3f", name, rel, 1.96*se, lift)
		}
	}
}

func sq(v float64) float64 { return v * v }
