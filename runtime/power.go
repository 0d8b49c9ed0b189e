package runtime

import (
	"context"
	"fmt"
	"math"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// PowerOptions configure a power analysis.
type PowerOptions struct {
	MDE         float64 // relative minimum detectable effect (0.02 for 2%)
	Power       float64 // 1 − β (default 0.8)
	Alpha       float64 // two-sided level (0: the experiment's alpha)
	UnitsPerDay float64 // new units per day over all arms (0: days not reported)
	// Metric limits the plan to one metric ("" for all).
	Metric string
	// Baseline and SD plan one metric without data: its control mean (a
	// share for proportions) and, for means and ratios, its per-unit
	// standard deviation. No query runs; there is no current MDE.
	Baseline, SD *float64
}

// Power runs the experiment's query and, from the control arm's observed
// mean and variance, reports per metric the units per arm needed to detect
// a relative change of opt.MDE, the days to reach them, and the relative
// MDE of the sample at hand. Means use R's power.t.test, proportions R's
// power.prop.test, ratios the normal approximation with their
// delta-method variance; quantiles are not planned (noted, with their mean
// and SD null; an error when --metric names one). The current MDE
// is the same formula solved for the effect, so feeding units_per_arm back
// in returns the requested MDE. With opt.Baseline no query runs.
func Power(ctx context.Context, eng engine.Engine, e *model.Experiment, opt PowerOptions) (*result.Power, diag.List) {
	var diags diag.List
	if opt.Power == 0 {
		opt.Power = 0.8
	}
	if opt.Alpha == 0 {
		opt.Alpha = e.Alpha
	}
	if opt.Baseline != nil {
		return planWithoutData(e, opt)
	}
	for _, s := range TargetSources(&model.Package{Targets: []*model.Experiment{e}}) {
		diags = append(diags, ValidateSource(ctx, eng, eng.Dialect(), s)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	plan, err := compiler.Compile(e, eng.Dialect())
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "%v", err)
		return nil, diags
	}
	tab, err := eng.Query(ctx, plan.SQL)
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment %s: %v", e.Name, err)
		return nil, diags
	}
	out := &result.Power{Experiment: e.Name, MDE: result.Num(opt.MDE), Alpha: result.Num(opt.Alpha), Power: result.Num(opt.Power)}
	if opt.UnitsPerDay > 0 {
		u := result.Num(opt.UnitsPerDay)
		out.UnitsPerDay = &u
	}
	rs, err := readResults(fmt.Sprintf("the result of experiment %s", e.Name), tab, plan.Columns)
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "%v", err)
		return nil, diags
	}
	var control []any
	_, segmented := rs.cols.Lookup(compiler.ColSegmentLevel)
	for _, row := range tab.Rows {
		rr := rs.reader(row)
		if segmented && rr.f(compiler.ColSegmentLevel) > 0 {
			continue
		}
		a, _, err := readArm(rs, row)
		if err == nil {
			err = rr.err
		}
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "%v", err)
			return nil, diags
		}
		out.Arms++
		if a.variant == e.Control {
			control = row
		}
	}
	out.Arms = max(out.Arms, 2)
	if control == nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment %s: the control variant %q has no units in the data", e.Name, e.Control)
		return nil, diags
	}
	for _, mc := range plan.Metrics {
		if opt.Metric != "" && mc.Use.Metric.Name != opt.Metric {
			continue
		}
		if opt.Metric != "" && mc.Use.Metric.Kind == model.Quantile {
			diags.Errorf(diag.EQuery, e.Span, "metric %s: %s", opt.Metric, quantilePower)
			return nil, diags
		}
		pe, err := powerEntry(rs.reader(control), mc, opt.Alpha, opt, out.Arms)
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "%v", err)
			return nil, diags
		}
		out.Metrics = append(out.Metrics, pe)
	}
	if opt.Metric != "" && len(out.Metrics) == 0 {
		diags.Errorf(diag.EQuery, e.Span, "experiment %s has no metric %q", e.Name, opt.Metric)
		return nil, diags
	}
	return out, diags
}

func powerEntry(rr *rowReader, mc *compiler.MetricColumns, alpha float64, opt PowerOptions, arms int) (*result.PowerEntry, error) {
	m := mc.Use.Metric
	pe := &result.PowerEntry{Metric: m.Name, Kind: string(m.Kind)}
	var mean, variance, n float64
	switch m.Kind {
	case model.Quantile:
		pe.Method = "none"
		pe.Note = quantilePower
		return pe, nil
	case model.Ratio:
		r := ratioMoments(rr, mc)
		var ok bool
		if mean, ok = r.Value(); !ok {
			return undefinedPower(pe, rr, "the control's denominator sums to 0: its ratio is not defined")
		}
		n = r.N
		variance = r.VarOfValue() * r.N
	default:
		mm := moments(rr, mc)
		var ok bool
		if mean, ok = mm.Mean(); !ok {
			return undefinedPower(pe, rr, "the control has no units with a value: its mean is not defined")
		}
		variance, n = mm.Var(), mm.N
	}
	if n < 2 {
		// Both variances read 0 below two units: not a standard deviation.
		pe.Method = "none"
		pe.Mean = result.NumPtr(mean)
		pe.Note = "the control has fewer than two units: its standard deviation is not defined"
		return pe, rr.err
	}
	cur := result.Num(n)
	pe.CurrentUnitsPerArm = &cur
	planEntry(pe, m.Kind, mean, variance, &n, alpha, opt, arms)
	return pe, rr.err
}

// planEntry fills a metric's plan from its control mean and per-unit
// variance: the units per arm for opt.MDE (power.t.test for means,
// power.prop.test for proportions, the normal formula for ratios), the
// days to reach them, and, when n is known, the relative MDE at n units per
// arm by the same formula solved for the effect.
func planEntry(pe *result.PowerEntry, kind model.Kind, mean, variance float64, n *float64, alpha float64, opt PowerOptions, arms int) {
	var needed float64
	var err error
	var current func(n float64) (float64, error)
	switch kind {
	case model.Ratio:
		pe.Method = "normal"
		needed, err = stats.SampleSizeForEffect(variance, opt.MDE*math.Abs(mean), alpha, opt.Power)
		current = func(n float64) (float64, error) { return stats.RelativeMDENormal(mean, variance, n, alpha, opt.Power) }
	case model.Proportion:
		pe.Method = "power.prop.test"
		needed, err = stats.SampleSizeForProportionLift(mean, opt.MDE, alpha, opt.Power)
		current = func(n float64) (float64, error) { return stats.RelativeMDEPropTest(mean, n, alpha, opt.Power) }
	default:
		pe.Method = "power.t.test"
		needed, err = stats.SampleSizeTTest(opt.MDE*math.Abs(mean), math.Sqrt(variance), alpha, opt.Power)
		current = func(n float64) (float64, error) {
			return stats.RelativeMDETTest(mean, math.Sqrt(variance), n, alpha, opt.Power)
		}
	}
	pe.Mean, pe.StdDev = result.NumPtr(mean), result.NumPtr(math.Sqrt(variance))
	if err != nil {
		pe.Note = err.Error()
	} else {
		u := result.Num(math.Ceil(needed))
		pe.UnitsPerArm = &u
		if opt.UnitsPerDay > 0 {
			if d, err := stats.DaysToReach(needed, arms, opt.UnitsPerDay); err == nil {
				dn := result.Num(d)
				pe.Days = &dn
			}
		}
	}
	if n == nil {
		return
	}
	if mde, err := current(*n); err == nil {
		v := result.Num(mde)
		pe.CurrentMDE = &v
	} else if pe.Note == "" {
		pe.Note = err.Error()
	}
}

// planWithoutData plans one metric from opt.Baseline (and opt.SD for means
// and ratios) instead of the data: no query runs.
func planWithoutData(e *model.Experiment, opt PowerOptions) (*result.Power, diag.List) {
	var diags diag.List
	var use *model.MetricUse
	for _, u := range e.Metrics {
		if opt.Metric == "" || u.Metric.Name == opt.Metric {
			if use != nil {
				diags.Errorf(diag.EQuery, e.Span, "--baseline describes one metric, and experiment %s has several: choose it with --metric", e.Name)
				return nil, diags
			}
			use = u
		}
	}
	if use == nil {
		diags.Errorf(diag.EQuery, e.Span, "experiment %s has no metric %q", e.Name, opt.Metric)
		return nil, diags
	}
	m := use.Metric
	out := &result.Power{Experiment: e.Name, MDE: result.Num(opt.MDE), Alpha: result.Num(opt.Alpha), Power: result.Num(opt.Power), Arms: 1 + max(len(e.Treatments), 1)}
	if opt.UnitsPerDay > 0 {
		u := result.Num(opt.UnitsPerDay)
		out.UnitsPerDay = &u
	}
	pe := &result.PowerEntry{Metric: m.Name, Kind: string(m.Kind)}
	mean := *opt.Baseline
	var variance float64
	switch {
	case m.Kind == model.Quantile:
		diags.Errorf(diag.EQuery, e.Span, "metric %s: %s", m.Name, quantilePower)
		return nil, diags
	case m.Kind == model.Proportion:
		if !(mean > 0 && mean < 1) {
			diags.Errorf(diag.EQuery, e.Span, "--baseline of proportion %s must be a share in (0, 1), such as 0.05; got %g", m.Name, mean)
			return nil, diags
		}
		variance = mean * (1 - mean)
	case opt.SD == nil:
		diags.Errorf(diag.EQuery, e.Span, "%s is a %s metric: planning it without data needs --sd (its per-unit standard deviation) next to --baseline", m.Name, m.Kind)
		return nil, diags
	default:
		variance = *opt.SD * *opt.SD
	}
	planEntry(pe, m.Kind, mean, variance, nil, opt.Alpha, opt, out.Arms)
	out.Metrics = append(out.Metrics, pe)
	return out, diags
}

// quantilePower says why quantile metrics get no plan.
const quantilePower = "power analysis is not supported for quantile metrics: " +
	"the formulas here need a mean and a per-unit standard deviation, and a quantile's standard error " +
	"depends on the outcome's density at that quantile and on the events per unit, so no mean, SD or sample size is given " +
	"(plan a mean or proportion of the same outcome instead, such as the share of events above a threshold)"

// undefinedPower is the entry of a metric whose control value is not
// defined: no sample size can be computed from it, and its mean and SD are
// null.
func undefinedPower(pe *result.PowerEntry, rr *rowReader, why string) (*result.PowerEntry, error) {
	pe.Method = "none"
	pe.Note = why
	return pe, rr.err
}
