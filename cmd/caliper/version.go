package main

import (
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is the Caliper version stored with each run; release builds set
// it with -ldflags "-X main.version=v1.2.3", other builds take the module
// version and VCS revision Go stamps into the binary.
var version = ""

// build is what the binary says about itself: the module's path and
// version and the VCS commit it was built from, as Go stamps them
// (runtime/debug build info; go install module@version stamps the
// version, go build in a clone the commit).
type build struct {
	Module, Version string
	Commit, Time    string // full revision and its commit time (RFC 3339), or ""
	Modified        bool   // built from a work tree with uncommitted changes
}

// readBuild reads the build info of the running binary.
func readBuild() build { return buildOf(debug.ReadBuildInfo()) }

func buildOf(bi *debug.BuildInfo, ok bool) build {
	b := build{Module: "github.com/caliper-dev/caliper", Version: "(devel)"}
	if ok && bi != nil {
		if bi.Main.Path != "" {
			b.Module = bi.Main.Path
		}
		if bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		b.Version = version
	}
	return b
}

// String is the one-word version: the release version of -ldflags, or the
// module version with the commit's first 12 digits (and -dirty for a
// modified tree) unless the version names the commit already (a
// pseudo-version), as stored with each run and printed by --version.
func (b build) String() string {
	if version != "" {
		return version
	}
	v := b.Version
	if rev := b.Commit; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if strings.Contains(v, rev) {
			// Go 1.24+ stamps a clone's build with a pseudo-version
			// that names the commit (and +dirty) already.
			return v
		}
		v += "+" + rev
		if b.Modified {
			v += "-dirty"
		}
	}
	return v
}

// caliperVersion is the running binary's version (build.String).
func caliperVersion() string { return readBuild().String() }

// versionTemplate is what --version prints: the first line of caliper
// version.
const versionTemplate = "caliper {{.Version}}\n"

func versionCmd(_ *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print Caliper's version, module and commit (also --version)",
		Long: `Print the version (the first line, as --version prints it), then the module
path and version and the VCS commit the binary was built from, as Go stamps
them into the binary, and the Go toolchain that built it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			writeVersion(cmd, readBuild())
			return nil
		},
	}
}

func writeVersion(cmd *cobra.Command, b build) {
	w := cmd.OutOrStdout()
	outf(w, "caliper %s\n", b)
	outf(w, "module  %s %s\n", b.Module, b.Version)
	commit := b.Commit
	switch {
	case commit == "":
		commit = "unknown (not stamped: built outside a VCS checkout, or by go install module@version)"
	case b.Modified:
		commit += " (modified)"
	}
	if b.Time != "" {
		commit += " " + b.Time
	}
	outf(w, "commit  %s\n", commit)
	outf(w, "go      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
