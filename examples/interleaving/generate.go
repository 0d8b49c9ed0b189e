//go:build ignore

// Regenerates the interleaving example's data: go run examples/interleaving/generate.go
// (from the repository root). Deterministic: the simulator's interleaving
// scenario (simulate.DefaultInterleaving) with 500 users and seed 18, the
// same data as `caliper simulate --scenario interleaving --units 500 --seed 18`.
package main

import (
	"fmt"
	"os"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	f, err := simulate.WriteInterleaving("examples/interleaving/data", simulate.DefaultInterleaving(500, 18))
	if err == nil {
		err = os.Remove(f.Spec) // the example has its own spec
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
