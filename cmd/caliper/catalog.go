package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/lang/catalog"
)

func catalogCmd(all *bool) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "catalog PATH",
		Short: "describe every metric: title, owner, kind, definition and where it is used",
		Long: `Describe every metric of a spec folder: title, owner, description, kind,
direction, its definition (the value printed canonically), the sources it
reads, the metrics it builds on and that build on it, and the experiments
that use it, with their roles. --format markdown (default), html (one
self-contained page) or json.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var write func(c *catalog.Catalog) error
			out := cmd.OutOrStdout()
			switch format {
			case "markdown", "md":
				write = func(c *catalog.Catalog) error { return catalog.WriteMarkdown(out, c) }
			case "html":
				write = func(c *catalog.Catalog) error { return catalog.WriteHTML(out, c) }
			case "json":
				write = func(c *catalog.Catalog) error { return catalog.WriteJSON(out, c) }
			default:
				return fmt.Errorf("unknown format %q (supported: markdown, html, json)", format)
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			return write(catalog.Build(res.Package, res.ASTs))
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown, html or json")
	return cmd
}
