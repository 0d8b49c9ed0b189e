package safetext

import (
	"bytes"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, keep, want string }{
		{"plain name", "", "plain name"},
		{"a\x1b[2Jb", "", `a\x1b[2Jb`},
		{"a\rb\n", "", `a\rb\n`},
		{"a\tb\nc", "\t\n", "a\tb\nc"},
		{"x\u202ey", "", `x\u202ey`},
		{"\u009b31m", "", `\u009b31m`},
		{"bad\xffbyte", "", `bad\xffbyte`},
		{"ok \uFFFD and é", "", "ok \uFFFD and é"},
	} {
		if got := Escape(c.in, c.keep); got != c.want {
			t.Errorf("Escape(%q, %q) = %q, want %q", c.in, c.keep, got, c.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	// Characters split across writes, CRLF kept, a lone CR escaped.
	for _, p := range []string{"a\r", "\nb\r", "c \xc2", "\x9b d \x1b", "]0;t\x07 é\r"} {
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "a\r\nb\\rc \\u009b d \\x1b]0;t\\x07 é\\r"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestWriteStyled(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if _, err := w.Write([]byte("x\r")); err != nil { // a CR held back, then ESC
		t.Fatal(err)
	}
	// SGR sequences pass; cursor moves, OSC titles, CSI without m, a C1
	// CSI and a bare ESC are escaped.
	in := "\x1b[1;31merror\x1b[0m: \x1b[2J\x1b]0;t\x07\x1b[31\u009b1m é\x1b[m\x1b"
	if _, err := w.WriteStyled([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "x\\r\x1b[1;31merror\x1b[0m: \\x1b[2J\\x1b]0;t\\x07\\x1b[31\\u009b1m é\x1b[m\\x1b"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
