package runtime_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/internal/testref"
	"github.com/caliper-dev/caliper/runtime/result"
)

// depthRef is testdata/stats/ab_basic/expected.json (ref.R): CUPED with a
// 14-day pre-period and per-segment effects on ab_basic, computed in R
// from per-unit rows.
type depthRef struct {
	Cuped map[string]struct {
		Theta    float64 `json:"theta"`
		Adjusted struct {
			Estimate, SE, P, Lower, Upper float64
			Relative                      struct{ Estimate, SE float64 }
		} `json:"adjusted"`
		VarianceReduction float64 `json:"variance_reduction"`
	} `json:"cuped14d"`
	Segments []struct {
		By       string `json:"by"`
		Metric   string `json:"metric"`
		Segments []struct {
			Segment      string
			Estimate, SE float64
		} `json:"segments"`
		Q, DF, P float64
	} `json:"segments"`
}

func within(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	d := math.Abs(got - want)
	if want != 0 {
		d /= math.Abs(want)
	}
	if !(d <= tol) {
		t.Errorf("%s = %.12g, want %.12g (relative error %.2g)", name, got, want, d)
	}
}

// CUPED 14d and segments end to end (SQL sums -> stats) on ab_basic match
// R to 1e-6.
func TestCupedAndSegmentsMatchR(t *testing.T) {
	dir := testref.Path(t, "ab_basic")
	raw, err := os.ReadFile("../testdata/stats/ab_basic/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref depthRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	got := runSpec(t, dir, "cuped 14d")
	byMetric := map[string]*result.Result{}
	for _, r := range got.Results {
		byMetric[r.Metric] = r
	}
	if len(ref.Cuped) < 4 {
		t.Fatalf("reference has %d CUPED metrics", len(ref.Cuped))
	}
	for name, w := range ref.Cuped {
		r := byMetric[name]
		if r == nil || r.Cuped == nil || r.Absolute == nil || r.Relative == nil {
			t.Errorf("%s: no CUPED result: %+v", name, r)
			continue
		}
		if !r.Cuped.Adjusted {
			t.Errorf("%s: not adjusted: %s", name, r.Cuped.Note)
		}
		within(t, name+" theta", float64(r.Cuped.Theta), w.Theta, 1e-6)
		within(t, name+" estimate", float64(r.Absolute.Estimate), w.Adjusted.Estimate, 1e-6)
		within(t, name+" se", float64(r.Absolute.StdError), w.Adjusted.SE, 1e-6)
		within(t, name+" relative", float64(r.Relative.Estimate), w.Adjusted.Relative.Estimate, 1e-6)
		within(t, name+" relative se", float64(r.Relative.StdError), w.Adjusted.Relative.SE, 1e-6)
		within(t, name+" variance reduction", float64(r.Cuped.VarianceReduction), w.VarianceReduction, 1e-6)
		if r.Kind != "ratio" { // ratio metrics use z, the reference Welch t
			within(t, name+" p", float64(*r.PValue), w.Adjusted.P, 1e-6)
			within(t, name+" lower", float64(r.Absolute.CILower), w.Adjusted.Lower, 1e-6)
			within(t, name+" upper", float64(r.Absolute.CIUpper), w.Adjusted.Upper, 1e-6)
		}
	}
	if len(ref.Segments) == 0 {
		t.Fatal("reference has no segments")
	}
	got = runSpec(t, dir, "segment country, platform")
	bySegment := map[string]*result.Result{}
	for _, r := range got.Results {
		for col, val := range r.Segment {
			bySegment[r.Metric+"/"+col+"="+val] = r
		}
	}
	for _, s := range ref.Segments {
		for _, seg := range s.Segments {
			r := bySegment[s.Metric+"/"+s.By+"="+seg.Segment]
			if r == nil || r.Absolute == nil {
				t.Errorf("no segment result %s %s=%s", s.Metric, s.By, seg.Segment)
				continue
			}
			name := s.Metric + " " + s.By + "=" + seg.Segment
			within(t, name+" estimate", float64(r.Absolute.Estimate), seg.Estimate, 1e-6)
			within(t, name+" se", float64(r.Absolute.StdError), seg.SE, 1e-6)
		}
		found := false
		for _, h := range got.Heterogeneity {
			if h.Metric == s.Metric && h.Segment == s.By {
				found = true
				within(t, s.Metric+" "+s.By+" Q", float64(h.Q), s.Q, 1e-6)
				within(t, s.Metric+" "+s.By+" p", float64(h.PValue), s.P, 1e-6)
			}
		}
		if !found {
			t.Errorf("no heterogeneity test for %s by %s", s.Metric, s.By)
		}
	}
}

// depthFigures is one metric's figures in testdata/ab_basic/depth.json.
type depthFigures struct {
	Control, Treatment, Estimate, SE, P, Lower, Upper float64
	Rel                                               float64 `json:"rel"`
	RelLower                                          float64 `json:"rel_lower"`
	RelUpper                                          float64 `json:"rel_upper"`
}

// Winsorize 99%, the clustered p90 latency, and Holm/BH over the secondary
// family, end to end on ab_basic, match R (testdata/ab_basic/depth.R).
func TestWinsorizeQuantileCorrectionsMatchR(t *testing.T) {
	dir := testref.Path(t, "ab_basic")
	raw, err := os.ReadFile("../testdata/ab_basic/depth.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		W99  depthFigures       `json:"revenue_per_user_w99"`
		P90  depthFigures       `json:"p90_latency_ms"`
		Holm map[string]float64 `json:"holm"`
		BH   map[string]float64 `json:"bh"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		correction string
		want       map[string]float64
	}{{"holm", ref.Holm}, {"bh", ref.BH}} {
		got := runSpec(t, dir, "correction "+c.correction, "relative_ci delta")
		byMetric := map[string]*result.Result{}
		for _, r := range got.Results {
			byMetric[r.Metric] = r
		}
		if len(c.want) != 5 {
			t.Fatalf("reference %s has %d p-values", c.correction, len(c.want))
		}
		for name, w := range c.want {
			r := byMetric[name]
			if r == nil || r.PValueAdjusted == nil {
				t.Errorf("%s: no adjusted p-value for %s", c.correction, name)
				continue
			}
			within(t, c.correction+" "+name, float64(*r.PValueAdjusted), w, 1e-6)
		}
		if r := byMetric["saves_per_user"]; r.PValueAdjusted != nil {
			t.Errorf("a single primary metric must not be corrected")
		}
		for name, w := range map[string]depthFigures{"revenue_per_user_w99": ref.W99, "p90_latency_ms": ref.P90} {
			r := byMetric[name]
			if r == nil || r.Absolute == nil || r.Relative == nil {
				t.Errorf("%s: not estimated", name)
				continue
			}
			within(t, name+" control", float64(*r.Control.Mean), w.Control, 1e-6)
			within(t, name+" treatment", float64(*r.Treatment.Mean), w.Treatment, 1e-6)
			within(t, name+" estimate", float64(r.Absolute.Estimate), w.Estimate, 1e-6)
			within(t, name+" se", float64(r.Absolute.StdError), w.SE, 1e-6)
			within(t, name+" lower", float64(r.Absolute.CILower), w.Lower, 1e-6)
			within(t, name+" upper", float64(r.Absolute.CIUpper), w.Upper, 1e-6)
			within(t, name+" p", float64(*r.PValue), w.P, 1e-6)
			within(t, name+" rel", float64(r.Relative.Estimate), w.Rel, 1e-6)
			within(t, name+" rel lower", float64(r.Relative.CILower), w.RelLower, 1e-6)
			within(t, name+" rel upper", float64(r.Relative.CIUpper), w.RelUpper, 1e-6)
		}
	}
}

// With `sequential true` every interval is a confidence sequence: wider
// than the fixed-horizon interval, around the same estimate.
func TestSequentialWidensIntervals(t *testing.T) {
	fixed := runSpec(t, "../testdata/ab_sim/data")
	seq := runSpec(t, "../testdata/ab_sim/data", "sequential true")
	if !seq.Sequential {
		t.Fatal("target not marked sequential")
	}
	for i, f := range fixed.Results {
		s := seq.Results[i]
		if f.Absolute == nil || s.Absolute == nil {
			continue
		}
		within(t, f.Metric+" estimate", float64(s.Absolute.Estimate), float64(f.Absolute.Estimate), 1e-12)
		if !(s.Absolute.CIUpper-s.Absolute.CILower > f.Absolute.CIUpper-f.Absolute.CILower) {
			t.Errorf("%s: sequential interval not wider", f.Metric)
		}
		if !strings.Contains(s.Method, "seq") {
			t.Errorf("%s: method %q does not name the sequential test", f.Metric, s.Method)
		}
	}
}

// `split surface`: each metric per surface; for count and sum metrics (and
// ratio contributions) the per-surface absolute lifts add up to the total
// and the shares to 1; proportions are reported without shares.
func TestSplitSharesAddUp(t *testing.T) {
	got := runSpec(t, "../testdata/ab_sim/data", "split surface")
	kinds := map[string]string{}
	for _, s := range got.SplitShares {
		kinds[s.Metric] = s.Kind
		sum, shares := 0.0, 0.0
		for _, p := range s.Parts {
			sum += float64(p.Lift)
			if p.Share != nil {
				shares += float64(*p.Share)
			}
		}
		if s.Kind == "additive" {
			if !s.Additive || len(s.Parts) < 3 {
				t.Errorf("%s: additive metric without shares: %+v", s.Metric, s)
			}
			within(t, s.Metric+" lifts add up", sum, float64(s.Total), 1e-9)
			within(t, s.Metric+" shares add up", shares, 1, 1e-9)
		} else if s.Additive || s.Problem == "" {
			t.Errorf("%s (%s): shares reported for a non-additive metric", s.Metric, s.Kind)
		}
	}
	for metric, want := range map[string]string{"saves_per_user": "additive", "revenue_per_user": "additive",
		"save_rate": "additive", "purchasers": "proportion", "revenue_per_user_w99": "non-additive"} {
		if kinds[metric] != want {
			t.Errorf("%s: split kind %q, want %q", metric, kinds[metric], want)
		}
	}
	perValue := 0
	for _, r := range got.Results {
		if r.Split != nil {
			perValue++
		}
	}
	if perValue == 0 {
		t.Error("no per-surface results")
	}
}

// Each cumulative timeline row equals running the experiment on the data
// cut at that period's end (`end` = the period's end), and every period
// also has its own (period-only) row.
func TestTimelineCumulativeEqualsCutRuns(t *testing.T) {
	tl := runSpec(t, "../testdata/ab_sim/data", "timeline day")
	cum := map[string]*result.Result{}
	ends := map[int]string{}
	periods := 0
	for _, r := range tl.Timeline {
		if r.Timeline == "cumulative" {
			cum[fmt.Sprintf("%s/%d", r.Metric, *r.Period)] = r
			ends[*r.Period] = r.PeriodEnd
		} else {
			periods++
		}
	}
	if len(ends) < 10 || periods == 0 {
		t.Fatalf("timeline has %d periods, %d period rows", len(ends), periods)
	}
	if len(tl.LongRun) != 0 {
		t.Error("a calendar timeline has a long-run fit (it is fitted on exposure ages only)")
	}
	// One cut in the quick suite (a run each), three under CALIPER_LONG.
	cuts := []int{6}
	if testenv.Long() {
		cuts = []int{2, 6, len(ends) - 1}
	}
	for _, k := range cuts {
		cut := runSpec(t, "../testdata/ab_sim/data", fmt.Sprintf("end \"%s\"", ends[k]))
		compared := 0
		for _, w := range cut.Results {
			g := cum[fmt.Sprintf("%s/%d", w.Metric, k)]
			if g == nil || w.Absolute == nil {
				continue
			}
			compared++
			name := fmt.Sprintf("%s period %d", w.Metric, k)
			if g.Control.Units != w.Control.Units || g.Treatment.Units != w.Treatment.Units {
				t.Errorf("%s: units %d/%d, cut run %d/%d", name, g.Control.Units, g.Treatment.Units, w.Control.Units, w.Treatment.Units)
			}
			within(t, name+" estimate", float64(g.Absolute.Estimate), float64(w.Absolute.Estimate), 1e-9)
			within(t, name+" se", float64(g.Absolute.StdError), float64(w.Absolute.StdError), 1e-9)
			within(t, name+" p", float64(*g.PValue), float64(*w.PValue), 1e-9)
		}
		if compared < 4 {
			t.Errorf("period %d: only %d metrics compared", k, compared)
		}
	}
}

// sequential_tuning sets N*: a confidence sequence tuned at another sample
// size has another width.
func TestSequentialTuning(t *testing.T) {
	def := runSpec(t, "../testdata/ab_sim/data", "sequential true")
	tuned := runSpec(t, "../testdata/ab_sim/data", "sequential true", "sequential_tuning 200")
	a, b := def.Results[0].Absolute, tuned.Results[0].Absolute
	if a == nil || b == nil || a.CIUpper-a.CILower == b.CIUpper-b.CILower {
		t.Errorf("sequential_tuning did not change the interval: %+v vs %+v", a, b)
	}
}
