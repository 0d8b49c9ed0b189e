package model

import "github.com/caliper-dev/caliper/lang/ast"

// This file holds the typed values of the word fields (`correction holm`,
// `timeline week`, ...). Each enum's values are the field's words in the
// field table (lang/ast/fields.go), in the table's order: the checker
// parses a word once, positioning its error, and nothing downstream reads
// the word again. The zero value is the field's default (or, for
// timeline and attribution, the field's absence).

// word returns the word of value i of a field, or "" when out of range.
func word(words []string, i int) string {
	if i < 0 || i >= len(words) {
		return ""
	}
	return words[i]
}

// parseWord returns the index of w in words.
func parseWord(words []string, w string) (int, bool) {
	for i, x := range words {
		if x == w {
			return i, true
		}
	}
	return 0, false
}

// Correction is an experiment's multiple-testing correction (`correction`).
type Correction uint8

// Corrections, in the order of the field table's words.
const (
	CorrectionHolm Correction = iota // the default
	CorrectionBH
	CorrectionBonferroni
	CorrectionNone
)

// CorrectionWords are the words of `correction`.
var CorrectionWords = ast.Words(ast.KindExperiment, "correction")

func (c Correction) String() string { return word(CorrectionWords, int(c)) }

// ParseCorrection reads a word of `correction`.
func ParseCorrection(w string) (Correction, bool) {
	i, ok := parseWord(CorrectionWords, w)
	return Correction(i), ok
}

// WindowPolicy says which units a window admits (`window_policy`).
type WindowPolicy uint8

// Window policies.
const (
	// WindowPartial analyses units whose window runs past the data over
	// the part observed, with a warning (the default).
	WindowPartial WindowPolicy = iota
	// WindowComplete keeps only units whose whole window is observed.
	WindowComplete
)

// WindowPolicyWords are the words of `window_policy`.
var WindowPolicyWords = ast.Words(ast.KindExperiment, "window_policy")

func (p WindowPolicy) String() string { return word(WindowPolicyWords, int(p)) }

// ParseWindowPolicy reads a word of `window_policy`.
func ParseWindowPolicy(w string) (WindowPolicy, bool) {
	i, ok := parseWord(WindowPolicyWords, w)
	return WindowPolicy(i), ok
}

// RelativeCI is how relative intervals are built (`relative_ci`).
type RelativeCI uint8

// Relative interval methods.
const (
	// RelativeFieller inverts each result's own test, so the interval
	// agrees with the p-value (the default).
	RelativeFieller RelativeCI = iota
	// RelativeDelta is the symmetric delta-method interval other
	// platforms report.
	RelativeDelta
)

// RelativeCIWords are the words of `relative_ci`.
var RelativeCIWords = ast.Words(ast.KindExperiment, "relative_ci")

func (r RelativeCI) String() string { return word(RelativeCIWords, int(r)) }

// ParseRelativeCI reads a word of `relative_ci`.
func ParseRelativeCI(w string) (RelativeCI, bool) {
	i, ok := parseWord(RelativeCIWords, w)
	return RelativeCI(i), ok
}

// Attribution splits a factorial design's all-new effect by component
// (`attribution`); the zero value is no attribution.
type Attribution uint8

// Attribution methods.
const (
	NoAttribution Attribution = iota
	AttributionShapley
)

// AttributionWords are the words of `attribution`.
var AttributionWords = ast.Words(ast.KindExperiment, "attribution")

func (a Attribution) String() string { return word(AttributionWords, int(a)-1) }

// ParseAttribution reads a word of `attribution`.
func ParseAttribution(w string) (Attribution, bool) {
	i, ok := parseWord(AttributionWords, w)
	return Attribution(i + 1), ok
}

// Timeline is an experiment's `timeline`: effects per calendar period
// since the start (day, week), or by exposure age, the periods since each
// unit's first exposure (exposure_day, exposure_week), with the long-run
// fit. The zero value is no timeline.
type Timeline uint8

// Timelines.
const (
	NoTimeline Timeline = iota
	TimelineDay
	TimelineWeek
	TimelineExposureDay
	TimelineExposureWeek
)

// TimelineWords are the words of `timeline`.
var TimelineWords = ast.Words(ast.KindExperiment, "timeline")

// String is the field's word ("" without a timeline).
func (t Timeline) String() string { return word(TimelineWords, int(t)-1) }

// ParseTimeline reads a word of `timeline`.
func ParseTimeline(w string) (Timeline, bool) {
	i, ok := parseWord(TimelineWords, w)
	return Timeline(i + 1), ok
}

// ExposureAge reports whether the timeline is by exposure age.
func (t Timeline) ExposureAge() bool {
	return t == TimelineExposureDay || t == TimelineExposureWeek
}

// Weekly reports whether a period is a week (else a day).
func (t Timeline) Weekly() bool { return t == TimelineWeek || t == TimelineExposureWeek }

// Unit is the period's name: "day" or "week" ("" without a timeline).
func (t Timeline) Unit() string {
	switch {
	case t == NoTimeline:
		return ""
	case t.Weekly():
		return "week"
	}
	return "day"
}

// Step is a period's length in seconds (0 without a timeline).
func (t Timeline) Step() int64 {
	switch {
	case t == NoTimeline:
		return 0
	case t.Weekly():
		return 7 * 86400
	}
	return 86400
}

// PairedTest is a benchmark's paired test over queries (`test`).
type PairedTest uint8

// Paired tests.
const (
	PairedT PairedTest = iota // the default
	PairedPermutation
	PairedBootstrap
)

// PairedTestWords are the words of a benchmark's `test`.
var PairedTestWords = ast.Words(ast.KindBenchmark, "test")

func (p PairedTest) String() string { return word(PairedTestWords, int(p)) }

// ParsePairedTest reads a word of a benchmark's `test`.
func ParsePairedTest(w string) (PairedTest, bool) {
	i, ok := parseWord(PairedTestWords, w)
	return PairedTest(i), ok
}
