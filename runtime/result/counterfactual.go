package result

import "encoding/json"

// KindCounterfactual is the Kind of a counterfactual target.
const KindCounterfactual = "counterfactual"

// Counterfactual holds a counterfactual target's results (Kind
// "counterfactual"): the logging policy's on-policy value, and per
// candidate model each estimator's value and paired difference against it,
// with the weight diagnostics. A value that cannot be estimated is null
// with its reason.
type Counterfactual struct {
	Policy     string     `json:"policy"`
	Clip       *Num       `json:"clip"` // null: no clipping
	MinESS     Num        `json:"min_ess"`
	Estimators []string   `json:"estimators"`
	LoggedRows int64      `json:"logged_rows"`
	Units      int64      `json:"units"`
	Decisions  int64      `json:"analysed_decisions"`
	Logging    *CfValue   `json:"logging"`
	Models     []*CfModel `json:"models"`
}

// CfValue is a value with its interval, or the reason it has none.
type CfValue struct {
	Value   *Effect `json:"value"`
	Problem string  `json:"problem,omitempty"`
}

// CfModel is one candidate model's estimates and weight diagnostics.
type CfModel struct {
	Model       string         `json:"model"`
	Estimates   []*CfEstimate  `json:"estimates"`
	Diagnostics *CfDiagnostics `json:"diagnostics"`
}

// CfEstimate is one estimator's value of a model and its difference
// against the logging policy (paired over units; PValue tests 0).
type CfEstimate struct {
	Estimator         string  `json:"estimator"`
	Value             *Effect `json:"value"`
	ValueProblem      string  `json:"value_problem,omitempty"`
	Difference        *Effect `json:"difference"`
	PValue            *Num    `json:"p_value"`
	DifferenceProblem string  `json:"difference_problem,omitempty"`
}

// CfDiagnostics describe a model's importance weights (all but the
// clipped share on unclipped weights).
type CfDiagnostics struct {
	ESS             Num     `json:"ess"`
	ESSShare        Num     `json:"ess_share"`
	MaxWeight       Num     `json:"max_weight"`
	ClippedShare    Num     `json:"clipped_share"`
	NeverTakenShare Num     `json:"never_taken_share"`
	MeanWeight      *Effect `json:"mean_weight"`
	MeanWeightP     *Num    `json:"mean_weight_p_value"`
	MeanWeightFlag  string  `json:"mean_weight_flag,omitempty"`
}

// counterfactualJSON is a counterfactual target's JSON.
type counterfactualJSON struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Owner string `json:"owner,omitempty"`
	Alpha Num    `json:"alpha"`
	*Counterfactual
	LaunchDecisions []*Decision `json:"decisions,omitempty"`
	Notes           []string    `json:"notes,omitempty"`
}

func (t *Target) counterfactualJSON() ([]byte, error) {
	return json.Marshal(&counterfactualJSON{Kind: t.Kind, Name: t.Name, Title: t.Title, Owner: t.Owner, Alpha: t.Alpha,
		Counterfactual: t.Counterfactual, LaunchDecisions: t.Decisions, Notes: t.Notes})
}
