package runtime

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// The runtime reads a result only through the plan's description: a
// missing column, a mistyped value, a NULL where none may be and a column
// the description lacks are errors naming the column, never 0.
func TestResultContract(t *testing.T) {
	cols := compiler.Columns{
		{Name: "variant", Meaning: "the arm", Type: compiler.Text},
		{Name: "units", Meaning: "units in the arm", Type: compiler.Number},
		{Name: "m1_sum", Meaning: "metric x: Σ value", Type: compiler.Number},
		{Name: "q", Meaning: "metric y: the quantile", Type: compiler.Number, Nullable: true},
	}
	good := &engine.Table{Columns: []string{"variant", "units", "m1_sum", "q"}, Rows: [][]any{{"control", int64(3), 4.5, nil}}}
	rs, err := readResults("the result", good, cols)
	if err != nil {
		t.Fatal(err)
	}
	rr := rs.reader(good.Rows[0])
	if v := rr.f("m1_sum"); v != 4.5 || rr.err != nil {
		t.Errorf("m1_sum = %v, %v", v, rr.err)
	}
	if _, ok := rr.opt("q"); ok || rr.err != nil {
		t.Errorf("NULL quantile read as a value (err %v)", rr.err)
	}
	rr = rs.reader(good.Rows[0])
	if v := rr.f("m2_sum"); v != 0 || rr.err == nil || !strings.Contains(rr.err.Error(), `column "m2_sum" is not in the plan's description`) {
		t.Errorf("undescribed column: %v, %v", v, rr.err)
	}
	rr = rs.reader(good.Rows[0])
	if rr.f(""); rr.err == nil {
		t.Error("an uncompiled (empty) column name read without error")
	}
	rr = rs.reader(nil) // an arm absent from the result: no units
	if v := rr.f("m1_sum"); v != 0 || rr.err != nil {
		t.Errorf("absent arm: %v, %v", v, rr.err)
	}
	for _, c := range []struct {
		name string
		tab  *engine.Table
		want string
	}{
		{"missing column", &engine.Table{Columns: []string{"variant", "units", "q"}, Rows: [][]any{{"control", int64(3), nil}}},
			`internal error: the result lacks column "m1_sum" (metric x: Σ value) that the plan describes`},
		{"NULL sum", &engine.Table{Columns: []string{"variant", "units", "m1_sum", "q"}, Rows: [][]any{{"control", int64(3), nil, nil}}},
			`internal error: the result has NULL in column "m1_sum" (metric x: Σ value), which the plan says is never NULL`},
		{"mistyped", &engine.Table{Columns: []string{"variant", "units", "m1_sum", "q"}, Rows: [][]any{{"control", "3", 1.0, nil}}},
			`internal error: the result column "units" (units in the arm): expected a number, found string`},
		{"text read as number", &engine.Table{Columns: []string{"variant", "units", "m1_sum", "q"}, Rows: [][]any{{int64(1), int64(3), 1.0, nil}}},
			`internal error: the result column "variant" (the arm): expected text, found int64`},
	} {
		_, err := readResults("the result", c.tab, cols)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v\nwant %s", c.name, err, c.want)
		}
	}
}
