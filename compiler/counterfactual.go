package compiler

import (
	"fmt"
	"strconv"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// CounterfactualPlan is the compiled form of one counterfactual: one
// query that computes, in the engine, each candidate model's probability
// π of every logged action under the declaration's policy, the weights
// w = π/μ (clipped), and per model the sums over units of the per-unit
// vectors of runtime/stats.OffPolicySums. The rows stay in the engine.
type CounterfactualPlan struct {
	Counterfactual *model.Counterfactual
	SQL            string
	// Columns describes every column SQL returns.
	Columns Columns
}

// CompileCounterfactual builds a counterfactual's query in dialect d.
func CompileCounterfactual(cf *model.Counterfactual, d *dialect.Dialect) (*CounterfactualPlan, error) {
	if cf.Logs == nil || cf.Candidates == nil || cf.Unit == "" || cf.Request == "" || cf.Action == "" ||
		cf.Propensity == "" || cf.Reward == "" || cf.Model == "" || cf.Score == "" {
		return nil, fmt.Errorf("counterfactual %s is incomplete", cf.Name)
	}
	for _, s := range cf.Sources() {
		if err := CheckReader(s, d); err != nil {
			return nil, fmt.Errorf("counterfactual %s: %v", cf.Name, err)
		}
	}
	p := &CounterfactualPlan{Counterfactual: cf}
	p.SQL = counterfactualSQL(cf, d)
	p.describe()
	return p, nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// counterfactualSQL builds the query from its relations: the logged rows
// and their checks, the candidates and each model's π, one row per model
// and logged decision with its weight, per-unit sums, and the final sums
// per model.
func counterfactualSQL(cf *model.Counterfactual, d *dialect.Dialect) string {
	g := &cfBuilder{cf: cf, d: d, q: d.Ident, f: d.Sprintf, fl: d.Types.Float, sum: d.FloatSum}
	q := &query{comment: g.comment()}
	q.withSource(d, cf.Logs)
	if cf.Candidates != cf.Logs {
		q.withSource(d, cf.Candidates)
	}
	valid := d.Q(`"unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1`)
	q.with(d, "cf_logged", g.logged())
	q.with(d, "cf_check", g.check(valid))
	q.withSQL(d, "cf_logs", g.f(`SELECT "unit", "request", "action", "mu", "r" FROM "cf_logged"
  WHERE %s`, valid))
	q.with(d, "cf_cands", g.cands())
	q.withSQL(d, "cf_models", g.models())
	q.withSQL(d, "cf_dups", g.dups())
	q.with(d, "cf_best", g.best())
	q.with(d, "cf_pi", g.pi())
	q.with(d, "cf_direct", g.direct())
	q.with(d, "cf_decisions", g.decisions())
	q.with(d, "cf_weighted", g.weighted())
	q.with(d, "cf_units", g.units())
	q.final = g.final()
	return q.String()
}

// cfBuilder builds a counterfactual's relations in dialect d (q quotes a
// name, f formats a template, fl is the float type, sum the float sum).
type cfBuilder struct {
	cf      *model.Counterfactual
	d       *dialect.Dialect
	q       func(string) string
	f       func(string, ...any) string
	fl, sum string
}

// comment names the counterfactual, its policy and its clip.
func (g *cfBuilder) comment() string {
	cf := g.cf
	policy := cf.Policy
	if policy == "softmax" {
		policy += " " + num(cf.Temperature)
	}
	clip := "none"
	if cf.Clip > 0 {
		clip = num(cf.Clip)
	}
	return fmt.Sprintf("counterfactual %s, policy %s, clip %s", dialect.CommentText(cf.Name), policy, clip)
}

// logged: every logged row, and whether it can be used.
func (g *cfBuilder) logged() *selectStmt {
	cf, q := g.cf, g.q
	return &selectStmt{items: []string{
		g.f(`%s AS "unit", %s AS "request", %s AS "action"`, q(cf.Unit), q(cf.Request), q(cf.Action)),
		g.f(`CAST(%s AS %s) AS "mu", CAST(%s AS %s) AS "r"`, q(cf.Propensity), g.fl, q(cf.Reward), g.fl)},
		from: q(srcName(cf.Logs))}
}

// check: the counts of logged rows, requests and unusable rows (valid is
// the condition that a logged row can be used).
func (g *cfBuilder) check(valid string) *selectStmt {
	return &selectStmt{items: []string{
		g.d.Q(`COUNT(*) AS "logged_rows", COUNT(DISTINCT "request") AS "requests"`),
		g.f(`COALESCE(SUM(CASE WHEN %s THEN 0 ELSE 1 END), 0) AS "invalid_rows"`, valid)},
		from: g.d.Q(`"cf_logged"`)}
}

// cands: the candidates of logged requests.
func (g *cfBuilder) cands() *selectStmt {
	cf, q := g.cf, g.q
	qcol := "CAST(NULL AS " + g.fl + ")"
	if cf.RewardModel != "" {
		qcol = g.d.Cast(q(cf.RewardModel), g.fl)
	}
	req := q(cf.Request)
	return &selectStmt{items: []string{
		g.f(`%s AS "model", %s AS "request", %s AS "action"`, q(cf.Model), req, q(cf.Action)),
		g.f(`CAST(%s AS %s) AS "score", %s AS "q"`, q(cf.Score), g.fl, qcol)},
		from: q(srcName(cf.Candidates)),
		where: []string{fmt.Sprintf("%s IS NOT NULL AND %s IS NOT NULL AND %s IS NOT NULL", q(cf.Model), req, q(cf.Score)),
			g.f(`%s IN (SELECT "request" FROM "cf_logs")`, req)}}
}

// models: every model of the candidates, whether or not its requests
// match the logs (a model with none is reported, its weights all 0).
func (g *cfBuilder) models() string {
	m := g.q(g.cf.Model)
	return g.f(`SELECT DISTINCT %s AS "model" FROM %s WHERE %s IS NOT NULL`, m, g.q(srcName(g.cf.Candidates)), m)
}

// dups: candidate rows repeating a (model, request, action), which the
// join would repeat, splitting π across the copies.
func (g *cfBuilder) dups() string {
	return g.d.Q(`SELECT COUNT(*) AS "repeated_candidates" FROM (
    SELECT 1 AS "one" FROM "cf_cands" GROUP BY "model", "request", "action" HAVING COUNT(*) > 1
  ) x`)
}

// best: each candidate with its request's best score.
func (g *cfBuilder) best() *selectStmt {
	return &selectStmt{items: []string{g.d.Q(`"model", "request", "action", "score", "q"`),
		g.d.Q(`MAX("score") OVER (PARTITION BY "model", "request") AS "best"`)}, from: g.d.Q(`"cf_cands"`)}
}

// pi: π of each candidate. Greedy splits 1 among the ties at the best
// score; softmax divides exp((score − best)/T) by its sum over the
// request's candidates (subtracting the best keeps exp finite).
func (g *cfBuilder) pi() *selectStmt {
	kernel := g.d.Q(`CASE WHEN "score" = "best" THEN 1.0 ELSE 0.0 END`)
	if g.cf.Policy == "softmax" {
		kernel = g.f(`EXP(("score" - "best") / %s)`, num(g.cf.Temperature))
	}
	return &selectStmt{items: []string{g.d.Q(`"model", "request", "action", "q"`),
		g.f(`%s / SUM(%s) OVER (PARTITION BY "model", "request") AS "pi"`, kernel, kernel)}, from: g.d.Q(`"cf_best"`)}
}

// direct: per model and request, the reward model's value of the policy
// and the candidates with π > 0 and no reward-model value.
func (g *cfBuilder) direct() *selectStmt {
	missingQ := g.d.Q(`SUM(CASE WHEN "q" IS NULL AND "pi" > 0 THEN 1 ELSE 0 END)`)
	if g.cf.RewardModel == "" {
		missingQ = "0"
	}
	return &selectStmt{items: []string{g.f(`"model", "request", %s("pi" * "q") AS "direct"`, g.sum), g.f(`%s AS "missing_q"`, missingQ)},
		from: g.d.Q(`"cf_pi"`), groupBy: g.d.Q(`"model", "request"`)}
}

// decisions: one row per model and logged decision: π = 0 where the
// logged action is not among the model's candidates (or the request has
// none).
func (g *cfBuilder) decisions() *selectStmt {
	d := g.d
	return &selectStmt{items: []string{d.Q(`m."model", l."unit", l."r", l."mu"`),
		d.Q(`COALESCE(p."pi", 0) AS "pi", p."q" AS "q"`),
		d.Q(`COALESCE(c."direct", 0) AS "direct", COALESCE(c."missing_q", 0) AS "missing_q"`),
		d.Q(`COALESCE(p."pi", 0) / l."mu" AS "w"`)},
		from: d.Q(`"cf_logs" l`),
		joins: []string{d.Q(`CROSS JOIN "cf_models" m`),
			d.Q(`LEFT JOIN "cf_pi" p ON p."model" = m."model" AND p."request" = l."request" AND p."action" = l."action"`),
			d.Q(`LEFT JOIN "cf_direct" c ON c."model" = m."model" AND c."request" = l."request"`)}}
}

// weighted: each decision's weight clipped (wc) and whether it was.
func (g *cfBuilder) weighted() *selectStmt {
	wc, clipped := g.d.Q(`"w"`), "0"
	if c := g.cf.Clip; c > 0 {
		wc = g.f(`CASE WHEN "w" > %s THEN %s ELSE "w" END`, num(c), num(c))
		clipped = g.f(`CASE WHEN "w" > %s THEN 1 ELSE 0 END`, num(c))
	}
	return &selectStmt{items: []string{g.f(`"model", "unit", "r", "pi", "q", "direct", "missing_q", "w", %s AS "wc", %s AS "clipped"`, wc, clipped)},
		from: g.d.Q(`"cf_decisions"`)}
}

// units: per model and unit, the components CfComponents and the weight
// diagnostics.
func (g *cfBuilder) units() *selectStmt {
	d, sum := g.d, g.sum
	dr := d.Q(`"direct"`)
	if g.cf.RewardModel != "" {
		dr = d.Q(`"direct" + CASE WHEN "wc" = 0 THEN 0 ELSE "wc" * ("r" - "q") END`)
	}
	return &selectStmt{items: []string{d.Q(`"model", "unit"`),
		g.f(`CAST(COUNT(*) AS %s) AS "n", %s("r") AS "r", %s("w") AS "w", %s("wc") AS "wc"`, g.fl, sum, sum, sum),
		g.f(`%s("wc" * "r") AS "wr", %s(%s) AS "dr"`, sum, sum, dr),
		g.f(`%s("w" * "w") AS "ww", MAX("w") AS "max_w", SUM("clipped") AS "clipped"`, sum),
		d.Q(`SUM(CASE WHEN "pi" = 0 THEN 1 ELSE 0 END) AS "never_taken", SUM("missing_q") AS "missing_q"`)},
		from: d.Q(`"cf_weighted"`), groupBy: d.Q(`"model", "unit"`)}
}

// final: per model the sums over units (the result columns, named in
// names.go), with the checks, which are the same on every row.
func (g *cfBuilder) final() *selectStmt {
	q, sum := g.q, g.sum
	cols := []string{g.f(`u.%s`, q(ColCfModel)), g.f(`COUNT(*) AS %s`, q(ColCfUnits))}
	for k := range CfComponents {
		cols = append(cols, fmt.Sprintf("%s(u.%s) AS %s", sum, q(CfComponents[k]), q(CfSum(k))))
	}
	for k := range CfComponents {
		for l := k; l < len(CfComponents); l++ {
			cols = append(cols, fmt.Sprintf("%s(u.%s * u.%s) AS %s", sum, q(CfComponents[k]), q(CfComponents[l]), q(CfCross(k, l))))
		}
	}
	agg := func(fn, rel, col, as string) string { return fmt.Sprintf("%s(%s.%s) AS %s", fn, rel, q(col), q(as)) }
	cols = append(cols, agg(sum, "u", "ww", ColCfSumSqWeight), agg("MAX", "u", "max_w", ColCfMaxWeight),
		agg("SUM", "u", "clipped", ColCfClipped), agg("SUM", "u", "never_taken", ColCfNeverTaken), agg("SUM", "u", "missing_q", ColCfMissingQ),
		agg("MIN", "k", "logged_rows", ColCfLoggedRows), agg("MIN", "k", "requests", ColCfRequests), agg("MIN", "k", "invalid_rows", ColCfInvalid),
		agg("MIN", "x", "repeated_candidates", ColCfRepeated))
	return &selectStmt{items: cols, from: q("cf_units") + " u",
		joins:   []string{"CROSS JOIN " + q("cf_check") + " k", "CROSS JOIN " + q("cf_dups") + " x"},
		groupBy: "u." + q(ColCfModel), orderBy: "u." + q(ColCfModel)}
}

func (p *CounterfactualPlan) describe() {
	numc := func(name, meaning string) ResultColumn {
		return ResultColumn{Name: name, Meaning: meaning, Type: Number}
	}
	cols := Columns{
		{Name: ColCfModel, Meaning: "the candidate model (of the candidates' model column's type)", Type: Any},
		numc(ColCfUnits, "units with logged decisions"),
	}
	for k, c := range CfComponents {
		cols = append(cols, numc(CfSum(k), "Σ over units of the per-unit "+c))
	}
	for k := range CfComponents {
		for l := k; l < len(CfComponents); l++ {
			cols = append(cols, numc(CfCross(k, l), "Σ over units of "+CfComponents[k]+"·"+CfComponents[l]))
		}
	}
	cols = append(cols, numc(ColCfSumSqWeight, "Σ w² over decisions (unclipped)"),
		numc(ColCfMaxWeight, "the largest unclipped weight"),
		numc(ColCfClipped, "decisions whose weight exceeds clip"),
		numc(ColCfNeverTaken, "decisions whose logged action has π = 0"),
		numc(ColCfMissingQ, "requests' candidates with π > 0 and no reward-model value"),
		numc(ColCfLoggedRows, "logged rows"), numc(ColCfRequests, "distinct logged request ids"),
		numc(ColCfInvalid, "logged rows left out: unit, request, action or reward missing, or propensity not in (0, 1]"),
		numc(ColCfRepeated, "(model, request, action) keys repeated in the candidates"))
	p.Columns = cols
}
