package report

import (
	"bufio"
	"fmt"
	"strings"
	"text/tabwriter"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// Rollout targets (Kind "rollout"): the panel, and per metric the overall
// difference-in-differences effect, the event study, the pre-trend test and
// the two-way fixed-effects cross-check.

// kindRollout is a rollout target's Kind.
const kindRollout = res.KindRollout

// roNum prints an estimate with 4 significant digits.
func roNum(v res.Num) string { return fmt.Sprintf("%.4g", float64(v)) }

func roEffect(e *res.Effect) string {
	if e == nil {
		return "–"
	}
	return fmt.Sprintf("%s [%s, %s]", roNum(e.Estimate), roNum(e.CILower), roNum(e.CIUpper))
}

func roRelative(e *res.Effect) string {
	if e == nil {
		return "–"
	}
	if e.Unbounded {
		return fmt.Sprintf("%+.2f%% [unbounded]", 100*float64(e.Estimate))
	}
	return fmt.Sprintf("%+.2f%% [%+.2f%%, %+.2f%%]", 100*float64(e.Estimate), 100*float64(e.CILower), 100*float64(e.CIUpper))
}

func roP(p *res.Num) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.3g", float64(*p))
}

// rolloutPanelLine says what the panel holds.
func rolloutPanelLine(x *res.Rollout) string {
	var cs []string
	for _, c := range x.Cohorts {
		cs = append(cs, fmt.Sprintf("%d from %s", c.Groups, c.Period))
	}
	adopt := fmt.Sprintf("%d adopt", x.Treated)
	if len(cs) > 0 {
		adopt += ": " + strings.Join(cs, ", ")
	}
	groups, periods := "groups", x.Period+"s"
	if x.Groups == 1 {
		groups = "group"
	}
	if x.Periods == 1 {
		periods = x.Period
	}
	s := fmt.Sprintf("%d %s by %s (%s; %d never), %d %s from %s; comparison %s, event times -%d..%d",
		x.Groups, groups, safeName(x.Group), adopt, x.Never, x.Periods, periods, x.FirstDay, x.Comparison, x.Pre, x.Post-1)
	if len(x.Dropped) > 0 {
		s += fmt.Sprintf("; %d group(s) left out", len(x.Dropped))
	}
	return s
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func writeRollout(w *bufio.Writer, t *Target) {
	x := t.Rollout
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "rollout %s\n%s\n", title, rolloutPanelLine(x))
	for _, m := range x.Metrics {
		fmt.Fprintf(w, "\n%s (%s, %s)\n", m.Metric, m.Role, m.Kind)
		o := m.Overall
		if o.NotEstimable != "" {
			fmt.Fprintf(w, "  overall effect: not estimable: %s\n", o.NotEstimable)
		} else {
			fmt.Fprintf(w, "  overall effect: %s, relative %s, p %s (baseline %s)\n", roEffect(o.Absolute), roRelative(o.Relative), roP(o.PValue), roNum(*o.Baseline))
			if o.Bootstrap != nil {
				fmt.Fprintf(w, "  wild bootstrap: %s, p %s\n", roEffect(o.Bootstrap), roP(o.BootstrapP))
			}
		}
		if m.PreTrend.NotEstimable != "" {
			fmt.Fprintf(w, "  pre-trend test: not estimable: %s\n", m.PreTrend.NotEstimable)
		} else {
			verdict := "passed"
			if !m.PreTrend.Passed {
				verdict = "FAILED"
			}
			fmt.Fprintf(w, "  pre-trend test: F(%s, %s) = %s, p %s: %s\n", roNum(*m.PreTrend.DF1), roNum(*m.PreTrend.DF2), roNum(*m.PreTrend.F), roP(m.PreTrend.PValue), verdict)
		}
		if m.TWFE.NotEstimable != "" {
			fmt.Fprintf(w, "  two-way fixed effects: not estimable: %s\n", m.TWFE.NotEstimable)
		} else {
			fmt.Fprintf(w, "  two-way fixed effects (cross-check): %s, p %s, %d negative weights\n", roEffect(m.TWFE.Absolute), roP(m.TWFE.PValue), m.TWFE.NegativeWeights)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  event\tcells\teffect [CI]\trelative [CI]\tp\t")
		for _, e := range m.EventStudy {
			if e.NotEstimable != "" {
				fmt.Fprintf(tw, "  %d\t%d\tnot estimable: %s\t\t\t\n", *e.Event, e.Cells, e.NotEstimable)
				continue
			}
			fmt.Fprintf(tw, "  %d\t%d\t%s\t%s\t%s\t\n", *e.Event, e.Cells, roEffect(e.Absolute), roRelative(e.Relative), roP(e.PValue))
		}
		_ = tw.Flush()
		for _, s := range m.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", s)
		}
	}
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\nlaunch: %s\n", d.Outcome)
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
}

func writeMarkdownRollout(w *bufio.Writer, t *Target) {
	x := t.Rollout
	heading := fmt.Sprintf("`%s`", t.Name)
	if t.Title != "" {
		heading = mdEscape(t.Title) + " (" + heading + ")"
	}
	fmt.Fprintf(w, "### Rollout %s\n\n%s\n", heading, mdEscape(rolloutPanelLine(x)))
	for _, d := range t.Decisions {
		fmt.Fprintf(w, "\n**Launch: %s**\n\n", d.Outcome)
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "- %s\n", mdEscape(r))
		}
	}
	for _, m := range x.Metrics {
		fmt.Fprintf(w, "\n#### `%s` (%s)\n\n", m.Metric, m.Role)
		o := m.Overall
		if o.NotEstimable != "" {
			fmt.Fprintf(w, "Overall effect: not estimable (%s).\n", mdEscape(o.NotEstimable))
		} else {
			fmt.Fprintf(w, "Overall effect %s, relative %s, p %s.\n", roEffect(o.Absolute), roRelative(o.Relative), roP(o.PValue))
		}
		if m.PreTrend.NotEstimable == "" {
			fmt.Fprintf(w, "Pre-trend test F(%s, %s) = %s, p %s.\n", roNum(*m.PreTrend.DF1), roNum(*m.PreTrend.DF2), roNum(*m.PreTrend.F), roP(m.PreTrend.PValue))
		}
		fmt.Fprint(w, "\n| event | cells | effect [CI] | relative [CI] | p |\n|---:|---:|---|---|---:|\n")
		for _, e := range m.EventStudy {
			if e.NotEstimable != "" {
				fmt.Fprintf(w, "| %d | %d | – | – | – |\n", *e.Event, e.Cells)
				continue
			}
			fmt.Fprintf(w, "| %d | %d | %s | %s | %s |\n", *e.Event, e.Cells, roEffect(e.Absolute), roRelative(e.Relative), roP(e.PValue))
		}
		for _, s := range m.Warnings {
			fmt.Fprintf(w, "\n> Warning: %s\n", mdEscape(s))
		}
	}
}
