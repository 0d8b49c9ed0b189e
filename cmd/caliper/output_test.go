package main

import (
	"errors"
	"strings"
	"testing"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// Output that cannot be written is a failure, never exit 0 (issue #12:
// no discarded errors): the stdout writer keeps its first error and Main
// checks it.
func TestOutputWriteFailure(t *testing.T) {
	var stderr strings.Builder
	code := Main([]string{"check", "../../examples/offline"}, failingWriter{}, &stderr)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "cannot write the output: no space left on device") {
		t.Errorf("stderr does not say the output failed:\n%s", stderr.String())
	}
}
