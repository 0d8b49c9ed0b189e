package runtime_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime/report"
)

// Edge cases never print NaN: each is flagged with a note instead.
func TestEdgeCasesFlaggedNotNaN(t *testing.T) {
	cases := []struct {
		name, exposures, events, note string
	}{
		{"zero variance", "u,v\na,c\nb,c\nc,t\nd,t\n", "u,e\na,x\nb,x\nc,x\nd,x\n", "zero variance"},
		{"control mean zero", "u,v\na,c\nb,c\nc,t\nd,t\n", "u,e\nc,x\nd,x\nd,x\n", "control value is 0"},
		{"one unit per arm", "u,v\na,c\nc,t\n", "u,e\na,x\nc,x\nc,x\n", "fewer than two units"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{"exposures.csv": c.exposures, "events.csv": c.events, "spec.cal": `
source exposures { from csv("exposures.csv") columns { u string  v string } }
source events { from csv("events.csv") columns { u string  e string } }
metric xs { value count(events where e == "x") }
metric rate { value count(events where e == "x") / count(events) }
metric any_x { value any(events where e == "x") }
experiment edge {
  exposures  exposures
  unit       u
  assignment v
  control    "c"
  treatments "t"
  primary    xs
  secondary  rate, any_x
}`} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rep := runspec.Report(t, dir)
			var buf bytes.Buffer
			if err := report.WriteJSON(&buf, rep); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
				t.Errorf("NaN or Inf in output:\n%s", out)
			}
			if !strings.Contains(out, c.note) {
				t.Errorf("no note containing %q:\n%s", c.note, out)
			}
			if len(rep.Targets[0].Decisions) == 0 {
				t.Errorf("no decision")
			}
		})
	}
}
