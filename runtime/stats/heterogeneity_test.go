package stats

import (
	"math"
	"testing"
)

type heteroGolden struct {
	Name     string
	Segments []string
	Estimate []float64
	SE       []float64
	Q, DF, P float64
	I2       float64
	Pooled   struct{ Estimate, SE, Lower, Upper float64 }
}

func checkHetero(t *testing.T, c heteroGolden, h Heterogeneity, interval bool) {
	t.Helper()
	check(t, c.Name+" Q", h.Q, c.Q, 1e-10)
	check(t, c.Name+" df", h.DF, c.DF, 0)
	check(t, c.Name+" p", h.PValue, c.P, 1e-9)
	check(t, c.Name+" I2", h.I2, c.I2, 1e-10)
	check(t, c.Name+" pooled", h.Pooled.Estimate, c.Pooled.Estimate, 1e-10)
	check(t, c.Name+" pooled se", h.Pooled.StdError, c.Pooled.SE, 1e-10)
	if interval {
		check(t, c.Name+" pooled lo", h.Pooled.Lower, c.Pooled.Lower, 1e-10)
		check(t, c.Name+" pooled hi", h.Pooled.Upper, c.Pooled.Upper, 1e-10)
	}
	if h.Problem != "" || h.Used != len(c.Estimate) {
		t.Errorf("%s: %+v", c.Name, h)
	}
}

// TestCochranQAgainstR checks Q, its p-value, I² and the pooled effect
// against R metafor::rma(method = "FE") (testdata/stats/heterogeneity/ref.R).
func TestCochranQAgainstR(t *testing.T) {
	var want struct{ Cases []heteroGolden }
	readDepthGolden(t, "heterogeneity/expected.json", &want)
	if len(want.Cases) != 4 {
		t.Fatalf("golden incomplete")
	}
	for _, c := range want.Cases {
		var s []SegmentEffect
		for i := range c.Estimate {
			s = append(s, SegmentEffect{Segment: c.Segments[i], Estimate: c.Estimate[i], StdError: c.SE[i]})
		}
		checkHetero(t, c, CochranQ(s, 0.05), true)
	}
}

// TestCochranQAbBasic: saves_per_user per country and per platform on
// ab_basic (hf_ranker_v2), segment effects from R t.test and Q from metafor
// (testdata/stats/ab_basic/ref.R).
func TestCochranQAbBasic(t *testing.T) {
	var want struct {
		Segments []struct {
			By       string
			Segments []struct {
				Segment      string
				Estimate, SE float64
			}
			Q, DF, P, I2 float64
			Pooled       struct{ Estimate, SE float64 }
		}
	}
	readDepthGolden(t, "ab_basic/expected.json", &want)
	if len(want.Segments) != 2 {
		t.Fatalf("golden incomplete")
	}
	for _, g := range want.Segments {
		c := heteroGolden{Name: g.By, Q: g.Q, DF: g.DF, P: g.P, I2: g.I2}
		c.Pooled.Estimate, c.Pooled.SE = g.Pooled.Estimate, g.Pooled.SE
		var s []SegmentEffect
		for _, e := range g.Segments {
			s = append(s, SegmentEffect{Segment: e.Segment, Estimate: e.Estimate, StdError: e.SE})
			c.Estimate = append(c.Estimate, e.Estimate)
		}
		checkHetero(t, c, CochranQ(s, 0.05), false)
	}
}

func TestCochranQEdgeCases(t *testing.T) {
	one := CochranQ([]SegmentEffect{{"a", 1, 0.1}}, 0.05)
	if one.Problem == "" || one.PValue != 1 {
		t.Errorf("one segment: %+v", one)
	}
	none := CochranQ(nil, 0.05)
	if none.Problem == "" {
		t.Errorf("no segments: %+v", none)
	}
	// Segments without a usable SE are skipped and named.
	h := CochranQ([]SegmentEffect{{"a", 1, 0.1}, {"b", 2, 0}, {"c", 1.2, 0.2}, {"d", math.NaN(), 0.1},
		{"e", 3, math.Inf(1)}, {"f", 1, 1e-200}}, 0.05)
	if h.Used != 2 || len(h.Skipped) != 4 || h.Problem != "" {
		t.Errorf("skips: %+v", h)
	}
	// Identical effects: Q = 0, I² = 0, p = 1.
	same := CochranQ([]SegmentEffect{{"a", 0.5, 0.1}, {"b", 0.5, 0.3}}, 0.05)
	if same.Q != 0 || same.I2 != 0 || same.PValue != 1 {
		t.Errorf("identical: %+v", same)
	}
	for _, x := range []Heterogeneity{one, none, h, same} {
		for _, v := range []float64{x.Q, x.DF, x.PValue, x.I2, x.Pooled.Estimate, x.Pooled.StdError, x.Pooled.Lower, x.Pooled.Upper} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("non-finite field in %+v", x)
			}
		}
	}
}
