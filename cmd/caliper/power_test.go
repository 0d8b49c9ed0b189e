package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// `caliper power`: current_mde is the exact inverse of the formula that
// gives units_per_arm, so the units needed for current_mde are the current
// units per arm (to 1e-6), at the experiment's alpha and at --alpha; and
// --baseline/--sd plan without data with the same formulas.
func TestPowerSelfConsistent(t *testing.T) {
	const ex = "../../examples/homefeed"
	for _, alpha := range []string{"", "0.01"} {
		args := []string{"power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--format", "json", "--threads", "1"}
		if alpha != "" {
			args = append(args, "--alpha", alpha)
		}
		code, out, errs := run(args...)
		if code != 0 {
			t.Fatalf("power: exit %d\n%s", code, errs)
		}
		var p result.Power
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		if a := fmt.Sprint(float64(p.Alpha)); alpha != "" && a != alpha {
			t.Errorf("alpha %s, want %s", a, alpha)
		}
		checked := 0
		for _, e := range p.Metrics {
			if e.CurrentMDE == nil || e.CurrentUnitsPerArm == nil {
				continue
			}
			mean, sd, mde, a := float64(*e.Mean), float64(*e.StdDev), float64(*e.CurrentMDE), float64(p.Alpha)
			var n float64
			var err error
			switch e.Method {
			case "power.t.test":
				n, err = stats.SampleSizeTTest(mde*math.Abs(mean), sd, a, float64(p.Power))
			case "power.prop.test":
				n, err = stats.SampleSizeForProportionLift(mean, mde, a, float64(p.Power))
			case "normal":
				n, err = stats.SampleSizeForEffect(sd*sd, mde*math.Abs(mean), a, float64(p.Power))
			default:
				t.Fatalf("%s: method %q", e.Metric, e.Method)
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(n-float64(*e.CurrentUnitsPerArm)) / float64(*e.CurrentUnitsPerArm); d > 1e-6 {
				t.Errorf("alpha %q %s: current_mde %g needs %.9g units per arm, the data has %g", alpha, e.Metric, mde, n, float64(*e.CurrentUnitsPerArm))
			}
			checked++
		}
		if checked != 5 {
			t.Errorf("%d metrics round-tripped, want 5", checked)
		}
	}
	// Without data: a proportion needs only --baseline; a mean also --sd.
	code, out, errs := run("power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--metric", "purchasers", "--baseline", "0.023", "--format", "json")
	if code != 0 || !strings.Contains(out, `"units_per_arm": 273232`) || strings.Contains(out, "current_mde") {
		t.Errorf("planning a proportion without data: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--metric", "saves_per_user", "--baseline", "1.281", "--sd", "1.609", "--format", "json")
	if code != 0 || !strings.Contains(out, `"method": "power.t.test"`) || !strings.Contains(out, `"units_per_arm"`) {
		t.Errorf("planning a mean without data: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run("power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--metric", "saves_per_user", "--baseline", "1.281"); code != 1 || !strings.Contains(errs, "needs --sd") {
		t.Errorf("a mean without --sd: exit %d\n%s", code, errs)
	}
	if code, _, errs := run("power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--baseline", "0.023"); code != 1 || !strings.Contains(errs, "choose it with --metric") {
		t.Errorf("--baseline with several metrics: exit %d\n%s", code, errs)
	}
	if code, _, errs := run("power", ex, "--target", "hf_ranker_v2", "--mde", "5%", "--alpha", "1.5"); code != 2 || !strings.Contains(errs, "--alpha") {
		t.Errorf("--alpha 1.5: exit %d\n%s", code, errs)
	}
}
