package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// WritePowerJSON writes a power analysis as indented JSON.
func WritePowerJSON(w io.Writer, p *Power) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// WritePowerTable writes a power analysis as a text table.
func WritePowerTable(out io.Writer, p *Power) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "power for experiment %s: relative MDE %s, alpha %g, power %g, %d arms\n\n",
		p.Experiment, pct(p.MDE), float64(p.Alpha), float64(p.Power), p.Arms)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tkind\tmethod\tcontrol mean\tsd\tunits per arm\tdays\tMDE now (units/arm)\t")
	opt := func(n *Num, f func(Num) string) string {
		if n == nil {
			return "n/a"
		}
		return f(*n)
	}
	whole := func(n Num) string { return fmt.Sprintf("%.0f", float64(n)) }
	// A mean or SD that is not defined is Undefined, never 0.
	defined := func(n *Num) string {
		if n == nil {
			return Undefined
		}
		return num(*n)
	}
	for _, e := range p.Metrics {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\t\n", e.Metric, e.Kind, e.Method, defined(e.Mean), defined(e.StdDev),
			opt(e.UnitsPerArm, whole), opt(e.Days, whole), opt(e.CurrentMDE, pct), opt(e.CurrentUnitsPerArm, whole))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range p.Metrics {
		if e.Note != "" {
			fmt.Fprintf(w, "note: %s: %s\n", e.Metric, e.Note)
		}
	}
	return w.Flush()
}
