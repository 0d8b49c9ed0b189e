package stats

import (
	"math"
	"strings"
	"testing"
)

// decomposeGoldenArms aggregates testdata/stats/decompose/data.csv into
// per-arm moments, as SQL does: saves per user (mean), sessions per user
// (mean), saves per session (ratio Σ saves / Σ sessions), and the mean over
// users with sessions of saves/sessions (a different estimand).
func decomposeGoldenArms(t *testing.T) (total, sessions, perSession, meanOfRatios [2]float64) {
	t.Helper()
	var saves, sess [2]Moments
	var ratio [2]RatioMoments
	var mor [2]Moments
	for _, r := range attrReadCSV(t, attrTestdata("decompose", "data.csv")) {
		a := int(attrFloat(t, r["arm"]))
		sv, ss := attrFloat(t, r["saves"]), attrFloat(t, r["sessions"])
		saves[a] = saves[a].Add(Moments{N: 1, Sum: sv, SumSq: sv * sv})
		sess[a] = sess[a].Add(Moments{N: 1, Sum: ss, SumSq: ss * ss})
		ratio[a].N++
		ratio[a].SumM += sv
		ratio[a].SumD += ss
		if ss > 0 {
			q := sv / ss
			mor[a] = mor[a].Add(Moments{N: 1, Sum: q, SumSq: q * q})
		}
	}
	for a := 0; a < 2; a++ {
		total[a] = MeanArm(saves[a]).Value
		sessions[a] = MeanArm(sess[a]).Value
		perSession[a] = RatioArm(ratio[a]).Value
		meanOfRatios[a] = MeanArm(mor[a]).Value
	}
	return
}

// saves_per_user = sessions_per_user × saves_per_session on the committed
// data set, against testdata/stats/decompose/decompose.R (expected.csv),
// 1e-6 relative.
func TestDecomposeRGolden(t *testing.T) {
	exp := attrExpected(t, attrTestdata("decompose", "expected.csv"))
	want := func(q string) float64 { return attrWant(t, exp, q) }
	total, sessions, perSession, mor := decomposeGoldenArms(t)
	part := func(name string, v [2]float64) DecomposePart {
		return DecomposePart{Name: name, Control: v[0], Treatment: v[1]}
	}
	d := Decompose(part("saves_per_user", total),
		[]DecomposePart{part("sessions_per_user", sessions), part("saves_per_session", perSession)})
	if !d.IdentityHolds || d.Problem != "" {
		t.Fatalf("identity must hold: %+v", d)
	}
	const tol = 1e-6
	check(t, "total lift", d.Total.Lift, want("total_lift"), tol)
	sum := 0.0
	for _, f := range d.Factors {
		check(t, f.Name+" control", f.Control, want(f.Name+"_control"), tol)
		check(t, f.Name+" treatment", f.Treatment, want(f.Name+"_treatment"), tol)
		check(t, f.Name+" lift", f.Lift, want(f.Name+"_lift"), tol)
		check(t, f.Name+" share", f.Share, want(f.Name+"_share"), tol)
		sum += f.Share
	}
	check(t, "Σ shares", sum, 1, 1e-12)
	if math.Abs(d.Residual) > 1e-12 {
		t.Errorf("residual = %g, want 0", d.Residual)
	}
	// The lift equals Compare's relative effect for a positive control.
	r := Compare(Arm{Units: 2, Value: total[0], Variance: 1, DF: 1}, Arm{Units: 2, Value: total[1], Variance: 1, DF: 1}, 0.05, WelchT)
	check(t, "lift = Compare relative", d.Total.Lift, r.Relative.Estimate, 1e-12)

	// A mean of per-user ratios is a different estimand: the identity fails,
	// is flagged, and the residual log-lift is R's.
	bad := Decompose(part("saves_per_user", total),
		[]DecomposePart{part("sessions_per_user", sessions), part("mean_of_ratios", mor)})
	if bad.IdentityHolds || !strings.Contains(bad.Problem, "not the total") {
		t.Errorf("identity must be flagged: %+v", bad)
	}
	check(t, "residual", bad.Residual, want("mean_of_ratios_residual"), tol)
	attrFinite(t, "bad", bad)
}

// Hand-checkable case: +10% × +20% = +32%; shares log 1.1/log 1.32 and
// log 1.2/log 1.32.
func TestDecomposeExact(t *testing.T) {
	d := Decompose(DecomposePart{"total", 2, 2 * 1.1 * 1.2},
		[]DecomposePart{{"a", 1, 1.1}, {"b", 2, 2.4}})
	if d.Problem != "" {
		t.Fatal(d.Problem)
	}
	check(t, "total lift", d.Total.Lift, 0.32, 1e-12)
	check(t, "share a", d.Factors[0].Share, math.Log(1.1)/math.Log(1.32), 1e-12)
	check(t, "share b", d.Factors[1].Share, math.Log(1.2)/math.Log(1.32), 1e-12)
}

// Edge cases: lift ≤ −100%, control 0, total lift 0, all-zero metric, no
// factors; flagged and free of NaN/Inf.
func TestDecomposeEdgeCases(t *testing.T) {
	cases := []struct {
		name    string
		total   DecomposePart
		factors []DecomposePart
		want    string
	}{
		{"lift -100%", DecomposePart{"t", 2, 0}, []DecomposePart{{"a", 1, 0}, {"b", 2, 3}}, "≤ −100%"},
		{"lift below -100%", DecomposePart{"t", 2, -1}, []DecomposePart{{"a", 1, -0.5}, {"b", 2, 2}}, "≤ −100%"},
		{"control 0", DecomposePart{"t", 0, 3}, []DecomposePart{{"a", 0, 1}, {"b", 2, 3}}, "not positive"},
		{"no change", DecomposePart{"t", 2, 2}, []DecomposePart{{"a", 1, 2}, {"b", 2, 1}}, "total lift is 0"},
		{"all zero", DecomposePart{"t", 0, 0}, []DecomposePart{{"a", 0, 0}, {"b", 0, 0}}, "not positive"},
		{"no factors", DecomposePart{"t", 1, 2}, nil, "at least one factor"},
	}
	for _, c := range cases {
		d := Decompose(c.total, c.factors)
		if !strings.Contains(d.Problem, c.want) {
			t.Errorf("%s: Problem = %q, want it to mention %q", c.name, d.Problem, c.want)
		}
		attrFinite(t, c.name, d)
	}
	// No change in total with opposite factor moves: lifts are still reported.
	d := Decompose(DecomposePart{"t", 2, 2}, []DecomposePart{{"a", 1, 2}, {"b", 2, 1}})
	check(t, "a lift", d.Factors[0].Lift, 1, 1e-12)
	check(t, "b lift", d.Factors[1].Lift, -0.5, 1e-12)
	if !d.IdentityHolds {
		t.Error("identity holds for 1·2 = 2 and 2·1 = 2")
	}
}
