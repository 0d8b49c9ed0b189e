// Package runtime runs compiled plans on an engine and turns the
// sufficient statistics they return into results: estimates, intervals,
// p-values, checks and launch decisions. Statistics come from
// runtime/stats (pure Go).
package runtime

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/decide"
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
	t, err := Analyze(p, tab)
	if err != nil {
		return nil, err
	}
	if p.SplitSQL != "" {
		if err := runSplit(ctx, eng, p, t); err != nil {
			return nil, err
		}
	}
	if p.TimelineSQL != "" {
		if err := runTimeline(ctx, eng, p, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// armStats are one variant's row of the plan's result.
type armStats struct {
	variant string
	units   float64
	row     []any
}

// slice is the overall population or one segment value: its control and
// treatment rows.
type slice struct {
	segment    map[string]string // nil for overall
	column     string            // the segment column ("" overall)
	control    *armStats
	treatments map[string]*armStats
}

// Analyze turns the plan's result table (a row per variant, and per
// variant and segment value) into a target report: comparisons, the
// sample-ratio check, corrections, heterogeneity tests and decisions. It
// is separate from execution so statistics can come from tables produced
// anywhere.
func Analyze(p *compiler.Plan, tab *engine.Table) (*report.Target, error) {
	e := p.Experiment
	t := &report.Target{Kind: "experiment", Name: e.Name, Title: e.Title, Hypothesis: e.Hypothesis, Owner: e.Owner,
		Control: e.Control, Alpha: report.Num(e.Alpha), Sequential: e.Sequential,
		Units: map[string]int64{}, Excluded: map[string]int64{"multiple_variants": 0}, Results: []*report.Result{}}
	vi, ui, xi := tab.Index(compiler.ColVariant), tab.Index(compiler.ColUnits), tab.Index(compiler.ColExcluded)
	if vi < 0 || ui < 0 || xi < 0 {
		return nil, fmt.Errorf("experiment %s: result table lacks the variant, units or exclusion columns", e.Name)
	}
	if e.Factorial() {
		return analyzeFactorial(p, tab, t), nil
	}
	if e.Cluster != nil {
		t.Clustered = e.Cluster.Name
	}
	overall, segments := slices(p, tab, vi, ui, xi, t)
	treatments := armsOf(e, overall, t)
	t.SRM = srm(e, overall.control, treatments, t)
	for _, mc := range p.Metrics {
		for _, tr := range treatments {
			t.Results = append(t.Results, compare(e, tab, mc, overall.control, tr, nil))
		}
	}
	for _, sl := range segments {
		for _, mc := range p.Metrics {
			if mc.Use.Metric.Kind == model.Quantile {
				continue // quantiles are computed overall only
			}
			for _, tr := range treatments {
				arm := sl.treatments[tr.variant]
				if arm == nil {
					arm = &armStats{variant: tr.variant}
				}
				t.Results = append(t.Results, compare(e, tab, mc, sl.control, arm, sl.segment))
			}
		}
	}
	correct(e, t)
	heterogeneity(e, t)
	decompositions(e, t)
	decide.Decide(e, t)
	return t, nil
}

// slices splits the result rows into the overall slice and the segment
// slices (in row order, which the SQL sorts).
func slices(p *compiler.Plan, tab *engine.Table, vi, ui, xi int, t *report.Target) (*slice, []*slice) {
	overall := &slice{treatments: map[string]*armStats{}}
	var segs []*slice
	byKey := map[string]*slice{}
	li := tab.Index(compiler.ColSegmentLevel)
	for _, row := range tab.Rows {
		t.Excluded["multiple_variants"] = int64(engine.Float(row[xi]))
		a := &armStats{variant: fmt.Sprint(row[vi]), units: engine.Float(row[ui]), row: row}
		sl := overall
		if li >= 0 && engine.Float(row[li]) > 0 {
			for _, c := range p.Segments {
				ci := tab.Index(compiler.SegmentColumn(c))
				if row[ci] == nil {
					continue
				}
				val := fmt.Sprint(row[ci])
				key := c.Name + "\x00" + val
				if byKey[key] == nil {
					byKey[key] = &slice{segment: map[string]string{c.Name: val}, column: c.Name, treatments: map[string]*armStats{}}
					segs = append(segs, byKey[key])
				}
				sl = byKey[key]
			}
		}
		if a.variant == p.Experiment.Control {
			sl.control = a
		} else {
			sl.treatments[a.variant] = a
		}
	}
	for _, sl := range segs {
		if sl.control == nil {
			sl.control = &armStats{variant: p.Experiment.Control}
		}
	}
	return overall, segs
}

// armsOf fills the target's unit counts and returns the treatments to
// compare, reporting variants left out and arms missing from the data.
func armsOf(e *model.Experiment, overall *slice, t *report.Target) []*armStats {
	allowed := map[string]bool{}
	for _, v := range e.Treatments {
		allowed[v] = true
	}
	var treatments []*armStats
	var names []string
	for v := range overall.treatments {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		a := overall.treatments[v]
		if len(allowed) > 0 && !allowed[v] {
			t.Excluded["other_variants"] += int64(a.units)
			t.Notes = append(t.Notes, fmt.Sprintf("variant %q is not in `treatments` and was left out (%d units)", v, int64(a.units)))
			continue
		}
		t.Units[v] = int64(a.units)
		treatments = append(treatments, a)
	}
	if overall.control == nil {
		overall.control = &armStats{variant: e.Control}
		t.Notes = append(t.Notes, fmt.Sprintf("the control variant %q has no units in the data", e.Control))
	}
	t.Units[e.Control] = int64(overall.control.units)
	for _, v := range e.Treatments {
		if _, ok := overall.treatments[v]; !ok {
			t.Units[v] = 0
			treatments = append(treatments, &armStats{variant: v})
			t.Notes = append(t.Notes, fmt.Sprintf("the treatment %q has no units in the data", v))
		}
	}
	sort.Slice(treatments, func(i, j int) bool { return treatments[i].variant < treatments[j].variant })
	if len(treatments) == 0 {
		t.Notes = append(t.Notes, "no treatment arm in the data: nothing to compare")
	}
	return treatments
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
	if i < 0 || row == nil || name == "" {
		return 0
	}
	return engine.Float(row[i])
}

// compare computes one metric for one treatment against the control, in
// the overall population (segment nil) or one segment.
func compare(e *model.Experiment, tab *engine.Table, mc *compiler.MetricColumns, c, tr *armStats, segment map[string]string) *report.Result {
	m := mc.Use.Metric
	res := &report.Result{Metric: m.Name, Title: m.Title, Kind: string(m.Kind), Role: string(mc.Use.Role),
		Direction: m.Direction.String(), Variant: tr.variant, Segment: segment}
	if mc.Use.Role == model.Guardrail {
		w := report.Num(mc.Use.Within)
		res.Within = &w
	}
	var ca, ta stats.Arm
	var cmp stats.Comparison
	switch {
	case m.Kind == model.Quantile:
		cq, tq := quantileStats(tab, c.row, mc, m.Quantile.Q), quantileStats(tab, tr.row, mc, m.Quantile.Q)
		ca, ta = stats.Arm{Units: cq.N, Value: cq.Estimate}, stats.Arm{Units: tq.N, Value: tq.Estimate}
		cmp = stats.CompareQuantiles(cq, tq, e.Alpha)
	case e.Cluster != nil:
		cc, tc := clusterMoments(tab, c.row, mc), clusterMoments(tab, tr.row, mc)
		ca = stats.Arm{Units: cc.Units, Value: cc.Value()}
		ta = stats.Arm{Units: tc.Units, Value: tc.Value()}
		dist := stats.WelchT
		if m.Kind == model.Ratio {
			dist = stats.Normal
		}
		cmp = stats.ClusterCompare(cc, tc, stats.ClusterDelta, e.Alpha, dist)
	case m.Kind == model.Ratio:
		cr, trr := ratioMoments(tab, c.row, mc), ratioMoments(tab, tr.row, mc)
		ca, ta = stats.RatioArm(cr), stats.RatioArm(trr)
		cmp = stats.Compare(ca, ta, e.Alpha, stats.Normal)
		cmp.Method = "delta_ratio_z"
		if mc.Pre != nil {
			cr := stats.CompareCupedRatio(cupedRatio(tab, c.row, mc), cupedRatio(tab, tr.row, mc), e.Alpha, stats.Normal)
			cmp = cupedResult(res, cr)
		}
	default:
		cm, tm := moments(tab, c.row, mc), moments(tab, tr.row, mc)
		ca, ta = stats.MeanArm(cm), stats.MeanArm(tm)
		cmp = stats.Compare(ca, ta, e.Alpha, stats.WelchT)
		if mc.Pre != nil {
			cr := stats.CompareCuped(cuped(tab, c.row, mc), cuped(tab, tr.row, mc), stats.CupedPooled, e.Alpha, stats.WelchT)
			cmp = cupedResult(res, cr)
		}
	}
	if e.Cuped > 0 && mc.Pre == nil && m.Kind != model.Quantile && segment == nil {
		res.Notes = append(res.Notes, "CUPED not applied: the metric leaves units without rows out (avg, min or max), so their pre-exposure values are missing")
	}
	if e.Sequential && cmp.Estimable() {
		cmp = stats.Sequential(cmp, ca.Units+ta.Units, e.Alpha, e.SequentialTuning)
	}
	if m, ok := stats.ParseRelativeMethod(e.RelativeCI); ok {
		cmp = cmp.WithRelative(m)
	}
	res.Method = cmp.Method
	res.Control = report.Arm{Units: int64(ca.Units), Mean: report.Num(finite(ca.Value))}
	res.Treatment = report.Arm{Units: int64(ta.Units), Mean: report.Num(finite(ta.Value))}
	if !cmp.Estimable() {
		res.Notes = append(res.Notes, cmp.Problem)
		return res
	}
	res.Absolute = effect(cmp.Absolute)
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

// cupedResult records a CUPED adjustment on the result and returns the
// comparison to report (the adjusted one, or the unadjusted fallback).
func cupedResult(res *report.Result, cr stats.CupedResult) stats.Comparison {
	res.Cuped = &report.Cuped{Adjusted: cr.Adjusted, Theta: report.Num(cr.Theta),
		VarianceReduction: report.Num(cr.VarianceReduction), Note: cr.Note}
	return cr.Comparison
}

// clusterMoments reads a clustered metric's sums over cluster totals.
func clusterMoments(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.ClusterMoments {
	return stats.ClusterMoments{Clusters: col(tab, row, mc.N), Units: col(tab, row, mc.DenSum),
		SumM: col(tab, row, mc.Sum), SumSqM: col(tab, row, mc.SumSq),
		SumD: col(tab, row, mc.DenSum), SumSqD: col(tab, row, mc.DenSumSq), SumProd: col(tab, row, mc.Prod)}
}

func moments(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.Moments {
	return stats.Moments{N: col(tab, row, mc.N), Sum: col(tab, row, mc.Sum), SumSq: col(tab, row, mc.SumSq)}
}

func cuped(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.CupedMoments {
	return stats.CupedMoments{N: col(tab, row, mc.N), SumY: col(tab, row, mc.Sum), SumSqY: col(tab, row, mc.SumSq),
		SumX: col(tab, row, mc.Pre.Sum), SumSqX: col(tab, row, mc.Pre.SumSq), SumXY: col(tab, row, mc.Pre.Cross)}
}

func ratioMoments(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.RatioMoments {
	return stats.RatioMoments{N: col(tab, row, mc.N), SumM: col(tab, row, mc.Sum), SumSqM: col(tab, row, mc.SumSq),
		SumD: col(tab, row, mc.DenSum), SumSqD: col(tab, row, mc.DenSumSq), SumProd: col(tab, row, mc.Prod)}
}

func cupedRatio(tab *engine.Table, row []any, mc *compiler.MetricColumns) stats.CupedRatioMoments {
	p := mc.Pre
	c := func(name string) float64 { return col(tab, row, name) }
	return stats.CupedRatioMoments{N: c(mc.N),
		SumMPost: c(mc.Sum), SumSqMPost: c(mc.SumSq), SumDPost: c(mc.DenSum), SumSqDPost: c(mc.DenSumSq),
		SumMPre: c(p.Sum), SumSqMPre: c(p.SumSq), SumDPre: c(p.DenSum), SumSqDPre: c(p.DenSumSq),
		SumMPostMPre: c(p.MPostMPre), SumDPostDPre: c(p.DPostDPre), SumMPreDPre: c(p.MPreDPre),
		SumMPostDPost: c(mc.Prod), SumMPostDPre: c(p.MPostDPre), SumMPreDPost: c(p.MPreDPost)}
}

func quantileStats(tab *engine.Table, row []any, mc *compiler.MetricColumns, nu float64) stats.QuantileStats {
	return stats.QuantileStats{Nu: nu, N: col(tab, row, mc.QN), Estimate: col(tab, row, mc.QEstimate),
		Lower: col(tab, row, mc.QLower), Upper: col(tab, row, mc.QUpper),
		Clusters: col(tab, row, mc.QClusters), SumInd: col(tab, row, mc.QSumInd), SumSqInd: col(tab, row, mc.QSumSqInd),
		SumObs: col(tab, row, mc.QSumObs), SumSqObs: col(tab, row, mc.QSumSqObs), SumIndObs: col(tab, row, mc.QSumIndObs)}
}

func effect(e stats.Effect) *report.Effect {
	out := &report.Effect{Estimate: report.Num(e.Estimate), CILower: report.Num(e.Lower), CIUpper: report.Num(e.Upper),
		StdError: report.Num(e.StdError), Method: e.Method, Unbounded: e.Unbounded}
	if e.Gap != nil {
		out.Gap = &[2]report.Num{report.Num(e.Gap[0]), report.Num(e.Gap[1])}
	}
	return out
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// correct applies multiple-testing corrections to the overall results:
// the primary family (primary metrics × treatments) is corrected with the
// experiment's method only when it has several members; the secondary
// family (secondary metrics × treatments) always is (default Holm).
// Guardrails and segment rows are not corrected. Significance follows the
// adjusted p-value.
func correct(e *model.Experiment, t *report.Target) {
	t.Correction = e.Correction
	method, ok := stats.ParseCorrection(e.Correction)
	if !ok {
		return
	}
	for _, role := range []model.Role{model.Primary, model.Secondary} {
		var fam []*report.Result
		for _, r := range t.Results {
			if r.Segment == nil && r.Role == string(role) && r.Variant != "" {
				fam = append(fam, r)
			}
		}
		if len(fam) < 2 || method == stats.CorrectionNone {
			continue
		}
		ps := make([]float64, len(fam))
		for i, r := range fam {
			ps[i] = math.NaN()
			if r.PValue != nil {
				ps[i] = float64(*r.PValue)
			}
		}
		adj := stats.AdjustPValues(ps, method)
		for i, r := range fam {
			if adj.Missing[i] {
				continue
			}
			v := report.Num(adj.P[i])
			r.PValueAdjusted = &v
			r.Significant = adj.P[i] < e.Alpha
		}
	}
}

// heterogeneity tests, per metric, treatment and segment column, whether
// the effect differs across the column's values (Cochran's Q on the
// absolute effects).
func heterogeneity(e *model.Experiment, t *report.Target) {
	type key struct{ metric, variant, column string }
	groups := map[key][]stats.SegmentEffect{}
	var order []key
	for _, r := range t.Results {
		for col, val := range r.Segment {
			k := key{r.Metric, r.Variant, col}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			se := stats.SegmentEffect{Segment: val}
			if r.Absolute != nil {
				se.Estimate, se.StdError = float64(r.Absolute.Estimate), float64(r.Absolute.StdError)
			}
			groups[k] = append(groups[k], se)
		}
	}
	for _, k := range order {
		h := stats.CochranQ(groups[k], e.Alpha)
		t.Heterogeneity = append(t.Heterogeneity, &report.Heterogeneity{Metric: k.metric, Variant: k.variant, Segment: k.column,
			Q: report.Num(h.Q), DF: report.Num(h.DF), PValue: report.Num(h.PValue), I2: report.Num(h.I2), Skipped: h.Skipped, Problem: h.Problem})
	}
}

// decompositions splits each decomposed metric's relative lift between
// its factors, per treatment (overall results only).
func decompositions(e *model.Experiment, t *report.Target) {
	byKey := map[string]*report.Result{}
	for _, r := range t.Results {
		if r.Segment == nil {
			byKey[r.Metric+"\x00"+r.Variant] = r
		}
	}
	for _, u := range e.Metrics {
		m := u.Metric
		if len(m.Decompose) == 0 || u.Role == model.Component {
			continue
		}
		for _, r := range t.Results {
			if r.Metric != m.Name || r.Segment != nil {
				continue
			}
			part := func(name string, res *report.Result) stats.DecomposePart {
				return stats.DecomposePart{Name: name, Control: float64(res.Control.Mean), Treatment: float64(res.Treatment.Mean)}
			}
			var factors []stats.DecomposePart
			missing := false
			for _, f := range m.Decompose {
				fr := byKey[f.Name+"\x00"+r.Variant]
				if fr == nil {
					missing = true
					break
				}
				factors = append(factors, part(f.Name, fr))
			}
			if missing {
				continue
			}
			d := stats.Decompose(part(m.Name, r), factors)
			out := &report.Decomposition{Metric: m.Name, Variant: r.Variant, Lift: report.Num(d.Total.Lift),
				IdentityHolds: d.IdentityHolds, Residual: report.Num(d.Residual), Problem: d.Problem}
			for _, f := range d.Factors {
				out.Factors = append(out.Factors, &report.FactorLift{Metric: f.Name, Lift: report.Num(f.Lift), Share: report.Num(f.Share)})
			}
			t.Decompositions = append(t.Decompositions, out)
		}
	}
}
