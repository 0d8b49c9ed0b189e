package check

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
)

// cfEstimators are the estimators a counterfactual may list.
var cfEstimators = []string{"ips", "snips", "dr"}

// cfExample is each field's example value, for hints.
var cfExample = map[string]string{
	"logs": "logged", "candidates": "candidate_scores", "unit": "user_id", "request": "request_id",
	"action": "item_id", "propensity": "propensity", "reward": "reward", "model": "model", "score": "score",
}

// counterfactual checks a counterfactual declaration.
func (c *checker) counterfactual(d *ast.Decl) *model.Counterfactual {
	cf := &model.Counterfactual{Name: d.Name.Name, Span: d.Name.Sp, Decl: d, Alpha: 0.05, MinESS: 100, Policy: "greedy",
		Title: stringField(d, "title"), Owner: stringField(d, "owner"), Description: stringField(d, "description")}
	missing := func(key, what string) {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "counterfactual `%s` has no `%s`", cf.Name, key).
			Hint("name %s: %s %s", what, key, cfExample[key])
	}
	src := func(key, what string) *model.Source {
		f := field(d, key)
		if f == nil {
			missing(key, what)
			return nil
		}
		return c.sourceRef(f.Value.(*ast.Ident))
	}
	cf.Logs = src("logs", "the source of logged decisions")
	cf.Candidates = src("candidates", "the source of the models' candidate scores")

	// col resolves a column field in s; want checks its type (nil: any).
	col := func(key string, s *model.Source, required bool, want func(types.Type) bool, what string) (string, *model.Column) {
		f := field(d, key)
		if f == nil {
			if required {
				missing(key, "the "+key+" column")
			}
			return "", nil
		}
		id := f.Value.(*ast.Ident)
		if s == nil {
			return id.Name, nil
		}
		cl := s.Column(id.Name)
		if cl == nil {
			c.unknownColumn(s, id)
			return id.Name, nil
		}
		if want != nil && !want(cl.Type) && cl.Type != types.Invalid {
			c.diags.Errorf(diag.ECfColumnType, id.Sp, "`%s` is %s in source `%s`; the %s column must be %s", id.Name, cl.Type, s.Name, key, what).
				Also(cl.Span, "`%s` declared here", id.Name)
		}
		return id.Name, cl
	}
	numeric := func(t types.Type) bool { return t.IsNumeric() }
	float := func(t types.Type) bool { return t == types.Float }
	cf.Unit, _ = col("unit", cf.Logs, true, nil, "")
	var reqLog, actLog *model.Column
	cf.Request, reqLog = col("request", cf.Logs, true, nil, "")
	cf.Action, actLog = col("action", cf.Logs, true, nil, "")
	cf.Propensity, _ = col("propensity", cf.Logs, true, float, "float (a probability)")
	cf.Reward, _ = col("reward", cf.Logs, true, numeric, "numeric")
	// The request and action ids join the logs to the candidates.
	for _, k := range []struct {
		key string
		log *model.Column
	}{{"request", reqLog}, {"action", actLog}} {
		if k.log == nil || cf.Candidates == nil {
			continue
		}
		id := field(d, k.key).Value.(*ast.Ident)
		cc := cf.Candidates.Column(id.Name)
		switch {
		case cc == nil:
			c.diags.Errorf(diag.EUnknownColumn, id.Sp, "`%s` is a column of the logs `%s` but not of the candidates `%s`", id.Name, cf.Logs.Name, cf.Candidates.Name).
				Hint("the %s column joins the logs to the candidates: declare `%s` in source `%s`", k.key, id.Name, cf.Candidates.Name)
		case cc.Type != k.log.Type && cc.Type != types.Invalid && k.log.Type != types.Invalid:
			c.diags.Errorf(diag.ECfColumnType, id.Sp, "`%s` is %s in the logs `%s` but %s in the candidates `%s`", id.Name, k.log.Type, cf.Logs.Name, cc.Type, cf.Candidates.Name).
				Also(cc.Span, "declared %s here", cc.Type).
				Hint("the %s column joins the logs to the candidates; declare it with one type in both", k.key)
		}
	}
	cf.Model, _ = col("model", cf.Candidates, true, nil, "")
	cf.Score, _ = col("score", cf.Candidates, true, numeric, "numeric")
	cf.RewardModel, _ = col("reward_model", cf.Candidates, false, numeric, "numeric (a predicted reward)")

	c.cfPolicy(d, cf)
	c.cfEstimators(d, cf)
	if f := field(d, "clip"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "clip must be above 0, found %s", n.Text).
				Hint("weights above the clip are set to it: clip 50, or leave `clip` out for no clipping")
		} else {
			cf.Clip = n.Value
		}
	}
	if f := field(d, "alpha"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 || n.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "alpha must be between 0 and 1, found %s", n.Text)
		} else {
			cf.Alpha = n.Value
		}
	}
	if f := field(d, "min_ess"); f != nil {
		cf.MinESS = f.Value.(*ast.NumberLit).Value
	}
	c.cfLaunch(d, cf)
	return cf
}

// cfPolicy checks `policy greedy` or `policy softmax T`.
func (c *checker) cfPolicy(d *ast.Decl, cf *model.Counterfactual) {
	f := field(d, "policy")
	if f == nil {
		return
	}
	p := f.Value.(*ast.Policy)
	switch p.Kind.Name {
	case "greedy":
		if p.Temperature != nil {
			c.diags.Errorf(diag.ECfPolicy, p.Temperature.Sp, "`greedy` takes no temperature").
				Hint("write `policy greedy`, or `policy softmax %s` for a softmax at that temperature", p.Temperature.Text)
		}
	case "softmax":
		switch {
		case p.Temperature == nil:
			c.diags.Errorf(diag.ECfPolicy, p.Sp, "`softmax` needs a temperature").
				Hint("write `policy softmax 1.0`: each candidate's probability is exp(score / T) over the request's sum")
			return
		case !(p.Temperature.Value > 0):
			c.diags.Errorf(diag.ECfPolicy, p.Temperature.Sp, "the softmax temperature must be above 0, found %s", p.Temperature.Text).
				Hint("a small temperature approaches greedy, a large one uniform: policy softmax 1.0")
			return
		}
		cf.Temperature = p.Temperature.Value
	default:
		dg := c.diags.Errorf(diag.ECfPolicy, p.Kind.Sp, "`%s` is not a policy", p.Kind.Name)
		if s := diag.Closest(p.Kind.Name, []string{"greedy", "softmax"}); s != "" {
			dg.Hint("did you mean `%s`?", s)
		} else {
			dg.Hint("a policy is `greedy` or `softmax T`, such as softmax 1.0")
		}
		return
	}
	cf.Policy = p.Kind.Name
}

// cfEstimators checks `estimators`: known, not repeated, dr with a
// reward model. Without the field: ips and snips, and dr when there is a
// reward model.
func (c *checker) cfEstimators(d *ast.Decl, cf *model.Counterfactual) {
	f := field(d, "estimators")
	if f == nil {
		cf.Estimators = []string{"ips", "snips"}
		if cf.RewardModel != "" {
			cf.Estimators = append(cf.Estimators, "dr")
		}
		return
	}
	seen := map[string]bool{}
	for _, id := range f.Value.(*ast.IdentList).Items {
		switch {
		case !contains(cfEstimators, id.Name):
			c.badWord(id, "counterfactual estimator", cfEstimators)
		case seen[id.Name]:
			c.diags.Errorf(diag.EBadValue, id.Sp, "estimator `%s` is listed twice", id.Name)
		case id.Name == "dr" && cf.RewardModel == "":
			c.needRewardModel(id.Sp)
		default:
			seen[id.Name] = true
			cf.Estimators = append(cf.Estimators, id.Name)
		}
	}
}

// needRewardModel reports dr asked for without a reward model.
func (c *checker) needRewardModel(at source.Span) {
	c.diags.Errorf(diag.ECfRewardModel, at, "the doubly robust estimator `dr` needs a `reward_model`").
		Hint("name the candidates' column of predicted rewards, such as `reward_model predicted`, or drop `dr`")
}

// cfLaunch checks the launch block: `E improves` and `E not worse` for
// estimators E; an estimator not listed in `estimators` is added.
func (c *checker) cfLaunch(d *ast.Decl, cf *model.Counterfactual) {
	f := field(d, "launch")
	if f == nil {
		return
	}
	cf.Launch = []*model.CounterfactualRequirement{}
	for _, r := range f.Value.(*ast.Launch).Requires {
		if r.Verb != ast.VerbImproves && r.Verb != ast.VerbNotWorse {
			c.diags.Errorf(diag.EBadValue, r.Sp, "a counterfactual's requirement is an estimator and `improves` or `not worse`").
				Hint("require dr improves, or require snips not worse (the difference against the logging policy)")
			continue
		}
		name := r.Target.Name
		if r.Target.Cutoff != nil || !contains(cfEstimators, name.Name) {
			c.badWord(name, "counterfactual estimator", cfEstimators)
			continue
		}
		if !contains(cf.Estimators, name.Name) {
			if name.Name == "dr" && cf.RewardModel == "" {
				c.needRewardModel(name.Sp)
				continue
			}
			cf.Estimators = append(cf.Estimators, name.Name)
		}
		cf.Launch = append(cf.Launch, &model.CounterfactualRequirement{Kind: model.RequirementKind(r.Verb), Estimator: name.Name, Span: r.Sp})
	}
}
