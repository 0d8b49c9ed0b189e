package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// storeRun appends a run's report to the results store at location (run
// --store), with the spec's hash and the data's fingerprint.
func storeRun(cmd *cobra.Command, location string, res *lang.Result, rep *result.Report) error {
	var files []store.SpecFile
	for _, f := range res.Files.Files() {
		files = append(files, store.SpecFile{Name: f.Name, Text: f.Text})
	}
	fp, sources, err := store.Fingerprint(res.Package.Dir, runtime.TargetSources(res.Package))
	if err != nil {
		return fmt.Errorf("fingerprint data: %w", err)
	}
	dir, err := filepath.Abs(res.Package.Dir)
	if err != nil {
		return err
	}
	run := &store.Run{Version: caliperVersion(), SpecPath: dir, SpecHash: store.SpecHash(files),
		DataFingerprint: fp, Sources: sources, Targets: len(rep.Targets), Rows: store.Rows(rep)}
	st, err := duckstore.Open(location)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }() // on the error path; the success path checks Close below
	if err := st.Append(context.Background(), run); err != nil {
		return fmt.Errorf("results store %s: %w", location, err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("results store %s: %w", location, err)
	}
	errf(cmd.ErrOrStderr(), "stored run %s (%d results) in %s\n", run.ID, len(run.Rows), location)
	return nil
}

func historyCmd(*bool) *cobra.Command {
	var target, location, metric, format string
	cmd := &cobra.Command{
		Use:   "history PATH --target NAME --store FILE",
		Short: "show a target's estimates across the runs in a results store",
		Long: `Show a target's estimates across the runs stored by ` + "`caliper run --store`" + `:
one row per run, metric and variant (overall results; segment, split and
timeline rows stay in the store), oldest first. PATH is the spec folder:
runs made with its current .cal files are marked.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown format %q (supported: table, json)", format)
			}
			if err := lang.CheckPath(args[0]); err != nil {
				return err
			}
			current, err := store.SpecHashDir(args[0])
			if err != nil {
				return err
			}
			st, err := duckstore.OpenReadOnly(location)
			if err != nil && !errors.Is(err, store.ErrInUse) && isFile(location) {
				// An existing file that does not open as a store: say so
				// without the database driver's layers.
				errf(cmd.ErrOrStderr(), "caliper: %s is not a Caliper results store (%s): give the file written by `caliper run PATH --store FILE`\n", location, storeOpenReason(err))
				return exitError{exitSpec}
			}
			if err != nil {
				return err
			}
			defer errs.Close(st, &err)
			entries, err := st.History(context.Background(), store.Query{Target: target, Metric: metric})
			if err != nil {
				return fmt.Errorf("results store %s: %w", location, err)
			}
			var points []store.Entry
			for _, e := range entries {
				if e.Row.Overall() {
					points = append(points, e)
				}
			}
			if len(points) == 0 {
				what := "target " + target
				if metric != "" {
					what = "metric " + metric + " of " + what
				}
				return fmt.Errorf("no stored results for %s in %s", what, location)
			}
			if format == "json" {
				return writeHistoryJSON(cmd.OutOrStdout(), target, current, points)
			}
			return writeHistoryTable(cmd.OutOrStdout(), target, location, current, points)
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "experiment or benchmark to follow")
	cmd.Flags().StringVar(&location, "store", "", "results store written by run --store")
	cmd.Flags().StringVar(&metric, "metric", "", "only this metric")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	_ = cmd.MarkFlagRequired("target") // fails only for an undefined flag
	_ = cmd.MarkFlagRequired("store")
	return cmd
}

// historyPoint is one run's result for one metric and variant. Figures
// are the stored full-precision numbers written as result.Num, so they
// are byte-identical to the run's JSON.
type historyPoint struct {
	RunID           string         `json:"run_id"`
	RunTime         string         `json:"run_time"`
	SpecHash        string         `json:"spec_hash"`
	CurrentSpec     bool           `json:"current_spec"`
	DataFingerprint string         `json:"data_fingerprint"`
	Version         string         `json:"caliper_version"`
	Metric          string         `json:"metric"`
	Role            string         `json:"role,omitempty"`
	Variant         string         `json:"variant"`
	Control         string         `json:"control"`
	Estimate        *result.Num    `json:"estimate"`
	CILower         *result.Num    `json:"ci_lower"`
	CIUpper         *result.Num    `json:"ci_upper"`
	StdError        *result.Num    `json:"std_error"`
	Relative        *result.Effect `json:"relative"`
	PValue          *result.Num    `json:"p_value"`
	PValueAdjusted  *result.Num    `json:"p_value_adjusted,omitempty"`
	Significant     bool           `json:"significant"`
	Decision        string         `json:"decision,omitempty"`
}

type historyDoc struct {
	Target string          `json:"target"`
	Kind   string          `json:"kind"`
	Runs   int             `json:"runs"`
	Points []*historyPoint `json:"points"`
}

func runTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func writeHistoryJSON(w io.Writer, target, current string, entries []store.Entry) error {
	doc := &historyDoc{Target: target, Kind: entries[0].Row.TargetKind, Points: []*historyPoint{}}
	for i, e := range entries {
		r := &e.Row
		if i == 0 || e.Run.ID != entries[i-1].Run.ID {
			doc.Runs++
		}
		doc.Points = append(doc.Points, &historyPoint{
			RunID: e.Run.ID, RunTime: runTime(e.Run.Time), SpecHash: e.Run.SpecHash, CurrentSpec: e.Run.SpecHash == current,
			DataFingerprint: e.Run.DataFingerprint, Version: e.Run.Version,
			Metric: r.Metric, Role: r.Role, Variant: r.Variant, Control: r.Control,
			Estimate: store.Num(r.Estimate), CILower: store.Num(r.CILower), CIUpper: store.Num(r.CIUpper),
			StdError: store.Num(r.StdError), Relative: r.Relative(),
			PValue: store.Num(r.PValue), PValueAdjusted: store.Num(r.PValueAdjusted),
			Significant: r.Significant, Decision: r.Decision,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeHistoryTable(out io.Writer, target, location, current string, entries []store.Entry) error {
	w := bufio.NewWriter(out) // its first write error is sticky: Flush returns it
	runs := 0
	for i, e := range entries {
		if i == 0 || e.Run.ID != entries[i-1].Run.ID {
			runs++
		}
	}
	fmt.Fprintf(w, "history of %s %s: %d run(s) in %s\n\n", entries[0].Row.TargetKind, target, runs, location)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "run time (UTC)\tspec\tmetric\tvariant\testimate [CI]\trel. [CI]\tp\tdecision\t")
	marked := false
	for _, e := range entries {
		r := &e.Row
		spec := e.Run.SpecHash
		if len(spec) > 12 {
			spec = spec[:12]
		}
		if e.Run.SpecHash == current {
			spec += "*"
			marked = true
		}
		abs, rel, p := "n/a", "n/a", "n/a"
		if r.Estimate != nil {
			abs = fmt.Sprintf("%s [%s, %s]", fnum(r.Estimate), fnum(r.CILower), fnum(r.CIUpper))
		}
		if e := r.Relative(); e != nil {
			pct := func(n result.Num) string { return fmt.Sprintf("%+.2f%%", float64(n)*100) }
			rel = pct(e.Estimate) + " " + e.Interval(pct)
		}
		if r.PValue != nil {
			pv := r.PValue
			if r.PValueAdjusted != nil {
				pv = r.PValueAdjusted
			}
			p = fmtPValue(*pv)
			if r.PValueAdjusted != nil {
				p += " (adj.)"
			}
			if r.Significant {
				p += " *"
			}
		}
		decision := r.Decision
		if decision == "" {
			decision = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Run.Time.UTC().Format("2006-01-02 15:04:05"), spec,
			r.Metric, r.Variant, abs, rel, p, decision)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if marked {
		fmt.Fprintln(w, "\n* made with the spec at PATH as it is now")
	}
	return w.Flush()
}

func fnum(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", result.Round(*v))
}

func fmtPValue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

// isFile reports whether path is an existing regular file.
func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
