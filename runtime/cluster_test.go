package runtime_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
)

// runDiags runs the spec folder and renders its diagnostics.
func runDiags(t *testing.T, dir string) string {
	t.Helper()
	_, diags, res := runspec.Run(t, dir, runtime.Options{})
	var b strings.Builder
	diag.Render(&b, res.Files, diags, diag.RenderOptions{})
	return b.String()
}

const clusterSpec = `
source exposures { from csv("exposures.csv") columns { unit string  variant string  household string } }
source events { from csv("events.csv") columns { unit string  kind string  value float } }
metric mean { value sum(events.value where kind == "y") }
metric ratio { value sum(events.value where kind == "m") / sum(events.value where kind == "d") }
experiment households {
  exposures  exposures
  unit       unit
  assignment variant
  control    "control"
  cluster    household
  primary    mean
  secondary  ratio
}`

// A cluster-randomized experiment (`cluster household`) end to end on the
// committed data set with unequal cluster sizes (testdata/stats/cluster,
// 504 units in 40 clusters of 1 to 41): the estimate and the cluster-robust
// (delta on cluster totals) standard error of a mean and a ratio metric,
// absolute and relative, match R (cluster.R: sandwich::vcovCL, estimatr)
// to 1e-6.
func TestClusterMatchesR(t *testing.T) {
	f, err := os.Open("../testdata/stats/cluster/data.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var ex, ev strings.Builder
	ex.WriteString("unit,variant,household\n")
	ev.WriteString("unit,kind,value\n")
	for _, r := range rows[1:] { // cluster,arm,unit,y,m,d
		variant := map[string]string{"0": "control", "1": "treatment"}[r[1]]
		fmt.Fprintf(&ex, "%s,%s,%s\n", r[2], variant, r[0])
		fmt.Fprintf(&ev, "%s,y,%s\n%s,m,%s\n%s,d,%s\n", r[2], r[3], r[2], r[4], r[2], r[5])
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"exposures.csv": ex.String(), "events.csv": ev.String(), "spec.cal": clusterSpec} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Without `cluster`, the run warns that the data look randomized by
	// household.
	noCluster := strings.Replace(clusterSpec, "  cluster    household\n", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "spec.cal"), []byte(noCluster), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := runDiags(t, dir); !strings.Contains(d, "W0006") || !strings.Contains(d, "cluster household") {
		t.Errorf("no cluster hint without `cluster`:\n%s", d)
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.cal"), []byte(clusterSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := runDiags(t, dir); strings.Contains(d, "W0006") {
		t.Errorf("cluster hint despite `cluster`:\n%s", d)
	}
	tg := runSpecDir(t, dir)
	if tg.Clustered != "household" {
		t.Errorf("target not marked clustered: %q", tg.Clustered)
	}
	want := map[string]float64{}
	ef, err := os.Open("../testdata/stats/cluster/expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := csv.NewReader(ef).ReadAll()
	ef.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range exp[1:] {
		v, _ := strconv.ParseFloat(r[2], 64)
		want[r[0]+"/"+r[1]] = v
	}
	for _, r := range tg.Results {
		if r.Absolute == nil || r.Relative == nil {
			t.Fatalf("%s not estimated: %v", r.Metric, r.Notes)
		}
		m := r.Metric
		if r.Control.Mean == nil || r.Treatment.Mean == nil {
			t.Fatalf("%s: arm mean not defined", m)
		}
		within(t, m+" control", float64(*r.Control.Mean), want[m+"/control_value"], 1e-6)
		within(t, m+" treatment", float64(*r.Treatment.Mean), want[m+"/treatment_value"], 1e-6)
		within(t, m+" estimate", float64(r.Absolute.Estimate), want[m+"/estimate"], 1e-6)
		within(t, m+" delta se", float64(r.Absolute.StdError), want[m+"/delta_se"], 1e-6)
		within(t, m+" relative", float64(r.Relative.Estimate), want[m+"/relative"], 1e-6)
		within(t, m+" relative se", float64(r.Relative.StdError), want[m+"/relative_se"], 1e-6)
	}
}

// clusterData writes the spec and the committed cluster data set
// (testdata/stats/cluster/data.csv) as exposures and events into a new
// folder, leaving out the households in drop and adding extra rows
// (unit, variant, household).
func clusterData(t *testing.T, drop map[string]bool, extra [][3]string) string {
	t.Helper()
	f, err := os.Open("../testdata/stats/cluster/data.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var ex, ev strings.Builder
	ex.WriteString("unit,variant,household\n")
	ev.WriteString("unit,kind,value\n")
	for _, r := range rows[1:] { // cluster,arm,unit,y,m,d
		if drop[r[0]] {
			continue
		}
		variant := map[string]string{"0": "control", "1": "treatment"}[r[1]]
		fmt.Fprintf(&ex, "%s,%s,%s\n", r[2], variant, r[0])
		fmt.Fprintf(&ev, "%s,y,%s\n%s,m,%s\n%s,d,%s\n", r[2], r[3], r[2], r[4], r[2], r[5])
	}
	for _, x := range extra {
		fmt.Fprintf(&ex, "%s,%s,%s\n", x[0], x[1], x[2])
		fmt.Fprintf(&ev, "%s,y,1\n%s,m,0\n%s,d,1\n", x[0], x[0], x[0])
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"exposures.csv": ex.String(), "events.csv": ev.String(), "spec.cal": clusterSpec} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// With `cluster household` the sample-ratio check counts households per
// arm (not users), a household with users in both arms is left out whole
// and counted, and `units` counts users for every metric (the ratio's too,
// not its denominator sum): against testdata/stats/cluster/srm.R. In the
// "unbalanced" case (20 against 16 households of unequal size) counting
// users would give p = 8.6e-7 (INVALID); counting households gives 0.505.
func TestClusterSRMMatchesR(t *testing.T) {
	f, err := os.Open("../testdata/stats/cluster/srm_expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		if want[r[0]] == nil {
			want[r[0]] = map[string]float64{}
		}
		want[r[0]][r[1]] = v
	}
	// srm.R's cases: the first control household is c01 and the first
	// treatment one is checked from the data below.
	firstTreatment := []string{}
	{
		seen := map[string]bool{}
		fd, _ := os.ReadFile("../testdata/stats/cluster/data.csv")
		for _, line := range strings.Split(string(fd), "\n")[1:] {
			p := strings.Split(line, ",")
			if len(p) > 1 && p[1] == "1" && !seen[p[0]] {
				seen[p[0]] = true
				firstTreatment = append(firstTreatment, p[0])
			}
		}
		sort.Strings(firstTreatment)
	}
	firstControl := "c01"
	cases := map[string]string{
		"committed":  clusterData(t, nil, nil),
		"mixed":      clusterData(t, nil, [][3]string{{"x01", "treatment", firstControl}, {"x02", "control", firstTreatment[0]}}),
		"unbalanced": clusterData(t, map[string]bool{firstTreatment[0]: true, firstTreatment[1]: true, firstTreatment[2]: true, firstTreatment[3]: true}, nil),
	}
	if len(want) != len(cases) {
		t.Fatalf("srm_expected.csv has %d cases, want %d", len(want), len(cases))
	}
	for name, dir := range cases {
		w := want[name]
		tg := runSpecDir(t, dir)
		within(t, name+" srm p", float64(tg.SRM.PValue), w["srm_p_clusters"], 1e-6)
		if !tg.SRM.Passed {
			t.Errorf("%s: the sample-ratio check failed (p = %g)", name, float64(tg.SRM.PValue))
		}
		for k, v := range map[string]int64{
			"control_units": tg.Units["control"], "treatment_units": tg.Units["treatment"],
			"control_clusters": tg.Clusters["control"], "treatment_clusters": tg.Clusters["treatment"],
			"excluded_clusters": tg.Excluded["mixed_clusters"],
		} {
			if float64(v) != w[k] {
				t.Errorf("%s: %s = %d, want %g", name, k, v, w[k])
			}
		}
		for _, r := range tg.Results {
			if float64(r.Control.Units) != w["control_units"] || float64(r.Treatment.Units) != w["treatment_units"] {
				t.Errorf("%s: %s units %d / %d, want %g / %g", name, r.Metric, r.Control.Units, r.Treatment.Units,
					w["control_units"], w["treatment_units"])
			}
		}
		if name == "mixed" && !strings.Contains(strings.Join(tg.Notes, "\n"), fmt.Sprintf("2 clusters of household had units in more than one variant and were left out (%g units)", w["excluded_units"])) {
			t.Errorf("mixed: no note on the excluded households: %q", tg.Notes)
		}
	}
}
