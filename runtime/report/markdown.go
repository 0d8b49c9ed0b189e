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

// mdTarget is a target as its Markdown sections read it: the treatments
// and the overall results (by role) are worked out once.
type mdTarget struct {
	*Target
	vs      []string
	results []*Result
}

// A mdSection writes one part of a target (nothing when it has none).
type mdSection func(w *bufio.Writer, t *mdTarget)

// markdownSections are each target kind's sections, in order. A kind
// missing here is written as an experiment; a new kind adds one line.
var markdownSections = map[string][]mdSection{
	"experiment": {mdHeading, mdExperimentMeta, mdVerdicts, mdMetrics, mdGuardrails, mdDecompositions, mdAttribution,
		mdSegments, mdSplit, mdDataQuality, mdTimeline, mdNotes},
	"benchmark":        {mdHeading, mdBenchmarkMeta, mdVerdicts, mdMetrics, mdGuardrails, mdBenchmarkData, mdNotes},
	kindInterleaving:   {func(w *bufio.Writer, t *mdTarget) { writeInterleavingMarkdown(w, t.Target) }},
	kindRollout:        {func(w *bufio.Writer, t *mdTarget) { writeMarkdownRollout(w, t.Target) }},
	kindCounterfactual: {func(w *bufio.Writer, t *mdTarget) { writeCounterfactualMarkdown(w, t.Target) }},
}

func writeMarkdownTarget(w *bufio.Writer, t *Target) {
	secs, ok := markdownSections[kindOf(t)]
	if !ok {
		secs = markdownSections["experiment"]
	}
	m := &mdTarget{Target: t, vs: treatments(t), results: overall(t)}
	sort.SliceStable(m.results, func(i, j int) bool { return roleRank(m.results[i].Role) < roleRank(m.results[j].Role) })
	for _, s := range secs {
		s(w, m)
	}
}

// mdHeading writes the kind, title and name, and the hypothesis.
func mdHeading(w *bufio.Writer, t *mdTarget) {
	heading := fmt.Sprintf("`%s`", t.Name)
	if t.Title != "" {
		heading = mdEscape(t.Title) + " (" + heading + ")"
	}
	fmt.Fprintf(w, "### %s %s\n", kindLabel(t.Kind), heading)
	if t.Hypothesis != "" {
		fmt.Fprintf(w, "\n> %s\n", mdEscape(t.Hypothesis))
	}
}

// mdMeta writes the line of facts: the owner, the kind's own facts, the
// interval and alpha.
func mdMeta(w *bufio.Writer, t *mdTarget, facts ...string) {
	var meta []string
	if t.Owner != "" {
		meta = append(meta, "owner: "+mdEscape(t.Owner))
	}
	meta = append(meta, facts...)
	meta = append(meta, ciLabel(t.Target)+" (α = "+strconv.FormatFloat(Round(float64(t.Alpha)), 'g', -1, 64)+")")
	fmt.Fprintf(w, "\n%s\n", strings.Join(meta, " · "))
}

func mdExperimentMeta(w *bufio.Writer, t *mdTarget) {
	mdMeta(w, t, fmt.Sprintf("control: `%s`", t.Control))
}

func mdBenchmarkMeta(w *bufio.Writer, t *mdTarget) {
	mdMeta(w, t, fmt.Sprintf("baseline: `%s`", t.Bench.Baseline), fmt.Sprintf("%s queries, %s", count(int64(t.Bench.Queries)), t.Bench.Test))
}

// mdVerdicts writes one paragraph per treatment: the verdict, a summary
// and the reasons that decided it.
func mdVerdicts(w *bufio.Writer, t *mdTarget) {
	if len(t.vs) == 0 {
		fmt.Fprintf(w, "\n**No treatment to compare:** %s.\n", noDecision)
	}
	for _, v := range t.vs {
		label, _, mark := verdict(t.Target, v)
		fmt.Fprintf(w, "\n**%s: %s %s** — %s\n", mdEscape(v), mark, label, mdEscape(summary(t.Target, v)))
		if d := decisionFor(t.Target, v); d != nil && len(d.Reasons) > 0 {
			fmt.Fprintln(w)
			for _, reason := range d.Reasons {
				fmt.Fprintf(w, "- %s\n", mdEscape(reason))
			}
		}
	}
}

// mdMetrics writes the table of metrics: role, arms, lift with its
// interval, p-value and reading.
func mdMetrics(w *bufio.Writer, t *mdTarget) {
	if len(t.results) == 0 {
		return
	}
	multi, roles := len(t.vs) > 1, hasRoles(t.results)
	a, b := armLabels(t.Target)
	head, rule := "| Metric |", "|---|"
	if roles {
		head += " Role |"
		rule += "---|"
	}
	if multi {
		head += " " + variantLabel(t.Target) + " |"
		rule += "---|"
	}
	head += fmt.Sprintf(" %s | %s | Lift [%s] | p | Reading |", a, b, ciLabel(t.Target))
	rule += "--:|--:|---|--:|---|"
	fmt.Fprintln(w)
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	for _, r := range t.results {
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

// mdGuardrails writes the guardrails' status on one line.
func mdGuardrails(w *bufio.Writer, t *mdTarget) {
	var guards []string
	for _, r := range t.results {
		if r.Role != "guardrail" {
			continue
		}
		rd := read(r)
		g := fmt.Sprintf("%s %s %s", mdCell(r.Metric), rd.Mark, rd.Label)
		if multi := len(t.vs) > 1; multi {
			g = fmt.Sprintf("%s (%s) %s %s", mdCell(r.Metric), mdCell(r.Variant), rd.Mark, rd.Label)
		}
		guards = append(guards, g)
	}
	if len(guards) > 0 {
		fmt.Fprintf(w, "\n**Guardrails:** %s.\n", strings.Join(guards, "; "))
	}
}

// mdDecompositions writes each overall decomposition on a line.
func mdDecompositions(w *bufio.Writer, t *mdTarget) {
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
}

// mdAttribution writes a factorial design's Shapley attribution of the
// all-new effect, a line per metric.
func mdAttribution(w *bufio.Writer, t *mdTarget) {
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
			rd := termReading(t.Target, tm)
			parts = append(parts, fmt.Sprintf("%s %s [%s, %s] %s %s", tm.Term, signed(sig(float64(tm.Estimate), 3)),
				signed(sig(float64(tm.CILower), 3)), signed(sig(float64(tm.CIUpper), 3)), rd.Mark, rd.Label))
		}
		fmt.Fprintf(w, "\n**Attribution of the all-new effect on %s (Shapley):** %s.\n", mdCell(m), mdEscape(strings.Join(parts, "; ")))
	}
}

// mdSegments writes a pointer to the segments: the details belong to the
// HTML report.
func mdSegments(w *bufio.Writer, t *mdTarget) {
	seg := segmented(t.Target)
	if len(seg) == 0 && len(t.Heterogeneity) == 0 {
		return
	}
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

// mdDataQuality writes the sample ratio, units per arm and exclusions.
func mdDataQuality(w *bufio.Writer, t *mdTarget) {
	_, srm := srmSummary(t.SRM)
	dq := fmt.Sprintf("**Data quality:** sample ratio %s; units: %s", srm, armCounts(t.Target))
	if ex := exclusions(t.Target); len(ex) > 0 {
		dq += "; excluded: " + strings.Join(ex, ", ")
	} else {
		dq += "; no units excluded"
	}
	fmt.Fprintf(w, "\n%s.\n", mdEscape(dq))
}

// mdBenchmarkData says how many queries were compared, and how.
func mdBenchmarkData(w *bufio.Writer, t *mdTarget) {
	fmt.Fprintf(w, "\n**Data:** %s queries, compared in pairs (%s).\n", count(int64(t.Bench.Queries)), mdEscape(t.Bench.Test))
}

// mdNotes writes the target's notes as a list.
func mdNotes(w *bufio.Writer, t *mdTarget) {
	if ns := notes(t.Target); len(ns) > 0 {
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

// mdTimeline writes the effect per exposure age (or the cumulative
// effect per calendar period) and the long-run fit.
func mdTimeline(w *bufio.Writer, t *mdTarget) {
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

// mdSplit writes each metric per value of the split column (`split C`),
// with the value's share of the lift where the metric adds up over
// values, and why there are no shares otherwise.
func mdSplit(w *bufio.Writer, t *mdTarget) {
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
