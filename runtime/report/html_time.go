package report

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"strings"
)

// The split and timeline sections: a bar chart of each split value's
// share of the lift, and per metric and treatment a chart of the
// timeline (cumulative and per-period effects of a calendar timeline, or
// the effects by exposure age with the long-run fit), each over its table.

type splitView struct {
	Table segmentsView
	Plots []sharePlot
}

type sharePlot struct {
	Metric, Variant, Split string
	Plot                   plotView
	Residual               string
}

// splitData: each metric per value of the split column, with each value's
// share of the lift where the metric adds up over values (a bar chart).
func splitData(t *Target) (any, error) {
	v := splitView{Table: segmentsView{CI: ciLabel(t), First: "Value"}}
	index := map[string]int{}
	shares := map[string]string{}
	for _, s := range t.SplitShares {
		bp := &barPlot{Title: fmt.Sprintf("%s (%s): share of the lift by %s", s.Metric, s.Variant, s.Split),
			XLabel: fmt.Sprintf("share of the lift of %s in %s vs %s, by %s", s.Metric, s.Variant, control(t), s.Split)}
		for _, p := range s.Parts {
			if p.Share != nil {
				text := fmt.Sprintf("%.0f%%", float64(*p.Share)*100)
				shares[s.Metric+"\x00"+s.Variant+"\x00"+p.Value] = text + " of the lift"
				bp.Bars = append(bp.Bars, bar{Label: s.Split + " = " + p.Value, Value: float64(*p.Share), Text: text})
			}
		}
		if s.Problem != "" {
			v.Table.Notes = append(v.Table.Notes, fmt.Sprintf("%s (%s): %s", s.Metric, s.Variant, s.Problem))
		}
		if len(bp.Bars) == 0 {
			continue
		}
		pv, err := render(bp)
		if err != nil {
			return nil, err
		}
		sp := sharePlot{Metric: s.Metric, Variant: s.Variant, Split: s.Split, Plot: pv}
		if r := float64(s.Residual); math.Abs(r) >= 0.005 {
			sp.Residual = fmt.Sprintf("%.0f%%", r*100)
		}
		v.Plots = append(v.Plots, sp)
	}
	for _, r := range t.Results {
		for col, val := range r.Split {
			label := col + " = " + val
			if sh, ok := shares[r.Metric+"\x00"+r.Variant+"\x00"+val]; ok {
				label += " (" + sh + ")"
			}
			v.Table.add(index, r, label)
		}
	}
	if len(v.Table.Groups) == 0 && len(v.Plots) == 0 {
		return nil, nil
	}
	return v, nil
}

// svgRenderer is a chart with a wide and a narrow rendering.
type svgRenderer interface {
	SVG(narrow bool) (string, error)
}

func render(r svgRenderer) (plotView, error) {
	wide, err := r.SVG(false)
	if err != nil {
		return plotView{}, err
	}
	narrow, err := r.SVG(true)
	if err != nil {
		return plotView{}, err
	}
	return plotView{Wide: template.HTML(wide), Narrow: template.HTML(narrow)}, nil
}

type timelineView struct {
	CI     string
	First  string
	Groups []timelineGroup
	// Exposure is set for an exposure-age timeline (the legend differs).
	Exposure bool
	Unit     string
	Notes    []string
}

type timelineGroup struct {
	Metric, Variant string
	Plot            *plotView
	LongRun         string
	Fitted          bool
	Rows            []segmentRow
}

// timelineData: per metric and treatment, a chart and the table of the
// cumulative effect at the end of each calendar period (and each period
// alone), or of the effect at each exposure age with the long-run fit.
func timelineData(t *Target) (any, error) {
	v := timelineView{CI: ciLabel(t), First: "Period (cumulative to)"}
	type key struct{ metric, variant string }
	type acc struct {
		group        *timelineGroup
		metric       string
		cum, per, ex curveSeries
	}
	var order []key
	groups := map[key]*acc{}
	get := func(r *Result) *acc {
		k := key{r.Metric, r.Variant}
		if a := groups[k]; a != nil {
			return a
		}
		a := &acc{group: &timelineGroup{Metric: metricName(r), Variant: r.Variant}, metric: r.Metric,
			cum: curveSeries{Name: "cumulative", Colour: colGood},
			per: curveSeries{Name: "period alone", Colour: colSeries2, Dashed: true},
			ex:  curveSeries{Name: "by exposure age", Colour: colGood}}
		groups[k] = a
		order = append(order, k)
		return a
	}
	point := func(s *curveSeries, x float64, r *Result) {
		est, lo, hi := math.NaN(), math.NaN(), math.NaN()
		if r.Relative != nil && r.Relative.Gap == nil {
			est, lo, hi = float64(r.Relative.Estimate), float64(r.Relative.CILower), float64(r.Relative.CIUpper)
		}
		s.X, s.Est, s.Lower, s.Upp = append(s.X, x), append(s.Est, est), append(s.Lower, lo), append(s.Upp, hi)
	}
	row := func(r *Result, label string) segmentRow {
		return segmentRow{Segment: label, Units: count(r.Control.Units) + " / " + count(r.Treatment.Units),
			Lift: effectCI(r), P: pvalues(r), Reading: read(r)}
	}
	for _, r := range t.Timeline {
		if r.Period == nil {
			continue
		}
		a := get(r)
		k := float64(*r.Period)
		switch {
		case r.Timeline == "cumulative":
			point(&a.cum, k, r)
			a.group.Rows = append(a.group.Rows, row(r, fmt.Sprintf("%d (to %s)", *r.Period, r.PeriodEnd)))
		case r.Timeline == "period":
			point(&a.per, k, r)
		case strings.HasPrefix(r.Timeline, "exposure_"):
			v.Unit = strings.TrimPrefix(r.Timeline, "exposure_")
			v.Exposure = true
			v.First = "Exposure age (" + v.Unit + "s since first exposure)"
			// An age's effect is its average over [d, d+1): drawn at
			// the middle of the age.
			point(&a.ex, k+0.5, r)
			a.group.Rows = append(a.group.Rows, row(r, fmt.Sprintf("%s %d", v.Unit, *r.Period)))
		}
	}
	fits := map[key]*LongRun{}
	for _, l := range t.LongRun {
		fits[key{l.Metric, l.Variant}] = l
		if groups[key{l.Metric, l.Variant}] == nil {
			v.Notes = append(v.Notes, fmt.Sprintf("%s (%s): %s.", l.Metric, l.Variant, l.Sentence()))
		}
	}
	if len(order) == 0 && len(v.Notes) == 0 {
		return nil, nil
	}
	for _, k := range order {
		a := groups[k]
		g := a.group
		cp := &curvePlot{}
		if v.Exposure {
			cp.Title = fmt.Sprintf("%s: relative lift of %s vs %s by %ss since first exposure", a.metric, k.variant, control(t), v.Unit)
			cp.XLabel = v.Unit + "s since each unit's first exposure"
			cp.Series = []curveSeries{a.ex}
			if l := fits[k]; l != nil {
				g.LongRun = l.Sentence()
				if l.Problem == "" && l.Asymptote != nil && l.Trend != nil && l.Tau != nil {
					g.Fitted = true
					cp.Fit = &curveFit{A: float64(l.Asymptote.Estimate), B: float64(l.Trend.Estimate), Tau: float64(*l.Tau),
						ALower: float64(l.Asymptote.CILower), AUpper: float64(l.Asymptote.CIUpper), X0: 0, X1: float64(len(a.ex.X))}
				}
			}
		} else {
			cp.Title = fmt.Sprintf("%s: relative lift of %s vs %s by period", a.metric, k.variant, control(t))
			cp.XLabel = "period since the start"
			cp.Series = []curveSeries{a.per, a.cum}
		}
		pv, err := render(cp)
		switch {
		case errors.Is(err, errNoPoints):
			// No finite effect to draw: the table says why.
		case err != nil:
			return nil, err
		default:
			g.Plot = &pv
		}
		v.Groups = append(v.Groups, *g)
	}
	return v, nil
}
