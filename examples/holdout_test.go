package examples

import (
	"math"
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/runtime/result"
)

// The holdout example's planted effect (examples/holdout/generate.go):
// the launched users' saves are ×(1 + a + b·exp(−t/τ)) t days after their
// first exposure.
const holdoutA, holdoutB, holdoutTau = 0.20, 1.00, 3.0

// holdoutMean is the planted lift averaged over days [d0, d1) after
// exposure.
func holdoutMean(d0, d1 float64) float64 {
	return holdoutA + holdoutB*holdoutTau*(math.Exp(-d0/holdoutTau)-math.Exp(-d1/holdoutTau))/(d1-d0)
}

// TestHoldoutRecoversPlanted: the holdout example's report recovers what
// its data plant (and its comments state): the 10-day lift of saves per
// user covers the planted mean over 10 days (+49%); the exposure-age
// effects cover each day's planted mean (allowing 2 of 10 misses, as 95%
// intervals may); the long-run fit is not refused, its interval covers the
// planted +20%, and the trend reads as novelty.
func TestHoldoutRecoversPlanted(t *testing.T) {
	rep := runExample(t, "holdout")
	var tg *result.Target
	for _, x := range rep.Targets {
		if x.Name == "homefeed_holdout_longrun" {
			tg = x
		}
	}
	if tg == nil {
		t.Fatal("no target homefeed_holdout_longrun")
	}
	covers := func(what string, e *result.Effect, want float64) bool {
		t.Helper()
		if e == nil {
			t.Errorf("%s: no interval", what)
			return false
		}
		ok := float64(e.CILower) <= want && want <= float64(e.CIUpper)
		t.Logf("%s: %+.3f [%+.3f, %+.3f], planted %+.3f", what, float64(e.Estimate), float64(e.CILower), float64(e.CIUpper), want)
		return ok
	}
	found := false
	for _, r := range tg.Results {
		if r.Metric == "saves_per_user" && r.Variant == "launched" {
			found = true
			if !covers("10-day lift", r.Relative, holdoutMean(0, 10)) {
				t.Error("the 10-day lift of saves per user misses the planted mean")
			}
		}
	}
	if !found {
		t.Error("no saves_per_user result")
	}
	ages, missed := 0, 0
	for _, r := range tg.Timeline {
		if r.Metric != "saves_per_user" || r.Timeline != "exposure_day" || r.Period == nil {
			continue
		}
		ages++
		d := float64(*r.Period)
		if !covers("day "+strconv.Itoa(*r.Period), r.Relative, holdoutMean(d, d+1)) {
			missed++
		}
	}
	if ages != 10 || missed > 2 {
		t.Errorf("%d exposure days (want 10), %d miss the planted effect (at most 2)", ages, missed)
	}
	var lr *result.LongRun
	for _, l := range tg.LongRun {
		if l.Metric == "saves_per_user" && l.Variant == "launched" {
			lr = l
		}
	}
	if lr == nil || lr.Problem != "" || lr.Asymptote == nil {
		t.Fatalf("no long-run fit: %+v", lr)
	}
	t.Log(lr.Sentence())
	if !covers("long run", lr.Asymptote, holdoutA) {
		t.Error("the long-run interval misses the planted +20%")
	}
	if lr.Pattern != "novelty" {
		t.Errorf("pattern %q, want novelty", lr.Pattern)
	}
}
