//go:build ignore

// Regenerates the counterfactual example's data:
// go run examples/counterfactual/generate.go (from the repository root).
// Deterministic: simulate.DefaultOffPolicy(250 users, seed 19) with the
// spec's policy, softmax at temperature 1.0.
package main

import (
	"fmt"
	"os"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	cfg := simulate.DefaultOffPolicy(250, 19)
	cfg.Temperature = 1.0
	if _, err := simulate.WriteOffPolicyData("examples/counterfactual/data", cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(cfg.Planted())
}
