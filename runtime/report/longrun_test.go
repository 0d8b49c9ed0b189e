package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// A long_run entry names τ `tau` (its unit in `unit`); a refused fit has
// no tau, trend_p_value or pattern (never a 0 standing for "none"), and
// its sentence gives the reason.
func TestLongRunJSON(t *testing.T) {
	tau, p := Num(2.1), Num(0.0005)
	ok := &LongRun{Metric: "m", Variant: "t", Scale: "relative", Unit: "day", Periods: 12,
		Asymptote: &Effect{Estimate: 0.031, CILower: 0.012, CIUpper: 0.05, StdError: 0.0097},
		Trend:     &Effect{Estimate: 0.12, CILower: 0.08, CIUpper: 0.16, StdError: 0.02},
		Tau:       &tau, TrendP: &p, Pattern: "novelty"}
	raw, err := json.Marshal(ok)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"scale":"relative"`, `"unit":"day"`, `"tau":2.1`, `"trend_p_value":0.0005`, `"pattern":"novelty"`, `"std_error":0.0097`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("long_run JSON lacks %s: %s", want, raw)
		}
	}
	if strings.Contains(string(raw), "tau_periods") {
		t.Errorf("long_run JSON has the old tau_periods: %s", raw)
	}
	if got, want := ok.Sentence(), "long-run +3.1% [+1.2%, +5.0%]; novelty: +12.0% at day 0, fading with τ ≈ 2.1 days (trend p = 0.0005)"; got != want {
		t.Errorf("sentence\n got %s\nwant %s", got, want)
	}
	refused := &LongRun{Metric: "m", Variant: "t", Scale: "relative", Unit: "day", Periods: 3, Problem: "only 3 exposure age(s)"}
	raw, err = json.Marshal(refused)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`"tau"`, `"trend_p_value"`, `"pattern"`, `"asymptote"`} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("a refused long_run entry has %s: %s", bad, raw)
		}
	}
	if s := refused.Sentence(); !strings.HasPrefix(s, "no long-run estimate: only 3") {
		t.Errorf("refused sentence %q", s)
	}
}
