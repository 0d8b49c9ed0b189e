package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/caliper-dev/caliper/runtime/portfolio"
)

// PortfolioHTML writes the review as a self-contained "investment review"
// page (the run report's stylesheet, no scripts): per metric the plain
// paragraphs, a forest plot of the shipped launches with their naive and
// corrected sum against the holdout, the meta-analysis table; and the
// metrics' sensitivity.
func PortfolioHTML(w io.Writer, p *portfolio.Portfolio) error {
	page := pfPage{CSS: template.CSS(htmlCSS), Store: p.Store, Scope: pfScope(p), Decisions: pfDecisions(p.Decisions),
		Holdout: pfHoldoutTarget(p), Level: pfPct(p), Notes: p.Notes, Velocity: pfVelocity(p.Velocity)}
	for _, m := range p.Metrics {
		v := pfMetricView{Name: m.Name, ID: "metric-" + strings.Trim(idClean.ReplaceAllString(strings.ToLower(m.Name), "-"), "-"), Paragraphs: pfParagraphs(p, m), Impact: pfImpactRows(m)}
		if meta := m.Meta.Relative; meta.NotEstimable == "" {
			for _, fit := range []*portfolio.Pooled{meta.FixedEffect, meta.DerSimonianLaird, meta.REML} {
				v.Meta = append(v.Meta, [5]string{pfModel(fit.Method), pfEstimateCI(fit.Estimate, fit.CILower, fit.CIUpper, lift),
					pfTau2(fit, true), pfShare(fit.I2), pfInterval(fit.PredictionLower, fit.PredictionUpper, lift)})
			}
			v.Heterogeneity = "Heterogeneity: " + pfQ(meta) + "."
		}
		if f := pfForest(m, page.Level); f != nil {
			wide, err := f.SVG(false)
			if err != nil {
				return err
			}
			narrow, err := f.SVG(true)
			if err != nil {
				return err
			}
			v.Wide, v.Narrow = template.HTML(wide), template.HTML(narrow)
		}
		ot, err := pfOverTime(m)
		if err != nil {
			return err
		}
		v.OverTime = ot
		if rows := pfOverTimeRows(m, false); len(rows) > 1 {
			v.OverTimeHead, v.OverTimeRows = rows[0], pfLabelled(rows)
		}
		h := m.Health
		row := pfHealthRow{Metric: m.Name, Moved: fmt.Sprintf("%d of %d", h.Moved, h.Experiments), SE: Undefined, MDE: Undefined}
		if h.RelativeMDE != nil {
			row.SE = plain(100*float64(*h.MedianRelStdError)) + "%"
			row.MDE = "±" + plain(100*float64(*h.RelativeMDE)) + "%"
		}
		for _, f := range h.Flags {
			row.Flags = append(row.Flags, pfFlag(f, h))
		}
		page.Health = append(page.Health, row)
		page.Metrics = append(page.Metrics, v)
	}
	var buf bytes.Buffer
	if err := pfTmpl.Execute(&buf, page); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type pfPage struct {
	CSS                                               template.CSS
	Store, Scope, Decisions, Holdout, Level, Velocity string
	Metrics                                           []pfMetricView
	Health                                            []pfHealthRow
	Notes                                             []string
}

type pfMetricView struct {
	Name, ID      string
	Paragraphs    []string
	Wide, Narrow  template.HTML
	Meta          [][5]string
	Heterogeneity string
	Impact        [][2]string
	OverTime      *pfOverTimeView
	OverTimeHead  []string
	OverTimeRows  [][]pfCell
}

// pfCell is a table cell with its column's name (the label a phone's
// card shows).
type pfCell struct{ Label, Text string }

func pfLabelled(rows [][]string) [][]pfCell {
	var out [][]pfCell
	for _, r := range rows[1:] {
		var cells []pfCell
		for i, t := range r {
			cells = append(cells, pfCell{Label: rows[0][i], Text: t})
		}
		out = append(out, cells)
	}
	return out
}

type pfHealthRow struct {
	Metric, Moved, SE, MDE string
	Flags                  []string
}

// pfForest plots each shipped launch's relative lift, then the naive and
// corrected sums, the holdout's measured effect and the leak.
func pfForest(m *portfolio.Metric, level string) *forest {
	imp := m.Impact
	if imp.NotEstimable != "" {
		return nil
	}
	xlabel := fmt.Sprintf("relative lift (%s CI)", level)
	launches := forestPanel{Heading: "Shipped launches (as measured at decision)", XLabel: xlabel}
	sign := 1.0
	if m.Direction == "decrease" {
		sign = -1
	}
	cls := func(lo, hi *Num) class {
		if lo == nil || hi == nil {
			return neutral
		}
		switch {
		case sign*float64(*lo) > 0 && sign*float64(*hi) > 0:
			return good
		case sign*float64(*lo) < 0 && sign*float64(*hi) < 0:
			return bad
		}
		return neutral
	}
	add := func(pn *forestPanel, label string, est, lo, hi *Num, status string) {
		if est == nil || lo == nil || hi == nil {
			return
		}
		pn.Rows = append(pn.Rows, forestRow{Label: label, Estimate: float64(*est), Lower: float64(*lo), Upper: float64(*hi),
			Class: cls(lo, hi), Figure: pfEstimateCI(est, lo, hi, lift), Status: status, Short: status})
	}
	for _, s := range m.Studies {
		if s.Decision == "ship" && s.Relative != nil {
			add(&launches, s.Target+"/"+s.Variant, &s.Relative.Estimate, s.Relative.CILower, s.Relative.CIUpper, "shipped")
		}
	}
	total := forestPanel{Heading: "Cumulative impact", XLabel: xlabel}
	if c := imp.Relative; c != nil && c.NotEstimable == "" {
		add(&total, "naive sum", c.Naive, c.NaiveCILower, c.NaiveCIUpper, "naive")
		add(&total, "corrected sum", c.Corrected, c.CILower, c.CIUpper, "corrected")
	}
	if h := m.Holdout; h != nil && h.Relative != nil && h.Relative.Holdout != nil {
		g := h.Relative
		add(&total, "holdout "+h.Target, &g.Holdout.Estimate, g.Holdout.CILower, g.Holdout.CIUpper, "measured")
		if g.Leak != nil {
			total.Rows = append(total.Rows, forestRow{Label: "leak (corrected − holdout)", Estimate: float64(*g.Leak),
				Lower: float64(*g.LeakCILower), Upper: float64(*g.LeakCIUpper), Class: neutral,
				Figure: pfEstimateCI(g.Leak, g.LeakCILower, g.LeakCIUpper, lift), Status: "gap", Short: "gap"})
		}
	}
	if len(launches.Rows) == 0 && len(total.Rows) == 0 {
		return nil
	}
	return &forest{Title: m.Name + ": shipped launches and their cumulative impact", Percent: true, Panels: []forestPanel{launches, total}}
}

var pfTmpl = template.Must(template.New("portfolio").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="caliper">
<title>Portfolio review — {{.Store}}</title>
<style>
{{.CSS}}
</style>
</head>
<body>
<main>
<article class="target" id="portfolio">
<header class="head">
<p class="eyebrow">Investment review of <code>{{.Store}}</code></p>
<h1>What the launches delivered, and where value leaks</h1>
<p class="meta"><span>{{.Scope}}</span><span>Decisions: {{.Decisions}}</span><span>Velocity: {{.Velocity}}</span>{{if .Holdout}}<span>Holdout: <strong>{{.Holdout}}</strong></span>{{end}}<span>{{.Level}} intervals</span></p>
</header>
{{- range .Metrics}}
<section id="{{.ID}}">
<h2>{{.Name}}</h2>
{{- range .Paragraphs}}
<p>{{.}}</p>
{{- end}}
{{- if .Wide}}
<div class="plot"><div class="wide">{{.Wide}}</div><div class="narrow">{{.Narrow}}</div></div>
{{- end}}
{{- with .OverTime}}
<h3>Cumulative impact over time</h3>
<figure class="plot">
<div class="wide">{{.Plot.Wide}}</div>
<div class="narrow">{{.Plot.Narrow}}</div>
</figure>
<p class="legend small">
<span><span class="swatch period"></span> naive sum of the launches shipped by each decision (dashed), band: {{$.Level}} CI</span>
{{- if .Corrected}}
<span><span class="swatch good"></span> corrected for the winner's curse, band: {{$.Level}} bootstrap CI</span>
{{- end}}
{{- if .Holdout}}
<span><span class="swatch ink"></span> holdout as measured in each stored run, band: {{$.Level}} CI</span>
{{- end}}
</p>
{{- end}}
{{- if .OverTimeRows}}
<details>
<summary>Table: cumulative impact over time ({{len .OverTimeRows}} rows)</summary>
<div class="table-wrap">
<table><thead><tr>{{range .OverTimeHead}}<th scope="col">{{.}}</th>{{end}}</tr></thead><tbody>
{{- range .OverTimeRows}}
<tr>{{range .}}<td data-label="{{.Label}}">{{.Text}}</td>{{end}}</tr>
{{- end}}
</tbody></table>
</div>
</details>
{{- end}}
{{- if .Impact}}
<table><thead><tr><th scope="col">Shipped impact (relative)</th><th scope="col">Lift [CI]</th></tr></thead><tbody>
{{- range .Impact}}
<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>
{{- end}}
</tbody></table>
{{- end}}
{{- if .Meta}}
<table><thead><tr><th scope="col">Meta-analysis (relative lift)</th><th scope="col">Estimate [CI]</th><th scope="col">Between-experiment variance (tau²)</th><th scope="col">I²</th><th scope="col">Prediction interval</th></tr></thead><tbody>
{{- range .Meta}}
<tr><td>{{index . 0}}</td><td>{{index . 1}}</td><td>{{index . 2}}</td><td>{{index . 3}}</td><td>{{index . 4}}</td></tr>
{{- end}}
</tbody></table>
<p>{{.Heterogeneity}}</p>
{{- end}}
</section>
{{- end}}
<section id="sensitivity">
<h2>Metric sensitivity</h2>
<table><thead><tr><th scope="col">Metric</th><th scope="col">Moved significantly</th><th scope="col">Median relative SE</th><th scope="col">MDE at median size</th><th scope="col">Flags</th></tr></thead><tbody>
{{- range .Health}}
<tr><td>{{.Metric}}</td><td>{{.Moved}}</td><td>{{.SE}}</td><td>{{.MDE}}</td><td>{{range $i, $f := .Flags}}{{if $i}}; {{end}}{{$f}}{{else}}—{{end}}</td></tr>
{{- end}}
</tbody></table>
</section>
{{- if .Notes}}
<section id="notes">
<h2>Notes</h2>
<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>
</section>
{{- end}}
</article>
<footer>Generated by Caliper. Self-contained: no scripts, no network requests.</footer>
</main>
</body>
</html>
`))
