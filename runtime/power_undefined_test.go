package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/result"
)

// powerSpec is a small experiment with a mean, a ratio and a quantile
// metric. The control's per-unit values (clicks M, views D) are
//
//	a: M 1, D 4    b: M 3, D 5    c: M 0, D 2    d: M 2, D 6
//
// and one more control unit, e, has no events; treatment units t1..t3.
const powerSpec = `
source exposures {
  from csv("exposures.csv")
  columns { user_id string  variant string }
}
source events {
  from csv("events.csv")
  columns { user_id string  event string  ms float }
}
metric views_per_user { value count(events where event == "view") }
metric ctr { value count(events where event == "click") / count(events where event == "view") }
metric p90_ms { value quantile(events.ms where event == "view", 0.9) }
experiment e {
  exposures  exposures
  unit       user_id
  assignment variant
  control    "control"
  primary    ctr
  secondary  views_per_user, p90_ms
}
`

func powerData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	exp := "user_id,variant\na,control\nb,control\nc,control\nd,control\ne,control\nt1,treat\nt2,treat\nt3,treat\n"
	var ev strings.Builder
	ev.WriteString("user_id,event,ms\n")
	per := map[string][2]int{"a": {1, 4}, "b": {3, 5}, "c": {0, 2}, "d": {2, 6}, "t1": {1, 3}, "t2": {2, 4}, "t3": {0, 5}}
	ms := 10.0
	for _, u := range []string{"a", "b", "c", "d", "t1", "t2", "t3"} {
		for i := 0; i < per[u][0]; i++ {
			ev.WriteString(u + ",click,\n")
		}
		for i := 0; i < per[u][1]; i++ {
			ms += 7
			ev.WriteString(fmt.Sprintf("%s,view,%g\n", u, ms))
		}
	}
	for name, text := range map[string]string{"spec.cal": powerSpec, "exposures.csv": exp, "events.csv": ev.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// `caliper power` never shows a missing value as 0: a quantile metric has
// a null mean and SD with the reason (— in the table), and asking for it
// alone is refused; a ratio's SD is the delta-method per-unit SD,
// sqrt((s²_M − 2R s_MD + R² s²_D) / D̄²), computed here from the units.
func TestPowerMissingIsNotZero(t *testing.T) {
	dir := powerData(t)
	res := runspec.Load(t, dir)
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	e := res.Package.Targets[0]
	p, diags := runtime.Power(context.Background(), eng, e, runtime.PowerOptions{MDE: 0.1})
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	entries := map[string]*result.PowerEntry{}
	for _, pe := range p.Metrics {
		entries[pe.Metric] = pe
	}

	// The ratio: delta-method SD over the 5 control units (e has M = D = 0).
	M := []float64{1, 3, 0, 2, 0}
	D := []float64{4, 5, 2, 6, 0}
	n := float64(len(M))
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / n
	}
	cov := func(x, y []float64) float64 {
		mx, my, s := mean(x), mean(y), 0.0
		for i := range x {
			s += (x[i] - mx) * (y[i] - my)
		}
		return s / (n - 1)
	}
	r := mean(M) / mean(D)
	wantSD := math.Sqrt((cov(M, M) - 2*r*cov(M, D) + r*r*cov(D, D)) / (mean(D) * mean(D)))
	ctr := entries["ctr"]
	if ctr == nil || ctr.Method != "normal" || ctr.Mean == nil || ctr.StdDev == nil {
		t.Fatalf("ctr: %+v", ctr)
	}
	if math.Abs(float64(*ctr.Mean)-r) > 1e-12 || math.Abs(float64(*ctr.StdDev)-wantSD) > 1e-12*wantSD || !(wantSD > 0) {
		t.Errorf("ctr: mean %v sd %v, want %v and the delta-method SD %v", *ctr.Mean, *ctr.StdDev, r, wantSD)
	}
	if views := entries["views_per_user"]; views.Mean == nil || views.StdDev == nil || math.Abs(float64(*views.StdDev)-math.Sqrt(cov(D, D))) > 1e-12 {
		t.Errorf("views_per_user: %+v, want SD %v", views, math.Sqrt(cov(D, D)))
	}

	// The quantile: nothing made up.
	q := entries["p90_ms"]
	if q == nil || q.Mean != nil || q.StdDev != nil || q.UnitsPerArm != nil || q.CurrentMDE != nil || q.Method != "none" ||
		!strings.Contains(q.Note, "not supported for quantile metrics") {
		t.Fatalf("p90_ms: %+v", q)
	}
	var js, table bytes.Buffer
	if err := report.WritePowerJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"mean": null,
      "std_dev": null,`) {
		t.Errorf("JSON: want a null mean and SD for p90_ms:\n%s", js.String())
	}
	if err := report.WritePowerTable(&table, p); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(table.String(), "\n") {
		if strings.HasPrefix(line, "p90_ms ") {
			if f := strings.Fields(line); len(f) < 5 || f[3] != report.Undefined || f[4] != report.Undefined {
				t.Errorf("table row %q: want %s for the mean and SD", line, report.Undefined)
			}
		}
	}
	if !strings.Contains(table.String(), "note: p90_ms: power analysis is not supported for quantile metrics") {
		t.Errorf("table: the quantile's reason is missing:\n%s", table.String())
	}

	// Asked for alone, with data or with --baseline, a quantile is refused.
	base := 100.0
	for _, opt := range []runtime.PowerOptions{{MDE: 0.1, Metric: "p90_ms"}, {MDE: 0.1, Metric: "p90_ms", Baseline: &base}} {
		if p, diags := runtime.Power(context.Background(), eng, e, opt); !diags.HasErrors() || p != nil ||
			!strings.Contains(diags.Err().Error(), "metric p90_ms: power analysis is not supported for quantile metrics") {
			t.Errorf("--metric p90_ms (baseline %v): want a refusal, got %v %v", opt.Baseline != nil, p, diags.Err())
		}
	}
}
