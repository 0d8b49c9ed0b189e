package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/format"
	"github.com/caliper-dev/caliper/lang/source"
)

func fmtCmd(all *bool) *cobra.Command {
	var write, list, diff bool
	cmd := &cobra.Command{
		Use:   "fmt [-w|-l|-d] PATH...",
		Short: "format spec files in the canonical layout, keeping comments",
		Long: `Format spec files in the canonical layout, keeping every comment.

A PATH is a .cal file, or a folder: its .cal files and those of its
subfolders (hidden folders and testdata are skipped); - reads stdin.
Without flags the formatted text is printed. -w writes files back, -l
lists the files whose formatting differs, -d prints unified diffs.
Files with syntax errors are reported and left alone (exit 1). With -l or
-d and without -w, the exit code is 1 when some file is not formatted, so
CI can run caliper fmt -l.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			limit := 10
			if *all {
				limit = 0
			}
			failed, unformatted := false, false
			for _, arg := range args {
				if arg == "-" {
					text, err := io.ReadAll(cmd.InOrStdin())
					if err != nil {
						return err
					}
					formatted, diags := format.Source("<stdin>", string(text))
					if diags != nil {
						renderFile(errw, "<stdin>", string(text), diags, limit)
						failed = true
						continue
					}
					outf(out, "%s", formatted)
					continue
				}
				if err := lang.CheckPath(arg); err != nil {
					return err
				}
				files, err := calFiles(arg)
				if err != nil {
					return err
				}
				for _, name := range files {
					b, err := os.ReadFile(name)
					if err != nil {
						return err
					}
					text := string(b)
					formatted, diags := format.Source(name, text)
					if diags != nil {
						renderFile(errw, name, text, diags, limit)
						failed = true
						continue
					}
					changed := formatted != text
					if changed {
						unformatted = true
					}
					if list && changed {
						outf(out, "%s\n", name)
					}
					if diff && changed {
						outf(out, "%s", format.Diff(name+" (original)", name+" (formatted)", text, formatted))
					}
					if write && changed {
						st, err := os.Stat(name)
						if err != nil {
							return err
						}
						if err := os.WriteFile(name, []byte(formatted), st.Mode().Perm()); err != nil {
							return err
						}
					}
					if !write && !list && !diff {
						outf(out, "%s", formatted)
					}
				}
			}
			if failed || (list || diff) && !write && unformatted {
				return exitError{exitSpec}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "write the formatted text back to the files")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list files whose formatting differs")
	cmd.Flags().BoolVarP(&diff, "diff", "d", false, "print unified diffs of the changes")
	return cmd
}

func renderFile(w io.Writer, name, text string, diags diag.List, limit int) {
	files := source.NewSet()
	files.Add(name, text)
	renderDiags(w, files, diags, limit, nil)
}

// calFiles lists the .cal files of a path: the file itself, or those
// under a folder (hidden folders and testdata skipped), sorted.
func calFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".cal") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
