package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
)

func runCmd(all *bool) *cobra.Command {
	var target, format string
	var gate bool
	cmd := &cobra.Command{
		Use:   "run PATH",
		Short: "run every experiment on its data and report effects",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := dialectFor(target); err != nil {
				return err
			}
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown format %q (supported: table, json)", format)
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				return err
			}
			defer eng.Close()
			rep, diags := runtime.Run(context.Background(), eng, res.Package)
			printDiags(cmd, res, diags, *all)
			if diags.HasErrors() {
				return exitError{exitSpec}
			}
			if format == "json" {
				err = report.WriteJSON(cmd.OutOrStdout(), rep)
			} else {
				err = report.WriteTable(cmd.OutOrStdout(), rep)
			}
			if err != nil {
				return err
			}
			if gate && !allShip(rep) {
				return exitError{exitGate}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&gate, "gate", false, "exit 3 unless every treatment's launch decision is ship")
	cmd.Flags().StringVar(&target, "target", "duckdb", "engine to run on")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

// allShip reports whether every decision of every target is ship (and
// there is at least one).
func allShip(rep *report.Report) bool {
	n := 0
	for _, t := range rep.Targets {
		for _, d := range t.Decisions {
			if d.Outcome != report.Ship {
				return false
			}
			n++
		}
	}
	return n > 0
}
