package simulate

import (
	"math"
	"testing"

	"github.com/caliper-dev/caliper/runtime/stats"
)

// ilPlanted is the planted values of DefaultInterleaving, estimated from
// 100k sessions (Monte Carlo error of the shares about 0.002, a tenth of
// the intervals' half-width below).
func ilPlanted(t *testing.T) PlantedInterleaving {
	t.Helper()
	p := DefaultInterleaving(1, 1).PlantedValues(100000)
	t.Logf("planted: click share %.4f, save share %.4f, A/B click lift %.4f, save lift %.4f", p.ClickShare, p.SaveShare, p.ClickLift, p.SaveLift)
	if !(p.ClickShare > 0.52 && p.SaveShare > 0.52 && p.ClickLift > 0.01) {
		t.Fatalf("the better ranker is not preferred: %+v", p)
	}
	return p
}

// On simulated users, the interleaving share's interval (both tests)
// covers the planted preference, and the A/B test's interval of clicks
// per user covers the planted lift; the preference is detected at 0.05.
// Coverage is asserted for 99% intervals, so that one fixed seed fails
// by chance with probability about 1% per interval, not 5%.
func TestInterleavingPlantedInInterval(t *testing.T) {
	planted := ilPlanted(t)
	cfg := DefaultInterleaving(3000, 7)
	users := cfg.SimulateUsers()
	var clicks, saves stats.PreferenceMoments
	var ab [2]stats.Moments
	for _, u := range users {
		var c, s [3]float64 // wins, losses, ties
		var abc float64
		for _, x := range u.Sessions {
			oc, os := x.ILOutcome()
			c[ilIndex(oc)]++
			s[ilIndex(os)]++
			abc += float64(x.ABClicks[u.Arm])
		}
		clicks.AddUnit(c[0], c[1], c[2])
		saves.AddUnit(s[0], s[1], s[2])
		ab[u.Arm] = ab[u.Arm].Add(stats.Moments{N: 1, Sum: abc, SumSq: abc * abc})
	}
	for _, test := range []stats.PreferenceTest{stats.UnitTest, stats.SignTest} {
		for _, c := range []struct {
			name    string
			m       stats.PreferenceMoments
			planted float64
		}{{"clicks", clicks, planted.ClickShare}, {"saves", saves, planted.SaveShare}} {
			p := stats.ComparePreference(c.m, test, 0.01)
			t.Logf("%s %v: share %.4f [%.4f, %.4f] p %.3g over %g sessions", c.name, test, p.Share.Estimate, p.Share.Lower, p.Share.Upper, p.PValue, p.Sessions)
			if !(p.Share.Lower <= c.planted && c.planted <= p.Share.Upper) {
				t.Errorf("%s %v: planted %.4f outside [%.4f, %.4f]", c.name, test, c.planted, p.Share.Lower, p.Share.Upper)
			}
		}
		if p := stats.ComparePreference(clicks, test, 0.05); !p.Preferred() {
			t.Errorf("%v: the better ranker was not detected on clicks", test)
		}
	}
	cmp := stats.Compare(stats.MeanArm(ab[0]), stats.MeanArm(ab[1]), 0.01, stats.WelchT)
	rel := cmp.Relative
	t.Logf("A/B clicks per user: %+.4f [%+.4f, %+.4f] p %.3g", rel.Estimate, rel.Lower, rel.Upper, cmp.PValue)
	if !(rel.Lower <= planted.ClickLift && planted.ClickLift <= rel.Upper) {
		t.Errorf("A/B: planted lift %.4f outside [%.4f, %.4f]", planted.ClickLift, rel.Lower, rel.Upper)
	}
}

func ilIndex(outcome int) int {
	switch outcome {
	case 1:
		return 0
	case -1:
		return 1
	}
	return 2
}

// Same seed, same files; team draft alternates picks.
func TestInterleavingDeterministic(t *testing.T) {
	cfg := DefaultInterleaving(50, 3)
	a, err := WriteInterleaving(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := WriteInterleaving(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]string{{a.Interleaved, b.Interleaved}, {a.Exposures, b.Exposures}, {a.Events, b.Events}, {a.Spec, b.Spec}} {
		if hash(t, p[0]) != hash(t, p[1]) {
			t.Fatalf("%s: same seed, different data", p[0])
		}
	}
	rows := readCSV(t, a.Interleaved)
	if len(rows)-1 != a.Rows || a.Rows == 0 {
		t.Fatalf("%d rows written, %d reported", len(rows)-1, a.Rows)
	}
	for _, u := range cfg.SimulateUsers() {
		for _, x := range u.Sessions {
			var picks [2]int
			for _, it := range x.Interleaved {
				picks[it.Team]++
			}
			if len(x.Interleaved) != cfg.ListLength || math.Abs(float64(picks[0]-picks[1])) > 0 {
				t.Fatalf("team draft picks %v over %d items", picks, len(x.Interleaved))
			}
		}
	}
}
