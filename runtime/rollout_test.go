package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// runRollout simulates a rollout scenario and runs its generated spec.
func runRollout(t *testing.T, cfg simulate.RolloutConfig) (*result.Target, diag.List) {
	t.Helper()
	dir := t.TempDir()
	if _, err := simulate.WriteRollout(dir, cfg); err != nil {
		t.Fatal(err)
	}
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rep, diags := runtime.Run(context.Background(), eng, res.Package)
	if diags.HasErrors() || len(rep.Targets) != 1 || rep.Targets[0].Rollout == nil {
		t.Fatalf("run: %v, %d targets", diags.Err(), len(rep.Targets))
	}
	return rep.Targets[0], diags
}

func hasWarning(diags diag.List, part string) bool {
	for _, d := range diags {
		if d.Code == diag.WRolloutData && strings.Contains(d.Error(), part) {
			return true
		}
	}
	return false
}

// A planted violation of parallel trends fails the pre-trend test, warns,
// and makes the launch outcome inconclusive with the reason, although the
// effect itself is significant.
func TestRolloutPreTrendInconclusive(t *testing.T) {
	cfg := simulate.DefaultRollout(30, 4)
	cfg.PreTrend = 0.004
	tg, diags := runRollout(t, cfg)
	m := tg.Rollout.Metrics[0]
	if m.PreTrend.Passed || m.PreTrend.PValue == nil {
		t.Fatalf("pre-trend passed: %+v", m.PreTrend)
	}
	if !hasWarning(diags, "pre-trend test fails") {
		t.Errorf("no pre-trend warning: %v", diags)
	}
	d := tg.Decisions[0]
	if d.Outcome != result.Inconclusive || !strings.Contains(strings.Join(d.Reasons, "\n"), "pre-trend test fails") {
		t.Errorf("decision %+v", d)
	}
}

// Few groups: a warning, and wild bootstrap intervals whose p-value agrees
// with them.
func TestRolloutFewGroups(t *testing.T) {
	cfg := simulate.DefaultRollout(8, 5)
	cfg.AdoptWeeks = []int{8, 12}
	tg, diags := runRollout(t, cfg)
	if !hasWarning(diags, "only 8 groups") {
		t.Errorf("no few-groups warning: %v", diags)
	}
	o := tg.Rollout.Metrics[0].Overall
	if o.Bootstrap == nil || o.BootstrapP == nil {
		t.Fatalf("no bootstrap interval: %+v", o)
	}
	excludes := float64(o.Bootstrap.CILower) > 0 || float64(o.Bootstrap.CIUpper) < 0
	if excludes != (float64(*o.BootstrapP) < 0.05) {
		t.Errorf("bootstrap interval %v and p %v disagree", *o.Bootstrap, *o.BootstrapP)
	}
	// The decision reads the bootstrap interval, not the clustered one
	// the warning calls unreliable.
	if len(tg.Decisions) == 0 {
		t.Fatal("no launch decision")
	}
	for _, d := range tg.Decisions {
		if !strings.Contains(strings.Join(d.Reasons, "\n"), "wild bootstrap") {
			t.Errorf("decision %s does not read the bootstrap interval: %v", d.Outcome, d.Reasons)
		}
		if d.Outcome == result.Ship && !excludes {
			t.Errorf("ships while the bootstrap interval %v includes 0", *o.Bootstrap)
		}
	}
}

// Adoption outside the data: groups adopting before the first period are
// left out with the reason, those adopting after the last count as never
// treated; both are named in a warning.
func TestRolloutAdoptionOutsideData(t *testing.T) {
	cfg := simulate.DefaultRollout(24, 6)
	cfg.AdoptWeeks = []int{-2, 8, 30}
	tg, diags := runRollout(t, cfg)
	if !hasWarning(diags, "adopt outside the data") {
		t.Errorf("no warning: %v", diags)
	}
	x := tg.Rollout
	before := 0
	for _, d := range x.Dropped {
		if strings.Contains(d.Reason, "before the first period") {
			before++
		}
	}
	// 20 adopting markets spread over 3 weeks: 7, 7 and 6.
	if before != 7 || x.Treated != 7 || x.Never != 4+6 || x.Groups != 17 {
		t.Errorf("dropped before %d, treated %d, never %d, groups %d", before, x.Treated, x.Never, x.Groups)
	}
}
