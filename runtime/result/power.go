package result

// Power is the result of `caliper power`: per metric, the units each arm
// needs to detect the relative MDE, and the MDE the current sample gives.
type Power struct {
	Experiment  string        `json:"experiment"`
	MDE         Num           `json:"mde"`
	Alpha       Num           `json:"alpha"`
	Power       Num           `json:"power"`
	Arms        int           `json:"arms"`
	UnitsPerDay *Num          `json:"units_per_day,omitempty"`
	Metrics     []*PowerEntry `json:"metrics"`
}

// PowerEntry is one metric's power analysis.
type PowerEntry struct {
	Metric string `json:"metric"`
	Kind   string `json:"kind"`
	// Method names the formula: power.t.test, power.prop.test (R's), or
	// normal (delta-method variance, for ratios).
	Method string `json:"method"`
	// Mean and StdDev are the control arm's observed value and per-unit
	// standard deviation (or the --baseline and --sd planned without data);
	// for a ratio, the delta-method standard deviation. Null when not
	// defined (a quantile metric, a control without units, fewer than two
	// units for an SD): Note says why. Never 0 for a missing value.
	Mean   *Num `json:"mean"`
	StdDev *Num `json:"std_dev"`
	// UnitsPerArm is the sample each arm needs (rounded up).
	UnitsPerArm *Num `json:"units_per_arm,omitempty"`
	// Days is how long reaching it takes at UnitsPerDay.
	Days *Num `json:"days,omitempty"`
	// CurrentUnitsPerArm and CurrentMDE: the relative MDE at the sample the
	// data has, by the exact inverse of the formula that gives UnitsPerArm
	// (absent when planning without data).
	CurrentUnitsPerArm *Num   `json:"current_units_per_arm,omitempty"`
	CurrentMDE         *Num   `json:"current_mde,omitempty"`
	Note               string `json:"note,omitempty"`
}
