package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/caliper-dev/caliper/runtime/portfolio"
)

// This file writes `caliper portfolio` as a terminal table and holds the
// wording the markdown and HTML pages share (portfolio_markdown.go,
// portfolio_html.go). A figure that was not estimated is written as
// Undefined with its reason, never as 0.

// PortfolioTable writes the review for a terminal.
func PortfolioTable(out io.Writer, p *portfolio.Portfolio) error {
	w := bufio.NewWriter(out)
	if err := writePortfolioTable(w, p); err != nil {
		return err
	}
	return w.Flush()
}

func writePortfolioTable(w *bufio.Writer, p *portfolio.Portfolio) error {
	fmt.Fprintf(w, "portfolio of results store %s\n", p.Store)
	fmt.Fprintf(w, "%s\n", pfScope(p))
	fmt.Fprintf(w, "decisions: %s\n", pfDecisions(p.Decisions))
	fmt.Fprintf(w, "velocity: %s\n", pfVelocity(p.Velocity))
	if h := pfHoldoutTarget(p); h != "" {
		fmt.Fprintf(w, "holdout: %s\n", h)
	}
	for _, m := range p.Metrics {
		fmt.Fprintf(w, "\nmetric %s (%s; %d experiment(s))\n", m.Name, pfDirection(m), m.Experiments)
		meta := m.Meta.Relative
		scale := "relative lift"
		if meta.NotEstimable != "" && m.Meta.Absolute.NotEstimable == "" {
			meta, scale = m.Meta.Absolute, "absolute effect"
		}
		if meta.NotEstimable != "" {
			fmt.Fprintf(w, "  meta-analysis: %s (%s)\n", Undefined, meta.NotEstimable)
		} else {
			fmt.Fprintf(w, "  meta-analysis of the %s over %d experiments (%s):\n", scale, meta.K, pfLevel(p))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "    model\testimate [CI]\tp\ttau²\tI²\tprediction interval\t")
			f := pfFormatter(scale == "relative lift", m)
			for _, fit := range []*portfolio.Pooled{meta.FixedEffect, meta.DerSimonianLaird, meta.REML} {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\t%s\t\n", pfModel(fit.Method), pfEstimateCI(fit.Estimate, fit.CILower, fit.CIUpper, f),
					pfP(fit.PValue), pfTau2(fit, scale == "relative lift"), pfShare(fit.I2), pfInterval(fit.PredictionLower, fit.PredictionUpper, f))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(w, "    heterogeneity: %s\n", pfQ(meta))
		}
		for _, line := range pfImpactLines(m) {
			fmt.Fprintf(w, "  %s\n", line)
		}
		if rows := pfOverTimeRows(m, true); len(rows) > 1 {
			fmt.Fprintf(w, "  cumulative impact over time (relative lift, %s):\n", pfLevel(p))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			for _, r := range rows {
				fmt.Fprintf(tw, "    %s\t\n", strings.Join(r, "\t"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		for _, line := range pfHealthLines(m) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range p.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	return nil
}

func pfScope(p *portfolio.Portfolio) string {
	targets := map[string]bool{}
	n := 0
	for _, x := range p.Experiments {
		targets[x.Target] = true
		if !x.Holdout {
			n++
		}
	}
	s := fmt.Sprintf("%d experiment(s): the latest run of each of %d target(s), from %d run(s) read", n, len(targets), p.RunsRead)
	switch {
	case p.Since != "" && p.Until != "":
		s += fmt.Sprintf(" made from %s until %s", p.Since, p.Until)
	case p.Since != "":
		s += " made since " + p.Since
	case p.Until != "":
		s += " made before " + p.Until
	}
	return s
}

func pfLevel(p *portfolio.Portfolio) string {
	return fmt.Sprintf("%s%% intervals", plain(100*(1-float64(p.Alpha))))
}

func pfDecisions(d portfolio.Decisions) string {
	order := []string{"ship", "no_ship", "inconclusive", "invalid", "none"}
	var parts []string
	seen := map[string]bool{}
	for _, o := range order {
		if n, ok := d.Counts[o]; ok {
			parts = append(parts, fmt.Sprintf("%s %d (%s%%)", o, n, plain(100*float64(d.Shares[o]))))
			seen[o] = true
		}
	}
	var rest []string
	for o := range d.Counts {
		if !seen[o] {
			rest = append(rest, o)
		}
	}
	sort.Strings(rest)
	for _, o := range rest {
		parts = append(parts, fmt.Sprintf("%s %d (%s%%)", o, d.Counts[o], plain(100*float64(d.Shares[o]))))
	}
	if len(parts) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s of %d experiment(s)", strings.Join(parts, ", "), d.Experiments)
}

func pfHoldoutTarget(p *portfolio.Portfolio) string {
	var hs []string
	for _, x := range p.Experiments {
		if x.Holdout {
			hs = append(hs, fmt.Sprintf("%s (%s vs %s)", x.Target, x.Variant, x.Control))
		}
	}
	return strings.Join(hs, "; ")
}

func pfDirection(m *portfolio.Metric) string {
	if m.Direction == "decrease" {
		return "lower is better"
	}
	if m.Direction == "increase" {
		return "higher is better"
	}
	return "no direction"
}

func pfModel(method string) string {
	switch method {
	case "FE":
		return "fixed effect"
	case "DL":
		return "random effects (DerSimonian–Laird)"
	case "REML":
		return "random effects (REML)"
	}
	return method
}

// pfFormatter formats an effect on the scale shown: signed percents for
// relative lifts, four significant digits for absolute effects.
func pfFormatter(relative bool, m *portfolio.Metric) func(Num) string {
	if relative {
		return lift
	}
	return func(v Num) string { return signed(sig(float64(v), 4)) }
}

func pfEstimateCI(est, lo, hi *Num, f func(Num) string) string {
	if est == nil {
		return Undefined
	}
	s := f(*est)
	if iv := pfInterval(lo, hi, f); iv != Undefined {
		s += " " + iv
	}
	return s
}

func pfInterval(lo, hi *Num, f func(Num) string) string {
	if lo == nil || hi == nil {
		return Undefined
	}
	return fmt.Sprintf("[%s, %s]", f(*lo), f(*hi))
}

func pfP(p *Num) string {
	if p == nil {
		return Undefined
	}
	return pvalue(*p)
}

func pfNum(v *Num) string {
	if v == nil {
		return Undefined
	}
	return sig(float64(*v), 4)
}

// pfQ writes Cochran's Q with its degrees of freedom and p-value.
func pfQ(meta *portfolio.Meta) string {
	if meta.Q == nil || meta.QDF == nil || meta.QPValue == nil {
		return Undefined
	}
	return fmt.Sprintf("Q = %s on %d df, %s", sig(float64(*meta.Q), 4), int(*meta.QDF), pIs("p", *meta.QPValue))
}

func pfShare(v *Num) string {
	if v == nil {
		return Undefined
	}
	return plain(100*float64(*v)) + "%"
}

// pfTau2 writes τ² (as the standard deviation τ on the relative scale, in
// percentage points of lift, which reads more easily).
func pfTau2(fit *portfolio.Pooled, relative bool) string {
	if fit.Tau2 == nil {
		return Undefined
	}
	return sig(float64(*fit.Tau2), 3)
}

// pfImpactLines are the shipped impact and the holdout comparison in
// words.
func pfImpactLines(m *portfolio.Metric) []string {
	imp := m.Impact
	if imp.NotEstimable != "" {
		return []string{"shipped impact: " + Undefined + " (" + imp.NotEstimable + ")"}
	}
	head := fmt.Sprintf("shipped impact: %d launch(es) (%s)", imp.Shipped, strings.Join(imp.Launches, ", "))
	if imp.Candidates > 0 {
		head += fmt.Sprintf(", selected from %d candidate(s) with this primary metric", imp.Candidates)
	}
	if len(imp.Blocked) > 0 {
		head += fmt.Sprintf(" (left out, stopped by another criterion: %s)", strings.Join(imp.Blocked, ", "))
	}
	lines := []string{head}
	uncorrected := ""
	for _, sc := range []struct {
		name string
		c    *portfolio.Cumulative
		f    func(Num) string
	}{{"relative", imp.Relative, lift}, {"absolute", imp.Absolute, pfFormatter(false, m)}} {
		c := sc.c
		if c == nil {
			continue
		}
		if c.NotEstimable != "" {
			lines = append(lines, fmt.Sprintf("  %s: %s (%s)", sc.name, Undefined, c.NotEstimable))
			continue
		}
		s := fmt.Sprintf("  %s: naive sum %s", sc.name, pfEstimateCI(c.Naive, c.NaiveCILower, c.NaiveCIUpper, sc.f))
		if c.Corrected != nil {
			s += fmt.Sprintf("; corrected %s (bootstrap), selection bias %s", pfEstimateCI(c.Corrected, c.CILower, c.CIUpper, sc.f), sc.f(*c.Bias))
		} else {
			s += "; corrected " + Undefined
			uncorrected = c.CorrectedReason
		}
		lines = append(lines, s)
	}
	if uncorrected != "" {
		lines = append(lines, "  not corrected: "+uncorrected)
	}
	if h := m.Holdout; h != nil {
		if h.NotEstimable != "" && h.Relative == nil {
			lines = append(lines, fmt.Sprintf("holdout %s: %s (%s)", h.Target, Undefined, h.NotEstimable))
		} else {
			for _, sc := range []struct {
				name string
				g    *portfolio.Gap
				f    func(Num) string
			}{{"relative", h.Relative, lift}, {"absolute", h.Absolute, pfFormatter(false, m)}} {
				g := sc.g
				if g == nil {
					continue
				}
				s := fmt.Sprintf("holdout %s (%s): ", h.Target, sc.name)
				if g.Holdout != nil {
					s += "measured " + pfEstimateCI(&g.Holdout.Estimate, g.Holdout.CILower, g.Holdout.CIUpper, sc.f)
				}
				switch {
				case g.Leak != nil:
					s += "; leak (corrected − holdout) " + pfEstimateCI(g.Leak, g.LeakCILower, g.LeakCIUpper, sc.f)
				case g.LeakReason != "":
					s += "; leak " + Undefined + " (" + g.LeakReason + ")"
				case g.NotEstimable != "":
					s += "; leak " + Undefined + " (" + g.NotEstimable + ")"
				}
				if g.NaiveGap != nil {
					s += "; naive gap " + pfEstimateCI(g.NaiveGap, g.NaiveCILower, g.NaiveCIUpper, sc.f)
				}
				lines = append(lines, s)
			}
		}
	}
	return lines
}

func pfHealthLines(m *portfolio.Metric) []string {
	h := m.Health
	s := fmt.Sprintf("health: moved significantly in %d of %d experiment(s) (%d the right way, %d the wrong way)", h.Moved, h.Experiments, h.MovedGood, h.MovedBad)
	if h.RelativeMDE != nil {
		s += fmt.Sprintf("; median relative SE %s; MDE %s at the median size of %s units (%s%% power)",
			plain(100*float64(*h.MedianRelStdError))+"%", "±"+plain(100*float64(*h.RelativeMDE))+"%", count(int64(*h.MedianUnits)), plain(100*float64(h.Power)))
	} else {
		s += "; sensitivity " + Undefined + " (" + h.SensitivityReason + ")"
	}
	lines := []string{s}
	for _, f := range h.Flags {
		lines = append(lines, "flag: "+pfFlag(f, h))
	}
	return lines
}

func pfFlag(f string, h *portfolio.Health) string {
	switch f {
	case "never_moves":
		return fmt.Sprintf("never moves (no significant change in %d experiments)", h.Experiments)
	case "moves_against_primary":
		return "moves against the primary in " + strings.Join(h.AgainstPrimary, ", ")
	}
	return f
}

// pfVelocity writes experiments per month (by first stored run) and the
// median time to decision.
func pfVelocity(v portfolio.Velocity) string {
	var months []string
	for m := range v.PerMonth {
		months = append(months, m)
	}
	sort.Strings(months)
	var parts []string
	for _, m := range months {
		parts = append(parts, fmt.Sprintf("%s %d", m, v.PerMonth[m]))
	}
	s := "experiments per month (first stored run) " + strings.Join(parts, ", ")
	if len(parts) == 0 {
		s = "experiments per month " + Undefined
	}
	if v.MedianDaysToDecision != nil {
		s += fmt.Sprintf("; median %s days from first exposure to decision (over %d experiment(s) with a calendar timeline)", plain(float64(*v.MedianDaysToDecision)), v.Measured)
	} else {
		s += "; days to decision " + Undefined + " (" + v.DaysReason + ")"
	}
	return s
}
