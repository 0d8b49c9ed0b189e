package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as aligned text for a terminal.
func WriteTable(w io.Writer, r *Report) error {
	for i, t := range r.Targets {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeTarget(w, t)
	}
	return nil
}

func writeTarget(w io.Writer, t *Target) {
	if t.Bench != nil {
		writeBenchmark(w, t)
		return
	}
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "%s %s\n", t.Kind, title)
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
		parts = append(parts, fmt.Sprintf("%s %d", label, t.Units[v]))
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
	if t.SRM != nil {
		status := "passed"
		if !t.SRM.Passed {
			status = "FAILED"
		}
		fmt.Fprintf(w, "sample ratio: p = %s (%s)\n", fmtP(t.SRM.PValue), status)
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	var overall, segmented []*Result
	for _, r := range t.Results {
		if r.Segment == nil {
			overall = append(overall, r)
		} else {
			segmented = append(segmented, r)
		}
	}
	writeResults(w, overall, false)
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
	writeDecisions(w, t)
}

// writeResults prints one table of results.
func writeResults(w io.Writer, results []*Result, segments bool) {
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
			rel = fmt.Sprintf("%s [%s, %s]", pct(r.Relative.Estimate), pct(r.Relative.CILower), pct(r.Relative.CIUpper))
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
			num(r.Control.Mean), num(r.Treatment.Mean), abs, rel, p)
		if segments {
			row = segmentText(r.Segment) + "\t" + row
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note: %s (%s%s): %s\n", r.Metric, r.Variant, segmentSuffix(r.Segment), n)
		}
		if c := r.Cuped; c != nil && c.Adjusted {
			fmt.Fprintf(w, "note: %s (%s%s): CUPED reduced the variance by %.1f%%\n", r.Metric, r.Variant, segmentSuffix(r.Segment), float64(c.VarianceReduction)*100)
		}
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

func pct(v Num) string { return fmt.Sprintf("%+.2f%%", v*100) }

func fmtP(p Num) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

// writeBenchmark prints a benchmark target: scores per model and the
// paired comparisons with the baseline.
func writeBenchmark(w io.Writer, t *Target) {
	b := t.Bench
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "benchmark %s\nbaseline: %s; %d queries; test: %s\n", title, b.Baseline, b.Queries, b.Test)
	for _, n := range t.Notes {
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
			rel = fmt.Sprintf("%s [%s, %s]", pct(r.Relative.Estimate), pct(r.Relative.CILower), pct(r.Relative.CIUpper))
		}
		if r.PValue != nil {
			p = fmtP(*r.PValue)
			if r.Significant {
				p += " *"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", r.Model, r.Metric, num(r.Value), num(r.BaselineValue), delta, rel, p, r.Queries)
	}
	tw.Flush()
	for _, r := range b.Results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note: %s (%s): %s\n", r.Metric, r.Model, n)
		}
	}
	writeDecisions(w, t)
}

func writeDecisions(w io.Writer, t *Target) {
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\ndecision for %s: %s\n", d.Variant, strings.ToUpper(d.Outcome))
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
}
