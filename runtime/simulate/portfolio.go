package simulate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/caliper-dev/caliper/runtime/stats"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// ScenarioPortfolio is a half-year of experiments with known true effects
// and a long-running holdout, written as a results store (not as raw
// data: the portfolio review reads stores). `caliper simulate --scenario
// portfolio` writes one and reports the winner's curse over replicates.
const ScenarioPortfolio Scenario = "portfolio"

// PortfolioSim is the portfolio scenario's plan. Each of Experiments
// experiments on sessions_per_user (a mean with coefficient of variation
// 1, baseline 4) has a true relative lift drawn from a mixture — most
// launches do little, N(0.2%, 0.5%²), one in four helps, N(1.5%, 0.5%²) —
// and Units users split evenly, so its relative standard error is
// √(4/Units). It ships when significant at 5% and positive (the usual
// rule). The holdout (HoldoutUnits users, control "holdout", variant
// "launched") measures the true sum of the shipped launches' lifts (no
// decay, no interaction), with its own sampling error.
type PortfolioSim struct {
	Experiments  int
	Seed         uint64
	HoldoutUnits int
}

// DefaultPortfolio is 24 experiments (one a week) and a holdout of
// 400,000 users.
func DefaultPortfolio(seed uint64) PortfolioSim {
	return PortfolioSim{Experiments: 24, Seed: seed, HoldoutUnits: 400000}
}

// Planted says what the scenario plants.
func (p PortfolioSim) Planted() string {
	return fmt.Sprintf("%d experiments on sessions_per_user with true lifts 75%% N(0.2%%, 0.5%%²) and 25%% N(1.5%%, 0.5%%²), shipped when significant and positive, and a holdout measuring the shipped launches' true sum", p.Experiments)
}

// PortfolioReplicate is one replicate: the experiments' true lifts and
// estimates, which shipped, and the holdout's measurement.
type PortfolioReplicate struct {
	Truth, Estimate, StdError []float64
	Units                     []int
	Shipped                   []bool
	// ShippedTruth is the true sum of the shipped lifts, the figure the
	// naive and corrected sums estimate.
	ShippedTruth             float64
	Holdout, HoldoutStdError float64
}

// Replicate draws replicate r (r = 0 is the one written to the store).
func (p PortfolioSim) Replicate(r int) PortfolioReplicate {
	rng := rand.New(rand.NewPCG(p.Seed, uint64(r)+0x9e37))
	var out PortfolioReplicate
	z := stats.NormalQuantile(0.975)
	for i := 0; i < p.Experiments; i++ {
		a := 0.002 + 0.005*rng.NormFloat64()
		if rng.Float64() < 0.25 {
			a = 0.015 + 0.005*rng.NormFloat64()
		}
		n := 50000 + rng.IntN(350001)
		se := math.Sqrt(4 / float64(n))
		x := a + se*rng.NormFloat64()
		ship := x/se > z
		out.Truth = append(out.Truth, a)
		out.Estimate = append(out.Estimate, x)
		out.StdError = append(out.StdError, se)
		out.Units = append(out.Units, n)
		out.Shipped = append(out.Shipped, ship)
		if ship {
			out.ShippedTruth += a
		}
	}
	out.HoldoutStdError = math.Sqrt(4 / float64(p.HoldoutUnits))
	out.Holdout = out.ShippedTruth + out.HoldoutStdError*rng.NormFloat64()
	return out
}

// Candidates are the replicate's experiments as the correction reads them.
func (r PortfolioReplicate) Candidates() []stats.Candidate {
	var c []stats.Candidate
	for i := range r.Truth {
		c = append(c, stats.Candidate{Label: fmt.Sprint(i), Estimate: r.Estimate[i], StdError: r.StdError[i],
			Threshold: stats.NormalQuantile(0.975), Shipped: r.Shipped[i]})
	}
	return c
}

// PortfolioBias is the naive and corrected sums' errors over replicates.
type PortfolioBias struct {
	Replicates               int
	MeanTruth                float64
	NaiveBias, CorrectedBias float64
	NaiveRMSE, CorrectedRMSE float64
	Coverage                 float64 // the bootstrap interval's
	CorrectedCloser          float64 // share of replicates
}

// Bias runs n replicates (those that ship nothing are skipped) with reps
// bootstrap draws each.
func (p PortfolioSim) Bias(n, reps int) PortfolioBias {
	var b PortfolioBias
	for r := 0; r < n; r++ {
		rep := p.Replicate(r)
		w := stats.CorrectWinnersCurse(rep.Candidates(), 0.05, reps, p.Seed+uint64(r))
		if !w.Estimable() {
			continue
		}
		b.Replicates++
		en, ec := w.Naive-rep.ShippedTruth, w.Corrected-rep.ShippedTruth
		b.MeanTruth += rep.ShippedTruth
		b.NaiveBias += en
		b.CorrectedBias += ec
		b.NaiveRMSE += en * en
		b.CorrectedRMSE += ec * ec
		if w.Lower <= rep.ShippedTruth && rep.ShippedTruth <= w.Upper {
			b.Coverage++
		}
		if math.Abs(ec) < math.Abs(en) {
			b.CorrectedCloser++
		}
	}
	if b.Replicates == 0 {
		return b
	}
	k := float64(b.Replicates)
	b.MeanTruth /= k
	b.NaiveBias /= k
	b.CorrectedBias /= k
	b.NaiveRMSE = math.Sqrt(b.NaiveRMSE / k)
	b.CorrectedRMSE = math.Sqrt(b.CorrectedRMSE / k)
	b.Coverage /= k
	b.CorrectedCloser /= k
	return b
}

// HoldoutEvery is how many experiments (weeks) apart the store holds a
// run of the holdout before its last.
const HoldoutEvery = 4

// WritePortfolioStore writes replicate 0 as a results store at
// dir/portfolio.duckdb: one run per experiment, a week apart from
// 2026-01-05; every HoldoutEvery experiments a run of the holdout three
// days after the last one, measuring the true sum of the launches shipped
// so far (its own sampling error, drawn apart from the replicate's);
// and the holdout's final run, rep.Holdout, after the last experiment.
func (p PortfolioSim) WritePortfolioStore(dir string) (string, PortfolioReplicate, error) {
	rep := p.Replicate(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", rep, err
	}
	path := filepath.Join(dir, "portfolio.duckdb")
	if _, err := os.Stat(path); err == nil {
		return "", rep, fmt.Errorf("%s exists: the portfolio scenario writes a new store", path)
	}
	st, err := duckstore.Open(path)
	if err != nil {
		return "", rep, err
	}
	defer func() { _ = st.Close() }() // for the error paths; the success path returns Close's error below
	t0 := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	noise := rand.New(rand.NewPCG(p.Seed, 0x6f1d))
	truth := 0.0
	for i := range rep.Truth {
		decision := "no_ship"
		if rep.Shipped[i] {
			decision = "ship"
		}
		row := portfolioRow(fmt.Sprintf("exp_%02d", i+1), "control", "treatment", decision, rep.Estimate[i], rep.StdError[i], rep.Units[i])
		run := &store.Run{ID: fmt.Sprintf("sim-%02d", i+1), Time: t0.AddDate(0, 0, 7*i), Version: "simulate", SpecPath: "simulate:portfolio",
			Targets: 1, Rows: []store.Row{row}}
		if err := st.Append(context.Background(), run); err != nil {
			return "", rep, err
		}
		if rep.Shipped[i] {
			truth += rep.Truth[i]
		}
		if (i+1)%HoldoutEvery == 0 && i+1 < len(rep.Truth) {
			est := truth + rep.HoldoutStdError*noise.NormFloat64()
			row := portfolioRow("portfolio_holdout", "holdout", "launched", "", est, rep.HoldoutStdError, p.HoldoutUnits)
			run := &store.Run{ID: fmt.Sprintf("sim-holdout-%02d", i+1), Time: t0.AddDate(0, 0, 7*i+3), Version: "simulate", SpecPath: "simulate:portfolio",
				Targets: 1, Rows: []store.Row{row}}
			if err := st.Append(context.Background(), run); err != nil {
				return "", rep, err
			}
		}
	}
	row := portfolioRow("portfolio_holdout", "holdout", "launched", "", rep.Holdout, rep.HoldoutStdError, p.HoldoutUnits)
	run := &store.Run{ID: "sim-holdout", Time: t0.AddDate(0, 0, 7*len(rep.Truth)), Version: "simulate", SpecPath: "simulate:portfolio",
		Targets: 1, Rows: []store.Row{row}}
	if err := st.Append(context.Background(), run); err != nil {
		return "", rep, err
	}
	return path, rep, st.Close()
}

// portfolioRow is one experiment's sessions_per_user result (baseline 4)
// from its relative lift and relative standard error.
func portfolioRow(target, control, variant, decision string, lift, se float64, units int) store.Row {
	const base, z = 4.0, 1.959963984540054
	abs, aSE := lift*base, se*base
	p := 2 * distuv.UnitNormal.CDF(-math.Abs(lift/se))
	f := func(v float64) *float64 { return &v }
	return store.Row{Target: target, TargetKind: "experiment", Metric: "sessions_per_user", MetricKind: "mean", Role: "primary",
		Direction: "increase", Variant: variant, Control: control,
		ControlUnits: int64(units / 2), TreatmentUnits: int64(units - units/2), ControlValue: f(base), TreatmentValue: f(base + abs),
		Estimate: f(abs), CILower: f(abs - z*aSE), CIUpper: f(abs + z*aSE), StdError: f(aSE),
		RelEstimate: f(lift), RelCILower: f(lift - z*se), RelCIUpper: f(lift + z*se), RelStdError: f(se), RelMethod: "delta",
		PValue: f(p), Significant: p < 0.05, Method: "welch", Alpha: 0.05, Decision: decision}
}
