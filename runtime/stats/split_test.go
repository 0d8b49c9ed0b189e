package stats

import (
	"strings"
	"testing"
)

// splitGolden aggregates testdata/stats/split/data.csv (one row per user and
// surface, zeros included) as SQL does: per arm, the total and per-surface
// moments of saves per user, of saves/impressions, and of the per-surface
// contributions Σ saves_s / Σ impressions (denominator: all surfaces).
type splitGolden struct {
	surfaces           []string
	saves, savesTotal  map[string]*[2]Moments // by surface; "" = total
	rate, contribution map[string]*[2]RatioMoments
	rateTotal          [2]RatioMoments
}

func splitReadGolden(t *testing.T) splitGolden {
	t.Helper()
	type unit struct {
		arm      int
		saves    map[string]float64
		imp      map[string]float64
		sumSaves float64
		sumImp   float64
	}
	users := map[string]*unit{}
	var order []string
	seen := map[string]bool{}
	var surfaces []string
	for _, r := range attrReadCSV(t, attrTestdata("split", "data.csv")) {
		u := users[r["user"]]
		if u == nil {
			u = &unit{arm: int(attrFloat(t, r["arm"])), saves: map[string]float64{}, imp: map[string]float64{}}
			users[r["user"]] = u
			order = append(order, r["user"])
		}
		s := r["surface"]
		if !seen[s] {
			seen[s] = true
			surfaces = append(surfaces, s)
		}
		sv, im := attrFloat(t, r["saves"]), attrFloat(t, r["impressions"])
		u.saves[s] += sv
		u.imp[s] += im
		u.sumSaves += sv
		u.sumImp += im
	}
	g := splitGolden{surfaces: surfaces, saves: map[string]*[2]Moments{"": {}},
		rate: map[string]*[2]RatioMoments{}, contribution: map[string]*[2]RatioMoments{}}
	addRatio := func(r *RatioMoments, m, d float64) {
		r.N++
		r.SumM += m
		r.SumSqM += m * m
		r.SumD += d
		r.SumSqD += d * d
		r.SumProd += m * d
	}
	for _, s := range surfaces {
		g.saves[s], g.rate[s], g.contribution[s] = &[2]Moments{}, &[2]RatioMoments{}, &[2]RatioMoments{}
	}
	for _, id := range order {
		u := users[id]
		g.saves[""][u.arm] = g.saves[""][u.arm].Add(Moments{N: 1, Sum: u.sumSaves, SumSq: u.sumSaves * u.sumSaves})
		addRatio(&g.rateTotal[u.arm], u.sumSaves, u.sumImp)
		for _, s := range surfaces {
			sv := u.saves[s]
			g.saves[s][u.arm] = g.saves[s][u.arm].Add(Moments{N: 1, Sum: sv, SumSq: sv * sv})
			addRatio(&g.rate[s][u.arm], sv, u.imp[s])
			addRatio(&g.contribution[s][u.arm], sv, u.sumImp)
		}
	}
	return g
}

// The committed data set against testdata/stats/split/split.R
// (expected.csv), 1e-6 relative: saves per user by surface add up and their
// shares match; saves per impression by surface do not add up (flagged),
// while the surfaces' contributions to it do.
func TestSplitRGolden(t *testing.T) {
	exp := attrExpected(t, attrTestdata("split", "expected.csv"))
	want := func(q string) float64 { return attrWant(t, exp, q) }
	g := splitReadGolden(t)
	const tol = 1e-6
	mean := func(m *[2]Moments) Comparison { return Compare(MeanArm(m[0]), MeanArm(m[1]), 0.05, WelchT) }
	ratio := func(r [2]RatioMoments) Comparison { return Compare(RatioArm(r[0]), RatioArm(r[1]), 0.05, Normal) }

	var parts []SplitPart
	for _, s := range g.surfaces {
		parts = append(parts, SplitPart{Value: s, Comparison: mean(g.saves[s])})
	}
	sh := SplitLiftShares(SplitAdditive, mean(g.saves[""]), parts)
	if !sh.Additive || sh.Problem != "" {
		t.Fatalf("saves per user must be additive: %+v", sh)
	}
	check(t, "saves total lift", sh.Total, want("saves_total_lift"), tol)
	sum := 0.0
	for _, p := range sh.Parts {
		check(t, "saves "+p.Value+" lift", p.Lift, want("saves_"+p.Value+"_lift"), tol)
		check(t, "saves "+p.Value+" share", p.Share, want("saves_"+p.Value+"_share"), tol)
		sum += p.Share
	}
	check(t, "Σ shares", sum, 1, 1e-12)

	parts = parts[:0]
	var contrib []SplitPart
	for _, s := range g.surfaces {
		parts = append(parts, SplitPart{Value: s, Comparison: ratio(*g.rate[s])})
		contrib = append(contrib, SplitPart{Value: s, Comparison: ratio(*g.contribution[s])})
	}
	rs := SplitLiftShares(SplitRatio, ratio(g.rateTotal), parts)
	if rs.Additive || !strings.Contains(rs.Problem, "ratio") {
		t.Errorf("ratio must be flagged: %+v", rs)
	}
	check(t, "rate total lift", rs.Total, want("rate_total_lift"), tol)
	for _, p := range rs.Parts {
		check(t, "rate "+p.Value+" lift", p.Lift, want("rate_"+p.Value+"_lift"), tol)
	}
	check(t, "rate residual", rs.Residual, want("rate_total_lift")-want("rate_sum_of_surface_lifts"), tol)
	// Passing a ratio as additive is caught by the residual check.
	if bad := SplitLiftShares(SplitAdditive, ratio(g.rateTotal), parts); bad.Additive {
		t.Errorf("per-surface ratio lifts do not add up: must be flagged, got %+v", bad)
	}
	cs := SplitLiftShares(SplitAdditive, ratio(g.rateTotal), contrib)
	if !cs.Additive {
		t.Fatalf("contributions must add up: %s", cs.Problem)
	}
	for _, p := range cs.Parts {
		check(t, "rate contribution "+p.Value+" share", p.Share, want("rate_contribution_"+p.Value+"_share"), tol)
	}
}

// Edge cases: all-zero metric, a missing split value, non-additive kinds,
// no parts; flagged and free of NaN/Inf.
func TestSplitEdgeCases(t *testing.T) {
	cmp := func(est float64) Comparison { return Comparison{Absolute: Effect{Estimate: est}} }
	cases := []struct {
		name  string
		kind  SplitKind
		total Comparison
		parts []SplitPart
		want  string
	}{
		{"all zero", SplitAdditive, cmp(0), []SplitPart{{"a", cmp(0)}, {"b", cmp(0)}}, "total lift is 0"},
		{"cancelling parts", SplitAdditive, cmp(0), []SplitPart{{"a", cmp(1)}, {"b", cmp(-1)}}, "total lift is 0"},
		{"missing value", SplitAdditive, cmp(3), []SplitPart{{"a", cmp(1)}, {"b", cmp(1)}}, "add up to"},
		{"proportion", SplitProportion, cmp(3), []SplitPart{{"a", cmp(2)}, {"b", cmp(1)}}, "proportion"},
		{"quantile", SplitNonAdditive, cmp(3), []SplitPart{{"a", cmp(2)}, {"b", cmp(1)}}, "not additive"},
		{"no parts", SplitAdditive, cmp(3), nil, "no split values"},
	}
	for _, c := range cases {
		s := SplitLiftShares(c.kind, c.total, c.parts)
		if s.Additive || !strings.Contains(s.Problem, c.want) {
			t.Errorf("%s: Problem = %q, want it to mention %q", c.name, s.Problem, c.want)
		}
		for _, p := range s.Parts {
			if p.Share != 0 {
				t.Errorf("%s: share %g reported", c.name, p.Share)
			}
		}
		attrFinite(t, c.name, s)
	}
	s := SplitLiftShares(SplitAdditive, cmp(2), []SplitPart{{"a", cmp(3)}, {"b", cmp(-1)}})
	check(t, "share a", s.Parts[0].Share, 1.5, 1e-12)
	check(t, "share b", s.Parts[1].Share, -0.5, 1e-12)
}
