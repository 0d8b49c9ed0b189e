package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Interleaving: which of two rankers users prefer, from sessions that showed
// one list merged from both (team-draft). Per session each team earns the
// sum of a credit over the items it contributed; the session is a win for
// the treatment when the treatment's credit is larger, a loss when it is
// smaller and a tie otherwise. The preference share wins / (wins + losses)
// is 1/2 when users do not prefer either ranker.

// PreferenceTest selects how the preference share is tested against 1/2.
type PreferenceTest int

const (
	// UnitTest is the delta method over units on Σ wins / Σ (wins +
	// losses): sessions of one user are correlated, units are not.
	UnitTest PreferenceTest = iota
	// SignTest is the exact binomial test over decided sessions (R
	// binom.test) with the Clopper-Pearson interval.
	SignTest
)

func (t PreferenceTest) String() string {
	if t == SignTest {
		return "sign"
	}
	return "unit"
}

// ParsePreferenceTest reads "unit" or "sign".
func ParsePreferenceTest(s string) (PreferenceTest, bool) {
	switch s {
	case "unit", "":
		return UnitTest, true
	case "sign":
		return SignTest, true
	}
	return UnitTest, false
}

// PreferenceMoments are the sufficient statistics of one treatment against
// the baseline under one credit. Each unit i with at least one session of
// the treatment has w_i wins, l_i losses and t_i ties over its s_i sessions,
// d_i = w_i + l_i decided sessions and the per-unit preference
// p_i = (w_i − l_i) / s_i. All are sums over units, additive across shards.
type PreferenceMoments struct {
	Units    float64 // units with at least one session
	Sessions float64 // Σ s_i
	Wins     float64 // Σ w_i
	Losses   float64 // Σ l_i
	Ties     float64 // Σ t_i

	SumSqWins    float64 // Σ w_i²
	SumSqDecided float64 // Σ d_i²
	SumWinsDec   float64 // Σ w_i·d_i

	SumPref   float64 // Σ p_i
	SumSqPref float64 // Σ p_i²
}

// Add returns the moments of the union of two disjoint sets of units.
func (m PreferenceMoments) Add(o PreferenceMoments) PreferenceMoments {
	return PreferenceMoments{
		Units: m.Units + o.Units, Sessions: m.Sessions + o.Sessions,
		Wins: m.Wins + o.Wins, Losses: m.Losses + o.Losses, Ties: m.Ties + o.Ties,
		SumSqWins: m.SumSqWins + o.SumSqWins, SumSqDecided: m.SumSqDecided + o.SumSqDecided,
		SumWinsDec: m.SumWinsDec + o.SumWinsDec,
		SumPref:    m.SumPref + o.SumPref, SumSqPref: m.SumSqPref + o.SumSqPref,
	}
}

// AddUnit adds one unit's wins, losses and ties (a unit with no session of
// the treatment is not a unit of this comparison and is not added).
func (m *PreferenceMoments) AddUnit(wins, losses, ties float64) {
	s := wins + losses + ties
	if s <= 0 {
		return
	}
	d := wins + losses
	p := (wins - losses) / s
	m.Units++
	m.Sessions += s
	m.Wins += wins
	m.Losses += losses
	m.Ties += ties
	m.SumSqWins += wins * wins
	m.SumSqDecided += d * d
	m.SumWinsDec += wins * d
	m.SumPref += p
	m.SumSqPref += p * p
}

// ratio is the share as a ratio metric over units (M = wins, D = decided).
func (m PreferenceMoments) ratio() RatioMoments {
	return RatioMoments{
		N: m.Units, SumM: m.Wins, SumSqM: m.SumSqWins,
		SumD: m.Wins + m.Losses, SumSqD: m.SumSqDecided, SumProd: m.SumWinsDec,
	}
}

// Preference is the analysis of one treatment against the baseline under
// one credit.
type Preference struct {
	Units, Sessions, Wins, Losses, Ties float64

	// Share is wins / (wins + losses) with its interval; PValue tests
	// share = 1/2, and the interval excludes 1/2 exactly when PValue <
	// alpha. Method is "delta_units" or "binomial_exact". ShareProblem is
	// set when it cannot be estimated (no decided session, fewer than two
	// units, zero variance); Share and PValue are then not reported.
	Share        Effect
	PValue       float64
	Method       string
	ShareProblem string

	// MeanPreference is the mean over units of (wins − losses) / sessions
	// with a t interval; MeanPValue tests mean = 0 (R t.test(p)).
	MeanPreference Effect
	MeanPValue     float64
	MeanDF         float64
	MeanProblem    string
}

// ShareEstimable reports whether the share has an interval and p-value.
func (p Preference) ShareEstimable() bool { return p.ShareProblem == "" }

// Preferred reports whether the share is significantly above 1/2.
func (p Preference) Preferred() bool { return p.ShareEstimable() && p.Share.Lower > 0.5 }

// Dispreferred reports whether the share is significantly below 1/2.
func (p Preference) Dispreferred() bool { return p.ShareEstimable() && p.Share.Upper < 0.5 }

// ComparePreference analyses one treatment's preference moments at
// two-sided level alpha with the given test of the share.
func ComparePreference(m PreferenceMoments, test PreferenceTest, alpha float64) Preference {
	out := Preference{Units: m.Units, Sessions: m.Sessions, Wins: m.Wins, Losses: m.Losses, Ties: m.Ties}
	if test == SignTest {
		out.Method = "binomial_exact"
		out.Share, out.PValue, out.ShareProblem = signShare(m.Wins, m.Wins+m.Losses, alpha)
	} else {
		out.Method = "delta_units"
		out.Share, out.PValue, out.ShareProblem = unitShare(m, alpha)
	}
	out.MeanPreference, out.MeanPValue, out.MeanDF, out.MeanProblem = meanPreference(m, alpha)
	return out
}

// unitShare is the delta-method test of Σw / Σd over units against 1/2:
// Var = (s²_w − 2R s_wd + R² s²_d) / (n d̄²), z = (R − 1/2) / se, and the
// normal interval R ± z_{1−α/2} se, which excludes 1/2 exactly when p < α.
func unitShare(m PreferenceMoments, alpha float64) (Effect, float64, string) {
	r := m.ratio()
	share, ok := r.Value()
	switch {
	case m.Units < 1:
		return Effect{}, 0, "no session of this treatment"
	case !ok:
		return Effect{}, 0, "no decided session (every session is a tie): the share is not defined"
	case m.Units < 2:
		return Effect{Estimate: share}, 0, "fewer than two units: the share's variance cannot be estimated"
	}
	v := r.VarOfValue()
	if !(v > 0) {
		return Effect{Estimate: share}, 0, "zero variance over units: the share cannot be tested"
	}
	se := math.Sqrt(v)
	q := quantile(1-alpha/2, math.Inf(1))
	e := Effect{Estimate: share, StdError: se, Lower: share - q*se, Upper: share + q*se}
	return e, twoSidedP((share-0.5)/se, math.Inf(1)), ""
}

// signShare is the exact binomial test of x wins in n decided sessions
// against 1/2 with the Clopper-Pearson interval. Under p = 1/2 the
// binomial is symmetric, so R binom.test's two-sided p-value (the sum of
// the outcomes no more likely than x) equals the central one,
// min(1, 2 min(P(X ≤ x), P(X ≥ x))), which is the test Clopper-Pearson
// inverts: the interval excludes 1/2 exactly when p < α.
func signShare(x, n, alpha float64) (Effect, float64, string) {
	if n < 1 {
		return Effect{}, 0, "no decided session (every session is a tie): the share is not defined"
	}
	share := x / n
	e := Effect{Estimate: share, StdError: math.Sqrt(share * (1 - share) / n)}
	e.Lower, e.Upper = ClopperPearson(x, n, alpha)
	return e, BinomialHalfP(x, n), ""
}

// ClopperPearson is the exact 1−alpha interval of a binomial proportion
// with x successes in n trials (R binom.test(x, n)$conf.int).
func ClopperPearson(x, n, alpha float64) (lo, hi float64) {
	if x > 0 {
		lo = mathext.InvRegIncBeta(x, n-x+1, alpha/2)
	}
	hi = 1
	if x < n {
		hi = mathext.InvRegIncBeta(x+1, n-x, 1-alpha/2)
	}
	return lo, hi
}

// BinomialHalfP is the two-sided exact p-value of x successes in n trials
// against probability 1/2 (R binom.test(x, n)$p.value); 1 when n is 0.
func BinomialHalfP(x, n float64) float64 {
	if n < 1 {
		return 1
	}
	k := math.Min(x, n-x)
	// P(X ≤ k) for Binomial(n, 1/2) = I_{1/2}(n − k, k + 1).
	tail := 1.0
	if k < n {
		tail = mathext.RegIncBeta(n-k, k+1, 0.5)
	}
	return math.Min(1, 2*tail)
}

// meanPreference is the one-sample t test of the per-unit preference
// (w − l) / s against 0 (R t.test(p); Welch's test reduces to it for one
// sample).
func meanPreference(m PreferenceMoments, alpha float64) (Effect, float64, float64, string) {
	mo := Moments{N: m.Units, Sum: m.SumPref, SumSq: m.SumSqPref}
	mean, ok := mo.Mean()
	if !ok {
		return Effect{}, 0, 0, "no session of this treatment"
	}
	if m.Units < 2 {
		return Effect{Estimate: mean}, 0, 0, "fewer than two units: the variance cannot be estimated"
	}
	v := mo.Var() / m.Units
	if !(v > 0) {
		return Effect{Estimate: mean}, 0, 0, "zero variance over units: the mean preference cannot be tested"
	}
	se := math.Sqrt(v)
	df := m.Units - 1
	q := quantile(1-alpha/2, df)
	e := Effect{Estimate: mean, StdError: se, Lower: mean - q*se, Upper: mean + q*se}
	return e, twoSidedP(mean/se, df), df, ""
}

// FirstPositionSRM tests that each team took half of the first positions
// (the interleaving analogue of the sample-ratio check): the exact binomial
// p-value of baseline firsts among all firsts, against 1/2.
func FirstPositionSRM(baselineFirst, treatmentFirst float64) SRM {
	n := baselineFirst + treatmentFirst
	p := BinomialHalfP(baselineFirst, n)
	return SRM{DF: 1, PValue: p}
}
