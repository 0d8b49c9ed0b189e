package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
)

func analyzeCmd(all *bool) *cobra.Command {
	var stats, spec, target, format, out string
	var gate bool
	cmd := &cobra.Command{
		Use:   "analyze --stats FILE.csv|json --spec PATH --target EXP",
		Short: "statistics and decisions from sufficient statistics computed anywhere",
		Long: `Analyze an experiment from the result of its compiled query run elsewhere:
caliper compile --dialect bigquery prints the query, the warehouse runs it,
and its result saved as CSV (with a header row) or JSON (an array of
objects, or one object per line) is FILE. Rows stay in the warehouse; the
few sums per variant are all Caliper needs for estimates, intervals,
p-values, the sample-ratio check and launch decisions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			write, ok := formats[format]
			if !ok {
				return fmt.Errorf("unknown format %q (supported: table, json, markdown, html)", format)
			}
			switch strings.ToLower(filepath.Ext(stats)) {
			case ".csv", ".json", ".jsonl", ".ndjson":
			default:
				return fmt.Errorf("%s: --stats must be a .csv or .json file", stats)
			}
			res, err := load(cmd, spec, *all)
			if err != nil {
				return err
			}
			e, err := findExperiment(res.Package, target, spec)
			if err != nil {
				return err
			}
			// The result's columns are the same in every dialect.
			plan, want, err := describePlan(res.Package, e)
			if err != nil {
				return err
			}
			tab, err := readStats(stats, plan)
			if err != nil { // a data error: the file, not the command line
				errf(cmd.ErrOrStderr(), "error: %v\n", err)
				return exitError{exitSpec}
			}
			if problems := runtime.StatsMismatch(e, want, withoutCoverage(plan, tab.Columns), statsVariants(tab)); len(problems) > 0 {
				errf(cmd.ErrOrStderr(), "error: %s does not fit experiment %s's query:\n", stats, e.Name)
				for _, p := range problems {
					errf(cmd.ErrOrStderr(), "  - %s\n", p)
				}
				errf(cmd.ErrOrStderr(), "  = help: run the query `caliper compile %s` prints for %s, and save its whole result\n", spec, e.Name)
				return exitError{exitSpec}
			}
			t, err := runtime.Analyze(plan, tab)
			if err != nil {
				return fmt.Errorf("%s: %w", stats, err)
			}
			rep := &result.Report{Targets: []*result.Target{t}}
			if err := writeOutput(cmd, out, rep, write); err != nil {
				return err
			}
			if gate && !allShip(rep) {
				return exitError{exitGate}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&stats, "stats", "", "the compiled query's result, as .csv or .json")
	cmd.Flags().StringVar(&spec, "spec", ".", "the spec folder (or file) the query was compiled from")
	cmd.Flags().StringVar(&target, "target", "", "the experiment (default: the only one)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, markdown or html")
	cmd.Flags().StringVar(&out, "out", "", "write the report to this file instead of stdout")
	cmd.Flags().BoolVar(&gate, "gate", false, "exit 3 unless every treatment's launch decision is ship")
	_ = cmd.MarkFlagRequired("stats")
	return cmd
}

// readStats reads a plan's result table from a CSV or JSON file: the
// variant and segment columns as text, every other column as a number
// (empty, null or NULL is a missing value), rows in the order the query
// sorts them, whatever order the file has.
func readStats(path string, p *compiler.Plan) (*engine.Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var cols []string
	var rows [][]any
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		cols, rows, err = readCSV(data)
	case ".json", ".jsonl", ".ndjson":
		cols, rows, err = readJSON(data)
	default:
		return nil, fmt.Errorf("%s: --stats must be a .csv or .json file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tab := &engine.Table{Columns: cols, Rows: rows}
	if tab.Index(compiler.ColVariant) < 0 { // engines that upper-case names
		for i, c := range tab.Columns {
			tab.Columns[i] = strings.ToLower(c)
		}
	}
	text := map[string]bool{}
	for _, c := range p.Segments {
		text[compiler.SegmentColumn(c)] = true
	}
	for i, c := range tab.Columns {
		if _, ok := p.CoverageColumns.Lookup(c); ok { // not read (withoutCoverage)
			continue
		}
		for r, row := range tab.Rows {
			if c == compiler.ColVariant {
				if row[i] != nil {
					row[i] = fmt.Sprint(row[i])
				}
				continue
			}
			v, err := statsValue(row[i], text[c])
			if err != nil {
				return nil, fmt.Errorf("%s: column %s, row %d: %w", path, c, r+1, err)
			}
			row[i] = v
		}
	}
	sortStats(tab, p)
	return tab, nil
}

func readCSV(data []byte) ([]string, [][]any, error) {
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, errors.New("no header row")
	}
	var rows [][]any
	for _, rec := range recs[1:] {
		row := make([]any, len(rec))
		for i, f := range rec {
			row[i] = f
		}
		rows = append(rows, row)
	}
	return recs[0], rows, nil
}

// readJSON reads an array of objects or one object per line.
func readJSON(data []byte) ([]string, [][]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var objs []map[string]any
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		if err := dec.Decode(&objs); err != nil {
			return nil, nil, err
		}
	} else {
		for {
			var o map[string]any
			if err := dec.Decode(&o); err == io.EOF {
				break
			} else if err != nil {
				return nil, nil, err
			}
			objs = append(objs, o)
		}
	}
	seen := map[string]bool{}
	var cols []string
	for _, o := range objs {
		for k := range o {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	sort.Strings(cols)
	var rows [][]any
	for _, o := range objs {
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = o[c]
		}
		rows = append(rows, row)
	}
	return cols, rows, nil
}

// statsValue converts a field read from a file: text columns to string,
// the others to int64 or float64; missing values to nil.
func statsValue(v any, text bool) (any, error) {
	var s string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		if text {
			return strconv.FormatBool(v), nil
		}
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	default:
		return nil, fmt.Errorf("unexpected value %v", v)
	}
	if text {
		if s == "" { // CSV writes NULL as an empty field
			return nil, nil
		}
		return s, nil
	}
	t := strings.TrimSpace(s)
	if t == "" || strings.EqualFold(t, "null") || t == `\N` {
		return nil, nil
	}
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return nil, fmt.Errorf("not a number: %q", s)
	}
	return f, nil
}

// sortStats orders rows as the compiled query does: by variant, then by
// each segment column, missing values last except in the last column,
// where they come first (ORDER BY variant, seg_a, ..., seg_z NULLS FIRST).
func sortStats(tab *engine.Table, p *compiler.Plan) {
	keys := []int{tab.Index(compiler.ColVariant)}
	for _, c := range p.Segments {
		keys = append(keys, tab.Index(compiler.SegmentColumn(c)))
	}
	sort.SliceStable(tab.Rows, func(i, j int) bool {
		for n, k := range keys {
			if k < 0 {
				continue
			}
			a, b := tab.Rows[i][k], tab.Rows[j][k]
			if a == nil || b == nil {
				if (a == nil) == (b == nil) {
					continue
				}
				nullsFirst := n == len(keys)-1 && n > 0
				return (a == nil) == nullsFirst
			}
			if as, bs := fmt.Sprint(a), fmt.Sprint(b); as != bs {
				return as < bs
			}
		}
		return false
	})
}

// describePlan compiles e for DuckDB and returns the columns its query
// returns, read by describing the query on empty tables of the sources'
// declared columns (no data is read).
func describePlan(pkg *model.Package, e *model.Experiment) (_ *compiler.Plan, _ []runtime.ResultColumn, err error) {
	ctx := context.Background()
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		return nil, nil, err
	}
	defer errs.Close(eng, &err)
	restore, err := runtime.EmptySources(ctx, eng, pkg.Sources)
	if err != nil {
		return nil, nil, err
	}
	defer restore()
	plan, err := compiler.Compile(e, dialect.DuckDB)
	if err != nil {
		return nil, nil, err
	}
	cols, err := runtime.DescribeQuery(ctx, eng, plan.SQL)
	if err != nil {
		return nil, nil, fmt.Errorf("experiment %s: describe its query: %w", e.Name, err)
	}
	var want []runtime.ResultColumn
	for _, c := range cols {
		if _, ok := plan.CoverageColumns.Lookup(c.Name); !ok {
			want = append(want, c)
		}
	}
	return plan, want, nil
}

// withoutCoverage drops the query's window-coverage columns from a
// statistics file's columns: analyze does not read them, so a file may
// have them or not.
func withoutCoverage(p *compiler.Plan, cols []string) []string {
	var out []string
	for _, c := range cols {
		if _, ok := p.CoverageColumns.Lookup(c); !ok {
			out = append(out, c)
		}
	}
	return out
}

// statsVariants lists the variant values of a statistics table.
func statsVariants(tab *engine.Table) []string {
	vi := tab.Index(compiler.ColVariant)
	if vi < 0 {
		return nil
	}
	var out []string
	for _, row := range tab.Rows {
		if row[vi] != nil {
			out = append(out, fmt.Sprint(row[vi]))
		}
	}
	return out
}
