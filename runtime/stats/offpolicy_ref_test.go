package stats

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// opEffect is an estimate with its interval in expected.json.
type opEffect struct{ Estimate, SE, Lower, Upper float64 }

// opExpected is one case of testdata/offpolicy/expected.json, written by
// offpolicy.R from the formulas (gradient times covariance of the per-unit
// sums).
type opExpected struct {
	Alpha, Clip      float64
	Units, Decisions float64
	Logging          opEffect
	IPS, SNIPS, DR   struct {
		Value, Difference opEffect
		P                 float64
	}
	ESS, MaxWeight           float64  `json:"-"`
	ClippedShare, NeverShare float64  `json:"-"`
	MeanWeight               opEffect `json:"mean_weight"`
	MeanWeightP              float64  `json:"mean_weight_p"`
}

func opClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(math.Abs(want), 1e-300) {
		t.Errorf("%s = %.12g, want %.12g (R)", what, got, want)
	}
}

func opEffectClose(t *testing.T, what string, got Effect, want opEffect) {
	t.Helper()
	opClose(t, what+" estimate", got.Estimate, want.Estimate)
	opClose(t, what+" se", got.StdError, want.SE)
	opClose(t, what+" lower", got.Lower, want.Lower)
	opClose(t, what+" upper", got.Upper, want.Upper)
}

// opCases reads decisions.csv into each case's decisions per unit, in
// unit order.
func opCases(t *testing.T) map[string][][]OffPolicyDecision {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "offpolicy", "decisions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]OffPolicyDecision{}
	for _, r := range rows[1:] {
		var v [6]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		units := out[r[0]]
		u := int(v[0])
		for len(units) < u {
			units = append(units, nil)
		}
		units[u-1] = append(units[u-1], OffPolicyDecision{Propensity: v[1], Pi: v[2], Reward: v[3], QLogged: v[4], Direct: v[5]})
		out[r[0]] = units
	}
	return out
}

func TestOffPolicyAgainstR(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "offpolicy", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]opExpected
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	cases := opCases(t)
	if len(exp) != 4 || len(cases) != 4 {
		t.Fatalf("%d expected cases and %d data cases, want 4", len(exp), len(cases))
	}
	for name, e := range exp {
		clip := e.Clip
		if clip == 0 {
			clip = NoClip
		}
		var s OffPolicySums
		for _, u := range cases[name] {
			s.AddUnit(u, clip)
		}
		opClose(t, name+" units", s.Units, e.Units)
		opClose(t, name+" decisions", s.Sum[OPDecisions], e.Decisions)
		lv := s.LoggingValue(e.Alpha)
		if lv.Problem != "" {
			t.Fatalf("%s: logging: %s", name, lv.Problem)
		}
		opEffectClose(t, name+" logging", lv.Value, e.Logging)
		for _, c := range []struct {
			est OffPolicyEstimator
			exp struct {
				Value, Difference opEffect
				P                 float64
			}
		}{{IPS, e.IPS}, {SNIPS, e.SNIPS}, {DR, e.DR}} {
			got := s.Estimate(c.est, e.Alpha)
			if got.ValueProblem != "" || got.DifferenceProblem != "" {
				t.Fatalf("%s %s: %s %s", name, c.est, got.ValueProblem, got.DifferenceProblem)
			}
			what := name + " " + c.est.String()
			opEffectClose(t, what+" value", got.Value, c.exp.Value)
			opEffectClose(t, what+" difference", got.Difference, c.exp.Difference)
			opClose(t, what+" p", got.PValue, c.exp.P)
			if got.Improves() != (got.PValue < e.Alpha && got.Difference.Estimate > 0) {
				t.Errorf("%s: Improves %v disagrees with p %g", what, got.Improves(), got.PValue)
			}
		}
		d := s.Diagnostics(e.Alpha)
		opClose(t, name+" ess", d.ESS, raw[name]["ess"].(float64))
		opClose(t, name+" ess share", d.ESSShare, raw[name]["ess"].(float64)/e.Decisions)
		opClose(t, name+" max weight", d.MaxWeight, raw[name]["max_weight"].(float64))
		if cs := raw[name]["clipped_share"].(float64); math.Abs(d.ClippedShare-cs) > 1e-12 {
			t.Errorf("%s clipped share %g, want %g", name, d.ClippedShare, cs)
		}
		if ns := raw[name]["never_share"].(float64); math.Abs(d.NeverTakenShare-ns) > 1e-12 {
			t.Errorf("%s never share %g, want %g", name, d.NeverTakenShare, ns)
		}
		opEffectClose(t, name+" mean weight", d.MeanWeight, e.MeanWeight)
		opClose(t, name+" mean weight p", d.MeanWeightP, e.MeanWeightP)
		if (d.MeanWeightFlag != "") != (e.MeanWeightP < MeanWeightLevel) {
			t.Errorf("%s: flag %q at p %g", name, d.MeanWeightFlag, e.MeanWeightP)
		}
	}
}
