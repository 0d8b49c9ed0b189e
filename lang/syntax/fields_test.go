package syntax

import (
	"reflect"
	"regexp"
	"sort"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
)

// grammarShapes maps each keyword alternative of the grammar's field rule
// (cstField) to the value shape it parses.
var grammarShapes = map[string]ast.Shape{
	"StrKey": ast.ShapeString, "ListKey": ast.ShapeStrings, "Value": ast.ShapeExpr, "IdentKey": ast.ShapeName,
	"NamesKey": ast.ShapeNames, "Decompose": ast.ShapeProduct, "PctKey": ast.ShapePercent, "NumKey": ast.ShapeNumber,
	"DurKey": ast.ShapeDuration, "BoolKey": ast.ShapeBool, "Allocation": ast.ShapePercents, "From": ast.ShapeReader,
	"Columns": ast.ShapeColumns, "ExposuresKey": ast.ShapeExposures, "Guardrail": ast.ShapeGuardrail,
	"Factor": ast.ShapeFactor, "Metrics": ast.ShapeMetricRefs, "Launch": ast.ShapeLaunch, "Credit": ast.ShapeCredit, "Policy": ast.ShapePolicy,
}

// TestGrammarMatchesFieldTable: the grammar parses exactly the fields of
// the field tables (lang/ast/fields.go), each with its table's shape. A
// field added to the table needs its keyword in the alternative of its
// shape; this test names what is missing.
func TestGrammarMatchesFieldTable(t *testing.T) {
	keyword := regexp.MustCompile(`'([a-z_]+)'`)
	inGrammar := map[string]ast.Shape{}
	typ := reflect.TypeOf(cstField{})
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		shape, ok := grammarShapes[sf.Name]
		if !ok {
			continue
		}
		tag := sf.Tag.Get("parser")
		// The field's own keywords come before its value (@@).
		if j := regexp.MustCompile(`@@`).FindStringIndex(tag); j != nil {
			tag = tag[:j[0]]
		}
		for _, m := range keyword.FindAllStringSubmatch(tag, -1) {
			inGrammar[m[1]] = shape
		}
	}
	if len(inGrammar) < 40 {
		t.Fatalf("found %d field keywords in the grammar; the test no longer reads cstField", len(inGrammar))
	}
	var names []string
	for _, k := range ast.Kinds() {
		names = append(names, ast.FieldNames(k)...)
	}
	sort.Strings(names)
	for _, n := range names {
		f, _ := ast.FieldNamed(n)
		g, ok := inGrammar[n]
		switch {
		case !ok:
			t.Errorf("field %s (%s) is in the field table but not in the grammar", n, f.Shape)
		case g != f.Shape:
			t.Errorf("field %s is a %s in the grammar, a %s in the field table", n, g, f.Shape)
		}
	}
	for n := range inGrammar {
		if !ast.IsField(n) {
			t.Errorf("the grammar parses field %s, which no field table lists", n)
		}
	}
}

// TestGrammarDeclKinds: the grammar's declaration keywords are the field
// tables' kinds.
func TestGrammarDeclKinds(t *testing.T) {
	f, _ := reflect.TypeOf(cstDecl{}).FieldByName("Kind")
	var got []string
	for _, m := range regexp.MustCompile(`'([a-z_]+)'`).FindAllStringSubmatch(f.Tag.Get("parser"), -1) {
		got = append(got, m[1])
	}
	want := ast.Kinds()
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grammar declaration kinds %v, field tables %v", got, want)
	}
}
