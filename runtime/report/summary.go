package report

import (
	"fmt"
	"strings"
)

// verdict is a treatment's launch outcome in words, or "no launch
// decision" when the target carries none.
func verdict(t *Target, variant string) (label string, c class, mark string) {
	if d := decisionFor(t, variant); d != nil {
		return outcomeLabel(d.Outcome), outcomeClass(d.Outcome), outcomeMark(d.Outcome)
	}
	return noDecision, neutral, "–"
}

// summary is a treatment's findings in plain language, built only from
// the report's figures: each primary metric, each guardrail and the
// secondary metrics that moved. Callers put the verdict before it.
func summary(t *Target, variant string) string {
	var b strings.Builder
	var parts []string
	var moved []string
	unmoved := 0
	for _, r := range resultsFor(t, variant) {
		switch r.Role {
		case "primary":
			parts = append(parts, primaryPhrase(r))
		case "guardrail":
			parts = append(parts, guardrailPhrase(r))
		case "component":
			// a decomposed metric's factor: the decomposition explains it
		default:
			rd := read(r)
			if rd.Class == neutral {
				unmoved++
				continue
			}
			moved = append(moved, fmt.Sprintf("%s %s (%s)", metricName(r), rd.Label, effectCI(r)))
		}
	}
	if len(parts) == 0 {
		// No roles (a benchmark), or only secondary metrics: those are
		// the findings.
		parts = append(parts, moved...)
		moved = nil
		if len(parts) == 0 && unmoved == 0 {
			parts = append(parts, "no metric was compared")
		}
		if unmoved > 0 {
			parts = append(parts, fmt.Sprintf("%d %s without significant change", unmoved, plural(unmoved, "metric", "metrics")))
			unmoved = 0
		}
		b.WriteString(strings.Join(parts, "; ") + ".")
	} else {
		b.WriteString(strings.Join(parts, "; ") + ".")
	}
	if len(moved) > 0 || unmoved > 0 {
		b.WriteString(" Secondary: ")
		var sec []string
		sec = append(sec, moved...)
		if unmoved > 0 {
			sec = append(sec, fmt.Sprintf("%d %s without significant change", unmoved, plural(unmoved, "metric", "metrics")))
		}
		b.WriteString(strings.Join(sec, "; ") + ".")
	}
	if t.SRM != nil && !t.SRM.Passed {
		b.WriteString(" The sample-ratio check failed (" + pIs("p", t.SRM.PValue) + "), so none of these effects can be trusted.")
	}
	return b.String()
}

func primaryPhrase(r *Result) string {
	rd := read(r)
	if r.PValue == nil {
		return metricName(r) + " not estimated"
	}
	p := pIs("p", *r.PValue)
	if r.PValueAdjusted != nil {
		p = pIs("adjusted p", *r.PValueAdjusted)
	}
	switch rd.Class {
	case good:
		return fmt.Sprintf("%s %s, significantly better (%s)", metricName(r), effectCI(r), p)
	case bad:
		return fmt.Sprintf("%s %s, significantly worse (%s)", metricName(r), effectCI(r), p)
	}
	return fmt.Sprintf("%s %s, no significant change (%s)", metricName(r), effectCI(r), p)
}

func guardrailPhrase(r *Result) string {
	if r.Absolute == nil {
		return metricName(r) + " not estimated"
	}
	switch guardStatus(r) {
	case guardHolds:
		return fmt.Sprintf("%s %s, within its %s guardrail", metricName(r), effectCI(r), within(r))
	case guardBreached:
		return fmt.Sprintf("%s %s, beyond its %s guardrail", metricName(r), effectCI(r), within(r))
	case guardUnclear:
		return fmt.Sprintf("%s %s, not shown within its %s guardrail", metricName(r), effectCI(r), within(r))
	}
	if r.Within != nil {
		return fmt.Sprintf("%s %s, no relative lift to compare with its %s guardrail", metricName(r), effectCI(r), within(r))
	}
	rd := read(r)
	if rd.Class == bad {
		return fmt.Sprintf("%s %s, significantly worse (guardrail)", metricName(r), effectCI(r))
	}
	return fmt.Sprintf("%s %s, not significantly worse (guardrail)", metricName(r), effectCI(r))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
