package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunReportFormats checks --format markdown and html, and --out.
func TestRunReportFormats(t *testing.T) {
	const ex = tiny
	code, out, errs := run("run", ex, "--format", "markdown")
	if code != 0 || !strings.HasPrefix(out, "### Experiment Tiny (`tiny`)") || !strings.Contains(out, "| Metric | Role |") {
		t.Fatalf("run --format markdown: exit %d\n%s\n%s", code, out, errs)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	code, out, errs = run("run", ex, "--format", "html", "--out", file)
	if code != 0 || out != "" {
		t.Fatalf("run --format html --out: exit %d, stdout %q\n%s", code, out, errs)
	}
	page, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(page), "<!doctype html>") || !strings.Contains(string(page), "<svg ") {
		t.Errorf("--out file is not the HTML report: %.200s", page)
	}
	// HTML to stdout is allowed too.
	if code, out, _ := run("run", ex, "--format", "html"); code != 0 || !strings.HasSuffix(out, "</html>\n") {
		t.Errorf("run --format html: exit %d, %d bytes", code, len(out))
	}
	// An unwritable --out is an error, not a partial file.
	if code, _, errs := run("run", ex, "--format", "json", "--out", filepath.Join(t.TempDir(), "missing", "r.json")); code != 2 || !strings.Contains(errs, "no such file") {
		t.Errorf("run --out into a missing folder: exit %d, %s", code, errs)
	}
}
