// Package safetext makes text from a spec or its data safe to print: a
// terminal must never receive a control or escape character it would act
// on (ESC sequences that move the cursor, retitle the window or rewrite
// what was printed; carriage returns that overwrite a line; bidirectional
// overrides that reorder it). Such characters are shown escaped instead:
// \x1b, \r, \u009b, \u202e.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal raw: a C0 or C1
// control character or DEL (tab and newline included: callers that keep
// them say so), a bidirectional control, a line or paragraph separator,
// or an invalid byte (utf8.RuneError).
func Unsafe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}

// Find returns the byte offset of the first unsafe character of s and
// the character, or -1. Runes in keep are allowed (such as "\t\n").
func Find(s, keep string) (int, rune) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i, r
			}
			continue // a literal U+FFFD is fine
		}
		if Unsafe(r) && !strings.ContainsRune(keep, r) {
			return i, r
		}
	}
	return -1, 0
}

// EscapeRune is the escaped form of one character: \t \n \r, \xNN for
// other ASCII controls and invalid bytes, \uNNNN otherwise.
func EscapeRune(r rune) string {
	switch r {
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	}
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// Escape returns s with every unsafe character escaped, except the runes
// of keep. Invalid UTF-8 bytes are escaped as \xNN.
func Escape(s, keep string) string {
	if i, _ := Find(s, keep); i < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r != utf8.RuneError && Unsafe(r) && !strings.ContainsRune(keep, r):
			b.WriteString(EscapeRune(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Line escapes every unsafe character, tabs and newlines too: for a
// name or a data value shown inside a one-line message.
func Line(s string) string { return Escape(s, "") }

// Text escapes unsafe characters but keeps tabs and newlines: for
// multi-line text such as a rendered diagnostic or report.
func Text(s string) string { return Escape(s, "\t\n") }

// Writer escapes what is written through it like Text, except that a
// carriage return directly before a newline is kept (CRLF text). Writes
// may split characters; incomplete ones wait for the next write. Its
// first write error is sticky: every later Write and Flush return it, so
// a caller may check only Flush.
type Writer struct {
	w       io.Writer
	pending []byte
	err     error
}

// NewWriter returns a Writer that writes the escaped text to w.
func NewWriter(w io.Writer) *Writer {
	if sw, ok := w.(*Writer); ok {
		return sw
	}
	return &Writer{w: w}
}

// Write escapes p and writes it. It reports len(p) on success.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	buf := append(w.pending, p...)
	w.pending = nil
	var out []byte
	i := 0
	for i < len(buf) {
		c := buf[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			out = append(out, c)
			i++
			continue
		}
		if c == '\r' {
			if i+1 == len(buf) {
				break // wait: CRLF?
			}
			if buf[i+1] == '\n' {
				out = append(out, '\r')
			} else {
				out = append(out, `\r`...)
			}
			i++
			continue
		}
		if c < 0x80 {
			out = append(out, EscapeRune(rune(c))...)
			i++
			continue
		}
		if !utf8.FullRune(buf[i:]) {
			break // wait for the rest of the character
		}
		r, n := utf8.DecodeRune(buf[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, fmt.Sprintf(`\x%02x`, c)...)
		case Unsafe(r) && r != utf8.RuneError:
			out = append(out, EscapeRune(r)...)
		default:
			out = append(out, buf[i:i+n]...)
		}
		i += n
	}
	if i < len(buf) {
		w.pending = append([]byte(nil), buf[i:]...)
	}
	if _, err := w.w.Write(out); err != nil {
		w.err = err
		return 0, err
	}
	return len(p), nil
}

// Flush writes what a Write held back (a final carriage return or an
// incomplete character), escaped, and returns the first write error.
func (w *Writer) Flush() error {
	if w.err != nil || len(w.pending) == 0 {
		return w.err
	}
	p := w.pending
	w.pending = nil
	if _, err := io.WriteString(w.w, Escape(string(p), "")); err != nil {
		w.err = err
	}
	return w.err
}

// WriteStyled writes p like Write, except that SGR sequences (ESC [
// digits and semicolons m: colour and weight, nothing that moves the
// cursor, retitles the window or changes the terminal's modes) pass
// through raw. Every other control character is escaped as by Write. For
// text whose parts from a spec or its data are escaped already, such as a
// diagnostic rendered with colour (lang/diag RenderOptions.Color): its
// only raw ESCs are then the renderer's own.
func (w *Writer) WriteStyled(p []byte) (int, error) {
	rest := p
	for len(rest) > 0 {
		i, n := nextSGR(rest)
		if i < 0 {
			if _, err := w.Write(rest); err != nil {
				return 0, err
			}
			break
		}
		if _, err := w.Write(rest[:i]); err != nil {
			return 0, err
		}
		// What Write held back (a final CR, part of a character) is
		// followed by ESC, not by its rest: it is written escaped first.
		if err := w.Flush(); err != nil {
			return 0, err
		}
		if _, err := w.w.Write(rest[i : i+n]); err != nil {
			w.err = err
			return 0, err
		}
		rest = rest[i+n:]
	}
	return len(p), nil
}

// nextSGR finds the first SGR sequence of p: its offset and length, or -1.
func nextSGR(p []byte) (int, int) {
	for i := 0; i < len(p); i++ {
		if p[i] != 0x1b || i+1 >= len(p) || p[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(p) && (p[j] >= '0' && p[j] <= '9' || p[j] == ';') {
			j++
		}
		if j < len(p) && p[j] == 'm' {
			return i, j + 1 - i
		}
	}
	return -1, 0
}
