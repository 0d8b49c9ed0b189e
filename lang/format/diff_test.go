package format

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	if d := Diff("a", "b", "x\n", "x\n"); d != "" {
		t.Errorf("equal inputs: %q", d)
	}
	var a, b []string
	for i := 1; i <= 20; i++ {
		a = append(a, "line "+string(rune('a'+i)))
	}
	b = append(b, a...)
	b[1] = "changed"
	b = append(b[:15], b[16:]...) // remove one line far below
	got := Diff("old.cal", "new.cal", strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n")
	want := `--- old.cal
+++ new.cal
@@ -1,5 +1,5 @@
 line b
-line c
+changed
 line d
 line e
 line f
@@ -13,7 +13,6 @@
 line n
 line o
 line p
-line q
 line r
 line s
 line t
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got = Diff("a", "b", "", "x\n")
	if got != "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n" {
		t.Errorf("from empty: %q", got)
	}
}
