package diag

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/caliper-dev/caliper/internal/safetext"
	"github.com/caliper-dev/caliper/lang/source"
)

// RenderOptions control text rendering.
type RenderOptions struct {
	// Limit is the most errors shown (0: all). Warnings count too.
	Limit int
	// Color marks the text with ANSI SGR sequences (colour and weight
	// only, as rustc does): the severity and its carets in red or yellow,
	// the message in bold, the arrow, gutter and line number in blue.
	// Text from the spec is escaped all the same, so every ESC written is
	// one of these; the CLI decides (--color, NO_COLOR, a terminal).
	Color bool
}

// SGR sequences of the colour scheme.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrRed    = "\x1b[1;31m"
	sgrYellow = "\x1b[1;33m"
	sgrBlue   = "\x1b[1;34m"
	sgrCyan   = "\x1b[1;36m"
)

// style wraps text in an SGR sequence when colour is on.
type style bool

func (on style) paint(sgr, text string) string {
	if !on || text == "" {
		return text
	}
	return sgr + text + sgrReset
}

func (on style) severity(s Severity) string {
	if s == Warning {
		return sgrYellow
	}
	return sgrRed
}

// Render writes diagnostics as text, each with its source line and a caret
// under the span:
//
//	error[E0202]: unknown metric `save_rat`
//	  --> specs/exp.cal:12:14
//	   |
//	12 |   secondary  save_rat
//	   |              ^^^^^^^^
//	   = help: did you mean `save_rate`?
//
// It returns w's first write error.
func Render(out io.Writer, files *source.Set, list List, opt RenderOptions) error {
	w := bufio.NewWriter(out)
	list = list.Sort()
	shown := 0
	for _, d := range list {
		if opt.Limit > 0 && shown == opt.Limit {
			fmt.Fprintf(w, "... and %d more (use --all to see every one)\n", len(list)-shown)
			break
		}
		renderOne(w, files, d, style(opt.Color))
		shown++
	}
	return w.Flush()
}

// Text from a spec or its data (names, values, source lines) is shown
// with control and escape characters escaped (internal/safetext), so a
// diagnostic never drives the terminal it is printed on.
func renderOne(w *bufio.Writer, files *source.Set, d *Diagnostic, st style) {
	sev := st.severity(d.Severity)
	fmt.Fprintf(w, "%s%s\n", st.paint(sev, fmt.Sprintf("%s[%s]", d.Severity, d.Code)), st.paint(sgrBold, ": "+safetext.Text(d.Message)))
	// The gutter is as wide as the line number, so arrows, bars and notes
	// line up.
	pad := " "
	if d.Span.IsValid() {
		pad = strings.Repeat(" ", len(fmt.Sprint(d.Span.Start.Line)))
	}
	if d.Span.File != "" {
		fmt.Fprintf(w, "%s%s %s\n", pad, st.paint(sgrBlue, "-->"), safetext.Line(d.Span.String()))
	}
	if f := files.File(d.Span.File); f != nil && d.Span.IsValid() {
		snippet(w, f, d.Span, st, sev)
	}
	for _, r := range d.Related {
		fmt.Fprintf(w, "%s %s %s: %s (%s)\n", pad, st.paint(sgrBlue, "="), st.paint(sgrBold, "note"), safetext.Text(r.Message), safetext.Line(r.Span.String()))
	}
	for _, h := range d.Hints {
		fmt.Fprintf(w, "%s %s %s: %s\n", pad, st.paint(sgrBlue, "="), st.paint(sgrCyan, "help"), safetext.Text(h))
	}
	fmt.Fprintln(w)
}

func snippet(w *bufio.Writer, f *source.File, s source.Span, st style, sev string) {
	line := f.Line(s.Start.Line)
	num := fmt.Sprint(s.Start.Line)
	pad := strings.Repeat(" ", len(num))
	// Each rune's shown form: a tab as four spaces, an unsafe character
	// escaped; the caret is placed by the widths of the shown forms.
	var shown []string
	for i, r := range line {
		switch {
		case r == '\t':
			shown = append(shown, "    ")
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(line[i:]); n == 1 {
				shown = append(shown, fmt.Sprintf(`\x%02x`, line[i]))
			} else {
				shown = append(shown, string(r))
			}
		case safetext.Unsafe(r):
			shown = append(shown, safetext.EscapeRune(r))
		default:
			shown = append(shown, string(r))
		}
	}
	bar := st.paint(sgrBlue, "|")
	fmt.Fprintf(w, "%s %s\n%s %s\n", pad, bar, st.paint(sgrBlue, num+" |"), strings.Join(shown, ""))
	// Caret width: the span's runes on its first line, at least 1.
	startCol := s.Start.Col
	width := 1
	if s.End.Line == s.Start.Line && s.End.Col > s.Start.Col {
		width = s.End.Col - s.Start.Col
	} else if s.End.Line > s.Start.Line {
		width = len(shown) - startCol + 1
	}
	width = max(width, 1)
	first := min(max(startCol-1, 0), len(shown))
	last := min(first+width, len(shown))
	indent := utf8.RuneCountInString(strings.Join(shown[:first], ""))
	if last > first {
		width = utf8.RuneCountInString(strings.Join(shown[first:last], ""))
	}
	fmt.Fprintf(w, "%s %s %s%s\n", pad, bar, strings.Repeat(" ", indent), st.paint(sev, strings.Repeat("^", width)))
}
