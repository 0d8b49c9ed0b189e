package report

import (
	"bytes"
	"fmt"
	"html/template"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// ilTmpl renders an interleaving's own sections; the page, the header,
// the verdicts and the summary section are the report template's.
var ilTmpl = template.Must(template.New("il").Parse(`
{{- define "preference"}}
<p>Per credit, the share of decided sessions the treatment won, wins / (wins + losses), against 1/2 (no preference), tested by the {{.Test}}; and the mean over units of (wins − losses) / sessions, against 0. Bars: {{.CI}}.</p>
{{- range .Credits}}
<h3>{{.Credit}}</h3>
{{- with .Plot}}
<figure class="plot">
<div class="wide">{{.Wide}}</div>
<div class="narrow">{{.Narrow}}</div>
</figure>
{{- end}}
<div class="table-wrap">
<table class="metrics">
<thead><tr><th scope="col">Variant</th><th scope="col" class="num">Units</th><th scope="col" class="num">Sessions</th><th scope="col" class="num">Wins</th><th scope="col" class="num">Losses</th><th scope="col" class="num">Ties</th><th scope="col">Share [{{$.CI}}]</th><th scope="col" class="num">p</th><th scope="col">Mean preference [{{$.CI}}]</th><th scope="col" class="num">p</th><th scope="col">Reading</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr>
<th scope="row" data-label="Variant">{{.Variant}}</th>
<td data-label="Units" class="num">{{.Units}}</td>
<td data-label="Sessions" class="num">{{.Sessions}}</td>
<td data-label="Wins" class="num">{{.Wins}}</td>
<td data-label="Losses" class="num">{{.Losses}}</td>
<td data-label="Ties" class="num">{{.Ties}}</td>
<td data-label="Share" class="lift">{{.Share}}</td>
<td data-label="p" class="num">{{.P}}</td>
<td data-label="Mean preference" class="lift">{{.Mean}}</td>
<td data-label="p" class="num">{{.MeanP}}</td>
<td data-label="Reading" class="reading {{.Reading.Class}}"><span><span class="mark" aria-hidden="true">{{.Reading.Mark}}</span> {{.Reading.Label}}</span></td>
</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
{{- end}}
{{- define "quality"}}
<ul>
{{- range .}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
`))

type ilCreditView struct {
	Credit string
	Plot   *plotView
	Rows   []ilRowView
}

type ilRowView struct {
	Variant                             string
	Units, Sessions, Wins, Losses, Ties int64
	Share, P, Mean, MeanP               string
	Reading                             reading
}

// newInterleavingHTMLTarget lays out an interleaving target's page.
func newInterleavingHTMLTarget(t *Target) (*htmlTarget, error) {
	x := t.Interleaving
	v := &htmlTarget{Target: t, ID: "t-" + idClean.ReplaceAllString(t.Name, "-"), Heading: targetTitle(t),
		KindLabel: kindLabel(t.Kind), CI: ciLabel(t), Versus: "Baseline", Against: x.Baseline,
		Facts: []string{"test: " + testLabel(x.Test)}}
	var verdicts []htmlVerdict
	for _, d := range t.Decisions {
		label, c, mark := verdict(t, d.Variant)
		hv := htmlVerdict{Variant: d.Variant, Label: label, Class: c, Mark: mark, Summary: interleavingSummary(t, d.Variant)}
		for _, r := range d.Reasons {
			hv.Reasons = append(hv.Reasons, parseReason(r))
		}
		verdicts = append(verdicts, hv)
	}
	v.Verdicts = verdicts
	add := func(id, title string, tmpl *template.Template, name string, data any) error {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
			return fmt.Errorf("interleaving %s: %s section: %w", t.Name, id, err)
		}
		v.Sections = append(v.Sections, htmlSection{ID: v.ID + "-" + id, Title: title, Body: template.HTML(buf.String())})
		return nil
	}
	if len(verdicts) > 0 {
		if err := add("summary", "Summary", pageTmpl, "section-summary", verdicts); err != nil {
			return nil, err
		}
	}
	var credits []ilCreditView
	for _, c := range x.Credits {
		cv := ilCreditView{Credit: c}
		for _, p := range x.Results {
			if p.Credit != c {
				continue
			}
			cv.Rows = append(cv.Rows, ilRowView{Variant: p.Variant, Units: p.Units, Sessions: p.Sessions, Wins: p.Wins,
				Losses: p.Losses, Ties: p.Ties, Share: shareText(p), P: optP(p.PValue), Mean: meanText(p), MeanP: optP(p.MeanPValue),
				Reading: preferenceReading(p, x.Baseline)})
		}
		plot, err := preferencePlot(t, c)
		if err != nil {
			return nil, err
		}
		cv.Plot = plot
		credits = append(credits, cv)
	}
	data := struct {
		Test, CI string
		Credits  []ilCreditView
	}{testLabel(x.Test), ciLabel(t), credits}
	if err := add("preference", "Preference", ilTmpl, "preference", data); err != nil {
		return nil, err
	}
	var quality []string
	for _, f := range x.FirstPositions {
		quality = append(quality, "First positions "+firstText(f, x.Baseline)+".")
	}
	if len(x.LeftOut) > 0 {
		quality = append(quality, "Sessions left out: "+leftOutText(x)+".")
	}
	for _, n := range unique(t.Notes) {
		quality = append(quality, n)
	}
	if len(quality) > 0 {
		if err := add("quality", "Data quality", ilTmpl, "quality", quality); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// preferencePlot is one credit's preference plot: per treatment, the
// share minus 1/2 and the mean preference per user, each with its
// interval, against 0 (no preference). Nil when no share is estimable.
func preferencePlot(t *Target, credit string) (*plotView, error) {
	x := t.Interleaving
	f := &forest{Title: fmt.Sprintf("%s: preference for each treatment over %s under %s", targetTitle(t), x.Baseline, credit)}
	share := forestPanel{Heading: "Preference share − 1/2", XLabel: fmt.Sprintf("wins / (wins + losses) − 1/2 (0: no preference; %s)", ciLabel(t))}
	mean := forestPanel{Heading: "Mean preference per unit", XLabel: fmt.Sprintf("mean over units of (wins − losses) / sessions (%s)", ciLabel(t))}
	for _, p := range x.Results {
		if p.Credit != credit || p.Share == nil {
			continue
		}
		rd := preferenceReading(p, x.Baseline)
		s := p.Share
		share.Rows = append(share.Rows, forestRow{Label: p.Variant, Group: "primary", Class: rd.Class,
			Estimate: float64(s.Estimate) - 0.5, Lower: float64(s.CILower) - 0.5, Upper: float64(s.CIUpper) - 0.5,
			Figure: shareText(p), Status: rd.Label, Short: preferenceShort(rd)})
		if m := p.MeanPreference; m != nil {
			mean.Rows = append(mean.Rows, forestRow{Label: p.Variant, Group: "secondary", Class: meanClass(p),
				Estimate: float64(m.Estimate), Lower: float64(m.CILower), Upper: float64(m.CIUpper),
				Figure: fmt.Sprintf("%+.4f [%+.4f, %+.4f]", float64(m.Estimate), float64(m.CILower), float64(m.CIUpper)),
				Status: pPhrase(p.MeanPValue), Short: pPhrase(p.MeanPValue)})
		}
	}
	if len(share.Rows) == 0 {
		return nil, nil
	}
	f.Panels = []forestPanel{share, mean}
	wide, err := f.SVG(false)
	if err != nil {
		return nil, err
	}
	narrow, err := f.SVG(true)
	if err != nil {
		return nil, err
	}
	return &plotView{Variant: credit, Wide: template.HTML(wide), Narrow: template.HTML(narrow)}, nil
}

// meanClass colours a mean preference by its own test.
func meanClass(p *res.Preference) class {
	m := p.MeanPreference
	switch {
	case p.MeanPValue == nil || float64(*p.MeanPValue) >= 1:
		return neutral
	case m.CILower > 0:
		return good
	case m.CIUpper < 0:
		return bad
	}
	return neutral
}

// preferenceShort is a reading in a word or two, for the narrow plot.
func preferenceShort(rd reading) string {
	switch rd.Class {
	case good:
		return "preferred"
	case bad:
		return "baseline"
	}
	return "no pref."
}
