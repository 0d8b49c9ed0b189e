// Package portfolio reviews every experiment in a results store at once
// (`caliper portfolio`): per metric, the meta-analysis of its effects
// across experiments, the cumulative impact of the shipped launches with
// the winner's-curse correction (Lee & Shen 2018), its gap to a
// long-running holdout (the "leak"), and the metric's health (how often it
// moves, how sensitive it is). The statistics are runtime/stats; this
// package picks the rows and says, for every figure it cannot estimate,
// why (null with a reason, never 0).
package portfolio

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
	"github.com/caliper-dev/caliper/runtime/store"
)

// Options select the runs and set the estimators.
type Options struct {
	// Store names the results store in messages and the report.
	Store string
	// Since and Until keep runs made in [Since, Until) (zero: no bound).
	Since, Until time.Time
	// Metric keeps one metric ("" every metric).
	Metric string
	// Holdout names the target whose control is the long-running holdout
	// ("" takes every experiment whose control variant is "holdout").
	Holdout string
	// Replicates is the number of bootstrap draws (0: DefaultReplicates;
	// otherwise MinReplicates to MaxReplicates) and Seed their seed (the
	// same store gives the same intervals).
	Replicates int
	Seed       uint64
	// Alpha sets every interval's level 1 − Alpha (default 0.05); Power
	// the power the MDE is computed for (default 0.8).
	Alpha, Power float64
}

// MinExperiments is the least number of experiments on a metric that a
// portfolio review needs (a meta-analysis needs two).
const MinExperiments = stats.MetaMinStudies

// ErrRefused marks input the review refuses (empty store, too few
// experiments, an unknown metric): errors.Is(err, ErrRefused) holds for
// them, and the CLI prints the message and exits 1. The message is the
// reason alone, without this marker's text.
var ErrRefused = errors.New("portfolio refused")

// MinReplicates and MaxReplicates bound Options.Replicates (0 takes
// DefaultReplicates): fewer draws give a percentile interval that is
// mostly noise (one draw gives an interval of zero width), more only
// cost time.
const (
	MinReplicates     = 100
	MaxReplicates     = 1_000_000
	DefaultReplicates = 2000
)

// refusal is a refused review: its text is the reason alone, and it is
// ErrRefused for errors.Is.
type refusal struct{ msg string }

func (r *refusal) Error() string        { return r.msg }
func (r *refusal) Is(target error) bool { return target == ErrRefused }

// ReplicatesRange says which replicate counts Build takes.
var ReplicatesRange = fmt.Sprintf("the bootstrap takes %d to %d replicates (default %d); fewer give an interval that is mostly noise", MinReplicates, MaxReplicates, DefaultReplicates)

func refuse(format string, args ...any) error {
	return &refusal{msg: fmt.Sprintf(format, args...)}
}

// Build reviews the entries of a store (store.History with an empty
// target), keeping the latest run of each target in the window.
func Build(entries []store.Entry, opts Options) (*Portfolio, error) {
	switch {
	case opts.Replicates == 0:
		opts.Replicates = DefaultReplicates
	case opts.Replicates < MinReplicates || opts.Replicates > MaxReplicates:
		return nil, refuse("%d bootstrap replicates: %s", opts.Replicates, ReplicatesRange)
	}
	if opts.Alpha <= 0 {
		opts.Alpha = 0.05
	}
	if opts.Power <= 0 {
		opts.Power = 0.8
	}
	if len(entries) == 0 {
		return nil, refuse("results store %s holds no runs: store some with `caliper run PATH --store %s`", opts.Store, opts.Store)
	}
	p := &Portfolio{Store: opts.Store, Alpha: result.Num(opts.Alpha), Replicates: opts.Replicates,
		Metrics: []*Metric{}, Experiments: []*Experiment{}, Notes: []string{}}
	if !opts.Since.IsZero() {
		p.Since = opts.Since.UTC().Format(time.RFC3339)
	}
	if !opts.Until.IsZero() {
		p.Until = opts.Until.UTC().Format(time.RFC3339)
	}

	// The latest run of each experiment target in the window.
	latest := map[string]*store.Run{}
	runs := map[string]bool{}
	var first, last time.Time   // of every experiment run, in the window or not
	others := map[string]bool{} // kinds of the other targets stored
	for _, e := range entries {
		if e.Row.TargetKind != "experiment" {
			others[e.Row.TargetKind] = true
			continue
		}
		t := e.Run.Time
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
		if (!opts.Since.IsZero() && t.Before(opts.Since)) || (!opts.Until.IsZero() && !t.Before(opts.Until)) {
			continue
		}
		runs[e.Run.ID] = true
		if r := latest[e.Row.Target]; r == nil || e.Run.Seq > r.Seq {
			latest[e.Row.Target] = e.Run
		}
	}
	p.RunsRead = len(runs)
	if len(latest) == 0 {
		window := ""
		if (p.Since != "" || p.Until != "") && !first.IsZero() {
			// Say where the runs are, so a --since in the future or a
			// mistyped year shows.
			return nil, refuse("results store %s holds no experiment runs in the window asked for: its experiment runs were made from %s to %s", opts.Store,
				first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339))
		}
		if p.Since != "" || p.Until != "" {
			window = " in the window asked for"
		}
		if len(others) > 0 && window == "" {
			var kinds []string
			for k := range others {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			return nil, refuse("results store %s holds no experiment runs, only runs of %s targets: the review reads experiments (their effects, launches and metrics)", opts.Store, strings.Join(kinds, ", "))
		}
		return nil, refuse("results store %s holds no experiment runs%s: store some with `caliper run PATH --store %s`", opts.Store, window, opts.Store)
	}

	// One study per target, variant and metric: the overall row.
	type key struct{ target, variant string }
	exps := map[key]*Experiment{}
	var order []key
	byMetric := map[string][]*Study{}
	var metricOrder []string
	stored := map[string]bool{} // every experiment metric, for a suggestion
	for _, e := range entries {
		r := &e.Row
		if r.TargetKind != "experiment" || latest[r.Target] != e.Run || !r.Overall() || r.Timeline != "" {
			continue
		}
		k := key{r.Target, r.Variant}
		x := exps[k]
		if x == nil {
			x = &Experiment{Target: r.Target, Variant: r.Variant, Control: r.Control, RunID: e.Run.ID,
				RunTime: e.Run.Time.UTC().Format(time.RFC3339), Decision: r.Decision}
			x.Holdout = isHoldout(r, opts.Holdout)
			exps[k] = x
			order = append(order, k)
		}
		if r.Role == "primary" {
			x.Primary = r.Metric
			if r.Significant && r.Estimate != nil {
				x.primaryGood = (*r.Estimate > 0) == (r.Direction != "decrease")
			}
		}
		stored[r.Metric] = true
		if opts.Metric != "" && r.Metric != opts.Metric {
			continue
		}
		if _, ok := byMetric[r.Metric]; !ok {
			metricOrder = append(metricOrder, r.Metric)
		}
		byMetric[r.Metric] = append(byMetric[r.Metric], newStudy(r, x))
	}
	for _, k := range order {
		p.Experiments = append(p.Experiments, exps[k])
	}
	if opts.Holdout != "" && !anyTarget(p.Experiments, opts.Holdout) {
		var targets []string
		for _, x := range p.Experiments {
			targets = append(targets, x.Target)
		}
		return nil, refuse("--holdout %s: no experiment target of that name in results store %s%s", opts.Holdout, opts.Store, suggest(opts.Holdout, targets))
	}
	p.Decisions = decisions(p.Experiments)
	in := func(r *store.Run) bool {
		t := r.Time
		return (opts.Since.IsZero() || !t.Before(opts.Since)) && (opts.Until.IsZero() || t.Before(opts.Until))
	}
	p.Velocity = velocity(entries, in, p.Experiments, decisionTimes(entries, in, p.Experiments))

	// Every stored run of a holdout in the window, by metric: its effect
	// over time.
	holdRuns := map[string][]holdoutObs{}
	for _, e := range entries {
		r := &e.Row
		if r.TargetKind != "experiment" || !in(e.Run) || !r.Overall() || r.Timeline != "" || !isHoldout(r, opts.Holdout) {
			continue
		}
		holdRuns[r.Metric] = append(holdRuns[r.Metric], holdoutObs{run: e.Run, row: r})
	}

	sort.Strings(metricOrder)
	enough := 0
	for _, name := range metricOrder {
		m := buildMetric(name, byMetric[name], holdRuns[name], opts)
		if m.Experiments >= MinExperiments {
			enough++
		}
		p.Metrics = append(p.Metrics, m)
	}
	if opts.Metric != "" {
		if len(p.Metrics) == 0 {
			var names []string
			for n := range stored {
				names = append(names, n)
			}
			return nil, refuse("metric %s has no experiment results in results store %s%s", opts.Metric, opts.Store, suggest(opts.Metric, names))
		}
		if m := p.Metrics[0]; m.Experiments < MinExperiments {
			return nil, refuse("metric %s has %d experiment(s) with an estimate in results store %s: a portfolio review needs at least %d experiments measuring it (the holdout does not count)",
				m.Name, m.Experiments, opts.Store, MinExperiments)
		}
	}
	if enough == 0 {
		return nil, refuse("no metric has %d or more experiments with an estimate in results store %s (the holdout does not count): a portfolio review needs at least %d experiments measuring a metric",
			MinExperiments, opts.Store, MinExperiments)
	}
	p.Notes = append(reanalysisNotes(p.Metrics),
		"Each stored target counts as one experiment on a metric, unless it has the same units in each arm and the same estimate as another (then it counts once); a reanalysis with other filters still counts as a separate experiment.",
		"Relative effects are summed (log(1+x) ≈ x for small lifts).")
	return p, nil
}

// suggest is " (did you mean X?)" for a near miss among names, else
// " (the store has A, B, ...)" listing up to ten of them, else "".
func suggest(name string, names []string) string {
	if s := diag.Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", s)
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	more := ""
	if len(names) > 10 {
		names, more = names[:10], ", ..."
	}
	return fmt.Sprintf(" (the store has %s%s)", strings.Join(names, ", "), more)
}

// isHoldout reports whether the row belongs to a long-running holdout:
// a target whose control variant is "holdout", or the one named with
// --holdout. Holdouts are compared with the launches, never counted
// among them.
func isHoldout(r *store.Row, name string) bool {
	return r.Target == name || strings.EqualFold(r.Control, "holdout")
}

func anyTarget(xs []*Experiment, name string) bool {
	for _, x := range xs {
		if x.Target == name {
			return true
		}
	}
	return false
}

func decisions(xs []*Experiment) Decisions {
	d := Decisions{Counts: map[string]int{}, Shares: map[string]result.Num{}}
	for _, x := range xs {
		if x.Holdout {
			continue
		}
		d.Experiments++
		o := x.Decision
		if o == "" {
			o = "none"
		}
		d.Counts[o]++
	}
	for o, n := range d.Counts {
		d.Shares[o] = result.Num(float64(n) / float64(d.Experiments))
	}
	return d
}

func newStudy(r *store.Row, x *Experiment) *Study {
	s := &Study{Target: r.Target, Variant: r.Variant, Role: r.Role, Decision: r.Decision,
		Units: r.ControlUnits + r.TreatmentUnits, Significant: r.Significant,
		controlUnits: r.ControlUnits, treatmentUnits: r.TreatmentUnits,
		Absolute: effect(r.Estimate, r.CILower, r.CIUpper, r.StdError),
		PValue:   store.Num(r.PValue), holdout: x.Holdout, exp: x, direction: r.Direction, alpha: r.Alpha, kind: r.MetricKind}
	s.Relative = effect(r.RelEstimate, r.RelCILower, r.RelCIUpper, r.RelStdError)
	if s.Absolute == nil {
		s.NotEstimable = "no estimate stored for this experiment"
	}
	return s
}

func effect(est, lo, hi, se *float64) *Effect {
	if est == nil || se == nil || math.IsNaN(*est) || math.IsNaN(*se) {
		return nil
	}
	return &Effect{Estimate: result.Num(*est), StdError: result.Num(*se), CILower: store.Num(lo), CIUpper: store.Num(hi)}
}

// holdoutObs is one stored run's row of a holdout.
type holdoutObs struct {
	run *store.Run
	row *store.Row
}

func buildMetric(name string, studies []*Study, holdRuns []holdoutObs, opts Options) *Metric {
	m := &Metric{Name: name, Studies: []*Study{}, Reanalyses: []*Study{}}
	var hold []*Study
	for _, s := range studies {
		if s.holdout {
			// With --holdout, the comparison is with that target alone.
			if opts.Holdout == "" || s.Target == opts.Holdout {
				hold = append(hold, s)
			}
			continue
		}
		if first := repeats(m.Studies, s); first != nil {
			s.SameAs = first.Target + "/" + first.Variant
			m.Reanalyses = append(m.Reanalyses, s)
			continue
		}
		m.Studies = append(m.Studies, s)
		if m.Direction == "" {
			m.Direction, m.Kind = s.direction, s.kind
		}
		if s.Absolute != nil {
			m.Experiments++
		}
	}
	if m.Direction == "" && len(hold) > 0 {
		m.Direction, m.Kind = hold[0].direction, hold[0].kind
	}
	m.Meta = &MetaScales{
		Relative: metaBlock(m.Studies, func(s *Study) *Effect { return s.Relative }, opts.Alpha),
		Absolute: metaBlock(m.Studies, func(s *Study) *Effect { return s.Absolute }, opts.Alpha),
	}
	m.Impact = impact(name, m, opts)
	m.Holdout = holdoutComparison(m, hold, holdRuns, opts)
	m.Health = health(m, opts)
	return m
}

// repeats is the study among studies that s repeats: the same units in
// each arm and the same estimate and standard error, which independent
// experiments do not produce (two targets reading one experiment's
// exposures, such as a gated or decomposed reanalysis). Counting both
// would double the experiment's weight and make Q look homogeneous.
func repeats(studies []*Study, s *Study) *Study {
	if s.Absolute == nil {
		return nil
	}
	for _, t := range studies {
		if t.Absolute != nil && t.controlUnits == s.controlUnits && t.treatmentUnits == s.treatmentUnits &&
			t.Absolute.Estimate == s.Absolute.Estimate && t.Absolute.StdError == s.Absolute.StdError {
			return t
		}
	}
	return nil
}

// reanalysisNotes says, per repeating target, which study it repeats and
// on which metrics.
func reanalysisNotes(metrics []*Metric) []string {
	type pair struct{ s, first string }
	on := map[pair][]string{}
	var order []pair
	for _, m := range metrics {
		for _, s := range m.Reanalyses {
			k := pair{s.Target + "/" + s.Variant, s.SameAs}
			if on[k] == nil {
				order = append(order, k)
			}
			on[k] = append(on[k], m.Name)
		}
	}
	var out []string
	for _, k := range order {
		out = append(out, fmt.Sprintf("%s has the same units and estimates as %s on %s: the same experiment analysed twice, counted once (as %s).",
			k.s, k.first, strings.Join(on[k], ", "), k.first))
	}
	return out
}

// metaBlock fits the three models on one scale, or says why not.
func metaBlock(studies []*Study, eff func(*Study) *Effect, alpha float64) *Meta {
	var in []stats.MetaStudy
	for _, s := range studies {
		if e := eff(s); e != nil {
			in = append(in, stats.MetaStudy{Label: s.Target + "/" + s.Variant, Estimate: float64(e.Estimate), StdError: float64(e.StdError)})
		}
	}
	out := &Meta{}
	fe := stats.MetaAnalysis(in, stats.MetaFE, alpha)
	out.K = fe.K
	if !fe.Estimable() {
		out.NotEstimable = fe.Problem
		return out
	}
	out.Q, out.QDF, out.QPValue = num(fe.Q), num(fe.QDF), num(fe.QPValue)
	out.FixedEffect = pooled(fe)
	out.DerSimonianLaird = pooled(stats.MetaAnalysis(in, stats.MetaDL, alpha))
	out.REML = pooled(stats.MetaAnalysis(in, stats.MetaREML, alpha))
	return out
}

func pooled(f stats.MetaFit) *Pooled {
	p := &Pooled{Method: string(f.Method)}
	if !f.Estimable() {
		p.NotEstimable = f.Problem
		return p
	}
	p.Estimate, p.StdError, p.Z, p.PValue = num(f.Estimate), num(f.StdError), num(f.Z), num(f.PValue)
	p.CILower, p.CIUpper = num(f.Lower), num(f.Upper)
	p.I2, p.H2 = num(f.I2), num(f.H2)
	if f.HasTau2 {
		p.Tau2, p.Tau2SE = num(f.Tau2), num(f.Tau2SE)
	} else {
		p.Tau2Reason = "the fixed-effect model assumes one common effect (no between-experiment variance)"
	}
	if f.HasPrediction {
		p.PredictionLower, p.PredictionUpper = num(f.PredLower), num(f.PredUpper)
	} else {
		p.PredictionReason = "the fixed-effect model assumes one common effect: a new experiment's effect is its confidence interval"
	}
	return p
}

func num(v float64) *result.Num {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	n := result.Num(v)
	return &n
}

// impact sums the shipped launches' effects and corrects the sum for
// their selection, on both scales.
func impact(name string, m *Metric, opts Options) *Impact {
	imp := &Impact{Launches: []string{}, Blocked: []string{}}
	var shipped, candidates []*Study
	otherPrimary := map[string]bool{}
	for _, s := range m.Studies {
		if s.Absolute == nil {
			continue
		}
		if s.Decision == "ship" {
			shipped = append(shipped, s)
			if s.Role != "primary" {
				otherPrimary[s.Target+"/"+s.Variant] = true
			}
		}
		if s.Role == "primary" && s.Decision != "invalid" {
			// A launch that cleared the threshold but did not ship was
			// stopped by another criterion (a guardrail, a decision
			// rule): selection on this metric alone does not describe
			// it, so it leaves the pool rather than count as a launch the
			// bootstrap would ship.
			if s.Decision != "ship" && s.Significant && (float64(s.Absolute.Estimate) > 0) == (m.Direction != "decrease") {
				imp.Blocked = append(imp.Blocked, s.Target+"/"+s.Variant)
				continue
			}
			candidates = append(candidates, s)
		}
	}
	imp.Shipped = len(shipped)
	for _, s := range shipped {
		imp.Launches = append(imp.Launches, s.Target+"/"+s.Variant)
	}
	if len(shipped) == 0 {
		imp.NotEstimable = "no experiment that measured this metric shipped"
		return imp
	}
	reason := ""
	switch {
	case len(otherPrimary) > 0:
		reason = fmt.Sprintf("not a selection metric: %s shipped on another primary metric, and the winner's-curse correction needs launches selected on this one", joinSorted(otherPrimary))
	case m.Direction != "increase" && m.Direction != "decrease":
		reason = "the metric has no direction, so a launch's selection threshold is unknown"
	}
	imp.Candidates = len(candidates)
	sign := 1.0
	if m.Direction == "decrease" {
		sign = -1
	}
	seed := opts.Seed ^ hash(name)
	scale := func(eff func(*Study) *Effect, seed uint64) *Cumulative {
		c := &Cumulative{}
		var sum, v float64
		for _, s := range shipped {
			e := eff(s)
			if e == nil {
				c.NotEstimable = fmt.Sprintf("%s/%s has no effect on this scale", s.Target, s.Variant)
				return c
			}
			sum += float64(e.Estimate)
			v += float64(e.StdError) * float64(e.StdError)
		}
		z := stats.NormalQuantile(1 - opts.Alpha/2)
		c.Naive, c.NaiveSE = num(sum), num(math.Sqrt(v))
		c.NaiveCILower, c.NaiveCIUpper = num(sum-z*math.Sqrt(v)), num(sum+z*math.Sqrt(v))
		if reason != "" {
			c.CorrectedReason = reason
			c.OverTime, _ = overTime(shipped, nil, eff, sign, reason, opts, seed)
			return c
		}
		var used []*Study
		for _, s := range candidates {
			if eff(s) != nil {
				used = append(used, s)
			}
		}
		var w stats.WinnersCurse
		c.OverTime, w = overTime(shipped, used, eff, sign, "", opts, seed)
		if !w.Estimable() {
			c.CorrectedReason = w.Problem
			return c
		}
		c.Bias = num(sign * w.Bias)
		c.Corrected = num(sign * w.Corrected)
		lo, hi := sign*w.Lower, sign*w.Upper
		c.CILower, c.CIUpper = num(math.Min(lo, hi)), num(math.Max(lo, hi))
		c.draws = make([]float64, len(w.Draws))
		for i, d := range w.Draws {
			c.draws[i] = sign * d
		}
		return c
	}
	imp.Relative = scale(func(s *Study) *Effect { return s.Relative }, seed)
	imp.Absolute = scale(func(s *Study) *Effect { return s.Absolute }, seed+1)
	return imp
}

// candidate is a study as a candidate of the winner's-curse correction,
// oriented so that an improvement is positive.
func candidate(s *Study, e *Effect, sign float64, opts Options) stats.Candidate {
	alpha := s.alpha
	if alpha <= 0 {
		alpha = opts.Alpha
	}
	return stats.Candidate{Label: s.Target + "/" + s.Variant, Estimate: sign * float64(e.Estimate),
		StdError: float64(e.StdError), Threshold: stats.NormalQuantile(1 - alpha/2), Shipped: s.Decision == "ship"}
}

// overTime is the cumulative impact after each decision time from the
// first launch on: the launches shipped by then, naive and (with no
// reason against it) corrected from the candidates decided by then, and
// the correction over every candidate (the overall figure). The
// candidates are taken in the order they were decided, so one set of
// bootstrap draws serves every step (stats.CorrectWinnersCurseSteps) and
// the last step is the overall figure.
func overTime(shipped, candidates []*Study, eff func(*Study) *Effect, sign float64, reason string, opts Options, seed uint64) ([]*CumulativeStep, stats.WinnersCurse) {
	steps := []*CumulativeStep{}
	candidates = append([]*Study(nil), candidates...)
	sort.SliceStable(candidates, func(i, j int) bool { return candidates[i].exp.decided.Before(candidates[j].exp.decided) })
	var in []stats.Candidate
	for _, s := range candidates {
		in = append(in, candidate(s, eff(s), sign, opts))
	}
	if len(shipped) == 0 {
		return steps, stats.CorrectWinnersCurse(in, opts.Alpha, opts.Replicates, seed)
	}
	first := shipped[0].exp.decided
	for _, s := range shipped {
		if s.exp.decided.Before(first) {
			first = s.exp.decided
		}
	}
	// The decision times from the first launch on, and who was decided.
	decided := map[time.Time][]string{}
	var times []time.Time
	note := func(s *Study) {
		t := s.exp.decided
		if t.Before(first) {
			return
		}
		label := s.Target + "/" + s.Variant
		if _, ok := decided[t]; !ok {
			times = append(times, t)
		}
		for _, l := range decided[t] {
			if l == label {
				return
			}
		}
		decided[t] = append(decided[t], label)
	}
	for _, s := range shipped {
		note(s)
	}
	for _, s := range candidates {
		note(s)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	// Step k covers the candidates decided by times[k]; a last step
	// covers them all.
	var ends []int
	n := 0
	for _, t := range times {
		for n < len(candidates) && !candidates[n].exp.decided.After(t) {
			n++
		}
		ends = append(ends, n)
	}
	ends = append(ends, len(candidates))
	var fits []stats.WinnersCurse
	if reason == "" {
		fits = stats.CorrectWinnersCurseSteps(in, ends, opts.Alpha, opts.Replicates, seed)
	}
	z := stats.NormalQuantile(1 - opts.Alpha/2)
	for k, t := range times {
		st := &CumulativeStep{Time: t.UTC().Format(time.RFC3339), Decided: decided[t]}
		sort.Strings(st.Decided)
		var sum, v float64
		for _, s := range shipped {
			if !s.exp.decided.After(t) {
				e := eff(s)
				st.Shipped++
				sum += float64(e.Estimate)
				v += float64(e.StdError) * float64(e.StdError)
			}
		}
		st.Naive, st.NaiveCILower, st.NaiveCIUpper = num(sum), num(sum-z*math.Sqrt(v)), num(sum+z*math.Sqrt(v))
		if reason != "" {
			st.CorrectedReason = reason
			steps = append(steps, st)
			continue
		}
		w := fits[k]
		st.Candidates = ends[k]
		if !w.Estimable() {
			st.CorrectedReason = w.Problem
		} else {
			st.Corrected = num(sign * w.Corrected)
			lo, hi := sign*w.Lower, sign*w.Upper
			st.CILower, st.CIUpper = num(math.Min(lo, hi)), num(math.Max(lo, hi))
		}
		steps = append(steps, st)
	}
	if reason != "" {
		return steps, stats.WinnersCurse{Problem: reason}
	}
	return steps, fits[len(fits)-1]
}

func joinSorted(set map[string]bool) string {
	var xs []string
	for x := range set {
		xs = append(xs, x)
	}
	sort.Strings(xs)
	return strings.Join(xs, ", ")
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// holdoutComparison sets the corrected cumulative impact against the
// holdout's measured effect: the gap (corrected − holdout) is the leak,
// its interval from the correction's bootstrap draws minus normal draws
// of the holdout's estimate.
func holdoutComparison(m *Metric, hold []*Study, runs []holdoutObs, opts Options) *HoldoutComparison {
	if len(hold) == 0 {
		return nil
	}
	h := &HoldoutComparison{Target: hold[0].Target, Variant: hold[0].Variant, OverTime: []*HoldoutRun{}}
	if len(hold) > 1 {
		h.NotEstimable = fmt.Sprintf("%d holdout results on this metric (%s/%s, %s/%s, ...): name one with --holdout", len(hold),
			hold[0].Target, hold[0].Variant, hold[1].Target, hold[1].Variant)
		return h
	}
	s := hold[0]
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].run.Seq < runs[j].run.Seq })
	for _, o := range runs {
		if o.row.Target != s.Target || o.row.Variant != s.Variant {
			continue
		}
		r := o.row
		h.OverTime = append(h.OverTime, &HoldoutRun{RunID: o.run.ID, Time: o.run.Time.UTC().Format(time.RFC3339),
			Relative: effect(r.RelEstimate, r.RelCILower, r.RelCIUpper, r.RelStdError),
			Absolute: effect(r.Estimate, r.CILower, r.CIUpper, r.StdError)})
	}
	h.Relative = gap(m.Impact.Relative, s.Relative, opts, hash(m.Name)^0x5bd1e995)
	h.Absolute = gap(m.Impact.Absolute, s.Absolute, opts, hash(m.Name)^0x1b873593)
	if m.Impact.NotEstimable != "" {
		h.NotEstimable = m.Impact.NotEstimable
	}
	return h
}

func gap(c *Cumulative, held *Effect, opts Options, seed uint64) *Gap {
	g := &Gap{}
	if held == nil {
		g.NotEstimable = "the holdout has no effect on this scale"
		return g
	}
	g.Holdout = &Effect{Estimate: held.Estimate, StdError: held.StdError, CILower: held.CILower, CIUpper: held.CIUpper}
	if c == nil {
		g.NotEstimable = "no shipped launch to compare with"
		return g
	}
	if c.NotEstimable != "" {
		g.NotEstimable = c.NotEstimable
		return g
	}
	hv, hs := float64(held.Estimate), float64(held.StdError)
	z := stats.NormalQuantile(1 - opts.Alpha/2)
	if c.Naive != nil {
		d := float64(*c.Naive) - hv
		se := math.Sqrt(float64(*c.NaiveSE)*float64(*c.NaiveSE) + hs*hs)
		g.NaiveGap, g.NaiveCILower, g.NaiveCIUpper = num(d), num(d-z*se), num(d+z*se)
	}
	if c.Corrected == nil {
		g.LeakReason = "the shipped impact has no corrected sum to compare"
		return g
	}
	g.Leak = num(float64(*c.Corrected) - hv)
	rng := rand.New(rand.NewPCG(seed, 0x632be59bd9b4e019))
	d := make([]float64, len(c.draws))
	for i, x := range c.draws {
		d[i] = x - (hv + hs*rng.NormFloat64())
	}
	sort.Float64s(d)
	g.LeakCILower, g.LeakCIUpper = num(stats.SortedQuantile(d, opts.Alpha/2)), num(stats.SortedQuantile(d, 1-opts.Alpha/2))
	return g
}

// health says how often the metric moves and how small a change it can
// see.
func health(m *Metric, opts Options) *Health {
	h := &Health{Experiments: m.Experiments, Flags: []string{}, AgainstPrimary: []string{}}
	var relSE []float64
	var units []float64
	type pair struct{ se, n float64 }
	var pairs []pair
	for _, s := range m.Studies {
		if s.Absolute == nil {
			continue
		}
		if s.Significant {
			h.Moved++
			good := float64(s.Absolute.Estimate) > 0
			if m.Direction == "decrease" {
				good = !good
			}
			if good {
				h.MovedGood++
			} else {
				h.MovedBad++
			}
			if !good && s.Role != "primary" && primaryMovedGood(s, m) {
				h.AgainstPrimary = append(h.AgainstPrimary, s.Target+"/"+s.Variant)
			}
		}
		if s.Relative != nil && s.Units > 0 {
			relSE = append(relSE, float64(s.Relative.StdError))
			units = append(units, float64(s.Units))
			pairs = append(pairs, pair{float64(s.Relative.StdError), float64(s.Units)})
		}
	}
	if h.Experiments > 0 {
		h.MovedShare = num(float64(h.Moved) / float64(h.Experiments))
	}
	if len(relSE) == 0 {
		h.SensitivityReason = "no experiment has a relative standard error for this metric"
	} else {
		h.MedianRelStdError = num(median(relSE))
		nMed := median(units)
		h.MedianUnits = num(nMed)
		var scaled []float64
		for _, p := range pairs {
			scaled = append(scaled, p.se*math.Sqrt(p.n/nMed))
		}
		mde := (stats.NormalQuantile(1-opts.Alpha/2) + stats.NormalQuantile(opts.Power)) * median(scaled)
		h.RelativeMDE = num(mde)
		h.Power = result.Num(opts.Power)
	}
	if h.Experiments >= MinExperiments && h.Moved == 0 {
		h.Flags = append(h.Flags, "never_moves")
	}
	if len(h.AgainstPrimary) > 0 {
		h.Flags = append(h.Flags, "moves_against_primary")
	}
	return h
}

// primaryMovedGood reports whether the study's experiment moved its
// primary metric significantly in the primary's good direction.
func primaryMovedGood(s *Study, m *Metric) bool {
	return s.exp != nil && s.exp.primaryGood
}

func median(x []float64) float64 {
	y := append([]float64(nil), x...)
	sort.Float64s(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return (y[n/2-1] + y[n/2]) / 2
}
