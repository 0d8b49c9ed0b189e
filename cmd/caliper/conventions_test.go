package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/dialect"
)

// CLI conventions (issue #22): version, completion, colour, deprecated
// flag names, catalog --out.

func TestVersion(t *testing.T) {
	code, long, errs := run("version")
	if code != 0 || errs != "" {
		t.Fatalf("version: exit %d %s", code, errs)
	}
	code, short, _ := run("--version")
	if code != 0 || short != "caliper "+caliperVersion()+"\n" || !strings.HasPrefix(long, short) {
		t.Errorf("--version printed %q; version printed\n%s", short, long)
	}
	for _, want := range []string{"\nmodule  ", "\ncommit  ", "\ngo      go1."} {
		if !strings.Contains(long, want) {
			t.Errorf("version lacks %q:\n%s", want, long)
		}
	}
	// What Go stamps: the module version, the commit and whether the
	// tree was modified.
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/caliper-dev/caliper", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	b := buildOf(bi, true)
	if got := b.String(); got != "v1.2.3+0123456789ab-dirty" {
		t.Errorf("version %q", got)
	}
	// A clone's build: Go's pseudo-version names the commit already.
	clone := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261205134601-858666cce16b+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "858666cce16bb0a47b6258df05e2b585ed71137e"}, {Key: "vcs.modified", Value: "true"}}}
	if got := buildOf(clone, true).String(); got != "v0.0.0-20261205134601-858666cce16b+dirty" {
		t.Errorf("pseudo-version %q", got)
	}
	if got := buildOf(nil, false).String(); got != "(devel)" {
		t.Errorf("without build info: %q", got)
	}
	version = "v9.9.9" // -ldflags -X main.version
	defer func() { version = "" }()
	if got := buildOf(bi, true).String(); got != "v9.9.9" {
		t.Errorf("release version %q", got)
	}
	if _, out, _ := run("--version"); out != "caliper v9.9.9\n" {
		t.Errorf("--version of a release: %q", out)
	}
}

// complete runs cobra's hidden __complete command and returns the offered
// values (without descriptions) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errs := run(append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d %s", args, code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var values []string
	for _, l := range lines[:len(lines)-1] {
		values = append(values, strings.SplitN(l, "\t", 2)[0])
	}
	return values, lines[len(lines)-1]
}

func TestCompletion(t *testing.T) {
	const ex = "../../examples/homefeed"
	homefeed := []string{"hf_ranker_v2", "hf_ranker_v2_gated", "fm_q4_components", "hf_ranker_v2_decomposed"}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"check", ex, "--format", ""}, []string{"text", "json", "sarif", "github"}},
		{[]string{"compile", ex, "--dialect", ""}, dialect.Names()},
		{[]string{"diff", "--git", "HEAD", "--dialect", ""}, dialect.Names()},
		{[]string{"diff", "a", "b", "--format", ""}, []string{"table", "json"}},
		{[]string{"catalog", ex, "--format", ""}, []string{"markdown", "html", "json"}},
		{[]string{"run", ex, "--format", ""}, []string{"html", "json", "markdown", "table"}},
		{[]string{"portfolio", "--format", ""}, []string{"html", "json", "markdown", "table"}},
		{[]string{"simulate", "--scenario", ""}, []string{"aa", "ab", "factorial", "cluster", "decay", "interleaving", "offpolicy", "rollout", "portfolio"}},
		{[]string{"simulate", "--format", ""}, []string{"csv", "parquet"}},
		{[]string{"--color", ""}, []string{"auto", "always", "never"}},
		// Target and metric names come from the spec folder named.
		{[]string{"power", ex, "--target", ""}, homefeed},
		{[]string{"analyze", "--spec", ex, "--target", "hf"}, homefeed},
		{[]string{"history", "../../examples/offline", "--target", ""}, []string{"ranker_offline"}},
		{[]string{"power", "no/such/folder", "--target", ""}, nil},
	}
	for _, c := range cases {
		got, directive := complete(t, c.args...)
		if !slices.Equal(got, c.want) || directive != ":4" { // 4: no file completion
			t.Errorf("__complete %s: %q %s, want %q", strings.Join(c.args, " "), got, directive, c.want)
		}
	}
	// Metric names, with their titles as descriptions.
	_, out, _ := run("__complete", "history", ex, "--metric", "")
	if !strings.Contains(out, "saves_per_user\tmetric: ") {
		t.Errorf("metric completion:\n%s", out)
	}
	// The deprecated --target of diff is not offered; --dialect is.
	if flags, _ := complete(t, "diff", "--"); !slices.Contains(flags, "--dialect") || slices.Contains(flags, "--target") {
		t.Errorf("diff's flags: %q", flags)
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if code, out, _ := run("completion", shell); code != 0 || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d", shell, code)
		}
	}
}

// Every format value completion offers is one the command accepts (and
// an unknown one is refused), so the lists cannot drift apart.
func TestCompletedFormatsAccepted(t *testing.T) {
	dir := t.TempDir()
	args := map[string][]string{
		"check":     {"check", "no/such"},
		"diff":      {"diff", "no/such", "no/such2"},
		"catalog":   {"catalog", "no/such"},
		"run":       {"run", "no/such"},
		"power":     {"power", "no/such", "--mde", "2%"},
		"analyze":   {"analyze", "--stats", "x.csv", "--spec", "no/such"},
		"history":   {"history", "no/such", "--target", "t", "--store", "no/such.duckdb"},
		"portfolio": {"portfolio", "--store", "no/such.duckdb"},
		"simulate":  {"simulate", "--out", dir, "--units", "0"},
	}
	for name, flags := range flagCompletions() {
		if _, ok := flags["format"]; !ok {
			continue
		}
		a, ok := args[name]
		if !ok {
			t.Errorf("no arguments to try %s --format with", name)
			continue
		}
		values, _ := complete(t, append(slices.Clone(a), "--format", "")...)
		for _, v := range append(values, "yaml") {
			code, _, errs := run(append(slices.Clone(a), "--format", v)...)
			if refused := strings.Contains(errs, "format"); refused != (v == "yaml") || code == 0 {
				t.Errorf("%s --format %s: exit %d %s", name, v, code, errs)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("simulate wrote %d files", len(entries))
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour: diagnostics are coloured on a terminal unless NO_COLOR is set
// (to anything non-empty); --color always or never overrides both; the
// colours are SGR sequences only, around the same text.
func TestColor(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.cal")
	src, err := os.ReadFile("../../testdata/diagnostics/name_unknown_metric.cal")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bad, string(src))
	old, new := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(old, "s.cal"), diffSpec)
	writeFile(t, filepath.Join(new, "s.cal"), string(src))
	broken := filepath.Join(t.TempDir(), "broken.cal")
	writeFile(t, broken, "metric m {\n  value count(\n")
	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	// Every command that prints text diagnostics: through load (check,
	// and run, compile... alike), fmt's syntax errors and diff's sides.
	commands := [][]string{{"check", bad}, {"fmt", broken}, {"diff", old, new}}
	cases := []struct {
		terminal bool
		noColor  string // "-": unset
		term     string
		flags    []string
		color    bool
	}{
		{true, "-", "xterm", nil, true},
		{true, "1", "xterm", nil, false},
		{true, "false", "xterm", nil, false}, // any value
		{true, "", "xterm", nil, true},       // empty is unset
		{true, "-", "dumb", nil, false},
		{false, "-", "xterm", nil, false},
		{true, "-", "xterm", []string{"--color", "never"}, false},
		{true, "-", "xterm", []string{"--color=auto"}, true},
		{true, "1", "xterm", []string{"--color", "auto"}, false},
		{false, "1", "dumb", []string{"--color", "always"}, true},
	}
	for _, c := range cases {
		isTerminal = func(io.Writer) bool { return c.terminal }
		t.Setenv("TERM", c.term)
		t.Setenv("NO_COLOR", c.noColor)
		if c.noColor == "-" {
			os.Unsetenv("NO_COLOR")
		}
		for _, args := range commands {
			code, _, errs := run(append(slices.Clone(args), c.flags...)...)
			_, _, plain := run(append(slices.Clone(args), "--color", "never")...)
			if code != 1 || !strings.Contains(plain, "error[") {
				t.Fatalf("%v: exit %d %s", args, code, errs)
			}
			colored := strings.Contains(errs, "\x1b[1;31merror[")
			if colored != c.color || sgr.ReplaceAllString(errs, "") != plain {
				t.Errorf("%v %v (terminal %v, NO_COLOR=%q, TERM=%s): coloured %v, want %v\n%q", args, c.flags, c.terminal, c.noColor, c.term, colored, c.color, errs)
			}
		}
	}
	if code, _, errs := run("check", bad, "--color", "sometimes"); code != 2 || !strings.Contains(errs, `invalid argument "sometimes" for "--color"`) {
		t.Errorf("--color sometimes: exit %d %s", code, errs)
	}
}

// A spec's escape characters stay escaped when diagnostics are coloured:
// the only raw ESCs are the colours'.
func TestColorKeepsSpecEscaped(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.cal")
	writeFile(t, bad, "metric m {\n  owner \"x\"\n  value count(ev\x1b[2Jents)\n}\n")
	code, _, errs := run("check", bad, "--color", "always")
	if code != 1 || !strings.Contains(errs, `\x1b[2J`) || strings.Contains(sgr.ReplaceAllString(errs, ""), "\x1b") {
		t.Errorf("exit %d\n%q", code, errs)
	}
}

func TestDiffDialect(t *testing.T) {
	old, new := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(old, "s.cal"), diffSpec)
	writeFile(t, filepath.Join(new, "s.cal"), strings.Replace(diffSpec, `"save"`, `"pin"`, 1))
	code, want, errs := run("diff", old, new, "--dialect", "trino", "--format", "json")
	if code != 0 || errs != "" || !strings.Contains(want, `"saves"`) {
		t.Fatalf("--dialect trino: exit %d\n%s%s", code, want, errs)
	}
	// The old name still works, with a notice on stderr (not in the
	// output).
	code, out, errs := run("diff", old, new, "--target", "trino", "--format", "json")
	if code != 0 || out != want || !strings.Contains(errs, "Flag --target has been deprecated, use --dialect") {
		t.Errorf("--target trino: exit %d\n%s\nstderr: %s", code, out, errs)
	}
	if code, _, errs := run("diff", old, new, "--target", "trino", "--dialect", "spark"); code != 2 || !strings.Contains(errs, "disagree") {
		t.Errorf("--target and --dialect disagreeing: exit %d %s", code, errs)
	}
	for _, flag := range []string{"--dialect", "--target"} {
		if code, _, errs := run("diff", old, new, flag, "oracle"); code != 2 || !strings.Contains(errs, `unknown target "oracle"`) {
			t.Errorf("%s oracle: exit %d %s", flag, code, errs)
		}
	}
	// compile's --target is deprecated the same way.
	code, out, errs = run("compile", tiny, "--target", "duckdb")
	if code != 0 || strings.Contains(out, "deprecated") || !strings.Contains(errs, "Flag --target has been deprecated, use --dialect") {
		t.Errorf("compile --target: exit %d\n%s\nstderr: %s", code, out, errs)
	}
	if _, help, _ := run("diff", "--help"); strings.Contains(help, "--target") || !strings.Contains(help, "--dialect") {
		t.Errorf("diff --help:\n%s", help)
	}
}

func TestCatalogOut(t *testing.T) {
	const ex = "../../examples/homefeed"
	_, want, _ := run("catalog", ex, "--format", "json")
	file := filepath.Join(t.TempDir(), "catalog.json")
	code, out, errs := run("catalog", ex, "--format", "json", "--out", file)
	got, err := os.ReadFile(file)
	if code != 0 || out != "" || err != nil || string(got) != want {
		t.Errorf("catalog --out: exit %d, %v, stdout %q %s", code, err, out, errs)
	}
	if code, _, errs := run("catalog", ex, "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "c.md")); code != 2 || !strings.Contains(errs, "no such file") {
		t.Errorf("catalog --out into a missing folder: exit %d %s", code, errs)
	}
}
