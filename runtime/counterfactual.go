package runtime

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// CounterfactualData are the sufficient statistics a counterfactual's
// query returns: per model the off-policy sums, and the checks of the
// logged rows.
type CounterfactualData struct {
	Models                        []string
	Sums                          []stats.OffPolicySums
	MissingQ                      []float64
	LoggedRows, Requests, Invalid float64
	// Repeated counts candidate keys (model, request, action) held twice.
	Repeated float64
}

// RunCounterfactual executes a counterfactual's query and analyses it.
// Logged rows that cannot be used (a missing unit, request or reward, a
// propensity outside (0, 1]) and request ids logged twice are errors: a
// missing value is never read as 0.
func RunCounterfactual(ctx context.Context, eng engine.Engine, p *compiler.CounterfactualPlan) (*result.Target, error) {
	cf := p.Counterfactual
	tab, err := eng.Query(ctx, p.SQL)
	if err != nil {
		return nil, fmt.Errorf("counterfactual %s: %w", cf.Name, err)
	}
	data, err := readCounterfactual(fmt.Sprintf("the result of counterfactual %s", cf.Name), tab, p.Columns)
	if err != nil {
		return nil, fmt.Errorf("counterfactual %s: %w", cf.Name, err)
	}
	switch {
	case data.Invalid > 0:
		if d := cfInvalidRows(ctx, eng, cf, data.LoggedRows); len(d) > 0 {
			return nil, cfRefusal{d}
		}
		return nil, fmt.Errorf("counterfactual %s: %.0f of %.0f logged rows of `%s` have no unit (`%s`), request (`%s`), action (`%s`) or reward (`%s`), or a propensity (`%s`) outside (0, 1]; fix or filter them (a missing value is never read as 0)",
			cf.Name, data.Invalid, data.LoggedRows, cf.Logs.Name, cf.Unit, cf.Request, cf.Action, cf.Reward, cf.Propensity)
	case data.Repeated > 0:
		return nil, fmt.Errorf("counterfactual %s: %.0f (model, request, action) keys of `%s` appear more than once; each model scores each candidate once (deduplicate `%s`)",
			cf.Name, data.Repeated, cf.Candidates.Name, cf.Candidates.Name)
	case data.Requests < data.LoggedRows:
		return nil, fmt.Errorf("counterfactual %s: %.0f logged rows of `%s` repeat a request id (%.0f rows, %.0f distinct `%s`); each logged request is one decision",
			cf.Name, data.LoggedRows-data.Requests, cf.Logs.Name, data.LoggedRows, data.Requests, cf.Request)
	case len(data.Models) == 0:
		return nil, cfRefusal{cfNoCandidate(cf)}
	}
	if d := cfNoOverlap(ctx, eng, cf, data); len(d) > 0 {
		return nil, cfRefusal{d}
	}
	return AnalyzeCounterfactual(cf, data), nil
}

// readCounterfactual reads the query's result through the plan's column
// description: a missing column or a NULL is an error, never a 0.
func readCounterfactual(what string, tab *engine.Table, cols compiler.Columns) (*CounterfactualData, error) {
	rs, err := readResults(what, tab, cols)
	if err != nil {
		return nil, err
	}
	out := &CounterfactualData{}
	for _, row := range tab.Rows {
		m, err := rs.any(row, compiler.ColCfModel)
		if err != nil {
			return nil, err
		}
		var s stats.OffPolicySums
		rr := rs.reader(row)
		s.Units = rr.f(compiler.ColCfUnits)
		for k := 0; k < stats.OPComponents; k++ {
			s.Sum[k] = rr.f(compiler.CfSum(k))
			for l := k; l < stats.OPComponents; l++ {
				x := rr.f(compiler.CfCross(k, l))
				s.Cross[k][l], s.Cross[l][k] = x, x
			}
		}
		s.SumSqWeight = rr.f(compiler.ColCfSumSqWeight)
		s.MaxWeight = rr.f(compiler.ColCfMaxWeight)
		s.Clipped = rr.f(compiler.ColCfClipped)
		s.NeverTaken = rr.f(compiler.ColCfNeverTaken)
		mq := rr.f(compiler.ColCfMissingQ)
		out.LoggedRows = rr.f(compiler.ColCfLoggedRows)
		out.Requests = rr.f(compiler.ColCfRequests)
		out.Invalid = rr.f(compiler.ColCfInvalid)
		out.Repeated = rr.f(compiler.ColCfRepeated)
		if rr.err != nil {
			return nil, rr.err
		}
		out.Models = append(out.Models, m)
		out.Sums = append(out.Sums, s)
		out.MissingQ = append(out.MissingQ, mq)
	}
	return out, nil
}

func ptrEffect(e stats.Effect) *result.Effect {
	return &result.Effect{Estimate: result.Num(e.Estimate), CILower: result.Num(e.Lower), CIUpper: result.Num(e.Upper), StdError: result.Num(e.StdError)}
}

// AnalyzeCounterfactual turns the sums into estimates, diagnostics and
// launch decisions.
func AnalyzeCounterfactual(cf *model.Counterfactual, data *CounterfactualData) *result.Target {
	policy := cf.Policy
	if policy == "softmax" {
		policy += " " + strconv.FormatFloat(cf.Temperature, 'g', -1, 64)
	}
	out := &result.Counterfactual{Policy: policy, MinESS: result.Num(cf.MinESS), Estimators: cf.Estimators,
		LoggedRows: int64(data.LoggedRows), Models: []*result.CfModel{}}
	if cf.Clip > 0 {
		out.Clip = result.NumPtr(cf.Clip)
	}
	t := &result.Target{Kind: "counterfactual", Name: cf.Name, Title: cf.Title, Owner: cf.Owner, Alpha: result.Num(cf.Alpha),
		Counterfactual: out}
	clip := stats.NoClip
	if cf.Clip > 0 {
		clip = cf.Clip
	}
	for i, name := range data.Models {
		s := data.Sums[i]
		if i == 0 {
			out.Units, out.Decisions = int64(s.Units), int64(s.Sum[stats.OPDecisions])
			lv := s.LoggingValue(cf.Alpha)
			out.Logging = &result.CfValue{Problem: lv.Problem}
			if lv.Problem == "" {
				out.Logging.Value = ptrEffect(lv.Value)
			}
		}
		m := &result.CfModel{Model: name}
		for _, en := range cf.Estimators {
			e, _ := stats.ParseOffPolicyEstimator(en)
			est := s.Estimate(e, cf.Alpha)
			if e == stats.DR && data.MissingQ[i] > 0 {
				p := fmt.Sprintf("%.0f of the model's candidates with π > 0 have no `%s` value: DR is not estimated", data.MissingQ[i], cf.RewardModel)
				est.ValueProblem, est.DifferenceProblem = p, p
			}
			ce := &result.CfEstimate{Estimator: en, ValueProblem: est.ValueProblem, DifferenceProblem: est.DifferenceProblem}
			if est.ValueProblem == "" {
				ce.Value = ptrEffect(est.Value)
			}
			if est.DifferenceProblem == "" {
				ce.Difference = ptrEffect(est.Difference)
				ce.PValue = result.NumPtr(est.PValue)
			}
			m.Estimates = append(m.Estimates, ce)
		}
		d := s.Diagnostics(cf.Alpha)
		m.Diagnostics = &result.CfDiagnostics{ESS: result.Num(d.ESS), ESSShare: result.Num(d.ESSShare), MaxWeight: result.Num(d.MaxWeight),
			ClippedShare: result.Num(d.ClippedShare), NeverTakenShare: result.Num(d.NeverTakenShare),
			MeanWeight: ptrEffect(d.MeanWeight), MeanWeightFlag: d.MeanWeightFlag}
		if d.MeanWeight.StdError > 0 {
			m.Diagnostics.MeanWeightP = result.NumPtr(d.MeanWeightP)
		}
		if d.MeanWeightFlag != "" {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: %s (mean weight %.3f)", name, d.MeanWeightFlag, d.MeanWeight.Estimate))
		}
		if clip < math.Inf(1) && d.ClippedShare > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: %.1f%% of the weights are clipped at %g; clipped estimates are biased towards the logging policy's support", name, 100*d.ClippedShare, cf.Clip))
		}
		out.Models = append(out.Models, m)
		if cf.Launch != nil {
			t.Decisions = append(t.Decisions, cfDecision(cf, m, d))
		}
	}
	return t
}

// cfDecision applies the launch rules to one model. A model whose
// effective sample size is below min_ess is never decided.
func cfDecision(cf *model.Counterfactual, m *result.CfModel, d stats.OffPolicyDiagnostics) *result.Decision {
	dec := &result.Decision{Variant: m.Model, Reasons: []string{}}
	if d.ESS < cf.MinESS {
		dec.Outcome = result.Invalid
		dec.Reasons = append(dec.Reasons, fmt.Sprintf("invalid: effective sample size %.1f is below min_ess %g: too few logged decisions carry the model's weight to decide", d.ESS, cf.MinESS))
		return dec
	}
	failed, undecided := false, false
	for _, r := range cf.Launch {
		var e *result.CfEstimate
		for _, x := range m.Estimates {
			if x.Estimator == r.Estimator {
				e = x
			}
		}
		if e == nil || e.Difference == nil {
			why := "not estimated"
			if e != nil {
				why = e.DifferenceProblem
			}
			dec.Reasons = append(dec.Reasons, fmt.Sprintf("undecided: %s %s: %s", r.Estimator, r.Kind, why))
			undecided = true
			continue
		}
		diff := e.Difference
		fig := fmt.Sprintf("%s difference vs the logging policy %+.4g [%+.4g, %+.4g]", r.Estimator, float64(diff.Estimate), float64(diff.CILower), float64(diff.CIUpper))
		switch {
		case r.Kind == model.RequireImproves && diff.CILower > 0, r.Kind == model.RequireNotWorse && diff.CIUpper >= 0:
			dec.Reasons = append(dec.Reasons, "holds: "+fig)
		case diff.CIUpper < 0:
			dec.Reasons = append(dec.Reasons, "fails: "+fig)
			failed = true
		default:
			dec.Reasons = append(dec.Reasons, "undecided: "+fig+" (the interval includes 0)")
			undecided = true
		}
	}
	switch {
	case failed:
		dec.Outcome = result.NoShip
	case undecided:
		dec.Outcome = result.Inconclusive
	default:
		dec.Outcome = result.Ship
	}
	return dec
}

// cfRefusal is a counterfactual's data refused with positioned
// diagnostics (run.go reports them as they are).
type cfRefusal struct{ diags diag.List }

func (e cfRefusal) Error() string { return e.diags.Err().Error() }

// cfSpan is the span of a counterfactual field's value (the declaration's
// name when absent).
func cfSpan(cf *model.Counterfactual, key string) source.Span {
	if cf.Decl != nil {
		for _, f := range cf.Decl.Fields {
			if f.Key.Name == key {
				return f.Value.Span()
			}
		}
	}
	return cf.Span
}

// cfInvalidRows says which logged rows a counterfactual cannot use and
// why, one error per column at its field: a missing unit, request,
// action, reward or propensity, or a propensity outside (0, 1] (with the
// smallest or largest value found). Nil when the breakdown cannot be
// computed (the caller then reports the total).
func cfInvalidRows(ctx context.Context, eng engine.Engine, cf *model.Counterfactual, total float64) diag.List {
	d := eng.Dialect()
	prop := "CAST(" + d.Ident(cf.Propensity) + " AS DOUBLE)"
	nulls := []struct{ key, col string }{{"unit", cf.Unit}, {"request", cf.Request}, {"action", cf.Action}, {"reward", cf.Reward}, {"propensity", cf.Propensity}}
	var cols []string
	for _, n := range nulls {
		cols = append(cols, "count(CASE WHEN "+d.Ident(n.col)+" IS NULL THEN 1 END)")
	}
	cols = append(cols, "count(CASE WHEN "+prop+" <= 0 THEN 1 END)", "count(CASE WHEN "+prop+" > 1 THEN 1 END)",
		"min(CASE WHEN "+prop+" <= 0 THEN "+prop+" END)", "max(CASE WHEN "+prop+" > 1 THEN "+prop+" END)")
	tab, err := eng.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM ("+compiler.Relation(cf.Logs, d)+") "+d.Ident("r"))
	if err != nil || len(tab.Rows) != 1 || len(tab.Rows[0]) != len(cols) {
		return nil
	}
	row := tab.Rows[0]
	num := func(i int) float64 {
		v, err := engine.Float(row[i])
		if err != nil {
			return 0
		}
		return v
	}
	var diags diag.List
	for i, n := range nulls {
		if c := num(i); c > 0 {
			diags.Errorf(diag.EDataEmpty, cfSpan(cf, n.key), "counterfactual `%s`: %.0f of %.0f logged rows of `%s` have no %s (`%s` is NULL)", cf.Name, c, total, cf.Logs.Name, n.key, n.col).
				Hint("fill them in or leave those rows out of `%s`: a missing value is never read as 0", cf.Logs.Name)
		}
	}
	k := len(nulls)
	if c := num(k); c > 0 {
		diags.Errorf(diag.EDataEmpty, cfSpan(cf, "propensity"), "counterfactual `%s`: %.0f of %.0f logged rows of `%s` have a propensity `%s` of 0 or less (the smallest: %g)", cf.Name, c, total, cf.Logs.Name, cf.Propensity, num(k+2)).
			Hint("the propensity is the logging policy's probability of the action it took, in (0, 1]: an action logged with probability 0 cannot have been taken; check the logging")
	}
	if c := num(k + 1); c > 0 {
		diags.Errorf(diag.EDataEmpty, cfSpan(cf, "propensity"), "counterfactual `%s`: %.0f of %.0f logged rows of `%s` have a propensity `%s` above 1 (the largest: %g)", cf.Name, c, total, cf.Logs.Name, cf.Propensity, num(k+3)).
			Hint("the propensity is a probability, in (0, 1]: a percentage or a score is not one")
	}
	return diags
}

func cfNoCandidate(cf *model.Counterfactual) diag.List {
	var d diag.List
	d.Errorf(diag.EDataEmpty, cfSpan(cf, "candidates"), "counterfactual `%s`: no candidate row of `%s` matches a logged request (by `%s`)", cf.Name, cf.Candidates.Name, cf.Request).
		Hint("each model scores the candidate actions of the logged requests: check that `%s` holds the logs' request ids", cf.Candidates.Name)
	return d
}

// cfNoOverlap refuses a counterfactual whose models all have zero weight
// on every logged decision because no candidate row shares a request id
// with the logs (the models are named, but score other requests): every
// estimate would be "not estimated" and the propensities blamed. A model
// without overlap next to one with overlap stays reported, with reasons.
func cfNoOverlap(ctx context.Context, eng engine.Engine, cf *model.Counterfactual, data *CounterfactualData) diag.List {
	for _, s := range data.Sums {
		if s.Sum[stats.OPWeight] != 0 { // some logged action has weight
			return nil
		}
	}
	d := eng.Dialect()
	q := "SELECT count(*) FROM (" + compiler.Relation(cf.Logs, d) + ") " + d.Ident("l") + " WHERE EXISTS (SELECT 1 FROM (" +
		compiler.Relation(cf.Candidates, d) + ") " + d.Ident("c") + " WHERE " + d.Ident("c") + "." + d.Ident(cf.Request) + " = " + d.Ident("l") + "." + d.Ident(cf.Request) + ")"
	tab, err := eng.Query(ctx, q)
	if err != nil || len(tab.Rows) != 1 || len(tab.Rows[0]) != 1 {
		return nil
	}
	if n, err := engine.Float(tab.Rows[0][0]); err != nil || n > 0 {
		return nil
	}
	return cfNoCandidate(cf)
}
