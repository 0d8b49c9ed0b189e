package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as aligned text for a terminal.
// Writes go through a bufio.Writer, whose first error is sticky and is
// returned by its Flush.
func WriteTable(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for i, t := range r.Targets {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		writeTarget(bw, t)
	}
	return bw.Flush()
}

// tableWriters write each target kind as text. A kind missing here is
// written as an experiment; a new kind adds one line.
var tableWriters = map[string]func(*bufio.Writer, *Target){
	"benchmark":        writeBenchmark,
	kindInterleaving:   writeInterleavingTable,
	kindRollout:        writeRollout,
	kindCounterfactual: writeCounterfactual,
}

func writeTarget(w *bufio.Writer, t *Target) {
	if write, ok := tableWriters[kindOf(t)]; ok {
		write(w, t)
		return
	}
	writeExperiment(w, t)
}

// writeExperiment prints an experiment: its header (units, exclusions,
// sample ratio, notes), then its sections.
func writeExperiment(w *bufio.Writer, t *Target) {
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "%s %s\n", t.Kind, title)
	writeUnits(w, t)
	if t.SRM != nil {
		status := "passed"
		if !t.SRM.Passed {
			status = "FAILED"
		}
		over := ""
		if t.Clustered != "" {
			over = ", counting " + t.Clustered + " clusters"
		}
		fmt.Fprintf(w, "sample ratio: p = %s (%s%s)\n", fmtP(t.SRM.PValue), status, over)
	}
	for _, n := range unique(t.Notes) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	var overall, segmented, split []*Result
	for _, r := range t.Results {
		switch {
		case r.Segment != nil:
			segmented = append(segmented, r)
		case r.Split != nil:
			split = append(split, r)
		default:
			overall = append(overall, r)
		}
	}
	writeResults(w, overall, false)
	writeFactorial(w, t)
	writeDecompositions(w, t)
	writeSplit(w, t, split)
	writeTimeline(w, t)
	writeSegments(w, t, segmented)
	writeDecisions(w, t)
}

// writeUnits prints the units per arm (with clusters) and the exclusions.
func writeUnits(w *bufio.Writer, t *Target) {
	var arms []string
	for v := range t.Units {
		arms = append(arms, v)
	}
	sort.Strings(arms)
	var parts []string
	for _, v := range arms {
		label := v
		if v == t.Control {
			label += " (control)"
		}
		part := fmt.Sprintf("%s %d", label, t.Units[v])
		if n, ok := t.Clusters[v]; ok {
			part += fmt.Sprintf(" in %d %s clusters", n, t.Clustered)
		}
		parts = append(parts, part)
	}
	fmt.Fprintf(w, "units: %s", strings.Join(parts, ", "))
	var ex []string
	for k, n := range t.Excluded {
		if n > 0 {
			ex = append(ex, fmt.Sprintf("%d %s", n, strings.ReplaceAll(k, "_", " ")))
		}
	}
	sort.Strings(ex)
	if len(ex) > 0 {
		fmt.Fprintf(w, "; excluded: %s", strings.Join(ex, ", "))
	}
	fmt.Fprintln(w)
}

// writeDecompositions prints each decomposition's factors and shares.
func writeDecompositions(w *bufio.Writer, t *Target) {
	for _, d := range t.Decompositions {
		var parts []string
		for _, f := range d.Factors {
			parts = append(parts, fmt.Sprintf("%s %s (share %.0f%%)", f.Metric, pct(f.Lift), float64(f.Share)*100))
		}
		fmt.Fprintf(w, "\ndecomposition of %s (%s): %s = %s\n", d.Metric, d.Variant, pct(d.Lift), strings.Join(parts, " × "))
		if d.Problem != "" {
			fmt.Fprintf(w, "note: %s\n", d.Problem)
		}
	}
}

// writeSplit prints the results per split value and each value's share of
// the lift.
func writeSplit(w *bufio.Writer, t *Target, split []*Result) {
	if len(split) == 0 {
		return
	}
	fmt.Fprintln(w, "\nby split value:")
	writeResults(w, split, true)
	for _, s := range t.SplitShares {
		if !s.Additive {
			continue
		}
		var parts []string
		for _, p := range s.Parts {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", p.Value, float64(*p.Share)*100))
		}
		fmt.Fprintf(w, "share of %s's lift (%s) by %s: %s\n", s.Metric, s.Variant, s.Split, strings.Join(parts, ", "))
	}
}

// writeSegments prints the results per segment and the heterogeneity
// tests.
func writeSegments(w *bufio.Writer, t *Target, segmented []*Result) {
	if len(segmented) > 0 {
		fmt.Fprintln(w, "\nby segment:")
		writeResults(w, segmented, true)
		for _, h := range t.Heterogeneity {
			if h.Problem != "" {
				continue
			}
			fmt.Fprintf(w, "heterogeneity: %s (%s) across %s: Q = %.3g, df = %g, p = %s\n", h.Metric, h.Variant, h.Segment, float64(h.Q), float64(h.DF), fmtP(h.PValue))
		}
	}
}

// writeResults prints one table of results.
func writeResults(w *bufio.Writer, results []*Result, segments bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "metric\trole\tvariant\tcontrol\ttreatment\tabs. effect [CI]\trel. effect [CI]\tp\t"
	if segments {
		head = "segment\t" + head
	}
	fmt.Fprintln(tw, head)
	for _, r := range results {
		abs, rel, p := "n/a", "n/a", "n/a"
		if r.Absolute != nil {
			abs = fmt.Sprintf("%s [%s, %s]", num(r.Absolute.Estimate), num(r.Absolute.CILower), num(r.Absolute.CIUpper))
		}
		if r.Relative != nil {
			rel = pct(r.Relative.Estimate) + " " + r.Relative.Interval(pct)
		}
		if r.PValue != nil {
			p = fmtP(*r.PValue)
			if r.PValueAdjusted != nil {
				p += " (adj. " + fmtP(*r.PValueAdjusted) + ")"
			}
			if r.Significant {
				p += " *"
			}
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", r.Metric, r.Role, r.Variant,
			optMean(r.Control), optMean(r.Treatment), abs, rel, p)
		if segments {
			seg := r.Segment
			if seg == nil {
				seg = r.Split
			}
			row = segmentText(seg) + "\t" + row
		}
		fmt.Fprintln(tw, row)
	}
	_ = tw.Flush() // its errors are w's, sticky and returned by WriteTable
	var ns noteList
	for _, r := range results {
		label := fmt.Sprintf("%s (%s%s)", r.Metric, r.Variant, segmentSuffix(r.Segment))
		for _, n := range r.Notes {
			ns.add(label, n)
		}
		if c := r.Cuped; c != nil && c.Adjusted {
			ns.add(label, fmt.Sprintf("CUPED reduced the variance by %.1f%%", float64(c.VarianceReduction)*100))
		}
	}
	for _, n := range ns.lines() {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func segmentText(seg map[string]string) string {
	var parts []string
	for k, v := range seg {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func segmentSuffix(seg map[string]string) string {
	if seg == nil {
		return ""
	}
	return ", " + segmentText(seg)
}

func num(v Num) string { return fmt.Sprintf("%.4g", v) }

// optMean is an arm's mean for the table, or Undefined when it has none.
func optMean(a Arm) string {
	if a.Mean == nil {
		return Undefined
	}
	return num(*a.Mean)
}

func pct(v Num) string { return fmt.Sprintf("%+.2f%%", v*100) }

func fmtP(p Num) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

// writeBenchmark prints a benchmark target: scores per model and the
// paired comparisons with the baseline.
func writeBenchmark(w *bufio.Writer, t *Target) {
	b := t.Bench
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "benchmark %s\nbaseline: %s; %d queries; test: %s\n", title, b.Baseline, b.Queries, b.Test)
	for _, n := range unique(t.Notes) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tmetric\tvalue\tbaseline\tdelta [CI]\trel. [CI]\tp\tqueries\t")
	for _, r := range b.Results {
		delta, rel, p := "n/a", "n/a", "n/a"
		if r.Delta != nil {
			delta = fmt.Sprintf("%s [%s, %s]", num(*r.Delta), num(*r.CILower), num(*r.CIUpper))
		}
		if r.Relative != nil {
			rel = pct(r.Relative.Estimate) + " " + r.Relative.Interval(pct)
		}
		if r.PValue != nil {
			p = fmtP(*r.PValue)
			if r.Significant {
				p += " *"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", r.Model, r.Metric, num(r.Value), num(r.BaselineValue), delta, rel, p, r.Queries)
	}
	_ = tw.Flush() // its errors are w's, sticky and returned by WriteTable
	var ns noteList
	for _, r := range b.Results {
		for _, n := range r.Notes {
			ns.add(fmt.Sprintf("%s (%s)", r.Metric, r.Model), n)
		}
	}
	for _, n := range ns.lines() {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	writeDecisions(w, t)
}

func writeDecisions(w *bufio.Writer, t *Target) {
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\ndecision for %s: %s\n", d.Variant, strings.ToUpper(d.Outcome))
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
}

// writeFactorial prints a factorial design's effects and attribution.
func writeFactorial(w *bufio.Writer, t *Target) {
	if len(t.Effects) == 0 {
		return
	}
	fmt.Fprintln(w, "\nfactorial effects (0/1 coding, HC2):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tterm\testimate [CI]\tp\t")
	for _, e := range t.Effects {
		if e.Problem != "" {
			fmt.Fprintf(tw, "%s\t%s\tn/a (%s)\t\t\n", e.Metric, e.Term, e.Problem)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s [%s, %s]\t%s\t\n", e.Metric, e.Term, num(e.Estimate), num(e.CILower), num(e.CIUpper), fmtP(e.PValue))
	}
	_ = tw.Flush() // its errors are w's, sticky and returned by WriteTable
	if len(t.Attribution) > 0 {
		fmt.Fprintln(w, "\nShapley attribution of the all-new effect:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, a := range t.Attribution {
			fmt.Fprintf(tw, "%s\t%s\t%s [%s, %s]\t\n", a.Metric, a.Term, num(a.Estimate), num(a.CILower), num(a.CIUpper))
		}
		_ = tw.Flush() // its errors are w's, sticky and returned by WriteTable
	}
}

// writeTimeline prints the cumulative effect per period (calendar
// timelines) or the effect per exposure age, and the long-run fit.
func writeTimeline(w *bufio.Writer, t *Target) {
	if len(t.Timeline) == 0 && len(t.LongRun) == 0 {
		return
	}
	kind, head := "cumulative", "timeline (cumulative):"
	if len(t.Timeline) > 0 && strings.HasPrefix(t.Timeline[0].Timeline, "exposure_") {
		kind = t.Timeline[0].Timeline
		head = "timeline (by " + strings.ReplaceAll(kind, "_", " ") + " since first exposure):"
	}
	fmt.Fprintln(w, "\n"+head)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if kind == "cumulative" {
		fmt.Fprintln(tw, "metric\tvariant\tperiod\tto\trel. effect [CI]\tp\t")
	} else {
		fmt.Fprintln(tw, "metric\tvariant\tage\tunits\trel. effect [CI]\tp\t")
	}
	for _, r := range t.Timeline {
		if r.Timeline != kind {
			continue
		}
		rel, p := "n/a", "n/a"
		if r.Relative != nil {
			rel = pct(r.Relative.Estimate) + " " + r.Relative.Interval(pct)
		}
		if r.PValue != nil {
			p = fmtP(*r.PValue)
		}
		col := r.PeriodEnd
		if kind != "cumulative" {
			col = fmt.Sprintf("%d/%d", r.Control.Units, r.Treatment.Units)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t\n", r.Metric, r.Variant, *r.Period, col, rel, p)
	}
	_ = tw.Flush() // its errors are w's, sticky and returned by WriteTable
	for _, l := range t.LongRun {
		fmt.Fprintf(w, "%s (%s): %s\n", l.Metric, l.Variant, l.Sentence())
	}
}
