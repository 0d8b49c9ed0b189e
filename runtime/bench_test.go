package runtime_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/caliper-dev/caliper/bench"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// benchEvents is the approximate number of events to generate
// (CALIPER_BENCH_EVENTS, default 10M). The data is cached under the
// system temp folder, keyed by size, so repeated runs skip generation.
func benchEvents() int {
	if s := os.Getenv("CALIPER_BENCH_EVENTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return 10_000_000
}

// BenchmarkRun compares `caliper run` (validate data, compile, execute,
// statistics) on the 5-metric spec with the hand-written fused query
// alone, on the same engine and data: go test -bench Run -run '^$'
// ./runtime/. The data, specs and query are package bench's, which also
// has the 1-vs-50-metric and statistics-only benchmarks and bench/run.sh.
func BenchmarkRun(b *testing.B) {
	n := benchEvents()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("caliper-bench-%d", n))
	if rows, err := bench.Data(dir, n); err != nil {
		b.Fatal(err)
	} else if rows > 0 {
		b.Logf("generated %d events in %s", rows, dir)
	}
	ctx := context.Background()
	b.Run("caliper", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			res := lang.Load(filepath.Join(dir, "spec5"))
			if res.Diags.HasErrors() {
				b.Fatal(res.Diags.Err())
			}
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				b.Fatal(err)
			}
			rep, diags := runtime.Run(ctx, eng, res.Package)
			eng.Close()
			if diags.HasErrors() || len(rep.Targets[0].Results) != 5 {
				b.Fatal(diags.Err())
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		q := bench.Fused(filepath.Join(dir, "data"))
		for i := 0; i < b.N; i++ {
			eng, err := engine.OpenDuckDB("")
			if err != nil {
				b.Fatal(err)
			}
			t, err := eng.Query(ctx, q)
			eng.Close()
			if err != nil || len(t.Rows) != 2 {
				b.Fatal(err)
			}
		}
	})
}
