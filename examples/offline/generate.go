//go:build ignore

// Regenerates the offline example's data: go run examples/offline/generate.go
// (from the repository root). Deterministic (simulate.DefaultRanking).
package main

import (
	"fmt"
	"os"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	if err := simulate.WriteRanking("examples/offline/data", simulate.DefaultRanking()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
