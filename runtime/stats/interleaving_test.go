package stats

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ilExpected is one case of testdata/interleaving/expected.json, written by
// interleaving.R from the formulas (delta method by hand, binom.test,
// t.test).
type ilExpected struct {
	Alpha                         float64
	Units, Sessions, Wins, Losses float64
	Ties                          float64
	Unit                          struct{ Share, SE, Lower, Upper, P float64 }
	Sign                          struct{ Share, Lower, Upper, P float64 }
	Mean                          struct{ Estimate, Lower, Upper, P, DF float64 }
}

func ilClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(math.Abs(want), 1e-300) {
		t.Errorf("%s = %.12g, want %.12g (R)", what, got, want)
	}
}

func ilMoments(t *testing.T) map[string]PreferenceMoments {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "interleaving", "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]PreferenceMoments{}
	for _, r := range rows[1:] {
		var v [3]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		m := out[r[0]]
		m.AddUnit(v[0], v[1], v[2])
		out[r[0]] = m
	}
	return out
}

func TestPreferenceAgainstR(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "interleaving", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]ilExpected
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	moments := ilMoments(t)
	if len(exp) != 4 || len(moments) != 4 {
		t.Fatalf("%d expected cases and %d data cases, want 4", len(exp), len(moments))
	}
	for name, e := range exp {
		m := moments[name]
		u := ComparePreference(m, UnitTest, e.Alpha)
		if !u.ShareEstimable() || u.MeanProblem != "" {
			t.Fatalf("%s: %s %s", name, u.ShareProblem, u.MeanProblem)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{
			{"units", u.Units, e.Units}, {"sessions", u.Sessions, e.Sessions},
			{"wins", u.Wins, e.Wins}, {"losses", u.Losses, e.Losses}, {"ties", u.Ties, e.Ties},
			{"unit share", u.Share.Estimate, e.Unit.Share}, {"unit se", u.Share.StdError, e.Unit.SE},
			{"unit lower", u.Share.Lower, e.Unit.Lower}, {"unit upper", u.Share.Upper, e.Unit.Upper},
			{"unit p", u.PValue, e.Unit.P},
			{"mean", u.MeanPreference.Estimate, e.Mean.Estimate},
			{"mean lower", u.MeanPreference.Lower, e.Mean.Lower},
			{"mean upper", u.MeanPreference.Upper, e.Mean.Upper},
			{"mean p", u.MeanPValue, e.Mean.P}, {"mean df", u.MeanDF, e.Mean.DF},
		} {
			ilClose(t, name+" "+c.what, c.got, c.want)
		}
		s := ComparePreference(m, SignTest, e.Alpha)
		ilClose(t, name+" sign share", s.Share.Estimate, e.Sign.Share)
		ilClose(t, name+" sign lower", s.Share.Lower, e.Sign.Lower)
		ilClose(t, name+" sign upper", s.Share.Upper, e.Sign.Upper)
		ilClose(t, name+" sign p", s.PValue, e.Sign.P)
		if u.Method != "delta_units" || s.Method != "binomial_exact" {
			t.Errorf("%s: methods %q, %q", name, u.Method, s.Method)
		}
	}
}

// The interval excludes 1/2 exactly when p < alpha, for both tests, over
// random data including near-boundary cases.
func TestPreferenceIntervalAgreesWithP(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 1))
	for rep := 0; rep < 3000; rep++ {
		var m PreferenceMoments
		n := 2 + rng.IntN(60)
		pref := 0.35 + 0.3*rng.Float64()
		for i := 0; i < n; i++ {
			var w, l, ti float64
			for s := 1 + rng.IntN(4); s > 0; s-- {
				switch r := rng.Float64(); {
				case r < 0.3:
					ti++
				case r < 0.3+0.7*pref:
					w++
				default:
					l++
				}
			}
			m.AddUnit(w, l, ti)
		}
		alpha := []float64{0.01, 0.05, 0.1}[rep%3]
		for _, test := range []PreferenceTest{UnitTest, SignTest} {
			p := ComparePreference(m, test, alpha)
			if !p.ShareEstimable() {
				continue
			}
			excl := p.Share.Lower > 0.5 || p.Share.Upper < 0.5
			if excl != (p.PValue < alpha) && math.Abs(p.PValue-alpha) > 1e-9 {
				t.Fatalf("%v test, rep %d: interval [%g, %g] and p %g disagree at alpha %g", test, rep, p.Share.Lower, p.Share.Upper, p.PValue, alpha)
			}
			if p.Preferred() && p.Dispreferred() {
				t.Fatal("both preferred and dispreferred")
			}
		}
	}
}

func TestPreferenceEdges(t *testing.T) {
	// All ties: the share is not defined; the mean preference is 0 with no variance.
	var m PreferenceMoments
	m.AddUnit(0, 0, 3)
	m.AddUnit(0, 0, 1)
	for _, test := range []PreferenceTest{UnitTest, SignTest} {
		p := ComparePreference(m, test, 0.05)
		if p.ShareEstimable() || p.Preferred() || p.Dispreferred() {
			t.Errorf("%v: all ties gave an estimable share %+v", test, p.Share)
		}
	}
	if p := ComparePreference(m, UnitTest, 0.05); p.MeanProblem == "" {
		t.Error("zero-variance mean preference was tested")
	}
	// No units at all.
	if p := ComparePreference(PreferenceMoments{}, UnitTest, 0.05); p.ShareEstimable() || p.MeanProblem == "" {
		t.Error("empty moments gave estimates")
	}
	// A unit without sessions is not a unit.
	m = PreferenceMoments{}
	m.AddUnit(0, 0, 0)
	if m.Units != 0 {
		t.Error("a unit without sessions was counted")
	}
	// Clopper-Pearson at the edges (R: binom.test(0, 10)$conf.int, binom.test(10, 10)$conf.int).
	lo, hi := ClopperPearson(0, 10, 0.05)
	ilClose(t, "CP(0,10) upper", hi, 0.30849710781876083)
	if lo != 0 {
		t.Errorf("CP(0,10) lower = %g", lo)
	}
	lo, hi = ClopperPearson(10, 10, 0.05)
	ilClose(t, "CP(10,10) lower", lo, 0.69150289218123917)
	if hi != 1 {
		t.Errorf("CP(10,10) upper = %g", hi)
	}
	// binom.test(3, 7)$p.value = 1 and binom.test(0, 10)$p.value = 0.001953125.
	ilClose(t, "p(3,7)", BinomialHalfP(3, 7), 1)
	ilClose(t, "p(0,10)", BinomialHalfP(0, 10), 0.001953125)
	if s := FirstPositionSRM(520, 480); !s.Passed() {
		t.Errorf("520/480 first positions failed the check: %g", s.PValue)
	}
	if s := FirstPositionSRM(600, 400); s.Passed() {
		t.Errorf("600/400 first positions passed the check: %g", s.PValue)
	}
	if a := (PreferenceMoments{Units: 1, Wins: 2}).Add(PreferenceMoments{Units: 2, Wins: 3}); a.Units != 3 || a.Wins != 5 {
		t.Errorf("Add = %+v", a)
	}
}

// Every decided session a win (or every one a loss): the delta method over
// units has no variance, so `test unit` gives no interval and says why,
// pointing at `test sign`; the sign test is exact there (R: binom.test(9,
// 9): p = 0.00390625, interval [0.663732883, 1]; binom.test(0, 9): [0,
// 0.336267117]) and reports no standard error rather than a plug-in 0.
func TestPreferenceBoundaryShares(t *testing.T) {
	for _, allWins := range []bool{true, false} {
		var m PreferenceMoments
		for _, s := range [][2]float64{{3, 1}, {2, 0}, {4, 2}} { // decided, ties
			if allWins {
				m.AddUnit(s[0], 0, s[1])
			} else {
				m.AddUnit(0, s[0], s[1])
			}
		}
		u := ComparePreference(m, UnitTest, 0.05)
		side := map[bool]string{true: "win", false: "loss"}[allWins]
		if u.ShareEstimable() || !strings.Contains(u.ShareProblem, "every decided session is a "+side) || !strings.Contains(u.ShareProblem, "`test sign`") {
			t.Errorf("all %ss, unit test: %q (estimable %v, share %+v)", side, u.ShareProblem, u.ShareEstimable(), u.Share)
		}
		if u.Preferred() || u.Dispreferred() {
			t.Errorf("all %ss, unit test: a decision from a zero variance", side)
		}
		s := ComparePreference(m, SignTest, 0.05)
		if !s.ShareEstimable() || s.Share.StdErrorProblem == "" || s.Share.StdError != 0 {
			t.Errorf("all %ss, sign test: %q, std error %g (%q)", side, s.ShareProblem, s.Share.StdError, s.Share.StdErrorProblem)
		}
		ilClose(t, "sign p", s.PValue, 0.00390625)
		if allWins {
			ilClose(t, "sign lower", s.Share.Lower, 0.66373288312005707)
			if s.Share.Upper != 1 || !s.Preferred() {
				t.Errorf("all wins: [%g, %g], preferred %v", s.Share.Lower, s.Share.Upper, s.Preferred())
			}
		} else {
			ilClose(t, "sign upper", s.Share.Upper, 0.33626711687994293)
			if s.Share.Lower != 0 || !s.Dispreferred() {
				t.Errorf("all losses: [%g, %g], dispreferred %v", s.Share.Lower, s.Share.Upper, s.Dispreferred())
			}
		}
	}
	// Every unit at the same interior share: no variance either.
	var m PreferenceMoments
	m.AddUnit(1, 1, 0)
	m.AddUnit(3, 3, 1)
	m.AddUnit(2, 2, 0)
	if u := ComparePreference(m, UnitTest, 0.05); u.ShareEstimable() || !strings.Contains(u.ShareProblem, "every unit has the same share (0.5)") {
		t.Errorf("same share everywhere: %q", u.ShareProblem)
	}
	// Away from the boundary the sign test keeps its standard error.
	m = PreferenceMoments{}
	m.AddUnit(3, 1, 0)
	if s := ComparePreference(m, SignTest, 0.05); s.Share.StdErrorProblem != "" || math.Abs(s.Share.StdError-math.Sqrt(0.75*0.25/4)) > 1e-15 {
		t.Errorf("sign std error %g (%q)", s.Share.StdError, s.Share.StdErrorProblem)
	}
}

// A treatment without sessions has no data, under both tests: it is not
// "every session is a tie".
func TestPreferenceNoSessions(t *testing.T) {
	for _, test := range []PreferenceTest{UnitTest, SignTest} {
		p := ComparePreference(PreferenceMoments{}, test, 0.05)
		if p.ShareProblem != NoSessions || p.MeanProblem != NoSessions {
			t.Errorf("%v: %q / %q", test, p.ShareProblem, p.MeanProblem)
		}
	}
}

// With few units the normal interval of the share, and the t interval of
// the mean preference, reach past the values they can take: they are cut
// to [0, 1] and [-1, 1] (four users, three wins and a loss once read
// [0.26, 1.24]).
func TestPreferenceIntervalsBounded(t *testing.T) {
	var m PreferenceMoments
	m.AddUnit(1, 0, 0)
	m.AddUnit(0, 1, 0)
	m.AddUnit(1, 0, 0)
	m.AddUnit(1, 0, 0)
	p := ComparePreference(m, UnitTest, 0.05)
	if !p.ShareEstimable() || p.Share.Lower < 0 || p.Share.Upper > 1 || p.Share.Upper != 1 {
		t.Errorf("share %+v (%s), want an interval within [0, 1] reaching 1", p.Share, p.ShareProblem)
	}
	if p.MeanProblem != "" || p.MeanPreference.Lower < -1 || p.MeanPreference.Upper > 1 {
		t.Errorf("mean preference %+v (%s), want an interval within [-1, 1]", p.MeanPreference, p.MeanProblem)
	}
	if p.Preferred() || p.PValue < 0.05 {
		t.Errorf("p %g: preferred on four units", p.PValue)
	}
}
