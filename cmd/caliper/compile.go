package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/compiler/dialect"
)

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
