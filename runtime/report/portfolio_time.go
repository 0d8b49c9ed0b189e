package report

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"

	"github.com/caliper-dev/caliper/runtime/portfolio"
)

// This file draws the portfolio's impact over time: the shipped
// launches' cumulative relative lift as it stood after each decision
// (naive and corrected for the winner's curse, each a step function with
// its interval band) against the long-running holdout's measured effect
// in each of its stored runs. The same figures are a table in every
// format (pfOverTimeRows).

// colHoldout is the holdout's series: ink, so that the launches' two
// series keep the run report's blue and orange.
var colHoldout = colInk

// day is the horizontal axis: days since the Unix epoch.
func day(s string) float64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return math.NaN()
	}
	return float64(t.Unix()) / 86400
}

// pfOverTimeChart is the chart of one metric's impact over time, or nil
// when no launch shipped on it.
func pfOverTimeChart(m *portfolio.Metric) *curvePlot {
	c := m.Impact.Relative
	if m.Impact.NotEstimable != "" || c == nil || c.NotEstimable != "" || len(c.OverTime) == 0 {
		return nil
	}
	naive := curveSeries{Name: "naive sum", Colour: colSeries2, Dashed: true, Step: true}
	corrected := curveSeries{Name: "corrected sum", Colour: colGood, Step: true}
	hold := curveSeries{Name: "holdout", Colour: colHoldout}
	add := func(s *curveSeries, x float64, est, lo, hi *Num) {
		e, l, u := math.NaN(), math.NaN(), math.NaN()
		if est != nil && lo != nil && hi != nil {
			e, l, u = float64(*est), float64(*lo), float64(*hi)
		}
		s.X, s.Est, s.Lower, s.Upp = append(s.X, x), append(s.Est, e), append(s.Lower, l), append(s.Upp, u)
	}
	last := math.Inf(-1)
	for _, st := range c.OverTime {
		x := day(st.Time)
		add(&naive, x, st.Naive, st.NaiveCILower, st.NaiveCIUpper)
		add(&corrected, x, st.Corrected, st.CILower, st.CIUpper)
		last = math.Max(last, x)
	}
	if h := m.Holdout; h != nil {
		for _, r := range h.OverTime {
			if r.Relative == nil {
				continue
			}
			x := day(r.Time)
			add(&hold, x, &r.Relative.Estimate, r.Relative.CILower, r.Relative.CIUpper)
			last = math.Max(last, x)
		}
	}
	naive.StepTo, corrected.StepTo = last, last
	cp := &curvePlot{Title: m.Name + ": cumulative relative lift of the shipped launches over time, against the holdout",
		XLabel: "decision date (UTC)", XTicks: dateTicks{max: 8}, Series: []curveSeries{naive}}
	if c.Corrected != nil {
		cp.Series = append(cp.Series, corrected)
	}
	if len(hold.X) > 0 {
		cp.Series = append(cp.Series, hold)
	}
	return cp
}

// pfOverTimeView is the chart (nil when there are no points to draw)
// and what its legend shows.
type pfOverTimeView struct {
	Plot               *plotView
	Corrected, Holdout bool
}

func pfOverTime(m *portfolio.Metric) (*pfOverTimeView, error) {
	cp := pfOverTimeChart(m)
	if cp == nil {
		return nil, nil
	}
	pv, err := render(cp)
	if errors.Is(err, errNoPoints) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &pfOverTimeView{Plot: &pv}
	for _, s := range cp.Series {
		v.Corrected = v.Corrected || s.Name == "corrected sum"
		v.Holdout = v.Holdout || s.Name == "holdout"
	}
	return v, nil
}

// pfOverTimeRows are the chart's figures as a table: one row per
// decision date and per holdout run, oldest first, each with the
// cumulative impact standing then and the holdout's latest measurement
// by then. The header is the first row. Short keeps only the launches,
// the holdout runs and the last row (the terminal and Markdown).
func pfOverTimeRows(m *portfolio.Metric, short bool) [][]string {
	c := m.Impact.Relative
	if m.Impact.NotEstimable != "" || c == nil || c.NotEstimable != "" || len(c.OverTime) == 0 {
		return nil
	}
	type event struct {
		t    string
		step *portfolio.CumulativeStep
		hold *portfolio.HoldoutRun
	}
	var evs []event
	for _, st := range c.OverTime {
		evs = append(evs, event{t: st.Time, step: st})
	}
	var runs []*portfolio.HoldoutRun
	if m.Holdout != nil {
		runs = m.Holdout.OverTime
	}
	for _, r := range runs {
		evs = append(evs, event{t: r.Time, hold: r})
	}
	// RFC 3339 UTC times sort as strings; a launch before a holdout run
	// at the same time.
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
	head := []string{"date", "decided", "shipped", "naive sum", "corrected sum"}
	if len(runs) > 0 {
		head = append(head, "holdout "+m.Holdout.Target)
	}
	rows := [][]string{head}
	var step *portfolio.CumulativeStep
	var hold *portfolio.HoldoutRun
	for k, e := range evs {
		if short && e.step != nil && k < len(evs)-1 && (step != nil && e.step.Shipped == step.Shipped) {
			step = e.step
			continue
		}
		what := ""
		if e.step != nil {
			step, what = e.step, strings.Join(e.step.Decided, ", ")
		} else {
			hold, what = e.hold, "holdout run "+e.hold.RunID
		}
		row := []string{e.t[:min(len(e.t), 10)], what, Undefined, Undefined, Undefined}
		if step != nil {
			row[2] = fmt.Sprint(step.Shipped)
			row[3] = pfEstimateCI(step.Naive, step.NaiveCILower, step.NaiveCIUpper, lift)
			row[4] = pfEstimateCI(step.Corrected, step.CILower, step.CIUpper, lift)
		} else {
			row[2], row[3], row[4] = "0", "no launch yet", "no launch yet"
		}
		if len(runs) > 0 {
			switch {
			case hold == nil:
				row = append(row, "not yet measured")
			case hold.Relative == nil:
				row = append(row, Undefined)
			default:
				row = append(row, pfEstimateCI(&hold.Relative.Estimate, hold.Relative.CILower, hold.Relative.CIUpper, lift))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// dateTicks mark a horizontal axis of days since the Unix epoch: at most
// max ticks: every few hours under three days, every 1, 2, 7, 14 or 28 days
// over a short span, on the
// first of every 1, 2, 3, 6, 12 or 24 months over a long one; the first
// tick and each January carry the year.
type dateTicks struct{ max int }

func (d dateTicks) Ticks(min, max float64) []plot.Tick {
	lo := time.Unix(int64(math.Ceil(min*86400)), 0).UTC()
	hi := time.Unix(int64(math.Floor(max*86400)), 0).UTC()
	span := max - min
	at := func(t time.Time) float64 { return float64(t.Unix()) / 86400 }
	var out []plot.Tick
	if span < 3 {
		// Under three days: every 1, 2, 3, 6, 12 or 24 hours, kept off
		// the ends (a label there would pass the plot's edge).
		hours := 1
		for _, h := range []int{1, 2, 3, 6, 12, 24} {
			hours = h
			if int(span*24)/h+1 <= d.max {
				break
			}
		}
		margin := span * 0.08
		t := lo.Truncate(time.Hour)
		for ; !t.After(hi); t = t.Add(time.Hour) {
			if at(t) < min+margin || at(t) > max-margin || t.Hour()%hours != 0 {
				continue
			}
			out = append(out, plot.Tick{Value: at(t), Label: t.Format("Jan 2 15:04")})
		}
		return out
	}
	if span/30.4 < float64(d.max)/2 {
		// Days: every 1, 2 or 7 days, or 14.
		step := 1
		for _, s := range []int{1, 2, 7, 14, 28} {
			step = s
			if int(span)/s+1 <= d.max {
				break
			}
		}
		t := time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, time.UTC)
		if t.Before(lo) {
			t = t.AddDate(0, 0, 1)
		}
		for ; !t.After(hi); t = t.AddDate(0, 0, step) {
			label := t.Format("Jan 2")
			if len(out) == 0 {
				label = t.Format("Jan 2 2006")
			}
			out = append(out, plot.Tick{Value: at(t), Label: label})
		}
		return out
	}
	// Months: every 1, 2, 3, 6 or 12 months, on the first of the month.
	months := 1
	for _, s := range []int{1, 2, 3, 6, 12, 24} {
		months = s
		if int(span/30.4)/s+1 <= d.max {
			break
		}
	}
	t := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	if t.Before(lo) {
		t = t.AddDate(0, 1, 0)
	}
	for ; !t.After(hi); t = t.AddDate(0, months, 0) {
		label := t.Format("Jan")
		if t.Month() == time.January || len(out) == 0 {
			label = t.Format("Jan 2006")
		}
		out = append(out, plot.Tick{Value: at(t), Label: label})
	}
	return out
}
