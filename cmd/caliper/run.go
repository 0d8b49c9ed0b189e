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
				return report.WriteJSON(cmd.OutOrStdout(), rep)
			}
			return report.WriteTable(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().StringVar(&target, "target", "duckdb", "engine to run on")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}
