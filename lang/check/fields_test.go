package check

import (
	"slices"
	"testing"
)

// TestFieldWords: the benchmark's missing_queries words are the ones the
// checker reads (the typed fields' words are tested in lang/model).
func TestFieldWords(t *testing.T) {
	if !slices.Equal(missingQueries, []string{"skip", "zero"}) {
		t.Errorf("missing_queries words %v, the checker reads skip and zero", missingQueries)
	}
}
