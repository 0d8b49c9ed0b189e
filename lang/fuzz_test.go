package lang

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/diag"
)

// seedFiles are the fuzz seeds: every .cal file under testdata and
// examples, and the regression inputs kept in Go's corpus format under
// testdata/fuzz/<target>/ (the repository's shared testdata, so `go test`
// reads them as seeds here rather than from the package folder).
func seedFiles(f *testing.F, target string) []string {
	var out []string
	for _, root := range []string{"../testdata", "../examples"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".cal") {
				text, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				out = append(out, string(text))
			}
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	corpus, _ := filepath.Glob(filepath.Join("../testdata/fuzz", target, "*"))
	for _, path := range corpus {
		s, err := readCorpusFile(path)
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		out = append(out, s)
	}
	return out
}

// readCorpusFile reads a one-string input in Go's fuzz corpus format:
// "go test fuzz v1" then string("...").
func readCorpusFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	lines := strings.SplitN(string(b), "\n", 2)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		return "", os.ErrInvalid
	}
	body := strings.TrimSpace(lines[1])
	if !strings.HasPrefix(body, "string(") || !strings.HasSuffix(body, ")") {
		return "", os.ErrInvalid
	}
	return strconv.Unquote(body[len("string(") : len(body)-1])
}

// FuzzCheck: parsing and checking any input yields diagnostics, each with
// a code and a position, never a panic or a hang; every renderer copes.
func FuzzCheck(f *testing.F) {
	for _, s := range seedFiles(f, "FuzzCheck") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res := LoadSource("fuzz.cal", text)
		if res.Package == nil {
			t.Fatal("no package")
		}
		for _, d := range res.Diags {
			if d.Code == "" || !d.Span.IsValid() || d.Span.End.Offset < d.Span.Start.Offset || d.Span.End.Offset > len(text) {
				t.Fatalf("diagnostic without code or with a bad position: %v %+v", d, d.Span)
			}
			if _, ok := diag.Lookup(d.Code); !ok {
				t.Fatalf("code %s is not in the catalogue", d.Code)
			}
		}
		var buf bytes.Buffer
		diag.Render(&buf, res.Files, res.Diags, diag.RenderOptions{})
		if len(res.Diags) > 0 && buf.Len() == 0 {
			t.Fatal("nothing rendered")
		}
		if err := diag.WriteJSON(io.Discard, res.Diags); err != nil {
			t.Fatal(err)
		}
		if err := diag.WriteSARIF(io.Discard, res.Diags); err != nil {
			t.Fatal(err)
		}
		diag.WriteGitHub(io.Discard, res.Diags, 0)
	})
}
