package report

import (
	"bytes"
	"strings"
	"testing"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// A note repeated for several results is printed once, naming them all;
// a target note repeated is printed once.
func TestNotesPrintedOnce(t *testing.T) {
	zero := "zero variance in both arms: the effect cannot be tested"
	tg := &Target{Kind: "experiment", Name: "e", Notes: []string{"coverage", "coverage"},
		Experiment: res.Experiment{Control: "control", Results: []*Result{
			{Metric: "a", Variant: "t1", Notes: []string{zero}},
			{Metric: "a", Variant: "t2", Notes: []string{zero, "other"}},
			{Metric: "b", Variant: "t1", Notes: []string{zero}},
		}}}
	var tab, md bytes.Buffer
	if err := WriteTable(&tab, &Report{Targets: []*Target{tg}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, &Report{Targets: []*Target{tg}}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"table": tab.String(), "markdown": md.String()} {
		if n := strings.Count(out, zero); n != 1 {
			t.Errorf("%s: the zero-variance note appears %d times:\n%s", name, n, out)
		}
		if !strings.Contains(out, "a (t1), a (t2), b (t1): "+zero) {
			t.Errorf("%s: the note does not name every result:\n%s", name, out)
		}
		if n := strings.Count(out, "coverage"); n != 1 {
			t.Errorf("%s: the target note appears %d times", name, n)
		}
	}
}
