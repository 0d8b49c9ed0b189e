package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// This file holds what the Markdown and HTML renderers share: number
// formatting by metric kind, and the plain reading of a result (better,
// worse, a guardrail's status) and of a decision. Every figure comes from
// the report; nothing here computes a new statistic.

// class is how a result or a decision reads: good, bad or neither. Output
// always pairs it with words, never colour alone.
type class string

const (
	good    class = "good"
	bad     class = "bad"
	neutral class = "neutral"
)

// reading is the plain-language status of one result.
type reading struct {
	Class class
	// Label is the status in words: "better", "worse", "holds", ...
	Label string
	// Mark is a text marker for Label (✓ ✗ –), so that the status does
	// not rest on colour.
	Mark string
}

func markOf(c class) string {
	switch c {
	case good:
		return "✓"
	case bad:
		return "✗"
	}
	return "–"
}

// Guardrail statuses (the rule of LANGUAGE.md's `M within X%`).
const (
	guardHolds    = "holds"
	guardUnclear  = "not shown within"
	guardBreached = "breached"
)

// read interprets a result for a reader: a guardrail against its
// tolerance, any other metric by significance in its good direction.
func read(r *Result) reading {
	mk := func(c class, label string) reading { return reading{Class: c, Label: label, Mark: markOf(c)} }
	if r.Absolute == nil || r.PValue == nil {
		return mk(neutral, "not estimated")
	}
	if r.Role == "guardrail" && r.Within != nil {
		switch guardStatus(r) {
		case guardHolds:
			return mk(good, "within "+within(r))
		case guardBreached:
			return mk(bad, "beyond "+within(r))
		case guardUnclear:
			return mk(neutral, "not shown within "+within(r))
		}
		return mk(neutral, "not estimated")
	}
	dir := direction(r)
	switch {
	case r.Significant && float64(r.Absolute.Estimate)*dir > 0:
		return mk(good, "better")
	case r.Significant && float64(r.Absolute.Estimate)*dir < 0:
		return mk(bad, "worse")
	}
	return mk(neutral, "no significant change")
}

// direction is +1 when higher is better, -1 when lower is.
func direction(r *Result) float64 {
	if r.Direction == "decrease" {
		return -1
	}
	return 1
}

// guardStatus applies the guardrail rule to the relative interval: it
// holds when the bad-side bound is within the tolerance, is breached when
// the whole interval lies beyond it, and is unclear otherwise. It is ""
// when there is no tolerance or no relative interval.
func guardStatus(r *Result) string {
	if r.Within == nil || r.Relative == nil {
		return ""
	}
	x := float64(*r.Within)
	lo, hi := float64(r.Relative.CILower), float64(r.Relative.CIUpper)
	if direction(r) < 0 {
		switch {
		case hi <= x:
			return guardHolds
		case lo > x:
			return guardBreached
		}
		return guardUnclear
	}
	switch {
	case lo >= -x:
		return guardHolds
	case hi < -x:
		return guardBreached
	}
	return guardUnclear
}

// badBound is the signed tolerance line of a guardrail: +within for a
// metric that should decrease, -within for one that should increase.
func badBound(r *Result) (float64, bool) {
	if r.Within == nil {
		return 0, false
	}
	return -direction(r) * float64(*r.Within), true
}

// within renders a guardrail's tolerance unsigned, as written in the
// spec ("2%").
func within(r *Result) string {
	if r.Within == nil {
		return ""
	}
	return strconv.FormatFloat(Round(float64(*r.Within)*100), 'f', -1, 64) + "%"
}

// Launch outcomes in words.
func outcomeLabel(o string) string {
	switch o {
	case Ship:
		return "Ship"
	case NoShip:
		return "Don't ship"
	case Inconclusive:
		return "Inconclusive"
	case Invalid:
		return "Invalid"
	}
	return o
}

func outcomeClass(o string) class {
	switch o {
	case Ship:
		return good
	case NoShip, Invalid:
		return bad
	}
	return neutral
}

func outcomeMark(o string) string {
	switch o {
	case Ship:
		return "✓"
	case NoShip:
		return "✗"
	case Invalid:
		return "!"
	}
	return "?"
}

// noDecision is said of a treatment when the target carries no decisions.
const noDecision = "no launch decision"

// decisionFor returns the decision for a treatment, or nil.
func decisionFor(t *Target, variant string) *Decision {
	for _, d := range t.Decisions {
		if d.Variant == variant {
			return d
		}
	}
	return nil
}

// isBenchmark reports whether t is an offline benchmark.
func isBenchmark(t *Target) bool { return t.Kind == "benchmark" && t.Bench != nil }

// kindOf is the kind a target is rendered as: its Kind, except that a
// benchmark or interleaving without its payload is drawn as an experiment. Each format
// looks it up in its table of kinds (markdownSections, tableWriters,
// htmlKinds); a kind missing from a table is drawn as an experiment.
func kindOf(t *Target) string {
	switch {
	case t.Kind == "benchmark" && t.Bench == nil, t.Kind == kindInterleaving && t.Interleaving == nil,
		t.Kind == kindRollout && t.Rollout == nil, t.Kind == kindCounterfactual && t.Counterfactual == nil:
		return "experiment"
	}
	return t.Kind
}

// comparisons returns what the renderers read of a target: its results.
// A benchmark's paired comparisons are adapted to the same shape (the
// baseline in the control's place, each model a treatment, the delta as
// the absolute effect, offline metrics higher-is-better), so every
// section, the forest plot included, serves both kinds.
func comparisons(t *Target) []*Result {
	if !isBenchmark(t) {
		return t.Results
	}
	var out []*Result
	for _, b := range t.Bench.Results {
		r := &Result{Metric: b.Metric, Kind: "benchmark", Direction: "increase", Variant: b.Model,
			Control:   Arm{Units: int64(b.Queries), Mean: NumPtr(float64(b.BaselineValue))},
			Treatment: Arm{Units: int64(b.Queries), Mean: NumPtr(float64(b.Value))},
			Relative:  b.Relative, PValue: b.PValue, Significant: b.Significant, Method: b.Method, Notes: b.Notes}
		if b.Delta != nil && b.CILower != nil && b.CIUpper != nil {
			r.Absolute = &Effect{Estimate: *b.Delta, CILower: *b.CILower, CIUpper: *b.CIUpper}
			if b.StdError != nil {
				r.Absolute.StdError = *b.StdError
			}
		}
		out = append(out, r)
	}
	return out
}

// control names what treatments are compared with: the control of an
// experiment, the baseline model of a benchmark.
func control(t *Target) string {
	if isBenchmark(t) {
		return t.Bench.Baseline
	}
	return t.Control
}

// armLabels name the two sides of a comparison.
func armLabels(t *Target) (string, string) {
	if isBenchmark(t) {
		return "Baseline", "Value"
	}
	return "Control", "Treatment"
}

// treatments lists the target's compared variants in order: those of its
// results and decisions and every non-control arm.
func treatments(t *Target) []string {
	seen := map[string]bool{}
	var out []string
	ctl := control(t)
	add := func(v string) {
		if v != "" && v != ctl && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, r := range comparisons(t) {
		add(r.Variant)
	}
	for _, d := range t.Decisions {
		add(d.Variant)
	}
	if len(out) > 0 {
		return out
	}
	// Nothing compared: list the arms (in a factorial design they are
	// cells, never compared one by one, so only when nothing else is).
	var arms []string
	for v := range t.Units {
		arms = append(arms, v)
	}
	sort.Strings(arms)
	for _, v := range arms {
		add(v)
	}
	return out
}

// overall returns the results that are not per-segment or per-split
// value, in report order.
func overall(t *Target) []*Result {
	var out []*Result
	for _, r := range comparisons(t) {
		if len(r.Segment) == 0 && len(r.Split) == 0 {
			out = append(out, r)
		}
	}
	return out
}

// segmented returns the per-segment results.
func segmented(t *Target) []*Result {
	var out []*Result
	for _, r := range comparisons(t) {
		if len(r.Segment) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// hasRoles reports whether any result has a role (experiments do,
// benchmarks do not).
func hasRoles(rs []*Result) bool {
	for _, r := range rs {
		if r.Role != "" {
			return true
		}
	}
	return false
}

// resultsFor returns the overall results of one treatment, primary
// metrics first, then secondary, then guardrails (stable within a role).
func resultsFor(t *Target, variant string) []*Result {
	var out []*Result
	for _, r := range overall(t) {
		if r.Variant == variant {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return roleRank(out[i].Role) < roleRank(out[j].Role) })
	return out
}

func roleRank(role string) int {
	switch role {
	case "primary":
		return 0
	case "secondary":
		return 1
	case "guardrail":
		return 2
	case "component":
		return 3
	}
	return 4
}

// metricName is the metric's title, or its name when it has none.
func metricName(r *Result) string {
	if r.Title != "" {
		return r.Title
	}
	return r.Metric
}

// ciLabel names the interval, e.g. "95% CI".
func ciLabel(t *Target) string {
	a := float64(t.Alpha)
	if a <= 0 || a >= 1 {
		a = 0.05
	}
	return strconv.FormatFloat(Round((1-a)*100), 'f', -1, 64) + "% CI"
}

// sig formats v with n significant digits, in plain notation unless v is
// very small or very large.
func sig(v float64, n int) string {
	v = Round(v)
	if v == 0 {
		return "0"
	}
	e := int(math.Floor(math.Log10(math.Abs(v))))
	if e < -5 || e >= 12 {
		return strconv.FormatFloat(v, 'e', n-1, 64)
	}
	d := n - 1 - e
	if d < 0 {
		d = 0
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// plain formats v with the digits it has, up to four significant ones
// (a share of 50% is "50", one of 1/3 "33.33").
func plain(v float64) string {
	return strconv.FormatFloat(Round(v), 'g', 4, 64)
}

// value formats an arm's value by metric kind: a share for proportions,
// four significant digits otherwise.
// Undefined is how renderers show a number that is not defined (a null
// mean): never as 0.
const Undefined = "—"

// armValue formats an arm's mean by kind, or Undefined when it has none.
func armValue(kind string, a Arm) string {
	if a.Mean == nil {
		return Undefined
	}
	return value(kind, *a.Mean)
}

// optNum formats a nullable number with significant digits, or Undefined.
func optNum(v *Num, digits int) string {
	if v == nil {
		return Undefined
	}
	return sig(float64(*v), digits)
}

func value(kind string, v Num) string {
	if kind == "proportion" {
		return sig(float64(v)*100, 3) + "%"
	}
	return sig(float64(v), 4)
}

// absolute formats an absolute difference by kind: percentage points for
// proportions, signed significant digits otherwise.
func absolute(kind string, v Num) string {
	if kind == "proportion" {
		return signed(sig(float64(v)*100, 3)) + " pp"
	}
	return signed(sig(float64(v), 3))
}

func signed(s string) string {
	if s == "0" || strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

// lift formats a relative change as a signed percent: one decimal from
// 10%, two below, two significant digits below 0.01%.
func lift(v Num) string {
	p := Round(float64(v) * 100)
	a := math.Abs(p)
	switch {
	case a == 0:
		return "0.00%"
	case a >= 10:
		return fmt.Sprintf("%+.1f%%", p)
	case a >= 0.01:
		return fmt.Sprintf("%+.2f%%", p)
	}
	return signed(sig(p, 2)) + "%"
}

// liftCI formats a relative effect with its interval.
func liftCI(e *Effect) string {
	return lift(e.Estimate) + " " + e.Interval(lift)
}

// effectCI formats a result's relative effect with its interval, or the
// absolute one (marked) when there is no relative effect.
func effectCI(r *Result) string {
	switch {
	case r.Relative != nil:
		return liftCI(r.Relative)
	case r.Absolute != nil:
		return fmt.Sprintf("%s [%s, %s] (absolute)", absolute(r.Kind, r.Absolute.Estimate),
			absolute(r.Kind, r.Absolute.CILower), absolute(r.Kind, r.Absolute.CIUpper))
	}
	return "n/a"
}

// pvalue formats a p-value: "< 0.0001", three significant digits between
// 0.01 and 0.1 (where alpha usually sits), two decimals from 0.1, two
// significant digits otherwise.
func pvalue(p Num) string {
	v := Round(float64(p))
	switch {
	case v < 0.0001:
		return "< 0.0001"
	case v >= 0.1:
		return fmt.Sprintf("%.2f", v)
	case v >= 0.01:
		return sig(v, 3)
	}
	return sig(v, 2)
}

// pIs writes "p = 0.012", or "p < 0.0001".
func pIs(label string, p Num) string {
	s := pvalue(p)
	if strings.HasPrefix(s, "<") {
		return label + " " + s
	}
	return label + " = " + s
}

// pvalues formats a result's p-value, with the adjusted one when present.
func pvalues(r *Result) string {
	if r.PValue == nil {
		return "n/a"
	}
	s := pvalue(*r.PValue)
	if r.PValueAdjusted != nil {
		s += " (adj. " + pvalue(*r.PValueAdjusted) + ")"
	}
	return s
}

// count formats an integer with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// excludedReasons describes the excluded-unit counters.
var excludedReasons = map[string]string{
	"multiple_variants": "exposed to more than one variant",
	"other_variants":    "in variants not listed in `treatments`",
}

// exclusions lists the non-zero excluded-unit counts in words, sorted.
func exclusions(t *Target) []string {
	var keys []string
	for k, n := range t.Excluded {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		why := excludedReasons[k]
		if why == "" {
			why = strings.ReplaceAll(k, "_", " ")
		}
		n := t.Excluded[k]
		unit := "units"
		if n == 1 {
			unit = "unit"
		}
		out = append(out, fmt.Sprintf("%s %s %s", count(n), unit, why))
	}
	return out
}

// armCounts lists the analysed units per arm, control first.
func armCounts(t *Target) string {
	if isBenchmark(t) {
		return fmt.Sprintf("%s queries", count(int64(t.Bench.Queries)))
	}
	var arms []string
	for v := range t.Units {
		if v != t.Control {
			arms = append(arms, v)
		}
	}
	sort.Strings(arms)
	if _, ok := t.Units[t.Control]; ok {
		arms = append([]string{t.Control}, arms...)
	}
	var parts []string
	for _, v := range arms {
		label := v
		if v == t.Control && v != "control" {
			label += " (control)"
		}
		part := fmt.Sprintf("%s %s", label, count(t.Units[v]))
		if n, ok := t.Clusters[v]; ok {
			part += fmt.Sprintf(" in %s %s clusters", count(n), t.Clustered)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// srmSummary describes the sample-ratio check.
func srmSummary(s *SRM) (class, string) {
	if s == nil {
		return neutral, "not computed"
	}
	if s.Passed {
		return good, fmt.Sprintf("passed (%s)", pIs("p", s.PValue))
	}
	return bad, fmt.Sprintf("failed (%s, below 0.001): the arms' sizes do not match the allocation, so no effect can be trusted", pIs("p", s.PValue))
}

// notes lists the target's notes and its results' notes, and says how
// p-values and intervals were computed when that is not the default.
func notes(t *Target) []string {
	out := unique(t.Notes)
	if t.Correction != "" && t.Correction != "none" {
		for _, r := range comparisons(t) {
			if r.PValueAdjusted != nil {
				out = append(out, fmt.Sprintf("p-values marked \"adj.\" are adjusted for multiple testing (%s)", t.Correction))
				break
			}
		}
	}
	if t.Sequential {
		out = append(out, "intervals and p-values are always valid (sequential): they may be read at any time")
	}
	var ns noteList
	for _, r := range overall(t) {
		label := fmt.Sprintf("%s (%s)", r.Metric, r.Variant)
		if r.Cuped != nil && r.Cuped.Note != "" {
			ns.add(label, "CUPED: "+r.Cuped.Note)
		}
		for _, n := range r.Notes {
			ns.add(label, n)
		}
	}
	return append(out, ns.lines()...)
}

// noteList gathers notes about results so that a note repeated for
// several metrics, variants or segments is printed once, naming them all.
type noteList struct {
	texts  []string
	labels map[string][]string
}

func (l *noteList) add(label, text string) {
	if l.labels == nil {
		l.labels = map[string][]string{}
	}
	if _, ok := l.labels[text]; !ok {
		l.texts = append(l.texts, text)
	}
	for _, have := range l.labels[text] {
		if have == label {
			return
		}
	}
	l.labels[text] = append(l.labels[text], label)
}

// lines are the notes in first-seen order: "a (t), b (t): text".
func (l *noteList) lines() []string {
	var out []string
	for _, text := range l.texts {
		out = append(out, strings.Join(l.labels[text], ", ")+": "+text)
	}
	return out
}

// unique drops repeated notes, keeping the first of each.
func unique(notes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range notes {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// segmentLabel renders a segment as "country=US, platform=ios".
func segmentLabel(s map[string]string) string {
	var keys []string
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+s[k])
	}
	return strings.Join(parts, ", ")
}
