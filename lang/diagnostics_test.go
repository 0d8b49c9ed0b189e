package lang

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/lang/diag"
)

// Every testdata/diagnostics/*.cal is a bad spec; its rendered diagnostics
// are the golden file beside it. Each case must report at least one error
// (warn_*.cal cases: at least one warning and no error) and every
// diagnostic must have a code and a position.
func TestDiagnosticsGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/diagnostics/*.cal")
	if err != nil || len(files) < 40 {
		t.Fatalf("want at least 40 bad specs, found %d (%v)", len(files), err)
	}
	checkDiagnostics(t, files)
}

// testdata/bad_messages is the catalogue of messages known to be poor
// (each file says why): their goldens show the current output, so an
// improvement shows up as a diff; the fixed case then moves to
// testdata/diagnostics.
func TestBadMessagesGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/bad_messages/*.cal")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad messages (%v)", err)
	}
	checkDiagnostics(t, files)
}

func checkDiagnostics(t *testing.T, files []string) {
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".cal")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := LoadSource(filepath.Base(path), string(text))
			if strings.HasPrefix(name, "warn_") {
				if res.Diags.HasErrors() || len(res.Diags) == 0 {
					t.Fatalf("a warn_ case must report warnings and no error: %v", res.Diags)
				}
			} else if !res.Diags.HasErrors() {
				t.Fatalf("no error reported for a bad spec")
			}
			for _, d := range res.Diags {
				if d.Code == "" || !d.Span.IsValid() {
					t.Errorf("diagnostic without code or position: %v", d)
				}
			}
			var buf bytes.Buffer
			diag.Render(&buf, res.Files, res.Diags, diag.RenderOptions{})
			golden.Check(t, strings.TrimSuffix(path, ".cal")+".golden", buf.Bytes())
		})
	}
}
