package report

import (
	"bytes"
	"strings"
	"testing"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// What an interleaving cannot estimate is shown with its reason in every
// format, never as a number; left-out sessions and a failed first-position
// check are reported.
func TestInterleavingNotEstimable(t *testing.T) {
	tg := &Target{Kind: res.KindInterleaving, Name: "il", Alpha: 0.05, Interleaving: &res.Interleaving{
		Baseline: "v2", Test: "unit", Credits: []string{"clicks"},
		Results: []*res.Preference{{Credit: "clicks", Variant: "v3", Units: 1, Sessions: 3, Ties: 3, Method: "delta_units",
			NotEstimable: "no decided session (every session is a tie): the share is not defined", MeanMethod: "t_units",
			MeanNotEstimable: "fewer than two units: the variance cannot be estimated"}},
		FirstPositions: []*res.FirstPositions{{Variant: "v3", Baseline: 30, Treatment: 2, PValue: res.NumPtr(1e-7)}},
		LeftOut:        []*res.LeftOut{{Status: "other_team", Team: "v4", Sessions: 5, Units: 2}},
	}, Decisions: []*Decision{{Variant: "v3", Outcome: res.Invalid, Reasons: []string{"invalid: first positions unbalanced"}}}}
	rep := &Report{Targets: []*Target{tg}}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"table":    func(b *bytes.Buffer) error { return WriteTable(b, rep) },
		"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, rep) },
		"html":     func(b *bytes.Buffer) error { return WriteHTML(b, rep) },
		"json":     func(b *bytes.Buffer) error { return WriteJSON(b, rep) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		for _, want := range []string{"no decided session", "fewer than two units", "v4"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if name != "json" && !strings.Contains(out, "FAILED") && !strings.Contains(out, "unbalanced") {
			t.Errorf("%s does not say the first positions failed", name)
		}
		if name == "json" && (!strings.Contains(out, `"share": null`) || !strings.Contains(out, `"p_value": null`)) {
			t.Errorf("json: the share and p are not null:\n%s", out)
		}
	}
}
