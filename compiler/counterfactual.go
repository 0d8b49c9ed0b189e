package compiler

import (
	"fmt"
	"strconv"
	"strings"

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

// Result columns of a counterfactual's query. The per-unit components
// are CfComponents (the order of stats.OPDecisions ...): their sums are
// CfSum(k) and the sums of their products CfCross(k, l), k ≤ l.
const (
	ColCfModel       = "model"
	ColCfUnits       = "units"
	ColCfSumSqWeight = "sum_ww"
	ColCfMaxWeight   = "max_w"
	ColCfClipped     = "clipped"
	ColCfNeverTaken  = "never_taken"
	// ColCfLoggedRows, ColCfRequests: logged rows and distinct request ids
	// (a request id logged twice is an error); ColCfInvalid: logged rows
	// left out because the unit, request, action or reward is missing or the
	// propensity is not in (0, 1]; ColCfMissingQ: logged decisions whose
	// model takes the logged action (or any candidate) without a reward
	// model value. All four are the same on every row.
	ColCfLoggedRows = "logged_rows"
	ColCfRequests   = "requests"
	ColCfInvalid    = "invalid_rows"
	ColCfMissingQ   = "missing_q"
	// ColCfRepeated: (model, request, action) keys that the candidates
	// hold more than once (an error).
	ColCfRepeated = "repeated_candidates"
)

// CfComponents name the per-unit components, in the order of
// stats.OffPolicyComponentNames (TestCounterfactualComponentsMirrorStats).
var CfComponents = []string{"n", "r", "w", "wc", "wr", "dr"}

// CfSum is the column of Σ over units of component k.
func CfSum(k int) string { return "sum_" + CfComponents[k] }

// CfCross is the column of Σ over units of component k times component l.
func CfCross(k, l int) string {
	if l < k {
		k, l = l, k
	}
	return "x_" + CfComponents[k] + "_" + CfComponents[l]
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

func counterfactualSQL(cf *model.Counterfactual, d *dialect.Dialect) string {
	q := d.Ident
	f := d.Sprintf
	fl := d.Types.Float
	sum := d.FloatSum
	var w strings.Builder
	policy := cf.Policy
	if policy == "softmax" {
		policy += " " + num(cf.Temperature)
	}
	clip := "none"
	if cf.Clip > 0 {
		clip = num(cf.Clip)
	}
	fmt.Fprintf(&w, "-- caliper: counterfactual %s, policy %s, clip %s\n", dialect.CommentText(cf.Name), policy, clip)
	w.WriteString("WITH\n")
	var ctes []string
	ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", q(srcName(cf.Logs)), Relation(cf.Logs, d)))
	if cf.Candidates != cf.Logs {
		ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", q(srcName(cf.Candidates)), Relation(cf.Candidates, d)))
	}
	unit, req, act := q(cf.Unit), q(cf.Request), q(cf.Action)
	prop, rew := q(cf.Propensity), q(cf.Reward)
	// Every logged row, and whether it can be used.
	ctes = append(ctes, f(`"cf_logged" AS (
  SELECT %s AS "unit", %s AS "request", %s AS "action",
    CAST(%s AS %s) AS "mu", CAST(%s AS %s) AS "r"
  FROM %s
)`, unit, req, act, prop, fl, rew, fl, q(srcName(cf.Logs))))
	valid := d.Q(`"unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1`)
	ctes = append(ctes, f(`"cf_check" AS (
  SELECT COUNT(*) AS "logged_rows", COUNT(DISTINCT "request") AS "requests",
    COALESCE(SUM(CASE WHEN %s THEN 0 ELSE 1 END), 0) AS "invalid_rows"
  FROM "cf_logged"
)`, valid))
	ctes = append(ctes, f(`"cf_logs" AS (
  SELECT "unit", "request", "action", "mu", "r" FROM "cf_logged"
  WHERE %s
)`, valid))
	// The candidates of logged requests, with the request's best score.
	qcol := "CAST(NULL AS " + fl + ")"
	if cf.RewardModel != "" {
		qcol = d.Cast(q(cf.RewardModel), fl)
	}
	ctes = append(ctes, f(`"cf_cands" AS (
  SELECT %s AS "model", %s AS "request", %s AS "action",
    CAST(%s AS %s) AS "score", %s AS "q"
  FROM %s
  WHERE %s IS NOT NULL AND %s IS NOT NULL AND %s IS NOT NULL
    AND %s IN (SELECT "request" FROM "cf_logs")
)`, q(cf.Model), req, act, q(cf.Score), fl, qcol, q(srcName(cf.Candidates)), q(cf.Model), req, q(cf.Score), req))
	// Every model of the candidates, whether or not its requests match
	// the logs (a model with none is reported, its weights all 0).
	ctes = append(ctes, f(`"cf_models" AS (
  SELECT DISTINCT %s AS "model" FROM %s WHERE %s IS NOT NULL
)`, q(cf.Model), q(srcName(cf.Candidates)), q(cf.Model)))
	// Candidate rows repeating a (model, request, action): the join would
	// repeat the logged decision and split π across the copies.
	ctes = append(ctes, d.Q(`"cf_dups" AS (
  SELECT COUNT(*) AS "repeated_candidates" FROM (
    SELECT 1 AS "one" FROM "cf_cands" GROUP BY "model", "request", "action" HAVING COUNT(*) > 1
  ) x
)`))
	// π of each candidate: greedy splits 1 among the ties at the best
	// score; softmax divides exp((score − best)/T) by its sum over the
	// request's candidates (subtracting the best keeps exp finite).
	var kernel string
	if cf.Policy == "softmax" {
		kernel = f(`EXP(("score" - "best") / %s)`, num(cf.Temperature))
	} else {
		kernel = d.Q(`CASE WHEN "score" = "best" THEN 1.0 ELSE 0.0 END`)
	}
	ctes = append(ctes, f(`"cf_best" AS (
  SELECT "model", "request", "action", "score", "q",
    MAX("score") OVER (PARTITION BY "model", "request") AS "best"
  FROM "cf_cands"
)`))
	ctes = append(ctes, f(`"cf_pi" AS (
  SELECT "model", "request", "action", "q",
    %s / SUM(%s) OVER (PARTITION BY "model", "request") AS "pi"
  FROM "cf_best"
)`, kernel, kernel))
	missingQ := d.Q(`SUM(CASE WHEN "q" IS NULL AND "pi" > 0 THEN 1 ELSE 0 END)`)
	if cf.RewardModel == "" {
		missingQ = "0"
	}
	ctes = append(ctes, f(`"cf_direct" AS (
  SELECT "model", "request", %s("pi" * "q") AS "direct",
    %s AS "missing_q"
  FROM "cf_pi"
  GROUP BY "model", "request"
)`, sum, missingQ))
	// One row per model and logged decision: π = 0 where the logged action
	// is not among the model's candidates (or the request has none).
	ctes = append(ctes, d.Q(`"cf_decisions" AS (
  SELECT m."model", l."unit", l."r", l."mu",
    COALESCE(p."pi", 0) AS "pi", p."q" AS "q",
    COALESCE(c."direct", 0) AS "direct", COALESCE(c."missing_q", 0) AS "missing_q",
    COALESCE(p."pi", 0) / l."mu" AS "w"
  FROM "cf_logs" l
  CROSS JOIN "cf_models" m
  LEFT JOIN "cf_pi" p ON p."model" = m."model" AND p."request" = l."request" AND p."action" = l."action"
  LEFT JOIN "cf_direct" c ON c."model" = m."model" AND c."request" = l."request"
)`))
	wc, clipped := d.Q(`"w"`), "0"
	if cf.Clip > 0 {
		wc = f(`CASE WHEN "w" > %s THEN %s ELSE "w" END`, num(cf.Clip), num(cf.Clip))
		clipped = f(`CASE WHEN "w" > %s THEN 1 ELSE 0 END`, num(cf.Clip))
	}
	ctes = append(ctes, f(`"cf_weighted" AS (
  SELECT "model", "unit", "r", "pi", "q", "direct", "missing_q", "w", %s AS "wc", %s AS "clipped"
  FROM "cf_decisions"
)`, wc, clipped))
	dr := d.Q(`"direct"`)
	if cf.RewardModel != "" {
		dr = d.Q(`"direct" + CASE WHEN "wc" = 0 THEN 0 ELSE "wc" * ("r" - "q") END`)
	}
	ctes = append(ctes, f(`"cf_units" AS (
  SELECT "model", "unit",
    CAST(COUNT(*) AS %s) AS "n", %s("r") AS "r", %s("w") AS "w", %s("wc") AS "wc",
    %s("wc" * "r") AS "wr", %s(%s) AS "dr",
    %s("w" * "w") AS "ww", MAX("w") AS "max_w", SUM("clipped") AS "clipped",
    SUM(CASE WHEN "pi" = 0 THEN 1 ELSE 0 END) AS "never_taken", SUM("missing_q") AS "missing_q"
  FROM "cf_weighted"
  GROUP BY "model", "unit"
)`, fl, sum, sum, sum, sum, sum, dr, sum))
	cols := []string{d.Q(`u."model"`), d.Q(`COUNT(*) AS "units"`)}
	for k := range CfComponents {
		cols = append(cols, fmt.Sprintf("%s(u.%s) AS %s", sum, q(CfComponents[k]), q(CfSum(k))))
	}
	for k := range CfComponents {
		for l := k; l < len(CfComponents); l++ {
			cols = append(cols, fmt.Sprintf("%s(u.%s * u.%s) AS %s", sum, q(CfComponents[k]), q(CfComponents[l]), q(CfCross(k, l))))
		}
	}
	cols = append(cols, f(`%s(u."ww") AS "sum_ww"`, sum), d.Q(`MAX(u."max_w") AS "max_w"`),
		d.Q(`SUM(u."clipped") AS "clipped"`), d.Q(`SUM(u."never_taken") AS "never_taken"`), d.Q(`SUM(u."missing_q") AS "missing_q"`),
		d.Q(`MIN(k."logged_rows") AS "logged_rows"`), d.Q(`MIN(k."requests") AS "requests"`), d.Q(`MIN(k."invalid_rows") AS "invalid_rows"`),
		d.Q(`MIN(x."repeated_candidates") AS "repeated_candidates"`))
	w.WriteString(strings.Join(ctes, ",\n"))
	fmt.Fprintf(&w, "\nSELECT %s\nFROM %s u\nCROSS JOIN %s k\nCROSS JOIN %s x\nGROUP BY u.%s\nORDER BY u.%s",
		strings.Join(cols, ",\n  "), q("cf_units"), q("cf_check"), q("cf_dups"), q("model"), q("model"))
	return w.String()
}

func (p *CounterfactualPlan) describe() {
	numc := func(name, meaning string) ResultColumn {
		return ResultColumn{Name: name, Meaning: meaning, Type: Number}
	}
	cols := Columns{
		{Name: ColCfModel, Meaning: "the candidate model", Type: Text},
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
