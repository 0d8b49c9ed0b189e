package stats

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readDepthGolden decodes a committed golden file under testdata/stats/
// (produced by the R script beside it) into v.
func readDepthGolden(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stats", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("golden %s: %v", rel, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("golden %s: %v", rel, err)
	}
}

// readDepthCSV reads a committed CSV under testdata/stats/ as a header plus
// rows keyed by column name.
func readDepthCSV(t *testing.T, rel string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "stats", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("csv %s: %v", rel, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("csv %s: %v", rel, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// depthNum parses a CSV field as a float.
func depthNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// depthFinite fails when any result field of a comparison is NaN or ±Inf
// (DF may be +Inf: that is how Compare marks a normal reference; an
// unbounded relative interval has infinite open sides).
func depthFinite(t *testing.T, name string, c Comparison) {
	t.Helper()
	vals := []float64{c.Absolute.Estimate, c.Absolute.StdError, c.Absolute.Lower, c.Absolute.Upper, c.PValue}
	if c.Relative != nil {
		vals = append(vals, c.Relative.Estimate, c.Relative.StdError)
		if !c.Relative.Unbounded {
			vals = append(vals, c.Relative.Lower, c.Relative.Upper)
		} else if c.Relative.Gap != nil {
			vals = append(vals, c.Relative.Gap[0], c.Relative.Gap[1])
		}
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s: non-finite field in %+v", name, c)
			return
		}
	}
	if math.IsNaN(c.DF) || math.IsInf(c.DF, -1) {
		t.Errorf("%s: bad DF in %+v", name, c)
	}
}

// G4: gbstats tests/test_gbstats.py::test_analyze_metric_df_ra
// (STATS-REFERENCE §4.1; recomputed by r-verify/gb_cuped.R, 9 decimals).
func TestCupedG4(t *testing.T) {
	c := CupedMoments{N: 3001, SumY: 300, SumSqY: 600, SumX: 210, SumSqX: 415, SumXY: -20}
	tr := CupedMoments{N: 3000, SumY: 222, SumSqY: 555, SumX: 120, SumSqX: 405, SumXY: -10}
	r := CompareCuped(c, tr, CupedPooled, 0.05, WelchT)
	if !r.Adjusted || !r.Estimable() || r.Relative == nil {
		t.Fatalf("G4 not adjusted: %+v", r)
	}
	printed(t, "theta", r.Theta, -0.073211940, 9)
	printed(t, "control mean", val(c.Post().Mean()), 0.099966678, 9)
	printed(t, "rel", r.Relative.Estimate, -0.281707154, 9)
	printed(t, "rel se", r.Relative.StdError, 0.097104876, 9)
	// gbstats tests the relative lift with t(ν), ν from the adjusted arms.
	printed(t, "rel p", twoSidedP(r.Relative.Estimate/r.Relative.StdError, r.DF), 0.003732549, 9)
	printed(t, "abs", r.Absolute.Estimate, -0.028161328, 9)
	printed(t, "abs se", r.Absolute.StdError, 0.011075983, 9)
	if r.Method != "cuped_welch_t" {
		t.Errorf("method %q", r.Method)
	}
	depthFinite(t, "G4", r.Comparison)
}

// G4b: small unit-level data set, r-verify/reg.R (R lm, sandwich,
// estimatr; STATS-REFERENCE §4 table, 6 decimals).
func TestCupedG4b(t *testing.T) {
	c := CupedMoments{N: 5, SumX: 22, SumY: 29, SumSqX: 126, SumSqY: 199, SumXY: 157}
	tr := CupedMoments{N: 7, SumX: 34, SumY: 51, SumSqX: 208, SumSqY: 433, SumXY: 298}
	r := CompareCuped(c, tr, CupedPooled, 0.05, WelchT)
	printed(t, "theta", r.Theta, 1.123853, 6)
	printed(t, "cuped effect", r.Absolute.Estimate, 0.971953, 6)
	printed(t, "cuped se", r.Absolute.StdError, 0.374426, 6)
	printed(t, "cuped rel", r.Relative.Estimate, 0.167578, 6)
	printed(t, "cuped rel se", r.Relative.StdError, 0.073924, 6)
	printed(t, "DiM", r.Unadjusted.Absolute.Estimate, 1.485714, 6)
	printed(t, "Neyman se (= HC2)", r.Unadjusted.Absolute.StdError, 1.732797, 6)
	printed(t, "unadjusted rel", r.Unadjusted.Relative.Estimate, 0.256158, 6)
	printed(t, "unadjusted rel se", r.Unadjusted.Relative.StdError, 0.340167, 6)
	check(t, "variance reduction", r.VarianceReduction, 1-math.Pow(0.374426/1.732797, 2), 1e-5)
	// The within-arm slope reproduces the ANCOVA lm(y ~ T + x) coefficient.
	w := CompareCuped(c, tr, CupedWithin, 0.05, WelchT)
	printed(t, "ANCOVA slope", w.Theta, 1.105868, 6)
	printed(t, "ANCOVA effect", w.Absolute.Estimate, 0.980174, 6)
}

// G4c: gbstats tests/frequentist/test_tests.py::
// test_two_sided_ttest_test_runs_ratio_ra (STATS-REFERENCE §4.2, 5 decimals).
func TestCupedRatioG4c(t *testing.T) {
	a, b := cupedG4cArms()
	r := CompareCupedRatio(a, b, 0.05, WelchT)
	if !r.Adjusted || r.Relative == nil {
		t.Fatalf("G4c not adjusted: %+v", r)
	}
	printed(t, "rel", r.Relative.Estimate, -0.0007, 5)
	printed(t, "rel se", r.Relative.StdError, 0.00391, 5)
	// gbstats' interval and p use t(ν) with Welch ν of the adjusted arms.
	q := quantile(0.975, r.DF)
	printed(t, "rel lo (t)", r.Relative.Estimate-q*r.Relative.StdError, -0.00841, 5)
	printed(t, "rel hi (t)", r.Relative.Estimate+q*r.Relative.StdError, 0.00700, 5)
	printed(t, "rel p", twoSidedP(r.Relative.Estimate/r.Relative.StdError, r.DF), 0.85771, 5)
	if r.Method != "cuped_ratio_welch_t" || !(r.VarianceReduction > 0.9) {
		t.Errorf("method %q, variance reduction %g", r.Method, r.VarianceReduction)
	}
	depthFinite(t, "G4c", r.Comparison)
}

// cupedG4cArms are the two arms of gbstats test_two_sided_ttest_test_runs_ratio_ra.
func cupedG4cArms() (CupedRatioMoments, CupedRatioMoments) {
	a := CupedRatioMoments{N: 100,
		SumMPost: 485.112236689623, SumSqMPost: 2715.484666118136,
		SumDPost: 679.9093275844917, SumSqDPost: 4939.424001640236,
		SumMPre: 192.59138069991536, SumSqMPre: 460.076026390857,
		SumDPre: 290.1398399750233, SumSqDPre: 920.9461385038898,
		SumMPostMPre: 1113.6215759318352, SumDPostDPre: 2130.9404074446747,
		SumMPreDPre: 634.239482353647, SumMPostDPost: 3602.146836776702,
		SumMPostDPre: 1559.2878434944676, SumMPreDPost: 1460.3181079276983}
	b := CupedRatioMoments{N: 100,
		SumMPost: 514.7757826608777, SumSqMPost: 2994.897482705013,
		SumDPost: 705.4090874383759, SumSqDPost: 5291.36604146392,
		SumMPre: 206.94157227402536, SumSqMPre: 514.2903702246757,
		SumDPre: 302.54389139107326, SumSqDPre: 994.4506208125663,
		SumMPostMPre: 1237.0953021125997, SumDPostDPre: 2292.081739775257,
		SumMPreDPre: 698.4173425817908, SumMPostDPost: 3918.1561431600717,
		SumMPostDPre: 1701.0287270040265, SumMPreDPost: 1604.0759503266522}
	return a, b
}

// cupedGolden is one expected result of testdata/stats/*/ref.R: an R
// t.test-style comparison plus the CUPED quantities that go with it.
type cupedGolden struct {
	Estimate          float64 `json:"estimate"`
	SE                float64 `json:"se"`
	DF                float64 `json:"df"`
	P                 float64 `json:"p"`
	Lower             float64 `json:"lower"`
	Upper             float64 `json:"upper"`
	Theta             float64 `json:"theta"`
	VarianceReduction float64 `json:"variance_reduction"`
	LmArmCoef         float64 `json:"lm_arm_coef"`
	Relative          *struct {
		Estimate float64 `json:"estimate"`
		SE       float64 `json:"se"`
	} `json:"relative"`
	Unadjusted *cupedGolden `json:"unadjusted"`
}

// checkCupedAgainst compares an adjusted comparison with an R t.test on
// y − θx (estimate, SE, Welch df, p, t interval) and GrowthBook's relative
// effect computed in R from the unit rows.
func checkCupedAgainst(t *testing.T, name string, r CupedResult, want cupedGolden, tol float64) {
	t.Helper()
	check(t, name+" estimate", r.Absolute.Estimate, want.Estimate, tol)
	check(t, name+" se", r.Absolute.StdError, want.SE, tol)
	check(t, name+" lower", r.Absolute.Lower, want.Lower, tol)
	check(t, name+" upper", r.Absolute.Upper, want.Upper, tol)
	if want.DF != 0 {
		check(t, name+" df", r.DF, want.DF, tol)
		check(t, name+" p", r.PValue, want.P, tol)
	}
	if want.Relative != nil {
		check(t, name+" rel", r.Relative.Estimate, want.Relative.Estimate, tol)
		check(t, name+" rel se", r.Relative.StdError, want.Relative.SE, tol)
	}
}

// TestCupedDataset checks CUPED on testdata/stats/cuped/data.csv against
// testdata/stats/cuped/ref.R: R t.test on y − θx (θ pooled, and θ from
// lm(y ~ arm + x_centered)), GrowthBook's relative formula from var()/cov(),
// and ratio CUPED by per-unit linearization. The per-arm sums are built
// here as SQL would build them.
func TestCupedDataset(t *testing.T) {
	var want struct {
		Unadjusted, Pooled, Within, Ratio cupedGolden
	}
	readDepthGolden(t, "cuped/expected.json", &want)

	var arms [2]CupedMoments
	var ratio [2]CupedRatioMoments
	for _, row := range readDepthCSV(t, "cuped/data.csv") {
		a := int(depthNum(t, row["arm"]))
		x, y := depthNum(t, row["x"]), depthNum(t, row["y"])
		arms[a] = arms[a].Add(CupedMoments{N: 1, SumY: y, SumSqY: y * y, SumX: x, SumSqX: x * x, SumXY: x * y})
		ratio[a] = ratio[a].Add(cupedRatioUnit(depthNum(t, row["m_post"]), depthNum(t, row["d_post"]),
			depthNum(t, row["m_pre"]), depthNum(t, row["d_pre"])))
	}
	const tol = 1e-9
	r := CompareCuped(arms[0], arms[1], CupedPooled, 0.05, WelchT)
	check(t, "pooled theta", r.Theta, want.Pooled.Theta, tol)
	checkCupedAgainst(t, "pooled", r, want.Pooled, tol)
	checkCupedAgainst(t, "unadjusted", CupedResult{Comparison: r.Unadjusted}, want.Unadjusted, tol)
	check(t, "variance reduction", r.VarianceReduction, want.Pooled.VarianceReduction, tol)

	w := CompareCuped(arms[0], arms[1], CupedWithin, 0.05, WelchT)
	check(t, "within theta (lm slope)", w.Theta, want.Within.Theta, tol)
	check(t, "within effect (lm arm coefficient)", w.Absolute.Estimate, want.Within.LmArmCoef, tol)
	checkCupedAgainst(t, "within", w, want.Within, tol)

	rr := CompareCupedRatio(ratio[0], ratio[1], 0.05, WelchT)
	check(t, "ratio theta", rr.Theta, want.Ratio.Theta, tol)
	checkCupedAgainst(t, "ratio", rr, want.Ratio, tol)
	check(t, "ratio unadjusted", rr.Unadjusted.Absolute.Estimate, want.Ratio.Unadjusted.Estimate, tol)
	check(t, "ratio unadjusted se", rr.Unadjusted.Absolute.StdError, want.Ratio.Unadjusted.SE, tol)
	check(t, "ratio variance reduction", rr.VarianceReduction, want.Ratio.VarianceReduction, 1e-8)
}

// cupedRatioUnit is one unit's contribution to CupedRatioMoments.
func cupedRatioUnit(m, d, mp, dp float64) CupedRatioMoments {
	return CupedRatioMoments{N: 1,
		SumMPost: m, SumSqMPost: m * m, SumDPost: d, SumSqDPost: d * d,
		SumMPre: mp, SumSqMPre: mp * mp, SumDPre: dp, SumSqDPre: dp * dp,
		SumMPostMPre: m * mp, SumDPostDPre: d * dp, SumMPreDPre: mp * dp,
		SumMPostDPost: m * d, SumMPostDPre: m * dp, SumMPreDPost: mp * d}
}

// TestCupedAbBasic checks CUPED with a 14-day pre-exposure window on the
// reference data set ab_basic (hf_ranker_v2) against
// testdata/stats/ab_basic/ref.R, from the per-arm sums that script prints
// (the sums the compiler's SQL must reproduce).
func TestCupedAbBasic(t *testing.T) {
	type meanCase struct {
		Control, Treatment CupedMoments
		Theta              float64
		Adjusted           cupedGolden
		Unadjusted         cupedGolden
		VarianceReduction  float64 `json:"variance_reduction"`
		Within             cupedGolden
	}
	var want struct {
		Cuped14d struct {
			SavesPerUser    meanCase `json:"saves_per_user"`
			SessionsPerUser meanCase `json:"sessions_per_user"`
			Purchasers      meanCase
			SaveRate        struct {
				Control, Treatment CupedRatioMoments
				Theta              float64
				Adjusted           cupedGolden
				Unadjusted         cupedGolden
				VarianceReduction  float64 `json:"variance_reduction"`
			} `json:"save_rate"`
		}
	}
	readDepthGolden(t, "ab_basic/expected.json", &want)
	const tol = 1e-9
	for name, m := range map[string]meanCase{
		"saves_per_user": want.Cuped14d.SavesPerUser, "sessions_per_user": want.Cuped14d.SessionsPerUser,
		"purchasers": want.Cuped14d.Purchasers,
	} {
		r := CompareCuped(m.Control, m.Treatment, CupedPooled, 0.05, WelchT)
		check(t, name+" theta", r.Theta, m.Theta, tol)
		checkCupedAgainst(t, name, r, m.Adjusted, tol)
		check(t, name+" unadjusted se", r.Unadjusted.Absolute.StdError, m.Unadjusted.SE, tol)
		check(t, name+" variance reduction", r.VarianceReduction, m.VarianceReduction, 1e-8)
		w := CompareCuped(m.Control, m.Treatment, CupedWithin, 0.05, WelchT)
		check(t, name+" lm slope", w.Theta, m.Within.Theta, tol)
		check(t, name+" lm arm coefficient", w.Absolute.Estimate, m.Within.LmArmCoef, tol)
	}
	s := want.Cuped14d.SaveRate
	rr := CompareCupedRatio(s.Control, s.Treatment, 0.05, WelchT)
	check(t, "save_rate theta", rr.Theta, s.Theta, tol)
	checkCupedAgainst(t, "save_rate", rr, s.Adjusted, tol)
	// The unadjusted delta-method SE is ab_basic/expected.json's 0.0032215899504627.
	check(t, "save_rate unadjusted se", rr.Unadjusted.Absolute.StdError, 0.0032215899504627, 1e-9)
	check(t, "save_rate variance reduction", rr.VarianceReduction, s.VarianceReduction, 1e-6)
}

func TestCupedEdgeCases(t *testing.T) {
	unit := func(x, y float64) CupedMoments {
		return CupedMoments{N: 1, SumY: y, SumSqY: y * y, SumX: x, SumSqX: x * x, SumXY: x * y}
	}
	arm := func(xy ...[2]float64) CupedMoments {
		var m CupedMoments
		for _, p := range xy {
			m = m.Add(unit(p[0], p[1]))
		}
		return m
	}
	good := arm([2]float64{1, 2}, [2]float64{2, 3}, [2]float64{3, 5}, [2]float64{4, 4})
	cases := []struct {
		name        string
		c, t        CupedMoments
		adjusted    bool
		estimable   bool
		hasRelative bool
	}{
		{"no covariate variance", arm([2]float64{0, 1}, [2]float64{0, 2}), arm([2]float64{0, 3}, [2]float64{0, 5}), false, true, true},
		{"zero variance of y", arm([2]float64{1, 2}, [2]float64{2, 2}), arm([2]float64{3, 2}, [2]float64{4, 2}), false, false, false},
		{"control mean 0", arm([2]float64{1, 0}, [2]float64{2, 0}, [2]float64{3, 0}), good, true, true, false},
		{"empty control", CupedMoments{}, good, false, false, false},
		{"empty treatment", good, CupedMoments{}, false, false, false},
		{"one unit per arm", arm([2]float64{1, 2}), arm([2]float64{3, 5}), false, false, false},
		{"n <= covariates (one control unit)", arm([2]float64{1, 2}), arm([2]float64{3, 5}, [2]float64{4, 4}), false, false, false},
		{"x collinear within arms (within slope)", good, good, true, true, true},
	}
	for _, c := range cases {
		r := CompareCuped(c.c, c.t, CupedPooled, 0.05, WelchT)
		if r.Adjusted != c.adjusted || r.Estimable() != c.estimable || (r.Relative != nil) != c.hasRelative {
			t.Errorf("%s: adjusted %v estimable %v relative %v; got %+v", c.name, c.adjusted, c.estimable, c.hasRelative, r)
		}
		if !r.Adjusted && r.Note == "" {
			t.Errorf("%s: fallback without a note", c.name)
		}
		if c.estimable && !c.hasRelative && r.RelativeProblem == "" {
			t.Errorf("%s: relative omitted without a reason", c.name)
		}
		if !c.estimable && r.Problem == "" {
			t.Errorf("%s: not estimable without a Problem", c.name)
		}
		depthFinite(t, c.name, r.Comparison)
		depthFinite(t, c.name+" unadjusted", r.Unadjusted)
		for _, s := range []CupedSlope{CupedWithin} {
			depthFinite(t, c.name+" "+s.String(), CompareCuped(c.c, c.t, s, 0.05, WelchT).Comparison)
		}
	}
	// Three units in all: the within slope (3 parameters) falls back.
	w := CompareCuped(arm([2]float64{1, 2}, [2]float64{2, 4}), arm([2]float64{3, 5}), CupedWithin, 0.05, WelchT)
	if w.Adjusted || w.Note == "" {
		t.Errorf("within slope with 3 units must fall back: %+v", w)
	}
}

func TestCupedRatioEdgeCases(t *testing.T) {
	a, b := cupedG4cArms()
	noPre := func(m CupedRatioMoments) CupedRatioMoments {
		m.SumMPre, m.SumSqMPre, m.SumDPre, m.SumSqDPre = 0, 0, 0, 0
		m.SumMPostMPre, m.SumDPostDPre, m.SumMPreDPre, m.SumMPostDPre, m.SumMPreDPost = 0, 0, 0, 0, 0
		return m
	}
	r := CompareCupedRatio(noPre(a), noPre(b), 0.05, WelchT)
	if r.Adjusted || r.Note == "" || !r.Estimable() {
		t.Errorf("no pre-period data must fall back to the plain ratio: %+v", r)
	}
	plain := Compare(cupedPlainRatioArm(a), cupedPlainRatioArm(b), 0.05, WelchT)
	check(t, "fallback = plain ratio", r.Absolute.StdError, plain.Absolute.StdError, 1e-12)
	depthFinite(t, "no pre", r.Comparison)

	empty := CompareCupedRatio(CupedRatioMoments{}, b, 0.05, WelchT)
	if empty.Estimable() {
		t.Errorf("empty control must not be estimable: %+v", empty)
	}
	depthFinite(t, "empty", empty.Comparison)

	zero := a
	zero.SumMPost, zero.SumSqMPost, zero.SumMPostMPre, zero.SumMPostDPost, zero.SumMPostDPre = 0, 0, 0, 0, 0
	z := CompareCupedRatio(zero, b, 0.05, WelchT)
	if !z.Estimable() || z.Relative != nil || z.RelativeProblem == "" {
		t.Errorf("control ratio 0: absolute only, with a reason: %+v", z)
	}
	depthFinite(t, "control 0", z.Comparison)

	one := CompareCupedRatio(cupedRatioUnit(1, 2, 1, 3), cupedRatioUnit(2, 3, 1, 2), 0.05, WelchT)
	if one.Estimable() {
		t.Errorf("one unit per arm must not be estimable: %+v", one)
	}
	depthFinite(t, "one unit", one.Comparison)
}
