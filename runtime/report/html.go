package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
)

// The HTML report is one self-contained file: CSS inline, plots as inline
// SVG drawn with gonum/plot, no scripts, and a Content-Security-Policy
// that forbids every network request.

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed report.css
var htmlCSS string

var pageTmpl = template.Must(template.New("page").Parse(htmlTemplate))

// WriteHTML writes the report as a standalone HTML page: per target a
// header (title, hypothesis, owner, verdict per treatment), then its
// sections (see sections).
func WriteHTML(w io.Writer, r *Report) error {
	page := htmlPage{CSS: template.CSS(htmlCSS), Title: "Caliper report"}
	if len(r.Targets) == 1 {
		page.Title = targetTitle(r.Targets[0]) + " — Caliper report"
	}
	for _, t := range r.Targets {
		v, err := newHTMLTarget(t)
		if err != nil {
			return err
		}
		page.Targets = append(page.Targets, v)
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, page); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type htmlPage struct {
	Title   string
	CSS     template.CSS
	Targets []*htmlTarget
}

type htmlTarget struct {
	*Target
	ID        string
	Heading   string
	KindLabel string
	CI        string
	// Versus is "Control" or "Baseline", Against its name.
	Versus, Against string
	// Facts are extra header facts (a benchmark's queries and test).
	Facts    []string
	Verdicts []htmlVerdict
	Sections []htmlSection
}

type htmlVerdict struct {
	Variant, Label, Mark string
	Class                class
	Summary              string
	Reasons              []htmlReason
}

type htmlReason struct {
	Class      class
	Mark, Word string
	Text       string
}

type htmlSection struct {
	ID, Title string
	Body      template.HTML
}

func targetTitle(t *Target) string {
	if t.Title != "" {
		return t.Title
	}
	return t.Name
}

func newHTMLTarget(t *Target) (*htmlTarget, error) {
	kind, ok := htmlKinds[kindOf(t)]
	if !ok {
		kind = htmlKinds["experiment"]
	}
	if kind.draw != nil {
		return kind.draw(t)
	}
	v := &htmlTarget{Target: t, ID: "t-" + idClean.ReplaceAllString(t.Name, "-"), Heading: targetTitle(t),
		KindLabel: kindLabel(t.Kind), CI: ciLabel(t), Versus: "Control", Against: control(t)}
	if kind.header != nil {
		kind.header(v)
	}
	v.Verdicts = newVerdicts(t)
	for _, s := range kind.sections {
		data, err := s.data(t)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %s section: %w", t.Kind, t.Name, s.id, err)
		}
		if data == nil {
			continue
		}
		var buf bytes.Buffer
		if err := pageTmpl.ExecuteTemplate(&buf, "section-"+s.id, data); err != nil {
			return nil, err
		}
		v.Sections = append(v.Sections, htmlSection{ID: v.ID + "-" + s.id, Title: s.title, Body: template.HTML(buf.String())})
	}
	return v, nil
}

// parseReason reads a decision reason's status prefix ("holds: ...").
func parseReason(r string) htmlReason {
	for _, p := range []struct {
		prefix string
		c      class
		mark   string
	}{{"holds: ", good, "✓"}, {"fails: ", bad, "✗"}, {"invalid: ", bad, "!"}, {"undecided: ", neutral, "?"}} {
		if rest, ok := strings.CutPrefix(r, p.prefix); ok {
			return htmlReason{Class: p.c, Mark: p.mark, Word: strings.TrimSuffix(p.prefix, ": "), Text: rest}
		}
	}
	return htmlReason{Class: neutral, Mark: "–", Text: r}
}

// A section is one titled part of a target's page, rendered by the
// template "section-<id>" from what data returns; a nil result leaves the
// section out, so a section appears only when its data exists.
type section struct {
	id, title string
	data      func(t *Target) (any, error)
}

// sections in page order. To add one (timelines, for `timeline
// day|week`, are next), give report.Target its data, append {id, title,
// data} here with data returning nil when the target has none, and define
// "section-<id>" in report.html.tmpl. Benchmark targets (per-metric
// deltas of models against a baseline) use the same sections:
// comparisons adapts their results, so the forest plot and the tables
// serve both kinds.
// htmlKind is how a target kind is drawn: its own header facts (nil for
// none) and its sections, in order; or, for a kind with a layout of its
// own, draw makes the whole target.
type htmlKind struct {
	draw     func(t *Target) (*htmlTarget, error)
	header   func(v *htmlTarget)
	sections []section
}

// htmlKinds are the target kinds' drawings. A kind missing here is drawn
// as an experiment; a new kind adds one line.
var htmlKinds = map[string]htmlKind{
	"experiment":       {sections: sections},
	"benchmark":        {header: benchmarkHeader, sections: sections},
	kindInterleaving:   {draw: newInterleavingHTMLTarget},
	kindRollout:        {draw: rolloutHTMLTarget},
	kindCounterfactual: {draw: func(t *Target) (*htmlTarget, error) { return newCounterfactualHTML(t), nil }},
}

// benchmarkHeader compares with the baseline model and says how many
// queries were compared, and how.
func benchmarkHeader(v *htmlTarget) {
	v.Versus = "Baseline"
	v.Facts = []string{count(int64(v.Bench.Queries)) + " queries", "test " + v.Bench.Test}
}

// sections are an experiment's (and a benchmark's) sections; each one's
// data is nil when the target has nothing to show there.
var sections = []section{
	{"summary", "Summary", summaryData},
	{"effects", "Effects", effectsData},
	{"metrics", "Metrics", metricsData},
	{"components", "Components (factorial design)", factorialData},
	{"decomposition", "Decomposition", decompositionData},
	{"segments", "Segments", segmentsData},
	{"surfaces", "By surface (split)", splitData},
	{"timeline", "Over time", timelineData},
	{"quality", "Data quality", qualityData},
}

// summaryData: the plain-language paragraph and reasons per treatment.
func summaryData(t *Target) (any, error) {
	if v := newVerdicts(t); len(v) > 0 {
		return v, nil
	}
	return nil, nil
}

func newVerdicts(t *Target) []htmlVerdict {
	var out []htmlVerdict
	for _, tr := range treatments(t) {
		label, c, mark := verdict(t, tr)
		hv := htmlVerdict{Variant: tr, Label: label, Class: c, Mark: mark, Summary: summary(t, tr)}
		if d := decisionFor(t, tr); d != nil {
			for _, r := range d.Reasons {
				hv.Reasons = append(hv.Reasons, parseReason(r))
			}
		}
		out = append(out, hv)
	}
	return out
}

type effectsView struct {
	Plots []plotView
	CI    string
	// What the legend explains: marker shapes in use, tolerances, lower
	// is better, and clipped intervals.
	Primary, Secondary, Guardrail bool
	Guarded, Lower, Clipped       bool
	// Others names the rows with the plain marker ("component", "metric").
	Others string
}

type plotView struct {
	Variant      string
	Wide, Narrow template.HTML
	Unplotted    []string
}

// effectsData: a forest plot of relative lifts per treatment.
func effectsData(t *Target) (any, error) {
	v := effectsView{CI: ciLabel(t)}
	for _, tr := range treatments(t) {
		f, unplotted := forestOf(t, tr)
		rows := 0
		for _, pn := range f.Panels {
			if len(pn.Rows) == 0 {
				continue
			}
			rows += len(pn.Rows)
			lo, hi := focus(pn.Rows)
			for _, r := range pn.Rows {
				switch r.Group {
				case "primary":
					v.Primary = true
				case "secondary":
					v.Secondary = true
				case "guardrail":
					v.Guardrail = true
				default:
					name := r.Group
					if name == "" {
						name = "metric"
					}
					if !strings.Contains(v.Others, name) {
						v.Others = strings.TrimPrefix(v.Others+", "+name, ", ")
					}
				}
				v.Guarded = v.Guarded || r.Bound != nil
				v.Lower = v.Lower || strings.HasSuffix(r.Label, " ↓")
				v.Clipped = v.Clipped || r.Lower < lo || r.Upper > hi
			}
		}
		if rows == 0 {
			continue
		}
		wide, err := f.SVG(false)
		if err != nil {
			return nil, err
		}
		narrow, err := f.SVG(true)
		if err != nil {
			return nil, err
		}
		v.Plots = append(v.Plots, plotView{Variant: tr, Wide: template.HTML(wide), Narrow: template.HTML(narrow), Unplotted: unplotted})
	}
	if len(v.Plots) == 0 {
		return nil, nil
	}
	return v, nil
}

// forestOf builds the forest plot of one treatment's relative lifts: a
// panel for primary and secondary metrics, one for guardrails (read
// against their tolerances). Results without a relative interval are
// listed as unplotted.
func forestOf(t *Target, variant string) (*forest, []string) {
	f := &forest{Title: fmt.Sprintf("%s: relative lift of %s vs %s", targetTitle(t), variant, control(t)), Percent: true}
	xlabel := fmt.Sprintf("relative lift of %s vs %s (%s)", variant, control(t), ciLabel(t))
	metrics := forestPanel{Heading: "Metrics", XLabel: xlabel}
	if isBenchmark(t) {
		metrics.Heading = "Offline metrics"
	}
	guards := forestPanel{Heading: "Guardrails (dashed: tolerance; shaded: beyond it)", XLabel: xlabel}
	var unplotted []string
	for _, r := range resultsFor(t, variant) {
		if r.Relative == nil {
			unplotted = append(unplotted, metricName(r))
			continue
		}
		if r.Relative.Unbounded {
			unplotted = append(unplotted, metricName(r)+" "+liftCI(r.Relative))
			continue
		}
		rd := read(r)
		label := metricName(r)
		if r.Direction == "decrease" {
			label += " ↓"
		}
		row := forestRow{Label: label, Group: r.Role, Class: rd.Class,
			Estimate: float64(r.Relative.Estimate), Lower: float64(r.Relative.CILower), Upper: float64(r.Relative.CIUpper),
			Figure: liftCI(r.Relative), Status: rd.Label, Short: shortLabel(r, rd)}
		if b, ok := badBound(r); ok {
			row.Bound = &b
			row.BadAbove = b > 0
		}
		if r.Role == "guardrail" {
			guards.Rows = append(guards.Rows, row)
		} else {
			metrics.Rows = append(metrics.Rows, row)
		}
	}
	f.Panels = []forestPanel{metrics, guards}
	return f, unplotted
}

// shortLabel is a reading in a word or two, for the narrow plot.
func shortLabel(r *Result, rd reading) string {
	if r.Role == "guardrail" && r.Within != nil {
		switch guardStatus(r) {
		case guardHolds:
			return "holds"
		case guardBreached:
			return "breached"
		case guardUnclear:
			return "unclear"
		}
	}
	if rd.Class == neutral && rd.Label == "no significant change" {
		return "n.s."
	}
	return rd.Label
}

type metricsView struct {
	CI           string
	Multi, Roles bool
	VariantLabel string
	ArmA, ArmB   string
	Rows         []metricRow
}

type metricRow struct {
	Name, Metric, Role, Variant string
	Lower                       bool
	Control, Treatment          string
	Diff, Lift, P, PAdj         string
	Reading                     reading
}

// metricsData: the table of every overall result.
func metricsData(t *Target) (any, error) {
	res := overall(t)
	if len(res) == 0 {
		return nil, nil
	}
	sort.SliceStable(res, func(i, j int) bool { return roleRank(res[i].Role) < roleRank(res[j].Role) })
	a, b := armLabels(t)
	v := metricsView{CI: ciLabel(t), Multi: len(treatments(t)) > 1, Roles: hasRoles(res), VariantLabel: variantLabel(t), ArmA: a, ArmB: b}
	for _, r := range res {
		v.Rows = append(v.Rows, newMetricRow(r))
	}
	return v, nil
}

func newMetricRow(r *Result) metricRow {
	row := metricRow{Name: metricName(r), Metric: r.Metric, Role: r.Role, Variant: r.Variant,
		Lower: r.Direction == "decrease", Control: armValue(r.Kind, r.Control), Treatment: armValue(r.Kind, r.Treatment),
		Diff: "n/a", Lift: "n/a", P: "n/a", Reading: read(r)}
	if r.PValue != nil {
		row.P = pvalue(*r.PValue)
	}
	if r.PValueAdjusted != nil {
		row.PAdj = pvalue(*r.PValueAdjusted)
	}
	if r.Within != nil {
		row.Role += ", within " + within(r)
	}
	if r.Absolute != nil {
		row.Diff = absolute(r.Kind, r.Absolute.Estimate)
		row.Lift = effectCI(r)
	} else {
		if r.Control.Units == 0 {
			row.Control = "no units"
		}
		if r.Treatment.Units == 0 {
			row.Treatment = "no units"
		}
	}
	return row
}

type segmentsView struct {
	CI string
	// First heads the first column (Segment, Value, Period).
	First         string
	Groups        []segmentGroup
	Heterogeneity []heteroRow
	Notes         []string
}

type segmentGroup struct {
	Metric, Variant string
	Rows            []segmentRow
}

type segmentRow struct {
	Segment string
	Units   string
	Lift, P string
	Reading reading
}

type heteroRow struct {
	Metric, Variant, Segment string
	Q, DF, P, I2             string
	Differs                  bool
	Problem                  string
}

// segmentsData: per-segment effects and heterogeneity tests, when the
// experiment has segments.
func segmentsData(t *Target) (any, error) {
	seg := segmented(t)
	if len(seg) == 0 && len(t.Heterogeneity) == 0 {
		return nil, nil
	}
	v := segmentsView{CI: ciLabel(t), First: "Segment"}
	index := map[string]int{}
	for _, r := range seg {
		key := r.Metric + "\x00" + r.Variant
		i, ok := index[key]
		if !ok {
			i = len(v.Groups)
			index[key] = i
			v.Groups = append(v.Groups, segmentGroup{Metric: metricName(r), Variant: r.Variant})
		}
		v.Groups[i].Rows = append(v.Groups[i].Rows, segmentRow{Segment: segmentLabel(r.Segment),
			Units: count(r.Control.Units) + " / " + count(r.Treatment.Units), Lift: effectCI(r), P: pvalues(r), Reading: read(r)})
	}
	for _, h := range t.Heterogeneity {
		row := heteroRow{Metric: h.Metric, Variant: h.Variant, Segment: h.Segment, Problem: h.Problem}
		if h.Problem == "" {
			row.Q, row.DF, row.P, row.I2 = sig(float64(h.Q), 3), plain(float64(h.DF)), pvalue(h.PValue), sig(float64(h.I2)*100, 3)+"%"
			row.Differs = h.PValue < t.Alpha
		}
		v.Heterogeneity = append(v.Heterogeneity, row)
	}
	return v, nil
}

type qualityView struct {
	Benchmark  bool
	SRMClass   class
	SRMMark    string
	SRM        string
	ChiSquare  string
	Expected   string
	Units      string
	Exclusions []string
	Notes      []string
}

// qualityData: the sample-ratio check, units, exclusions and notes (for
// a benchmark: its queries and notes).
func qualityData(t *Target) (any, error) {
	if isBenchmark(t) {
		return qualityView{Benchmark: true, Units: fmt.Sprintf("%s queries, compared in pairs (%s)", count(int64(t.Bench.Queries)), t.Bench.Test),
			Notes: notes(t)}, nil
	}
	c, s := srmSummary(t.SRM)
	v := qualityView{SRMClass: c, SRMMark: markOf(c), SRM: s, Units: armCounts(t), Exclusions: exclusions(t), Notes: notes(t)}
	if t.SRM != nil {
		v.ChiSquare = fmt.Sprintf("χ² = %s, df = %s", sig(float64(t.SRM.ChiSquare), 3), plain(float64(t.SRM.DF)))
		var shares []string
		for _, e := range t.SRM.Expected {
			shares = append(shares, plain(float64(e)*100)+"%")
		}
		v.Expected = strings.Join(shares, " / ")
	}
	return v, nil
}

// groupRows adds a result to its (metric, variant) group of a table view.
func (v *segmentsView) add(index map[string]int, r *Result, label string) {
	key := r.Metric + "\x00" + r.Variant
	i, ok := index[key]
	if !ok {
		i = len(v.Groups)
		index[key] = i
		v.Groups = append(v.Groups, segmentGroup{Metric: metricName(r), Variant: r.Variant})
	}
	v.Groups[i].Rows = append(v.Groups[i].Rows, segmentRow{Segment: label,
		Units: count(r.Control.Units) + " / " + count(r.Treatment.Units), Lift: effectCI(r), P: pvalues(r), Reading: read(r)})
}
