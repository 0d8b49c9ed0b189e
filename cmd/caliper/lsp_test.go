package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// frames is a client's messages, Content-Length framed.
func frames(bodies ...string) string {
	var b strings.Builder
	for _, body := range bodies {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	return b.String()
}

// The exit code of caliper lsp: 0 after shutdown then exit, 1 on exit
// without shutdown or a stream closed without it (LSP 3.17).
func TestLSPExitCode(t *testing.T) {
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`
	const shutdown = `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`
	const exit = `{"jsonrpc":"2.0","method":"exit"}`
	defer func(f func() (io.Reader, io.Writer)) { lspStdio = f }(lspStdio)
	for _, tc := range []struct {
		name  string
		input string
		code  int
	}{
		{"shutdown then exit", frames(initialize, shutdown, exit), 0},
		{"exit without shutdown", frames(initialize, exit), 1},
		{"stream closed without shutdown", frames(initialize), 1},
	} {
		var out bytes.Buffer
		lspStdio = func() (io.Reader, io.Writer) { return strings.NewReader(tc.input), &out }
		code, _, stderr := run("lsp")
		if code != tc.code {
			t.Errorf("%s: exit code %d, want %d (stderr %q)", tc.name, code, tc.code, stderr)
		}
		if !strings.Contains(out.String(), `"capabilities"`) {
			t.Errorf("%s: no initialize answer: %q", tc.name, out.String())
		}
	}
}
