package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckFormats(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.cal")
	src, err := os.ReadFile("../../testdata/diagnostics/name_unknown_metric.cal")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bad, string(src))

	code, out, _ := run("check", bad, "--format", "json")
	var doc struct {
		Diagnostics []struct {
			Code  string   `json:"code"`
			File  string   `json:"file"`
			Line  int      `json:"line"`
			Hints []string `json:"hints"`
		} `json:"diagnostics"`
		Errors int `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if doc.Errors != 1 || doc.Diagnostics[0].Code != "E0202" || doc.Diagnostics[0].File != bad || doc.Diagnostics[0].Line != 21 {
		t.Errorf("json: %+v", doc)
	}

	code, out, _ = run("check", bad, "--format", "sarif")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || code != 1 || log.Version != "2.1.0" || log.Runs[0].Results[0].RuleID != "E0202" {
		t.Errorf("sarif: exit %d, %v: %+v", code, err, log)
	}

	code, out, _ = run("check", bad, "--format", "github")
	if code != 1 || !strings.HasPrefix(out, "::error file="+bad+",line=21,col=14,endLine=21,endColumn=21,title=E0202::unknown metric `save_rat`") {
		t.Errorf("github: exit %d\n%s", code, out)
	}

	if code, out, _ := run("check", "../../examples/homefeed", "--format", "json"); code != 0 || !strings.Contains(out, `"errors": 0`) {
		t.Errorf("clean folder: exit %d\n%s", code, out)
	}
	if code, _, errs := run("check", bad, "--format", "yaml"); code != 2 || !strings.Contains(errs, "unknown format") {
		t.Errorf("bad format: exit %d %s", code, errs)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	messy := filepath.Join(dir, "specs", "m.cal")
	writeFile(t, messy, "// saves\nmetric saves { value count(events where event==\"save\") // the count\n owner \"ds\" }\n")
	tidy := "// saves\nmetric saves {\n  value count(events where event == \"save\") // the count\n  owner \"ds\"\n}\n"
	writeFile(t, filepath.Join(dir, "specs", "ok.cal"), tidy)
	writeFile(t, filepath.Join(dir, "specs", "testdata", "skipped.cal"), "metric {")

	if code, out, _ := run("fmt", messy); code != 0 || out != tidy {
		t.Errorf("fmt FILE: exit %d\n%s", code, out)
	}
	if code, out, _ := run("fmt", "-l", dir); code != 1 || out != messy+"\n" {
		t.Errorf("fmt -l: exit %d\n%q", code, out)
	}
	if code, out, _ := run("fmt", "-d", dir); code != 1 || !strings.Contains(out, "+  owner \"ds\"\n") || !strings.HasPrefix(out, "--- "+messy) {
		t.Errorf("fmt -d: exit %d\n%s", code, out)
	}
	if code, out, _ := run("fmt", "-w", dir); code != 0 || out != "" {
		t.Errorf("fmt -w: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(messy); string(b) != tidy {
		t.Errorf("fmt -w wrote:\n%s", b)
	}
	if code, out, _ := run("fmt", "-l", dir); code != 0 || out != "" {
		t.Errorf("fmt -l after -w: exit %d\n%s", code, out)
	}
	bad := filepath.Join(dir, "bad.cal")
	writeFile(t, bad, "metric m {\n  value count(events where\n}\n")
	if code, _, errs := run("fmt", "-w", bad); code != 1 || !strings.Contains(errs, "expected a condition after `where`") {
		t.Errorf("fmt of a bad file: exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(bad); !strings.Contains(string(b), "where\n}") {
		t.Errorf("a bad file was rewritten")
	}
}

const diffSpec = `source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  ts timestamp  event string  variant string }
}
metric saves {
  title       "Saves"
  description "Saves per user."
  owner       "ds"
  value       count(events where event == "save")
}
experiment e {
  exposures  events
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves
}
`

func TestDiff(t *testing.T) {
	old, new := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(old, "s.cal"), diffSpec)
	writeFile(t, filepath.Join(new, "s.cal"), strings.Replace(strings.Replace(diffSpec, `"save"`, `"pin"`, 1), `"Saves"`, `"Pins"`, 1))
	code, out, errs := run("diff", old, new)
	if code != 0 || !strings.Contains(out, "meaning  metric      saves") || !strings.Contains(out, `value: count(events where event == "save") → count(events where event == "pin")`) ||
		!strings.Contains(out, "meaning  experiment  e") || !strings.Contains(out, "2 changed meaning, 0 changed text only, 0 added, 0 removed, 1 unchanged") {
		t.Errorf("diff: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run("diff", old, new, "--format", "json")
	var doc struct {
		Changes []map[string]any `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || len(doc.Changes) != 2 {
		t.Errorf("diff --format json: exit %d, %v\n%s", code, err, out)
	}
	if code, _, errs := run("diff", old); code != 2 || !strings.Contains(errs, "accepts 2 arg(s)") {
		t.Errorf("diff with one folder: exit %d %s", code, errs)
	}
}

func TestDiffGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "specs", "s.cal"), diffSpec)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"}} {
		c := exec.Command("git", args...)
		c.Dir = repo
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	writeFile(t, filepath.Join(repo, "specs", "s.cal"), strings.Replace(diffSpec, `"Saves"`, `"Pins"`, 1))
	t.Chdir(repo)
	code, out, errs := run("diff", "--git", "HEAD", "specs")
	if code != 0 || !strings.Contains(out, `text    metric  saves  title: "Saves" → "Pins"`) {
		t.Errorf("diff --git: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run("diff", "--git", "nosuchrev", "specs"); code != 2 || !strings.Contains(errs, "git ls-tree") {
		t.Errorf("bad revision: exit %d %s", code, errs)
	}
}

func TestCatalog(t *testing.T) {
	const ex = "../../examples/homefeed"
	if code, out, _ := run("catalog", ex); code != 0 || !strings.Contains(out, "# Metric catalog") || !strings.Contains(out, "## saves_per_user") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	if code, out, _ := run("catalog", ex, "--format", "html"); code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("html: exit %d", code)
	}
	code, out, _ := run("catalog", ex, "--format", "json")
	var doc struct {
		Metrics []struct {
			Name string `json:"name"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || len(doc.Metrics) < 7 {
		t.Errorf("json: exit %d, %v", code, err)
	}
	for _, format := range []string{"markdown", "html", "json"} {
		if code, out, _ := run("catalog", "../../examples/offline", "--format", format); code != 0 || !strings.Contains(out, "ranker_offline") || !strings.Contains(out, "ndcg@10") {
			t.Errorf("%s: benchmarks not listed: exit %d\n%s", format, code, out)
		}
	}
	if code, out, _ := run("check", "../../examples/offline"); code != 0 || !strings.Contains(out, "1 benchmark(s)") {
		t.Errorf("check does not count benchmarks: %s", out)
	}
	if code, _, errs := run("catalog", ex, "--format", "pdf"); code != 2 || !strings.Contains(errs, "unknown format") {
		t.Errorf("bad format: exit %d %s", code, errs)
	}
}
