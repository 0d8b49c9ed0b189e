package runtime_test

import (
	"encoding/json"
	"github.com/caliper-dev/caliper/internal/confine"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/internal/testref"
	"github.com/caliper-dev/caliper/runtime/result"
)

// expected is the shape of the R references' expected.json.
type expected struct {
	Excluded float64 `json:"excluded_multiple_variants"`
	SRM      struct {
		PValue float64 `json:"p_value"`
	} `json:"srm"`
	Results []struct {
		Metric             string `json:"metric"`
		Control, Treatment struct {
			Units, Mean float64
		}
		Absolute struct {
			Estimate float64 `json:"estimate"`
			Lower    float64 `json:"ci_lower"`
			Upper    float64 `json:"ci_upper"`
			SE       float64 `json:"std_error"`
		}
		Relative struct {
			Estimate float64 `json:"estimate"`
			Lower    float64 `json:"ci_lower"`
			Upper    float64 `json:"ci_upper"`
		}
		PValue float64 `json:"p_value"`
	}
}

// runSpec runs testdata/ab_basic/ab.cal on the data folder dataDir;
// extra lines are added to its experiment.
func runSpec(t *testing.T, dataDir string, extra ...string) *result.Target {
	t.Helper()
	dir := t.TempDir()
	spec, err := os.ReadFile("../testdata/ab_basic/ab.cal")
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) > 0 {
		spec = []byte(strings.Replace(string(spec), "  window     7d\n", "  window     7d\n  "+strings.Join(extra, "\n  ")+"\n", 1))
	}
	if err := os.WriteFile(filepath.Join(dir, "ab.cal"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dataDir)
	if err := os.Symlink(abs, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	// The data folder is linked from outside the spec's tree: grant it.
	t.Setenv(confine.EnvDataRoot, abs)
	return runSpecDir(t, dir)
}

// runSpecDir runs the single target of the spec folder dir.
func runSpecDir(t *testing.T, dir string) *result.Target {
	t.Helper()
	return runspec.Report(t, dir).Targets[0]
}

func compareToReference(t *testing.T, got *result.Target, expPath string) {
	t.Helper()
	raw, err := os.ReadFile(expPath)
	if err != nil {
		t.Fatal(err)
	}
	var want expected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-6
	near := func(name string, gn result.Num, w float64) {
		t.Helper()
		g := float64(gn)
		d := math.Abs(g - w)
		if w != 0 {
			d /= math.Abs(w)
		}
		if !(d <= tol) {
			t.Errorf("%s = %.15g, want %.15g (relative error %.2g)", name, g, w, d)
		}
	}
	near("excluded", result.Num(got.Excluded["multiple_variants"]), want.Excluded)
	near("srm p", got.SRM.PValue, want.SRM.PValue)
	byMetric := map[string]*result.Result{}
	for _, r := range got.Results {
		byMetric[r.Metric] = r
	}
	if len(want.Results) == 0 {
		t.Fatal("reference has no results")
	}
	for _, w := range want.Results {
		g := byMetric[w.Metric]
		if g == nil {
			t.Errorf("no result for %s", w.Metric)
			continue
		}
		if g.Absolute == nil || g.Relative == nil || g.PValue == nil {
			t.Errorf("%s: not estimated: %v", w.Metric, g.Notes)
			continue
		}
		m := w.Metric + " "
		near(m+"control units", result.Num(g.Control.Units), w.Control.Units)
		near(m+"treatment units", result.Num(g.Treatment.Units), w.Treatment.Units)
		near(m+"control mean", *g.Control.Mean, w.Control.Mean)
		near(m+"treatment mean", *g.Treatment.Mean, w.Treatment.Mean)
		near(m+"abs estimate", g.Absolute.Estimate, w.Absolute.Estimate)
		near(m+"abs ci_lower", g.Absolute.CILower, w.Absolute.Lower)
		near(m+"abs ci_upper", g.Absolute.CIUpper, w.Absolute.Upper)
		near(m+"abs std_error", g.Absolute.StdError, w.Absolute.SE)
		near(m+"rel estimate", g.Relative.Estimate, w.Relative.Estimate)
		near(m+"rel ci_lower", g.Relative.CILower, w.Relative.Lower)
		near(m+"rel ci_upper", g.Relative.CIUpper, w.Relative.Upper)
		near(m+"p_value", *g.PValue, w.PValue)
	}
}

// The shared ab_basic reference (R): every figure to 1e-6 relative. Its
// relative intervals are the delta method's (relative_ci delta); the
// default Fieller intervals are checked by TestABBasicFiellerMatchesR.
func TestABBasicMatchesR(t *testing.T) {
	dir := testref.Path(t, "ab_basic")
	compareToReference(t, runSpec(t, dir, "relative_ci delta"), filepath.Join(dir, "expected.json"))
}

// Our own R reference on simulated data of the same shape, committed with
// its script (testdata/ab_sim/reference.R), so the check runs everywhere.
func TestABSimMatchesR(t *testing.T) {
	compareToReference(t, runSpec(t, "../testdata/ab_sim/data", "relative_ci delta"), "../testdata/ab_sim/expected.json")
}

// The default relative intervals of ab_basic end to end (SQL sums, then
// stats) against testdata/stats/fieller/fieller.R (the inverted test solved
// by root finding in R) at alpha 0.05, to 1e-6; and every result's
// intervals agree with its p-value.
func TestABBasicFiellerMatchesR(t *testing.T) {
	dir := testref.Path(t, "ab_basic")
	got := runSpec(t, dir)
	raw, err := os.ReadFile("../testdata/stats/fieller/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Cases []struct {
			Metric   string
			Alpha    float64
			Relative struct{ Estimate, Lower, Upper float64 }
		}
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range got.Results {
		if r.Segment != nil || r.Relative == nil {
			continue
		}
		if r.Relative.Method != "fieller" {
			t.Errorf("%s: relative method %q, want fieller", r.Metric, r.Relative.Method)
		}
		sig := float64(*r.PValue) < float64(got.Alpha)
		if r.Relative.Excludes(0) != sig || (r.Absolute.CILower > 0 || r.Absolute.CIUpper < 0) != sig {
			t.Errorf("%s: intervals and p = %g disagree", r.Metric, float64(*r.PValue))
		}
		for _, w := range want.Cases {
			if w.Metric != r.Metric || w.Alpha != 0.05 {
				continue
			}
			checked++
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"estimate", float64(r.Relative.Estimate), w.Relative.Estimate},
				{"lower", float64(r.Relative.CILower), w.Relative.Lower},
				{"upper", float64(r.Relative.CIUpper), w.Relative.Upper}} {
				if d := math.Abs(c.got-c.want) / math.Abs(c.want); !(d <= 1e-6) {
					t.Errorf("%s fieller %s = %.12g, want %.12g (R)", r.Metric, c.name, c.got, c.want)
				}
			}
		}
	}
	if checked != 4 {
		t.Errorf("%d metrics checked against fieller.R, want 4", checked)
	}
}
