package result

import "fmt"

// Decomposition splits a metric's relative lift between the factors of its
// multiplicative identity (metric `decompose A * B`).
type Decomposition struct {
	Metric  string `json:"metric"`
	Variant string `json:"variant"`
	// Lift is the metric's relative lift; each factor's log-lift share
	// log(1+lift_i)/log(1+lift) adds up to 1 when the identity holds.
	Lift          Num               `json:"lift"`
	Factors       []*FactorLift     `json:"factors"`
	IdentityHolds bool              `json:"identity_holds"`
	Residual      Num               `json:"residual"`
	Problem       string            `json:"problem,omitempty"`
	Segment       map[string]string `json:"segment,omitempty"`
}

// FactorLift is one factor's relative lift and log-lift share.
type FactorLift struct {
	Metric string `json:"metric"`
	Lift   Num    `json:"lift"`
	Share  Num    `json:"share"`
}

// FactorInfo describes one factor.
type FactorInfo struct {
	Name     string `json:"name"`
	Column   string `json:"column"`
	Baseline string `json:"baseline"`
}

// Cell is one cell of the design for one metric.
type Cell struct {
	Metric string `json:"metric"`
	// Cell names the levels, e.g. "embeddings=new,retrieval=baseline".
	Cell  string `json:"cell"`
	Units int64  `json:"units"`
	// Mean and StdError are null when the cell cannot be estimated
	// (Problem says why).
	Mean     *Num   `json:"mean"`
	StdError *Num   `json:"std_error"`
	Problem  string `json:"problem,omitempty"`
}

// Term is a factorial effect: a main effect ("ranker"), an interaction
// ("embeddings:ranker"), or a Shapley share of the all-new effect. The
// estimate is R's 0/1 (dummy) coding, as estimatr::lm_robust reports
// it; EffectCoded is the ±½ coding (the average over the other factors).
type Term struct {
	Metric       string  `json:"metric"`
	Term         string  `json:"term"`
	Estimate     Num     `json:"estimate"`
	StdError     Num     `json:"std_error"`
	CILower      Num     `json:"ci_lower"`
	CIUpper      Num     `json:"ci_upper"`
	PValue       Num     `json:"p_value"`
	EffectCoded  *Effect `json:"effect_coded,omitempty"`
	EffectCodedP *Num    `json:"effect_coded_p_value,omitempty"`
	Problem      string  `json:"problem,omitempty"`
}

// SplitShares is one metric's lift for one treatment split between the
// values of a row attribute (`split surface`).
type SplitShares struct {
	Metric  string `json:"metric"`
	Variant string `json:"variant"`
	Split   string `json:"split"`
	// Kind is additive (shares add up to 1), ratio, proportion or
	// non-additive (no shares; Problem says why).
	Kind     string       `json:"kind"`
	Total    Num          `json:"total"`
	Parts    []*SplitPart `json:"parts"`
	Residual Num          `json:"residual"`
	Additive bool         `json:"additive"`
	Problem  string       `json:"problem,omitempty"`
}

// SplitPart is one split value's absolute lift and share of the total.
type SplitPart struct {
	Value string `json:"value"`
	Lift  Num    `json:"lift"`
	Share *Num   `json:"share,omitempty"`
}

// LongRun is the long-run effect fitted to an exposure-age timeline's
// relative effects, effect(t) = a + b·exp(−t/τ) (t in days or weeks since
// exposure, Unit): the asymptote a with its interval (which carries τ's
// uncertainty), the excess b at exposure, τ, and whether the trend is
// novelty (b > 0, shrinking), primacy (b < 0, growing) or stable.
type LongRun struct {
	Metric    string  `json:"metric"`
	Variant   string  `json:"variant"`
	Scale     string  `json:"scale"` // "relative"
	Unit      string  `json:"unit"`  // "day" or "week": of the ages and of τ
	Asymptote *Effect `json:"asymptote,omitempty"`
	Trend     *Effect `json:"trend,omitempty"`
	// Tau is τ in Units; it, TrendP and Pattern are absent when the fit
	// is refused (Problem says why).
	Tau     *Num   `json:"tau,omitempty"`
	TrendP  *Num   `json:"trend_p_value,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	Periods int    `json:"periods"`
	Problem string `json:"problem,omitempty"`
}

// Sentence reads the long-run fit in percent, e.g. "long-run +3.1%
// [+1.2%, +5.0%]; novelty: +12% at day 0, fading with τ ≈ 2 days (trend
// p = 0.0010)", or the reason there is none.
func (l *LongRun) Sentence() string {
	if l.Problem != "" || l.Asymptote == nil || l.Tau == nil || l.TrendP == nil {
		return "no long-run estimate: " + l.Problem
	}
	p1 := func(v Num) string { return fmt.Sprintf("%+.1f%%", float64(v)*100) }
	s := fmt.Sprintf("long-run %s [%s, %s]", p1(l.Asymptote.Estimate), p1(l.Asymptote.CILower), p1(l.Asymptote.CIUpper))
	unit := l.Unit
	if unit == "" {
		unit = "day"
	}
	tau := fmt.Sprintf("%.2g %ss", float64(*l.Tau), unit)
	if float64(*l.Tau) == 1 {
		tau = "1 " + unit
	}
	switch l.Pattern {
	case "novelty", "primacy":
		verb := "fading"
		if l.Pattern == "primacy" {
			verb = "building up"
		}
		s += fmt.Sprintf("; %s: %s at %s 0, %s with τ ≈ %s", l.Pattern, p1(l.Trend.Estimate), unit, verb, tau)
	default:
		s += "; stable: no significant trend"
	}
	return s + fmt.Sprintf(" (trend p = %s)", formatP(*l.TrendP))
}

// formatP writes a p-value with 4 decimals, or "<0.0001" (as the reports
// do).
func formatP(p Num) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
