package model

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
)

// Rollout is a checked rollout: groups (markets, surfaces) adopt a change
// at different times, and the change's effect is estimated by difference
// in differences from a group × period panel of each metric, computed from
// the rows with the metric's own definition (the group and period taking
// the place of the unit).
type Rollout struct {
	Name        string
	Span        source.Span
	Title       string
	Owner       string
	Description string
	// Rows is the panel's source (with a time column); Group and Adopted
	// are its columns (Adopted a timestamp or date).
	Rows *Source
	// Filter is the rows' `where` (`rows S where P`), or nil: rows it
	// rejects are in no cell.
	Filter         RowExpr
	Group, Adopted *Column
	// Period is "day" or "week" (weeks from Monday 00:00 UTC).
	Period string
	// Pre and Post are the event times reported, in periods: −Pre .. Post−1.
	Pre, Post int
	// Comparison is "not_yet" or "never".
	Comparison string
	// Metrics are the primary and secondary metrics.
	Metrics []*MetricUse
	Alpha   float64
	// Launch holds the requirements; nil means the default rule (every
	// primary metric improves).
	Launch []*Requirement
	Decl   *ast.Decl
}

// PeriodSeconds is the length of one period.
func (r *Rollout) PeriodSeconds() int64 {
	if r.Period == "day" {
		return 86400
	}
	return 7 * 86400
}

// Requirements are the launch block's requirements, or the default rule:
// every primary metric improves.
func (r *Rollout) Requirements() []*Requirement {
	if r.Launch != nil {
		return r.Launch
	}
	var out []*Requirement
	for _, u := range r.Metrics {
		if u.Role == Primary {
			out = append(out, &Requirement{Kind: RequireImproves, Metric: u.Metric})
		}
	}
	return out
}
