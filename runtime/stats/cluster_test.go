package stats

import (
	"math"
	"sort"
	"testing"
)

// g10Arms are golden G10's arms (STATS-REFERENCE §9, r-verify/cluster.R):
// 8 users randomized, metric = clicks per session; (N_g, S_g) per user.
func g10Arms() (control, treatment ClusterMoments) {
	arm := func(n, s []float64) ClusterMoments {
		units := 0.0
		for _, x := range n {
			units += x
		}
		return NewClusterMoments(s, n, units)
	}
	control = arm([]float64{2, 3, 1, 4}, []float64{1, 2, 0, 3})
	treatment = arm([]float64{2, 3, 5, 2}, []float64{2, 1, 4, 2})
	return
}

// G10: the sums of the §9 table, and every standard error it lists (R
// sandwich 3.0.2 / estimatr 1.0.0, printed to 6 decimals).
func TestClusterG10(t *testing.T) {
	c, tr := g10Arms()
	for _, x := range []struct {
		name      string
		got, want ClusterMoments
	}{
		{"control", c, ClusterMoments{Clusters: 4, SumM: 6, SumD: 10, SumSqM: 14, SumSqD: 30, SumProd: 20}},
		{"treatment", tr, ClusterMoments{Clusters: 4, SumM: 9, SumD: 12, SumSqM: 25, SumSqD: 42, SumProd: 31}},
	} {
		g, w := x.got, x.want
		if g.Clusters != w.Clusters || g.SumM != w.SumM || g.SumD != w.SumD ||
			g.SumSqM != w.SumSqM || g.SumSqD != w.SumSqD || g.SumProd != w.SumProd {
			t.Errorf("%s sums = %+v, want %+v", x.name, g, w)
		}
	}
	check(t, "control ratio", val(c.Value()), 0.6, 1e-12)
	check(t, "treatment ratio", val(tr.Value()), 0.75, 1e-12)
	want := map[ClusterSE]float64{
		ClusterDelta:       0.174191,
		ClusterCR0:         0.150854,
		ClusterCR0Adjusted: 0.161270,
		ClusterCR1:         0.165252,
		ClusterCR2:         0.174499,
	}
	for se, w := range want {
		r := ClusterCompare(c, tr, se, 0.05, WelchT)
		if !r.Estimable() {
			t.Fatalf("%v: %s", se, r.Problem)
		}
		check(t, se.String()+" estimate", r.Absolute.Estimate, 0.15, 1e-12)
		printed(t, se.String()+" se", r.Absolute.StdError, w, 6)
	}
	// §9 identity: delta arm variance = CR0 arm term × G_v/(G_v−1) = 4/3.
	check(t, "delta/CR0 control", ClusterArm(c).Variance/c.cr0(), 4.0/3, 1e-12)
	check(t, "delta/CR0 treatment", ClusterArm(tr).Variance/tr.cr0(), 4.0/3, 1e-12)
	// Relative lift 0.25 with delta SE 0.317729.
	r := ClusterCompare(c, tr, ClusterDelta, 0.05, WelchT)
	check(t, "relative", r.Relative.Estimate, 0.25, 1e-12)
	printed(t, "relative se", r.Relative.StdError, 0.317729, 6)
	// The same through Compare on ClusterArm (the §2 ratio arm over clusters).
	r2 := Compare(ClusterArm(c), ClusterArm(tr), 0.05, WelchT)
	check(t, "Compare(ClusterArm) se", r2.Absolute.StdError, r.Absolute.StdError, 1e-12)
	check(t, "Compare(ClusterArm) df", r2.DF, r.DF, 1e-12)
}

// G10 tests as printed by r-verify/cluster.R (estimatr 1.0.0 lm_robust):
// CR0 and stata use t with G − 1 = 7 df; CR2 its Bell–McCaffrey df.
func TestClusterG10Tests(t *testing.T) {
	c, tr := g10Arms()
	for _, x := range []struct {
		se                 ClusterSE
		df, p, lo, hi      float64
		dfDec, pDec, ciDec int
	}{
		{ClusterCR0, 7, 0.3531791865, -0.2067131, 0.5067131, 0, 10, 7},
		{ClusterCR1, 7, 0.3942095992, -0.2407597, 0.5407597, 0, 10, 7},
		{ClusterCR2, 4.858509, 0.43036840, -0.3025205, 0.6025205, 6, 8, 7},
	} {
		r := ClusterCompare(c, tr, x.se, 0.05, WelchT)
		name := x.se.String()
		printed(t, name+" df", r.DF, x.df, x.dfDec)
		printed(t, name+" p", r.PValue, x.p, x.pDec)
		printed(t, name+" lo", r.Absolute.Lower, x.lo, x.ciDec)
		printed(t, name+" hi", r.Absolute.Upper, x.hi, x.ciDec)
	}
}

// clusterGoldenArms aggregates testdata/stats/cluster/data.csv the way the
// SQL must: unit rows → cluster totals (m, d) → per-arm sums. For the mean
// metric m = Σ y and d = number of units; for the ratio, m = Σ m, d = Σ d.
func clusterGoldenArms(t *testing.T, metric string) (control, treatment ClusterMoments) {
	t.Helper()
	type tot struct{ m, d float64 }
	totals := [2]map[string]*tot{{}, {}}
	units := [2]float64{}
	for _, row := range attrReadCSV(t, attrTestdata("cluster", "data.csv")) {
		a := int(attrFloat(t, row["arm"]))
		g := totals[a][row["cluster"]]
		if g == nil {
			g = &tot{}
			totals[a][row["cluster"]] = g
		}
		units[a]++
		if metric == "mean" {
			g.m += attrFloat(t, row["y"])
			g.d++
		} else {
			g.m += attrFloat(t, row["m"])
			g.d += attrFloat(t, row["d"])
		}
	}
	var arms [2]ClusterMoments
	for a := range arms {
		keys := make([]string, 0, len(totals[a]))
		for k := range totals[a] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var m, d []float64
		for _, k := range keys {
			m = append(m, totals[a][k].m)
			d = append(d, totals[a][k].d)
		}
		arms[a] = NewClusterMoments(m, d, units[a])
	}
	return arms[0], arms[1]
}

// The committed 504-unit, 40-cluster data set with unequal cluster sizes
// (1 to 41 units) against R (testdata/stats/cluster/cluster.R, expected.csv):
// sandwich::vcovCL and estimatr::lm_robust, to 1e-6 relative.
func TestClusterRGolden(t *testing.T) {
	exp := attrExpected(t, attrTestdata("cluster", "expected.csv"))
	const tol = 1e-6
	for _, metric := range []string{"mean", "ratio"} {
		c, tr := clusterGoldenArms(t, metric)
		want := func(q string) float64 { return attrWant(t, exp, metric+"/"+q) }
		check(t, metric+" control value", val(c.Value()), want("control_value"), tol)
		check(t, metric+" treatment value", val(tr.Value()), want("treatment_value"), tol)
		// Delta: per arm, vcovCL(type="HC0") of the intercept-only regression.
		check(t, metric+" delta control var", ClusterArm(c).Variance, want("delta_control_var"), tol)
		check(t, metric+" delta treatment var", ClusterArm(tr).Variance, want("delta_treatment_var"), tol)
		se := func(s ClusterSE) Comparison {
			r := ClusterCompare(c, tr, s, 0.05, WelchT)
			if !r.Estimable() {
				t.Fatalf("%s %v: %s", metric, s, r.Problem)
			}
			check(t, metric+" "+s.String()+" estimate", r.Absolute.Estimate, want("estimate"), tol)
			return r
		}
		check(t, metric+" delta se", se(ClusterDelta).Absolute.StdError, want("delta_se"), tol)
		check(t, metric+" relative", se(ClusterDelta).Relative.Estimate, want("relative"), tol)
		check(t, metric+" relative se", se(ClusterDelta).Relative.StdError, want("relative_se"), tol)
		check(t, metric+" vcovCL HC0 nocadjust", se(ClusterCR0).Absolute.StdError, want("vcovCL_HC0_nocadjust_se"), tol)
		check(t, metric+" vcovCL HC0", se(ClusterCR0Adjusted).Absolute.StdError, want("vcovCL_HC0_se"), tol)
		check(t, metric+" vcovCL HC1", se(ClusterCR1).Absolute.StdError, want("vcovCL_HC1_se"), tol)
		lmr := map[ClusterSE]string{ClusterCR0: "lm_robust_CR0_", ClusterCR1: "lm_robust_stata_", ClusterCR2: "lm_robust_CR2_"}
		if metric == "ratio" {
			// Weighted CR2: Go's matches lm_robust on the √d-scaled rows;
			// estimatr's weighted CR2 (identity working model) is close.
			lmr[ClusterCR2] = "sqrtw_lm_robust_CR2_"
			check(t, "ratio CR2 vs estimatr weighted CR2", se(ClusterCR2).Absolute.StdError, want("lm_robust_CR2_se"), 0.005)
		}
		for s, prefix := range lmr {
			r := se(s)
			name := metric + " " + s.String()
			check(t, name+" se", r.Absolute.StdError, want(prefix+"se"), tol)
			check(t, name+" df", r.DF, want(prefix+"df"), tol)
			check(t, name+" p", r.PValue, want(prefix+"p"), tol)
			check(t, name+" lo", r.Absolute.Lower, want(prefix+"lo"), tol)
			check(t, name+" hi", r.Absolute.Upper, want(prefix+"hi"), tol)
		}
	}
}

// With equal cluster sizes within each arm, delta = CR2 exactly and the
// Bell–McCaffrey df are Welch's ν from the working-model variances σ²/D_v
// with G_v − 1 df per arm (cluster.go header).
func TestClusterEqualSizesDeltaIsCR2(t *testing.T) {
	c := NewClusterMoments([]float64{3, 7, 1, 4, 6}, []float64{4, 4, 4, 4, 4}, 20)
	tr := NewClusterMoments([]float64{9, 2, 5, 8}, []float64{6, 6, 6, 6}, 24)
	d := ClusterCompare(c, tr, ClusterDelta, 0.05, WelchT)
	r := ClusterCompare(c, tr, ClusterCR2, 0.05, WelchT)
	check(t, "delta = CR2", d.Absolute.StdError, r.Absolute.StdError, 1e-12)
	wc := Arm{Variance: 1 / c.SumD, DF: c.Clusters - 1}
	wt := Arm{Variance: 1 / tr.SumD, DF: tr.Clusters - 1}
	check(t, "BM df = working-model Welch", r.DF, welchDF(wc, wt), 1e-12)
}

// Edge cases: every result is flagged, none holds NaN or Inf.
func TestClusterEdgeCases(t *testing.T) {
	one := NewClusterMoments([]float64{5}, []float64{10}, 10)
	two := NewClusterMoments([]float64{5, 3}, []float64{10, 8}, 18)
	zero := NewClusterMoments([]float64{0, 0, 0}, []float64{4, 2, 7}, 13)
	whole := NewClusterMoments([]float64{5, 0}, []float64{10, 0}, 10) // one cluster has all of D
	noLev := two
	noLev.Leverage = nil
	cases := []struct {
		name    string
		c, t    ClusterMoments
		se      ClusterSE
		problem bool
	}{
		{"single cluster per arm", one, one, ClusterDelta, true},
		{"single cluster per arm CR1", one, one, ClusterCR1, true},
		{"single cluster per arm CR2", one, one, ClusterCR2, true},
		{"empty control", ClusterMoments{}, two, ClusterDelta, true},
		{"both empty", ClusterMoments{}, ClusterMoments{}, ClusterCR2, true},
		{"all-zero metric", zero, zero, ClusterDelta, true},
		{"all-zero metric CR2", zero, zero, ClusterCR2, true},
		{"leverage 1", whole, two, ClusterCR2, true},
		{"no leverage sums", noLev, two, ClusterCR2, true},
		{"control zero, treatment not", zero, two, ClusterCR0, false},
	}
	for _, x := range cases {
		r := ClusterCompare(x.c, x.t, x.se, 0.05, WelchT)
		if r.Estimable() == x.problem {
			t.Errorf("%s: Problem = %q, want problem %v", x.name, r.Problem, x.problem)
		}
		attrFinite(t, x.name, r)
	}
	r := ClusterCompare(zero, two, ClusterCR0, 0.05, WelchT)
	if r.Relative != nil || r.RelativeProblem == "" {
		t.Errorf("control value 0: relative must be omitted with a reason, got %+v", r)
	}
	if r := ClusterCompare(two, two, ClusterDelta, 0.05, Normal); !math.IsInf(r.DF, 1) || r.Method != "cluster_delta_z" {
		t.Errorf("Normal: DF %v method %q", r.DF, r.Method)
	}
	attrFinite(t, "ClusterArm(one)", ClusterArm(one))
	attrFinite(t, "ClusterArm(empty)", ClusterArm(ClusterMoments{}))
}
