package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// The CI files (issue #22 item 4): action.yml and .pre-commit-hooks.yaml
// run caliper; every invocation they hold must name a command and flags
// the CLI has (not deprecated), with values it accepts, and arguments its
// command takes, so the files cannot drift from the CLI. The README's
// examples must use the action's inputs and the hooks' ids.

type action struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

type hook struct {
	ID            string   `yaml:"id"`
	Entry         string   `yaml:"entry"`
	Args          []string `yaml:"args"`
	Language      string   `yaml:"language"`
	PassFilenames *bool    `yaml:"pass_filenames"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestCIFiles(t *testing.T) {
	var a action
	readYAML(t, "../../action.yml", &a)
	if a.Runs.Using != "composite" {
		t.Errorf("action.yml runs using %q", a.Runs.Using)
	}
	var calls [][]string
	var uses []string
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			uses = append(uses, s.Uses)
		}
		calls = append(calls, caliperCalls(s.Run)...)
	}
	// What the action must do (issue #22): install, check as SARIF,
	// upload it, fmt -l, diff --git, comment.
	for _, want := range [][]string{{"version"}, {"check", "--format", "sarif"}, {"fmt", "-l"}, {"diff", "--git"}} {
		if !slices.ContainsFunc(calls, func(c []string) bool { return hasAll(c, want) }) {
			t.Errorf("action.yml runs no caliper %s", strings.Join(want, " "))
		}
	}
	for _, want := range []string{"actions/setup-go@", "github/codeql-action/upload-sarif@", "actions/github-script@"} {
		if !slices.ContainsFunc(uses, func(u string) bool { return strings.HasPrefix(u, want) }) {
			t.Errorf("action.yml uses no %s", want)
		}
	}
	b, _ := os.ReadFile("../../action.yml")
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(b), -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml reads input %s, which it does not declare", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`steps\.([a-z-]+)\.`).FindAllStringSubmatch(string(b), -1) {
		if !slices.ContainsFunc(a.Runs.Steps, func(s step) bool { return s.ID == m[1] }) {
			t.Errorf("action.yml reads step %s, which has no such id", m[1])
		}
	}

	var hooks []hook
	readYAML(t, "../../.pre-commit-hooks.yaml", &hooks)
	var ids []string
	for _, h := range hooks {
		ids = append(ids, h.ID)
		if h.Language != "golang" {
			t.Errorf("hook %s: language %q", h.ID, h.Language)
		}
		call := append(strings.Fields(h.Entry), h.Args...)
		if h.PassFilenames == nil || *h.PassFilenames {
			call = append(call, "a.cal", "b.cal") // pre-commit appends the changed files
		}
		if call[0] != "caliper" {
			t.Errorf("hook %s runs %q", h.ID, h.Entry)
			continue
		}
		calls = append(calls, call[1:])
	}
	if !slices.Equal(ids, []string{"caliper-check", "caliper-fmt"}) {
		t.Errorf("hooks %q", ids)
	}

	for _, c := range calls {
		if err := validCall(c); err != nil {
			t.Errorf("caliper %s: %v", strings.Join(c, " "), err)
		}
	}
	// The checker itself refuses what the CLI would.
	for _, bad := range [][]string{{"chekc", "."}, {"check", "--format", "sarf", "."}, {"diff", "--target", "trino", "a", "b"},
		{"fmt", "--list-files", "."}, {"check", "a", "b"}, {"diff", "--git"}} {
		if validCall(bad) == nil {
			t.Errorf("caliper %s passed the check", strings.Join(bad, " "))
		}
	}

	// The README's examples: the action's inputs, the hooks' ids.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci := section(string(readme), "## Editor and CI")
	if !strings.Contains(ci, "uses: caliper-dev/caliper@") || !strings.Contains(ci, "repo: https://github.com/caliper-dev/caliper") {
		t.Fatalf("README's Editor and CI section lacks the workflow or pre-commit example:\n%s", ci)
	}
	// Its yaml blocks parsed: the workflow's caliper step and the
	// pre-commit config's hooks.
	var withs, hookIDs int
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(ci, -1) {
		var doc struct {
			Jobs map[string]struct {
				Steps []step `yaml:"steps"`
			} `yaml:"jobs"`
			Repos []struct {
				Repo  string `yaml:"repo"`
				Hooks []struct {
					ID string `yaml:"id"`
				} `yaml:"hooks"`
			} `yaml:"repos"`
		}
		if err := yaml.Unmarshal([]byte(m[1]), &doc); err != nil {
			t.Errorf("README yaml example: %v\n%s", err, m[1])
			continue
		}
		for _, j := range doc.Jobs {
			for _, s := range j.Steps {
				if !strings.HasPrefix(s.Uses, "caliper-dev/caliper@") {
					continue
				}
				for k := range s.With {
					withs++
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("README's workflow example sets input %s; the action's inputs are %v", k, a.Inputs)
					}
				}
			}
		}
		for _, r := range doc.Repos {
			for _, h := range r.Hooks {
				hookIDs++
				if !slices.Contains(ids, h.ID) {
					t.Errorf("README's pre-commit example names hook %s; the hooks are %q", h.ID, ids)
				}
			}
		}
	}
	if withs == 0 || hookIDs == 0 {
		t.Errorf("README's examples: %d inputs set, %d hooks named", withs, hookIDs)
	}
}

func hasAll(call, want []string) bool {
	for _, w := range want {
		if !slices.Contains(call, w) {
			return false
		}
	}
	return call[0] == want[0]
}

// section is the text of a README section, to the next heading of its
// level.
func section(doc, heading string) string {
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+1+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// validCall reports whether args (after "caliper") name a subcommand, its
// flags (not deprecated) with values the completions offer, and arguments
// it takes. Values from the shell ($VAR) are taken as valid.
func validCall(args []string) error {
	root, err := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	if err != nil {
		return err
	}
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if cmd == root {
		return fmt.Errorf("no subcommand")
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return err
	}
	var problem error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Deprecated != "" {
			problem = fmt.Errorf("--%s is deprecated: %s", f.Name, f.Deprecated)
			return
		}
		complete, ok := cmd.GetFlagCompletionFunc(f.Name)
		if !ok || strings.Contains(f.Value.String(), "$") {
			return
		}
		values, _ := complete(cmd, nil, "")
		var names []string
		for _, v := range values {
			names = append(names, strings.SplitN(v, "\t", 2)[0])
		}
		if !slices.Contains(names, f.Value.String()) && len(names) > 0 {
			problem = fmt.Errorf("--%s %s: not one of %q", f.Name, f.Value, names)
		}
	})
	if problem != nil {
		return problem
	}
	return cmd.ValidateArgs(cmd.Flags().Args())
}

// caliperCalls finds the caliper commands of a shell script: each is the
// words after a word that is caliper (or a path ending in /bin/caliper), up to
// a redirection, pipe, ; or && (continued lines joined; quotes removed).
func caliperCalls(script string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var calls [][]string
	for _, line := range strings.Split(script, "\n") {
		words := shellWords(line)
		for i := 0; i < len(words); i++ {
			if words[i] != "caliper" && !strings.HasSuffix(words[i], "/bin/caliper") {
				continue
			}
			var call []string
			for _, w := range words[i+1:] {
				if regexp.MustCompile(`^([0-9]?[<>]|\||&&|;|\))`).MatchString(w) {
					break
				}
				call = append(call, w)
			}
			calls = append(calls, call)
		}
	}
	return calls
}

// shellWords splits a line into words, removing quotes (enough for the
// scripts of action.yml; a comment ends the line).
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == '#' && !in:
			return words
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
