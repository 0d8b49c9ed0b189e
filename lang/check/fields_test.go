package check

import (
	"slices"
	"testing"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/model"
)

// TestFieldWords: the field table's words are what the checker and the
// model accept.
func TestFieldWords(t *testing.T) {
	if got := ast.Words(ast.KindExperiment, "timeline"); !slices.Equal(got, model.TimelinePeriods) {
		t.Errorf("timeline words %v, model %v", got, model.TimelinePeriods)
	}
	for _, w := range []struct {
		got  []string
		name string
	}{{corrections, "correction"}, {windowPolicies, "window_policy"}, {relativeCIs, "relative_ci"},
		{attributions, "attribution"}, {pairedTests, "test"}, {missingQueries, "missing_queries"}} {
		if len(w.got) == 0 {
			t.Errorf("%s: no words", w.name)
		}
	}
}
