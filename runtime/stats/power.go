package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file implements power, sample size and minimum detectable effect
// (STATS-REFERENCE §8, golden G9). Two families, each function naming its
// formula:
//
//   - the normal approximation experimentation platforms use (GrowthBook,
//     Spotify, Statsig, Eppo): two-sided z test, equal allocation;
//   - exact replicas of R's stats::power.t.test (noncentral t) and
//     stats::power.prop.test (pooled-null normal), both with R's default
//     strict = FALSE (the far rejection tail is ignored), and statsmodels
//     NormalIndPower (both tails).
//
// "power" arguments are 1−β; sample sizes are per arm and fractional, as R
// reports them (round up to plan).

// powerCheck validates the level and target power common to all functions.
func powerCheck(alpha, power float64) error {
	if !(alpha > 0 && alpha < 1) {
		return fmt.Errorf("alpha must be in (0, 1), got %g", alpha)
	}
	if !(power > 0 && power < 1) {
		return fmt.Errorf("power must be in (0, 1), got %g", power)
	}
	return nil
}

// powerPositive fails unless every value is finite and > 0.
func powerPositive(what string, vals ...float64) error {
	for _, v := range vals {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s must be positive and finite, got %g", what, v)
		}
	}
	return nil
}

// powerK is k = z_{1−α/2} + z_{power}, the multiplier of the standard error
// in the two-sided normal-approximation MDE (§8).
func powerK(alpha, power float64) float64 {
	return distuv.UnitNormal.Quantile(1-alpha/2) + distuv.UnitNormal.Quantile(power)
}

// PowerForEffect is the two-sided normal-approximation power of a test whose
// estimate has standard error se when the true effect is delta:
// Φ(Δ/SE − z_{1−α/2}) + Φ(−Δ/SE − z_{1−α/2}) (§8, GrowthBook
// power-technical eq. 4).
func PowerForEffect(delta, se, alpha float64) (float64, error) {
	if err := powerPositive("the standard error", se); err != nil {
		return 0, err
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("alpha must be in (0, 1), got %g", alpha)
	}
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	d := math.Abs(delta) / se
	return distuv.UnitNormal.CDF(d-z) + distuv.UnitNormal.CDF(-d-z), nil
}

// PowerNormal is statsmodels NormalIndPower().power(effect_size, nobs1,
// alpha, ratio) two-sided (§8, G9): PowerForEffect with SE = sqrt(1/n₁ + 1/(ratio·n₁))
// for a standardized effect (e.g. Cohen's h for proportions; R
// pwr.2p.test). ratio = n₂/n₁ (1 for equal arms).
func PowerNormal(effectSize, n1, ratio, alpha float64) (float64, error) {
	if err := powerPositive("the sample size and ratio", n1, ratio); err != nil {
		return 0, err
	}
	return PowerForEffect(effectSize, math.Sqrt(1/n1+1/(ratio*n1)), alpha)
}

// SampleSizeForEffect is the per-arm sample size of the normal approximation
// for an absolute effect delta of a metric with per-unit variance σ²:
// n = 2σ²(z_{1−α/2} + z_{power})²/Δ² (§8; Spotify, Statsig; R power.R
// "normal approximation"). For a relative MDE δ of a metric with mean μ,
// delta = δ·|μ| gives the classical platform formula.
func SampleSizeForEffect(variance, delta, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the variance and the effect", variance, math.Abs(delta)); err != nil {
		return 0, err
	}
	k := powerK(alpha, power)
	return 2 * variance * k * k / (delta * delta), nil
}

// MDEForSample is the absolute minimum detectable effect of the normal
// approximation with n units per arm: (z_{1−α/2} + z_{power})·sqrt(2σ²/n)
// (§8; GrowthBook power-technical eq. 6).
func MDEForSample(variance, n, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the variance and the sample size", variance, n); err != nil {
		return 0, err
	}
	return powerK(alpha, power) * math.Sqrt(2*variance/n), nil
}

// LiftMDEForSample is GrowthBook's relative MDE for n units per arm of a
// metric with control mean μ and per-unit variance σ² (§8 "Relative MDE";
// GrowthBook power-technical): the lift δ solving
// δ = k·sqrt(σ²/n·(1/μ² + μ_B²/μ⁴)), μ_B = μ(1+δ), k = z_{1−α/2} + z_{power}.
// Its quadratic in μ_B has the root δ = (a + sqrt(a(2−a)))/(1−a) with
// a = k²σ²/(nμ²); it exists only when a < 1 (n > k²σ²/μ²), else an error
// says that no MDE is reachable at this n.
func LiftMDEForSample(mean, variance, n, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the variance and the sample size", variance, n); err != nil {
		return 0, err
	}
	if mean == 0 || math.IsInf(mean, 0) || math.IsNaN(mean) {
		return 0, errors.New("the control mean is 0: a relative MDE is not defined")
	}
	k := powerK(alpha, power)
	a := k * k * variance / (n * mean * mean)
	if a >= 1 {
		return 0, fmt.Errorf("no relative MDE at %g units per arm: it needs more than %g", n, k*k*variance/(mean*mean))
	}
	return (a + math.Sqrt(a*(2-a))) / (1 - a), nil
}

// SampleSizeForLift is the per-arm sample size at which LiftMDEForSample
// equals lift (its exact inverse): n = k²σ²(1 + (1+δ)²)/(δ²μ²), the normal
// approximation with GrowthBook's delta-method variance of the relative
// effect (§1.2, §8). For small δ it approaches the classical
// 2k²σ²/(δμ)² of SampleSizeForEffect. lift must be > −1 and ≠ 0.
func SampleSizeForLift(mean, variance, lift, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the variance", variance); err != nil {
		return 0, err
	}
	if mean == 0 || math.IsInf(mean, 0) || math.IsNaN(mean) {
		return 0, errors.New("the control mean is 0: a relative MDE is not defined")
	}
	if !(lift > -1) || lift == 0 || math.IsInf(lift, 0) {
		return 0, fmt.Errorf("the relative MDE must be > -1 and not 0, got %g", lift)
	}
	k := powerK(alpha, power)
	return k * k * variance * (1 + (1+lift)*(1+lift)) / (lift * lift * mean * mean), nil
}

// SampleSizeForProportionLift is the per-arm sample size to detect a
// relative change lift of a proportion p (p₂ = p(1+lift)) with R
// power.prop.test's pooled-null formula (SampleSizePropTest, §8). GrowthBook
// instead treats a proportion as a mean with variance p(1−p):
// SampleSizeForLift(p, p*(1-p), lift, ...).
func SampleSizeForProportionLift(p, lift, alpha, power float64) (float64, error) {
	return SampleSizePropTest(p, p*(1+lift), alpha, power)
}

// DaysToReach (§8, N = n_T(1+κ)/traffic share) is the number of whole days (rounded up) until every one of
// arms arms holds perArm units, when unitsPerDay new units enter the
// experiment per day over all arms: ceil(ceil(perArm)·arms / unitsPerDay).
func DaysToReach(perArm float64, arms int, unitsPerDay float64) (float64, error) {
	if err := powerPositive("the units per arm and per day", perArm, unitsPerDay); err != nil {
		return 0, err
	}
	if arms < 2 {
		return 0, fmt.Errorf("an experiment has at least 2 arms, got %d", arms)
	}
	return math.Ceil(math.Ceil(perArm) * float64(arms) / unitsPerDay), nil
}

// PowerTTest is R power.t.test(n, delta, sd, sig.level) for two samples,
// two-sided, strict = FALSE (§8 "t-based", G9): with ν = 2(n−1), q = t_{1−α/2,ν} and
// ncp = sqrt(n/2)·Δ/σ, power = P(T'_{ν,ncp} > q) for the noncentral t
// (gonum distuv.NoncentralT, Lenth's AS 243 as R's pnt).
func PowerTTest(n, delta, sd, alpha float64) (float64, error) {
	if err := powerPositive("the standard deviation", sd); err != nil {
		return 0, err
	}
	if !(n >= 2) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("power.t.test needs at least 2 units per arm, got %g", n)
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("alpha must be in (0, 1), got %g", alpha)
	}
	return powerTTest(n, math.Abs(delta)/sd, alpha), nil
}

// powerTTest is the power of R power.t.test for a standardized effect d.
func powerTTest(n, d, alpha float64) float64 {
	nu := 2 * (n - 1)
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(1 - alpha/2)
	return 1 - distuv.NoncentralT{Nu: nu, Mu: math.Sqrt(n/2) * d}.CDF(q)
}

// SampleSizeTTest is R power.t.test(delta, sd, sig.level, power)$n (§8, G9): the n per
// arm (≥ 2) at which PowerTTest reaches power, found by bisection to
// machine precision (R's uniroot stops at tolerance 1.2e−4).
func SampleSizeTTest(delta, sd, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the standard deviation and the effect", sd, math.Abs(delta)); err != nil {
		return 0, err
	}
	d := math.Abs(delta) / sd
	f := func(n float64) float64 { return powerTTest(n, d, alpha) - power }
	if f(2) >= 0 {
		return 2, nil
	}
	hi, ok := powerBracket(f, 2, 1e7)
	if !ok {
		return 0, errors.New("the effect needs more than 1e7 units per arm")
	}
	return powerBisect(f, 2, hi), nil
}

// MDETTest is R power.t.test(n, sd, sig.level, power)$delta (§8): the absolute
// effect detected with the given power at n units per arm.
func MDETTest(n, sd, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerPositive("the standard deviation", sd); err != nil {
		return 0, err
	}
	if !(n >= 2) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("power.t.test needs at least 2 units per arm, got %g", n)
	}
	f := func(d float64) float64 { return powerTTest(n, d, alpha) - power }
	hi, ok := powerBracket(f, 1e-8, 1e8)
	if !ok {
		return 0, errors.New("no effect reaches that power")
	}
	return sd * powerBisect(f, 0, hi), nil
}

// PowerPropTest is R power.prop.test(n, p1, p2, sig.level) two-sided,
// strict = FALSE:
// Φ((sqrt(n)|p₁−p₂| − z_{1−α/2}·sqrt(2p̄q̄)) / sqrt(p₁q₁ + p₂q₂)),
// p̄ = (p₁+p₂)/2 (§8 "Proportions", pooled null).
func PowerPropTest(n, p1, p2, alpha float64) (float64, error) {
	if err := powerProportions(p1, p2); err != nil {
		return 0, err
	}
	if err := powerPositive("the sample size", n); err != nil {
		return 0, err
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("alpha must be in (0, 1), got %g", alpha)
	}
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	pb := (p1 + p2) / 2
	num := math.Sqrt(n)*math.Abs(p1-p2) - z*math.Sqrt(2*pb*(1-pb))
	return distuv.UnitNormal.CDF(num / math.Sqrt(p1*(1-p1)+p2*(1-p2))), nil
}

// SampleSizePropTest is R power.prop.test(p1, p2, sig.level, power)$n in
// closed form (the exact root of PowerPropTest):
// n = [z_{1−α/2}·sqrt(2p̄q̄) + z_{power}·sqrt(p₁q₁ + p₂q₂)]² / (p₁−p₂)² (§8).
func SampleSizePropTest(p1, p2, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if err := powerProportions(p1, p2); err != nil {
		return 0, err
	}
	pb := (p1 + p2) / 2
	a := distuv.UnitNormal.Quantile(1-alpha/2)*math.Sqrt(2*pb*(1-pb)) +
		distuv.UnitNormal.Quantile(power)*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	return a * a / ((p1 - p2) * (p1 - p2)), nil
}

// powerProportions fails unless p1 and p2 are distinct values in (0, 1).
func powerProportions(p1, p2 float64) error {
	for _, p := range []float64{p1, p2} {
		if !(p > 0 && p < 1) {
			return fmt.Errorf("proportions must be in (0, 1), got %g", p)
		}
	}
	if p1 == p2 {
		return errors.New("the two proportions are equal: no effect to detect")
	}
	return nil
}

// powerBracket doubles hi from lo until f(hi) ≥ 0 (f increasing), up to limit.
func powerBracket(f func(float64) float64, lo, limit float64) (float64, bool) {
	for hi := math.Max(lo, 1e-8) * 2; hi <= 2*limit; hi *= 2 {
		if f(hi) >= 0 {
			return hi, true
		}
	}
	return 0, false
}

// powerBisect finds the root of an increasing f in [lo, hi] to machine
// precision.
func powerBisect(f func(float64) float64, lo, hi float64) float64 {
	for range 200 {
		mid := 0.5 * (lo + hi)
		if mid <= lo || mid >= hi {
			break
		}
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

// The relative MDE at n units per arm, each the exact inverse of the
// function that gives the units per arm for a relative MDE (so feeding the
// units back in returns the MDE):
//
//   - means: R power.t.test solved for delta (MDETTest), over |μ|;
//   - proportions: R power.prop.test solved for p₂ = p(1+δ) > p
//     (SampleSizePropTest = n), δ found by bisection;
//   - ratios: the normal approximation n = 2σ²k²/(δμ)² solved for δ.

// RelativeMDETTest is the relative MDE of a mean with control mean μ and
// per-unit standard deviation sd at n units per arm: MDETTest(n, sd)/|μ|.
// SampleSizeTTest(δ|μ|, sd, ...) returns n.
func RelativeMDETTest(mean, sd, n, alpha, power float64) (float64, error) {
	if mean == 0 || math.IsInf(mean, 0) || math.IsNaN(mean) {
		return 0, errors.New("the control mean is 0: a relative MDE is not defined")
	}
	d, err := MDETTest(n, sd, alpha, power)
	if err != nil {
		return 0, err
	}
	return d / math.Abs(mean), nil
}

// RelativeMDENormal is the relative MDE of the normal approximation at n
// units per arm of a metric with mean μ and per-unit variance σ²:
// k·sqrt(2σ²/n)/|μ| (MDEForSample/|μ|), the inverse of SampleSizeForEffect.
func RelativeMDENormal(mean, variance, n, alpha, power float64) (float64, error) {
	if mean == 0 || math.IsInf(mean, 0) || math.IsNaN(mean) {
		return 0, errors.New("the control mean is 0: a relative MDE is not defined")
	}
	d, err := MDEForSample(variance, n, alpha, power)
	if err != nil {
		return 0, err
	}
	return d / math.Abs(mean), nil
}

// RelativeMDEPropTest is the relative increase δ of a proportion p that
// R power.prop.test detects at n units per arm: the δ with
// SampleSizePropTest(p, p(1+δ)) = n (p(1+δ) < 1), found by bisection to
// machine precision. It fails when even p₂ → 1 needs more than n units.
func RelativeMDEPropTest(p, n, alpha, power float64) (float64, error) {
	if err := powerCheck(alpha, power); err != nil {
		return 0, err
	}
	if !(p > 0 && p < 1) {
		return 0, fmt.Errorf("proportions must be in (0, 1), got %g", p)
	}
	if err := powerPositive("the sample size", n); err != nil {
		return 0, err
	}
	top := (1 - p) / p // δ at which p₂ reaches 1
	need := func(d float64) float64 {
		v, _ := SampleSizePropTest(p, p*(1+d), alpha, power)
		return v
	}
	// need falls as δ grows; f(δ) = n − need(δ) rises.
	f := func(d float64) float64 { return n - need(d) }
	hi := top * (1 - 1e-12)
	if f(hi) < 0 {
		return 0, fmt.Errorf("no relative MDE at %g units per arm: even a proportion of 1 needs %g", n, need(hi))
	}
	return powerBisect(f, 0, hi), nil
}
