package portfolio

import (
	"sort"
	"time"

	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/store"
)

// Velocity is how fast experiments move, from what the store keeps: each
// run's time, and calendar timeline periods (the only exposure times a
// store holds).
type Velocity struct {
	// PerMonth counts experiments (holdouts excluded) by the month
	// ("2026-07") of their first stored run in the window.
	PerMonth map[string]int `json:"experiments_per_month"`
	// MedianDaysToDecision is the median time from an experiment's first
	// exposure (the start of its first calendar timeline period) to the
	// first stored run that recorded its final decision; Measured counts
	// the experiments it is over.
	MedianDaysToDecision *result.Num `json:"median_days_to_decision"`
	Measured             int         `json:"median_days_measured_over"`
	DaysReason           string      `json:"median_days_to_decision_reason,omitempty"`
}

// decisionTimes finds when each experiment (holdouts excluded) was
// decided: the first stored run in the window that recorded its final
// decision. It returns those times by target and variant, and sets each
// experiment's decided time, the latest run's time standing in for an
// experiment without a decision.
func decisionTimes(entries []store.Entry, in func(*store.Run) bool, xs []*Experiment) map[string]time.Time {
	decided := map[string]time.Time{}
	final := map[string]string{}
	for _, x := range xs {
		if !x.Holdout && x.Decision != "" {
			final[x.Target+"\x00"+x.Variant] = x.Decision
		}
	}
	for _, e := range entries {
		r := &e.Row
		if r.TargetKind != "experiment" || !in(e.Run) {
			continue
		}
		k := r.Target + "\x00" + r.Variant
		if d, ok := final[k]; ok && r.Decision == d {
			if t, seen := decided[k]; !seen || e.Run.Time.Before(t) {
				decided[k] = e.Run.Time
			}
		}
	}
	for _, x := range xs {
		if x.Holdout {
			continue
		}
		t, ok := decided[x.Target+"\x00"+x.Variant]
		if !ok {
			t, _ = time.Parse(time.RFC3339, x.RunTime)
		}
		x.decided = t.UTC()
		x.DecidedAt = x.decided.Format(time.RFC3339)
	}
	return decided
}

// velocity reads the window's entries: first runs and calendar timeline
// starts per target, and the decision times (decisionTimes).
func velocity(entries []store.Entry, in func(*store.Run) bool, xs []*Experiment, decided map[string]time.Time) Velocity {
	v := Velocity{PerMonth: map[string]int{}}
	first := map[string]*store.Run{}
	start := map[string]time.Time{}
	for _, e := range entries {
		r := &e.Row
		if r.TargetKind != "experiment" || !in(e.Run) {
			continue
		}
		if f := first[r.Target]; f == nil || e.Run.Seq < f.Seq {
			first[r.Target] = e.Run
		}
		if r.Timeline != "" && r.PeriodStart != "" {
			if t, err := time.Parse("2006-01-02 15:04:05", r.PeriodStart); err == nil {
				if s, seen := start[r.Target]; !seen || t.Before(s) {
					start[r.Target] = t
				}
			}
		}
	}
	counted := map[string]bool{}
	var days []float64
	for _, x := range xs {
		if x.Holdout {
			continue
		}
		if !counted[x.Target] {
			counted[x.Target] = true
			if f := first[x.Target]; f != nil {
				v.PerMonth[f.Time.UTC().Format("2006-01")]++
			}
		}
		s, ok1 := start[x.Target]
		d, ok2 := decided[x.Target+"\x00"+x.Variant]
		if ok1 && ok2 && !d.Before(s) {
			days = append(days, d.Sub(s).Hours()/24)
		}
	}
	v.Measured = len(days)
	if len(days) == 0 {
		v.DaysReason = "no decided experiment has a calendar timeline, and the store keeps no other first-exposure time"
		return v
	}
	sort.Float64s(days)
	v.MedianDaysToDecision = num(median(days))
	return v
}
