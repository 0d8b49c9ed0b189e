package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/report"
)

func powerCmd(all *bool) *cobra.Command {
	var target, mde, format string
	var unitsPerDay, power float64
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "power PATH --target EXP --mde 2%",
		Short: "units and days each metric needs to detect a relative effect, from the data's variance",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lift, err := parsePercent(mde)
			if err != nil {
				return err
			}
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown format %q (supported: table, json)", format)
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			e := findExperiment(res.Package, target)
			if e == nil {
				return fmt.Errorf("no experiment %q in %s", target, args[0])
			}
			eng, err := ef.open(context.Background())
			if err != nil {
				return err
			}
			defer eng.Close()
			p, diags := runtime.Power(context.Background(), eng, e, runtime.PowerOptions{MDE: lift, Power: power, UnitsPerDay: unitsPerDay})
			printDiags(cmd, res, diags, *all)
			if diags.HasErrors() {
				return exitError{exitSpec}
			}
			if format == "json" {
				return report.WritePowerJSON(cmd.OutOrStdout(), p)
			}
			return report.WritePowerTable(cmd.OutOrStdout(), p)
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "experiment to plan (default: the only one)")
	cmd.Flags().StringVar(&mde, "mde", "", "relative minimum detectable effect, such as 2%")
	cmd.Flags().Float64Var(&unitsPerDay, "units-per-day", 0, "new units entering per day over all arms (for days)")
	cmd.Flags().Float64Var(&power, "power", 0.8, "target power (1 - beta)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	ef.add(cmd)
	_ = cmd.MarkFlagRequired("mde")
	return cmd
}

// parsePercent reads "2%" (or "0.02") as a fraction.
func parsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(t, "%") {
		t, scale = strings.TrimSuffix(t, "%"), 0.01
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("--mde must be a positive percentage such as 2%%, got %q", s)
	}
	return v * scale, nil
}

// findExperiment returns the named target, or the only one when name is "".
func findExperiment(pkg *model.Package, name string) *model.Experiment {
	if name == "" && len(pkg.Targets) == 1 {
		return pkg.Targets[0]
	}
	for _, e := range pkg.Experiments {
		if e.Name == name {
			return e
		}
	}
	return nil
}
