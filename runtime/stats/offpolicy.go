package stats

import (
	"math"
)

// Off-policy (counterfactual) evaluation: the value a target policy would
// have earned, estimated from decisions logged under a stochastic logging
// policy that recorded its propensity μ of the action it took. For each
// logged decision the target policy's probability of the same action is π,
// the importance weight w = π/μ (clipped at c: min(w, c)) and r the reward.
//
//	IPS   = Σ w·r / n                           (mean over decisions)
//	SNIPS = Σ w·r / Σ w                         (self-normalised)
//	DR    = Σ [Σ_a π(a)·q(a) + w·(r − q(a_logged))] / n
//	value of the logging policy = Σ r / n       (on-policy mean reward)
//
// Decisions are grouped in units (users): every estimator is a ratio
// Σ_i A_i / Σ_i B_i of per-unit sums, so its variance is the delta method
// over units (units are independent, decisions of one unit are not):
// Var = var_i(A_i − θ·B_i) / (N · B̄²) with divisor N−1, and a model's
// difference against the logging policy is paired over the same units, the
// variance of the difference of the two linearisations. Intervals are
// normal.

// OffPolicy components of a unit's vector of sums, in the order of
// OffPolicySums.Sum and Cross.
const (
	OPDecisions      = iota // n_i: logged decisions of the unit
	OPReward                // Σ r
	OPWeight                // Σ w, unclipped (the mean-weight check)
	OPClippedWeight         // Σ min(w, clip)
	OPWeightedReward        // Σ min(w, clip)·r
	OPDoublyRobust          // Σ [Σ_a π(a)·q(a) + min(w, clip)·(r − q(a_logged))]
	OPComponents
)

// OffPolicyComponentNames name the components (SQL column stems, tests).
var OffPolicyComponentNames = [OPComponents]string{"n", "r", "w", "wc", "wr", "dr"}

// OffPolicySums are one model's sufficient statistics: over units, the sums
// of each component and of each product of two components; over decisions,
// Σ w² (unclipped), the largest w, the count of clipped weights (w > clip)
// and of logged actions the model never takes (π = 0). All are additive
// across shards except MaxWeight, which combines by max.
type OffPolicySums struct {
	Units float64
	Sum   [OPComponents]float64
	Cross [OPComponents][OPComponents]float64 // symmetric: Σ_i x_ik·x_il

	SumSqWeight float64
	MaxWeight   float64
	Clipped     float64
	NeverTaken  float64
}

// OffPolicyDecision is one logged decision as a target policy sees it.
type OffPolicyDecision struct {
	Propensity float64 // μ: the logging policy's probability of the logged action
	Pi         float64 // π: the target policy's probability of the logged action
	Reward     float64 // r
	QLogged    float64 // q(a_logged): the reward model at the logged action
	Direct     float64 // Σ_a π(a)·q(a) over the request's candidates
}

// NoClip is the clip level that clips nothing.
var NoClip = math.Inf(1)

// AddUnit adds one unit's decisions with weights clipped at clip (NoClip
// for none). The engine computes the same sums in SQL; this is the Go
// reference used by tests and the simulator.
func (s *OffPolicySums) AddUnit(ds []OffPolicyDecision, clip float64) {
	if len(ds) == 0 {
		return
	}
	var x [OPComponents]float64
	for _, d := range ds {
		w := d.Pi / d.Propensity
		wc := math.Min(w, clip)
		x[OPDecisions]++
		x[OPReward] += d.Reward
		x[OPWeight] += w
		x[OPClippedWeight] += wc
		x[OPWeightedReward] += wc * d.Reward
		x[OPDoublyRobust] += d.Direct + wc*(d.Reward-d.QLogged)
		s.SumSqWeight += w * w
		s.MaxWeight = math.Max(s.MaxWeight, w)
		if w > clip {
			s.Clipped++
		}
		if d.Pi == 0 {
			s.NeverTaken++
		}
	}
	s.AddVector(x)
}

// AddVector adds one unit's vector of sums (not the decision-level
// diagnostics).
func (s *OffPolicySums) AddVector(x [OPComponents]float64) {
	s.Units++
	for k := range x {
		s.Sum[k] += x[k]
		for l := range x {
			s.Cross[k][l] += x[k] * x[l]
		}
	}
}

// Add returns the sums of the union of two disjoint sets of units.
func (s OffPolicySums) Add(o OffPolicySums) OffPolicySums {
	out := s
	out.Units += o.Units
	for k := range out.Sum {
		out.Sum[k] += o.Sum[k]
		for l := range out.Sum {
			out.Cross[k][l] += o.Cross[k][l]
		}
	}
	out.SumSqWeight += o.SumSqWeight
	out.MaxWeight = math.Max(s.MaxWeight, o.MaxWeight)
	out.Clipped += o.Clipped
	out.NeverTaken += o.NeverTaken
	return out
}

// cov is the sample covariance over units of components k and l.
func (s OffPolicySums) cov(k, l int) float64 {
	return (s.Cross[k][l] - s.Sum[k]*s.Sum[l]/s.Units) / (s.Units - 1)
}

// variance is the variance over units of Σ_k c_k x_k divided by N (the
// variance of a mean of that linear combination), clamped at 0.
func (s OffPolicySums) variance(c [OPComponents]float64) float64 {
	v := 0.0
	for k := range c {
		if c[k] == 0 {
			continue
		}
		for l := range c {
			if c[l] != 0 {
				v += c[k] * c[l] * s.cov(k, l)
			}
		}
	}
	return math.Max(v/s.Units, 0)
}

// ratio is Σ A / Σ B and the coefficients of its linearisation
// (A − θB)/B̄; ok is false when Σ B is 0.
func (s OffPolicySums) ratio(a, b int) (theta float64, c [OPComponents]float64, ok bool) {
	if s.Sum[b] == 0 || s.Units < 1 {
		return 0, c, false
	}
	theta = s.Sum[a] / s.Sum[b]
	bbar := s.Sum[b] / s.Units
	c[a] += 1 / bbar
	c[b] -= theta / bbar
	return theta, c, true
}

// OffPolicyEstimator names an estimator of a target policy's value.
type OffPolicyEstimator int

const (
	IPS OffPolicyEstimator = iota
	SNIPS
	DR
)

func (e OffPolicyEstimator) String() string {
	switch e {
	case SNIPS:
		return "snips"
	case DR:
		return "dr"
	}
	return "ips"
}

// ParseOffPolicyEstimator reads "ips", "snips" or "dr".
func ParseOffPolicyEstimator(s string) (OffPolicyEstimator, bool) {
	for _, e := range []OffPolicyEstimator{IPS, SNIPS, DR} {
		if e.String() == s {
			return e, true
		}
	}
	return IPS, false
}

// parts are the numerator and denominator components of an estimator.
func (e OffPolicyEstimator) parts() (num, den int) {
	switch e {
	case SNIPS:
		return OPWeightedReward, OPClippedWeight
	case DR:
		return OPDoublyRobust, OPDecisions
	}
	return OPWeightedReward, OPDecisions
}

// OffPolicyValue is a policy's estimated value with its interval.
// Problem is set when it cannot be estimated; Value is then not reported.
type OffPolicyValue struct {
	Value   Effect
	Problem string
}

// OffPolicyEstimate is one model's value under one estimator and its
// difference against the logging policy's on-policy value, paired over
// units (PValue tests difference = 0; the interval excludes 0 exactly when
// PValue < alpha).
type OffPolicyEstimate struct {
	Estimator         OffPolicyEstimator
	Value             Effect
	ValueProblem      string
	Difference        Effect
	PValue            float64
	DifferenceProblem string
}

// Improves reports whether the difference is significantly above 0.
func (e OffPolicyEstimate) Improves() bool {
	return e.DifferenceProblem == "" && e.Difference.Lower > 0
}

// Worse reports whether the difference is significantly below 0.
func (e OffPolicyEstimate) Worse() bool {
	return e.DifferenceProblem == "" && e.Difference.Upper < 0
}

// normalEffect is est ± z_{1−α/2}·se.
func normalEffect(est, v, alpha float64) Effect {
	se := math.Sqrt(v)
	q := quantile(1-alpha/2, math.Inf(1))
	return Effect{Estimate: est, StdError: se, Lower: est - q*se, Upper: est + q*se}
}

// unitsProblem is why no interval over units can be had, or "".
func (s OffPolicySums) unitsProblem() string {
	switch {
	case s.Units < 1 || s.Sum[OPDecisions] == 0:
		return "no logged decision"
	case s.Units < 2:
		return "fewer than two units: the variance cannot be estimated"
	}
	return ""
}

// LoggingValue is the logging policy's on-policy value, the mean reward
// per logged decision, with its delta-method interval over units.
func (s OffPolicySums) LoggingValue(alpha float64) OffPolicyValue {
	if p := s.unitsProblem(); p != "" {
		return OffPolicyValue{Problem: p}
	}
	theta, c, _ := s.ratio(OPReward, OPDecisions)
	v := s.variance(c)
	if !(v > 0) {
		return OffPolicyValue{Value: Effect{Estimate: theta}, Problem: "zero variance over units: the reward is constant"}
	}
	return OffPolicyValue{Value: normalEffect(theta, v, alpha)}
}

// Estimate is the model's value under e at two-sided level alpha and its
// paired difference against the logging policy.
func (s OffPolicySums) Estimate(e OffPolicyEstimator, alpha float64) OffPolicyEstimate {
	out := OffPolicyEstimate{Estimator: e}
	if p := s.unitsProblem(); p != "" {
		out.ValueProblem, out.DifferenceProblem = p, p
		return out
	}
	if s.Sum[OPWeight] == 0 {
		// No logged action is one the model would take: the logs say
		// nothing about its value (IPS would be exactly 0, DR only its
		// reward model's guess).
		p := "every weight is 0 (the model takes none of the logged actions): the logs cannot estimate its value"
		out.ValueProblem, out.DifferenceProblem = p, p
		return out
	}
	num, den := e.parts()
	theta, c, ok := s.ratio(num, den)
	if !ok {
		p := "every weight is 0 (the model takes none of the logged actions): SNIPS is not defined"
		out.ValueProblem, out.DifferenceProblem = p, p
		return out
	}
	if v := s.variance(c); v > 0 {
		out.Value = normalEffect(theta, v, alpha)
	} else {
		out.Value = Effect{Estimate: theta}
		out.ValueProblem = "zero variance over units: the value's interval cannot be estimated"
	}
	base, c0, _ := s.ratio(OPReward, OPDecisions)
	for k := range c {
		c[k] -= c0[k]
	}
	d := theta - base
	v := s.variance(c)
	if !(v > 0) {
		out.Difference = Effect{Estimate: d}
		out.DifferenceProblem = "zero variance over units: the difference cannot be tested"
		return out
	}
	out.Difference = normalEffect(d, v, alpha)
	out.PValue = twoSidedP(d/out.Difference.StdError, math.Inf(1))
	return out
}

// MeanWeightLevel is the p-value below which the mean weight is flagged
// as not 1 (as strict as the sample-ratio check).
const MeanWeightLevel = 0.001

// OffPolicyDiagnostics describe a model's importance weights; all but
// ClippedShare are on the unclipped weights.
type OffPolicyDiagnostics struct {
	Decisions float64
	// ESS is the effective sample size (Σw)²/Σw² and ESSShare its share
	// of the decisions; 0 when every weight is 0.
	ESS, ESSShare float64
	MaxWeight     float64
	// ClippedShare is the share of decisions whose weight exceeded clip;
	// NeverTakenShare the share of logged actions with π = 0.
	ClippedShare, NeverTakenShare float64
	// MeanWeight is Σw / n with its interval over units (at the caller's
	// alpha) and MeanWeightP the test of mean = 1; its expectation is 1
	// when the propensities are right and the model only takes actions the
	// logging policy could take. MeanWeightFlag says why the mean is
	// suspect (p < MeanWeightLevel), or is "".
	MeanWeight     Effect
	MeanWeightP    float64
	MeanWeightFlag string
}

// Diagnostics computes the weight diagnostics at level alpha.
func (s OffPolicySums) Diagnostics(alpha float64) OffPolicyDiagnostics {
	n := s.Sum[OPDecisions]
	out := OffPolicyDiagnostics{Decisions: n, MaxWeight: s.MaxWeight}
	if n == 0 {
		return out
	}
	if s.SumSqWeight > 0 {
		out.ESS = s.Sum[OPWeight] * s.Sum[OPWeight] / s.SumSqWeight
		out.ESSShare = out.ESS / n
	}
	out.ClippedShare = s.Clipped / n
	out.NeverTakenShare = s.NeverTaken / n
	mean, c, _ := s.ratio(OPWeight, OPDecisions)
	out.MeanWeight = Effect{Estimate: mean}
	if s.Units < 2 {
		return out
	}
	v := s.variance(c)
	if !(v > 0) {
		switch {
		case s.Sum[OPWeight] == 0:
			// The propensities are not at fault: the model never takes a
			// logged action.
			out.MeanWeightFlag = "every weight is 0: the model takes none of the logged actions"
		case mean != 1:
			out.MeanWeightFlag = "every unit's mean weight is the same and not 1: check the propensities"
		}
		return out
	}
	out.MeanWeight = normalEffect(mean, v, alpha)
	out.MeanWeightP = twoSidedP((mean-1)/out.MeanWeight.StdError, math.Inf(1))
	if out.MeanWeightP < MeanWeightLevel {
		dir := "below"
		if mean > 1 {
			dir = "above"
		}
		out.MeanWeightFlag = "the mean weight is significantly " + dir +
			" 1: the propensities may be wrong, or the model takes actions the logging policy never takes"
	}
	return out
}
