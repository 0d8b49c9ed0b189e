package syntax

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

func parse(text string) diag.List {
	_, diags := Parse(source.NewFile("x.cal", text))
	return diags
}

func hasCode(l diag.List, c diag.Code) bool {
	for _, d := range l {
		if d.Code == c {
			return true
		}
	}
	return false
}

// Nesting without brackets (runs of `not` and `-`) and long operator
// chains are refused before any stage recurses over them.
func TestDepthCaps(t *testing.T) {
	cases := map[string]string{
		"not":    "metric m { value any(e where " + strings.Repeat("not ", MaxDepth+5) + "x) }",
		"minus":  "metric m { value " + strings.Repeat("- ", MaxDepth+5) + "count(e) }",
		"parens": "metric m { value " + strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1) + " }",
		"chain":  "metric m { value count(e)" + strings.Repeat(" + count(e)", MaxOperators+1) + " }",
	}
	for name, text := range cases {
		if d := parse(text); !hasCode(d, diag.ETooDeep) {
			t.Errorf("%s: want %s, got %v", name, diag.ETooDeep, d)
		}
	}
	ok := "metric m { value any(e where " + strings.Repeat("not ", MaxDepth-2) + "x) + " + strings.Repeat("- ", 10) + "count(e) }"
	if d := parse(ok); d != nil {
		t.Errorf("within the caps: %v", d)
	}
}

// Declarations parse independently; positions are positions in the file.
func TestPositions(t *testing.T) {
	text := "// c\nmetric a { value 1 }\n\nmetric b {\n  value `é` + count(x)\n  title \"t\"\n}\n"
	f, diags := Parse(source.NewFile("x.cal", text))
	if diags != nil || len(f.Decls) != 2 {
		t.Fatalf("%v %d", diags, len(f.Decls))
	}
	b := f.Decls[1]
	if sp := b.Sp; sp.Start.Line != 4 || sp.Start.Col != 1 || sp.End.Line != 7 || sp.End.Col != 2 || text[sp.Start.Offset:sp.End.Offset] != text[strings.Index(text, "metric b"):len(text)-1] {
		t.Errorf("decl span %+v", sp)
	}
	// Columns count runes: `+` follows a backquoted é.
	if op := b.Fields[0].Value.(*ast.ExprValue).X.(*ast.Binary).OpSpan; op.Start.Line != 5 || op.Start.Col != 13 || op.End.Col != 14 {
		t.Errorf("operator span %+v", op)
	}
	title := b.Fields[1]
	if sp := title.Key.Sp; sp.Start.Line != 6 || sp.Start.Col != 3 || sp.End.Col != 8 {
		t.Errorf("key span %+v", sp)
	}
}

func TestComments(t *testing.T) {
	text := "// one\nmetric a { // two\n  title \"// not a comment\" // three\n}\n"
	var got []string
	for _, c := range Comments(source.NewFile("x.cal", text)) {
		got = append(got, c.Text+"@"+c.Span.String())
	}
	want := "// one@x.cal:1:1 // two@x.cal:2:12 // three@x.cal:3:28"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// A file of many declarations, each broken, reports one error per
// declaration in linear time.
func TestManyErrors(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		b.WriteString("metric m { value count(e where) }\n")
	}
	if d := parse(b.String()); len(d) != 2000 {
		t.Errorf("want 2000 errors, got %d", len(d))
	}
}
