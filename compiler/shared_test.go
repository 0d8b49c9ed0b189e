package compiler_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/runspec"
)

// chainSpec is a spec whose metric x_i is x_(i-1) + x_(i-1), i = 1..n
// (issue #13: written out, x_n has 2^n terms), measured by experiments
// with CUPED, a timeline by day, one by exposure day and a split, over the
// security corpus's tiny data.
func chainSpec(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  variant string  ts timestamp }
}

source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  event string  ts timestamp  amount float }
}

metric x0 {
  owner "t"
  value count(events where event == "save")
}
`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\nmetric x%d {\n  owner \"t\"\n  value x%d + x%d\n}\n", i, i-1, i-1)
	}
	for _, e := range []struct{ name, extra string }{
		{"main", "cuped 7d"}, {"daily", "timeline day"}, {"aged", "timeline exposure_day"}, {"split", "split event"},
	} {
		fmt.Fprintf(&b, `
experiment %s {
  exposures  exposures
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  %s
  primary    x%d
  secondary  x0
}
`, e.name, e.extra, n)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "data"), os.DirFS("../testdata/security/_data")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chain.cal"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sqlSize is the length of every query of every experiment of dir (in
// DuckDB's dialect: the others cannot read the csv files).
func sqlSize(t *testing.T, dir string) int {
	res := runspec.Load(t, dir)
	size := 0
	for _, e := range res.Package.Experiments {
		plan, err := compiler.Compile(e, dialect.DuckDB)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		size += len(plan.SQL) + len(plan.SplitSQL) + len(plan.TimelineSQL)
	}
	return size
}

// Metric references compile each metric once (issue #13 item 6): the SQL
// of a 40-level chain of doubling references is about twice that of a
// 20-level one (written out it would be 2^20 times longer), and a chain
// runs: x25's arm means are 2^25 times x0's (at 40 levels the exact
// integer sums of squares overflow BIGINT, which the engine refuses).
func TestSharedValuesLinear(t *testing.T) {
	small, large := sqlSize(t, chainSpec(t, 20)), sqlSize(t, chainSpec(t, 40))
	if ratio := float64(large) / float64(small); ratio > 2.5 {
		t.Errorf("SQL of 40 levels is %d bytes, %.2f times that of 20 levels (%d): not linear", large, ratio, small)
	}
	rep := runspec.Report(t, chainSpec(t, 25))
	for _, tg := range rep.Targets {
		means := map[string]map[string]float64{}
		for _, r := range tg.Results {
			if r.Segment != nil || r.Split != nil || r.Period != nil || r.Control.Mean == nil || r.Treatment.Mean == nil {
				continue
			}
			if means[r.Metric] == nil {
				means[r.Metric] = map[string]float64{"control": float64(*r.Control.Mean), "treatment": float64(*r.Treatment.Mean)}
			}
		}
		x0, x25 := means["x0"], means["x25"]
		if x0 == nil || x25 == nil {
			t.Fatalf("%s: no overall means of x0 and x25 in %v", tg.Name, means)
		}
		for arm, want := range map[string]float64{"control": 2.0 / 3, "treatment": 1} {
			if math.Abs(x0[arm]-want) > 1e-12 {
				t.Errorf("%s: x0's %s mean is %v, want %v", tg.Name, arm, x0[arm], want)
			}
			if got := x25[arm] / math.Ldexp(x0[arm], 25); math.Abs(got-1) > 1e-12 {
				t.Errorf("%s: x25's %s mean is %v, want 2^25 × %v", tg.Name, arm, x25[arm], x0[arm])
			}
		}
	}
}
