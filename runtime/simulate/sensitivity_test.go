package simulate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
)

// TestInterleavingSensitivity measures, for planted quality differences,
// the users that interleaving and the A/B test need for 80% power on the
// same simulated users (the README's table, written to the test log):
//
//	CALIPER_LONG=1 go test ./runtime/simulate -run TestInterleavingSensitivity -v -timeout 60m
//
// Interleaving must need fewer users than the A/B test, and its interval
// must cover the planted share near the nominal 95%.
func TestInterleavingSensitivity(t *testing.T) {
	testenv.NeedLong(t, "interleaving sensitivity over simulated replicates")
	sc := DefaultSensitivity()
	var b strings.Builder
	b.WriteString("| v3 quality (v2: 1) | planted click share | planted A/B click lift | users for 80% power, interleaving | users for 80% power, A/B | ratio | interleaving 95% CI coverage (unit / sign) |\n")
	b.WriteString("|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, q := range []float64{1.1, 1.25, 1.5} {
		r := sc.Sensitivity(q)
		ratio := "—"
		if r.ILUsers > 0 && r.ABUsers > 0 {
			ratio = fmt.Sprintf("%.0f×", r.ABUsers/r.ILUsers)
		}
		fmt.Fprintf(&b, "| %.2f | %.3f | %+.1f%% | %.0f | %.0f | %s | %.1f%% / %.1f%% |\n", q, r.PlantedShare, 100*r.PlantedLift,
			r.ILUsers, r.ABUsers, ratio, 100*r.ILCoverage, 100*r.SignCoverage)
		if !(r.ILUsers > 0 && (r.ABUsers == 0 || r.ABUsers > r.ILUsers)) {
			t.Errorf("quality %g: interleaving needs %.0f users, A/B %.0f", q, r.ILUsers, r.ABUsers)
		}
		if r.ILCoverage < 0.92 || r.ILCoverage > 0.98 {
			t.Errorf("quality %g: the unit test's 95%% interval covers the planted share in %.1f%% of %d replicates", q, 100*r.ILCoverage, r.Replicates)
		}
	}
	t.Logf("pool %d users per quality, %d replicates per size, alpha %g, target power %g, seed %d\n%s",
		sc.Pool, sc.Replicates, sc.Alpha, sc.Power, sc.Seed, b.String())
}
