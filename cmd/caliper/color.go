package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/safetext"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// Colour: the CLI colours one thing, the text diagnostics on stderr
// (severity, carets, arrows and hints, as rustc does). Reports, SQL and
// machine formats are never coloured. Whether to colour is decided here
// only: --color always or never; otherwise (auto, the default) NO_COLOR
// set to anything non-empty (https://no-color.org) or TERM=dumb turns it
// off, and it is on only when stderr is a terminal.

// colorMode is the value of --color.
type colorMode string

const (
	colorAuto   colorMode = "auto"
	colorAlways colorMode = "always"
	colorNever  colorMode = "never"
)

var colorModes = []string{string(colorAuto), string(colorAlways), string(colorNever)}

func (m *colorMode) String() string { return string(*m) }
func (m *colorMode) Type() string   { return "when" }
func (m *colorMode) Set(s string) error {
	switch colorMode(s) {
	case colorAuto, colorAlways, colorNever:
		*m = colorMode(s)
		return nil
	}
	return fmt.Errorf("want auto, always or never")
}

// color is the running command's --color; stderrTerminal says whether
// Main's stderr is a terminal.
var (
	color          = colorAuto
	stderrTerminal bool
)

// isTerminal reports whether w is a terminal (a character device); tests
// replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// useColor decides whether stderr's diagnostics are coloured.
func useColor() bool {
	switch color {
	case colorAlways:
		return true
	case colorNever:
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return stderrTerminal
}

// renderDiags writes diagnostics as text to w (the command's stderr),
// coloured when useColor says so; rename, if given, rewrites file names.
func renderDiags(w io.Writer, files *source.Set, diags diag.List, limit int, rename func(string) string) {
	var buf bytes.Buffer
	sw, styled := w.(*safetext.Writer)
	on := styled && useColor()
	// A bytes.Buffer: no write fails. Main checks the writes to w (errf).
	_ = diag.Render(&buf, files, diags, diag.RenderOptions{Limit: limit, Color: on})
	text := buf.String()
	if rename != nil {
		text = rename(text)
	}
	// The renderer escaped the spec's text: its only raw ESCs are its own
	// colours, which safetext lets through WriteStyled (and nothing else).
	if on {
		_, _ = sw.WriteStyled([]byte(text))
		return
	}
	errf(w, "%s", text)
}

// addColorFlag adds --color to root, with its completion.
func addColorFlag(root *cobra.Command) {
	color = colorAuto
	root.PersistentFlags().Var(&color, "color", "colour diagnostics: auto (on a terminal, unless NO_COLOR is set), always or never")
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(colorModes, cobra.ShellCompDirectiveNoFileComp))
}
