package main

import (
	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

// simulatePortfolio writes the portfolio scenario's store and reports the
// winner's curse over replicates: the naive and corrected sums' bias
// against the shipped launches' planted true sum.
func simulatePortfolio(cmd *cobra.Command, out string, seed uint64, replicates int) error {
	sim := simulate.DefaultPortfolio(seed)
	path, rep, err := sim.WritePortfolioStore(out)
	if err != nil {
		return err
	}
	shipped := 0
	for _, s := range rep.Shipped {
		if s {
			shipped++
		}
	}
	w := outf
	w(cmd.OutOrStdout(), "scenario portfolio: %d experiments (%d shipped) and a holdout (stored every %d weeks) in %s\n  true sum of the shipped lifts %+.3f%%, the holdout measures %+.3f%%\n  review it: caliper portfolio --store %s\nplanted: %s\n",
		len(rep.Truth), shipped, simulate.HoldoutEvery, path, 100*rep.ShippedTruth, 100*rep.Holdout, path, sim.Planted())
	if replicates > 0 {
		b := sim.Bias(replicates, 1000)
		w(cmd.OutOrStdout(), "over %d replicates (mean true sum %+.3f%%): bias naive %+.3f%%, corrected %+.3f%%; RMSE naive %.3f%%, corrected %.3f%%; corrected closer in %.0f%%; 95%% bootstrap interval covers the truth in %.1f%%\n",
			b.Replicates, 100*b.MeanTruth, 100*b.NaiveBias, 100*b.CorrectedBias, 100*b.NaiveRMSE, 100*b.CorrectedRMSE, 100*b.CorrectedCloser, 100*b.Coverage)
	}
	return nil
}
