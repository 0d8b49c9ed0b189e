package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/result"
)

func runCmd(all *bool) *cobra.Command {
	var target, format, out, storePath string
	var gate, perQuery bool
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "run PATH",
		Short: "run every experiment on its data and report effects",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if _, err := dialectFor(target); err != nil {
				return err
			}
			write, ok := formats[format]
			if !ok {
				return fmt.Errorf("unknown format %q (supported: table, json, markdown, html)", format)
			}
			if perQuery && format != "json" {
				return fmt.Errorf("--per-query adds per-query values that only --format json shows (got --format %s)", format)
			}
			if err := ef.check(); err != nil {
				return err
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			eng, err := ef.open(context.Background())
			if err != nil {
				return err
			}
			defer errs.Close(eng, &err)
			if err := engine.Confine(eng, specRoots(res)); err != nil {
				return err
			}
			if cmd.Flags().Changed("target") && target != eng.Dialect().Name {
				return fmt.Errorf("--target %s: the engine is %s (choose it with --engine)", target, eng.Dialect().Name)
			}
			rep, diags := runtime.RunWith(context.Background(), eng, res.Package, runtime.Options{PerQuery: perQuery})
			printDiags(cmd, res, diags, *all)
			if diags.HasErrors() {
				return exitError{exitSpec}
			}
			if err := writeOutput(cmd, out, rep, write); err != nil {
				return err
			}
			if storePath != "" {
				if err := storeRun(cmd, storePath, res, rep); err != nil {
					return err
				}
			}
			if gate && !allShip(rep) {
				return exitError{exitGate}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&gate, "gate", false, "exit 3 unless every treatment's launch decision is ship")
	cmd.Flags().BoolVar(&perQuery, "per-query", false, "add benchmarks' per-query values to the report")
	cmd.Flags().StringVar(&target, "target", "duckdb", "dialect of the engine (old flag; see --engine)")
	_ = cmd.Flags().MarkHidden("target")
	ef.add(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, markdown or html")
	cmd.Flags().StringVar(&out, "out", "", "write the report to this file instead of stdout")
	cmd.Flags().StringVar(&storePath, "store", "", "append the run's results to this results store (a DuckDB file)")
	return cmd
}

// formats are the report writers of --format.
var formats = map[string]func(io.Writer, *result.Report) error{
	"table":    report.WriteTable,
	"json":     report.WriteJSON,
	"markdown": report.WriteMarkdown,
	"html":     report.WriteHTML,
}

// writeOutput renders the report to stdout, or to the file out when set
// (written whole, only once rendering succeeded).
func writeOutput(cmd *cobra.Command, out string, rep *result.Report, write func(io.Writer, *result.Report) error) error {
	if out == "" {
		return write(cmd.OutOrStdout(), rep)
	}
	var buf bytes.Buffer
	if err := write(&buf, rep); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// allShip reports whether every decision of every target is ship (and
// there is at least one).
func allShip(rep *result.Report) bool {
	n := 0
	for _, t := range rep.Targets {
		for _, d := range t.Decisions {
			if d.Outcome != result.Ship {
				return false
			}
			n++
		}
	}
	return n > 0
}
