package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// dialectFor returns the dialect a --target flag names ("" is DuckDB).
func dialectFor(name string) (*dialect.Dialect, error) {
	d, err := dialect.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("unknown target %q (supported: %s)", name, strings.Join(dialect.Names(), ", "))
	}
	return d, nil
}

func compileCmd(all *bool) *cobra.Command {
	var name, target string
	cmd := &cobra.Command{
		Use:   "compile PATH",
		Short: "print the SQL each experiment and benchmark runs, in any dialect",
		Long: `Print the SQL each target runs: an experiment's main query and, for split
and timeline experiments, their queries; then the one query of each
interleaving, rollout, counterfactual and benchmark. --dialect picks the SQL dialect
(duckdb, postgres, spark, bigquery, snowflake, trino). Outside DuckDB the
sources must be tables or queries of the database (from table("schema.t")
or sql """..."""): files are read by DuckDB only. The main query's result,
saved as CSV or JSON, is what caliper analyze reads.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("target") {
				if cmd.Flags().Changed("dialect") && target != name {
					return fmt.Errorf("--target %s and --dialect %s disagree (--target is the old name of --dialect)", target, name)
				}
				if _, err := dialectFor(target); err != nil {
					return err
				}
				name = target
			}
			d, err := dialect.Lookup(name)
			if err != nil {
				return err
			}
			res, err := load(cmd, args[0], *all)
			if err != nil {
				return err
			}
			if d == dialect.DuckDB {
				// sql sources are parsed by DuckDB itself before their SQL
				// is printed (nothing runs): one read-only query each.
				if diags := checkQueries(res); diags.HasErrors() {
					printDiags(cmd, res, diags, *all)
					return exitError{exitSpec}
				}
			}
			var queries []string
			for _, e := range res.Package.Targets {
				plan, err := compiler.Compile(e, d)
				if err != nil {
					return err
				}
				queries = append(queries, plan.SQL, plan.SplitSQL, plan.TimelineSQL)
			}
			// The other kinds compile to one query each.
			for _, il := range res.Package.InterleavingTargets {
				plan, err := compiler.CompileInterleaving(il, d)
				if err != nil {
					return err
				}
				queries = append(queries, plan.SQL)
			}
			for _, r := range res.Package.RolloutTargets {
				plan, err := compiler.CompileRollout(r, d)
				if err != nil {
					return err
				}
				queries = append(queries, plan.SQL)
			}
			for _, cf := range res.Package.CounterfactualTargets {
				plan, err := compiler.CompileCounterfactual(cf, d)
				if err != nil {
					return err
				}
				queries = append(queries, plan.SQL)
			}
			for _, b := range res.Package.BenchmarkTargets {
				plan, err := compiler.CompileBenchmark(b, d)
				if err != nil {
					return err
				}
				queries = append(queries, plan.SQL)
			}
			first := true
			for _, q := range queries {
				if q == "" {
					continue
				}
				if !first {
					outf(cmd.OutOrStdout(), "\n")
				}
				first = false
				outf(cmd.OutOrStdout(), "%s;\n", q)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "dialect", "duckdb", "SQL dialect to print: "+strings.Join(dialect.Names(), ", "))
	cmd.Flags().StringVar(&target, "target", "duckdb", "old name of --dialect")
	_ = cmd.Flags().MarkDeprecated("target", "use --dialect") // fails only for an undefined flag
	return cmd
}

// engineFlags choose and tune the engine of run and power.
type engineFlags struct {
	engine string
	duckdb engine.DuckDBOptions
}

func (f *engineFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.engine, "engine", "duckdb", "engine to run on: duckdb (embedded) or a PostgreSQL URL, postgres://user@host:port/db")
	cmd.Flags().IntVar(&f.duckdb.Threads, "threads", 0, "DuckDB worker threads (default: one per core)")
	cmd.Flags().StringVar(&f.duckdb.MemoryLimit, "memory-limit", "", "DuckDB memory limit, such as 4GB; beyond it, large operators spill to --temp-dir (default DuckDB's own, 80% of the machine's memory)")
	cmd.Flags().StringVar(&f.duckdb.TempDir, "temp-dir", "", "directory DuckDB spills to (default: a private folder under the system temp folder, removed after the run)")
}

// check reports flags out of range before any work is done.
func (f *engineFlags) check() error { return f.duckdb.Validate() }

func (f *engineFlags) open(ctx context.Context) (engine.Engine, error) {
	return engine.Open(ctx, f.engine, f.duckdb)
}

// checkQueries parses the targets' sql sources with an in-memory DuckDB's
// parser: each must be exactly one read-only query.
func checkQueries(res *lang.Result) (diags diag.List) {
	var eng *engine.DuckDB
	for _, s := range runtime.TargetSources(res.Package) {
		if s.Reader == nil || !s.Reader.Query {
			continue
		}
		if eng == nil {
			var err error
			if eng, err = engine.OpenDuckDB(""); err != nil {
				diags.Errorf(diag.EQuery, s.ArgSpan, "cannot open DuckDB to parse the sql source: %v", err)
				return diags
			}
			defer func() {
				if err := eng.Close(); err != nil {
					diags.Errorf(diag.EQuery, s.ArgSpan, "cannot close DuckDB after parsing the sql source: %v", err)
				}
			}()
			if err := engine.Confine(eng, nil); err != nil {
				diags.Errorf(diag.EQuery, s.ArgSpan, "%v", err)
				return diags
			}
		}
		if err := eng.CheckQuery(context.Background(), s.Arg); err != nil {
			diags.Errorf(diag.ENotAQuery, s.ArgSpan, "source `%s`: the sql source is not one read-only query: %s", s.Name, strings.SplitN(err.Error(), "\n", 2)[0]).
				Hint(`a sql source is one read-only query: sql """select ... from ..."""`)
		}
	}
	return diags
}
