package runtime

import (
	"fmt"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// analyzeExposureAge turns the exposure-age query's rows (a row per
// variant and pair of ages, compiler.exposureAgeSQL) into a result per
// metric, treatment and age (the same comparison as the overall one, on
// the units covering the age) and the long-run fit of the relative
// effects by age, whose covariance comes from the cross moments.
func analyzeExposureAge(p *compiler.Plan, tab *engine.Table, t *result.Target) error {
	e := p.Experiment
	rs, err := readResults(fmt.Sprintf("the exposure-age timeline result of experiment %s", e.Name), tab, p.TimelineColumns)
	if err != nil {
		return err
	}
	// rows[variant][age][later age]
	rows := map[string]map[[2]int][]any{}
	arms := map[string]map[int]*armStats{}
	ages := 0
	for _, row := range tab.Rows {
		a, _, err := readArm(rs, row)
		if err != nil {
			return err
		}
		rr := rs.reader(row)
		d, l := int(rr.f(compiler.ColAge)), int(rr.f(compiler.ColLaterAge))
		if rr.err != nil {
			return rr.err
		}
		v := a.variant
		if d == l {
			if arms[v] == nil {
				arms[v] = map[int]*armStats{}
			}
			arms[v][d] = a
		}
		if rows[v] == nil {
			rows[v] = map[[2]int][]any{}
		}
		rows[v][[2]int{d, l}] = row
		ages = max(ages, l+1)
	}
	arm := func(v string, d int) *armStats {
		if a := arms[v][d]; a != nil {
			return a
		}
		return &armStats{variant: v}
	}
	unit := e.Timeline.Unit()
	plain := *e
	plain.Cuped, plain.Sequential = 0, false
	for _, mc := range p.Metrics {
		m := mc.Use.Metric
		if !compiler.TimelineMetric(m) || mc.Use.Role == model.Component {
			continue
		}
		cols := prefixed(mc, compiler.TimelineDaily)
		for _, tr := range treatmentNames(t) {
			for d := 0; d < ages; d++ {
				c, trm := arm(e.Control, d), arm(tr, d)
				if c.row == nil && trm.row == nil {
					continue
				}
				r, err := compare(&plain, rs, cols, c, trm, nil)
				if err != nil {
					return err
				}
				age := d
				r.Period, r.Timeline = &age, "exposure_"+unit
				t.Timeline = append(t.Timeline, r)
			}
			out := &result.LongRun{Metric: m.Name, Variant: tr, Scale: "relative", Unit: unit}
			if !compiler.ExposureAgeMoments(m) {
				out.Problem = "the long-run fit needs a mean or proportion metric of count, sum or any (its ages' covariance comes from per-unit values)"
				t.LongRun = append(t.LongRun, out)
				continue
			}
			cm, err := ageMoments(rs, rows[e.Control], mc, ages)
			if err != nil {
				return err
			}
			tm, err := ageMoments(rs, rows[tr], mc, ages)
			if err != nil {
				return err
			}
			curve := stats.RelativeAgeCurve(cm, tm)
			lr := stats.FitLongRun(curve, e.Alpha)
			out.Periods, out.Problem = lr.Periods, lr.Problem
			if lr.Problem == "" {
				out.Asymptote, out.Trend = effect(lr.Asymptote), effect(lr.Trend)
				tau, p := result.Num(lr.Tau), result.Num(lr.TrendP)
				out.Tau, out.TrendP, out.Pattern = &tau, &p, lr.Pattern
			}
			t.LongRun = append(t.LongRun, out)
		}
	}
	return nil
}

// ageMoments reads one arm's per-age and cross moments of a mean metric.
func ageMoments(rs *results, rows map[[2]int][]any, mc *compiler.MetricColumns, ages int) (stats.AgeMoments, error) {
	m := stats.AgeMoments{Pairs: make([][]stats.AgePair, ages)}
	for d := range m.Pairs {
		m.Pairs[d] = make([]stats.AgePair, ages)
		for l := d; l < ages; l++ {
			row := rows[[2]int{d, l}]
			if row == nil {
				continue
			}
			rr := rs.reader(row)
			p := stats.AgePair{N: rr.f(compiler.TimelineDaily + mc.N), SumD: rr.f(compiler.TimelineDaily + mc.Sum),
				SumE: rr.f(compiler.ExposureAgeLater + mc.Sum), Cross: rr.f(compiler.ExposureAgeCross + mc.Sum)}
			if d == l {
				p.SumE, p.Cross = p.SumD, rr.f(compiler.TimelineDaily+mc.SumSq)
			}
			if rr.err != nil {
				return m, rr.err
			}
			m.Pairs[d][l] = p
		}
	}
	return m, nil
}
