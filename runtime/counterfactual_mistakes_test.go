package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// The compiler's per-unit component columns mirror the statistics'
// components, in order (compiler may not import runtime/stats).
func TestCounterfactualComponentsMirrorStats(t *testing.T) {
	if len(compiler.CfComponents) != stats.OPComponents {
		t.Fatalf("compiler has %d components, stats %d", len(compiler.CfComponents), stats.OPComponents)
	}
	for k, n := range stats.OffPolicyComponentNames {
		if compiler.CfComponents[k] != n {
			t.Errorf("component %d: compiler %q, stats %q", k, compiler.CfComponents[k], n)
		}
	}
}

// runCounterfactualExample runs examples/counterfactual with its data
// files changed by edit (file name -> new content from the old).
func runCounterfactualExample(t *testing.T, edit map[string]func(string) string) (*result.Report, string) {
	t.Helper()
	src := filepath.Join("..", "examples", "counterfactual")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"counterfactual.cal", "data/logged.csv", "data/candidate_scores.csv"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if e := edit[f]; e != nil {
			s = e(s)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = eng.Close() }()
	rep, diags := Run(context.Background(), eng, res.Package)
	msg := ""
	if diags.HasErrors() {
		msg = diags.Err().Error()
	}
	return rep, msg
}

// Data mistakes in a counterfactual's logs and candidates end in an error
// or in "not estimable", never in a verdict built on them.
func TestCounterfactualDataMistakes(t *testing.T) {
	lines := func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }
	t.Run("missing logged action", func(t *testing.T) {
		_, msg := runCounterfactualExample(t, map[string]func(string) string{"data/logged.csv": func(s string) string {
			l := lines(s)
			f := strings.Split(l[1], ",")
			f[2] = ""
			l[1] = strings.Join(f, ",")
			return strings.Join(l, "\n") + "\n"
		}})
		if !strings.Contains(msg, "1 of 771 logged rows") || !strings.Contains(msg, "no action (`item_id` is NULL)") {
			t.Errorf("a logged row without its action: %q, want the row refused naming the action column", msg)
		}
	})
	t.Run("repeated candidates", func(t *testing.T) {
		_, msg := runCounterfactualExample(t, map[string]func(string) string{"data/candidate_scores.csv": func(s string) string {
			return s + strings.Join(lines(s)[1:4], "\n") + "\n"
		}})
		if !strings.Contains(msg, "3 (model, request, action) keys") {
			t.Errorf("candidate rows given twice: %q, want them refused", msg)
		}
	})
	t.Run("model without overlap", func(t *testing.T) {
		rep, msg := runCounterfactualExample(t, map[string]func(string) string{"data/candidate_scores.csv": func(s string) string {
			return s + "v4,nowhere-r00,x,1.0,0.5\n"
		}})
		if msg != "" {
			t.Fatal(msg)
		}
		var v4 *result.CfModel
		for _, m := range rep.Targets[0].Counterfactual.Models {
			if m.Model == "v4" {
				v4 = m
			}
		}
		if v4 == nil {
			t.Fatal("a model whose requests match no logged request is left out of the report")
		}
		for _, e := range v4.Estimates {
			if e.Value != nil || e.Difference != nil || e.PValue != nil || !strings.Contains(e.ValueProblem, "every weight is 0") {
				t.Errorf("v4 %s: value %v difference %v p %v (%q), want no numbers and the reason", e.Estimator, e.Value, e.Difference, e.PValue, e.ValueProblem)
			}
		}
		for _, d := range rep.Targets[0].Decisions {
			if d.Variant == "v4" && d.Outcome == result.Ship {
				t.Errorf("v4 ships on no data: %v", d.Reasons)
			}
		}
	})
}
