package lang

import (
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/format"
)

const rowsWhereSpec = `source market_daily {
  from csv("data/market_daily.csv")
  time day
  columns {
    market      string
    day         timestamp
    saves       float
    sessions    float
    launched_at timestamp
  }
}

metric market_saves_per_session {
  value sum(market_daily.saves) / sum(market_daily.sessions)
}

rollout fm_v3_markets {
  rows       market_daily WHERE
  group      market
  adopted    launched_at
  period     week
  pre        8w
  post       8w
  comparison not_yet
  primary    market_saves_per_session
}
`

// `rows S where P` (LANGUAGE.md, rollout) checks into the rollout's filter;
// a condition that is not boolean or names an unknown column is an error
// at its position; the formatter keeps the where.
func TestRolloutRowsWhere(t *testing.T) {
	src := strings.Replace(rowsWhereSpec, "WHERE", `where market != "test" and sessions > 0`, 1)
	res := LoadSource("r.cal", src)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	r := res.Package.RolloutTargets[0]
	if r.Rows == nil || r.Rows.Name != "market_daily" || r.Filter == nil {
		t.Fatalf("rows %v, filter %v", r.Rows, r.Filter)
	}
	out, err := format.Source("r.cal", src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `rows       market_daily where market != "test" and sessions > 0`) {
		t.Errorf("formatted:\n%s", out)
	}
	for _, c := range []struct{ where, want string }{
		{"where sessions", "r.cal:18:33: error[E"},
		{"where nope == 1", "r.cal:18:33: error[E"},
	} {
		res := LoadSource("r.cal", strings.Replace(rowsWhereSpec, "WHERE", c.where, 1))
		if !res.Diags.HasErrors() {
			t.Errorf("%s: no error", c.where)
			continue
		}
		var b strings.Builder
		diag.Render(&b, res.Files, res.Diags, diag.RenderOptions{})
		if got := res.Diags.Err().Error(); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s", c.where, got)
		}
		if !strings.Contains(b.String(), "^") {
			t.Errorf("%s: no caret:\n%s", c.where, b.String())
		}
	}
}
