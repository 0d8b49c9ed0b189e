package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// TestMain lets the test binary be the caliper command: run with
// CALIPER_TEST_AS_CLI=1, it is Main on its arguments (as the built
// binary is), so that an editor can start `caliper lsp` from it without
// a separate build.
//
// Its engines run one DuckDB thread unless long tests run
// (testenv.DuckDBThreads).
func TestMain(m *testing.M) {
	engine.DefaultThreads = testenv.DuckDBThreads()
	if os.Getenv("CALIPER_TEST_AS_CLI") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestNeovim: a real editor's LSP client against `caliper lsp`. Headless
// Neovim (Debian's package, 0.7 or later) loads editors/nvim, opens a copy
// of the homefeed example with a planted error, and asks for diagnostics,
// hover and go-to-definition (testdata/nvim/lsp.lua); it then stops the
// client, whose server must exit 0. Skips without nvim, except under
// CI=true (.ci/run installs it).
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nvim is not installed (.ci/run installs neovim)")
		}
		t.Skip("nvim is not installed: skipping the editor test (apt-get install -y neovim)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := filepath.Glob("../../examples/homefeed/*.cal")
	if err != nil || len(names) == 0 {
		t.Fatalf("no example specs: %v", err)
	}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	planted := "metric planted {\n  owner \"homefeed-ds\"\n  value count(evnts where event == \"save\")\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "planted.cal"), []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	rtp, err := filepath.Abs("../../editors/nvim")
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/nvim/lsp.lua")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "result.json")
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"--cmd", "set runtimepath+="+rtp, "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "CALIPER_NVIM_DIR="+dir, "CALIPER_NVIM_OUT="+out, "CALIPER_NVIM_SERVER="+self,
		"HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.Dir = dir
	combined, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nvim: %v\n%s", err, combined)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v\n%s", err, combined)
	}
	var res struct {
		Errors      []string
		Filetype    string
		Diagnostics []struct {
			Lnum, Col, Severity int
			Message, Code       string
		}
		Hover      string
		Definition []struct {
			Path            string
			Line, Character int
		}
		Clients  int
		ExitCode *int `json:"exit_code"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("result %s: %v", data, err)
	}
	t.Logf("Neovim saw: %s", data)
	if len(res.Errors) > 0 {
		t.Errorf("errors in Neovim: %v", res.Errors)
	}
	if res.Filetype != "caliper" {
		t.Errorf("filetype of a .cal file = %q, want caliper", res.Filetype)
	}
	// The planted error: `evnts` on line 3 (0-based 2), column of evnts.
	if len(res.Diagnostics) != 1 {
		t.Errorf("diagnostics of planted.cal = %+v, want one", res.Diagnostics)
	} else if d := res.Diagnostics[0]; d.Severity != 1 || d.Lnum != 2 || d.Col != strings.Index("  value count(evnts", "evnts") ||
		!strings.Contains(d.Message, "evnts") || !strings.Contains(d.Message, "events") || d.Code == "" {
		t.Errorf("diagnostic = %+v, want an error with a code at 2:%d naming evnts and suggesting events", d, strings.Index("  value count(evnts", "evnts"))
	}
	for _, want := range []string{"**metric** `saves_per_user`", "owner: homefeed-ds", "description: Pins saved per exposed user"} {
		if !strings.Contains(res.Hover, want) {
			t.Errorf("hover lacks %q:\n%s", want, res.Hover)
		}
	}
	metrics, err := os.ReadFile(filepath.Join(dir, "metrics.cal"))
	if err != nil {
		t.Fatal(err)
	}
	before := string(metrics[:strings.Index(string(metrics), "metric saves_per_user {")])
	wantLine := strings.Count(before, "\n")
	if len(res.Definition) != 1 || filepath.Base(res.Definition[0].Path) != "metrics.cal" || res.Definition[0].Line != wantLine || res.Definition[0].Character != len("metric ") {
		t.Errorf("definition = %+v, want metrics.cal:%d:%d", res.Definition, wantLine, len("metric "))
	}
	if res.Clients != 1 {
		t.Errorf("%d LSP clients for one folder, want 1", res.Clients)
	}
	if res.ExitCode == nil || *res.ExitCode != 0 {
		t.Errorf("server exit code after stop_client = %v, want 0", res.ExitCode)
	}
}
