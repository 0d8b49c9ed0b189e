package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/testenv"
)

// TestMistakes walks testdata/mistakes: one folder per user mistake or bad
// value (see its README). Each case runs the in-process CLI from inside its
// folder with the arguments in its args file and compares the exit code,
// stdout and stderr with expected.golden. No case may succeed: a mistake
// that exits 0, or prints a verdict, is a plausible wrong answer.
func TestMistakes(t *testing.T) {
	testenv.SkipShort(t, "runs the mistakes corpus")
	root, err := filepath.Abs("../../testdata/mistakes")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			args := []string{"run", "."}
			if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args = caseArgs(string(b))
			} else if !os.IsNotExist(err) {
				t.Fatal(err)
			}
			t.Chdir(dir)
			code, out, errs := run(args...)
			if code == exitOK {
				t.Errorf("caliper %s exits 0: a mistake must fail loudly", strings.Join(args, " "))
			}
			for _, verdict := range []string{"decision for ", "abs. effect", `"results"`, "| metric |"} {
				if strings.Contains(out, verdict) {
					t.Errorf("caliper %s prints a verdict (%q) despite the mistake", strings.Join(args, " "), verdict)
				}
			}
			golden.Check(t, filepath.Join(dir, "expected.golden"), []byte(caseOutput(code, out, errs)))
		})
	}
	if n < minMistakes {
		t.Errorf("testdata/mistakes has %d cases, want at least %d", n, minMistakes)
	}
}

// caseArgs splits an args file into arguments: whitespace separates them,
// double quotes group them, lines starting with # are comments.
func caseArgs(text string) []string {
	var args []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var cur strings.Builder
		inQuote, have := false, false
		for _, r := range line {
			switch {
			case r == '"':
				inQuote, have = !inQuote, true
			case (r == ' ' || r == '\t') && !inQuote:
				if have {
					args = append(args, cur.String())
					cur.Reset()
					have = false
				}
			default:
				cur.WriteRune(r)
				have = true
			}
		}
		if have {
			args = append(args, cur.String())
		}
	}
	return args
}

// caseOutput is what expected.golden holds: the exit code, then stdout and
// stderr, each section only when not empty.
func caseOutput(code int, out, errs string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n", code)
	for _, s := range []struct{ name, text string }{{"stdout", out}, {"stderr", errs}} {
		if s.text == "" {
			continue
		}
		fmt.Fprintf(&b, "-- %s --\n%s", s.name, s.text)
		if !strings.HasSuffix(s.text, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// minMistakes is the least number of cases the corpus holds, so that a
// case deleted by mistake shows up.
const minMistakes = 94
