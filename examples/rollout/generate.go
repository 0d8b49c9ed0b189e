//go:build ignore

// Regenerates the rollout example's data: go run examples/rollout/generate.go
// (from the repository root). Deterministic: the simulator's rollout
// scenario (simulate.DefaultRollout) with 24 markets and seed 21, the same
// data as `caliper simulate --scenario rollout --units 24 --seed 21`.
package main

import (
	"fmt"
	"os"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	f, err := simulate.WriteRollout("examples/rollout/data", simulate.DefaultRollout(24, 21))
	if err == nil {
		err = os.Remove(f.Spec) // the example has its own spec
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
