//go:build ignore

// Regenerates testdata/ab_sim/data (run from the repository root):
//
//	go run testdata/ab_sim/generate.go && Rscript testdata/ab_sim/reference.R
//
// The data is simulated with a seed other than the example's, so the
// statistics are checked on data the implementation was not tuned on.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	cfg := simulate.Default()
	cfg.Seed, cfg.Users, cfg.FactorUsers, cfg.OtherUsers = 7, 700, 0, 60
	dir := filepath.Join("testdata", "ab_sim", "data")
	f, err := simulate.Write(dir, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d event rows\n", dir, f.EventRows)
}
