package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/confine"
	"github.com/caliper-dev/caliper/internal/safetext"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
)

// Exit codes.
const (
	exitOK    = 0
	exitSpec  = 1 // spec or data errors (diagnostics on stderr)
	exitUsage = 2 // bad command line or internal error
	exitGate  = 3 // run --gate: some launch decision is not ship
)

// exitError carries an exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// commands are the subcommands, each built from the shared --all flag;
// each lives in its own file.
var commands = []func(all *bool) *cobra.Command{versionCmd, checkCmd, compileCmd, runCmd, powerCmd, simulateCmd, fmtCmd, diffCmd, catalogCmd, historyCmd, analyzeCmd, portfolioCmd, lspCmd}

// Main runs the CLI with args and returns the process exit code.
//
// Everything it prints passes through safetext.Writer: control and
// escape characters from a spec or its data are shown escaped, never sent
// to the terminal raw.
func Main(args []string, stdout, stderr io.Writer) int {
	stderrTerminal = isTerminal(stderr)
	so, se := safetext.NewWriter(stdout), safetext.NewWriter(stderr)
	code := execute(args, so, se)
	// Output that could not be written (a full disk, a closed pipe) is a
	// failure, never exit 0. Both writers keep their first error (outf,
	// errf), so flushing them checks every write.
	if err := so.Flush(); err != nil {
		errf(se, "caliper: cannot write the output: %v\n", err)
		if code == exitOK || code == exitGate {
			code = exitUsage
		}
	}
	if err := se.Flush(); err != nil && code == exitOK {
		code = exitUsage
	}
	return code
}

// outf prints to w, the standard output of Main (cmd.OutOrStdout()): a
// safetext.Writer, whose first write error is sticky and is checked when
// Main flushes it.
func outf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }

// errf prints to w, the standard error of Main (cmd.ErrOrStderr()),
// checked the same way as outf.
func errf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }

func execute(args []string, stdout, stderr io.Writer) int {
	root, err := newRoot(stdout, stderr)
	if err != nil {
		errf(stderr, "caliper: %v\n", err)
		return exitUsage
	}
	root.SetArgs(args)
	err = root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		errf(stderr, "caliper: %v\n", err)
		return exitUsage
	}
}

// newRoot builds the command tree, writing to stdout and stderr.
func newRoot(stdout, stderr io.Writer) (*cobra.Command, error) {
	root := &cobra.Command{
		Use:           "caliper",
		Short:         "Caliper: declarative metrics, experiments and launch decisions",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       caliperVersion(),
	}
	root.SetVersionTemplate(versionTemplate)
	root.SetOut(stdout)
	root.SetErr(stderr)
	all := new(bool)
	root.PersistentFlags().BoolVar(all, "all", false, "show every diagnostic (default: the first 10)")
	dataRoots = nil
	root.PersistentFlags().StringArrayVar(&dataRoots, "data-root", nil, "a directory outside the spec folder that file readers may read (repeatable; also "+confine.EnvDataRoot+")")
	addColorFlag(root)
	for _, c := range commands {
		root.AddCommand(c(all))
	}
	for _, c := range root.Commands() {
		// pflag's notices (a deprecated flag's "use --dialect") go to
		// stderr: cobra would print them on stdout, into SQL or JSON.
		c.Flags().SetOutput(stderrOf{c})
	}
	return root, registerCompletions(root)
}

// stderrOf writes to a command's stderr as it is when written to.
type stderrOf struct{ cmd *cobra.Command }

func (w stderrOf) Write(p []byte) (int, error) { return w.cmd.ErrOrStderr().Write(p) }

// dataRoots are the --data-root flags of the running command.
var dataRoots []string

// loadOptions grant the spec the data roots of --data-root and
// CALIPER_DATA_ROOT (and nothing else: see SECURITY.md).
func loadOptions() lang.Options {
	return lang.Options{DataRoots: append(append([]string{}, dataRoots...), confine.EnvRoots()...)}
}

// specRoots are the directories the engine may read for a loaded spec.
func specRoots(res *lang.Result) []string {
	return confine.New(res.Package.Dir, loadOptions().DataRoots...).Dirs()
}

// load parses and checks path, printing diagnostics; it fails with exit 1
// when there are errors.
func load(cmd *cobra.Command, path string, all bool) (*lang.Result, error) {
	if err := lang.CheckPath(path); err != nil {
		return nil, err
	}
	res := lang.LoadWith(path, loadOptions())
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
	renderDiags(cmd.ErrOrStderr(), res.Files, diags, limit, nil)
}
