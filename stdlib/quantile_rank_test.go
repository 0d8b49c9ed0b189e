package stdlib_test

import (
	"testing"

	"github.com/caliper-dev/caliper/runtime/stats"
	"github.com/caliper-dev/caliper/stdlib"
)

// The compiler's ranks and the runtime's reading of them use one z.
func TestQuantileRankZ(t *testing.T) {
	if stdlib.QuantileRankZ != stats.QuantileRankZ {
		t.Fatalf("stdlib.QuantileRankZ = %v, runtime/stats.QuantileRankZ = %v: the compiled ranks and the standard error disagree",
			stdlib.QuantileRankZ, stats.QuantileRankZ)
	}
}
