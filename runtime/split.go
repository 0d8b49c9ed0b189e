package runtime

import (
	"context"
	"fmt"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// runSplit executes a plan's split query and adds per-value results and
// lift shares to the target.
func runSplit(ctx context.Context, eng engine.Engine, p *compiler.Plan, t *result.Target) error {
	tab, err := eng.Query(ctx, p.SplitSQL)
	if err != nil {
		return fmt.Errorf("experiment %s: the split query failed: %w", p.Experiment.Name, err)
	}
	return analyzeSplit(p, tab, t)
}

func analyzeSplit(p *compiler.Plan, tab *engine.Table, t *result.Target) error {
	e := p.Experiment
	rs, err := readResults(fmt.Sprintf("the split result of experiment %s", e.Name), tab, p.SplitColumns)
	if err != nil {
		return err
	}
	type arms struct {
		control    *armStats
		treatments map[string]*armStats
	}
	byValue := map[string]*arms{}
	var values []string
	for _, row := range tab.Rows {
		val, null, err := rs.text(row, compiler.ColSplit)
		if err != nil {
			return err
		}
		if null {
			val = "null"
		}
		st, _, err := readArm(rs, row)
		if err != nil {
			return err
		}
		a := byValue[val]
		if a == nil {
			a = &arms{treatments: map[string]*armStats{}}
			byValue[val] = a
			values = append(values, val)
		}
		if st.variant == e.Control {
			a.control = st
		} else {
			a.treatments[st.variant] = st
		}
	}
	overall := map[string]*result.Result{}
	for _, r := range t.Results {
		if r.Segment == nil {
			overall[r.Metric+"\x00"+r.Variant] = r
		}
	}
	plain := *e
	plain.Cuped, plain.Sequential = 0, false // per-value rows are plain comparisons
	for _, mc := range p.Metrics {
		m := mc.Use.Metric
		if !compiler.SplitsMetric(m, e.Split) || mc.Use.Role == model.Component {
			continue
		}
		for _, tr := range treatmentNames(t) {
			var parts []stats.SplitPart
			for _, v := range values {
				a := byValue[v]
				c, trm := a.control, a.treatments[tr]
				if c == nil {
					c = &armStats{variant: e.Control}
				}
				if trm == nil {
					trm = &armStats{variant: tr}
				}
				mc2 := *mc
				mc2.Pre = nil
				res, err := compare(&plain, rs, &mc2, c, trm, nil)
				if err != nil {
					return err
				}
				res.Split = map[string]string{e.Split: v}
				if m.Kind == model.Ratio {
					res.Notes = append(res.Notes, "per-value figures of a ratio are contributions: the value's numerator over the whole denominator")
				}
				t.Results = append(t.Results, res)
				cmp := stats.Comparison{}
				if res.Absolute != nil {
					cmp.Absolute.Estimate = float64(res.Absolute.Estimate)
				}
				parts = append(parts, stats.SplitPart{Value: v, Comparison: cmp})
			}
			total := overall[m.Name+"\x00"+tr]
			if total == nil || total.Absolute == nil {
				continue
			}
			sh := stats.SplitLiftShares(splitKind(m), stats.Comparison{Absolute: stats.Effect{Estimate: float64(total.Absolute.Estimate)}}, parts)
			out := &result.SplitShares{Metric: m.Name, Variant: tr, Split: e.Split, Kind: sh.Kind.String(),
				Total: result.Num(sh.Total), Residual: result.Num(sh.Residual), Additive: sh.Additive, Problem: sh.Problem}
			for _, part := range sh.Parts {
				sp := &result.SplitPart{Value: part.Value, Lift: result.Num(part.Lift)}
				if sh.Additive {
					s := result.Num(part.Share)
					sp.Share = &s
				}
				out.Parts = append(out.Parts, sp)
			}
			t.SplitShares = append(t.SplitShares, out)
		}
	}
	return nil
}

// treatmentNames lists the compared treatments of the overall results.
func treatmentNames(t *result.Target) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range t.Results {
		if r.Segment == nil && r.Split == nil && !seen[r.Variant] {
			seen[r.Variant] = true
			out = append(out, r.Variant)
		}
	}
	return out
}

// splitKind classifies a metric for lift shares (runtime/stats.SplitKind):
// sums and counts combined by + and − add up over split values (a ratio's
// contributions too); proportions and everything else do not.
func splitKind(m *model.Metric) stats.SplitKind {
	if m.Winsorize != nil || m.Cap != nil {
		return stats.SplitNonAdditive
	}
	switch m.Kind {
	case model.Ratio:
		if linear(m.Value) && linear(m.Den) {
			return stats.SplitAdditive
		}
	case model.Proportion:
		return stats.SplitProportion
	case model.Mean:
		if linear(m.Value) {
			return stats.SplitAdditive
		}
	}
	return stats.SplitNonAdditive
}

// linear reports whether a per-unit value is additive aggregates (the
// catalog's Additive: count, sum) joined by + and −.
// Each node is decided once (metric references share nodes).
func linear(e model.UnitExpr) bool {
	memo := map[model.UnitExpr]bool{}
	var lin func(model.UnitExpr) bool
	lin = func(e model.UnitExpr) bool {
		if v, ok := memo[e]; ok {
			return v
		}
		v := false
		switch e := e.(type) {
		case *model.Aggregate:
			v = e.Func.Additive
		case *model.UnitBinary:
			v = (e.Op == "+" || e.Op == "-") && lin(e.X) && lin(e.Y)
		case *model.UnitUnary:
			v = e.Op == "-" && lin(e.X)
		}
		memo[e] = v
		return v
	}
	return lin(e)
}
