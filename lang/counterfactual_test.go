package lang

import (
	"reflect"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/diag"
)

const cfSources = `
source logged {
  from csv("data/logged.csv")
  columns { user_id string  request_id string  item_id string  propensity float  reward float }
}
source candidate_scores {
  from csv("data/candidate_scores.csv")
  columns { model string  request_id string  item_id string  score float  predicted float }
}
`

// The checked model holds what the declaration says, with the defaults
// of the field table where it says nothing.
func TestCounterfactualModel(t *testing.T) {
	res := LoadSource("cf.cal", cfSources+`
counterfactual a {
  logs logged  unit user_id  request request_id  action item_id
  propensity propensity  reward reward
  candidates candidate_scores  model model  score score
  policy softmax 0.5  reward_model predicted  clip 20  alpha 0.1  min_ess 50
  launch { require dr improves  require snips not worse }
}
counterfactual b {
  logs logged  unit user_id  request request_id  action item_id
  propensity propensity  reward reward
  candidates candidate_scores  model model  score score
}
`)
	if res.Diags.HasErrors() {
		var b strings.Builder
		_ = diag.Render(&b, res.Files, res.Diags, diag.RenderOptions{})
		t.Fatal(b.String())
	}
	cfs := res.Package.CounterfactualTargets
	if len(cfs) != 2 {
		t.Fatalf("%d counterfactual targets", len(cfs))
	}
	a, b := cfs[0], cfs[1]
	if a.Policy != "softmax" || a.Temperature != 0.5 || a.Clip != 20 || a.Alpha != 0.1 || a.MinESS != 50 ||
		a.RewardModel != "predicted" || !reflect.DeepEqual(a.Estimators, []string{"ips", "snips", "dr"}) ||
		len(a.Launch) != 2 || a.Launch[0].Estimator != "dr" || a.Launch[1].Kind != "not worse" {
		t.Errorf("a: %+v", a)
	}
	if b.Policy != "greedy" || b.Clip != 0 || b.Alpha != 0.05 || b.MinESS != 100 || b.Launch != nil ||
		!reflect.DeepEqual(b.Estimators, []string{"ips", "snips"}) || b.Logs == nil || b.Candidates == nil {
		t.Errorf("b: %+v", b)
	}
}
