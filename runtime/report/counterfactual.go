package report

import (
	"bufio"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"text/tabwriter"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// Counterfactual targets (Kind "counterfactual"): each format writer
// dispatches here at its top. Per model and estimator the value with its
// interval and the difference against the logging policy; per model the
// weight diagnostics; the launch decisions.

// kindCounterfactual is the Kind of a counterfactual target.
const kindCounterfactual = res.KindCounterfactual

func isCounterfactual(t *Target) bool { return t.Kind == kindCounterfactual && t.Counterfactual != nil }

// cfInterval prints an estimate with its interval, or why it has none.
func cfInterval(e *Effect, problem string, signed bool) string {
	if e == nil {
		if problem == "" {
			return "–"
		}
		return "not estimated: " + problem
	}
	f := func(v Num) string { return sig(float64(v), 4) }
	if signed {
		f = func(v Num) string {
			s := sig(float64(v), 4)
			if v >= 0 {
				s = "+" + s
			}
			return s
		}
	}
	return fmt.Sprintf("%s [%s, %s]", f(e.Estimate), f(e.CILower), f(e.CIUpper))
}

func cfP(p *Num) string {
	if p == nil {
		return "–"
	}
	return pvalue(*p)
}

func cfHeader(t *Target) (string, []string) {
	c := t.Counterfactual
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	clip := "no clipping"
	if c.Clip != nil {
		clip = "clip " + strconv.FormatFloat(float64(*c.Clip), 'g', -1, 64)
	}
	facts := []string{
		fmt.Sprintf("%d logged decisions of %d units", c.Decisions, c.Units),
		"policy " + c.Policy, clip, ciLabel(t),
	}
	return title, facts
}

func cfLogging(c *res.Counterfactual) string {
	if c.Logging == nil {
		return "–"
	}
	return cfInterval(c.Logging.Value, c.Logging.Problem, false)
}

func cfDiagnosticCells(d *res.CfDiagnostics) []string {
	mw := sig(float64(d.MeanWeight.Estimate), 4)
	if d.MeanWeightFlag != "" {
		mw += " (!)"
	}
	return []string{sig(float64(d.ESS), 4), cfPct(float64(d.ESSShare)), sig(float64(d.MaxWeight), 4),
		cfPct(float64(d.ClippedShare)), cfPct(float64(d.NeverTakenShare)), mw}
}

var cfDiagnosticHeads = []string{"ESS", "ESS share", "max weight", "clipped", "never taken", "mean weight"}

func cfPct(v float64) string { return sig(100*v, 3) + "%" }

// writeCounterfactual prints a counterfactual target as aligned text.
func writeCounterfactual(w *bufio.Writer, t *Target) {
	c := t.Counterfactual
	title, facts := cfHeader(t)
	fmt.Fprintf(w, "counterfactual %s\n%s\n", title, strings.Join(facts, "; "))
	fmt.Fprintf(w, "logging policy (mean reward): %s\n\n", cfLogging(c))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\testimator\tvalue\tdifference vs logging\tp")
	for _, m := range c.Models {
		for _, e := range m.Estimates {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Model, e.Estimator, cfInterval(e.Value, e.ValueProblem, false),
				cfInterval(e.Difference, e.DifferenceProblem, true), cfP(e.PValue))
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\t"+strings.Join(cfDiagnosticHeads, "\t"))
	for _, m := range c.Models {
		fmt.Fprintln(tw, m.Model+"\t"+strings.Join(cfDiagnosticCells(m.Diagnostics), "\t"))
	}
	_ = tw.Flush()
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\n%s: %s\n", d.Variant, strings.ReplaceAll(d.Outcome, "_", " "))
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// writeCounterfactualMarkdown prints a counterfactual target as Markdown.
func writeCounterfactualMarkdown(w *bufio.Writer, t *Target) {
	c := t.Counterfactual
	title, facts := cfHeader(t)
	fmt.Fprintf(w, "### Counterfactual %s\n\n%s\n", mdEscape(title), mdEscape(strings.Join(facts, " · ")))
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\n**%s: %s**\n", mdEscape(d.Variant), strings.ReplaceAll(d.Outcome, "_", " "))
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "- %s\n", mdEscape(r))
		}
	}
	fmt.Fprintf(w, "\n**Logging policy** (mean reward): %s\n\n", mdEscape(cfLogging(c)))
	fmt.Fprintln(w, "| model | estimator | value | difference vs logging | p |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, m := range c.Models {
		for _, e := range m.Estimates {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", mdEscape(m.Model), e.Estimator, mdEscape(cfInterval(e.Value, e.ValueProblem, false)),
				mdEscape(cfInterval(e.Difference, e.DifferenceProblem, true)), cfP(e.PValue))
		}
	}
	fmt.Fprintf(w, "\n**Weights** (unclipped; min_ess %s)\n\n| model | %s |\n|---|%s\n", strconv.FormatFloat(float64(c.MinESS), 'g', -1, 64),
		strings.Join(cfDiagnosticHeads, " | "), strings.Repeat("---|", len(cfDiagnosticHeads)))
	for _, m := range c.Models {
		fmt.Fprintf(w, "| `%s` | %s |\n", mdEscape(m.Model), strings.Join(cfDiagnosticCells(m.Diagnostics), " | "))
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "\n> %s\n", mdEscape(n))
	}
}

// newCounterfactualHTML builds a counterfactual's page part: verdicts from
// its decisions, and two sections (estimates, weights).
func newCounterfactualHTML(t *Target) *htmlTarget {
	c := t.Counterfactual
	_, facts := cfHeader(t)
	v := &htmlTarget{Target: t, ID: "t-" + idClean.ReplaceAllString(t.Name, "-"), Heading: targetTitle(t),
		KindLabel: kindLabel(t.Kind), CI: ciLabel(t), Versus: "Baseline", Against: "logging policy", Facts: facts[:3]}
	for _, d := range t.Decisions {
		hv := htmlVerdict{Variant: d.Variant, Label: outcomeLabel(d.Outcome), Class: outcomeClass(d.Outcome), Mark: outcomeMark(d.Outcome)}
		for _, r := range d.Reasons {
			hv.Reasons = append(hv.Reasons, parseReason(r))
		}
		v.Verdicts = append(v.Verdicts, hv)
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, "<p>Logging policy (mean reward): %s</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>model</th><th>estimator</th><th>value</th><th>difference vs logging</th><th>p</th></tr></thead>\n<tbody>\n", esc(cfLogging(c)))
	for _, m := range c.Models {
		for _, e := range m.Estimates {
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(m.Model), esc(e.Estimator),
				esc(cfInterval(e.Value, e.ValueProblem, false)), esc(cfInterval(e.Difference, e.DifferenceProblem, true)), esc(cfP(e.PValue)))
		}
	}
	b.WriteString("</tbody></table></div>\n")
	v.Sections = append(v.Sections, htmlSection{ID: v.ID + "-estimates", Title: "Estimates", Body: template.HTML(b.String())})
	b.Reset()
	fmt.Fprintf(&b, "<p>On unclipped weights; no launch decision for a model whose ESS is below %s.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>model</th>", esc(strconv.FormatFloat(float64(c.MinESS), 'g', -1, 64)))
	for _, h := range cfDiagnosticHeads {
		fmt.Fprintf(&b, "<th>%s</th>", esc(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, m := range c.Models {
		fmt.Fprintf(&b, "<tr><td>%s</td>", esc(m.Model))
		for _, cell := range cfDiagnosticCells(m.Diagnostics) {
			fmt.Fprintf(&b, "<td>%s</td>", esc(cell))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table></div>\n")
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "<p>%s</p>\n", esc(n))
	}
	v.Sections = append(v.Sections, htmlSection{ID: v.ID + "-weights", Title: "Weights", Body: template.HTML(b.String())})
	return v
}
