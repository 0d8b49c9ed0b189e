package stats

import (
	"fmt"
	"math"
	"testing"
)

// G9 (STATS-REFERENCE §8; r-verify/power.R, R 4.2.2; statsmodels
// test_power.py) at the precision the reference prints.
func TestPowerG9(t *testing.T) {
	p, err := PowerTTest(30, 1, 1, 0.05)
	printed(t, "power.t.test(n=30, delta=1)", mustPower(t, p, err), 0.9677083, 7)
	n, err := SampleSizeTTest(0.5, 1, 0.05, 0.8)
	printed(t, "power.t.test(delta=0.5, power=0.8)$n", mustPower(t, n, err), 63.76576, 5)
	n, err = SampleSizePropTest(0.5, 0.75, 0.05, 0.9)
	printed(t, "power.prop.test(0.5, 0.75, power=0.9)$n", mustPower(t, n, err), 76.70693, 5)
	n, err = SampleSizePropTest(0.10, 0.11, 0.05, 0.8)
	printed(t, "power.prop.test(0.10, 0.11, power=0.8)$n", mustPower(t, n, err), 14750.79, 2)
	p, err = PowerNormal(0.3, 80, 1, 0.05)
	check(t, "NormalIndPower().power(0.3, 80)", mustPower(t, p, err), 0.475100870572638, 1e-12)
	n, err = SampleSizeForEffect(1, 0.5, 0.05, 0.8)
	printed(t, "normal approximation n, d=0.5", mustPower(t, n, err), 62.79104, 5)
	m, err := MDEForSample(1, 1000, 0.05, 0.8)
	printed(t, "MDE sd=1, n=1000", mustPower(t, m, err), 0.1252907, 7)
}

func mustPower(t *testing.T, v float64, err error) float64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		t.Fatalf("non-finite result %g", v)
	}
	return v
}

// TestPowerAgainstR checks every function against
// testdata/stats/power/ref.R: R power.t.test and power.prop.test (roots with
// tol 1e-12), the normal approximations, and GrowthBook's relative MDE
// solved with polyroot and inverted with uniroot.
func TestPowerAgainstR(t *testing.T) {
	var w struct {
		TPower []struct{ N, Delta, SD, Alpha, Power float64 } `json:"t_power"`
		TN     []struct {
			Delta, SD, Alpha, Power, N float64
			NDefault                   float64 `json:"n_default_tol"`
		} `json:"t_n"`
		TDelta    []struct{ N, SD, Alpha, Power, Delta float64 } `json:"t_delta"`
		PropN     []struct{ P1, P2, Alpha, Power, N float64 }    `json:"prop_n"`
		PropPower []struct{ N, P1, P2, Alpha, Power float64 }    `json:"prop_power"`
		NormPower []struct {
			Effect, N1, Ratio, Alpha, Power float64
		} `json:"normal_power"`
		LiftMDE []struct {
			Mean, Variance, N, Alpha, Power, MDE float64
			NForMDE                              float64 `json:"n_for_mde"`
		} `json:"lift_mde"`
		LiftNone struct{ Mean, Variance, N, Alpha, Power, Threshold float64 } `json:"lift_mde_none"`
		PropLift []struct{ P, Lift, Alpha, Power, N float64 }                 `json:"prop_lift"`
	}
	readDepthGolden(t, "power/expected.json", &w)
	if len(w.TPower) == 0 || len(w.TN) == 0 || len(w.LiftMDE) == 0 || len(w.PropLift) == 0 {
		t.Fatalf("golden incomplete: %+v", w)
	}
	for _, c := range w.TPower {
		p, err := PowerTTest(c.N, c.Delta, c.SD, c.Alpha)
		check(t, "power.t.test power", mustPower(t, p, err), c.Power, 1e-9)
	}
	for _, c := range w.TN {
		n, err := SampleSizeTTest(c.Delta, c.SD, c.Alpha, c.Power)
		check(t, "power.t.test n", mustPower(t, n, err), c.N, 1e-9)
		check(t, "power.t.test n (R default tol)", n, c.NDefault, 1e-6)
	}
	for _, c := range w.TDelta {
		d, err := MDETTest(c.N, c.SD, c.Alpha, c.Power)
		check(t, "power.t.test delta", mustPower(t, d, err), c.Delta, 1e-9)
	}
	for _, c := range w.PropN {
		n, err := SampleSizePropTest(c.P1, c.P2, c.Alpha, c.Power)
		check(t, "power.prop.test n", mustPower(t, n, err), c.N, 1e-9)
	}
	for _, c := range w.PropPower {
		p, err := PowerPropTest(c.N, c.P1, c.P2, c.Alpha)
		check(t, "power.prop.test power", mustPower(t, p, err), c.Power, 1e-12)
	}
	for _, c := range w.NormPower {
		p, err := PowerNormal(c.Effect, c.N1, c.Ratio, c.Alpha)
		check(t, "normal power", mustPower(t, p, err), c.Power, 1e-12)
	}
	for _, c := range w.LiftMDE {
		m, err := LiftMDEForSample(c.Mean, c.Variance, c.N, c.Alpha, c.Power)
		check(t, "relative MDE", mustPower(t, m, err), c.MDE, 1e-10)
		n, err := SampleSizeForLift(c.Mean, c.Variance, c.MDE, c.Alpha, c.Power)
		check(t, "n for relative MDE", mustPower(t, n, err), c.NForMDE, 1e-9)
	}
	c := w.LiftNone
	if _, err := LiftMDEForSample(c.Mean, c.Variance, c.N, c.Alpha, c.Power); err == nil {
		t.Errorf("no relative MDE below n = %g", c.Threshold)
	}
	if _, err := LiftMDEForSample(c.Mean, c.Variance, c.Threshold*1.0001, c.Alpha, c.Power); err != nil {
		t.Errorf("relative MDE above the threshold: %v", err)
	}
	for _, c := range w.PropLift {
		n, err := SampleSizeForProportionLift(c.P, c.Lift, c.Alpha, c.Power)
		check(t, "proportion lift n", mustPower(t, n, err), c.N, 1e-9)
	}
}

// Consistency: the normal power at the MDE is the target (up to the far
// tail), sample size and MDE invert each other, and the t-based n exceeds
// the normal one.
func TestPowerConsistency(t *testing.T) {
	const v, alpha, power = 2.5, 0.05, 0.8
	n, _ := SampleSizeForEffect(v, 0.1, alpha, power)
	m, _ := MDEForSample(v, n, alpha, power)
	check(t, "MDE(n(delta))", m, 0.1, 1e-12)
	p, _ := PowerForEffect(m, math.Sqrt(2*v/n), alpha)
	check(t, "power at MDE (far tail included)", p, power, 2e-6)
	nt, _ := SampleSizeTTest(0.1, math.Sqrt(v), alpha, power)
	if !(nt > n && nt-n < 2) {
		t.Errorf("t n %g vs normal n %g", nt, n)
	}
	// Small lifts: GrowthBook's relative n approaches the classical one.
	nl, _ := SampleSizeForLift(10, v, 0.001, alpha, power)
	nc, _ := SampleSizeForEffect(v, 0.001*10, alpha, power)
	check(t, "relative vs classical n", nl, nc, 2e-3)
	// Days: 63.77 per arm, 2 arms, 40 units a day -> 128 units -> 4 days.
	d, err := DaysToReach(63.77, 2, 40)
	if err != nil || d != 4 {
		t.Errorf("days %g %v", d, err)
	}
	d, _ = DaysToReach(14750.79, 2, 1000)
	check(t, "days", d, 30, 0)
}

// Invalid inputs are errors, never NaN or Inf results.
func TestPowerInvalid(t *testing.T) {
	calls := map[string]func() (float64, error){
		"alpha 0":            func() (float64, error) { return SampleSizeForEffect(1, 1, 0, 0.8) },
		"power 1":            func() (float64, error) { return SampleSizeForEffect(1, 1, 0.05, 1) },
		"zero effect":        func() (float64, error) { return SampleSizeForEffect(1, 0, 0.05, 0.8) },
		"zero variance":      func() (float64, error) { return MDEForSample(0, 100, 0.05, 0.8) },
		"zero n":             func() (float64, error) { return MDEForSample(1, 0, 0.05, 0.8) },
		"mean 0 (MDE)":       func() (float64, error) { return LiftMDEForSample(0, 1, 100, 0.05, 0.8) },
		"mean 0 (n)":         func() (float64, error) { return SampleSizeForLift(0, 1, 0.1, 0.05, 0.8) },
		"lift 0":             func() (float64, error) { return SampleSizeForLift(1, 1, 0, 0.05, 0.8) },
		"lift -1":            func() (float64, error) { return SampleSizeForLift(1, 1, -1, 0.05, 0.8) },
		"equal proportions":  func() (float64, error) { return SampleSizePropTest(0.2, 0.2, 0.05, 0.8) },
		"proportion 1":       func() (float64, error) { return SampleSizePropTest(0.2, 1, 0.05, 0.8) },
		"lift past 1":        func() (float64, error) { return SampleSizeForProportionLift(0.6, 1, 0.05, 0.8) },
		"t n < 2":            func() (float64, error) { return PowerTTest(1, 1, 1, 0.05) },
		"t sd 0":             func() (float64, error) { return PowerTTest(10, 1, 0, 0.05) },
		"t delta 0":          func() (float64, error) { return SampleSizeTTest(0, 1, 0.05, 0.8) },
		"t mde n 1":          func() (float64, error) { return MDETTest(1, 1, 0.05, 0.8) },
		"prop n 0":           func() (float64, error) { return PowerPropTest(0, 0.1, 0.2, 0.05) },
		"normal ratio 0":     func() (float64, error) { return PowerNormal(0.3, 80, 0, 0.05) },
		"effect se 0":        func() (float64, error) { return PowerForEffect(1, 0, 0.05) },
		"days one arm":       func() (float64, error) { return DaysToReach(10, 1, 5) },
		"days no traffic":    func() (float64, error) { return DaysToReach(10, 2, 0) },
		"t effect too small": func() (float64, error) { return SampleSizeTTest(1e-6, 1, 0.05, 0.8) },
	}
	for name, f := range calls {
		v, err := f()
		if err == nil {
			t.Errorf("%s: no error (value %g)", name, v)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s: non-finite %g", name, v)
		}
	}
	// A huge effect needs the minimum n of power.t.test (2).
	if n, err := SampleSizeTTest(100, 1, 0.05, 0.8); err != nil || n != 2 {
		t.Errorf("huge effect: n %g %v", n, err)
	}
}

// current_mde is the exact inverse of units_per_arm: feeding the units back
// in gives the MDE, and the other way round, to 1e-6 (power.t.test for
// means, power.prop.test for proportions, the normal formula for ratios),
// at several levels.
func TestPowerRoundTrip(t *testing.T) {
	for _, alpha := range []float64{0.05, 0.01, 0.1} {
		for _, power := range []float64{0.8, 0.9, 0.5} {
			for _, mde := range []float64{0.01, 0.05, 0.2, 1.5} {
				name := fmt.Sprintf("alpha %g power %g mde %g", alpha, power, mde)
				// Means: mean 2, sd 3.
				n, err := SampleSizeTTest(mde*2, 3, alpha, power)
				if err != nil {
					t.Fatal(err)
				}
				if n > 2 {
					back, err := RelativeMDETTest(2, 3, n, alpha, power)
					if err != nil {
						t.Fatal(name, err)
					}
					check(t, name+" t.test", back, mde, 1e-6)
				}
				// Ratios: mean 0.08, per-unit variance 0.01.
				n, err = SampleSizeForEffect(0.01, mde*0.08, alpha, power)
				if err != nil {
					t.Fatal(err)
				}
				back, err := RelativeMDENormal(0.08, 0.01, n, alpha, power)
				if err != nil {
					t.Fatal(name, err)
				}
				check(t, name+" normal", back, mde, 1e-6)
				// Proportions: p = 0.3 (p₂ < 1 needs δ < 2.33).
				n, err = SampleSizeForProportionLift(0.3, mde, alpha, power)
				if err != nil {
					t.Fatal(err)
				}
				back, err = RelativeMDEPropTest(0.3, n, alpha, power)
				if err != nil {
					t.Fatal(name, err)
				}
				check(t, name+" prop.test", back, mde, 1e-6)
				// And from units: n → MDE → n.
				for _, units := range []float64{50, 1234.5, 1e5} {
					d, err := RelativeMDEPropTest(0.3, units, alpha, power)
					if err != nil {
						continue // not reachable at this n
					}
					m, _ := SampleSizeForProportionLift(0.3, d, alpha, power)
					check(t, fmt.Sprintf("%s units %g prop.test", name, units), m, units, 1e-6)
					dt, err := RelativeMDETTest(2, 3, units, alpha, power)
					if err != nil {
						t.Fatal(err)
					}
					mt, _ := SampleSizeTTest(dt*2, 3, alpha, power)
					check(t, fmt.Sprintf("%s units %g t.test", name, units), mt, units, 1e-6)
				}
			}
		}
	}
	if _, err := RelativeMDEPropTest(0.9, 3, 0.05, 0.8); err == nil {
		t.Errorf("3 units per arm cannot detect any increase of a 90%% proportion")
	}
}

// The relative MDEs against R solving power.t.test for delta and
// power.prop.test for p2 (testdata/stats/power/mde.R, tol 1e-12), to 1e-6.
func TestRelativeMDEMatchesR(t *testing.T) {
	var w struct {
		Cases []struct {
			Alpha, Power, N, Mean, SD, P float64
			TRelativeMDE                 float64 `json:"t_relative_mde"`
			PropRelativeMDE              float64 `json:"prop_relative_mde"`
		}
	}
	readDepthGolden(t, "power/mde_expected.json", &w)
	if len(w.Cases) != 12 {
		t.Fatalf("%d cases, want 12", len(w.Cases))
	}
	for _, c := range w.Cases {
		name := fmt.Sprintf("alpha %g power %g n %g", c.Alpha, c.Power, c.N)
		d, err := RelativeMDETTest(c.Mean, c.SD, c.N, c.Alpha, c.Power)
		if err != nil {
			t.Fatal(name, err)
		}
		check(t, name+" t.test", d, c.TRelativeMDE, 1e-6)
		p, err := RelativeMDEPropTest(c.P, c.N, c.Alpha, c.Power)
		if err != nil {
			t.Fatal(name, err)
		}
		check(t, name+" prop.test", p, c.PropRelativeMDE, 1e-6)
	}
}
