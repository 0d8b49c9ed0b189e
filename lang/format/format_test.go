package format

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/syntax"
)

// specFiles lists every .cal file under testdata and examples.
func specFiles(t testing.TB) []string {
	var out []string
	for _, root := range []string{"../../testdata", "../../examples"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".cal") {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 40 {
		t.Fatalf("found only %d spec files", len(out))
	}
	return out
}

var position = regexp.MustCompile(` @\d+:\d+\n`)

// dump is ast.Dump without declaration positions, which formatting moves.
func dump(name, text string) (string, bool) {
	f, diags := syntax.Parse(source.NewFile(name, text))
	return position.ReplaceAllString(ast.Dump(f), "\n"), !diags.HasErrors()
}

func commentTexts(name, text string) []string {
	var out []string
	for _, c := range syntax.Comments(source.NewFile(name, text)) {
		out = append(out, c.Text)
	}
	return out
}

// checkRoundTrip formats text and checks the properties formatting
// promises: the result parses to the same tree, keeps every comment in
// order, and formats to itself.
func checkRoundTrip(t testing.TB, name, text string) {
	t.Helper()
	out, diags := Source(name, text)
	before, ok := dump(name, text)
	if diags != nil {
		if ok {
			t.Fatalf("%s: formatting refused a file that parses: %v", name, diags.Err())
		}
		return
	}
	if !ok {
		t.Fatalf("%s: formatted a file with syntax errors", name)
	}
	after, ok := dump(name, out)
	if !ok {
		t.Fatalf("%s: the formatted file does not parse:\n%s", name, out)
	}
	if before != after {
		t.Fatalf("%s: formatting changed the syntax tree:\n%s\ninput:\n%s\noutput:\n%s", name, golden.Diff(before, after), text, out)
	}
	if a, b := strings.Join(commentTexts(name, text), "\n"), strings.Join(commentTexts(name, out), "\n"); a != b {
		t.Fatalf("%s: formatting changed the comments:\n%s\ninput:\n%s\noutput:\n%s", name, golden.Diff(a, b), text, out)
	}
	again, diags := Source(name, out)
	if diags != nil || again != out {
		t.Fatalf("%s: formatting is not idempotent:\n%s\nfirst:\n%s", name, golden.Diff(out, again), out)
	}
}

// Every spec file of the repository formats to an equivalent,
// idempotent result; those with syntax errors are refused.
func TestRoundTripCorpus(t *testing.T) {
	for _, path := range specFiles(t) {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, filepath.Base(path), string(text))
	}
}

// testdata/format/*.input format to the .golden beside them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("../../testdata/format/*.input")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no format cases (%v)", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, filepath.Base(in), string(text))
			out, _ := Source(filepath.Base(in), string(text))
			golden.Check(t, strings.TrimSuffix(in, ".input")+".golden", []byte(out))
		})
	}
}

func TestRefusesSyntaxErrors(t *testing.T) {
	out, diags := Source("bad.cal", "metric m {\n  value count(events where\n}\n")
	if out != "" || !diags.HasErrors() {
		t.Fatalf("want diagnostics, got %q %v", out, diags)
	}
}

func TestExpr(t *testing.T) {
	f, diags := syntax.Parse(source.NewFile("x.cal", `metric m { value sum(events.x*2 where a.b in ["x","y"] and not c is null) / count( events ) }`))
	if diags != nil {
		t.Fatal(diags.Err())
	}
	got := Expr(f.Decls[0].Fields[0].Value.(*ast.ExprValue).X)
	want := `sum(events.x * 2 where a.b in ["x", "y"] and not c is null) / count(events)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// FuzzFormat: any input either is refused with diagnostics or formats to
// an equivalent, idempotent result with its comments.
func FuzzFormat(f *testing.F) {
	// Every spec file is TestRoundTripCorpus's; as seeds, in long runs.
	var specs []string
	if testenv.Long() {
		specs = specFiles(f)
	}
	for _, path := range specs {
		text, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	inputs, _ := filepath.Glob("../../testdata/format/*.input")
	for _, path := range inputs {
		text, _ := os.ReadFile(path)
		f.Add(string(text))
	}
	// Regression inputs, in Go's corpus format, kept in the repository's
	// shared testdata.
	corpus, _ := filepath.Glob("../../testdata/fuzz/FuzzFormat/*")
	for _, path := range corpus {
		s, err := readCorpusFile(path)
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkRoundTrip(t, "fuzz.cal", text)
	})
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
