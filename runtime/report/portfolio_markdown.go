package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/caliper-dev/caliper/runtime/portfolio"
)

// PortfolioMarkdown writes the review in short form: per metric the
// paragraphs a director reads, the meta-analysis table and the shipped
// launches with the cumulative impact against the holdout.
func PortfolioMarkdown(out io.Writer, p *portfolio.Portfolio) error {
	w := bufio.NewWriter(out)
	writePortfolioMarkdown(w, p)
	return w.Flush()
}

func writePortfolioMarkdown(w *bufio.Writer, p *portfolio.Portfolio) {
	fmt.Fprintf(w, "# Portfolio review: %s\n\n", mdEscape(p.Store))
	fmt.Fprintf(w, "%s. Decisions: %s. Velocity: %s.\n", mdEscape(pfScope(p)), mdEscape(pfDecisions(p.Decisions)), mdEscape(pfVelocity(p.Velocity)))
	if h := pfHoldoutTarget(p); h != "" {
		fmt.Fprintf(w, "Long-running holdout: %s.\n", mdEscape(h))
	}
	for _, m := range p.Metrics {
		fmt.Fprintf(w, "\n## %s\n\n", mdEscape(m.Name))
		for _, para := range pfParagraphs(p, m) {
			fmt.Fprintf(w, "%s\n\n", mdEscape(para))
		}
		if meta := m.Meta.Relative; meta.NotEstimable == "" {
			fmt.Fprintf(w, "| model (relative lift) | estimate [%s CI] | p | τ² | I² | prediction interval |\n|---|---|---|---|---|---|\n", pfPct(p))
			for _, fit := range []*portfolio.Pooled{meta.FixedEffect, meta.DerSimonianLaird, meta.REML} {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", pfModel(fit.Method), pfEstimateCI(fit.Estimate, fit.CILower, fit.CIUpper, lift),
					pfP(fit.PValue), pfTau2(fit, true), pfShare(fit.I2), pfInterval(fit.PredictionLower, fit.PredictionUpper, lift))
			}
			fmt.Fprintf(w, "\nHeterogeneity: %s.\n\n", pfQ(meta))
		}
		if rows := pfImpactRows(m); len(rows) > 0 {
			fmt.Fprintf(w, "| shipped impact (relative) | lift [%s CI] |\n|---|---|\n", pfPct(p))
			for _, r := range rows {
				fmt.Fprintf(w, "| %s | %s |\n", mdEscape(r[0]), mdEscape(r[1]))
			}
			fmt.Fprintln(w)
		}
		if rows := pfOverTimeRows(m, true); len(rows) > 1 {
			fmt.Fprintf(w, "Cumulative impact over time (relative lift, %s CI; the corrected sum's CI is the bootstrap's):\n\n", pfPct(p))
			for i, r := range rows {
				cells := make([]string, len(r))
				for j, c := range r {
					cells[j] = mdEscape(c)
				}
				fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
				if i == 0 {
					fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(r)))
				}
			}
			fmt.Fprintln(w)
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintln(w, "\n---")
		for _, n := range p.Notes {
			fmt.Fprintf(w, "- %s\n", mdEscape(n))
		}
	}
}

func pfPct(p *portfolio.Portfolio) string {
	return plain(100*(1-float64(p.Alpha))) + "%"
}

// pfImpactRows are the shipped launches and the cumulative figures on the
// relative scale, as (label, figure) pairs.
func pfImpactRows(m *portfolio.Metric) [][2]string {
	imp := m.Impact
	if imp.NotEstimable != "" {
		return nil
	}
	var rows [][2]string
	for _, s := range m.Studies {
		if s.Decision != "ship" {
			continue
		}
		fig := Undefined
		if s.Relative != nil {
			fig = pfEstimateCI(&s.Relative.Estimate, s.Relative.CILower, s.Relative.CIUpper, lift)
		}
		rows = append(rows, [2]string{"launch " + s.Target + "/" + s.Variant, fig})
	}
	c := imp.Relative
	if c == nil || c.NotEstimable != "" {
		return rows
	}
	rows = append(rows, [2]string{"naive sum", pfEstimateCI(c.Naive, c.NaiveCILower, c.NaiveCIUpper, lift)})
	if c.Corrected != nil {
		rows = append(rows, [2]string{"corrected for the winner's curse (bootstrap CI)", pfEstimateCI(c.Corrected, c.CILower, c.CIUpper, lift)})
	} else {
		rows = append(rows, [2]string{"corrected for the winner's curse", Undefined + " (" + c.CorrectedReason + ")"})
	}
	if h := m.Holdout; h != nil && h.Relative != nil {
		g := h.Relative
		if g.Holdout != nil {
			rows = append(rows, [2]string{"holdout " + h.Target + " (measured)", pfEstimateCI(&g.Holdout.Estimate, g.Holdout.CILower, g.Holdout.CIUpper, lift)})
		}
		switch {
		case g.Leak != nil:
			rows = append(rows, [2]string{"leak (corrected − holdout)", pfEstimateCI(g.Leak, g.LeakCILower, g.LeakCIUpper, lift)})
		case g.LeakReason != "":
			rows = append(rows, [2]string{"leak (corrected − holdout)", Undefined + " (" + g.LeakReason + ")"})
		}
	}
	return rows
}

// pfParagraphs say what the figures of one metric mean, in plain words.
func pfParagraphs(p *portfolio.Portfolio, m *portfolio.Metric) []string {
	var out []string
	level := pfPct(p)
	name := m.Name
	// Meta-analysis.
	meta := m.Meta.Relative
	switch {
	case meta.NotEstimable != "":
		out = append(out, fmt.Sprintf("%s cannot be pooled across experiments: %s.", name, meta.NotEstimable))
	case meta.REML.Estimate != nil:
		fit := meta.REML
		s := fmt.Sprintf("Across %d experiments, %s moved by %s on average (random effects, REML; %s CI %s).",
			meta.K, name, lift(*fit.Estimate), level, pfInterval(fit.CILower, fit.CIUpper, lift))
		if meta.QPValue != nil && float64(*meta.QPValue) < float64(p.Alpha) {
			s += fmt.Sprintf(" The experiments differ more than chance explains (I² = %s, heterogeneity %s): a new experiment's effect is expected between %s and %s.",
				pfShare(fit.I2), pIs("p", *meta.QPValue), lift(*fit.PredictionLower), lift(*fit.PredictionUpper))
		} else {
			s += fmt.Sprintf(" The experiments differ no more than chance explains (heterogeneity %s).", pIs("p", *meta.QPValue))
		}
		out = append(out, s)
	}
	// Shipped impact.
	imp := m.Impact
	if imp.NotEstimable != "" {
		out = append(out, fmt.Sprintf("No shipped impact on %s: %s.", name, imp.NotEstimable))
	} else if c := imp.Relative; c != nil && c.NotEstimable == "" {
		s := fmt.Sprintf("The %d shipped launch(es) add up to %s on %s as measured when each was decided.", imp.Shipped, lift(*c.Naive), name)
		if c.Corrected != nil && math.Abs(float64(*c.Bias)) < 0.0001 {
			s += fmt.Sprintf(" Launches are picked because their estimates came out high, but these cleared the bar by so far that the selection bias is negligible (under 0.01%%): corrected they add %s (%s CI %s).",
				lift(*c.Corrected), level, pfInterval(c.CILower, c.CIUpper, lift))
		} else if c.Corrected != nil {
			s += fmt.Sprintf(" Launches are picked because their estimates came out high, so that sum overstates them by about %s; corrected for the selection they add %s (%s CI %s).",
				lift(*c.Bias), lift(*c.Corrected), level, pfInterval(c.CILower, c.CIUpper, lift))
		} else {
			s += " It is not corrected for the winner's curse (" + c.CorrectedReason + ")."
		}
		out = append(out, s)
	}
	if h := m.Holdout; h != nil && h.Relative != nil && h.Relative.Holdout != nil {
		g := h.Relative
		s := fmt.Sprintf("The long-running holdout (%s) measures %s.", h.Target, pfEstimateCI(&g.Holdout.Estimate, g.Holdout.CILower, g.Holdout.CIUpper, lift))
		if g.Leak != nil {
			lo, hi := float64(*g.LeakCILower), float64(*g.LeakCIUpper)
			switch {
			case lo > 0:
				s += fmt.Sprintf(" The launches claim %s more than the holdout sees (%s CI %s): value is leaking (decay, interaction between launches, or selection the correction does not catch).",
					lift(*g.Leak), level, pfInterval(g.LeakCILower, g.LeakCIUpper, lift))
			case hi < 0:
				s += fmt.Sprintf(" The holdout sees %s more than the corrected launches claim (%s CI %s): value the launch-time estimates did not capture (e.g. effects that grow).",
					lift(-*g.Leak), level, pfInterval(g.LeakCILower, g.LeakCIUpper, lift))
			default:
				s += fmt.Sprintf(" The gap to the corrected launches, %s (%s CI %s), is within noise: no leak is detected.",
					lift(*g.Leak), level, pfInterval(g.LeakCILower, g.LeakCIUpper, lift))
			}
		} else if g.LeakReason != "" {
			s += " No leak can be estimated: " + g.LeakReason + "."
		}
		out = append(out, s)
	}
	// Health.
	hl := m.Health
	s := fmt.Sprintf("%s moved significantly in %d of %d experiment(s).", name, hl.Moved, hl.Experiments)
	if hl.RelativeMDE != nil {
		s += fmt.Sprintf(" At the median experiment size (%s units) it detects changes of ±%s%% with %s%% power.",
			count(int64(*hl.MedianUnits)), plain(100*float64(*hl.RelativeMDE)), plain(100*float64(hl.Power)))
	}
	for _, f := range hl.Flags {
		switch f {
		case "never_moves":
			s += " It never moves: either the launches do not touch it or it is too noisy to tell (see its MDE)."
		case "moves_against_primary":
			s += " It moved the wrong way while the primary improved in " + strings.Join(hl.AgainstPrimary, ", ") + "."
		}
	}
	return append(out, s)
}
