//go:build ignore

// Regenerates the holdout example's data: go run examples/holdout/generate.go
// (from the repository root). It is the simulator's decay scenario
// (runtime/simulate.ScenarioDecay) with 6,000 users over 21 days, first
// exposures spread over the first 10, and a stronger effect: the launched
// users' save probability is ×(1 + 0.20 + 1.00·exp(−t/3)) t days after
// their first exposure, so saves per user are +120% at exposure and fade
// toward a +20% long-run lift (exposure day d averages the curve over
// [d, d+1): +105% on day 0, +48% on day 3, +21% on day 9). It is relabelled
// as a long-running holdout: experiment "homefeed_holdout" with the users
// kept on the old system in "holdout" and everyone else in "launched".
//
// Why these numbers: saves are sparse (a user has about one session every
// three days), so an exposure day's effect is known to about ±20 points
// with a few thousand users. With the earlier data (3,000 users, 28 days, a
// +40% excess fading over 4 days) the long-run fit found no trend; more
// users over fewer days (3 MB of data) and a larger novelty make the curve
// visible. TestHoldoutRecoversPlanted (examples) checks that the report
// recovers what is planted.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/caliper-dev/caliper/runtime/simulate"
)

func main() {
	cfg, err := simulate.ScenarioDecay.Config(6000, 21, 1)
	check(err)
	cfg.Decay = &simulate.DecayEffect{A: 0.20, B: 1.00, Tau: 3}
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
