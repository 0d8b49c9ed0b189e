//go:build ignore

// Regenerates the holdout example's data: go run examples/holdout/generate.go
// (from the repository root). It is the simulator's decay scenario over 28
// days (runtime/simulate.ScenarioDecay) with a stronger effect, so the
// example shows it with 3,000 users: the launched users' save probability
// is ×(1 + 0.20 + 0.40·exp(−t/4)) t days after their first exposure
// (+60% at exposure, fading toward a +20% long-run lift). It is relabelled
// as a long-running holdout: experiment "homefeed_holdout" with the users
// kept on the old system in "holdout" and everyone else in "launched".
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	cfg, err := simulate.ScenarioDecay.Config(3000, 28, 20261101)
	check(err)
	cfg.Decay = &simulate.DecayEffect{A: 0.20, B: 0.40, Tau: 4}
	tmp, err := os.MkdirTemp("", "holdout")
	check(err)
	defer os.RemoveAll(tmp)
	f, err := simulate.Write(tmp, cfg)
	check(err)
	raw, err := os.ReadFile(f.Exposures)
	check(err)
	text := strings.NewReplacer(",hf_ranker_v2,control,", ",homefeed_holdout,holdout,",
		",hf_ranker_v2,treatment,", ",homefeed_holdout,launched,").Replace(string(raw))
	dir := filepath.Join("examples", "holdout", "data")
	check(os.MkdirAll(dir, 0o755))
	check(os.WriteFile(filepath.Join(dir, "exposures.csv"), []byte(text), 0o644))
	check(simulate.ToParquet(f.Events, filepath.Join(dir, "events.parquet")))
	fmt.Printf("wrote %s: %d event rows\n", dir, f.EventRows)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
