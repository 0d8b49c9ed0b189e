package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func simulateCmd(_ *bool) *cobra.Command {
	var scenario, out, format string
	var units, days int
	var seed uint64
	var pretrend float64
	var replicates int
	var long strings.Builder
	long.WriteString("Write synthetic exposures and events with a planted, documented effect, in the\n" +
		"homefeed example's schema, plus a spec (" + simulate.SpecFile + ") that analyses them:\n" +
		"`caliper run DIR` works on the output. The same seed gives byte-identical files.\n\nScenarios:\n")
	for _, s := range simulate.Scenarios() {
		fmt.Fprintf(&long, "  %-10s %s\n", s, s.Planted())
	}
	fmt.Fprintf(&long, "  %-10s %s\n", simulate.ScenarioInterleaving, simulate.DefaultInterleaving(1, 1).Planted())
	fmt.Fprintf(&long, "  %-10s %s\n", simulate.ScenarioOffPolicy, simulate.DefaultOffPolicy(1, 1).Planted())
	fmt.Fprintf(&long, "  %-10s %s (a results store, portfolio.duckdb; --replicates N reports the winner's curse over N replicates)\n", simulate.ScenarioPortfolio, simulate.DefaultPortfolio(1).Planted())
	fmt.Fprintf(&long, "  %-10s %s; --pretrend X plants a violation of parallel trends\n", simulate.ScenarioRollout, simulate.DefaultRollout(40, 1).Planted())
	cmd := &cobra.Command{
		Use:   "simulate --scenario aa|ab|factorial|cluster|decay|interleaving|offpolicy|rollout|portfolio --out DIR",
		Short: "write synthetic experiment data with a planted effect",
		Long:  long.String(),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if scenario == string(simulate.ScenarioInterleaving) {
				return simulateInterleaving(cmd, out, format, units, seed)
			}
			if scenario == string(simulate.ScenarioRollout) {
				return simulateRollout(cmd, out, format, units, seed, pretrend, cmd.Flags().Changed("units"))
			}
			if scenario == string(simulate.ScenarioOffPolicy) {
				return simulateOffPolicy(cmd, out, format, units, seed)
			}
			if scenario == string(simulate.ScenarioPortfolio) {
				return simulatePortfolio(cmd, out, seed, replicates)
			}
			s, err := simulate.ParseScenario(scenario)
			if err != nil {
				return err
			}
			f, err := simulate.ParseFormat(format)
			if err != nil {
				return err
			}
			cfg, err := s.Config(units, days, seed)
			if err != nil {
				return err
			}
			files, err := simulate.WriteScenario(out, s, cfg, f)
			if err != nil {
				return err
			}
			outf(cmd.OutOrStdout(), "scenario %s: %d units in %s (+%d in search_v9), %d event rows\n  %s\n  %s\n  %s\nplanted: %s\n",
				s, units, s.Experiment(), cfg.OtherUsers, files.EventRows, files.Exposures, files.Events, files.Spec, s.Planted())
			return nil
		},
	}
	cmd.Flags().StringVar(&scenario, "scenario", "ab", "aa, ab, factorial, cluster, decay, interleaving, offpolicy, rollout or portfolio")
	cmd.Flags().IntVar(&units, "units", 10000, "units (users) in the scenario's experiment")
	cmd.Flags().IntVar(&days, "days", 14, "days of events; first exposures spread over the first half")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVar(&out, "out", "", "folder to write into (created if missing)")
	cmd.Flags().StringVar(&format, "format", "csv", "data format: csv or parquet")
	cmd.Flags().IntVar(&replicates, "replicates", 200, "portfolio: replicates over which the winner's-curse bias is reported (0: none)")
	cmd.Flags().Float64Var(&pretrend, "pretrend", 0, "rollout: a violation of parallel trends, added to adopting markets' save rate per week (e.g. 0.002)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// simulateInterleaving writes the interleaving scenario (CSV only).
func simulateInterleaving(cmd *cobra.Command, out, format string, units int, seed uint64) error {
	if format != "csv" {
		return fmt.Errorf("the interleaving scenario writes csv only, not %q", format)
	}
	cfg := simulate.DefaultInterleaving(units, seed)
	f, err := simulate.WriteInterleaving(out, cfg)
	if err != nil {
		return err
	}
	outf(cmd.OutOrStdout(), "scenario interleaving: %d users, %d interleaved rows\n  %s\n  %s\n  %s\n  %s\nplanted: %s\n",
		units, f.Rows, f.Interleaved, f.Exposures, f.Events, f.Spec, cfg.Planted())
	return nil
}

// simulateOffPolicy writes the off-policy scenario (CSV only).
func simulateOffPolicy(cmd *cobra.Command, out, format string, units int, seed uint64) error {
	if format != "csv" {
		return fmt.Errorf("the offpolicy scenario writes csv only, not %q", format)
	}
	cfg := simulate.DefaultOffPolicy(units, seed)
	f, err := simulate.WriteOffPolicy(out, cfg)
	if err != nil {
		return err
	}
	outf(cmd.OutOrStdout(), "scenario offpolicy: %d users, %d logged decisions, %d candidate rows\n  %s\n  %s\n  %s\nplanted: %s\n",
		units, f.Decisions, f.CandidateRows, f.Logged, f.Candidates, f.Spec, cfg.Planted())
	return nil
}

// simulateRollout writes the rollout scenario (CSV only); --units is the
// number of markets (default 40).
func simulateRollout(cmd *cobra.Command, out, format string, units int, seed uint64, pretrend float64, unitsSet bool) error {
	if format != "csv" {
		return fmt.Errorf("the rollout scenario writes csv only, not %q", format)
	}
	if !unitsSet {
		units = 40
	}
	cfg := simulate.DefaultRollout(units, seed)
	cfg.PreTrend = pretrend
	f, err := simulate.WriteRollout(out, cfg)
	if err != nil {
		return err
	}
	outf(cmd.OutOrStdout(), "scenario rollout: %d markets, %d rows\n  %s\n  %s\nplanted: %s\n",
		units, f.Rows, f.Panel, f.Spec, cfg.Planted())
	return nil
}
