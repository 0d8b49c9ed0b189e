package report

import (
	"fmt"
	"html/template"
	"strings"
)

// Sections for designs beyond a two-arm comparison: factorial components
// (Target.Factors, Effects, Attribution, Cells) and decomposed metrics
// (Target.Decompositions). Each returns nil, and is left out, when the
// target has no such data.

type factorialView struct {
	Factors []string
	Metrics []factorialMetric
}

type factorialMetric struct {
	Metric      string
	Plot        *plotView
	Attribution []termRow
	Effects     []termRow
	Cells       []cellRow
}

type termRow struct {
	Term, Estimate, P        string
	Coded, CodedP            string
	Reading                  reading
	Problem                  string
	Interaction, Significant bool
}

type cellRow struct {
	Cell, Units, Mean, StdError string
}

// factorialData: per metric, the Shapley attribution of the all-new
// effect (plotted) and the main effects and interactions, with the cells.
func factorialData(t *Target) (any, error) {
	if len(t.Factors) == 0 && len(t.Effects) == 0 && len(t.Attribution) == 0 {
		return nil, nil
	}
	v := factorialView{}
	for _, f := range t.Factors {
		v.Factors = append(v.Factors, fmt.Sprintf("%s (column %s, baseline %q)", f.Name, f.Column, f.Baseline))
	}
	var order []string
	byMetric := map[string]*factorialMetric{}
	get := func(m string) *factorialMetric {
		if fm := byMetric[m]; fm != nil {
			return fm
		}
		fm := &factorialMetric{Metric: m}
		byMetric[m] = fm
		order = append(order, m)
		return fm
	}
	for _, tm := range t.Attribution {
		get(tm.Metric).Attribution = append(get(tm.Metric).Attribution, newTermRow(t, tm))
	}
	for _, tm := range t.Effects {
		get(tm.Metric).Effects = append(get(tm.Metric).Effects, newTermRow(t, tm))
	}
	for _, c := range t.Cells {
		get(c.Metric).Cells = append(get(c.Metric).Cells, cellRow{Cell: c.Cell, Units: count(c.Units),
			Mean: optNum(c.Mean, 4), StdError: optNum(c.StdError, 3)})
	}
	for _, m := range order {
		fm := byMetric[m]
		if f := attributionForest(t, m); f != nil {
			wide, err := f.SVG(false)
			if err != nil {
				return nil, err
			}
			narrow, err := f.SVG(true)
			if err != nil {
				return nil, err
			}
			fm.Plot = &plotView{Variant: m, Wide: template.HTML(wide), Narrow: template.HTML(narrow)}
		}
		v.Metrics = append(v.Metrics, *fm)
	}
	return v, nil
}

// directionOf is +1 when the metric should increase, -1 when it should
// decrease, read from the target's results.
func directionOf(t *Target, metric string) float64 {
	for _, r := range comparisons(t) {
		if r.Metric == metric {
			return direction(r)
		}
	}
	return 1
}

func newTermRow(t *Target, tm *Term) termRow {
	row := termRow{Term: tm.Term, Problem: tm.Problem, Interaction: strings.Contains(tm.Term, ":")}
	if tm.Problem != "" {
		return row
	}
	row.Estimate = fmt.Sprintf("%s [%s, %s]", signed(sig(float64(tm.Estimate), 3)), signed(sig(float64(tm.CILower), 3)), signed(sig(float64(tm.CIUpper), 3)))
	row.P = pvalue(tm.PValue)
	if tm.EffectCoded != nil {
		e := tm.EffectCoded
		row.Coded = fmt.Sprintf("%s [%s, %s]", signed(sig(float64(e.Estimate), 3)), signed(sig(float64(e.CILower), 3)), signed(sig(float64(e.CIUpper), 3)))
		if tm.EffectCodedP != nil {
			row.CodedP = pvalue(*tm.EffectCodedP)
		}
	}
	row.Significant = float64(tm.PValue) < float64(t.Alpha)
	row.Reading = termReading(t, tm)
	return row
}

// termReading reads a term by significance in the metric's good
// direction.
func termReading(t *Target, tm *Term) reading {
	mk := func(c class, label string) reading { return reading{Class: c, Label: label, Mark: markOf(c)} }
	if float64(tm.PValue) >= float64(t.Alpha) {
		return mk(neutral, "no significant effect")
	}
	if float64(tm.Estimate)*directionOf(t, tm.Metric) > 0 {
		return mk(good, "helps")
	}
	return mk(bad, "hurts")
}

// attributionForest plots the Shapley shares of one metric's all-new
// effect, in the metric's units: the forest plot with absolute values.
func attributionForest(t *Target, metric string) *forest {
	pn := forestPanel{Heading: "Shapley attribution of the all-new effect",
		XLabel: fmt.Sprintf("share of the all-new effect on %s (absolute, %s)", metric, ciLabel(t))}
	for _, tm := range t.Attribution {
		if tm.Metric != metric || tm.Problem != "" {
			continue
		}
		rd := termReading(t, tm)
		pn.Rows = append(pn.Rows, forestRow{Label: tm.Term, Estimate: float64(tm.Estimate), Lower: float64(tm.CILower),
			Upper: float64(tm.CIUpper), Class: rd.Class, Status: rd.Label, Short: shortReading(rd.Label),
			Figure: fmt.Sprintf("%s [%s, %s]", signed(sig(float64(tm.Estimate), 3)), signed(sig(float64(tm.CILower), 3)), signed(sig(float64(tm.CIUpper), 3)))})
	}
	if len(pn.Rows) == 0 {
		return nil
	}
	return &forest{Title: fmt.Sprintf("%s: attribution of %s", targetTitle(t), metric), Panels: []forestPanel{pn}}
}

type decompositionView struct {
	Rows []decompositionRow
}

type decompositionRow struct {
	Metric, Variant, Segment, Lift string
	Factors                        []factorShare
	Identity                       string
	Problem                        string
}

type factorShare struct {
	Metric, Lift, Share string
}

// decompositionData: each decomposed metric's lift split between the
// factors of its identity (log-lift shares).
func decompositionData(t *Target) (any, error) {
	if len(t.Decompositions) == 0 {
		return nil, nil
	}
	var v decompositionView
	for _, d := range t.Decompositions {
		row := decompositionRow{Metric: d.Metric, Variant: d.Variant, Segment: segmentLabel(d.Segment), Problem: d.Problem}
		if d.Problem == "" {
			row.Lift = lift(d.Lift)
			for _, f := range d.Factors {
				row.Factors = append(row.Factors, factorShare{Metric: f.Metric, Lift: lift(f.Lift), Share: sig(float64(f.Share)*100, 3) + "%"})
			}
			row.Identity = "the identity holds"
			if !d.IdentityHolds {
				row.Identity = "the identity does not hold exactly (residual " + sig(float64(d.Residual), 3) + ")"
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// shortReading is a term's reading in a word or two, for the narrow
// plot's right-hand column.
func shortReading(label string) string {
	if strings.HasPrefix(label, "no significant") {
		return "n.s."
	}
	return label
}
