package result

// Experiment is an experiment target's payload: units and exclusions per
// arm, the sample-ratio check, a result per metric and treatment, and the
// designs' extras (segments, factorial terms, decompositions, clusters,
// timeline, split shares, coverage).
type Experiment struct {
	Control  string           `json:"control"`
	Units    map[string]int64 `json:"units"`
	Excluded map[string]int64 `json:"excluded"`
	SRM      *SRM             `json:"srm"`
	Results  []*Result        `json:"results"`
	// Heterogeneity tests, per metric, treatment and segment column,
	// whether the effect differs between segments (Cochran's Q).
	Heterogeneity []*Heterogeneity `json:"heterogeneity,omitempty"`
	// Correction is the multiple-testing correction of secondary metrics.
	Correction string `json:"correction,omitempty"`
	// Sequential is set when intervals and p-values are always valid.
	Sequential bool `json:"sequential,omitempty"`
	// Decompositions split decomposed metrics' lifts between factors.
	Decompositions []*Decomposition `json:"decompositions,omitempty"`
	// A factorial design's factors, cells (per metric), effects (main
	// effects and interactions of the saturated model) and Shapley
	// attribution of the all-new effect.
	Factors     []*FactorInfo `json:"factors,omitempty"`
	Cells       []*Cell       `json:"cells,omitempty"`
	Effects     []*Term       `json:"effects,omitempty"`
	Attribution []*Term       `json:"attribution,omitempty"`
	// Clustered names the cluster column of a cluster-randomized analysis;
	// Clusters counts the clusters per arm (the sample-ratio check counts
	// them, not units).
	Clustered string           `json:"clustered_by,omitempty"`
	Clusters  map[string]int64 `json:"clusters,omitempty"`
	// Timeline holds per-period and cumulative results (`timeline`), and
	// LongRun the fitted long-run effect per metric and treatment.
	Timeline []*Result  `json:"timeline,omitempty"`
	LongRun  []*LongRun `json:"long_run,omitempty"`
	// SplitShares give each split value's share of a metric's lift.
	SplitShares []*SplitShares `json:"split_shares,omitempty"`
	// Coverage says how many units' analysis windows (or the experiment's
	// end) run past the last timestamp in the data.
	Coverage *Coverage `json:"coverage,omitempty"`
}

// experimentJSON is an experiment target's JSON shape: the keys in the
// order of the output contract (TestExperimentJSONKeys checks that every
// field of Target and Experiment is here).
type experimentJSON struct {
	Kind           string           `json:"kind"`
	Name           string           `json:"name"`
	Title          string           `json:"title,omitempty"`
	Hypothesis     string           `json:"hypothesis,omitempty"`
	Owner          string           `json:"owner,omitempty"`
	Control        string           `json:"control"`
	Alpha          Num              `json:"alpha"`
	Units          map[string]int64 `json:"units"`
	Excluded       map[string]int64 `json:"excluded"`
	SRM            *SRM             `json:"srm"`
	Results        []*Result        `json:"results"`
	Decisions      []*Decision      `json:"decisions,omitempty"`
	Heterogeneity  []*Heterogeneity `json:"heterogeneity,omitempty"`
	Correction     string           `json:"correction,omitempty"`
	Sequential     bool             `json:"sequential,omitempty"`
	Notes          []string         `json:"notes,omitempty"`
	Decompositions []*Decomposition `json:"decompositions,omitempty"`
	Factors        []*FactorInfo    `json:"factors,omitempty"`
	Cells          []*Cell          `json:"cells,omitempty"`
	Effects        []*Term          `json:"effects,omitempty"`
	Attribution    []*Term          `json:"attribution,omitempty"`
	Clustered      string           `json:"clustered_by,omitempty"`
	Clusters       map[string]int64 `json:"clusters,omitempty"`
	Timeline       []*Result        `json:"timeline,omitempty"`
	LongRun        []*LongRun       `json:"long_run,omitempty"`
	SplitShares    []*SplitShares   `json:"split_shares,omitempty"`
	Coverage       *Coverage        `json:"coverage,omitempty"`
}

func experimentShape(t *Target) *experimentJSON {
	e := &t.Experiment
	return &experimentJSON{Kind: t.Kind, Name: t.Name, Title: t.Title, Hypothesis: t.Hypothesis, Owner: t.Owner,
		Control: e.Control, Alpha: t.Alpha, Units: e.Units, Excluded: e.Excluded, SRM: e.SRM, Results: e.Results,
		Decisions: t.Decisions, Heterogeneity: e.Heterogeneity, Correction: e.Correction, Sequential: e.Sequential,
		Notes: t.Notes, Decompositions: e.Decompositions, Factors: e.Factors, Cells: e.Cells, Effects: e.Effects,
		Attribution: e.Attribution, Clustered: e.Clustered, Clusters: e.Clusters, Timeline: e.Timeline,
		LongRun: e.LongRun, SplitShares: e.SplitShares, Coverage: e.Coverage}
}
