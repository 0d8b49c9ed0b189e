package runtime

import (
	"context"
	"fmt"
	"math"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// PowerOptions configure a power analysis.
type PowerOptions struct {
	MDE         float64 // relative minimum detectable effect (0.02 for 2%)
	Power       float64 // 1 − β (default 0.8)
	UnitsPerDay float64 // new units per day over all arms (0: days not reported)
}

// Power runs the experiment's query and, from the control arm's observed
// mean and variance, reports per metric the units per arm needed to detect
// a relative change of opt.MDE, the days to reach them, and the relative
// MDE of the sample at hand. Means use R's power.t.test, proportions R's
// power.prop.test, ratios the normal approximation with their
// delta-method variance; quantiles are not planned (noted).
func Power(ctx context.Context, eng engine.Engine, e *model.Experiment, opt PowerOptions) (*report.Power, diag.List) {
	var diags diag.List
	if opt.Power == 0 {
		opt.Power = 0.8
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
	out := &report.Power{Experiment: e.Name, MDE: report.Num(opt.MDE), Alpha: report.Num(e.Alpha), Power: report.Num(opt.Power)}
	if opt.UnitsPerDay > 0 {
		u := report.Num(opt.UnitsPerDay)
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
		pe, err := powerEntry(rs.reader(control), mc, e.Alpha, opt, out.Arms)
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "%v", err)
			return nil, diags
		}
		out.Metrics = append(out.Metrics, pe)
	}
	return out, diags
}

func powerEntry(rr *rowReader, mc *compiler.MetricColumns, alpha float64, opt PowerOptions, arms int) (*report.PowerEntry, error) {
	m := mc.Use.Metric
	pe := &report.PowerEntry{Metric: m.Name, Kind: string(m.Kind)}
	var mean, variance, n float64
	var needed float64
	var err error
	switch m.Kind {
	case model.Quantile:
		pe.Method = "none"
		pe.Note = "power analysis for quantile metrics is not supported"
		return pe, nil
	case model.Ratio:
		r := ratioMoments(rr, mc)
		var ok bool
		if mean, ok = r.Value(); !ok {
			return undefinedPower(pe, rr, "the control's denominator sums to 0: its ratio is not defined")
		}
		n = r.N
		variance = r.VarOfValue() * r.N
		pe.Method = "normal"
		needed, err = stats.SampleSizeForEffect(variance, opt.MDE*math.Abs(mean), alpha, opt.Power)
	case model.Proportion:
		mm := moments(rr, mc)
		var ok bool
		if mean, ok = mm.Mean(); !ok {
			return undefinedPower(pe, rr, "the control has no units with a value: its mean is not defined")
		}
		variance, n = mm.Var(), mm.N
		pe.Method = "power.prop.test"
		needed, err = stats.SampleSizeForProportionLift(mean, opt.MDE, alpha, opt.Power)
	default:
		mm := moments(rr, mc)
		var ok bool
		if mean, ok = mm.Mean(); !ok {
			return undefinedPower(pe, rr, "the control has no units with a value: its mean is not defined")
		}
		variance, n = mm.Var(), mm.N
		pe.Method = "power.t.test"
		needed, err = stats.SampleSizeTTest(opt.MDE*math.Abs(mean), math.Sqrt(variance), alpha, opt.Power)
	}
	pe.Mean, pe.StdDev, pe.CurrentUnitsPerArm = report.Num(mean), report.Num(math.Sqrt(variance)), report.Num(n)
	if err != nil {
		pe.Note = err.Error()
	} else {
		u := report.Num(math.Ceil(needed))
		pe.UnitsPerArm = &u
		if opt.UnitsPerDay > 0 {
			if d, err := stats.DaysToReach(needed, arms, opt.UnitsPerDay); err == nil {
				dn := report.Num(d)
				pe.Days = &dn
			}
		}
	}
	if mde, err := stats.LiftMDEForSample(mean, variance, n, alpha, opt.Power); err == nil {
		v := report.Num(mde)
		pe.CurrentMDE = &v
	} else if pe.Note == "" {
		pe.Note = err.Error()
	}
	return pe, rr.err
}

// undefinedPower is the entry of a metric whose control value is not
// defined: no sample size can be computed from it.
func undefinedPower(pe *report.PowerEntry, rr *rowReader, why string) (*report.PowerEntry, error) {
	pe.Method = "none"
	pe.Note = why
	return pe, rr.err
}
