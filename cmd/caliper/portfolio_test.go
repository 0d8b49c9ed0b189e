package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/portfolio/portfoliotest"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// fixtureStore writes the portfolio fixture's runs into a new store.
func fixtureStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portfolio.duckdb")
	st, err := duckstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range portfoliotest.Runs() {
		if err := st.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPortfolioGolden: the fixture store in every format, through the CLI.
func TestPortfolioGolden(t *testing.T) {
	path := fixtureStore(t)
	for _, format := range []string{"table", "json", "markdown", "html"} {
		code, out, errs := run("portfolio", "--store", path, "--format", format, "--replicates", "1000")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		out = strings.ReplaceAll(out, path, "portfolio.duckdb")
		ext := map[string]string{"table": "txt", "json": "json", "markdown": "md", "html": "html"}[format]
		golden.Check(t, filepath.Join("..", "..", "testdata", "portfolio", "fixture."+ext), []byte(out))
		if format == "json" {
			var doc map[string]any
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One metric, the holdout named.
	code, out, errs := run("portfolio", "--store", path, "--metric", "conversion", "--holdout", "launch_holdout", "--since", "2026-07-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "leak (corrected − holdout)") || strings.Contains(out, "metric clicks") {
		t.Errorf("--metric conversion output:\n%s", out)
	}
	// A leak that cannot be estimated says why (clicks: the launches
	// were selected on another primary, so the sum is not corrected).
	code, out, errs = run("portfolio", "--store", path, "--metric", "clicks")
	if code != 0 || !strings.Contains(out, "leak — (the shipped impact has no corrected sum to compare)") {
		t.Errorf("--metric clicks: exit %d %s\n%s", code, errs, out)
	}
}

func TestPortfolioRefuses(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.duckdb")
	st, err := duckstore.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	full := fixtureStore(t)
	notStore := filepath.Join(dir, "notes.duckdb")
	if err := os.WriteFile(notStore, []byte("not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"portfolio", "--store", filepath.Join(dir, "missing.duckdb")}, 1, "does not exist"},
		{[]string{"portfolio", "--store", empty}, 1, "holds no runs"},
		{[]string{"portfolio", "--store", full, "--metric", "revenue"}, 1, "needs at least 2 experiments measuring it"},
		{[]string{"portfolio", "--store", full, "--since", "2030-01-01"}, 1, "no experiment runs in the window asked for: its experiment runs were made from "},
		{[]string{"portfolio", "--store", full, "--since", "2026-02-01", "--until", "2026-01-01"}, 2, "--since 2026-02-01 is not before --until 2026-01-01"},
		{[]string{"portfolio", "--store", notStore}, 1, "is not a Caliper results store (not a DuckDB database file)"},
		{[]string{"portfolio", "--store", dir}, 1, "is a directory"},
		{[]string{"portfolio", "--store", full, "--since", "July"}, 2, "want a date YYYY-MM-DD"},
		{[]string{"portfolio", "--store", full, "--format", "yaml"}, 2, "unknown format"},
		{[]string{"portfolio"}, 2, "required flag"},
		{[]string{"portfolio", "--store", full, "--replicates", "0"}, 2, "--replicates 0: the bootstrap takes 100 to 1000000 replicates"},
		{[]string{"portfolio", "--store", full, "--replicates", "-5"}, 2, "--replicates -5: the bootstrap takes 100 to"},
		{[]string{"portfolio", "--store", full, "--replicates", "1"}, 2, "--replicates 1: the bootstrap takes 100 to"},
		{[]string{"portfolio", "--store", full, "--metric", "convresion"}, 1, "metric convresion has no experiment results in results store " + full + " (did you mean conversion?)"},
		{[]string{"portfolio", "--store", full, "--holdout", "launch_holdot"}, 1, "(did you mean launch_holdout?)"},
	} {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", c.args, code, errs, c.code, c.err)
		}
		// One clean line: "caliper: <reason>", no second prefix.
		if strings.Contains(errs, "refused") || strings.Count(errs, "caliper:") != 1 {
			t.Errorf("%v: stderr %q: want one line \"caliper: <reason>\"", c.args, errs)
		}
	}
}

// TestPortfolioExamples stores the homefeed and holdout examples and
// reviews them: saves_per_user is measured by three homefeed experiments
// and the holdout, so the leak is estimated.
func TestPortfolioExamples(t *testing.T) {
	testenv.NeedLong(t, "portfolio over the examples run into a store")
	path := filepath.Join(t.TempDir(), "examples.duckdb")
	for _, ex := range []string{"homefeed", "holdout"} {
		if code, _, errs := run("run", filepath.Join("..", "..", "examples", ex), "--store", path); code != 0 {
			t.Fatalf("run %s: exit %d: %s", ex, code, errs)
		}
	}
	code, out, errs := run("portfolio", "--store", path, "--holdout", "homefeed_holdout", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Metrics []struct {
			Metric  string `json:"metric"`
			Holdout *struct {
				Relative *struct {
					Leak *float64 `json:"leak"`
				} `json:"relative"`
			} `json:"holdout"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range doc.Metrics {
		if m.Metric == "saves_per_user" {
			found = m.Holdout != nil && m.Holdout.Relative != nil && m.Holdout.Relative.Leak != nil
		}
	}
	if !found {
		t.Errorf("saves_per_user has no leak estimate:\n%s", out)
	}
	if code, out, _ := run("portfolio", "--store", path, "--holdout", "homefeed_holdout", "--format", "html"); code != 0 || !strings.Contains(out, "<svg") {
		t.Errorf("html: exit %d, no plot", code)
	}
	_ = os.Remove(path)
}

// simulate --scenario portfolio writes a store that portfolio reviews.
func TestSimulatePortfolio(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run("simulate", "--scenario", "portfolio", "--out", dir, "--replicates", "20")
	if code != 0 || !strings.Contains(out, "over 20 replicates") || !strings.Contains(out, "true sum of the shipped lifts") {
		t.Fatalf("simulate: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("portfolio", "--store", filepath.Join(dir, "portfolio.duckdb"), "--replicates", "200")
	if code != 0 || !strings.Contains(out, "holdout portfolio_holdout (relative)") {
		t.Errorf("portfolio: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run("simulate", "--scenario", "portfolio", "--out", dir, "--replicates", "0"); code == 0 || !strings.Contains(errs, "exists") {
		t.Errorf("second simulate into the same folder: exit %d, %s", code, errs)
	}
}
