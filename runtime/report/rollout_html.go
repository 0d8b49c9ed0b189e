package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"math"
)

// The HTML of a rollout: per metric, the event-study plot (relative
// effects by periods since adoption with their intervals, the adoption
// line between −1 and 0), the overall effect, the pre-trend test and the
// event-study table.

var rolloutSectionTmpl = template.Must(template.New("rollout").Parse(`<p>{{.Overall}}</p>
<p>{{.PreTrend}}</p>
<p>{{.TWFE}}</p>
{{if .Plot}}<figure><div class="plot"><div class="wide">{{.Plot.Wide}}</div><div class="narrow">{{.Plot.Narrow}}</div></div>
<figcaption>Relative effect by {{.Period}}s since adoption with the {{.CI}}; the dashed line marks adoption (event time 0 is the first {{.Period}} adopted). Periods before it are placebos.</figcaption></figure>{{end}}
<table><thead><tr><th>event</th><th>cells</th><th>effect [CI]</th><th>relative [CI]</th><th>p</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Event}}</td><td>{{.Cells}}</td><td>{{.Effect}}</td><td>{{.Relative}}</td><td>{{.P}}</td></tr>
{{end}}</tbody></table>
{{range .Warnings}}<p class="note">Warning: {{.}}</p>
{{end}}`))

type rolloutRow struct {
	Event, Cells        int
	Effect, Relative, P string
}

type rolloutSection struct {
	Overall, PreTrend, TWFE string
	Plot                    *plotView
	Period, CI              string
	Rows                    []rolloutRow
	Warnings                []string
}

// rolloutHTMLTarget builds a rollout's page section.
func rolloutHTMLTarget(t *Target) (*htmlTarget, error) {
	x := t.Rollout
	v := &htmlTarget{Target: t, ID: "t-" + idClean.ReplaceAllString(t.Name, "-"), Heading: targetTitle(t),
		KindLabel: "Rollout", CI: ciLabel(t), Versus: "Comparison", Against: x.Comparison,
		Facts: []string{rolloutPanelLine(x)}}
	v.Verdicts = newVerdicts(t)
	for _, m := range x.Metrics {
		s := rolloutSection{Period: x.Period, CI: ciLabel(t), Warnings: m.Warnings}
		o := m.Overall
		if o.NotEstimable != "" {
			s.Overall = "Overall effect: not estimable (" + o.NotEstimable + ")."
		} else {
			s.Overall = fmt.Sprintf("Overall effect %s, relative %s, p %s (the treated groups' mean before adoption: %s).", roEffect(o.Absolute), roRelative(o.Relative), roP(o.PValue), roNum(*o.Baseline))
			if o.Bootstrap != nil {
				s.Overall += fmt.Sprintf(" Wild bootstrap: %s, p %s.", roEffect(o.Bootstrap), roP(o.BootstrapP))
			}
		}
		if pt := m.PreTrend; pt.NotEstimable != "" {
			s.PreTrend = "Pre-trend test: not estimable (" + pt.NotEstimable + ")."
		} else {
			verdict := "passed"
			if !pt.Passed {
				verdict = "failed: the groups were not on parallel trends before adopting"
			}
			s.PreTrend = fmt.Sprintf("Pre-trend test F(%s, %s) = %s, p %s: %s.", roNum(*pt.DF1), roNum(*pt.DF2), roNum(*pt.F), roP(pt.PValue), verdict)
		}
		if tw := m.TWFE; tw.NotEstimable != "" {
			s.TWFE = "Two-way fixed effects: not estimable (" + tw.NotEstimable + ")."
		} else {
			s.TWFE = fmt.Sprintf("Two-way fixed effects (a cross-check, biased under staggered adoption with changing effects): %s, p %s, %d treated cells weighted negatively.", roEffect(tw.Absolute), roP(tw.PValue), tw.NegativeWeights)
		}
		cp := &curvePlot{Title: fmt.Sprintf("%s: relative effect by %ss since adoption", m.Metric, x.Period),
			XLabel: x.Period + "s since adoption", Adoption: true}
		ser := curveSeries{Name: "relative effect", Colour: colInk}
		for _, e := range m.EventStudy {
			row := rolloutRow{Event: *e.Event, Cells: e.Cells, Effect: "–", Relative: "–", P: "–"}
			if e.NotEstimable == "" {
				row.Effect, row.Relative, row.P = roEffect(e.Absolute), roRelative(e.Relative), roP(e.PValue)
			}
			s.Rows = append(s.Rows, row)
			if e.Relative != nil && !e.Relative.Unbounded {
				ser.X = append(ser.X, float64(*e.Event))
				ser.Est = append(ser.Est, float64(e.Relative.Estimate))
				ser.Lower = append(ser.Lower, float64(e.Relative.CILower))
				ser.Upp = append(ser.Upp, float64(e.Relative.CIUpper))
			} else {
				ser.X = append(ser.X, float64(*e.Event))
				ser.Est, ser.Lower, ser.Upp = append(ser.Est, math.NaN()), append(ser.Lower, math.NaN()), append(ser.Upp, math.NaN())
			}
		}
		cp.Series = []curveSeries{ser}
		pv, err := render(cp)
		switch {
		case errors.Is(err, errNoPoints):
		case err != nil:
			return nil, err
		default:
			s.Plot = &pv
		}
		var buf bytes.Buffer
		if err := rolloutSectionTmpl.Execute(&buf, s); err != nil {
			return nil, err
		}
		v.Sections = append(v.Sections, htmlSection{ID: v.ID + "-" + idClean.ReplaceAllString(m.Metric, "-"), Title: m.Metric, Body: template.HTML(buf.String())})
	}
	return v, nil
}
