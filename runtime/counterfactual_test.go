package runtime

import (
	"context"
	"math"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/simulate"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// The engine's counterfactual query gives the same sufficient statistics
// as the Go reference (simulate's OffPolicyWorld.Sums, which computes π,
// w and the per-unit sums from the world directly), for a softmax and a
// greedy policy, with and without clipping; the target's estimates are
// the statistics' own.
func TestCounterfactualEngineMatchesReference(t *testing.T) {
	for _, c := range []struct {
		greedy bool
		clip   float64
	}{{false, 0}, {true, 0}, {false, 3}} {
		cfg := simulate.DefaultOffPolicy(150, 5)
		cfg.Greedy = c.greedy
		dir := t.TempDir()
		if _, err := simulate.WriteOffPolicy(dir, cfg); err != nil {
			t.Fatal(err)
		}
		res := lang.Load(dir)
		if res.Diags.HasErrors() || len(res.Package.CounterfactualTargets) != 1 {
			t.Fatalf("simulated spec: %v", res.Diags)
		}
		cf := res.Package.CounterfactualTargets[0]
		cf.Clip = c.clip
		eng, err := engine.OpenDuckDB("")
		if err != nil {
			t.Fatal(err)
		}
		rep, diags := Run(context.Background(), eng, res.Package)
		_ = eng.Close()
		if diags.HasErrors() || len(rep.Targets) != 1 {
			t.Fatalf("run: %v", diags)
		}
		out := rep.Targets[0].Counterfactual
		w := cfg.World()
		users := cfg.SimulateUsers(w)
		clip := stats.NoClip
		if c.clip > 0 {
			clip = c.clip
		}
		if len(out.Models) != len(cfg.Models) {
			t.Fatalf("%d models", len(out.Models))
		}
		for m, model := range cfg.Models {
			s := w.Sums(users, m, clip)
			got := out.Models[m]
			if got.Model != model.Name {
				t.Fatalf("model %d is %s, want %s", m, got.Model, model.Name)
			}
			for j, en := range []stats.OffPolicyEstimator{stats.IPS, stats.SNIPS, stats.DR} {
				want := s.Estimate(en, cf.Alpha)
				e := got.Estimates[j]
				if e.Value == nil || e.Difference == nil {
					t.Fatalf("%s %s: %s %s", model.Name, en, e.ValueProblem, e.DifferenceProblem)
				}
				for _, p := range [][3]any{
					{"value", float64(e.Value.Estimate), want.Value.Estimate},
					{"value se", float64(e.Value.StdError), want.Value.StdError},
					{"difference", float64(e.Difference.Estimate), want.Difference.Estimate},
					{"difference se", float64(e.Difference.StdError), want.Difference.StdError},
				} {
					g, x := p[1].(float64), p[2].(float64)
					if math.Abs(g-x) > 1e-9*math.Max(1, math.Abs(x)) {
						t.Errorf("greedy %v clip %g %s %s %s: engine %.12g, reference %.12g", c.greedy, c.clip, model.Name, en, p[0], g, x)
					}
				}
			}
			d := s.Diagnostics(cf.Alpha)
			gd := got.Diagnostics
			if math.Abs(float64(gd.ESS)-d.ESS) > 1e-9*d.ESS || float64(gd.MaxWeight) != d.MaxWeight && math.Abs(float64(gd.MaxWeight)-d.MaxWeight) > 1e-12 ||
				math.Abs(float64(gd.NeverTakenShare)-d.NeverTakenShare) > 1e-12 || math.Abs(float64(gd.ClippedShare)-d.ClippedShare) > 1e-12 {
				t.Errorf("%s diagnostics: engine %+v, reference %+v", model.Name, gd, d)
			}
			if model.Drop && !(d.NeverTakenShare > 0) {
				t.Errorf("%s drops candidates but never-taken share is %g", model.Name, d.NeverTakenShare)
			}
			if c.clip > 0 && !(d.ClippedShare > 0) {
				t.Errorf("clip %g clipped nothing", c.clip)
			}
		}
	}
}
