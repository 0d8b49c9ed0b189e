// Package runtime runs compiled plans on an engine and turns the
// sufficient statistics they return into results: estimates, intervals,
// p-values and checks. Statistics come from runtime/stats (pure Go).
package runtime

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// RunExperiment executes an experiment's plan and analyses the result.
func RunExperiment(ctx context.Context, eng engine.Engine, p *compiler.Plan) (*report.Target, error) {
	tab, err := eng.Query(ctx, p.SQL)
	if err != nil {
		return nil, fmt.Errorf("experiment %s: the engine rejected the compiled query: %w", p.Experiment.Name, err)
	}
	return Analyze(p, tab)
}

// armStats are one variant's row of the plan's result.
type armStats struct {
	variant string
	units   float64
	row     []any
}

// Analyze turns the plan's result table (one row per variant) into a
// target report. It is separate from execution so that statistics can be
// computed from tables produced anywhere.
func Analyze(p *compiler.Plan, tab *engine.Table) (*report.Target, error) {
	e := p.Experiment
	t := &report.Target{Kind: "experiment", Name: e.Name, Title: e.Title, Control: e.Control, Alpha: report.Num(e.Alpha),
		Units: map[string]int64{}, Excluded: map[string]int64{"multiple_variants": 0}}
	vi, ui, xi := tab.Index(compiler.ColVariant), tab.Index(compiler.ColUnits), tab.Index(compiler.ColExcluded)
	if vi < 0 || ui < 0 || xi < 0 {
		return nil, fmt.Errorf("experiment %s: result table lacks the variant, units or exclusion columns", e.Name)
	}
	var control *armStats
	var treatments []*armStats
	allowed := map[string]bool{}
	for _, v := range e.Treatments {
		allowed[v] = true
	}
	for _, row := range tab.Rows {
		t.Excluded["multiple_variants"] = int64(engine.Float(row[xi]))
		v := fmt.Sprint(row[vi])
		a := &armStats{variant: v, units: engine.Float(row[ui]), row: row}
		switch {
		case v == e.Control:
			control = a
		case len(allowed) > 0 && !allowed[v]:
			t.Excluded["other_variants"] += int64(a.units)
			t.Notes = append(t.Notes, fmt.Sprintf("variant %q is not in `treatments` and was left out (%d units)", v, int64(a.units)))
			continue
		default:
			treatments = append(treatments, a)
		}
		t.Units[v] = int64(a.units)
	}
	if control == nil {
		control = &armStats{variant: e.Control, row: make([]any, len(tab.Columns))}
		t.Units[e.Control] = 0
		t.Notes = append(t.Notes, fmt.Sprintf("the control variant %q has no units in the data", e.Control))
	}
	for _, v := range e.Treatments {
		if _, ok := t.Units[v]; !ok {
			t.Units[v] = 0
			treatments = append(treatments, &armStats{variant: v, row: make([]any, len(tab.Columns))})
			t.Notes = append(t.Notes, fmt.Sprintf("the treatment %q has no units in the data", v))
		}
	}
	sort.Slice(treatments, func(i, j int) bool { return treatments[i].variant < treatments[j].variant })
	if len(treatments) == 0 {
		t.Notes = append(t.Notes, "no treatment arm in the data: nothing to compare")
	}
	t.SRM = srm(e, control, treatments, t)
	for _, mc := range p.Metrics {
		for _, tr := range treatments {
			t.Results = append(t.Results, compare(e, tab, mc, control, tr))
		}
	}
	return t, nil
}

// srm checks the arms' unit counts against the allocation.
func srm(e *model.Experiment, control *armStats, treatments []*armStats, t *report.Target) *report.SRM {
	obs := []float64{control.units}
	for _, a := range treatments {
		obs = append(obs, a.units)
	}
	weights := e.Allocation
	if weights != nil && len(weights) != len(obs) {
		t.Notes = append(t.Notes, fmt.Sprintf("allocation lists %d shares but the data has %d arms; the sample-ratio check assumes equal shares", len(weights), len(obs)))
		weights = nil
	}
	s := stats.SampleRatio(obs, weights)
	exp := make([]report.Num, len(obs))
	wsum := 0.0
	for i := range obs {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		exp[i] = report.Num(w)
		wsum += w
	}
	for i := range exp {
		exp[i] /= report.Num(wsum)
	}
	return &report.SRM{ChiSquare: report.Num(s.ChiSquare), DF: report.Num(s.DF), PValue: report.Num(s.PValue), Passed: s.Passed(), Expected: exp}
}

func col(tab *engine.Table, row []any, name string) float64 {
	i := tab.Index(name)
	if i < 0 || row == nil {
		return 0
	}
	return engine.Float(row[i])
}

// compare computes one metric for one treatment against the control.
func compare(e *model.Experiment, tab *engine.Table, mc *compiler.MetricColumns, c, tr *armStats) *report.Result {
	m := mc.Use.Metric
	res := &report.Result{Metric: m.Name, Title: m.Title, Kind: string(m.Kind), Role: string(mc.Use.Role),
		Direction: m.Direction.String(), Variant: tr.variant}
	var ca, ta stats.Arm
	dist := stats.WelchT
	var cmp stats.Comparison
	switch m.Kind {
	case model.Quantile:
		cq, tq := quantileStats(tab, c.row, mc, m.Quantile.Q), quantileStats(tab, tr.row, mc, m.Quantile.Q)
		ca = stats.Arm{Units: cq.N, Value: cq.Estimate}
		ta = stats.Arm{Units: tq.N, Value: tq.Estimate}
		cmp = stats.CompareQuantiles(cq, tq, e.Alpha)
		res.Method = cmp.Method
	case model.Ratio:
		ca, ta = stats.RatioArm(ratioMoments(tab, c.row, mc)), stats.RatioArm(ratioMoments(tab, tr.row, mc))
		dist = stats.Normal
		res.Method = "delta_ratio_z"
	default:
		ca, ta = stats.MeanArm(moments(tab, c.row, mc)), stats.MeanArm(moments(tab, tr.row, mc))
		res.Method = "welch_t"
	}
	res.Control = report.Arm{Units: int64(ca.Units), Mean: report.Num(finite(ca.Value))}
	res.Treatment = report.Arm{Units: int64(ta.Units), Mean: report.Num(finite(ta.Value))}
	if m.Kind != model.Quantile {
		cmp = stats.Compare(ca, ta, e.Alpha, dist)
	}
	if !cmp.Estimable() {
		res.Notes = append(res.Notes, cmp.Problem)
		return res
	}
	a := cmp.Absolute
	res.Absolute = effect(a)
	if r := cmp.Relative; r != nil {
		res.Relative = effect(*r)
	} else {
		res.Notes = append(res.Notes, cmp.RelativeProblem)
	}
	pv := report.Num(cmp.PValue)
	res.PValue = &pv
	res.Significant = cmp.PValue < e.Alpha
	return res
}

func moments(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.Moments {
	return stats.Moments{N: col(tab, row, mc.N), Sum: col(tab, row, mc.Sum), SumSq: col(tab, row, mc.SumSq)}
}

func quantileStats(tab *engine.Table, row []any, mc *compiler.MetricColumns, nu float64) stats.QuantileStats {
	return stats.QuantileStats{Nu: nu, N: col(tab, row, mc.QN), Estimate: col(tab, row, mc.QEstimate),
		Lower: col(tab, row, mc.QLower), Upper: col(tab, row, mc.QUpper),
		Clusters: col(tab, row, mc.QClusters), SumInd: col(tab, row, mc.QSumInd), SumSqInd: col(tab, row, mc.QSumSqInd),
		SumObs: col(tab, row, mc.QSumObs), SumSqObs: col(tab, row, mc.QSumSqObs), SumIndObs: col(tab, row, mc.QSumIndObs)}
}

func ratioMoments(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.RatioMoments {
	return stats.RatioMoments{N: col(tab, row, mc.N), SumM: col(tab, row, mc.Sum), SumSqM: col(tab, row, mc.SumSq),
		SumD: col(tab, row, mc.DenSum), SumSqD: col(tab, row, mc.DenSumSq), SumProd: col(tab, row, mc.Prod)}
}

func effect(e stats.Effect) *report.Effect {
	return &report.Effect{Estimate: report.Num(e.Estimate), CILower: report.Num(e.Lower), CIUpper: report.Num(e.Upper), StdError: report.Num(e.StdError)}
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
