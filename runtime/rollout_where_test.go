package runtime_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
)

// exampleRollout returns the rollout example's spec and data lines.
func exampleRollout(t *testing.T) (string, []string) {
	t.Helper()
	spec, err := os.ReadFile(filepath.Join("..", "examples", "rollout", "rollout.cal"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "examples", "rollout", "data", "market_daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return string(spec), strings.Split(strings.TrimSpace(string(data)), "\n")
}

// runRolloutJSON runs a rollout spec on data lines and returns its target
// as JSON and the rendered diagnostics.
func runRolloutJSON(t *testing.T, spec string, lines []string) (string, string) {
	t.Helper()
	dir := runspec.Write(t, map[string]string{"rollout.cal": spec, "data/market_daily.csv": strings.Join(lines, "\n") + "\n"})
	rep, diags, res := runspec.Run(t, dir, runtime.Options{})
	var b strings.Builder
	diag.Render(&b, res.Files, diags, diag.RenderOptions{})
	if diags.HasErrors() || len(rep.Targets) != 1 {
		t.Fatalf("run:\n%s", b.String())
	}
	j, err := json.Marshal(rep.Targets[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(j), b.String()
}

// `rows S where P` keeps only the rows P accepts: the rollout example with
// `where market != "m03" and saves >= 0` gives exactly the results of the
// example on its data without m03's rows, and not those of the whole data.
func TestRolloutRowsWhereFilters(t *testing.T) {
	spec, lines := exampleRollout(t)
	var without []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "m03,") {
			without = append(without, l)
		}
	}
	if len(without) == len(lines) {
		t.Fatal("the example has no market m03")
	}
	filtered := strings.Replace(spec, "rows       market_daily\n", "rows       market_daily where market != \"m03\" and saves >= 0\n", 1)
	if filtered == spec {
		t.Fatal("the example's rows line moved")
	}
	got, _ := runRolloutJSON(t, filtered, lines)
	want, _ := runRolloutJSON(t, spec, without)
	all, _ := runRolloutJSON(t, spec, lines)
	if got != want {
		t.Errorf("filtered rows differ from the data without m03:\n%s\n%s", got, want)
	}
	if got == all {
		t.Error("the filter changed nothing")
	}
}

// Rows of one group whose adoption instants differ within one period are
// flagged (the group still adopts in that period), with the group named at
// the rollout's `adopted`.
func TestRolloutAdoptionWithinPeriodFlagged(t *testing.T) {
	spec, lines := exampleRollout(t)
	changed := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "m01,") && changed < 3 {
			f := strings.Split(l, ",")
			if !strings.HasPrefix(f[4], "2026-07-01 ") { // a Wednesday: the 2nd is in the same week
				t.Fatalf("m01 adopts at %s; the test expects 2026-07-01", f[4])
			}
			f[4] = "2026-07-02 08:00:00"
			lines[i] = strings.Join(f, ",")
			changed++
		}
	}
	_, diags := runRolloutJSON(t, spec, lines)
	for _, want := range []string{"warning[W", "1 group(s) have different `launched_at` instants on different rows, within one week", `"m01" (2026-07-01 11:18:54 to 2026-07-02 08:00:00)`, "rollout.cal:31:14"} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diags)
		}
	}
	_, orig := exampleRollout(t)
	if _, diags := runRolloutJSON(t, spec, orig); strings.Contains(diags, "different `launched_at` instants") {
		t.Errorf("the example's own data flagged:\n%s", diags)
	}
}

// A `where` that keeps no row is an error at the rows, saying so (for a
// rollout and an interleaving).
func TestRowsWhereKeepsNothing(t *testing.T) {
	spec, lines := exampleRollout(t)
	spec = strings.Replace(spec, "rows       market_daily\n", "rows       market_daily where market == \"nope\"\n", 1)
	dir := runspec.Write(t, map[string]string{"rollout.cal": spec, "data/market_daily.csv": strings.Join(lines, "\n") + "\n"})
	_, diags, res := runspec.Run(t, dir, runtime.Options{})
	var b strings.Builder
	diag.Render(&b, res.Files, diags, diag.RenderOptions{})
	for _, want := range []string{"error[E0511]: rollout `fm_v3_markets`: no row of `market_daily` passes the rows' `where`", "rollout.cal:29:14"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("rollout diagnostics lack %q:\n%s", want, b.String())
		}
	}
	il := strings.Replace(strings.Replace(ilSpec, "TEST", "unit", 1), "rows       rows\n", "rows       rows where dwell_ms > 1e6\n", 1)
	dir = runspec.Write(t, map[string]string{"spec.cal": il, "rows.csv": "user_id,session_id,team,dwell_ms,clicked\nu1,s1,a,1,true\nu1,s1,b,2,false\n"})
	_, diags, res = runspec.Run(t, dir, runtime.Options{})
	b.Reset()
	diag.Render(&b, res.Files, diags, diag.RenderOptions{})
	if !strings.Contains(b.String(), "error[E0511]: interleaving `il`: none of the 2 rows of `rows` passes the rows' `where`") {
		t.Errorf("interleaving diagnostics:\n%s", b.String())
	}
}
