// Package runtime runs compiled plans on an engine and turns the
// sufficient statistics they return into results: estimates, intervals,
// p-values, checks and launch decisions. Statistics come from
// runtime/stats (pure Go).
package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/decide"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// RunExperiment executes an experiment's plan and analyses the result.
func RunExperiment(ctx context.Context, eng engine.Engine, p *compiler.Plan) (*result.Target, error) {
	tab, err := eng.Query(ctx, p.SQL)
	var short *engine.ResourceError
	if errors.As(err, &short) {
		return nil, fmt.Errorf("experiment %s: %w", p.Experiment.Name, err)
	}
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
	if p.CoverageColumns != nil {
		if err := readCoverage(p, tab, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// readCoverage reads, from the main query's result, the units whose
// analysis window ends after the last timestamp in the data (t.Coverage;
// the columns are the same on every row, and a result without rows has
// none).
func readCoverage(p *compiler.Plan, tab *engine.Table, t *result.Target) error {
	rs, err := readResults(fmt.Sprintf("the coverage columns of experiment %s", p.Experiment.Name), tab, p.CoverageColumns)
	if err != nil {
		return err
	}
	if len(tab.Rows) == 0 {
		return nil
	}
	row := tab.Rows[0]
	rr := rs.reader(row)
	units, incomplete := rr.f(compiler.ColCoverageUnits), rr.f(compiler.ColCoverageIncomplete)
	if rr.err != nil {
		return rr.err
	}
	c := &result.Coverage{Policy: p.Experiment.WindowPolicy.String(), Units: int64(units), IncompleteUnits: int64(incomplete)}
	if units > 0 {
		c.Share = result.Num(incomplete / units)
	}
	if end, err := rs.time(row, compiler.ColCoverageDataEnd); err == nil {
		c.DataEnd = end.UTC().Format("2006-01-02 15:04:05")
	}
	t.Coverage = c
	return nil
}

// armStats are one variant's row of the plan's result.
type armStats struct {
	variant  string
	units    float64
	clusters float64 // with `cluster C`: the arm's clusters
	row      []any
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
func Analyze(p *compiler.Plan, tab *engine.Table) (*result.Target, error) {
	e := p.Experiment
	t := &result.Target{Kind: "experiment", Name: e.Name, Title: e.Title, Hypothesis: e.Hypothesis, Owner: e.Owner,
		Alpha: result.Num(e.Alpha), Experiment: result.Experiment{Control: e.Control, Sequential: e.Sequential,
			Units: map[string]int64{}, Excluded: map[string]int64{"multiple_variants": 0}, Results: []*result.Result{}}}
	rs, err := readResults(fmt.Sprintf("the result of experiment %s", e.Name), tab, p.Columns)
	if err != nil {
		return nil, err
	}
	if _, ok := rs.cols.Lookup(compiler.ColExcludedIncomplete); ok {
		t.Excluded["incomplete_window"] = 0
		if len(tab.Rows) > 0 {
			rr := rs.reader(tab.Rows[0])
			t.Excluded["incomplete_window"] = int64(rr.f(compiler.ColExcludedIncomplete))
			if rr.err != nil {
				return nil, rr.err
			}
		}
	}
	if e.Factorial() {
		return analyzeFactorial(p, rs, t)
	}
	if e.Cluster != nil {
		t.Clustered = e.Cluster.Name
	}
	overall, segments, err := slices(p, rs, t)
	if err != nil {
		return nil, err
	}
	treatments := armsOf(e, overall, t)
	if e.Cluster != nil {
		if err := clusterCounts(rs, overall, treatments, t); err != nil {
			return nil, err
		}
	}
	t.SRM = srm(e, overall.control, treatments, t)
	for _, mc := range p.Metrics {
		for _, tr := range treatments {
			res, err := compare(e, rs, mc, overall.control, tr, nil)
			if err != nil {
				return nil, err
			}
			t.Results = append(t.Results, res)
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
				res, err := compare(e, rs, mc, sl.control, arm, sl.segment)
				if err != nil {
					return nil, err
				}
				t.Results = append(t.Results, res)
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
func slices(p *compiler.Plan, rs *results, t *result.Target) (*slice, []*slice, error) {
	overall := &slice{treatments: map[string]*armStats{}}
	var segs []*slice
	byKey := map[string]*slice{}
	_, segmented := rs.cols.Lookup(compiler.ColSegmentLevel)
	for _, row := range rs.tab.Rows {
		a, excluded, err := readArm(rs, row)
		if err != nil {
			return nil, nil, err
		}
		t.Excluded["multiple_variants"] = int64(excluded)
		sl := overall
		level := 0.0
		if segmented {
			rr := rs.reader(row)
			level = rr.f(compiler.ColSegmentLevel)
			if rr.err != nil {
				return nil, nil, rr.err
			}
		}
		if level > 0 {
			for _, c := range p.Segments {
				val, null, err := rs.text(row, compiler.SegmentColumn(c))
				if err != nil {
					return nil, nil, err
				}
				if null {
					continue
				}
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
	return overall, segs, nil
}

// readArm reads a row's variant, units and (when the result has it) the
// number of units left out for several variants.
func readArm(rs *results, row []any) (*armStats, float64, error) {
	v, null, err := rs.text(row, compiler.ColVariant)
	if err == nil && null {
		err = fmt.Errorf("internal error: %s has a NULL variant", rs.what)
	}
	if err != nil {
		return nil, 0, err
	}
	rr := rs.reader(row)
	a := &armStats{variant: v, units: rr.f(compiler.ColUnits), row: row}
	excluded := 0.0
	if _, ok := rs.cols.Lookup(compiler.ColExcluded); ok {
		excluded = rr.f(compiler.ColExcluded)
	}
	return a, excluded, rr.err
}

// armsOf fills the target's unit counts and returns the treatments to
// compare, reporting variants left out and arms missing from the data.
func armsOf(e *model.Experiment, overall *slice, t *result.Target) []*armStats {
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

// clusterCounts reads the clusters per arm and the clusters left out
// because their units were assigned to several variants (`cluster C`).
func clusterCounts(rs *results, overall *slice, treatments []*armStats, t *result.Target) error {
	t.Clusters = map[string]int64{}
	for _, a := range append([]*armStats{overall.control}, treatments...) {
		if a.row != nil {
			rr := rs.reader(a.row)
			a.clusters = rr.f(compiler.ColClusters)
			if rr.err != nil {
				return rr.err
			}
		}
		t.Clusters[a.variant] = int64(a.clusters)
	}
	if len(rs.tab.Rows) == 0 {
		return nil
	}
	rr := rs.reader(rs.tab.Rows[0])
	n, units := int64(rr.f(compiler.ColExcludedClusters)), int64(rr.f(compiler.ColExcludedClusterUnits))
	if rr.err != nil {
		return rr.err
	}
	t.Excluded["mixed_clusters"] = n
	if n > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d %s of %s had units in more than one variant and were left out (%d units)",
			n, plural(n, "cluster", "clusters"), t.Clustered, units))
	}
	return nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// srm checks the arms' unit counts against the allocation; with
// `cluster C` it counts the randomized clusters instead.
func srm(e *model.Experiment, control *armStats, treatments []*armStats, t *result.Target) *result.SRM {
	count := func(a *armStats) float64 {
		if e.Cluster != nil {
			return a.clusters
		}
		return a.units
	}
	obs := []float64{count(control)}
	for _, a := range treatments {
		obs = append(obs, count(a))
	}
	weights := e.Allocation
	if weights != nil && len(weights) != len(obs) {
		t.Notes = append(t.Notes, fmt.Sprintf("allocation lists %d shares but the data has %d arms; the sample-ratio check assumes equal shares", len(weights), len(obs)))
		weights = nil
	}
	s := stats.SampleRatio(obs, weights)
	exp := make([]result.Num, len(obs))
	wsum := 0.0
	for i := range obs {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		exp[i] = result.Num(w)
		wsum += w
	}
	for i := range exp {
		exp[i] /= result.Num(wsum)
	}
	return &result.SRM{ChiSquare: result.Num(s.ChiSquare), DF: result.Num(s.DF), PValue: result.Num(s.PValue), Passed: s.Passed(), Expected: exp}
}

// compare computes one metric for one treatment against the control, in
// the overall population (segment nil) or one segment.
func compare(e *model.Experiment, rs *results, mc *compiler.MetricColumns, c, tr *armStats, segment map[string]string) (*result.Result, error) {
	m := mc.Use.Metric
	res := &result.Result{Metric: m.Name, Title: m.Title, Kind: string(m.Kind), Role: string(mc.Use.Role),
		Direction: m.Direction.String(), Variant: tr.variant, Segment: segment}
	if mc.Use.Role == model.Guardrail {
		w := result.Num(mc.Use.Within)
		res.Within = &w
	}
	var ca, ta stats.Arm
	var cmp stats.Comparison
	cr, trr := rs.reader(c.row), rs.reader(tr.row)
	switch {
	case m.Kind == model.Quantile:
		cq, tq := quantileStats(cr, mc, m.Quantile.Q), quantileStats(trr, mc, m.Quantile.Q)
		ca, ta = quantileArm(cq), quantileArm(tq)
		cmp = stats.CompareQuantiles(cq, tq, e.Alpha)
	case e.Cluster != nil:
		cc, tc := clusterMoments(cr, mc), clusterMoments(trr, mc)
		ca, ta = clusterArm(cc), clusterArm(tc)
		dist := stats.WelchT
		if m.Kind == model.Ratio {
			dist = stats.Normal
			// A ratio's denominator sum is not a count of units.
			ca.Units, ta.Units = c.units, tr.units
		}
		cmp = stats.ClusterCompare(cc, tc, stats.ClusterDelta, e.Alpha, dist)
	case m.Kind == model.Ratio:
		ca, ta = stats.RatioArm(ratioMoments(cr, mc)), stats.RatioArm(ratioMoments(trr, mc))
		cmp = stats.Compare(ca, ta, e.Alpha, stats.Normal)
		cmp.Method = "delta_ratio_z"
		if mc.Pre != nil {
			cur := stats.CompareCupedRatio(cupedRatio(cr, mc), cupedRatio(trr, mc), e.Alpha, stats.Normal)
			cmp = cupedResult(res, cur)
		}
	default:
		ca, ta = stats.MeanArm(moments(cr, mc)), stats.MeanArm(moments(trr, mc))
		cmp = stats.Compare(ca, ta, e.Alpha, stats.WelchT)
		if mc.Pre != nil {
			cur := stats.CompareCuped(cuped(cr, mc), cuped(trr, mc), stats.CupedPooled, e.Alpha, stats.WelchT)
			cmp = cupedResult(res, cur)
		}
	}
	if cr.err != nil {
		return nil, cr.err
	}
	if trr.err != nil {
		return nil, trr.err
	}
	if e.Cuped > 0 && mc.Pre == nil && m.Kind != model.Quantile && segment == nil {
		res.Notes = append(res.Notes, "CUPED not applied: the metric leaves units without rows out (avg, min or max), so their pre-exposure values are missing")
	}
	if e.Sequential && cmp.Estimable() {
		cmp = stats.Sequential(cmp, ca.Units+ta.Units, e.Alpha, e.SequentialTuning)
	}
	cmp = cmp.WithRelative(relativeMethods[e.RelativeCI])
	res.Method = cmp.Method
	res.Control, res.Treatment = reportArm(ca), reportArm(ta)
	if !cmp.Estimable() {
		res.NotEstimable = cmp.Problem
		res.Notes = append(res.Notes, cmp.Problem)
		return res, nil
	}
	res.Absolute = effect(cmp.Absolute)
	if r := cmp.Relative; r != nil {
		res.Relative = effect(*r)
	} else {
		res.Notes = append(res.Notes, cmp.RelativeProblem)
	}
	pv := result.Num(cmp.PValue)
	res.PValue = &pv
	res.Significant = cmp.PValue < e.Alpha
	return res, nil
}

// reportArm is an arm's summary: its mean only when it is defined.
func reportArm(a stats.Arm) result.Arm {
	out := result.Arm{Units: int64(a.Units)}
	if a.Defined() && a.Units > 0 {
		out.Mean = result.NumPtr(a.Value)
	}
	return out
}

// quantileArm is a quantile arm's summary (its estimate, when it has
// observations).
func quantileArm(q stats.QuantileStats) stats.Arm {
	a := stats.Arm{Units: q.N, Value: q.Estimate}
	if q.N <= 0 {
		a.Undefined = "no observations"
	}
	return a
}

// clusterArm is a clustered arm's summary.
func clusterArm(c stats.ClusterMoments) stats.Arm {
	v, ok := c.Value()
	a := stats.Arm{Units: c.Units, Value: v}
	if !ok {
		a.Undefined = "the denominator sums to 0 in the arm"
	}
	return a
}

// cupedResult records a CUPED adjustment on the result and returns the
// comparison to report (the adjusted one, or the unadjusted fallback).
func cupedResult(res *result.Result, cr stats.CupedResult) stats.Comparison {
	res.Cuped = &result.Cuped{Adjusted: cr.Adjusted, Theta: result.Num(cr.Theta),
		VarianceReduction: result.Num(cr.VarianceReduction), Note: cr.Note}
	return cr.Comparison
}

// clusterMoments reads a clustered metric's sums over cluster totals
// (errors stay in rr).
func clusterMoments(rr *rowReader, mc *compiler.MetricColumns) stats.ClusterMoments {
	c := rr.f
	return stats.ClusterMoments{Clusters: c(mc.N), Units: c(mc.DenSum),
		SumM: c(mc.Sum), SumSqM: c(mc.SumSq),
		SumD: c(mc.DenSum), SumSqD: c(mc.DenSumSq), SumProd: c(mc.Prod)}
}

func moments(rr *rowReader, mc *compiler.MetricColumns) stats.Moments {
	return stats.Moments{N: rr.f(mc.N), Sum: rr.f(mc.Sum), SumSq: rr.f(mc.SumSq)}
}

func cuped(rr *rowReader, mc *compiler.MetricColumns) stats.CupedMoments {
	c := rr.f
	return stats.CupedMoments{N: c(mc.N), SumY: c(mc.Sum), SumSqY: c(mc.SumSq),
		SumX: c(mc.Pre.Sum), SumSqX: c(mc.Pre.SumSq), SumXY: c(mc.Pre.Cross)}
}

func ratioMoments(rr *rowReader, mc *compiler.MetricColumns) stats.RatioMoments {
	c := rr.f
	return stats.RatioMoments{N: c(mc.N), SumM: c(mc.Sum), SumSqM: c(mc.SumSq),
		SumD: c(mc.DenSum), SumSqD: c(mc.DenSumSq), SumProd: c(mc.Prod)}
}

func cupedRatio(rr *rowReader, mc *compiler.MetricColumns) stats.CupedRatioMoments {
	p := mc.Pre
	c := rr.f
	return stats.CupedRatioMoments{N: c(mc.N),
		SumMPost: c(mc.Sum), SumSqMPost: c(mc.SumSq), SumDPost: c(mc.DenSum), SumSqDPost: c(mc.DenSumSq),
		SumMPre: c(p.Sum), SumSqMPre: c(p.SumSq), SumDPre: c(p.DenSum), SumSqDPre: c(p.DenSumSq),
		SumMPostMPre: c(p.MPostMPre), SumDPostDPre: c(p.DPostDPre), SumMPreDPre: c(p.MPreDPre),
		SumMPostDPost: c(mc.Prod), SumMPostDPre: c(p.MPostDPre), SumMPreDPost: c(p.MPreDPost)}
}

// quantileStats reads a quantile metric's statistics; an arm without
// observations (NULL columns) has N = 0, which CompareQuantiles reports.
func quantileStats(rr *rowReader, mc *compiler.MetricColumns, nu float64) stats.QuantileStats {
	n, ok := rr.opt(mc.QN)
	if !ok {
		return stats.QuantileStats{Nu: nu}
	}
	c := func(name string) float64 {
		v, ok := rr.opt(name)
		if !ok && rr.err == nil {
			rr.err = fmt.Errorf("internal error: column %q of %s is NULL while the arm has %g observations", name, rr.r.what, n)
		}
		return v
	}
	return stats.QuantileStats{Nu: nu, N: n, Estimate: c(mc.QEstimate),
		Lower: c(mc.QLower), Upper: c(mc.QUpper),
		Clusters: c(mc.QClusters), SumInd: c(mc.QSumInd), SumSqInd: c(mc.QSumSqInd),
		SumObs: c(mc.QSumObs), SumSqObs: c(mc.QSumSqObs), SumIndObs: c(mc.QSumIndObs)}
}

func effect(e stats.Effect) *result.Effect {
	out := &result.Effect{Estimate: result.Num(e.Estimate), CILower: result.Num(e.Lower), CIUpper: result.Num(e.Upper),
		StdError: result.Num(e.StdError), Method: e.Method, Unbounded: e.Unbounded, StdErrorProblem: e.StdErrorProblem}
	if e.Gap != nil {
		out.Gap = &[2]result.Num{result.Num(e.Gap[0]), result.Num(e.Gap[1])}
	}
	return out
}

// correct applies multiple-testing corrections to the overall results:
// the primary family (primary metrics × treatments) is corrected with the
// experiment's method only when it has several members; the secondary
// family (secondary metrics × treatments) always is (default Holm).
// Guardrails and segment rows are not corrected. Significance follows the
// adjusted p-value.
func correct(e *model.Experiment, t *result.Target) {
	t.Correction = e.Correction.String()
	method := correctionMethods[e.Correction]
	for _, role := range []model.Role{model.Primary, model.Secondary} {
		var fam []*result.Result
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
			v := result.Num(adj.P[i])
			r.PValueAdjusted = &v
			r.Significant = adj.P[i] < e.Alpha
		}
	}
}

// heterogeneity tests, per metric, treatment and segment column, whether
// the effect differs across the column's values (Cochran's Q on the
// absolute effects).
func heterogeneity(e *model.Experiment, t *result.Target) {
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
		t.Heterogeneity = append(t.Heterogeneity, &result.Heterogeneity{Metric: k.metric, Variant: k.variant, Segment: k.column,
			Q: result.Num(h.Q), DF: result.Num(h.DF), PValue: result.Num(h.PValue), I2: result.Num(h.I2), Skipped: h.Skipped, Problem: h.Problem})
	}
}

// decompositions splits each decomposed metric's relative lift between
// its factors, per treatment (overall results only).
func decompositions(e *model.Experiment, t *result.Target) {
	byKey := map[string]*result.Result{}
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
			part := func(name string, res *result.Result) stats.DecomposePart {
				return stats.DecomposePart{Name: name, Control: float64(*res.Control.Mean), Treatment: float64(*res.Treatment.Mean)}
			}
			defined := func(res *result.Result) bool {
				return res != nil && res.Control.Mean != nil && res.Treatment.Mean != nil
			}
			if !defined(r) {
				continue
			}
			var factors []stats.DecomposePart
			missing := false
			for _, f := range m.Decompose {
				fr := byKey[f.Name+"\x00"+r.Variant]
				if !defined(fr) {
					missing = true
					break
				}
				factors = append(factors, part(f.Name, fr))
			}
			if missing {
				continue
			}
			d := stats.Decompose(part(m.Name, r), factors)
			out := &result.Decomposition{Metric: m.Name, Variant: r.Variant, Lift: result.Num(d.Total.Lift),
				IdentityHolds: d.IdentityHolds, Residual: result.Num(d.Residual), Problem: d.Problem}
			for _, f := range d.Factors {
				out.Factors = append(out.Factors, &result.FactorLift{Metric: f.Name, Lift: result.Num(f.Lift), Share: result.Num(f.Share)})
			}
			t.Decompositions = append(t.Decompositions, out)
		}
	}
}
