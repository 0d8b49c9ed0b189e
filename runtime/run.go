package runtime

import (
	"context"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
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
func Run(ctx context.Context, eng engine.Engine, pkg *model.Package) (*report.Report, diag.List) {
	return RunWith(ctx, eng, pkg, Options{})
}

// RunWith is Run with options.
func RunWith(ctx context.Context, eng engine.Engine, pkg *model.Package, opt Options) (*report.Report, diag.List) {
	d := eng.Dialect()
	var diags diag.List
	for _, s := range TargetSources(pkg) {
		diags = append(diags, ValidateSource(ctx, eng, d, s)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	rep := &report.Report{Targets: []*report.Target{}}
	for _, e := range pkg.Targets {
		plan, err := compiler.Compile(e, d)
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "%v", err)
			continue
		}
		t, err := RunExperiment(ctx, eng, plan)
		if err != nil {
			diags.Errorf(diag.EQuery, e.Span, "%v", err)
			continue
		}
		diags = append(diags, ClusterHints(ctx, eng, d, e)...)
		rep.Targets = append(rep.Targets, t)
	}
	for _, b := range pkg.BenchmarkTargets {
		plan, err := compiler.CompileBenchmark(b, d)
		if err != nil {
			diags.Errorf(diag.EQuery, b.Span, "%v", err)
			continue
		}
		t, err := RunBenchmark(ctx, eng, plan, opt.PerQuery)
		if err != nil {
			diags.Errorf(diag.EQuery, b.Span, "%v", err)
			continue
		}
		rep.Targets = append(rep.Targets, t)
	}
	return rep, diags
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
	for _, e := range pkg.Targets {
		add(e.Exposures)
		for _, s := range e.MetricSources() {
			add(s)
		}
	}
	return out
}
