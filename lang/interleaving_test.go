package lang

import (
	"testing"

	"github.com/caliper-dev/caliper/lang/model"
)

const interleavingSpec = `
source interleaved {
  from csv("data/interleaved.csv")
  time ts
  columns {
    user_id    string
    session_id string
    ts         timestamp
    position   int
    team       string
    clicked    bool
    dwell_ms   float
  }
}

interleaving il {
  rows       interleaved
  unit       user_id
  session    session_id
  team       team
  position   position
  baseline   "v2"
  treatments "v3", "v3_lite"
  credit     clicks clicked
  credit     dwell  dwell_ms / 1000
  test       sign
  alpha      0.1
  launch {
    require srm
    require dwell preferred
    require clicks not worse
  }
}
`

// The interleaving declaration checks into its model: columns resolved,
// credits typed, the launch block's requirements on credits.
func TestInterleavingModel(t *testing.T) {
	res := LoadSource("il.cal", interleavingSpec)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	pkg := res.Package
	if len(pkg.Interleavings) != 1 || len(pkg.InterleavingTargets) != 1 {
		t.Fatalf("interleavings %d, targets %d", len(pkg.Interleavings), len(pkg.InterleavingTargets))
	}
	il := pkg.Interleavings[0]
	if il.Rows.Name != "interleaved" || il.Unit.Name != "user_id" || il.Session.Name != "session_id" || il.Team.Name != "team" ||
		il.Order.Name != "position" || il.Baseline != "v2" || len(il.Treatments) != 2 || il.Test != "sign" || il.Alpha != 0.1 {
		t.Errorf("model %+v", il)
	}
	if len(il.Credits) != 2 || il.Credits[0].Name != "clicks" || il.Credits[1].Name != "dwell" || il.Credits[1].Expr.Type().String() != "float" {
		t.Errorf("credits %+v", il.Credits)
	}
	want := []model.Requirement{{Kind: model.RequireSRM}, {Kind: model.RequirePreferred, Credit: "dwell"}, {Kind: model.RequireNotWorse, Credit: "clicks"}}
	if len(il.Launch) != len(want) {
		t.Fatalf("launch %+v", il.Launch)
	}
	for i, w := range want {
		if il.Launch[i].Kind != w.Kind || il.Launch[i].Credit != w.Credit {
			t.Errorf("requirement %d: %+v, want %+v", i, il.Launch[i], w)
		}
	}
	// Without position, the rows' time orders a session; without a launch
	// block the rule is srm and the first credit preferred.
	res = LoadSource("il.cal", `source r { from csv("r.csv") time ts columns { u string s string ts timestamp team string c bool } }
interleaving x { rows r unit u session s team team baseline "a" credit c c }`)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	x := res.Package.Interleavings[0]
	if x.Order == nil || x.Order.Name != "ts" || x.Test != "unit" || x.Alpha != 0.05 {
		t.Errorf("defaults %+v", x)
	}
	if r := x.Requirements(); len(r) != 2 || r[0].Kind != model.RequireSRM || r[1].Kind != model.RequirePreferred || r[1].Credit != "c" {
		t.Errorf("default launch %+v", r)
	}
}
