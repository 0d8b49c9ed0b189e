package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/stdlib"
)

func TestRows(t *testing.T) {
	n := func(v float64) *result.Num { x := result.Num(v); return &x }
	k := 2
	rep := &result.Report{Targets: []*result.Target{
		{Kind: "experiment", Name: "e", Alpha: 0.05, Experiment: result.Experiment{Control: "c",
			Results: []*result.Result{
				{Metric: "m", Kind: "mean", Role: "primary", Direction: "increase", Variant: "t",
					Control: result.Arm{Units: 10, Mean: result.NumPtr(1)}, Treatment: result.Arm{Units: 11, Mean: result.NumPtr(2)},
					Absolute: &result.Effect{Estimate: 1, CILower: 0.5, CIUpper: 1.5, StdError: 0.25},
					Relative: &result.Effect{Estimate: 1, CILower: 0.4, CIUpper: 1.6, StdError: 0.3},
					PValue:   n(0.01), PValueAdjusted: n(0.02), Significant: true, Method: "welch_t"},
				{Metric: "m", Kind: "mean", Role: "primary", Direction: "increase", Variant: "t",
					Segment: map[string]string{"b": "2", "a": "1"}, Method: "welch_t"},
			},
			Timeline: []*result.Result{{Metric: "m", Variant: "t", Period: &k, Timeline: "period", PeriodStart: "s", PeriodEnd: "e"}}},
			Decisions: []*result.Decision{{Variant: "t", Outcome: result.Ship}}},
		{Kind: "benchmark", Name: "b", Alpha: 0.1, Bench: &result.Bench{Baseline: "v1", Results: []*result.BenchResult{
			{Model: "v2", Metric: "mrr", Value: 0.9, BaselineValue: 0.8, Delta: n(0.1), CILower: n(0.05), CIUpper: n(0.15),
				StdError: n(0.02), PValue: n(0.001), Significant: true, Method: "paired_t", Queries: 30},
		}}},
	}}
	rows := Rows(rep)
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	if r.Target != "e" || r.Control != "c" || *r.Estimate != 1 || *r.RelCIUpper != 1.6 || *r.PValueAdjusted != 0.02 ||
		r.Decision != "ship" || r.TreatmentUnits != 11 || *r.TreatmentValue != 2 || !r.Overall() {
		t.Errorf("overall row %+v", r)
	}
	if rows[1].Segment != `{"a":"1","b":"2"}` || rows[1].Estimate != nil || rows[1].PValue != nil {
		t.Errorf("segment row %+v", rows[1])
	}
	if p := rows[2].Period; p == nil || *p != 2 || rows[2].Timeline != "period" || rows[2].PeriodEnd != "e" {
		t.Errorf("timeline row %+v", rows[2])
	}
	b := rows[3]
	if b.TargetKind != "benchmark" || b.Variant != "v2" || b.Control != "v1" || *b.Estimate != 0.1 || b.RelEstimate != nil ||
		b.ControlUnits != 30 || *b.ControlValue != 0.8 || b.Alpha != 0.1 || b.Decision != "" {
		t.Errorf("benchmark row %+v", b)
	}
}

func TestSpecHash(t *testing.T) {
	a := SpecHash([]SpecFile{{"d/a.cal", "x"}, {"d/b.cal", "y"}})
	if b := SpecHash([]SpecFile{{"other/b.cal", "y"}, {"other/a.cal", "x"}}); a != b {
		t.Error("order or folder changed the hash")
	}
	for _, fs := range [][]SpecFile{
		{{"d/a.cal", "xy"}, {"d/b.cal", ""}},
		{{"d/a.cal", "x"}, {"d/c.cal", "y"}},
		{{"d/a.cal", "x"}, {"d/b.cal", "y "}},
	} {
		if SpecHash(fs) == a {
			t.Errorf("%v hashes like the original", fs)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.cal"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.cal"), []byte("y"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("z"), 0o644)
	if h, err := SpecHashDir(dir); err != nil || h != a {
		t.Errorf("SpecHashDir: %v", err)
	}
	if h, err := SpecHashDir(filepath.Join(dir, "b.cal")); err != nil || h != a {
		t.Errorf("SpecHashDir of a file: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data/events.csv", "a,b\n1,2\n")
	write("data/parts/2026/p1.parquet", "p1")
	write("data/parts/2026/p2.parquet", "p2")
	write("data/parts/other.txt", "no")
	reader := func(name string) *stdlib.Reader {
		r, ok := stdlib.LookupReader(name)
		if !ok {
			t.Fatalf("no reader %s", name)
		}
		return r
	}
	sources := []*model.Source{
		{Name: "events", Reader: reader("csv"), Arg: filepath.Join(dir, "data/events.csv")},
		{Name: "again", Reader: reader("csv"), Arg: filepath.Join(dir, "data/events.csv")},
		{Name: "parts", Reader: reader("parquet"), Arg: filepath.Join(dir, "data/**/*.parquet")},
		{Name: "tab", Reader: reader("table"), Arg: "warehouse.events"},
	}
	fp, list, err := Fingerprint(dir, sources)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range list {
		paths = append(paths, d.Reader+":"+d.Path+d.Arg)
	}
	want := "table:warehouse.events csv:data/events.csv parquet:data/parts/2026/p1.parquet parquet:data/parts/2026/p2.parquet"
	if strings.Join(paths, " ") != want {
		t.Errorf("sources %q", strings.Join(paths, " "))
	}
	if list[1].Size != 8 || len(list[1].SHA256) != 64 || list[1].ModTime != "" {
		t.Errorf("file entry %+v", list[1])
	}
	again := func() string {
		fp, _, err := Fingerprint(dir, sources)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	// Touching a file keeps the fingerprint; changing it does not.
	now := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "data/events.csv"), now, now)
	if again() != fp {
		t.Error("touching a file changed the fingerprint")
	}
	write("data/events.csv", "a,b\n1,3\n")
	changed := again()
	if changed == fp {
		t.Error("changing a file kept the fingerprint")
	}
	write("data/parts/2026/p3.parquet", "p3")
	if again() == changed {
		t.Error("a new file matched by the glob kept the fingerprint")
	}
}
