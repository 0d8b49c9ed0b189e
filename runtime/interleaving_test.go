package runtime_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

const ilSpec = `
source rows {
  from csv("rows.csv")
  columns { user_id string  session_id string  team string  dwell_ms float  clicked bool }
}
interleaving il {
  rows       rows
  unit       user_id
  session    session_id
  team       team
  baseline   "a"
  treatments "b", "c"
  credit     dwell dwell_ms / 1000
  credit     clicks clicked
  test       TEST
}`

func ilRun(t *testing.T, test, data string) (*result.Report, string) {
	t.Helper()
	dir := runspec.Write(t, map[string]string{"spec.cal": strings.Replace(ilSpec, "TEST", test, 1), "rows.csv": data})
	rep, diags, res := runspec.Run(t, dir, runtime.Options{})
	var b strings.Builder
	diag.Render(&b, res.Files, diags, diag.RenderOptions{})
	return rep, b.String()
}

func ilResult(t *testing.T, rep *result.Report, credit, variant string) *result.Preference {
	t.Helper()
	for _, tg := range rep.Targets {
		if tg.Interleaving == nil {
			continue
		}
		for _, r := range tg.Interleaving.Results {
			if r.Credit == credit && r.Variant == variant {
				return r
			}
		}
	}
	t.Fatalf("no result for %s %s", credit, variant)
	return nil
}

// Credits that are sums of non-integer values tie when they are equal up to
// rounding: 0.1 + 0.2 against 0.3 (0.30000000000000004 > 0.3 in floating
// point) is a tie, while 0.3 against 0.3000003 is still a win.
func TestInterleavingFloatCreditTies(t *testing.T) {
	rep, diags := ilRun(t, "unit", `user_id,session_id,team,dwell_ms,clicked
u1,s1,a,100,false
u1,s1,a,200,false
u1,s1,b,300,false
u2,s2,a,100,true
u2,s2,b,400,false
u3,s3,a,500,false
u3,s3,b,100,true
u4,s4,b,300.0003,true
u4,s4,a,300,false
`)
	if strings.Contains(diags, "error") {
		t.Fatal(diags)
	}
	r := ilResult(t, rep, "dwell", "b")
	if r.Wins != 2 || r.Losses != 1 || r.Ties != 1 {
		t.Errorf("dwell: wins %d losses %d ties %d, want 2, 1, 1 (session s1 ties: 0.1 + 0.2 = 0.3)", r.Wins, r.Losses, r.Ties)
	}
	if r := ilResult(t, rep, "clicks", "b"); r.Wins != 2 || r.Losses != 1 || r.Ties != 1 {
		t.Errorf("clicks: wins %d losses %d ties %d, want 2, 1, 1", r.Wins, r.Losses, r.Ties)
	}
}

// A listed treatment without any session is reported as having no data,
// not as all ties, under both tests and in its first-position check.
func TestInterleavingTreatmentWithoutSessions(t *testing.T) {
	for _, test := range []string{"unit", "sign"} {
		rep, diags := ilRun(t, test, `user_id,session_id,team,dwell_ms,clicked
u1,s1,a,100,false
u1,s1,b,300,true
u2,s2,a,100,true
u2,s2,b,400,false
u3,s3,a,500,false
u3,s3,b,100,true
`)
		if strings.Contains(diags, "error") {
			t.Fatal(diags)
		}
		r := ilResult(t, rep, "clicks", "c")
		if r.NotEstimable != stats.NoSessions || r.MeanNotEstimable != stats.NoSessions {
			t.Errorf("%s: treatment c without sessions: %q / %q", test, r.NotEstimable, r.MeanNotEstimable)
		}
		for _, d := range rep.Targets[0].Decisions {
			if d.Variant == "c" && (len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0], "no session compares this treatment")) {
				t.Errorf("%s: decision for c: %v", test, d.Reasons)
			}
		}
	}
}

// A data file with a header and no rows: the error names the source and
// says it has no rows, at the interleaving's `rows`; rows without a team
// are told apart from no rows.
func TestInterleavingEmptyRows(t *testing.T) {
	_, diags := ilRun(t, "unit", "user_id,session_id,team,dwell_ms,clicked\n")
	for _, want := range []string{"error[E0511]: interleaving `il`: source `rows` has no rows", "spec.cal:7:14", `csv("rows.csv") has no data rows`} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diags)
		}
	}
	_, diags = ilRun(t, "unit", "user_id,session_id,team,dwell_ms,clicked\nu1,s1,,1,true\n")
	if !strings.Contains(diags, "no row of `rows` (1 in all) has a `user_id`, a `session_id` and a `team`") {
		t.Errorf("rows without a team:\n%s", diags)
	}
}

// `rows S where P` in an interleaving keeps only the rows P accepts: the
// same results as the data without the rejected rows.
func TestInterleavingRowsWhere(t *testing.T) {
	data := `user_id,session_id,team,dwell_ms,clicked
u1,s1,a,100,false
u1,s1,b,300,true
u2,s2,a,100,true
u2,s2,b,400,false
u3,s3,a,500,false
u3,s3,b,100,true
u4,s4,a,100,false
u4,s4,b,900,true
u5,s5,a,100,true
u5,s5,b,900,false
`
	var kept []string
	for _, l := range strings.Split(data, "\n") {
		if !strings.HasPrefix(l, "u3,") {
			kept = append(kept, l)
		}
	}
	run := func(spec, data string) string {
		dir := runspec.Write(t, map[string]string{"spec.cal": spec, "rows.csv": data})
		rep := runspec.Report(t, dir)
		b, err := json.Marshal(rep.Targets[0].Interleaving)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	spec := strings.Replace(ilSpec, "TEST", "unit", 1)
	filtered := strings.Replace(spec, "rows       rows\n", "rows       rows where user_id != \"u3\"\n", 1)
	got, want, all := run(filtered, data), run(spec, strings.Join(kept, "\n")), run(spec, data)
	if got != want || got == all {
		t.Errorf("filtered:\n%s\nwithout u3:\n%s\nall:\n%s", got, want, all)
	}
}
