package stats

import (
	"math"
	"sort"
	"testing"
)

// quantileFromValues computes QuantileStats from raw observations the way
// the SQL documented on QuantileStats does: sort, read the order statistics
// at the ranks of QuantileRanks, and (when unit is non-nil) the per-unit
// indicator sums.
func quantileFromValues(y []float64, unit []string, nu float64) QuantileStats {
	s := append([]float64(nil), y...)
	sort.Float64s(s)
	n := float64(len(s))
	k, lo, hi := QuantileRanks(n, nu)
	q := QuantileStats{Nu: nu, N: n}
	if n == 0 {
		return q
	}
	q.Estimate, q.Lower, q.Upper = s[int(k)-1], s[int(lo)-1], s[int(hi)-1]
	if unit == nil {
		return q
	}
	ng, sg := map[string]float64{}, map[string]float64{}
	for i, v := range y {
		ng[unit[i]]++
		if v <= q.Estimate {
			sg[unit[i]]++
		}
	}
	for g, nn := range ng {
		ss := sg[g]
		q.Clusters++
		q.SumInd += ss
		q.SumSqInd += ss * ss
		q.SumObs += nn
		q.SumSqObs += nn * nn
		q.SumIndObs += ss * nn
	}
	return q
}

// G12 (STATS-REFERENCE §12.1; r-verify/quantile.R; full precision in
// testdata/stats/quantile/expected.json): control 1..100, treatment
// 1.1·(1..120), median.
func TestQuantileG12(t *testing.T) {
	c := make([]float64, 100)
	for i := range c {
		c[i] = float64(i + 1)
	}
	tr := make([]float64, 120)
	for i := range tr {
		tr[i] = 1.1 * float64(i+1)
	}
	qc, qt := quantileFromValues(c, nil, 0.5), quantileFromValues(tr, nil, 0.5)
	k, lo, hi := QuantileRanks(100, 0.5)
	if k != 50 || lo != 40 || hi != 60 {
		t.Errorf("control ranks %g %g %g", k, lo, hi)
	}
	if _, lo, hi := QuantileRanks(120, 0.5); lo != 49 || hi != 71 {
		t.Errorf("treatment ranks %g %g", lo, hi)
	}
	check(t, "control q", qc.Estimate, 50, 0)
	check(t, "treatment q", qt.Estimate, 66, 1e-15)
	sc, _ := qc.StdError()
	st, _ := qt.StdError()
	printed(t, "control se", sc, 5.102135, 6)
	printed(t, "treatment se", st, 6.173583, 6)
	r := CompareQuantiles(qc, qt, 0.05)
	printed(t, "diff", r.Absolute.Estimate, 16, 9)
	printed(t, "diff se", r.Absolute.StdError, 8.009051, 6)
	printed(t, "lo", r.Absolute.Lower, 0.3025, 4)
	printed(t, "hi", r.Absolute.Upper, 31.6975, 4)
	printed(t, "rel", r.Relative.Estimate, 0.32, 9)
	printed(t, "rel se", r.Relative.StdError, 0.182725, 6)
	if r.Method != "quantile_outer" {
		t.Errorf("method %q", r.Method)
	}
	depthFinite(t, "G12", r)
}

// TestQuantileAgainstR checks G12 at full precision and the clustered
// (event-level) variance on testdata/stats/quantile/events.csv against
// testdata/stats/quantile/ref.R, whose cluster variance of the indicator
// comes from sandwich::vcovCL. The sums are built here as the SQL on
// QuantileStats builds them.
func TestQuantileAgainstR(t *testing.T) {
	type arm struct {
		N, K, L, U, Q, YL, YU, SE float64
		SEiid                     float64 `json:"se_iid"`
		Clusters                  float64
		SumInd                    float64 `json:"sum_ind"`
		SumSqInd                  float64 `json:"sum_sq_ind"`
		SumObs                    float64 `json:"sum_obs"`
		SumSqObs                  float64 `json:"sum_sq_obs"`
		SumIndObs                 float64 `json:"sum_ind_obs"`
		VCluster                  float64 `json:"v_cluster"`
	}
	type cmp struct {
		Estimate, SE, Lower, Upper, P float64
		Relative                      struct{ Estimate, SE float64 }
	}
	type qcase struct {
		Nu                 float64
		Control, Treatment arm
		Comparison         cmp
	}
	var want struct {
		Z         float64
		G12       qcase
		Clustered []qcase
	}
	readDepthGolden(t, "quantile/expected.json", &want)
	check(t, "z", QuantileRankZ, want.Z, 1e-14)
	const tol = 1e-9
	checkCmp := func(name string, r Comparison, c cmp) {
		check(t, name+" diff", r.Absolute.Estimate, c.Estimate, tol)
		check(t, name+" se", r.Absolute.StdError, c.SE, tol)
		check(t, name+" lo", r.Absolute.Lower, c.Lower, tol)
		check(t, name+" hi", r.Absolute.Upper, c.Upper, tol)
		check(t, name+" p", r.PValue, c.P, tol)
		check(t, name+" rel", r.Relative.Estimate, c.Relative.Estimate, tol)
		check(t, name+" rel se", r.Relative.StdError, c.Relative.SE, tol)
	}
	g := want.G12
	r := CompareQuantiles(
		QuantileStats{Nu: 0.5, N: g.Control.N, Estimate: g.Control.Q, Lower: g.Control.YL, Upper: g.Control.YU},
		QuantileStats{Nu: 0.5, N: g.Treatment.N, Estimate: g.Treatment.Q, Lower: g.Treatment.YL, Upper: g.Treatment.YU}, 0.05)
	checkCmp("G12", r, g.Comparison)

	rows := readDepthCSV(t, "quantile/events.csv")
	var y [2][]float64
	var u [2][]string
	for _, row := range rows {
		a := int(depthNum(t, row["arm"]))
		y[a] = append(y[a], depthNum(t, row["y"]))
		u[a] = append(u[a], row["unit"])
	}
	if len(want.Clustered) != 3 {
		t.Fatalf("golden incomplete")
	}
	for _, c := range want.Clustered {
		var qs [2]QuantileStats
		for a, w := range []arm{c.Control, c.Treatment} {
			q := quantileFromValues(y[a], u[a], c.Nu)
			k, lo, hi := QuantileRanks(q.N, c.Nu)
			if q.N != w.N || k != w.K || lo != w.L || hi != w.U || q.Estimate != w.Q || q.Lower != w.YL || q.Upper != w.YU {
				t.Errorf("nu %g arm %d: order statistics %+v vs R %+v", c.Nu, a, q, w)
			}
			if q.Clusters != w.Clusters || q.SumInd != w.SumInd || q.SumSqInd != w.SumSqInd || q.SumObs != w.SumObs ||
				q.SumSqObs != w.SumSqObs || q.SumIndObs != w.SumIndObs {
				t.Errorf("nu %g arm %d: cluster sums %+v vs R %+v", c.Nu, a, q, w)
			}
			check(t, "sandwich::vcovCL indicator variance", q.quantileIndicatorVar(), w.VCluster, tol)
			qs[a] = q
			se, why := q.StdError()
			iid := q
			iid.Clusters = 0
			seIID, _ := iid.StdError()
			if c.Nu == 0.99 && a == 0 {
				// 299 < z²·0.99/0.01 ≈ 380: below the validity bound.
				if why == "" {
					t.Errorf("p99 with 299 observations must be refused")
				}
				continue
			}
			check(t, "iid se", seIID, w.SEiid, tol)
			check(t, "clustered se", se, w.SE, tol)
		}
		r := CompareQuantiles(qs[0], qs[1], 0.05)
		if c.Nu == 0.99 {
			if r.Estimable() || r.Problem == "" {
				t.Errorf("p99: control arm must make the comparison not estimable: %+v", r)
			}
			depthFinite(t, "p99", r)
			continue
		}
		if r.Method != "quantile_outer_clustered" {
			t.Errorf("method %q", r.Method)
		}
		checkCmp("clustered", r, c.Comparison)
	}
}

func TestQuantileRanksFloatingPoint(t *testing.T) {
	// 100·0.9 = 90.00000000000001 in doubles; the rank must still be 90.
	if k, _, _ := QuantileRanks(100, 0.9); k != 90 {
		t.Errorf("k = %g", k)
	}
	// Ranks are clipped to [1, n].
	if k, lo, hi := QuantileRanks(3, 0.5); k != 2 || lo != 1 || hi != 3 {
		t.Errorf("n=3: %g %g %g", k, lo, hi)
	}
}

func TestQuantileEdgeCases(t *testing.T) {
	ok := QuantileStats{Nu: 0.5, N: 100, Estimate: 50, Lower: 40, Upper: 60}
	cases := map[string]QuantileStats{
		"empty arm":       {Nu: 0.5},
		"one observation": {Nu: 0.5, N: 1, Estimate: 3, Lower: 3, Upper: 3},
		"tied bounds":     {Nu: 0.5, N: 100, Estimate: 7, Lower: 7, Upper: 7},
		"level 0":         {Nu: 0, N: 100, Estimate: 1, Lower: 0, Upper: 2},
		"level 1":         {Nu: 1, N: 100, Estimate: 1, Lower: 0, Upper: 2},
		"p99 too small":   {Nu: 0.99, N: 300, Estimate: 1, Lower: 0, Upper: 2},
		"one cluster": {Nu: 0.5, N: 100, Estimate: 50, Lower: 40, Upper: 60,
			Clusters: 1, SumInd: 50, SumSqInd: 2500, SumObs: 100, SumSqObs: 10000, SumIndObs: 5000},
		"constant indicator share": {Nu: 0.5, N: 100, Estimate: 50, Lower: 40, Upper: 60,
			Clusters: 2, SumInd: 50, SumSqInd: 1250, SumObs: 100, SumSqObs: 5000, SumIndObs: 2500},
	}
	for name, q := range cases {
		if se, why := q.StdError(); why == "" || se != 0 {
			t.Errorf("%s: se %g, reason %q", name, se, why)
		}
		for _, r := range []Comparison{CompareQuantiles(q, ok, 0.05), CompareQuantiles(ok, q, 0.05)} {
			if r.Estimable() || r.Problem == "" {
				t.Errorf("%s: must not be estimable: %+v", name, r)
			}
			depthFinite(t, name, r)
		}
	}
	// Control quantile 0: absolute only, relative omitted with a reason.
	zero := QuantileStats{Nu: 0.5, N: 100, Estimate: 0, Lower: -10, Upper: 10}
	r := CompareQuantiles(zero, ok, 0.05)
	if !r.Estimable() || r.Relative != nil || r.RelativeProblem == "" {
		t.Errorf("control 0: %+v", r)
	}
	depthFinite(t, "control 0", r)
	// Clusters of one observation each reproduce the i.i.d. interval up to
	// the sample-variance factor: with N_g = 1, S_g ∈ {0, 1} and share
	// p̂ = ν, σ²_{I,c} = p̂(1−p̂)/(n−1), so the inflation is n/(n−1).
	q := ok
	q.Clusters, q.SumInd, q.SumSqInd, q.SumObs, q.SumSqObs, q.SumIndObs = 100, 50, 50, 100, 100, 50
	se, _ := q.StdError()
	iid, _ := ok.StdError()
	check(t, "singleton clusters ≈ iid", se, iid*math.Sqrt(100.0/99.0), 1e-12)
}
