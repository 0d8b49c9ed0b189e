package result

import "encoding/json"

// KindInterleaving is the Kind of an interleaving target.
const KindInterleaving = "interleaving"

// Interleaving holds an interleaving target's results (Kind
// "interleaving"): per credit and treatment, the treatment's preference
// against the baseline; per treatment, the first-position check; and the
// sessions left out.
type Interleaving struct {
	Baseline string `json:"baseline"`
	// Test is "unit" (the delta method over units) or "sign" (the exact
	// binomial test over decided sessions).
	Test    string   `json:"test"`
	Credits []string `json:"credits"`
	// Results are ordered by credit (as declared), then treatment.
	Results []*Preference `json:"results"`
	// FirstPositions is the interleaving's sample-ratio check, per
	// treatment (absent when the rows cannot be ordered).
	FirstPositions []*FirstPositions `json:"first_positions,omitempty"`
	// LeftOut counts the sessions not compared: against a team value that
	// is not a listed treatment (other_team, with the value), with several
	// treatments, or with the baseline's items alone.
	LeftOut []*LeftOut `json:"left_out,omitempty"`
}

// Preference is one treatment against the baseline under one credit.
// Share is wins / (wins + losses) with its interval; PValue tests share =
// 1/2 and Significant is PValue < alpha, exactly when the interval
// excludes 1/2. MeanPreference is the mean over units of (wins − losses) /
// sessions with a t interval (MeanPValue tests 0). What cannot be
// estimated is null, with the reason in NotEstimable (MeanNotEstimable).
type Preference struct {
	Credit           string  `json:"credit"`
	Variant          string  `json:"variant"`
	Units            int64   `json:"units"`
	Sessions         int64   `json:"sessions"`
	Wins             int64   `json:"wins"`
	Losses           int64   `json:"losses"`
	Ties             int64   `json:"ties"`
	Share            *Effect `json:"share"`
	PValue           *Num    `json:"p_value"`
	Significant      bool    `json:"significant"`
	Method           string  `json:"method"`
	NotEstimable     string  `json:"not_estimable,omitempty"`
	MeanPreference   *Effect `json:"mean_preference"`
	MeanPValue       *Num    `json:"mean_p_value"`
	MeanDF           *Num    `json:"mean_df,omitempty"`
	MeanMethod       string  `json:"mean_method"`
	MeanNotEstimable string  `json:"mean_not_estimable,omitempty"`
}

// FirstPositions is one treatment's first-position check: the sessions
// whose first item is the baseline's or the treatment's, and the exact
// binomial p-value against half each (passed when p >= 0.001).
type FirstPositions struct {
	Variant      string `json:"variant"`
	Baseline     int64  `json:"baseline_first"`
	Treatment    int64  `json:"treatment_first"`
	PValue       *Num   `json:"p_value"`
	Passed       bool   `json:"passed"`
	NotEstimable string `json:"not_estimable,omitempty"`
}

// LeftOut counts sessions left out of the comparison.
type LeftOut struct {
	// Status is other_team, several_treatments or no_treatment.
	Status   string `json:"status"`
	Team     string `json:"team,omitempty"`
	Sessions int64  `json:"sessions"`
	Units    int64  `json:"units"`
}

// interleavingJSON is an interleaving target's JSON shape.
type interleavingJSON struct {
	Kind           string            `json:"kind"`
	Name           string            `json:"name"`
	Title          string            `json:"title,omitempty"`
	Owner          string            `json:"owner,omitempty"`
	Baseline       string            `json:"baseline"`
	Test           string            `json:"test"`
	Alpha          Num               `json:"alpha"`
	Credits        []string          `json:"credits"`
	Results        []*Preference     `json:"results"`
	FirstPositions []*FirstPositions `json:"first_positions,omitempty"`
	LeftOut        []*LeftOut        `json:"left_out,omitempty"`
	Decisions      []*Decision       `json:"decisions,omitempty"`
	Notes          []string          `json:"notes,omitempty"`
}

func (t *Target) marshalInterleaving() ([]byte, error) {
	x := t.Interleaving
	return json.Marshal(&interleavingJSON{Kind: t.Kind, Name: t.Name, Title: t.Title, Owner: t.Owner,
		Baseline: x.Baseline, Test: x.Test, Alpha: t.Alpha, Credits: x.Credits, Results: x.Results,
		FirstPositions: x.FirstPositions, LeftOut: x.LeftOut, Decisions: t.Decisions, Notes: t.Notes})
}
