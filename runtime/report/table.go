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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\trole\tvariant\tcontrol\ttreatment\tabs. effect [95% CI]\trel. effect [CI]\tp\t")
	for _, r := range t.Results {
		abs, rel, p := "n/a", "n/a", "n/a"
		if r.Absolute != nil {
			abs = fmt.Sprintf("%s [%s, %s]", num(r.Absolute.Estimate), num(r.Absolute.CILower), num(r.Absolute.CIUpper))
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Metric, r.Role, r.Variant,
			num(r.Control.Mean), num(r.Treatment.Mean), abs, rel, p)
	}
	tw.Flush()
	for _, r := range t.Results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note: %s (%s): %s\n", r.Metric, r.Variant, n)
		}
	}
}

func num(v Num) string { return fmt.Sprintf("%.4g", v) }

func pct(v Num) string { return fmt.Sprintf("%+.2f%%", v*100) }

func fmtP(p Num) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
