//go:build ignore

// Regenerates the homefeed example's data: go run examples/homefeed/generate.go
// (from the repository root). The data is deterministic (simulate.Default);
// TestExampleDataIsGenerated checks the committed files still match.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	dir := filepath.Join("examples", "homefeed", "data")
	tmp, err := os.MkdirTemp("", "homefeed")
	check(err)
	defer os.RemoveAll(tmp)
	f, err := simulate.Write(tmp, simulate.Default())
	check(err)
	check(os.MkdirAll(dir, 0o755))
	raw, err := os.ReadFile(f.Exposures)
	check(err)
	check(os.WriteFile(filepath.Join(dir, "exposures.csv"), raw, 0o644))
	check(simulate.ToParquet(f.Events, filepath.Join(dir, "events.parquet")))
	fmt.Printf("wrote %s: %d event rows\n", dir, f.EventRows)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
