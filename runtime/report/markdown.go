package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// WriteMarkdown writes the report as a compact Markdown summary, fit for a
// pull-request comment: per target, the verdict and a plain-language
// summary per treatment with the reasons that decided it, a table of
// metrics (role, arms, lift with its interval, p-value, reading), the
// guardrails' status, data quality (sample ratio, excluded units) and
// notes.
func WriteMarkdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	if len(r.Targets) == 0 {
		fmt.Fprintln(bw, "_No experiments were run._")
	}
	for i, t := range r.Targets {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		writeMarkdownTarget(bw, t)
	}
	return bw.Flush()
}

func writeMarkdownTarget(w io.Writer, t *Target) {
	heading := fmt.Sprintf("`%s`", t.Name)
	if t.Title != "" {
		heading = mdEscape(t.Title) + " (" + heading + ")"
	}
	fmt.Fprintf(w, "### %s %s\n\n", kindLabel(t.Kind), heading)
	if t.Hypothesis != "" {
		fmt.Fprintf(w, "> %s\n\n", mdEscape(t.Hypothesis))
	}
	var meta []string
	if t.Owner != "" {
		meta = append(meta, "owner: "+mdEscape(t.Owner))
	}
	meta = append(meta, fmt.Sprintf("control: `%s`", t.Control), ciLabel(t)+" (α = "+strconv.FormatFloat(Round(float64(t.Alpha)), 'g', -1, 64)+")")
	fmt.Fprintf(w, "%s\n\n", strings.Join(meta, " · "))

	// Verdicts, one paragraph per treatment.
	vs := treatments(t)
	if len(vs) == 0 {
		fmt.Fprintf(w, "**No treatment to compare:** %s.\n\n", noDecision)
	}
	for _, v := range vs {
		label, _, mark := verdict(t, v)
		fmt.Fprintf(w, "**%s: %s %s** — %s\n\n", mdEscape(v), mark, label, mdEscape(summary(t, v)))
		if d := decisionFor(t, v); d != nil && len(d.Reasons) > 0 {
			for _, reason := range d.Reasons {
				fmt.Fprintf(w, "- %s\n", mdEscape(reason))
			}
			fmt.Fprintln(w)
		}
	}

	// Metrics.
	results := overall(t)
	sort.SliceStable(results, func(i, j int) bool { return roleRank(results[i].Role) < roleRank(results[j].Role) })
	if len(results) > 0 {
		multi := len(vs) > 1
		head := "| Metric | Role |"
		rule := "|---|---|"
		if multi {
			head += " Variant |"
			rule += "---|"
		}
		head += fmt.Sprintf(" Control | Treatment | Lift [%s] | p | Reading |", ciLabel(t))
		rule += "--:|--:|---|--:|---|"
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, rule)
		for _, r := range results {
			rd := read(r)
			name := mdCell(metricName(r))
			if r.Direction == "decrease" {
				name += " (lower is better)"
			}
			role := r.Role
			if r.Within != nil {
				role += ", within " + within(r)
			}
			row := fmt.Sprintf("| %s | %s |", name, role)
			if multi {
				row += " " + mdCell(r.Variant) + " |"
			}
			ctl, trt := value(r.Kind, r.Control.Mean), value(r.Kind, r.Treatment.Mean)
			if r.Absolute == nil {
				ctl, trt = mdNA(r.Control), mdNA(r.Treatment)
				if r.Control.Units > 0 {
					ctl = value(r.Kind, r.Control.Mean)
				}
				if r.Treatment.Units > 0 {
					trt = value(r.Kind, r.Treatment.Mean)
				}
			}
			row += fmt.Sprintf(" %s | %s | %s | %s | %s %s |", ctl, trt, effectCI(r), mdCell(pvalues(r)), rd.Mark, rd.Label)
			fmt.Fprintln(w, row)
		}
		fmt.Fprintln(w)
	}

	// Guardrails.
	var guards []string
	for _, r := range results {
		if r.Role != "guardrail" {
			continue
		}
		rd := read(r)
		g := fmt.Sprintf("%s %s %s", mdCell(r.Metric), rd.Mark, rd.Label)
		if multi := len(vs) > 1; multi {
			g = fmt.Sprintf("%s (%s) %s %s", mdCell(r.Metric), mdCell(r.Variant), rd.Mark, rd.Label)
		}
		guards = append(guards, g)
	}
	if len(guards) > 0 {
		fmt.Fprintf(w, "**Guardrails:** %s.\n\n", strings.Join(guards, "; "))
	}

	// Data quality.
	_, srm := srmSummary(t.SRM)
	dq := fmt.Sprintf("**Data quality:** sample ratio %s; units: %s", srm, armCounts(t))
	if ex := exclusions(t); len(ex) > 0 {
		dq += "; excluded: " + strings.Join(ex, ", ")
	} else {
		dq += "; no units excluded"
	}
	fmt.Fprintf(w, "%s.\n", mdEscape(dq))

	// Segments: a pointer, the details belong to the HTML report.
	if seg := segmented(t); len(seg) > 0 || len(t.Heterogeneity) > 0 {
		var flagged []string
		for _, h := range t.Heterogeneity {
			if h.Problem == "" && h.PValue < t.Alpha {
				flagged = append(flagged, fmt.Sprintf("%s (%s) by %s: p = %s", h.Metric, h.Variant, h.Segment, pvalue(h.PValue)))
			}
		}
		line := fmt.Sprintf("\n**Segments:** %d per-segment results (see the HTML report)", len(seg))
		if len(flagged) > 0 {
			line += "; the effect differs between segments for " + strings.Join(flagged, ", ")
		} else if len(t.Heterogeneity) > 0 {
			line += "; no significant difference between segments"
		}
		fmt.Fprintf(w, "%s.\n", mdEscape(line))
	}

	if ns := notes(t); len(ns) > 0 {
		fmt.Fprintln(w, "\n**Notes:**")
		for _, n := range ns {
			fmt.Fprintf(w, "- %s\n", mdEscape(n))
		}
	}
}

func kindLabel(kind string) string {
	if kind == "" {
		return "Target"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

func mdNA(a Arm) string {
	if a.Units == 0 {
		return "no units"
	}
	return "n/a"
}

// mdEscape keeps text from being read as Markdown markup or raw HTML
// where that would change it: angle brackets that open a tag.
func mdEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '<' && i+1 < len(s) && (isLetter(s[i+1]) || s[i+1] == '/' || s[i+1] == '!') {
			b.WriteString("&lt;")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mdCell escapes text for a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdEscape(s), "|", `\|`)
}
