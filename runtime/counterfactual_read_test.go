package runtime

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// A counterfactual's result is read through the plan's column
// description: the model column keeps the candidates' type (printed as
// text), and a missing column or a NULL sum is an error, never a 0.
func TestCounterfactualReadsDescribedColumns(t *testing.T) {
	res := lang.Load(filepath.Join("..", "examples", "counterfactual"))
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	p, err := compiler.CompileCounterfactual(res.Package.Counterfactuals[0], dialect.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	table := func(drop string, null string) *engine.Table {
		tab := &engine.Table{}
		var row []any
		for _, c := range p.Columns {
			if c.Name == drop {
				continue
			}
			tab.Columns = append(tab.Columns, c.Name)
			switch {
			case c.Name == null:
				row = append(row, nil)
			case c.Name == compiler.ColCfModel:
				row = append(row, int64(7))
			default:
				row = append(row, 2.0)
			}
		}
		tab.Rows = [][]any{row}
		return tab
	}
	data, err := readCounterfactual("the result", table("", ""), p.Columns)
	if err != nil {
		t.Fatal(err)
	}
	if data.Models[0] != "7" || data.LoggedRows != 2 || data.Sums[0].Cross[5][0] != 2 {
		t.Errorf("read %v, %v, %v", data.Models, data.LoggedRows, data.Sums[0].Cross)
	}
	last := compiler.CfCross(len(compiler.CfComponents)-1, len(compiler.CfComponents)-1)
	for _, c := range []struct{ drop, null, want string }{
		{last, "", `lacks column "` + last + `"`},
		{compiler.ColCfRepeated, "", `lacks column "repeated_candidates"`},
		{"", compiler.ColCfMaxWeight, `NULL in column "max_w"`},
		{"", compiler.ColCfModel, `NULL in column "model"`},
	} {
		if _, err := readCounterfactual("the result", table(c.drop, c.null), p.Columns); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("drop %q, NULL %q: got %v, want %q", c.drop, c.null, err, c.want)
		}
	}
}
