package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
)

func checkCmd(all *bool) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "check PATH",
		Short: "parse and type-check a spec folder or file; no query is run",
		Long: `Parse and type-check a spec folder or file; no query is run.

--format text (default) prints diagnostics with source lines to stderr and
a summary to stdout. json, sarif (2.1.0, for code scanning) and github
(workflow annotations) print every diagnostic to stdout for tools and CI;
--all lifts the limit of 10 for text and github. The exit code is 1 when
there are errors, whatever the format.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text":
				res, err := load(cmd, args[0], *all)
				if err != nil {
					return err
				}
				p := res.Package
				outf(cmd.OutOrStdout(), "ok: %d source(s), %d metric(s), %d experiment(s), %d benchmark(s)",
					len(p.Sources), len(p.Metrics), len(p.Experiments), len(p.Benchmarks))
				if n := len(p.Interleavings); n > 0 {
					outf(cmd.OutOrStdout(), ", %d interleaving(s)", n)
				}
				outf(cmd.OutOrStdout(), "\n")
				return nil
			case "json", "sarif", "github":
			default:
				return fmt.Errorf("unknown format %q (supported: text, json, sarif, github)", format)
			}
			if err := lang.CheckPath(args[0]); err != nil {
				return err
			}
			res := lang.LoadWith(args[0], loadOptions())
			out := cmd.OutOrStdout()
			var err error
			switch format {
			case "json":
				err = diag.WriteJSON(out, res.Diags)
			case "sarif":
				err = diag.WriteSARIF(out, res.Diags)
			case "github":
				limit := 10
				if *all {
					limit = 0
				}
				err = diag.WriteGitHub(out, res.Diags, limit)
			}
			if err != nil {
				return err
			}
			if res.Diags.HasErrors() {
				return exitError{exitSpec}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, sarif or github")
	return cmd
}
