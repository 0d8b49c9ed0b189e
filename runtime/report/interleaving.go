package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	res "github.com/caliper-dev/caliper/runtime/result"
)

// Interleaving targets (Kind "interleaving"): each format writer hands
// them to the functions of this file and interleaving_html.go at its top.

// isInterleaving reports whether t is an interleaving.
func isInterleaving(t *Target) bool { return t.Kind == res.KindInterleaving && t.Interleaving != nil }

// testLabel says how an interleaving's share is tested.
func testLabel(test string) string {
	if test == "sign" {
		return "sign test (exact binomial over decided sessions)"
	}
	return "delta method over units"
}

// shareText is a preference share with its interval, or why it has none.
func shareText(p *res.Preference) string {
	if p.Share == nil {
		return Undefined + " (" + p.NotEstimable + ")"
	}
	return fmt.Sprintf("%.4f [%.4f, %.4f]", float64(p.Share.Estimate), float64(p.Share.CILower), float64(p.Share.CIUpper))
}

// meanText is the mean preference with its interval, or why it has none.
func meanText(p *res.Preference) string {
	if p.MeanPreference == nil {
		return Undefined + " (" + p.MeanNotEstimable + ")"
	}
	e := p.MeanPreference
	return fmt.Sprintf("%+.4f [%+.4f, %+.4f]", float64(e.Estimate), float64(e.CILower), float64(e.CIUpper))
}

// pPhrase is a p-value in prose: "p = 0.0123" or "p < 0.0001".
func pPhrase(p *Num) string {
	switch {
	case p == nil:
		return "p " + Undefined
	case *p < 0.0001:
		return "p < 0.0001"
	}
	return "p = " + fmtP(*p)
}

func optP(p *Num) string {
	if p == nil {
		return Undefined
	}
	return fmtP(*p)
}

// preferenceReading says what a share shows: the treatment preferred, the
// baseline preferred, or no preference shown.
func preferenceReading(p *res.Preference, baseline string) reading {
	switch {
	case p.Share == nil:
		return reading{Label: "not estimable", Class: neutral, Mark: "–"}
	case p.Significant && p.Share.CILower > 0.5:
		return reading{Label: p.Variant + " preferred", Class: good, Mark: "▲"}
	case p.Significant && p.Share.CIUpper < 0.5:
		return reading{Label: baseline + " preferred", Class: bad, Mark: "▼"}
	}
	return reading{Label: "no preference shown", Class: neutral, Mark: "●"}
}

// firstText is one treatment's first-position check.
func firstText(f *res.FirstPositions, baseline string) string {
	if f.PValue == nil {
		return fmt.Sprintf("%s: not checked (%s)", f.Variant, f.NotEstimable)
	}
	status := "passed"
	if !f.Passed {
		status = "FAILED"
	}
	return fmt.Sprintf("%s: %s first in %d sessions, %s in %d, p = %s (%s)", f.Variant, baseline, f.Baseline, f.Variant, f.Treatment, fmtP(*f.PValue), status)
}

// leftOutText lists the sessions left out.
func leftOutText(x *res.Interleaving) string {
	var parts []string
	for _, l := range x.LeftOut {
		switch l.Status {
		case "other_team":
			parts = append(parts, fmt.Sprintf("%d against team %q (not a listed treatment)", l.Sessions, l.Team))
		case "several_treatments":
			parts = append(parts, fmt.Sprintf("%d with several treatments", l.Sessions))
		case "no_treatment":
			parts = append(parts, fmt.Sprintf("%d with the baseline's items only", l.Sessions))
		default:
			parts = append(parts, fmt.Sprintf("%d %s", l.Sessions, l.Status))
		}
	}
	return strings.Join(parts, "; ")
}

// interleavingSummary is a treatment's findings in words: each credit's
// share and what it shows.
func interleavingSummary(t *Target, variant string) string {
	x := t.Interleaving
	var parts []string
	for _, p := range x.Results {
		if p.Variant != variant {
			continue
		}
		rd := preferenceReading(p, x.Baseline)
		if p.Share == nil {
			parts = append(parts, fmt.Sprintf("%s: not estimable (%s)", p.Credit, p.NotEstimable))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s (share %s, %s, over %d decided sessions of %d units)",
			p.Credit, rd.Label, shareText(p), pPhrase(p.PValue), p.Wins+p.Losses, p.Units))
	}
	if len(parts) == 0 {
		return "no credit was compared."
	}
	return strings.Join(parts, "; ") + "."
}

// writeInterleavingTable prints an interleaving target as aligned text.
func writeInterleavingTable(w *bufio.Writer, t *Target) {
	x := t.Interleaving
	title := t.Name
	if t.Title != "" {
		title += " — " + t.Title
	}
	fmt.Fprintf(w, "interleaving %s\n", title)
	fmt.Fprintf(w, "baseline: %s; test: %s; %s\n", x.Baseline, testLabel(x.Test), ciLabel(t))
	for _, f := range x.FirstPositions {
		fmt.Fprintf(w, "first positions: %s\n", firstText(f, x.Baseline))
	}
	if len(x.LeftOut) > 0 {
		fmt.Fprintf(w, "sessions left out: %s\n", leftOutText(x))
	}
	for _, n := range unique(t.Notes) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "credit\tvariant\tunits\tsessions\twins\tlosses\tties\tshare [CI]\tp\tmean preference [CI]\tp\treading\t\n")
	for _, p := range x.Results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", p.Credit, p.Variant, p.Units, p.Sessions,
			p.Wins, p.Losses, p.Ties, shareText(p), optP(p.PValue), meanText(p), optP(p.MeanPValue), preferenceReading(p, x.Baseline).Label)
	}
	_ = tw.Flush() // tw writes to w, a bufio.Writer whose error WriteTable returns
	writeDecisions(w, t)
}

// writeInterleavingMarkdown writes an interleaving target's Markdown
// summary: verdicts with reasons, the preference table, data quality.
func writeInterleavingMarkdown(w *bufio.Writer, t *Target) {
	x := t.Interleaving
	heading := fmt.Sprintf("`%s`", t.Name)
	if t.Title != "" {
		heading = mdEscape(t.Title) + " (" + heading + ")"
	}
	fmt.Fprintf(w, "### %s %s\n", kindLabel(t.Kind), heading)
	var meta []string
	if t.Owner != "" {
		meta = append(meta, "owner: "+mdEscape(t.Owner))
	}
	meta = append(meta, fmt.Sprintf("baseline: `%s`", x.Baseline), "test: "+testLabel(x.Test),
		ciLabel(t)+" (α = "+strconv.FormatFloat(Round(float64(t.Alpha)), 'g', -1, 64)+")")
	fmt.Fprintf(w, "\n%s\n", strings.Join(meta, " · "))
	for _, d := range t.Decisions {
		label, _, mark := verdict(t, d.Variant)
		fmt.Fprintf(w, "\n**%s: %s %s** — %s\n", mdEscape(d.Variant), mark, label, mdEscape(interleavingSummary(t, d.Variant)))
		if len(d.Reasons) > 0 {
			fmt.Fprintln(w)
			for _, r := range d.Reasons {
				fmt.Fprintf(w, "- %s\n", mdEscape(r))
			}
		}
	}
	fmt.Fprintf(w, "\n| Credit | Variant | Units | Sessions | Wins | Losses | Ties | Preference share [%s] | p | Mean preference per unit [%s] | Reading |\n", ciLabel(t), ciLabel(t))
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|---|--:|---|---|")
	for _, p := range x.Results {
		rd := preferenceReading(p, x.Baseline)
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %d | %s | %s | %s | %s %s |\n", mdCell(p.Credit), mdCell(p.Variant), p.Units, p.Sessions,
			p.Wins, p.Losses, p.Ties, mdCell(shareText(p)), optP(p.PValue), mdCell(meanText(p)), rd.Mark, mdCell(rd.Label))
	}
	fmt.Fprintf(w, "\nThe share is the treatment's wins / (wins + losses) over sessions (1/2: no preference); the mean preference is the mean over units of (wins − losses) / sessions.\n")
	var quality []string
	for _, f := range x.FirstPositions {
		quality = append(quality, "first positions "+firstText(f, x.Baseline))
	}
	if len(x.LeftOut) > 0 {
		quality = append(quality, "sessions left out: "+leftOutText(x))
	}
	if len(quality) > 0 {
		fmt.Fprintf(w, "\n**Data:** %s.\n", mdEscape(strings.Join(quality, "; ")))
	}
	for _, n := range unique(t.Notes) {
		fmt.Fprintf(w, "\n> %s\n", mdEscape(n))
	}
}
