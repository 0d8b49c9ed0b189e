package check

import (
	"errors"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// missingQueries are the `missing_queries` policies, from the field table.
var missingQueries = ast.Words(ast.KindBenchmark, "missing_queries")

// benchmark checks a benchmark declaration.
func (c *checker) benchmark(d *ast.Decl) *model.Benchmark {
	b := &model.Benchmark{Name: d.Name.Name, Span: d.Name.Sp, Alpha: 0.05,
		Title: stringField(d, "title"), Owner: stringField(d, "owner"), Description: stringField(d, "description")}
	src := func(key string) *model.Source {
		f := field(d, key)
		if f == nil {
			c.diags.Errorf(diag.EMissingField, d.Name.Sp, "benchmark `%s` has no `%s`", b.Name, key).
				Hint("name the source of the %s: %s %s", key, key, map[string]string{"judgments": "qrels", "runs": "runs"}[key])
			return nil
		}
		return c.sourceRef(f.Value.(*ast.Ident))
	}
	b.Judgments, b.Runs = src("judgments"), src("runs")
	column := func(key string, in []*model.Source, want func(types.Type) bool, what string) string {
		f := field(d, key)
		if f == nil {
			c.diags.Errorf(diag.EMissingField, d.Name.Sp, "benchmark `%s` has no `%s` column", b.Name, key).
				Hint("name the %s column: %s %s", key, key, map[string]string{"query": "query_id", "item": "doc_id", "relevance": "relevance", "score": "score", "model": "model"}[key])
			return ""
		}
		id := f.Value.(*ast.Ident)
		for _, s := range in {
			if s == nil {
				continue
			}
			col := s.Column(id.Name)
			if col == nil {
				c.unknownColumn(s, id)
				continue
			}
			if !want(col.Type) && col.Type != types.Invalid {
				c.diags.Errorf(diag.ETypeMismatch, id.Sp, "`%s` is %s in source `%s`; the %s column must be %s", id.Name, col.Type, s.Name, key, what)
			}
		}
		return id.Name
	}
	anyType := func(types.Type) bool { return true }
	numeric := func(t types.Type) bool { return t.IsNumeric() }
	both := []*model.Source{b.Judgments, b.Runs}
	b.Query = column("query", both, anyType, "")
	b.Item = column("item", both, anyType, "")
	b.Relevance = column("relevance", []*model.Source{b.Judgments}, numeric, "numeric")
	b.Score = column("score", []*model.Source{b.Runs}, numeric, "numeric")
	b.Model = column("model", []*model.Source{b.Runs}, anyType, "")
	if f := field(d, "baseline"); f != nil {
		b.Baseline = f.Value.(*ast.StringLit).Value
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "benchmark `%s` has no `baseline`", b.Name).
			Hint(`name the model to compare with: baseline "prod_v1"`)
	}
	if f := field(d, "metrics"); f != nil {
		seen := map[string]bool{}
		for _, m := range f.Value.(*ast.MetricRefList).Items {
			if ref, ok := c.offlineRef(m); ok && !seen[ref.String()] {
				seen[ref.String()] = true
				b.Metrics = append(b.Metrics, ref)
			}
		}
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "benchmark `%s` has no `metrics`", b.Name).
			Hint("list the offline metrics: metrics ndcg@10, mrr")
	}
	if f := field(d, "test"); f != nil {
		id := f.Value.(*ast.Ident)
		if v, ok := model.ParsePairedTest(id.Name); ok {
			b.Test = v
		} else {
			c.badWord(id, "paired test", model.PairedTestWords)
		}
	}
	if f := field(d, "missing_queries"); f != nil {
		id := f.Value.(*ast.Ident)
		switch id.Name {
		case "skip":
		case "zero":
			b.MissingZero = true
		default:
			c.badWord(id, "missing_queries policy", missingQueries)
		}
	}
	if f := field(d, "alpha"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 || n.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "alpha must be between 0 and 1, found %s", n.Text)
		} else {
			b.Alpha = n.Value
		}
	}
	c.benchmarkLaunch(d, b)
	return b
}

// offlineRef resolves an offline metric name such as ndcg@10.
func (c *checker) offlineRef(m *ast.MetricRef) (stdlib.OfflineRef, bool) {
	name := m.Name.Name
	if m.Cutoff != nil {
		name += "@" + m.Cutoff.Text
	}
	ref, err := stdlib.ParseOffline(name)
	if err != nil {
		var ne *stdlib.OfflineNameError
		dg := c.diags.Errorf(diag.EUnknownName, m.Sp, "%v", err)
		if errors.As(err, &ne) && ne.Hint != "" {
			dg.Message = ne.Problem
			dg.Hint("%s", ne.Hint)
		}
		return ref, false
	}
	return ref, true
}

// benchmarkLaunch checks a benchmark's launch block: improves, within and
// not worse on its metrics (srm does not apply offline).
func (c *checker) benchmarkLaunch(d *ast.Decl, b *model.Benchmark) {
	f := field(d, "launch")
	if f == nil {
		return
	}
	b.Launch = []*model.Requirement{}
	listed := map[string]bool{}
	for _, m := range b.Metrics {
		listed[m.String()] = true
	}
	for _, r := range f.Value.(*ast.Launch).Requires {
		if r.Verb == ast.VerbNone {
			c.diags.Errorf(diag.EBadValue, r.Sp, "a benchmark's requirement needs a metric and a verb").
				Hint("require ndcg@10 improves, require recall@100 within 1%%, or require mrr not worse (srm and guardrails are for experiments)")
			continue
		}
		if r.Verb == ast.VerbPreferred {
			c.diags.Errorf(diag.EBadValue, r.Sp, "`preferred` is an interleaving's requirement").
				Hint("in a benchmark: require ndcg@10 improves, require recall@100 within 1%%, or require mrr not worse")
			continue
		}
		ref, ok := c.offlineRef(r.Target)
		if !ok {
			continue
		}
		if !listed[ref.String()] {
			listed[ref.String()] = true
			b.Metrics = append(b.Metrics, ref)
		}
		req := &model.Requirement{Kind: model.RequirementKind(r.Verb), Offline: ref.String(), Span: r.Sp}
		if r.Within != nil {
			req.Within = r.Within.Value
		}
		b.Launch = append(b.Launch, req)
	}
}
