package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
)

func powerCmd(all *bool) *cobra.Command {
	var target, mde, format, metric string
	var unitsPerDay, power, alpha, baseline, sd float64
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "power PATH --target EXP --mde 2%",
		Short: "units and days each metric needs to detect a relative effect, from the data's variance (or --baseline/--sd)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			lift, err := parsePercent(mde)
			if err != nil {
				return err
			}
			if !(power > 0 && power < 1) {
				return fmt.Errorf("--power is a probability between 0 and 1 (exclusive), such as 0.8; got %v", power)
			}
			if cmd.Flags().Changed("alpha") && !(alpha > 0 && alpha < 1) {
				return fmt.Errorf("--alpha is a significance level between 0 and 1 (exclusive), such as 0.05; got %v", alpha)
			}
			if cmd.Flags().Changed("sd") && (!(sd > 0) || math.IsInf(sd, 0)) {
				return fmt.Errorf("--sd is a per-unit standard deviation, positive; got %v", sd)
			}
			if cmd.Flags().Changed("sd") && !cmd.Flags().Changed("baseline") {
				return fmt.Errorf("--sd plans without data together with --baseline (the control mean)")
			}
			if cmd.Flags().Changed("baseline") && (math.IsNaN(baseline) || math.IsInf(baseline, 0) || baseline == 0) {
				return fmt.Errorf("--baseline is the control mean (a share such as 0.05 for proportions), not 0; got %v", baseline)
			}
			if unitsPerDay < 0 {
				return fmt.Errorf("--units-per-day must be positive, got %v", unitsPerDay)
			}
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown format %q (supported: table, json)", format)
			}
			if err := ef.check(); err != nil {
				return err
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			e, err := findExperiment(res.Package, target, args[0])
			if err != nil {
				return err
			}
			if e.Factorial() {
				return fmt.Errorf("power plans experiments that compare treatments with a control arm; %s is a factorial design (factors %s), which power does not support yet", e.Name, factorNames(e))
			}
			opt := runtime.PowerOptions{MDE: lift, Power: power, UnitsPerDay: unitsPerDay, Metric: metric}
			if cmd.Flags().Changed("alpha") {
				opt.Alpha = alpha
			}
			var eng engine.Engine
			if cmd.Flags().Changed("baseline") {
				opt.Baseline = &baseline
				if cmd.Flags().Changed("sd") {
					opt.SD = &sd
				}
			} else {
				eng, err = ef.open(context.Background())
				if err != nil {
					return err
				}
				defer errs.Close(eng, &err)
				if err := engine.Confine(eng, specRoots(res)); err != nil {
					return err
				}
			}
			p, diags := runtime.Power(context.Background(), eng, e, opt)
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
	cmd.Flags().Float64Var(&alpha, "alpha", 0, "two-sided significance level (default: the experiment's alpha)")
	cmd.Flags().StringVar(&metric, "metric", "", "plan only this metric")
	cmd.Flags().Float64Var(&baseline, "baseline", 0, "plan without data: the control mean of the metric (a share such as 0.05 for a proportion)")
	cmd.Flags().Float64Var(&sd, "sd", 0, "plan without data: the metric's per-unit standard deviation (means and ratios; with --baseline)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	ef.add(cmd)
	_ = cmd.MarkFlagRequired("mde")
	return cmd
}

// parsePercent reads a relative MDE as a fraction: a percentage ("2%")
// or a fraction below 1 ("0.02"). A bare number of 1 or more is refused:
// "2" is more likely 2% than 200%, and guessing either way is a plausible
// wrong answer.
func parsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0:
		return 0, fmt.Errorf("--mde must be a positive relative effect such as 2%% (or the fraction 0.02), got %q", s)
	case pct:
		return v / 100, nil
	case v >= 1:
		return 0, fmt.Errorf("--mde %s is ambiguous: write %s%% for a %s%% effect (a relative MDE is a percentage, or a fraction below 1 such as 0.02)", s, t, t)
	}
	return v, nil
}

// factorNames lists a factorial experiment's factors.
func factorNames(e *model.Experiment) string {
	var names []string
	for _, f := range e.Factors {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}
