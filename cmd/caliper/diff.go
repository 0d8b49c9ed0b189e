package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/semdiff"
)

func diffCmd(all *bool) *cobra.Command {
	var format, rev, name, target string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW | diff --git REV [PATH]",
		Short: "compare two versions of a spec folder by meaning",
		Long: `Compare two versions of a spec folder: which sources, metrics, experiments
and benchmarks were added, removed, changed in meaning (what they compute:
kind, direction, value, filters, columns, roles, the compiled SQL; a metric
that builds on a changed metric changes too) or changed in text only
(title, description, owner, tags, comments, layout).

With --git REV, OLD is PATH (default .) as of the git revision REV, read
with git show, and NEW is PATH in the working tree. --dialect (default
duckdb) is the SQL dialect whose compiled queries are compared.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if rev != "" {
				return cobra.MaximumNArgs(1)(cmd, args)
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown format %q (supported: table, json)", format)
			}
			if cmd.Flags().Changed("target") {
				if cmd.Flags().Changed("dialect") && target != name {
					return fmt.Errorf("--target %s and --dialect %s disagree (--target is the old name of --dialect)", target, name)
				}
				name = target
			}
			d, err := dialectFor(name)
			if err != nil {
				return err
			}
			var oldRes, newRes *lang.Result
			if rev != "" {
				path := "."
				if len(args) == 1 {
					path = args[0]
				}
				dir, cleanup, err := gitFolder(rev, path)
				if err != nil {
					return err
				}
				defer errs.Do(cleanup, &err)
				oldRes = lang.Load(dir)
				// Show the old side's files as REV:path.
				oldRes, err = checked(cmd, oldRes, *all, strings.NewReplacer(dir, rev+":"+filepath.ToSlash(filepath.Clean(path))))
				if err != nil {
					return err
				}
				if newRes, err = checked(cmd, lang.Load(path), *all, nil); err != nil {
					return err
				}
			} else {
				for _, p := range args {
					if err := lang.CheckPath(p); err != nil {
						return err
					}
				}
				if oldRes, err = checked(cmd, lang.Load(args[0]), *all, nil); err != nil {
					return err
				}
				if newRes, err = checked(cmd, lang.Load(args[1]), *all, nil); err != nil {
					return err
				}
			}
			res := semdiff.Diff(oldRes, newRes, semdiff.Options{SQL: func(e *model.Experiment) (string, error) {
				p, err := compiler.Compile(e, d)
				if err != nil {
					return "", err
				}
				return p.SQL, nil
			}})
			if format == "json" {
				return semdiff.WriteJSON(cmd.OutOrStdout(), res)
			}
			return semdiff.WriteTable(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().StringVar(&rev, "git", "", "compare PATH in the working tree with PATH at this git revision")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().StringVar(&name, "dialect", "duckdb", "SQL dialect whose compiled queries are compared: "+strings.Join(dialect.Names(), ", "))
	cmd.Flags().StringVar(&target, "target", "duckdb", "old name of --dialect")
	_ = cmd.Flags().MarkDeprecated("target", "use --dialect") // fails only for an undefined flag
	return cmd
}

// checked prints a side's diagnostics (with file names rewritten by
// rename, if given) and fails when it has errors: only specs that check
// can be compared by meaning.
func checked(cmd *cobra.Command, res *lang.Result, all bool, rename *strings.Replacer) (*lang.Result, error) {
	if len(res.Diags.Errors()) == 0 {
		return res, nil
	}
	limit := 10
	if all {
		limit = 0
	}
	var names func(string) string
	if rename != nil {
		names = rename.Replace
	}
	renderDiags(cmd.ErrOrStderr(), res.Files, res.Diags.Errors(), limit, names)
	return nil, exitError{exitSpec}
}

// gitFolder writes the .cal files of folder path as of revision rev into
// a temporary folder (git show REV:path/file.cal).
func gitFolder(rev, path string) (string, func() error, error) {
	prefix := filepath.ToSlash(filepath.Clean(path))
	if prefix == "." {
		prefix = ""
	} else {
		prefix += "/"
	}
	out, err := git("ls-tree", "--name-only", rev, "--", "./"+prefix)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "caliper-diff-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() error { return os.RemoveAll(dir) }
	n := 0
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasSuffix(name, ".cal") {
			continue
		}
		text, err := git("show", rev+":./"+prefix+filepath.Base(name))
		if err != nil {
			return "", nil, errors.Join(err, cleanup())
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), text, 0o644); err != nil {
			return "", nil, errors.Join(err, cleanup())
		}
		n++
	}
	if n == 0 {
		return "", nil, errors.Join(fmt.Errorf("no .cal files in %s at %s", path, rev), cleanup())
	}
	return dir, cleanup, nil
}

func git(args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	c := exec.Command("git", args...)
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
