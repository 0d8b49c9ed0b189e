package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/compiler/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
)

// Exit codes.
const (
	exitOK    = 0
	exitSpec  = 1 // spec or data errors (diagnostics on stderr)
	exitUsage = 2 // bad command line or internal error
)

// exitError carries an exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the CLI with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "caliper",
		Short:         "Caliper: declarative metrics, experiments and launch decisions",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	var all bool
	root.PersistentFlags().BoolVar(&all, "all", false, "show every diagnostic (default: the first 10)")
	root.AddCommand(checkCmd(&all), compileCmd(&all), runCmd(&all))
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "caliper: %v\n", err)
		return exitUsage
	}
}

// load parses and checks path, printing diagnostics; it fails with exit 1
// when there are errors.
func load(cmd *cobra.Command, path string, all bool) (*lang.Result, error) {
	res := lang.Load(path)
	printDiags(cmd, res, res.Diags, all)
	if res.Diags.HasErrors() {
		return nil, exitError{exitSpec}
	}
	return res, nil
}

func printDiags(cmd *cobra.Command, res *lang.Result, diags diag.List, all bool) {
	limit := 10
	if all {
		limit = 0
	}
	diag.Render(cmd.ErrOrStderr(), res.Files, diags, diag.RenderOptions{Limit: limit})
}

func checkCmd(all *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "check PATH",
		Short: "parse and type-check a spec folder or file; no query is run",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			p := res.Package
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %d source(s), %d metric(s), %d experiment(s)\n",
				len(p.Sources), len(p.Metrics), len(p.Experiments))
			return nil
		},
	}
}

func dialectFor(name string) (*dialect.Dialect, error) {
	if name == "" || name == "duckdb" {
		return dialect.DuckDB, nil
	}
	return nil, fmt.Errorf("unknown target %q (supported: duckdb)", name)
}

func compileCmd(all *bool) *cobra.Command {
	var target string
	cmd := &cobra.Command{
		Use:   "compile PATH",
		Short: "print the SQL each experiment runs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dialectFor(target)
			if err != nil {
				return err
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			for i, e := range res.Package.Targets {
				plan, err := compiler.Compile(e, d)
				if err != nil {
					return err
				}
				if i > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s;\n", plan.SQL)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "target", "duckdb", "SQL dialect to print")
	return cmd
}

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
