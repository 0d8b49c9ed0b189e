// Package report holds the results of a run as plain data, and renders
// them as JSON or a text table. Field names are the output contract: keys
// may be added, never renamed.
package report

// Report is the result of one `caliper run`.
type Report struct {
	Targets []*Target `json:"targets"`
}

// Target is one experiment's results.
type Target struct {
	Kind     string           `json:"kind"`
	Name     string           `json:"name"`
	Title    string           `json:"title,omitempty"`
	Control  string           `json:"control"`
	Alpha    float64          `json:"alpha"`
	Units    map[string]int64 `json:"units"`
	Excluded map[string]int64 `json:"excluded"`
	SRM      *SRM             `json:"srm"`
	Results  []*Result        `json:"results"`
	Notes    []string         `json:"notes,omitempty"`
}

// SRM is the sample-ratio check.
type SRM struct {
	ChiSquare float64   `json:"chi_square"`
	DF        float64   `json:"df"`
	PValue    float64   `json:"p_value"`
	Passed    bool      `json:"passed"`
	Expected  []float64 `json:"expected_shares"`
}

// Result is one metric compared between one treatment and the control.
type Result struct {
	Metric      string   `json:"metric"`
	Title       string   `json:"title,omitempty"`
	Kind        string   `json:"kind"`
	Role        string   `json:"role"`
	Direction   string   `json:"direction"`
	Variant     string   `json:"variant"`
	Control     Arm      `json:"control"`
	Treatment   Arm      `json:"treatment"`
	Absolute    *Effect  `json:"absolute"`
	Relative    *Effect  `json:"relative"`
	PValue      *float64 `json:"p_value"`
	Significant bool     `json:"significant"`
	Method      string   `json:"method"`
	Notes       []string `json:"notes,omitempty"`
}

// Arm is one arm's summary of a metric.
type Arm struct {
	Units int64   `json:"units"`
	Mean  float64 `json:"mean"`
}

// Effect is an estimate with its interval.
type Effect struct {
	Estimate float64 `json:"estimate"`
	CILower  float64 `json:"ci_lower"`
	CIUpper  float64 `json:"ci_upper"`
	StdError float64 `json:"std_error"`
}
