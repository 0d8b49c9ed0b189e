package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTimeZones runs testdata/time (timestamps and `start` with offsets)
// in child processes under several host time zones: the results are the
// same in each, and the ones the offsets mean (all six units in, events
// placed by their instants). A child process per zone, because the time
// zone is read once per process.
func TestTimeZones(t *testing.T) {
	if os.Getenv("CALIPER_TZ_CHILD") != "" {
		code, out, errs := run("run", "../../testdata/time", "--format", "json")
		os.Stdout.WriteString(out)
		os.Stderr.WriteString(errs)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		return
	}
	var first string
	for _, tz := range []string{"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTimeZones$")
		cmd.Env = append(os.Environ(), "CALIPER_TZ_CHILD=1", "TZ="+tz)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("TZ=%s: %v\n%s", tz, err, out)
		}
		got := string(out)
		got = got[:strings.LastIndex(got, "}")+1] // drop the test runner's PASS
		var doc struct {
			Targets []struct {
				Units   map[string]int `json:"units"`
				Results []struct {
					Control, Treatment struct{ Mean float64 }
				} `json:"results"`
			} `json:"targets"`
		}
		if err := json.Unmarshal([]byte(got), &doc); err != nil {
			t.Fatalf("TZ=%s: %v\n%s", tz, err, got)
		}
		if len(doc.Targets) != 1 || len(doc.Targets[0].Results) == 0 {
			t.Fatalf("TZ=%s: no results:\n%s", tz, got)
		}
		tg := doc.Targets[0]
		if r := tg.Results[0]; tg.Units["control"] != 3 || tg.Units["treatment"] != 3 || r.Control.Mean != 0.6666666667 || r.Treatment.Mean != 1.333333333 {
			t.Errorf("TZ=%s: units %v, means %v and %v; want 3 and 3 units, means 2/3 and 4/3", tz, tg.Units, r.Control.Mean, r.Treatment.Mean)
		}
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("TZ=%s: the result differs from TZ=UTC's:\n%s\nvs\n%s", tz, got, first)
		}
	}
}
