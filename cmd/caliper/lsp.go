package main

import (
	"errors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/internal/lsp"
)

// lspStdio is the server's stream: the process's raw stdin and stdout (the
// protocol's framing is not text for a terminal, so it does not pass
// through safetext; JSON escapes every control character of a name).
var lspStdio = func() (io.Reader, io.Writer) { return os.Stdin, os.Stdout }

func lspCmd(all *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "lsp",
		Short: "run the language server (LSP over stdio) for editors",
		Long: `Run Caliper's language server: the Language Server Protocol over stdin and
stdout, for editors. Each .cal file's folder is checked as one namespace,
with open buffers in place of the files on disk: diagnostics on open and
change, hover (definition, owner, description, kind), go to definition,
references, document symbols, formatting (as caliper fmt), completion of
names, fields and builtins, and rename across the folder's files.
The exit code is 0 after shutdown then exit, 1 on exit without shutdown.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := lspStdio()
			err := lsp.Serve(in, out, lsp.Options{DataRoots: loadOptions().DataRoots, Log: cmd.ErrOrStderr()})
			if errors.Is(err, lsp.ErrNoShutdown) {
				// LSP: exit code 1 when exit comes without shutdown.
				errf(cmd.ErrOrStderr(), "caliper lsp: %v\n", err)
				return exitError{code: 1}
			}
			return err
		},
	}
}
