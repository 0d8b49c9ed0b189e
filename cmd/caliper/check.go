package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

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
