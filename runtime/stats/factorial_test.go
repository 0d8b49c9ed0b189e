package stats

import (
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testref"
	"gonum.org/v1/gonum/mat"
)

// factorialUnit is one unit of a factorial test data set.
type factorialUnit struct {
	cell    int
	y, m, d float64
}

// g11Units is golden G11's data (STATS-REFERENCE §10, r-verify/factorial.R):
// A is bit 0, B is bit 1.
var g11Units = func() []factorialUnit {
	a := []int{0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}
	b := []int{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}
	y := []float64{10, 12, 11, 13, 14, 15, 13, 12, 14, 13, 20, 18, 19, 21, 22}
	out := make([]factorialUnit, len(y))
	for i := range y {
		out[i] = factorialUnit{cell: a[i] | b[i]<<1, y: y[i]}
	}
	return out
}()

// factorialMoments aggregates units into per-cell moments, as SQL does.
func factorialMoments(k int, units []factorialUnit) ([]Moments, []RatioMoments) {
	ms := make([]Moments, 1<<k)
	rs := make([]RatioMoments, 1<<k)
	for _, u := range units {
		ms[u.cell] = ms[u.cell].Add(Moments{N: 1, Sum: u.y, SumSq: u.y * u.y})
		r := &rs[u.cell]
		r.N++
		r.SumM += u.m
		r.SumSqM += u.m * u.m
		r.SumD += u.d
		r.SumSqD += u.d * u.d
		r.SumProd += u.m * u.d
	}
	return ms, rs
}

// The G11 data above is the data of r-verify/factorial.R (skipped when the
// shared reference folder is absent).
func TestFactorialG11DataMatchesReference(t *testing.T) {
	src, err := os.ReadFile(testref.Path(t, "r-verify/factorial.R"))
	if err != nil {
		t.Fatal(err)
	}
	vec := func(name string) []float64 {
		m := regexp.MustCompile(`(?s)\b` + name + `=c\(([^)]*)\)`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("factorial.R: no %s=c(...)", name)
		}
		var out []float64
		for _, f := range strings.Split(string(m[1]), ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	a, b, y := vec("A"), vec("B"), vec("y")
	for i, u := range g11Units {
		if float64(u.cell&1) != a[i] || float64(u.cell>>1) != b[i] || u.y != y[i] {
			t.Errorf("unit %d: (%d,%d,%g) vs factorial.R (%g,%g,%g)", i, u.cell&1, u.cell>>1, u.y, a[i], b[i], y[i])
		}
	}
}

// G11 (STATS-REFERENCE §10 table, R sandwich/estimatr, 6 decimals).
func TestFactorialG11(t *testing.T) {
	ms, _ := factorialMoments(2, g11Units)
	hc2 := FactorialMeans([]string{"A", "B"}, ms, FactorialHC2, 0.05)
	hc1 := FactorialMeans([]string{"A", "B"}, ms, FactorialHC1, 0.05)
	if hc2.Problem != "" {
		t.Fatal(hc2.Problem)
	}
	want := []struct {
		term               string
		dummy, dHC1, dHC2  float64
		effect, eHC1, eHC2 float64
	}{
		{"(Intercept)", 11.5, 0.652791, 0.645497, 14.625, 0.314011, 0.314576},
		{"A", 2.5, 0.853913, 0.866025, 4.75, 0.628023, 0.629153},
		{"B", 1.5, 0.853913, 0.866025, 3.75, 0.628023, 0.629153},
		{"A:B", 4.5, 1.256046, 1.258306, 4.5, 1.256046, 1.258306},
	}
	for i, w := range want {
		t2, t1 := hc2.Terms[i], hc1.Terms[i]
		if t2.Name != w.term {
			t.Fatalf("term %d = %q, want %q", i, t2.Name, w.term)
		}
		check(t, w.term+" dummy", t2.Dummy.Estimate, w.dummy, 1e-12)
		printed(t, w.term+" dummy HC2", t2.Dummy.StdError, w.dHC2, 6)
		printed(t, w.term+" dummy HC1", t1.Dummy.StdError, w.dHC1, 6)
		check(t, w.term+" effect", t2.EffectCoded.Estimate, w.effect, 1e-12)
		printed(t, w.term+" effect HC2", t2.EffectCoded.StdError, w.eHC2, 6)
		printed(t, w.term+" effect HC1", t1.EffectCoded.StdError, w.eHC1, 6)
	}
	check(t, "combined", hc2.Combined.Estimate, 8.5, 1e-12)
	check(t, "Shapley A", hc2.Shapley[0].Estimate, 4.75, 1e-12)
	check(t, "Shapley B", hc2.Shapley[1].Estimate, 3.75, 1e-12)
	// k = 2: Shapley = the effect-coded main effect, same SE.
	check(t, "Shapley A se", hc2.Shapley[0].StdError, hc2.Terms[1].EffectCoded.StdError, 1e-12)
	check(t, "df", hc2.DF, 11, 0)
}

// The committed 2^3 data set (94 units, cells of 6 to 20 units, planted
// main effects and an A:B interaction) against R
// (testdata/stats/factorial/factorial.R, expected.csv): every term of
// estimatr::lm_robust(y ~ a*b*c, se_type = "HC2") in both codings with its
// df, p and CI, sandwich::vcovHC HC1, and Shapley values by their
// definition with SEs from vcovHC HC2; the ratio metric against weighted lm
// and per-cell sandwich::vcovCL. 1e-6 relative.
func TestFactorialRGolden(t *testing.T) {
	exp := attrExpected(t, attrTestdata("factorial", "expected.csv"))
	var units []factorialUnit
	for _, r := range attrReadCSV(t, attrTestdata("factorial", "data.csv")) {
		c := int(attrFloat(t, r["a"])) | int(attrFloat(t, r["b"]))<<1 | int(attrFloat(t, r["c"]))<<2
		units = append(units, factorialUnit{cell: c, y: attrFloat(t, r["y"]), m: attrFloat(t, r["m"]), d: attrFloat(t, r["d"])})
	}
	ms, rs := factorialMoments(3, units)
	abc := []string{"a", "b", "c"}
	const tol = 1e-6
	hc2 := FactorialMeans(abc, ms, FactorialHC2, 0.05)
	hc1 := FactorialMeans(abc, ms, FactorialHC1, 0.05)
	for i, term := range hc2.Terms {
		for _, coding := range []string{"dummy", "effect"} {
			got, got1 := term.Dummy, hc1.Terms[i].Dummy
			if coding == "effect" {
				got, got1 = term.EffectCoded, hc1.Terms[i].EffectCoded
			}
			key := "mean/" + coding + "/" + term.Name + "/"
			check(t, key+"estimate", got.Estimate, attrWant(t, exp, key+"estimate"), tol)
			check(t, key+"hc2_se", got.StdError, attrWant(t, exp, key+"hc2_se"), tol)
			check(t, key+"p", got.PValue, attrWant(t, exp, key+"p"), tol)
			check(t, key+"lo", got.Lower, attrWant(t, exp, key+"lo"), tol)
			check(t, key+"hi", got.Upper, attrWant(t, exp, key+"hi"), tol)
			check(t, key+"hc1_se", got1.StdError, attrWant(t, exp, key+"hc1_se"), tol)
			check(t, key+"df", hc2.DF, attrWant(t, exp, key+"df"), 0)
		}
	}
	ratio := FactorialRatios(abc, rs, 0.05)
	for _, term := range ratio.Terms {
		for coding, got := range map[string]FactorialContrast{"dummy": term.Dummy, "effect": term.EffectCoded} {
			key := "ratio/" + coding + "/" + term.Name + "/"
			check(t, key+"estimate", got.Estimate, attrWant(t, exp, key+"estimate"), tol)
			check(t, key+"se", got.StdError, attrWant(t, exp, key+"se"), tol)
		}
	}
	for metric, f := range map[string]Factorial{"mean": hc2, "ratio": ratio} {
		for _, s := range f.Shapley {
			key := metric + "/shapley/" + s.Name + "/"
			check(t, key+"estimate", s.Estimate, attrWant(t, exp, key+"estimate"), tol)
			check(t, key+"se", s.StdError, attrWant(t, exp, key+"se"), tol)
		}
		key := metric + "/combined/all/"
		check(t, key+"estimate", f.Combined.Estimate, attrWant(t, exp, key+"estimate"), tol)
		check(t, key+"se", f.Combined.StdError, attrWant(t, exp, key+"se"), tol)
		attrFinite(t, metric, f)
	}
}

// factorialRandomUnits draws a 2^k design with unequal cells of 2 to 9
// units and heteroskedastic noise.
func factorialRandomUnits(k int, seed uint64) []factorialUnit {
	rng := rand.New(rand.NewPCG(seed, 7))
	var out []factorialUnit
	for c := 0; c < 1<<k; c++ {
		for i := 0; i < 2+rng.IntN(8); i++ {
			out = append(out, factorialUnit{cell: c, y: float64(c%5) + (1+float64(c%3))*rng.NormFloat64()})
		}
	}
	return out
}

// The proof in factorial.go, checked numerically: HC2 computed as the
// unit-level sandwich (XᵀX)⁻¹XᵀΩX(XᵀX)⁻¹ with Ω = diag(e²/(1−h)) over the
// saturated design (gonum/mat) equals the closed form Σ w_c² s_c²/n_c for
// every coefficient, in both codings, for k = 2..4.
func TestFactorialHC2IsNeyman(t *testing.T) {
	for k := 2; k <= 4; k++ {
		units := factorialRandomUnits(k, uint64(k))
		ms, _ := factorialMoments(k, units)
		names := []string{"a", "b", "c", "d"}[:k]
		f := FactorialMeans(names, ms, FactorialHC2, 0.05)
		for _, coding := range []string{"dummy", "effect"} {
			x := factorialDesign(k, units, coding == "effect")
			beta, v := factorialSandwichHC2(x, units)
			for i, term := range f.Terms {
				got := term.Dummy
				if coding == "effect" {
					got = term.EffectCoded
				}
				name := coding + " " + term.Name
				check(t, name+" estimate", got.Estimate, beta.AtVec(i), 1e-9)
				check(t, name+" HC2 se", got.StdError, math.Sqrt(v.At(i, i)), 1e-9)
			}
		}
	}
}

// factorialDesign is the saturated design matrix in R's term order: the
// column of term T is Π_{j∈T} x_j with x_j ∈ {0,1} or {−½,½}.
func factorialDesign(k int, units []factorialUnit, effect bool) *mat.Dense {
	order := factorialTermOrder(k)
	x := mat.NewDense(len(units), len(order), nil)
	for i, u := range units {
		for col, term := range order {
			v := 1.0
			for j := 0; j < k; j++ {
				if term&(1<<j) == 0 {
					continue
				}
				xj := float64((u.cell >> j) & 1)
				if effect {
					xj -= 0.5
				}
				v *= xj
			}
			x.Set(i, col, v)
		}
	}
	return x
}

// factorialSandwichHC2 fits OLS and returns β̂ and its HC2 covariance.
func factorialSandwichHC2(x *mat.Dense, units []factorialUnit) (*mat.VecDense, *mat.Dense) {
	n, p := x.Dims()
	y := mat.NewVecDense(n, nil)
	for i, u := range units {
		y.SetVec(i, u.y)
	}
	var xtx, bread mat.Dense
	xtx.Mul(x.T(), x)
	if err := bread.Inverse(&xtx); err != nil {
		panic(err)
	}
	var xty, beta mat.VecDense
	xty.MulVec(x.T(), y)
	beta.MulVec(&bread, &xty)
	var fit mat.VecDense
	fit.MulVec(x, &beta)
	meat := mat.NewDense(p, p, nil)
	for i := 0; i < n; i++ {
		xi := x.RowView(i)
		h := mat.Inner(xi, &bread, xi)
		e := y.AtVec(i) - fit.AtVec(i)
		var outer mat.Dense
		outer.Outer(e*e/(1-h), xi, xi)
		meat.Add(meat, &outer)
	}
	var v mat.Dense
	v.Product(&bread, meat, &bread)
	return &beta, &v
}

// Shapley values by their definition (average over all k! orders of each
// factor's marginal contribution to the cell mean) equal the closed form,
// and add up to the combined effect; k = 4.
func TestFactorialShapleyDefinition(t *testing.T) {
	const k = 4
	ms, _ := factorialMoments(k, factorialRandomUnits(k, 11))
	f := FactorialMeans([]string{"a", "b", "c", "d"}, ms, FactorialHC2, 0.05)
	mean := func(c int) float64 { return val(ms[c].Mean()) }
	phi := make([]float64, k)
	perms := 0
	var permute func(prefix []int, used int)
	permute = func(prefix []int, used int) {
		if len(prefix) == k {
			perms++
			on := 0
			for _, j := range prefix {
				phi[j] += mean(on|1<<j) - mean(on)
				on |= 1 << j
			}
			return
		}
		for j := 0; j < k; j++ {
			if used&(1<<j) == 0 {
				permute(append(prefix, j), used|1<<j)
			}
		}
	}
	permute(nil, 0)
	sum := 0.0
	for j := range phi {
		check(t, "Shapley "+f.Factors[j], f.Shapley[j].Estimate, phi[j]/float64(perms), 1e-12)
		sum += f.Shapley[j].Estimate
	}
	check(t, "Σ Shapley = combined", sum, f.Combined.Estimate, 1e-12)
	check(t, "combined", f.Combined.Estimate, mean(1<<k-1)-mean(0), 1e-12)
}

// Edge cases: a cell with one unit (leverage 1), a zero-variance cell, an
// empty cell, an all-zero metric, a malformed design; no NaN or Inf.
func TestFactorialEdgeCases(t *testing.T) {
	ms, _ := factorialMoments(2, g11Units)
	ab := []string{"A", "B"}

	one := append([]Moments(nil), ms...)
	one[3] = Moments{N: 1, Sum: 20, SumSq: 400} // cell A=1,B=1 has one unit
	f := FactorialMeans(ab, one, FactorialHC2, 0.05)
	if f.Terms[3].Dummy.Problem == "" || f.Shapley[0].Problem == "" || f.Cells[3].Problem == "" {
		t.Errorf("one-unit cell: interaction/Shapley/cell must be flagged: %+v", f)
	}
	if f.Terms[1].Dummy.Problem != "" || f.Terms[1].Dummy.StdError == 0 {
		t.Errorf("the A simple effect (cells 0 and 1) is still estimable: %+v", f.Terms[1].Dummy)
	}
	check(t, "one-unit interaction estimate", f.Terms[3].Dummy.Estimate, 20-14-13+11.5, 1e-12)
	attrFinite(t, "one-unit", f)

	zero := append([]Moments(nil), ms...)
	zero[3] = Moments{N: 5, Sum: 100, SumSq: 2000} // five units of 20: s² = 0
	f = FactorialMeans(ab, zero, FactorialHC2, 0.05)
	if f.Terms[3].Dummy.Problem != "" {
		t.Errorf("a zero-variance cell is fine when others vary: %q", f.Terms[3].Dummy.Problem)
	}
	// Neyman: 1.6667/4 + 1/3 + 1/3 + 0.
	check(t, "zero-variance cell se", f.Terms[3].Dummy.StdError, math.Sqrt(5.0/12+2.0/3), 1e-12)

	empty := append([]Moments(nil), ms...)
	empty[2] = Moments{}
	f = FactorialMeans(ab, empty, FactorialHC2, 0.05)
	if f.Terms[2].Dummy.Problem == "" || f.Terms[3].Dummy.Problem == "" || f.Combined.Problem != "" {
		t.Errorf("empty cell B only: B and A:B flagged, combined (cells 0, 3) not: %+v", f)
	}
	check(t, "empty-cell df", f.DF, 12-3, 0)
	attrFinite(t, "empty", f)

	allZero := []Moments{{N: 4}, {N: 3}, {N: 3}, {N: 5}}
	f = FactorialMeans(ab, allZero, FactorialHC2, 0.05)
	for _, term := range f.Terms {
		if term.Dummy.Problem == "" || term.EffectCoded.Problem == "" {
			t.Errorf("all-zero metric: %s must be flagged", term.Name)
		}
	}
	attrFinite(t, "all-zero", f)

	tiny := []Moments{{N: 1, Sum: 1, SumSq: 1}, {N: 1, Sum: 2, SumSq: 4}, {N: 1, Sum: 3, SumSq: 9}, {N: 1, Sum: 4, SumSq: 16}}
	f = FactorialMeans(ab, tiny, FactorialHC1, 0.05)
	if f.Problem == "" || f.Combined.Problem == "" {
		t.Errorf("one unit per cell: no residual df must be flagged: %+v", f)
	}
	attrFinite(t, "tiny", f)

	for _, bad := range []Factorial{
		FactorialMeans(ab, ms[:3], FactorialHC2, 0.05),
		FactorialMeans(nil, nil, FactorialHC2, 0.05),
		FactorialMeans(make([]string, 11), make([]Moments, 1<<11), FactorialHC2, 0.05),
	} {
		if bad.Problem == "" || len(bad.Terms) != 0 {
			t.Errorf("malformed design must be flagged: %+v", bad.Problem)
		}
	}

	g2c := RatioMoments{N: 100, SumM: 270, SumSqM: 848.79, SumD: 510, SumSqD: 810, SumProd: -900}
	g2t := RatioMoments{N: 120, SumM: 300, SumSqM: 869, SumD: 500, SumSqD: 800, SumProd: -905}
	rz := []RatioMoments{g2c, {N: 3, SumM: 2, SumSqM: 2}, g2t, g2t} // cell 1: Σ D = 0
	fr := FactorialRatios(ab, rz, 0.05)
	if fr.Terms[1].Dummy.Problem == "" || fr.Cells[1].Problem == "" || fr.Terms[2].Dummy.Problem != "" {
		t.Errorf("denominator 0 must be flagged in A only: %+v", fr.Terms)
	}
	// The B simple effect is the G2 comparison: delta-method z test.
	check(t, "ratio B = G2 difference", fr.Terms[2].Dummy.StdError, math.Sqrt(RatioArm(g2c).Variance+RatioArm(g2t).Variance), 1e-12)
	attrFinite(t, "ratio", fr)

	k1 := FactorialMeans([]string{"A"}, ms[:2], FactorialHC2, 0.05)
	check(t, "k=1 Shapley = combined", k1.Shapley[0].Estimate, k1.Combined.Estimate, 1e-12)
	check(t, "k=1 combined = Welch-free Neyman diff", k1.Combined.StdError, math.Sqrt(ms[0].Var()/4+ms[1].Var()/3), 1e-12)
}
