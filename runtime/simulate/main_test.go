package simulate_test

import (
	"os"
	"testing"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// TestMain runs the package's tests with one DuckDB thread unless long
// tests run (testenv.DuckDBThreads).
func TestMain(m *testing.M) {
	engine.DefaultThreads = testenv.DuckDBThreads()
	os.Exit(m.Run())
}
