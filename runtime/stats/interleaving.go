package stats

import (
	"fmt"
	"math"
	"strconv"

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
	} else {
		out.Method = "delta_units"
	}
	if m.Units < 1 || m.Sessions < 1 {
		out.ShareProblem, out.MeanProblem = NoSessions, NoSessions
		return out
	}
	if test == SignTest {
		out.Share, out.PValue, out.ShareProblem = signShare(m.Wins, m.Wins+m.Losses, alpha)
	} else {
		out.Share, out.PValue, out.ShareProblem = unitShare(m, alpha)
	}
	out.MeanPreference, out.MeanPValue, out.MeanDF, out.MeanProblem = meanPreference(m, alpha)
	return out
}

// NoSessions is the reason given for a treatment without any session
// against the baseline.
const NoSessions = "no session compares this treatment with the baseline (no data for it)"

// AllTies is the reason given when every session of a treatment is a tie.
const AllTies = "no decided session (every session is a tie): the share is not defined"

// minShareSE is the smallest standard error of a share that is not a
// rounding remainder of zero: a share's variance over units is exactly 0
// when every unit has the same share, and the sums leave ~1e-17 behind.
const minShareSE = 1e-10

// unitShare is the delta-method test of Σw / Σd over units against 1/2:
// Var = (s²_w − 2R s_wd + R² s²_d) / (n d̄²), z = (R − 1/2) / se, and the
// normal interval R ± z_{1−α/2} se, which excludes 1/2 exactly when p < α.
//
// When every decided session is a win (or every one a loss), every unit's
// share is 1 (or 0): the variance over units is 0 and the data hold no
// information on how units differ, so no interval built from them is
// valid (a Wald interval would have width 0, and the score and Fieller
// forms are unbounded). The share is then not tested, and the reason says
// so; `test sign` is exact there, if sessions may be read as independent.
func unitShare(m PreferenceMoments, alpha float64) (Effect, float64, string) {
	r := m.ratio()
	share, ok := r.Value()
	switch {
	case !ok:
		return Effect{}, 0, AllTies
	case m.Losses == 0 || m.Wins == 0:
		side, what := "win", "1"
		if m.Wins == 0 {
			side, what = "loss", "0"
		}
		return Effect{Estimate: share}, 0, fmt.Sprintf("every decided session is a %s for the treatment (%s in %s unit(s)): every unit's share is %s, "+
			"so the delta method over units has no variance and gives no interval; `test sign` gives the exact binomial test over sessions "+
			"(valid if one user's sessions may be read as independent)", side, count(m.Wins+m.Losses, "session"), count(m.Units, ""), what)
	case m.Units < 2:
		return Effect{Estimate: share}, 0, "fewer than two units: the share's variance cannot be estimated; `test sign` tests the sessions of the one unit"
	}
	v := r.VarOfValue()
	if !(math.Sqrt(v) >= minShareSE) {
		return Effect{Estimate: share}, 0, fmt.Sprintf("every unit has the same share (%.4g): the delta method over units has no variance and gives no interval; "+
			"`test sign` gives the exact binomial test over sessions (valid if one user's sessions may be read as independent)", share)
	}
	se := math.Sqrt(v)
	q := quantile(1-alpha/2, math.Inf(1))
	// A share lies in [0, 1]: the normal interval is cut to it (as
	// statsmodels' proportion_confint does for its normal method), which
	// leaves unchanged whether it excludes 1/2. With few units it would
	// otherwise read [0.26, 1.24].
	e := Effect{Estimate: share, StdError: se, Lower: math.Max(0, share-q*se), Upper: math.Min(1, share+q*se)}
	return e, twoSidedP((share-0.5)/se, math.Inf(1)), ""
}

// count renders n with a noun ("12 sessions"); an empty noun leaves the
// number alone.
func count(n float64, noun string) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if noun == "" {
		return s
	}
	if n != 1 {
		noun += "s"
	}
	return s + " " + noun
}

// signShare is the exact binomial test of x wins in n decided sessions
// against 1/2 with the Clopper-Pearson interval. Under p = 1/2 the
// binomial is symmetric, so R binom.test's two-sided p-value (the sum of
// the outcomes no more likely than x) equals the central one,
// min(1, 2 min(P(X ≤ x), P(X ≥ x))), which is the test Clopper-Pearson
// inverts: the interval excludes 1/2 exactly when p < α. The standard
// error sqrt(share (1 − share) / n) is descriptive; at a share of 0 or 1
// it is 0 while the exact interval is not, so it is not reported there.
func signShare(x, n, alpha float64) (Effect, float64, string) {
	if n < 1 {
		return Effect{}, 0, AllTies
	}
	share := x / n
	e := Effect{Estimate: share, StdError: math.Sqrt(share * (1 - share) / n)}
	if x == 0 || x == n {
		e.StdError = 0
		e.StdErrorProblem = fmt.Sprintf("every decided session is a %s: the plug-in standard error is 0 at a share of %g; the exact (Clopper-Pearson) interval carries the uncertainty",
			map[bool]string{true: "win", false: "loss"}[x == n], share)
	}
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
		return Effect{}, 0, 0, NoSessions
	}
	if m.Units < 2 {
		return Effect{Estimate: mean}, 0, 0, "fewer than two units: the variance cannot be estimated"
	}
	v := mo.Var() / m.Units
	if !(math.Sqrt(v) >= minShareSE) {
		return Effect{Estimate: mean}, 0, 0, fmt.Sprintf("every unit has the same preference (%.4g): the variance over units is 0, so the t test gives no interval", mean)
	}
	se := math.Sqrt(v)
	df := m.Units - 1
	q := quantile(1-alpha/2, df)
	// A unit's preference lies in [-1, 1], and so does its mean: the t
	// interval is cut to it (whether it excludes 0 is unchanged).
	e := Effect{Estimate: mean, StdError: se, Lower: math.Max(-1, mean-q*se), Upper: math.Min(1, mean+q*se)}
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
