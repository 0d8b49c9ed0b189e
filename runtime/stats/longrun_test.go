package stats

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
)

// ageSim draws one staggered-entry experiment and reduces it to the
// exposure-age moments the SQL returns: units (half treated) enter
// uniformly over the first entry days of a days-long experiment; a unit's
// activity r ~ Gamma(2, 1/2) is shared by all its ages (so ages of one
// unit correlate); its count at age d is Poisson(rate·r·(1 + lift_d)) in
// treatment, lift_d the average of a + b·exp(−t/τ) over [d, d+1).
type ageSim struct {
	a, b, tau    float64
	units        int
	days, entry  float64
	rate         float64
	ages         int
	ctrl, treatm AgeMoments
}

func newMoments(k int) AgeMoments {
	m := AgeMoments{Pairs: make([][]AgePair, k)}
	for d := range m.Pairs {
		m.Pairs[d] = make([]AgePair, k)
	}
	return m
}

func (s *ageSim) run(rng *rand.Rand) AgeCurve {
	k := int(s.days) - 1
	s.ctrl, s.treatm = newMoments(k), newMoments(k)
	v := make([]float64, k)
	for u := 0; u < s.units; u++ {
		treated := u%2 == 1
		t0 := rng.Float64() * s.entry
		covered := min(k, int(math.Floor(s.days-t0))) // ages d with t0+d+1 <= days
		r := (rng.ExpFloat64() + rng.ExpFloat64()) / 2
		m := &s.ctrl
		for d := 0; d < covered; d++ {
			mu := s.rate * r
			if treated {
				mu *= 1 + s.a + s.b*s.tau*(-math.Expm1(-1/s.tau))*math.Exp(-float64(d)/s.tau)
			}
			v[d] = float64(poissonDraw(rng, mu))
		}
		if treated {
			m = &s.treatm
		}
		for d := 0; d < covered; d++ {
			for e := d; e < covered; e++ {
				p := &m.Pairs[d][e]
				p.N++
				p.SumD += v[d]
				p.SumE += v[e]
				p.Cross += v[d] * v[e]
			}
		}
	}
	return RelativeAgeCurve(s.ctrl, s.treatm)
}

func poissonDraw(r *rand.Rand, mean float64) int {
	l := math.Exp(-mean)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// calibrate runs seeds replicates of a setting and returns the asymptote's
// coverage, the mean bias of â, the share flagged with each pattern and
// the share refused.
func calibrate(t *testing.T, s ageSim, seeds int) (cover, bias float64, patterns map[string]int, refused int) {
	patterns = map[string]int{}
	n := 0
	for seed := 0; seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed)+1, 0x15))
		f := FitLongRun(s.run(rng), 0.05)
		if f.Problem != "" {
			refused++
			continue
		}
		n++
		if f.Asymptote.Lower <= s.a && s.a <= f.Asymptote.Upper {
			cover++
		}
		bias += f.Asymptote.Estimate - s.a
		patterns[f.Pattern]++
	}
	return cover / float64(n), bias / float64(n), patterns, refused
}

// The settings of the calibration (README, "Long-run effects"): the decay
// scenario's (a, b, τ) = (3%, 12%, 2 days); no long-run effect (a = 0);
// primacy (b < 0); and no trend (b = 0).
var longRunSettings = []ageSim{
	{a: 0.03, b: 0.12, tau: 2},
	{a: 0, b: 0.10, tau: 1.5},
	{a: 0.05, b: -0.08, tau: 3},
	{a: 0.04, b: 0, tau: 2},
}

// TestLongRunCalibration: the asymptote's 95% interval covers the planted
// a at 93–97% over 200 seeds for each setting, b = 0 included (100000 units, 14 days,
// entry over the first 7, the decay scenario's shape), with the bias
// reported; novelty and primacy are flagged as such. CALIPER_LONG=1 only;
// the fast version below runs one setting on 40 seeds.
func TestLongRunCalibration(t *testing.T) {
	if os.Getenv("CALIPER_LONG") != "1" && os.Getenv("CI") != "true" {
		t.Skip("calibration over 800 simulated experiments; runs with CALIPER_LONG=1")
	}
	for _, s := range longRunSettings {
		s.units, s.days, s.entry, s.rate = calUnits(), 14, 7, 0.2
		cover, bias, pat, refused := calibrate(t, s, calSeeds())
		t.Logf("a=%.2f b=%+.2f tau=%.1f: coverage %.3f, bias %+.5f, patterns %v, refused %d", s.a, s.b, s.tau, cover, bias, pat, refused)
		if cover < 0.93 || cover > 0.97 {
			t.Errorf("a=%.2f b=%+.2f tau=%.1f: asymptote coverage %.3f outside [0.93, 0.97]", s.a, s.b, s.tau, cover)
		}
		if refused > 10 {
			t.Errorf("a=%.2f b=%+.2f tau=%.1f: %d of 200 fits refused", s.a, s.b, s.tau, refused)
		}
		switch {
		case s.b > 0 && pat["novelty"] < 150:
			t.Errorf("novelty flagged in %d of 200", pat["novelty"])
		case s.b < 0 && pat["primacy"] < 100:
			t.Errorf("primacy flagged in %d of 200", pat["primacy"])
		case s.b == 0 && pat["stable"] < 180:
			t.Errorf("stable in %d of 200 (the trend test should reject about 5%%)", pat["stable"])
		}
	}
}

// The fast version: the decay scenario's setting on 12 seeds covers a at
// least 9 times (a correct 95% interval does so with probability 0.998)
// and flags novelty.
func TestLongRunCalibrationFast(t *testing.T) {
	s := longRunSettings[0]
	s.units, s.days, s.entry, s.rate = 100000, 14, 7, 0.2
	cover, bias, pat, refused := calibrate(t, s, 12)
	t.Logf("coverage %.3f, bias %+.5f, patterns %v, refused %d", cover, bias, pat, refused)
	if cover < 0.75 || refused > 1 || pat["novelty"] < 10 {
		t.Errorf("coverage %.3f, refused %d, novelty %d of 12", cover, refused, pat["novelty"])
	}
}

// Too few ages are refused with a reason.
func TestLongRunTooFew(t *testing.T) {
	f := FitLongRun(AgeCurve{Effect: []float64{0.1, 0.05}, Cov: [][]float64{{1e-4, 0}, {0, 1e-4}}}, 0.05)
	if f.Problem == "" {
		t.Error("a fit on two ages was accepted")
	}
}

func calUnits() int {
	if v := os.Getenv("CAL_UNITS"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return 100000
}

func calSeeds() int {
	if v := os.Getenv("CAL_SEEDS"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return 200
}

// Under b = 0 the profile ratio of a is smaller than χ²₁ (τ is not
// identified): its 95% quantile, which FitLongRun uses when the trend
// test does not reject, is below χ²₁'s 3.84, and a Monte Carlo check of
// the b = 0 fit on that grid covers a at 95% with it (run with
// CALIPER_LONG=1, as in CI).
func TestLongRunNullCritical(t *testing.T) {
	k := 13
	id := make([][]float64, k)
	for i := range id {
		id[i] = make([]float64, k)
		id[i][i] = 1e-4
	}
	l, _ := cholesky(id)
	ones := make([]float64, k)
	for i := range ones {
		ones[i] = 1
	}
	g := newAgeGrid(forward(l, ones), l, k)
	c := g.nullCritical(0.05)
	t.Logf("b = 0 critical value %.3f (chi2_1: 3.841)", c)
	if !(c > 1 && c < 3.7) {
		t.Errorf("critical value under b = 0 is %.3f, want below chi2_1's 3.841", c)
	}
	if !testenv.Long() {
		return // the Monte Carlo check runs with CALIPER_LONG=1, as in CI
	}
	rng := rand.New(rand.NewPCG(3, 4))
	cover := 0
	const n = 200
	for i := 0; i < n; i++ {
		y := make([]float64, k)
		for d := range y {
			y[d] = 0.04 + 0.01*rng.NormFloat64()
		}
		f := FitLongRun(AgeCurve{Effect: y, Cov: id}, 0.05)
		if f.Asymptote.Lower <= 0.04 && 0.04 <= f.Asymptote.Upper {
			cover++
		}
	}
	t.Logf("coverage at b = 0 with independent ages: %d/%d", cover, n)
	if cover < 180 || cover > 199 { // 95% ± 3.2 binomial sd
		t.Errorf("coverage %d/%d at b = 0", cover, n)
	}
}
