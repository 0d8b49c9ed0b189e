package runtime_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/result"
)

// A ratio whose control has saves but no impressions is not estimable:
// the control's mean is null (never 0), the result carries the reason and
// no numbers, every renderer shows a dash, and the launch rule that needs
// it does not ship.
func TestZeroDenominatorNotEstimable(t *testing.T) {
	dir := runspec.Write(t, map[string]string{
		"exposures.csv": "u,v\na,c\nb,c\nc,c\nd,t\ne,t\nf,t\n",
		"events.csv":    "u,e\na,save\nb,save\nd,save\nd,impression\ne,impression\ne,impression\nf,save\nf,impression\n",
		"spec.cal": `
source exposures { from csv("exposures.csv") columns { u string  v string } }
source events { from csv("events.csv") columns { u string  e string } }
metric save_rate { value count(events where e == "save") / count(events where e == "impression") }
experiment zero_den {
  exposures  exposures
  unit       u
  assignment v
  control    "c"
  treatments "t"
  primary    save_rate
}`})
	rep := runspec.Report(t, dir)
	r := rep.Targets[0].Results[0]
	const why = "control arm: the denominator sums to 0 in the arm: the ratio is not defined"
	if r.NotEstimable != why || r.Absolute != nil || r.Relative != nil || r.PValue != nil {
		t.Errorf("result: not_estimable %q, absolute %v, relative %v, p %v", r.NotEstimable, r.Absolute, r.Relative, r.PValue)
	}
	if r.Control.Mean != nil || r.Treatment.Mean == nil {
		t.Errorf("control mean %v (want null), treatment mean %v (want a value)", r.Control.Mean, r.Treatment.Mean)
	}
	if d := rep.Targets[0].Decisions[0]; d.Outcome == result.Ship {
		t.Errorf("decision %s: %v", d.Outcome, d.Reasons)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Targets []struct {
			Results []struct {
				Control      map[string]any `json:"control"`
				NotEstimable string         `json:"not_estimable"`
			} `json:"results"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Targets[0].Results[0]
	if m, ok := res.Control["mean"]; !ok || m != nil || res.NotEstimable != why {
		t.Errorf("JSON control %v, not_estimable %q", res.Control, res.NotEstimable)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"table":    func(b *bytes.Buffer) error { return report.WriteTable(b, rep) },
		"markdown": func(b *bytes.Buffer) error { return report.WriteMarkdown(b, rep) },
		"html":     func(b *bytes.Buffer) error { return report.WriteHTML(b, rep) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(b.String(), report.Undefined) {
			t.Errorf("%s: no %q for the undefined control mean:\n%s", name, report.Undefined, b.String())
		}
	}
}
