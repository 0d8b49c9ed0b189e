package simulate

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/caliper-dev/caliper/runtime/portfolio"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// Over replicates the corrected sum's bias is far below the naive sum's
// (which is positive: the winner's curse), and the bootstrap interval
// covers the shipped launches' true sum at about its level.
func TestPortfolioScenarioBias(t *testing.T) {
	b := DefaultPortfolio(1).Bias(200, 300)
	t.Logf("%d replicates, mean true sum %.4f: bias naive %+.5f corrected %+.5f, RMSE %.5f vs %.5f, coverage %.3f",
		b.Replicates, b.MeanTruth, b.NaiveBias, b.CorrectedBias, b.NaiveRMSE, b.CorrectedRMSE, b.Coverage)
	if b.Replicates < 190 {
		t.Fatalf("only %d replicates shipped anything", b.Replicates)
	}
	if !(b.NaiveBias > 0) || !(math.Abs(b.CorrectedBias) < b.NaiveBias/4) {
		t.Errorf("bias naive %g corrected %g: want the corrected one below a quarter of the naive one", b.NaiveBias, b.CorrectedBias)
	}
	if !(b.CorrectedRMSE < b.NaiveRMSE) {
		t.Errorf("RMSE corrected %g not below naive %g", b.CorrectedRMSE, b.NaiveRMSE)
	}
	if b.Coverage < 0.9 {
		t.Errorf("coverage %g, want about 0.95", b.Coverage)
	}
}

// The store it writes reviews as planted: the holdout is recognised, the
// corrected sum is closer to the true sum than the naive one in this
// replicate, and the leak's interval covers 0 (nothing leaks by
// construction).
func TestPortfolioScenarioStore(t *testing.T) {
	sim := DefaultPortfolio(1)
	path, rep, err := sim.WritePortfolioStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sim.WritePortfolioStore(filepath.Dir(path)); err == nil {
		t.Error("wrote over an existing store")
	}
	st, err := duckstore.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.History(context.Background(), store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Build(entries, portfolio.Options{Store: path})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Metrics[0]
	if m.Experiments != sim.Experiments || m.Holdout == nil || m.Holdout.Target != "portfolio_holdout" {
		t.Fatalf("metric %s: %d experiments, holdout %+v", m.Name, m.Experiments, m.Holdout)
	}
	c := m.Impact.Relative
	naive, corr := float64(*c.Naive), float64(*c.Corrected)
	if !(math.Abs(corr-rep.ShippedTruth) < math.Abs(naive-rep.ShippedTruth)) {
		t.Errorf("corrected %g is not closer than naive %g to the true sum %g", corr, naive, rep.ShippedTruth)
	}
	// The holdout is stored every four weeks, then after the last
	// experiment: its latest run is the one compared.
	h := m.Holdout.OverTime
	if len(h) != sim.Experiments/HoldoutEvery || h[len(h)-1].RunID != "sim-holdout" || float64(h[len(h)-1].Relative.Estimate) != rep.Holdout ||
		h[0].RunID != "sim-holdout-04" {
		t.Errorf("holdout over time: %d runs, last %+v", len(h), h[len(h)-1])
	}
	g := m.Holdout.Relative
	if float64(g.Holdout.Estimate) != rep.Holdout {
		t.Errorf("holdout compared %v, want the last run's %v", g.Holdout.Estimate, rep.Holdout)
	}
	if !(float64(*g.LeakCILower) < 0 && 0 < float64(*g.LeakCIUpper)) {
		t.Errorf("leak interval [%v, %v] excludes 0, though nothing leaks", *g.LeakCILower, *g.LeakCIUpper)
	}
}
