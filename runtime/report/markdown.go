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
			fmt.Fprint(bw, "\n---\n\n")
		}
		writeMarkdownTarget(bw, t)
	}
	return bw.Flush()
}

func writeMarkdownTarget(w *bufio.Writer, t *Target) {
	if isInterleaving(t) {
		writeInterleavingMarkdown(w, t)
		return
	}
	heading := fmt.Sprintf("`%s`", t.Name)
	if t.Title != "" {
		heading = mdEscape(t.Title) + " (" + heading + ")"
	}
	fmt.Fprintf(w, "### %s %s\n", kindLabel(t.Kind), heading)
	if t.Hypothesis != "" {
		fmt.Fprintf(w, "\n> %s\n", mdEscape(t.Hypothesis))
	}
	var meta []string
	if t.Owner != "" {
		meta = append(meta, "owner: "+mdEscape(t.Owner))
	}
	if isBenchmark(t) {
		meta = append(meta, fmt.Sprintf("baseline: `%s`", t.Bench.Baseline), fmt.Sprintf("%s queries, %s", count(int64(t.Bench.Queries)), t.Bench.Test))
	} else {
		meta = append(meta, fmt.Sprintf("control: `%s`", t.Control))
	}
	meta = append(meta, ciLabel(t)+" (α = "+strconv.FormatFloat(Round(float64(t.Alpha)), 'g', -1, 64)+")")
	fmt.Fprintf(w, "\n%s\n", strings.Join(meta, " · "))

	// Verdicts, one paragraph per treatment.
	vs := treatments(t)
	if len(vs) == 0 {
		fmt.Fprintf(w, "\n**No treatment to compare:** %s.\n", noDecision)
	}
	for _, v := range vs {
		label, _, mark := verdict(t, v)
		fmt.Fprintf(w, "\n**%s: %s %s** — %s\n", mdEscape(v), mark, label, mdEscape(summary(t, v)))
		if d := decisionFor(t, v); d != nil && len(d.Reasons) > 0 {
			fmt.Fprintln(w)
			for _, reason := range d.Reasons {
				fmt.Fprintf(w, "- %s\n", mdEscape(reason))
			}
		}
	}

	// Metrics.
	results := overall(t)
	sort.SliceStable(results, func(i, j int) bool { return roleRank(results[i].Role) < roleRank(results[j].Role) })
	if len(results) > 0 {
		multi, roles := len(vs) > 1, hasRoles(results)
		a, b := armLabels(t)
		head, rule := "| Metric |", "|---|"
		if roles {
			head += " Role |"
			rule += "---|"
		}
		if multi {
			head += " " + variantLabel(t) + " |"
			rule += "---|"
		}
		head += fmt.Sprintf(" %s | %s | Lift [%s] | p | Reading |", a, b, ciLabel(t))
		rule += "--:|--:|---|--:|---|"
		fmt.Fprintln(w)
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
			row := fmt.Sprintf("| %s |", name)
			if roles {
				row += " " + role + " |"
			}
			if multi {
				row += " " + mdCell(r.Variant) + " |"
			}
			ctl, trt := armValue(r.Kind, r.Control), armValue(r.Kind, r.Treatment)
			if r.Absolute == nil {
				ctl, trt = mdNA(r.Kind, r.Control), mdNA(r.Kind, r.Treatment)
			}
			row += fmt.Sprintf(" %s | %s | %s | %s | %s %s |", ctl, trt, effectCI(r), mdCell(pvalues(r)), rd.Mark, rd.Label)
			fmt.Fprintln(w, row)
		}
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
		fmt.Fprintf(w, "\n**Guardrails:** %s.\n", strings.Join(guards, "; "))
	}

	// Designs: decompositions and factorial attribution, a line each.
	for _, d := range t.Decompositions {
		if len(d.Segment) > 0 {
			continue
		}
		if d.Problem != "" {
			fmt.Fprintf(w, "\n**Decomposition of %s (%s):** %s.\n", mdCell(d.Metric), mdCell(d.Variant), mdEscape(d.Problem))
			continue
		}
		var fs []string
		for _, f := range d.Factors {
			fs = append(fs, fmt.Sprintf("%s %s (share %s%%)", f.Metric, lift(f.Lift), sig(float64(f.Share)*100, 3)))
		}
		fmt.Fprintf(w, "\n**Decomposition of %s (%s):** %s = %s.\n", mdCell(d.Metric), mdCell(d.Variant), lift(d.Lift), mdEscape(strings.Join(fs, " × ")))
	}
	var attributed []string
	for _, tm := range t.Attribution {
		if tm.Metric != "" && !contains(attributed, tm.Metric) {
			attributed = append(attributed, tm.Metric)
		}
	}
	for _, m := range attributed {
		var parts []string
		for _, tm := range t.Attribution {
			if tm.Metric != m {
				continue
			}
			if tm.Problem != "" {
				parts = append(parts, fmt.Sprintf("%s: %s", tm.Term, tm.Problem))
				continue
			}
			rd := termReading(t, tm)
			parts = append(parts, fmt.Sprintf("%s %s [%s, %s] %s %s", tm.Term, signed(sig(float64(tm.Estimate), 3)),
				signed(sig(float64(tm.CILower), 3)), signed(sig(float64(tm.CIUpper), 3)), rd.Mark, rd.Label))
		}
		fmt.Fprintf(w, "\n**Attribution of the all-new effect on %s (Shapley):** %s.\n", mdCell(m), mdEscape(strings.Join(parts, "; ")))
	}

	// Segments: a pointer, the details belong to the HTML report.
	if seg := segmented(t); len(seg) > 0 || len(t.Heterogeneity) > 0 {
		var flagged []string
		for _, h := range t.Heterogeneity {
			if h.Problem == "" && h.PValue < t.Alpha {
				flagged = append(flagged, fmt.Sprintf("%s (%s) by %s: %s", h.Metric, h.Variant, h.Segment, pIs("p", h.PValue)))
			}
		}
		line := fmt.Sprintf("\n**Segments:** %d per-segment %s (see the HTML report)", len(seg), plural(len(seg), "result", "results"))
		if len(flagged) > 0 {
			line += "; the effect differs between segments for " + strings.Join(flagged, ", ")
		} else if len(t.Heterogeneity) > 0 {
			line += "; no significant difference between segments"
		}
		fmt.Fprintf(w, "%s.\n", mdEscape(line))
	}

	writeMarkdownSplit(w, t)

	// Data quality.
	if isBenchmark(t) {
		fmt.Fprintf(w, "\n**Data:** %s queries, compared in pairs (%s).\n", count(int64(t.Bench.Queries)), mdEscape(t.Bench.Test))
	} else {
		_, srm := srmSummary(t.SRM)
		dq := fmt.Sprintf("**Data quality:** sample ratio %s; units: %s", srm, armCounts(t))
		if ex := exclusions(t); len(ex) > 0 {
			dq += "; excluded: " + strings.Join(ex, ", ")
		} else {
			dq += "; no units excluded"
		}
		fmt.Fprintf(w, "\n%s.\n", mdEscape(dq))
	}
	writeMarkdownTimeline(w, t)

	if ns := notes(t); len(ns) > 0 {
		fmt.Fprintln(w, "\n**Notes:**")
		for _, n := range ns {
			fmt.Fprintf(w, "- %s\n", mdEscape(n))
		}
	}
}

// variantLabel names what is compared with the control.
func variantLabel(t *Target) string {
	if isBenchmark(t) {
		return "Model"
	}
	return "Variant"
}

func kindLabel(kind string) string {
	if kind == "" {
		return "Target"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mdNA is an arm's cell in a row without an estimate: its mean when it
// has one, otherwise why not.
func mdNA(kind string, a Arm) string {
	switch {
	case a.Units == 0:
		return "no units"
	case a.Mean == nil:
		return Undefined + " (not defined)"
	}
	return value(kind, *a.Mean)
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

// writeMarkdownTimeline writes the effect per exposure age (or the
// cumulative effect per calendar period) and the long-run fit.
func writeMarkdownTimeline(w *bufio.Writer, t *Target) {
	if len(t.Timeline) == 0 && len(t.LongRun) == 0 {
		return
	}
	fmt.Fprintf(w, "\n#### Timeline\n\n| metric | variant | period | rel. effect [CI] | p |\n|---|---|---|---|---|\n")
	for _, r := range t.Timeline {
		if r.Period == nil || r.Timeline == "period" {
			continue
		}
		label := fmt.Sprintf("%d (to %s)", *r.Period, r.PeriodEnd)
		if strings.HasPrefix(r.Timeline, "exposure_") {
			label = fmt.Sprintf("%s %d", strings.TrimPrefix(r.Timeline, "exposure_"), *r.Period)
		}
		rel, p := "n/a", "n/a"
		if r.Relative != nil {
			rel = pct(r.Relative.Estimate) + " " + r.Relative.Interval(pct)
		}
		if r.PValue != nil {
			p = fmtP(*r.PValue)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdEscape(r.Metric), mdEscape(r.Variant), label, rel, p)
	}
	for _, l := range t.LongRun {
		fmt.Fprintf(w, "\n**%s (%s):** %s.\n", mdEscape(l.Metric), mdEscape(l.Variant), mdEscape(l.Sentence()))
	}
}

// writeMarkdownSplit writes each metric per value of the split column
// (`split C`), with the value's share of the lift where the metric adds up
// over values, and why there are no shares otherwise.
func writeMarkdownSplit(w *bufio.Writer, t *Target) {
	shares := map[string]string{}
	var problems []string
	for _, s := range t.SplitShares {
		for _, p := range s.Parts {
			if p.Share != nil {
				shares[s.Metric+"\x00"+s.Variant+"\x00"+s.Split+"\x00"+p.Value] = fmt.Sprintf("%.0f%%", float64(*p.Share)*100)
			}
		}
		if s.Problem != "" {
			problems = append(problems, fmt.Sprintf("%s (%s): %s", s.Metric, s.Variant, s.Problem))
		}
	}
	var rows []string
	for _, r := range t.Results {
		for _, col := range sortedKeys(r.Split) {
			val := r.Split[col]
			share := shares[r.Metric+"\x00"+r.Variant+"\x00"+col+"\x00"+val]
			if share == "" {
				share = "–"
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s = %s | %s / %s | %s | %s | %s |", mdCell(metricName(r)), mdCell(r.Variant),
				mdCell(col), mdCell(val), count(r.Control.Units), count(r.Treatment.Units), effectCI(r), pvalues(r), share))
		}
	}
	if len(rows) == 0 && len(problems) == 0 {
		return
	}
	fmt.Fprintf(w, "\n#### Split\n\n")
	if len(rows) > 0 {
		fmt.Fprintf(w, "| metric | variant | value | units (control / treatment) | lift [CI] | p | share of the lift |\n|---|---|---|--:|---|--:|--:|\n")
		for _, row := range rows {
			fmt.Fprintln(w, row)
		}
	}
	for _, p := range problems {
		fmt.Fprintf(w, "\n%s\n", mdEscape(p))
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
