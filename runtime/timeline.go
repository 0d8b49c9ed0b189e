package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
)

// runTimeline executes a plan's timeline query and adds, per metric,
// treatment and period, the period's own result and the cumulative one;
// or, for an exposure-age timeline, the results per age and the long-run
// fit (analyzeExposureAge). Calendar periods get no long-run fit: each
// mixes units of every exposure age, so a curve over them does not
// estimate the effect's decay (issue #15).
func runTimeline(ctx context.Context, eng engine.Engine, p *compiler.Plan, t *result.Target) error {
	tab, err := eng.Query(ctx, p.TimelineSQL)
	if err != nil {
		return fmt.Errorf("experiment %s: the timeline query failed: %w", p.Experiment.Name, err)
	}
	if ki := tab.Index(compiler.ColLaterAge); ki >= 0 { // exposure ages: the later age of each pair reaches the last
		for _, row := range tab.Rows {
			if k, ok := row[ki].(int64); ok && k >= compiler.MaxExposureAges {
				return &LimitError{Span: p.Experiment.Spans.Timeline, Msg: fmt.Sprintf(
					"experiment %s: the timeline spans more than %d exposure ages, from the first exposure to the last time in the data (limit: timeline ages, %d)",
					p.Experiment.Name, compiler.MaxExposureAges, compiler.MaxExposureAges),
					Hint: "a far-off date in the data (a sentinel such as 2999-12-31) stretches the timeline: filter it out, set the experiment's `end` or a window, or use `timeline exposure_week`"}
			}
		}
	}
	if ki := tab.Index(compiler.ColPeriod); ki >= 0 {
		for _, row := range tab.Rows {
			if k, ok := row[ki].(int64); ok && k >= compiler.MaxTimelinePeriods {
				return &LimitError{Span: p.Experiment.Spans.Timeline, Msg: fmt.Sprintf(
					"experiment %s: the timeline spans more than %d %s periods, from the first exposure to the last time in the data (limit: timeline periods, %d)",
					p.Experiment.Name, compiler.MaxTimelinePeriods, p.Experiment.Timeline, compiler.MaxTimelinePeriods),
					Hint: "a far-off date in the data (a sentinel such as 2999-12-31) stretches the timeline: filter it out, set the experiment's `end`, or use `timeline week`"}
			}
		}
	}
	if p.Experiment.Timeline.ExposureAge() {
		return analyzeExposureAge(p, tab, t)
	}
	return analyzeTimeline(p, tab, t)
}

// LimitError is a run refused by a work limit, at a position of the spec.
type LimitError struct {
	Span      source.Span
	Msg, Hint string
}

func (e *LimitError) Error() string { return e.Msg }

// prefixed returns a metric's column names with a timeline prefix.
func prefixed(mc *compiler.MetricColumns, pre string) *compiler.MetricColumns {
	out := *mc
	out.Pre = nil
	for _, f := range []*string{&out.N, &out.Sum, &out.SumSq, &out.DenSum, &out.DenSumSq, &out.Prod} {
		if *f != "" {
			*f = pre + *f
		}
	}
	return &out
}

func analyzeTimeline(p *compiler.Plan, tab *engine.Table, t *result.Target) error {
	e := p.Experiment
	rs, err := readResults(fmt.Sprintf("the timeline result of experiment %s", e.Name), tab, p.TimelineColumns)
	if err != nil {
		return err
	}
	type period struct {
		k          int
		start, end string
		control    *armStats
		treatments map[string]*armStats
	}
	var periods []*period
	byK := map[int]*period{}
	for _, row := range tab.Rows {
		rr := rs.reader(row)
		k := int(rr.f(compiler.ColPeriod))
		start, err1 := rs.time(row, compiler.ColPeriodStart)
		end, err2 := rs.time(row, compiler.ColPeriodEnd)
		a, _, err := readArm(rs, row)
		for _, e := range []error{rr.err, err1, err2} {
			if err == nil {
				err = e
			}
		}
		if err != nil {
			return err
		}
		pr := byK[k]
		if pr == nil {
			pr = &period{k: k, start: stamp(start), end: stamp(end), treatments: map[string]*armStats{}}
			byK[k] = pr
			periods = append(periods, pr)
		}
		if a.variant == e.Control {
			pr.control = a
		} else {
			pr.treatments[a.variant] = a
		}
	}
	plain := *e
	plain.Cuped = 0
	for _, mc := range p.Metrics {
		m := mc.Use.Metric
		if !compiler.TimelineMetric(m) || mc.Use.Role == model.Component {
			continue
		}
		for _, tr := range treatmentNames(t) {
			for _, pr := range periods {
				c, trm := pr.control, pr.treatments[tr]
				if c == nil {
					c = &armStats{variant: e.Control}
				}
				if trm == nil {
					trm = &armStats{variant: tr}
				}
				k := pr.k
				periodOnly := plain
				periodOnly.Sequential = false
				daily, err := compare(&periodOnly, rs, prefixed(mc, compiler.TimelineDaily), c, trm, nil)
				if err != nil {
					return err
				}
				cum, err := compare(&plain, rs, prefixed(mc, compiler.TimelineCumulative), c, trm, nil)
				if err != nil {
					return err
				}
				for _, r := range []*result.Result{daily, cum} {
					r.Period, r.PeriodStart, r.PeriodEnd = &k, pr.start, pr.end
				}
				daily.Timeline, cum.Timeline = "period", "cumulative"
				t.Timeline = append(t.Timeline, daily, cum)
			}
		}
	}
	return nil
}

// stamp renders a period boundary.
func stamp(ts time.Time) string { return ts.UTC().Format("2006-01-02 15:04:05") }
