package lang

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/safetext"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang/diag"
)

// seedFiles are the fuzz seeds: the .cal files of testenv.SeedRoots (a
// smoke set; every spec under testdata and examples in long runs), and the regression inputs kept in Go's corpus format under
// testdata/fuzz/<target>/ (the repository's shared testdata, so `go test`
// reads them as seeds here rather than from the package folder).
func seedFiles(f *testing.F, target string) []string {
	var out []string
	for _, root := range testenv.SeedRoots("../") {
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

// FuzzNames: a name, a string and a comment with arbitrary bytes (control
// characters, escapes, bidirectional marks, invalid UTF-8) in an otherwise
// valid spec. Whatever checks, no control character reaches the compiled
// SQL outside the spec's own string literals, and nothing unsafe reaches
// the rendered diagnostics (SECURITY.md).
func FuzzNames(f *testing.F) {
	for _, s := range []string{"ranker", "ranker\r; COPY (SELECT 1) TO '/tmp/x'; --", "a\x1b[2Jb", "x\u2028y", "\u009b31m",
		"r\u202eexe", "bad\xffbyte", "tab\there", "new\nline", "quote`d", "é"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, name, str, comment string) {
		spec := "// " + comment + "\n" + `source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  variant string  event string  ts timestamp }
}

metric ` + "`" + name + "`" + ` {
  owner "t"
  title "` + str + `"
  value count(events where event == "` + str + `")
}

experiment ` + "`" + name + "_x`" + ` {
  exposures  events
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    ` + "`" + name + "`" + `
}
`
		res := LoadSource("fuzz.cal", spec)
		var buf bytes.Buffer
		diag.Render(&buf, res.Files, res.Diags, diag.RenderOptions{})
		if i, r := safetext.Find(buf.String(), "\t\n"); i >= 0 {
			t.Fatalf("rendered diagnostics hold %q at %d: %q", r, i, buf.String())
		}
		if res.Diags.HasErrors() {
			return
		}
		// (A line break in the comment ends it: the rest is spec text.)
		for _, c := range [][2]string{{name, ""}, {str, "\t"}, {comment, "\t\r\n"}} {
			if i, _ := safetext.Find(c[0], c[1]); i >= 0 {
				t.Fatalf("a spec with a control character in %q checked without error", c[0])
			}
		}
		for _, d := range dialect.All {
			plan, err := compiler.Compile(res.Package.Targets[0], d)
			if err != nil {
				continue
			}
			// Outside string literals (where the dialect's quoting
			// holds a filter's string), SQL holds no control character
			// but newlines and tabs; no comment line holds more than one.
			for _, line := range strings.Split(plan.SQL, "\n") {
				if i, r := safetext.Find(line, "\t"); i >= 0 && !strings.Contains(line, "'") {
					t.Fatalf("%s SQL holds %q: %q", d.Name, r, line)
				}
				if strings.HasPrefix(strings.TrimSpace(line), "--") && strings.ContainsAny(line, "\r\u2028\u2029") {
					t.Fatalf("%s SQL comment holds a line break: %q", d.Name, line)
				}
			}
		}
	})
}
