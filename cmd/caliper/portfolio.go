package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/runtime/portfolio"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// portfolioFormats are the writers of portfolio --format.
var portfolioFormats = map[string]func(io.Writer, *portfolio.Portfolio) error{
	"table":    report.PortfolioTable,
	"json":     report.PortfolioJSON,
	"markdown": report.PortfolioMarkdown,
	"html":     report.PortfolioHTML,
}

func portfolioCmd(*bool) *cobra.Command {
	var location, since, until, metric, holdout, format string
	var replicates int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "portfolio --store FILE",
		Short: "review every experiment in a results store: meta-analysis, shipped impact, leak, metric health",
		Long: `Review the experiments stored by ` + "`caliper run --store`" + ` (the latest run of each
target): per metric, the meta-analysis of its effects across experiments
(fixed effect, random effects by DerSimonian–Laird and REML), the summed
effect of the shipped launches with the winner's-curse correction (Lee &
Shen 2018) and its bootstrap interval, the gap to a long-running holdout
(a target whose control is "holdout"), and the metric's health.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			write, ok := portfolioFormats[format]
			if !ok {
				return fmt.Errorf("unknown format %q (supported: table, json, markdown, html)", format)
			}
			if replicates < portfolio.MinReplicates || replicates > portfolio.MaxReplicates {
				return fmt.Errorf("--replicates %d: %s", replicates, portfolio.ReplicatesRange)
			}
			opts := portfolio.Options{Store: location, Metric: metric, Holdout: holdout, Replicates: replicates, Seed: seed}
			var err error
			if opts.Since, err = parseDate("--since", since); err != nil {
				return err
			}
			if opts.Until, err = parseDate("--until", until); err != nil {
				return err
			}
			if !opts.Since.IsZero() && !opts.Until.IsZero() && !opts.Since.Before(opts.Until) {
				return fmt.Errorf("--since %s is not before --until %s: the window holds no time (--until is exclusive)", since, until)
			}
			fi, err := os.Stat(location)
			if err != nil {
				errf(cmd.ErrOrStderr(), "caliper: results store %s does not exist: store runs with `caliper run PATH --store %s`\n", location, location)
				return exitError{exitSpec}
			}
			if fi.IsDir() {
				errf(cmd.ErrOrStderr(), "caliper: results store %s is a directory: give the file written by `caliper run PATH --store FILE`\n", location)
				return exitError{exitSpec}
			}
			st, err := duckstore.OpenReadOnly(location)
			if errors.Is(err, store.ErrInUse) {
				return err
			}
			if err != nil {
				errf(cmd.ErrOrStderr(), "caliper: %s is not a Caliper results store (%s): give the file written by `caliper run PATH --store FILE`\n", location, storeOpenReason(err))
				return exitError{exitSpec}
			}
			defer func() { _ = st.Close() }() // read-only: nothing to lose on close
			entries, err := st.History(context.Background(), store.Query{})
			if err != nil {
				return fmt.Errorf("results store %s: %w", location, err)
			}
			p, err := portfolio.Build(entries, opts)
			if errors.Is(err, portfolio.ErrRefused) {
				errf(cmd.ErrOrStderr(), "caliper: %v\n", err)
				return exitError{exitSpec}
			}
			if err != nil {
				return err
			}
			return write(cmd.OutOrStdout(), p)
		},
	}
	cmd.Flags().StringVar(&location, "store", "", "results store written by run --store")
	cmd.Flags().StringVar(&since, "since", "", "only runs made on or after this date (YYYY-MM-DD or RFC 3339, UTC)")
	cmd.Flags().StringVar(&until, "until", "", "only runs made before this date (YYYY-MM-DD or RFC 3339, UTC)")
	cmd.Flags().StringVar(&metric, "metric", "", "only this metric")
	cmd.Flags().StringVar(&holdout, "holdout", "", "the target whose control is the long-running holdout (default: every target whose control variant is \"holdout\")")
	cmd.Flags().IntVar(&replicates, "replicates", portfolio.DefaultReplicates, "bootstrap draws for the corrected impact's interval ("+strconv.Itoa(portfolio.MinReplicates)+" to "+strconv.Itoa(portfolio.MaxReplicates)+")")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the bootstrap")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, markdown or html")
	_ = cmd.MarkFlagRequired("store") // fails only for an undefined flag
	return cmd
}

func parseDate(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date YYYY-MM-DD or an RFC 3339 time", flag, s)
	}
	return t.UTC(), nil
}

// storeOpenReason is the gist of why a results store did not open,
// without the database driver's layers ("database/sql/driver: could not
// connect to database: IO Error: ...").
func storeOpenReason(err error) string {
	m := err.Error()
	switch {
	case strings.Contains(m, "not a valid DuckDB database file"):
		return "not a DuckDB database file"
	case strings.Contains(m, "newer than this Caliper supports"):
		if i := strings.Index(m, "schema version"); i >= 0 {
			return m[i:]
		}
	case strings.Contains(m, "not a Caliper results store"):
		if i := strings.Index(m, "not a Caliper results store"); i >= 0 {
			return strings.TrimPrefix(strings.TrimPrefix(m[i:], "not a Caliper results store"), " ")
		}
	}
	if i := strings.LastIndex(m, ": "); i >= 0 {
		return m[i+2:]
	}
	return m
}
