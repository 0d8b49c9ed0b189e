package runtime

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
)

// Options tune a run.
type Options struct {
	// PerQuery adds benchmarks' per-query values to the report.
	PerQuery bool
}

// Run validates the data of every source the package's targets read,
// then compiles, executes and analyses each target. Data problems are
// diagnostics (positioned at the declarations); nothing runs until every
// source checks out.
func Run(ctx context.Context, eng engine.Engine, pkg *model.Package) (*result.Report, diag.List) {
	return RunWith(ctx, eng, pkg, Options{})
}

// RunWith is Run with options.
func RunWith(ctx context.Context, eng engine.Engine, pkg *model.Package, opt Options) (*result.Report, diag.List) {
	d := eng.Dialect()
	var diags diag.List
	for _, s := range TargetSources(pkg) {
		diags = append(diags, ValidateSource(ctx, eng, d, s)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	rep := &result.Report{Targets: []*result.Target{}}
	add := func(t *result.Target, td diag.List) {
		diags = append(diags, td...)
		if t != nil {
			rep.Targets = append(rep.Targets, t)
		}
	}
	for _, e := range pkg.Targets {
		add(experimentTarget(ctx, eng, e))
	}
	for _, b := range pkg.BenchmarkTargets {
		add(benchmarkTarget(ctx, eng, b, opt))
	}
	for _, il := range pkg.InterleavingTargets {
		add(interleavingTarget(ctx, eng, il))
	}
	for _, r := range pkg.RolloutTargets {
		add(rolloutTarget(ctx, eng, r))
	}
	for _, cf := range pkg.CounterfactualTargets {
		add(counterfactualTarget(ctx, eng, cf))
	}
	return rep, diags
}

// experimentTarget checks an experiment's exposures, compiles and runs it:
// its result (nil when refused) and diagnostics.
func experimentTarget(ctx context.Context, eng engine.Engine, e *model.Experiment) (*result.Target, diag.List) {
	d := eng.Dialect()
	check, diags := CheckExposures(ctx, eng, d, e)
	if diags.HasErrors() {
		return nil, diags
	}
	plan, err := compiler.Compile(e, d)
	if err != nil {
		diags.Errorf(diag.EQuery, e.Span, "%v", err)
		return nil, diags
	}
	t, err := RunExperiment(ctx, eng, plan)
	var le *LimitError
	var re *engine.RowsError
	switch {
	case errors.As(err, &le):
		diags.Errorf(diag.ELimit, le.Span, "%s", le.Msg).Hint("%s", le.Hint)
		return nil, diags
	case errors.As(err, &re):
		diags.Errorf(diag.ELimit, e.Span, "experiment %s: %v", e.Name, re).
			Hint("a split or segment column with very many values multiplies the result rows; split by a coarser column")
		return nil, diags
	case err != nil:
		diags.Errorf(diag.EQuery, e.Span, "%v", err)
		return nil, diags
	}
	for k, v := range check.Excluded {
		t.Excluded[k] = v
	}
	if ad := emptyArms(e, t); ad.HasErrors() {
		return nil, append(diags, ad...)
	}
	diags = append(diags, coverageWarning(e, t)...)
	diags = append(diags, timelineWarning(e, t)...)
	diags = append(diags, ClusterHints(ctx, eng, d, e)...)
	return t, diags
}

// benchmarkTarget compiles and runs an offline benchmark.
func benchmarkTarget(ctx context.Context, eng engine.Engine, b *model.Benchmark, opt Options) (*result.Target, diag.List) {
	var diags diag.List
	plan, err := compiler.CompileBenchmark(b, eng.Dialect())
	if err == nil {
		var t *result.Target
		if t, err = RunBenchmark(ctx, eng, plan, opt.PerQuery); err == nil {
			return t, nil
		}
	}
	diags.Errorf(diag.EQuery, b.Span, "%v", err)
	return nil, diags
}

// interleavingTarget compiles and runs an interleaving, with its checks.
func interleavingTarget(ctx context.Context, eng engine.Engine, il *model.Interleaving) (*result.Target, diag.List) {
	var diags diag.List
	plan, err := compiler.CompileInterleaving(il, eng.Dialect())
	var t *result.Target
	if err == nil {
		t, err = RunInterleaving(ctx, eng, plan)
	}
	if err != nil {
		diags.Errorf(diag.EQuery, il.Span, "%v", err)
		return nil, diags
	}
	id := interleavingDiags(ctx, eng, il, t)
	if id.HasErrors() {
		return nil, id
	}
	return t, id
}

// rolloutTarget compiles and runs a rollout.
func rolloutTarget(ctx context.Context, eng engine.Engine, r *model.Rollout) (*result.Target, diag.List) {
	var diags diag.List
	plan, err := compiler.CompileRollout(r, eng.Dialect())
	var t *result.Target
	if err == nil {
		t, diags, err = RunRollout(ctx, eng, plan)
	}
	if err != nil {
		var ed diag.List
		ed.Errorf(diag.EQuery, r.Span, "%v", err)
		return nil, ed
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return t, diags
}

// counterfactualTarget compiles and runs a counterfactual; a refusal
// comes back as its diagnostics.
func counterfactualTarget(ctx context.Context, eng engine.Engine, cf *model.Counterfactual) (*result.Target, diag.List) {
	var diags diag.List
	plan, err := compiler.CompileCounterfactual(cf, eng.Dialect())
	var t *result.Target
	if err == nil {
		t, err = RunCounterfactual(ctx, eng, plan)
	}
	var refused cfRefusal
	if errors.As(err, &refused) {
		return nil, refused.diags
	}
	if err != nil {
		diags.Errorf(diag.EQuery, cf.Span, "%v", err)
		return nil, diags
	}
	return t, nil
}

// emptyArms reports the arms left without units once the analysis has
// made its exclusions (units exposed to several variants, incomplete
// windows): a comparison with an empty arm is not a result.
func emptyArms(e *model.Experiment, t *result.Target) diag.List {
	var diags diag.List
	if e.Factorial() {
		return diags
	}
	arms := append([]string{e.Control}, e.Treatments...)
	if len(e.Treatments) == 0 {
		arms = nil
		for v := range t.Units {
			arms = append(arms, v)
		}
		sort.Strings(arms)
	}
	for _, v := range arms {
		// A clustered design needs clusters in every arm too (its
		// statistics and sample-ratio check count clusters).
		if t.Units[v] > 0 && (e.Cluster == nil || t.Clusters[v] > 0) {
			continue
		}
		role, span := "treatment", e.TreatmentSpan(v)
		if v == e.Control {
			role, span = "control", e.Spans.Control
		}
		diags.Errorf(diag.EDataVariant, span, "experiment `%s`: the %s %q has no units left to analyse", e.Name, role, v).
			Hint("excluded: %s", excludedList(t.Excluded))
	}
	return diags
}

// excludedList renders the exclusion counts.
func excludedList(ex map[string]int64) string {
	var keys []string
	for k := range ex {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, ex[k]))
	}
	return strings.Join(parts, ", ")
}

// coverageWarning warns when units' windows run past the data and are
// analysed over the part observed (window_policy partial).
func coverageWarning(e *model.Experiment, t *result.Target) diag.List {
	var diags diag.List
	c := t.Coverage
	if c == nil || c.IncompleteUnits == 0 || e.WindowPolicy == model.WindowComplete {
		return diags
	}
	span, what := e.Spans.Window, "window"
	if e.Window == 0 {
		span, what = e.Spans.End, "end"
	}
	diags.Warnf(diag.WWindowPastData, span, "experiment `%s`: the %s runs past the data for %d of %d units (%.1f%%); the data end at %s",
		e.Name, what, c.IncompleteUnits, c.Units, 100*float64(c.Share), c.DataEnd).
		Hint("those units are analysed over part of their window: add `window_policy complete` to analyse only units whose whole window is observed, or wait for more data")
	return diags
}

// timelineWarning warns about a timeline that spans more periods (or
// exposure ages) than compiler.WarnTimelinePeriods: usually a far-off date
// in the data, below the cap that refuses the run.
func timelineWarning(e *model.Experiment, t *result.Target) diag.List {
	var diags diag.List
	n := 0
	for _, r := range t.Timeline {
		if r.Period != nil {
			n = max(n, *r.Period+1)
		}
	}
	if n <= compiler.WarnTimelinePeriods {
		return diags
	}
	diags.Warnf(diag.WLongTimeline, e.Spans.Timeline, "experiment `%s`: the timeline spans %d %s periods, more than %d (hard limit: %d)",
		e.Name, n, e.Timeline, compiler.WarnTimelinePeriods, compiler.MaxTimelinePeriods).
		Hint("a far-off date in the data stretches the timeline: check the data's first and last times, set the experiment's `end`, or use `timeline week`")
	return diags
}

// TargetSources lists the sources the targets read, in first-use order.
func TargetSources(pkg *model.Package) []*model.Source {
	var out []*model.Source
	seen := map[*model.Source]bool{}
	add := func(s *model.Source) {
		if s != nil && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, b := range pkg.BenchmarkTargets {
		add(b.Judgments)
		add(b.Runs)
	}
	for _, il := range pkg.InterleavingTargets {
		add(il.Rows)
	}
	for _, r := range pkg.RolloutTargets {
		add(r.Rows)
	}
	for _, cf := range pkg.CounterfactualTargets {
		for _, s := range cf.Sources() {
			add(s)
		}
	}
	for _, e := range pkg.Targets {
		add(e.Exposures)
		for _, s := range e.MetricSources() {
			add(s)
		}
	}
	return out
}
