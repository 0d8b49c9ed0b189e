package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/lang/catalog"
)

func catalogCmd(all *bool) *cobra.Command {
	var format, outFile string
	cmd := &cobra.Command{
		Use:   "catalog PATH",
		Short: "describe every metric: title, owner, kind, definition and where it is used",
		Long: `Describe every metric of a spec folder: title, owner, description, kind,
direction, its definition (the value printed canonically), the sources it
reads, the metrics it builds on and that build on it, and the experiments
that use it, with their roles. --format markdown (default), html (one
self-contained page) or json; --out FILE writes it to FILE (whole, once
it is rendered) instead of stdout.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, ok := catalogFormats[format]
			if !ok {
				return fmt.Errorf("unknown format %q (supported: markdown, html, json)", format)
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			c := catalog.Build(res.Package, res.ASTs)
			if outFile == "" {
				return write(cmd.OutOrStdout(), c)
			}
			var buf bytes.Buffer
			if err := write(&buf, c); err != nil {
				return err
			}
			return os.WriteFile(outFile, buf.Bytes(), 0o644)
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown, html or json")
	cmd.Flags().StringVar(&outFile, "out", "", "write the catalogue to this file instead of stdout")
	return cmd
}

// catalogFormats are the writers of catalog --format (md is markdown's
// short name).
var catalogFormats = map[string]func(io.Writer, *catalog.Catalog) error{
	"markdown": catalog.WriteMarkdown,
	"md":       catalog.WriteMarkdown,
	"html":     catalog.WriteHTML,
	"json":     catalog.WriteJSON,
}
