package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// metaExpected is one model's figures from metafor::rma (testdata/meta,
// written by meta.R); nil where metafor has none (τ² and the prediction
// interval of the fixed-effect model).
type metaExpected struct {
	Estimate, SE, Z, P float64
	CILB               float64  `json:"ci_lb"`
	CIUB               float64  `json:"ci_ub"`
	Tau2               *float64 `json:"tau2"`
	SETau2             *float64 `json:"se_tau2"`
	I2, H2, QE, QEp    float64
	PILB               *float64 `json:"pi_lb"`
	PIUB               *float64 `json:"pi_ub"`
}

type metaCase struct {
	Alpha   float64
	Yi, Sei []float64
	FE      metaExpected
	DL      metaExpected
	REML    metaExpected
}

func metaClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	// 1e-6 relative; figures that are 0 in exact arithmetic (τ² at the
	// boundary, I² then) are compared absolutely at the same scale.
	if math.Abs(got-want) > 1e-6*math.Max(math.Abs(want), 1e-10) {
		t.Errorf("%s = %.12g, want %.12g (metafor)", what, got, want)
	}
}

func TestMetaAnalysisMatchesMetafor(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "meta", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]metaCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5 {
		t.Fatalf("%d cases in expected.json, want 5", len(cases))
	}
	for name, c := range cases {
		var studies []MetaStudy
		for i := range c.Yi {
			studies = append(studies, MetaStudy{Label: fmt.Sprint(i), Estimate: c.Yi[i], StdError: c.Sei[i]})
		}
		for _, m := range []struct {
			method MetaMethod
			want   metaExpected
		}{{MetaFE, c.FE}, {MetaDL, c.DL}, {MetaREML, c.REML}} {
			fit := MetaAnalysis(studies, m.method, c.Alpha)
			what := func(f string) string { return name + " " + string(m.method) + " " + f }
			if !fit.Estimable() {
				t.Errorf("%s: %s", what("fit"), fit.Problem)
				continue
			}
			if fit.K != len(c.Yi) {
				t.Errorf("%s = %d, want %d", what("k"), fit.K, len(c.Yi))
			}
			w := m.want
			metaClose(t, what("estimate"), fit.Estimate, w.Estimate)
			metaClose(t, what("se"), fit.StdError, w.SE)
			metaClose(t, what("z"), fit.Z, w.Z)
			metaClose(t, what("p"), fit.PValue, w.P)
			metaClose(t, what("ci.lb"), fit.Lower, w.CILB)
			metaClose(t, what("ci.ub"), fit.Upper, w.CIUB)
			metaClose(t, what("QE"), fit.Q, w.QE)
			metaClose(t, what("QEp"), fit.QPValue, w.QEp)
			metaClose(t, what("I2"), fit.I2, w.I2/100)
			metaClose(t, what("H2"), fit.H2, w.H2)
			if (w.Tau2 != nil) != fit.HasTau2 || (w.PILB != nil) != fit.HasPrediction {
				t.Errorf("%s: tau2 %v / prediction %v, metafor has tau2 %v / pi %v", what("fit"),
					fit.HasTau2, fit.HasPrediction, w.Tau2 != nil, w.PILB != nil)
				continue
			}
			if w.Tau2 != nil {
				metaClose(t, what("tau2"), fit.Tau2, *w.Tau2)
				metaClose(t, what("se.tau2"), fit.Tau2SE, *w.SETau2)
			}
			if w.PILB != nil {
				metaClose(t, what("pi.lb"), fit.PredLower, *w.PILB)
				metaClose(t, what("pi.ub"), fit.PredUpper, *w.PIUB)
			}
		}
	}
	// The cases cover what they are meant to: τ² = 0 (homogeneous), k = 2.
	if h := cases["homogeneous"]; h.REML.Tau2 == nil || *h.REML.Tau2 > 1e-10 || *h.DL.Tau2 != 0 {
		t.Errorf("homogeneous case has tau2 DL %v REML %v, want 0", h.DL.Tau2, h.REML.Tau2)
	}
	if len(cases["two"].Yi) != 2 {
		t.Errorf("case two has k = %d", len(cases["two"].Yi))
	}
}

func TestMetaAnalysisNotEstimable(t *testing.T) {
	one := []MetaStudy{{Label: "a", Estimate: 0.01, StdError: 0.004}, {Label: "b", Estimate: 0.02, StdError: 0}}
	for _, m := range []MetaMethod{MetaFE, MetaDL, MetaREML} {
		fit := MetaAnalysis(one, m, 0.05)
		if fit.Estimable() || !strings.Contains(fit.Problem, "at least 2") {
			t.Errorf("%s with one usable study: problem %q", m, fit.Problem)
		}
		if len(fit.Skipped) != 1 || fit.Skipped[0] != "b" {
			t.Errorf("%s skipped %v, want [b]", m, fit.Skipped)
		}
		if fit.K != 1 {
			t.Errorf("%s k = %d, want 1", m, fit.K)
		}
	}
	nan := []MetaStudy{{Estimate: math.NaN(), StdError: 1}, {Estimate: 1, StdError: math.Inf(1)}, {Estimate: 1, StdError: 1}}
	if fit := MetaAnalysis(nan, MetaREML, 0.05); fit.Estimable() || fit.K != 1 {
		t.Errorf("NaN and infinite inputs used: k = %d, problem %q", fit.K, fit.Problem)
	}
}

// The REML estimate is the restricted likelihood's maximum: its score is 0
// there (or negative at τ² = 0).
func TestREMLScoreZero(t *testing.T) {
	y := []float64{0.021, 0.004, 0.035, -0.006, 0.012, 0.048, 0.009, 0.017}
	s := []float64{0.006, 0.005, 0.009, 0.004, 0.007, 0.012, 0.003, 0.008}
	var studies []MetaStudy
	v := make([]float64, len(y))
	for i := range y {
		studies = append(studies, MetaStudy{Estimate: y[i], StdError: s[i]})
		v[i] = s[i] * s[i]
	}
	fit := MetaAnalysis(studies, MetaREML, 0.05)
	w := make([]float64, len(y))
	for i := range v {
		w[i] = 1 / (v[i] + fit.Tau2)
	}
	sw := floats.Sum(w)
	mu := floats.Dot(w, y) / sw
	yPPy := 0.0
	for i := range y {
		yPPy += w[i] * w[i] * (y[i] - mu) * (y[i] - mu)
	}
	score := yPPy - (sw - metaPow(w, 2)/sw)
	if math.Abs(score) > 1e-9*sw {
		t.Errorf("REML score at tau2 = %g is %g, want 0", fit.Tau2, score)
	}
}
