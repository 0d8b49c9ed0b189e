package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// caliper simulate writes data and a spec that caliper run analyses.
func TestSimulate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sim")
	code, out, errs := run("simulate", "--scenario", "ab", "--units", "600", "--seed", "4", "--out", dir)
	if code != 0 || !strings.Contains(out, "scenario ab: 600 units in hf_ranker_v2") || !strings.Contains(out, "planted: treatment: save probability +10%") {
		t.Fatalf("simulate: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	code, out, errs = run("run", dir)
	if code != 0 || !strings.Contains(out, "experiment hf_ranker_v2") || !strings.Contains(out, "saves_per_user") {
		t.Fatalf("run: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, c := range []struct{ args []string }{
		{[]string{"simulate", "--scenario", "abc", "--out", dir}},
		{[]string{"simulate", "--format", "json", "--out", dir}},
		{[]string{"simulate", "--units", "0", "--out", dir}},
		{[]string{"simulate"}},
	} {
		if code, _, errs := run(c.args...); code != 2 || errs == "" {
			t.Errorf("caliper %s: exit %d (want 2), stderr %q", strings.Join(c.args, " "), code, errs)
		}
	}
}
