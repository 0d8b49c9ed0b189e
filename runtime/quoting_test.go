package runtime_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
)

// A column named with spaces (and a quote) and string literals holding
// quotes compile to valid SQL that counts the right rows.
func TestQuotedNamesAndLiterals(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("exposures.csv", "user id,variant\na,control\nb,control\nc,treat\nd,treat\n")
	write("events.csv", "user id,event,\"odd\"\"col\"\n"+
		"a,it's,1\na,x,2\nb,it's,3\nc,\"say \"\"hi\"\"\",4\nc,it's,5\nd,\"say \"\"hi\"\"\",6\nd,\"say \"\"hi\"\"\",7\n")
	write("spec.cal", `
source exposures {
  from csv("exposures.csv")
  columns { `+"`user id`"+` string  variant string }
}
source events {
  from csv("events.csv")
  columns { `+"`user id`"+` string  event string  `+"`odd\"col`"+` int }
}
metric apostrophes { value count(events where event == "it's") }
metric quotes { value count(events where event == "say \"hi\"") }
metric odd_sum { value sum(events.`+"`odd\"col`"+` where event in ["it's", "x"]) }
experiment quoting {
  exposures  exposures
  unit       `+"`user id`"+`
  assignment variant
  control    "control"
  primary    apostrophes
  secondary  quotes, odd_sum
}
`)
	rep := runspec.Report(t, dir)
	want := map[string][2]float64{ // control mean, treatment mean
		"apostrophes": {1, 0.5},
		"quotes":      {0, 1.5},
		"odd_sum":     {3, 2.5},
	}
	for _, r := range rep.Targets[0].Results {
		w := want[r.Metric]
		if float64(*r.Control.Mean) != w[0] || float64(*r.Treatment.Mean) != w[1] {
			t.Errorf("%s: control %v treatment %v, want %v", r.Metric, r.Control.Mean, r.Treatment.Mean, w)
		}
	}
}
