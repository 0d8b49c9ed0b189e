package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Power is the result of `caliper power`: per metric, the units each arm
// needs to detect the relative MDE, and the MDE the current sample gives.
type Power struct {
	Experiment  string        `json:"experiment"`
	MDE         Num           `json:"mde"`
	Alpha       Num           `json:"alpha"`
	Power       Num           `json:"power"`
	Arms        int           `json:"arms"`
	UnitsPerDay *Num          `json:"units_per_day,omitempty"`
	Metrics     []*PowerEntry `json:"metrics"`
}

// PowerEntry is one metric's power analysis.
type PowerEntry struct {
	Metric string `json:"metric"`
	Kind   string `json:"kind"`
	// Method names the formula: power.t.test, power.prop.test (R's), or
	// normal (delta-method variance, for ratios).
	Method string `json:"method"`
	// Mean and StdDev are the control arm's observed value and per-unit
	// standard deviation (or the --baseline and --sd planned without data).
	Mean   Num `json:"mean"`
	StdDev Num `json:"std_dev"`
	// UnitsPerArm is the sample each arm needs (rounded up).
	UnitsPerArm *Num `json:"units_per_arm,omitempty"`
	// Days is how long reaching it takes at UnitsPerDay.
	Days *Num `json:"days,omitempty"`
	// CurrentUnitsPerArm and CurrentMDE: the relative MDE at the sample the
	// data has, by the exact inverse of the formula that gives UnitsPerArm
	// (absent when planning without data).
	CurrentUnitsPerArm *Num   `json:"current_units_per_arm,omitempty"`
	CurrentMDE         *Num   `json:"current_mde,omitempty"`
	Note               string `json:"note,omitempty"`
}

// WritePowerJSON writes a power analysis as indented JSON.
func WritePowerJSON(w io.Writer, p *Power) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// WritePowerTable writes a power analysis as a text table.
func WritePowerTable(w io.Writer, p *Power) error {
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
	for _, e := range p.Metrics {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\t\n", e.Metric, e.Kind, e.Method, num(e.Mean), num(e.StdDev),
			opt(e.UnitsPerArm, whole), opt(e.Days, whole), opt(e.CurrentMDE, pct), opt(e.CurrentUnitsPerArm, whole))
	}
	tw.Flush()
	for _, e := range p.Metrics {
		if e.Note != "" {
			fmt.Fprintf(w, "note: %s: %s\n", e.Metric, e.Note)
		}
	}
	return nil
}
