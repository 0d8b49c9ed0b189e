package model

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/source"
)

// Counterfactual is a checked off-policy evaluation: the value candidate
// models would have earned on decisions logged by a stochastic policy.
type Counterfactual struct {
	Name        string
	Span        source.Span
	Title       string
	Owner       string
	Description string
	// Logs has one row per logged decision; Candidates one row per model,
	// request and candidate action.
	Logs, Candidates *Source
	// Columns of the logs: Unit, Request, Action, Propensity, Reward.
	Unit, Request, Action, Propensity, Reward string
	// Columns of the candidates: Request and Action (as in the logs),
	// Model, Score and RewardModel ("" without one).
	Model, Score, RewardModel string
	// Policy is "greedy" or "softmax" (at Temperature).
	Policy      string
	Temperature float64
	// Estimators are "ips", "snips" and "dr", in the order given.
	Estimators []string
	// Clip clips weights above it; 0 means no clipping.
	Clip   float64
	Alpha  float64
	MinESS float64
	// Launch holds the requirements; nil means no launch rule.
	Launch []*CounterfactualRequirement
	Decl   *ast.Decl
}

// CounterfactualRequirement is `require E improves` or `require E not
// worse` on an estimator's difference against the logging policy.
type CounterfactualRequirement struct {
	Kind      RequirementKind
	Estimator string
	Span      source.Span
}

// Sources lists the sources the counterfactual reads.
func (c *Counterfactual) Sources() []*Source { return []*Source{c.Logs, c.Candidates} }
