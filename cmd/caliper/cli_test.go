package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
)

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// tiny is a one-experiment spec with 60 users: the CLI tests run it
// where the example does not matter (the homefeed example takes ten
// times as long).
const tiny = "../../testdata/cli/tiny"

func TestCLI(t *testing.T) {
	const ex = "../../examples/homefeed"
	bad := filepath.Join(t.TempDir(), "bad.cal")
	src, err := os.ReadFile("../../testdata/diagnostics/name_unknown_metric.cal")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, src, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"check", ex}, 0, "ok: 2 source(s), 8 metric(s), 4 experiment(s), 0 benchmark(s)", ""},
		{[]string{"check", bad}, 1, "", "did you mean `save_rate`?"},
		{[]string{"compile", ex}, 0, `GROUP BY u."unit"`, ""},
		{[]string{"compile", ex, "--target", "oracle"}, 2, "", "unknown target"},
		{[]string{"compile", "../../examples/offline"}, 0, `-- Caliper benchmark "ranker_offline"`, ""},
		{[]string{"compile", "../../examples/offline", "--dialect", "postgres"}, 2, "", "which PostgreSQL cannot read"},
		{[]string{"run", tiny}, 0, "saves_per_user", ""},
		{[]string{"run", ex, "--format", "yaml"}, 2, "", "unknown format"},
		{[]string{"run", tiny, "--gate"}, 3, "decision for treatment: INCONCLUSIVE", ""},
		{[]string{"run", "no/such/folder"}, 2, "", "no/such/folder does not exist: PATH is a spec folder or a .cal file"},
		{[]string{"frobnicate"}, 2, "", "unknown command"},
	}
	for _, c := range cases {
		code, out, errs := run(c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) {
			t.Errorf("caliper %s: exit %d (want %d)\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), code, c.code, out, errs)
		}
	}
}

func TestRunJSONContract(t *testing.T) {
	testenv.SkipShort(t, "runs the homefeed example")
	code, out, errs := run("run", "../../examples/homefeed", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Targets []map[string]json.RawMessage `json:"targets"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"kind", "name", "control", "units", "excluded", "srm", "results"} {
		if _, ok := doc.Targets[0][key]; !ok {
			t.Errorf("target lacks %q", key)
		}
	}
	var results []map[string]json.RawMessage
	if err := json.Unmarshal(doc.Targets[0]["results"], &results); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"metric", "kind", "role", "variant", "control", "treatment", "absolute", "relative", "p_value", "significant"} {
		if _, ok := results[0][key]; !ok {
			t.Errorf("result lacks %q", key)
		}
	}
}
