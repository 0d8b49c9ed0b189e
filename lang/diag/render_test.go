package diag

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/source"
)

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour adds SGR sequences only: without them the text is the plain
// rendering, and a spec's own escape characters stay escaped.
func TestRenderColor(t *testing.T) {
	files := source.NewSet()
	text := "metric m {\n  value count(e\x1b[2J)\n}\n"
	f := files.Add("a.cal", text)
	var l List
	start := strings.Index(text, "count")
	l.Errorf("E0202", f.SpanOf(start, start+5), "unknown name `e\x1b[2J`").Hint("did you mean `e`?").Also(f.SpanOf(0, 6), "declared here")
	l.Warnf("W0101", f.SpanOf(7, 8), "metric m has no owner")
	var plain, color bytes.Buffer
	if err := Render(&plain, files, l, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&color, files, l, RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("plain rendering holds ESC:\n%q", plain.String())
	}
	if got := sgr.ReplaceAllString(color.String(), ""); got != plain.String() {
		t.Errorf("colour changed the text:\n%q\nplain:\n%q", got, plain.String())
	}
	for _, want := range []string{"\x1b[1;31merror[E0202]\x1b[0m\x1b[1m: unknown name `e\\x1b[2J`\x1b[0m",
		"\x1b[1;33mwarning[W0101]\x1b[0m", "\x1b[1;34m-->\x1b[0m a.cal:2:9", "\x1b[1;31m^^^^^\x1b[0m",
		"\x1b[1;34m=\x1b[0m \x1b[1;36mhelp\x1b[0m: did you mean", "\x1b[1;34m2 |\x1b[0m   value"} {
		if !strings.Contains(color.String(), want) {
			t.Errorf("colour rendering lacks %q:\n%q", want, color.String())
		}
	}
}
