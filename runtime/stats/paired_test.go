package stats

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// pairedRef is one case of testdata/offline/paired.out, the output of
// testdata/offline/paired.R (R 4.2.2): key -> values.
type pairedRef map[string][]float64

// readPairedRefs parses paired.out into cases by name.
func readPairedRefs(t *testing.T) map[string]pairedRef {
	t.Helper()
	f, err := os.Open("../../testdata/offline/paired.out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]pairedRef{}
	var cur pairedRef
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 0:
		case fields[0] == "case" && len(fields) == 2:
			cur = pairedRef{}
			out[fields[1]] = cur
		case fields[0] == "end" || fields[0] == "R":
			cur = nil
		case cur != nil:
			vals := make([]float64, len(fields)-1)
			for i, s := range fields[1:] {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("paired.out: %s: %v", sc.Text(), err)
				}
				vals[i] = v
			}
			cur[fields[0]] = vals
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// one returns the single value of key.
func (r pairedRef) one(t *testing.T, key string) float64 {
	t.Helper()
	v, ok := r[key]
	if !ok || len(v) != 1 {
		t.Fatalf("paired.out: no single value for %s", key)
	}
	return v[0]
}

// TestPairedTAgainstR: R t.test(y, x, paired = TRUE) on the three cases,
// including G14c (STATS-REFERENCE.md §14.3: p 0.090775, CI (−0.059829,
// 0.640031)), and the delta-method relative effect.
func TestPairedTAgainstR(t *testing.T) {
	for _, name := range []string{"g14c", "worse", "mixed"} {
		ref := readPairedRefs(t)[name]
		r := ComparePaired(ref["x"], ref["y"], PairedOptions{Method: PairedT})
		if r.Problem != "" {
			t.Fatalf("%s: %s", name, r.Problem)
		}
		check(t, name+" estimate", r.Absolute.Estimate, ref.one(t, "t.estimate"), 1e-12)
		check(t, name+" stderr", r.Absolute.StdError, ref.one(t, "t.stderr"), 1e-12)
		check(t, name+" df", r.DF, ref.one(t, "t.df"), 0)
		check(t, name+" p", r.PValue, ref.one(t, "t.p"), 1e-9)
		check(t, name+" lower", r.Absolute.Lower, ref.one(t, "t.lower"), 1e-9)
		check(t, name+" upper", r.Absolute.Upper, ref.one(t, "t.upper"), 1e-9)
		check(t, name+" rel", r.Relative.Estimate, ref.one(t, "rel.estimate"), 1e-12)
		check(t, name+" rel se", r.Relative.StdError, ref.one(t, "rel.stderr"), 1e-10)
		check(t, name+" rel lower", r.Relative.Lower, ref.one(t, "rel.lower"), 1e-9)
		check(t, name+" rel upper", r.Relative.Upper, ref.one(t, "rel.upper"), 1e-9)
		if r.Method != "paired_t" || r.Pairs != len(ref["x"]) || r.Resamples != 0 || r.Exact {
			t.Errorf("%s: method %s pairs %d resamples %d exact %v", name, r.Method, r.Pairs, r.Resamples, r.Exact)
		}
		r90 := ComparePaired(ref["x"], ref["y"], PairedOptions{Method: PairedT, Alpha: 0.10})
		check(t, name+" lower 90%", r90.Absolute.Lower, ref.one(t, "t90.lower"), 1e-9)
		check(t, name+" upper 90%", r90.Absolute.Upper, ref.one(t, "t90.upper"), 1e-9)
	}
	// The printed G14c values.
	g := readPairedRefs(t)["g14c"]
	r := ComparePaired(g["x"], g["y"], PairedOptions{Method: PairedT})
	printed(t, "G14c mean diff", r.Absolute.Estimate, 0.290101, 6)
	printed(t, "G14c p", r.PValue, 0.090775, 6)
	printed(t, "G14c lower", r.Absolute.Lower, -0.059829, 6)
	printed(t, "G14c upper", r.Absolute.Upper, 0.640031, 6)
}

// TestPermutationExactAgainstR: exact sign-flip p-values enumerated in R,
// including G14c's 20/256 = 0.078125 and a case where float ties decide
// (mixed: every sign vector is as extreme, p = 1).
func TestPermutationExactAgainstR(t *testing.T) {
	refs := readPairedRefs(t)
	for _, name := range []string{"g14c", "worse", "mixed"} {
		ref := refs[name]
		r := ComparePaired(ref["x"], ref["y"], PairedOptions{Method: Permutation, Seed: 1})
		if r.Problem != "" {
			t.Fatalf("%s: %s", name, r.Problem)
		}
		if !r.Exact || r.Resamples != int(ref.one(t, "perm.total")) {
			t.Errorf("%s: exact %v over %d vectors, want %v", name, r.Exact, r.Resamples, ref.one(t, "perm.total"))
		}
		check(t, name+" permutation p", r.PValue, ref.one(t, "perm.p"), 1e-15)
		// The interval is the paired t interval.
		check(t, name+" permutation lower", r.Absolute.Lower, ref.one(t, "t.lower"), 1e-9)
		check(t, name+" permutation df", r.DF, ref.one(t, "t.df"), 0)
	}
	printed(t, "G14c permutation p", ComparePaired(refs["g14c"]["x"], refs["g14c"]["y"], PairedOptions{Method: Permutation}).PValue, 0.078125, 6)
}

// TestPermutationMonteCarlo: above ExactPermutationLimit the p-value is
// (1+b)/(1+B) from seeded random sign vectors. Checked against exact
// enumeration on 16 pairs (Monte Carlo forced), within 4 Monte Carlo
// standard errors, and for determinism on 30 pairs.
func TestPermutationMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	d := make([]float64, 16)
	for i := range d {
		d[i] = rng.NormFloat64()*0.2 + 0.08
	}
	exact := signFlipExact(d)
	const B = 20000
	mc := signFlipMonteCarlo(d, B, rand.New(rand.NewPCG(3, pairedStream)))
	tol := 4*math.Sqrt(exact*(1-exact)/B) + 1.0/B
	if math.Abs(mc-exact) > tol {
		t.Errorf("Monte Carlo p %.5f, exact %.5f (tol %.5f)", mc, exact, tol)
	}
	if exact <= 0.001 || exact >= 0.999 {
		t.Fatalf("test data gives a degenerate p %.4f", exact)
	}

	x, y := make([]float64, 30), make([]float64, 30)
	for i := range x {
		x[i] = rng.Float64()
		y[i] = x[i] + rng.NormFloat64()*0.1 + 0.03
	}
	opt := PairedOptions{Method: Permutation, Seed: 42, Resamples: 5000}
	a, b := ComparePaired(x, y, opt), ComparePaired(x, y, opt)
	if a.Exact || a.Resamples != 5000 || a.PValue != b.PValue || a.Problem != "" {
		t.Errorf("Monte Carlo run: %+v vs %+v", a, b)
	}
	if p := a.PValue * 5001; math.Abs(p-math.Round(p)) > 1e-6 || a.PValue <= 0 || a.PValue > 1 {
		t.Errorf("p %.8f is not (1+b)/(1+B)", a.PValue)
	}
	opt.Seed = 43
	if c := ComparePaired(x, y, opt); c.PValue == a.PValue {
		t.Logf("seeds 42 and 43 gave the same p %.5f (possible but unlikely)", c.PValue)
	}
	// All-identical signs over many pairs: the smallest possible p.
	same := make([]float64, 25)
	for i := range same {
		same[i] = float64(i%5) * 0.1
	}
	up := make([]float64, 25)
	for i := range up {
		up[i] = same[i] + 0.05 + float64(i%3)*0.01
	}
	if r := ComparePaired(same, up, PairedOptions{Method: Permutation, Resamples: 999}); r.PValue != 1.0/1000 {
		t.Errorf("one-sided extreme data: p %.6f, want 1/1000", r.PValue)
	}
}

// TestBootstrapFixedResamples checks the bootstrap algorithm with fixed
// resample indices against R (quantile type 7, sd of the means, the
// percentile p-value).
func TestBootstrapFixedResamples(t *testing.T) {
	ref := readPairedRefs(t)["boot"]
	x, y := ref["x"], ref["y"]
	d := make([]float64, len(x))
	for i := range d {
		d[i] = y[i] - x[i]
	}
	var idx [][]int
	for r := 1; ; r++ {
		row, ok := ref["idx"+strconv.Itoa(r)]
		if !ok {
			break
		}
		ints := make([]int, len(row))
		for i, v := range row {
			ints[i] = int(v) - 1 // R is 1-based
		}
		idx = append(idx, ints)
	}
	means := bootstrapMeans(d, len(idx), func(r, i int) int { return idx[r][i] })
	for i, m := range means {
		check(t, "resample mean "+strconv.Itoa(i), m, ref["boot.means"][i], 1e-12)
	}
	mean, _ := pairedMeanSD(d)
	eff, p := bootstrapSummary(mean, means, 0.05)
	check(t, "lower", eff.Lower, ref.one(t, "boot.lower"), 1e-12)
	check(t, "upper", eff.Upper, ref.one(t, "boot.upper"), 1e-12)
	check(t, "stderr", eff.StdError, ref.one(t, "boot.stderr"), 1e-12)
	check(t, "p", p, ref.one(t, "boot.p"), 1e-15)
	eff90, _ := bootstrapSummary(mean, means, 0.10)
	check(t, "lower 90%", eff90.Lower, ref.one(t, "boot.lower90"), 1e-12)
	check(t, "upper 90%", eff90.Upper, ref.one(t, "boot.upper90"), 1e-12)
}

// TestBootstrapSeeded: deterministic given the seed; on G14c the interval
// is close to the t interval's shape and to R's illustrative percentile
// interval (0.0384, 0.5761) with another RNG (STATS-REFERENCE.md §14.3).
func TestBootstrapSeeded(t *testing.T) {
	g := readPairedRefs(t)["g14c"]
	opt := PairedOptions{Method: Bootstrap, Seed: 42}
	a, b := ComparePaired(g["x"], g["y"], opt), ComparePaired(g["x"], g["y"], opt)
	if a.Absolute != b.Absolute || a.PValue != b.PValue || *a.Relative != *b.Relative {
		t.Fatalf("same seed, different results: %+v / %+v", a, b)
	}
	if a.Problem != "" || a.Resamples != DefaultResamples || a.DF != 0 || a.Method != "bootstrap" {
		t.Fatalf("bootstrap result %+v", a)
	}
	check(t, "estimate", a.Absolute.Estimate, 0.29010096928451506, 1e-12)
	if math.Abs(a.Absolute.Lower-0.0384) > 0.03 || math.Abs(a.Absolute.Upper-0.5761) > 0.03 {
		t.Errorf("percentile interval (%.4f, %.4f), R's illustrative (0.0384, 0.5761)", a.Absolute.Lower, a.Absolute.Upper)
	}
	// The percentile interval excludes 0, so p < 0.05 (they agree by design).
	if !(a.PValue < 0.05) {
		t.Errorf("p %.4f with an interval excluding 0", a.PValue)
	}
	if a.Relative == nil || a.Relative.Estimate != ComparePaired(g["x"], g["y"], PairedOptions{}).Relative.Estimate {
		t.Errorf("relative effect %+v", a.Relative)
	}
	opt.Seed = 7
	if c := ComparePaired(g["x"], g["y"], opt); c.Absolute.Lower == a.Absolute.Lower && c.Absolute.Upper == a.Absolute.Upper {
		t.Error("different seeds gave the same interval")
	}
}

// TestPairedProblems: no NaN anywhere; what cannot be tested says why.
func TestPairedProblems(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		x, y []float64
		opt  PairedOptions
		want string
		est  float64
	}{
		{"empty", nil, nil, PairedOptions{}, "no paired queries", 0},
		{"lengths", []float64{1, 2}, []float64{1}, PairedOptions{}, "do not match", 0},
		{"one pair", []float64{0.2}, []float64{0.5}, PairedOptions{}, "fewer than two", 0.3},
		{"zero variance", []float64{0.1, 0.2, 0.3}, []float64{0.2, 0.3, 0.4}, PairedOptions{}, "zero variance", 0.1},
		{"identical", []float64{0.1, 0.2, 0.3}, []float64{0.1, 0.2, 0.3}, PairedOptions{Method: Permutation}, "zero variance", 0},
		{"all zero", []float64{0, 0}, []float64{0, 0}, PairedOptions{Method: Bootstrap}, "zero variance", 0},
		{"nan", []float64{0.1, nan}, []float64{0.2, 0.3}, PairedOptions{}, "not a finite number", 0},
		{"inf", []float64{0.1, 0.2}, []float64{math.Inf(1), 0.3}, PairedOptions{}, "not a finite number", 0},
		{"alpha", []float64{0.1, 0.2}, []float64{0.3, 0.1}, PairedOptions{Alpha: 1.5}, "alpha", 0},
		{"resamples", []float64{0.1, 0.2}, []float64{0.3, 0.1}, PairedOptions{Method: Bootstrap, Resamples: -1}, "resamples", 0},
		{"method", []float64{0.1, 0.2}, []float64{0.3, 0.1}, PairedOptions{Method: PairedMethod(9)}, "unknown paired test", 0},
	}
	for _, c := range cases {
		r := ComparePaired(c.x, c.y, c.opt)
		if !strings.Contains(r.Problem, c.want) || r.Estimable() {
			t.Errorf("%s: problem %q, want %q", c.name, r.Problem, c.want)
		}
		if math.Abs(r.Absolute.Estimate-c.est) > 1e-12 {
			t.Errorf("%s: estimate %g, want %g", c.name, r.Absolute.Estimate, c.est)
		}
		for _, v := range []float64{r.Absolute.Estimate, r.Absolute.StdError, r.Absolute.Lower, r.Absolute.Upper, r.PValue, r.DF} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite number in %+v", c.name, r)
			}
		}
	}
	// A baseline mean of 0: the absolute test runs, the relative is undefined.
	r := ComparePaired([]float64{0, 0, 0}, []float64{0.1, 0.3, 0}, PairedOptions{})
	if r.Problem != "" || r.Relative != nil || !strings.Contains(r.RelativeProblem, "baseline value is 0") {
		t.Errorf("zero baseline: %+v", r)
	}
}

func TestParsePairedMethod(t *testing.T) {
	for _, m := range []PairedMethod{PairedT, Permutation, Bootstrap} {
		got, err := ParsePairedMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParsePairedMethod(%s) = %v, %v", m, got, err)
		}
	}
	if _, err := ParsePairedMethod("wilcoxon"); err == nil {
		t.Error("ParsePairedMethod accepted wilcoxon")
	}
	if s := PairedMethod(9).String(); s != "PairedMethod(9)" {
		t.Errorf("String of an unknown method = %s", s)
	}
}

// TestPermutationExactLimit: 20 pairs are enumerated (2^20 vectors), 21
// are not.
func TestPermutationExactLimit(t *testing.T) {
	x := make([]float64, 21)
	y := make([]float64, 21)
	for i := range x {
		x[i] = float64(i) / 21
		y[i] = x[i] + 0.01*float64(i%4) - 0.01
	}
	r20 := ComparePaired(x[:20], y[:20], PairedOptions{Method: Permutation})
	r21 := ComparePaired(x, y, PairedOptions{Method: Permutation, Resamples: 2000})
	if !r20.Exact || r20.Resamples != 1<<20 || r21.Exact || r21.Resamples != 2000 {
		t.Errorf("20 pairs: exact %v (%d); 21 pairs: exact %v (%d)", r20.Exact, r20.Resamples, r21.Exact, r21.Resamples)
	}
}
