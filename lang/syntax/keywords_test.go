package syntax

import (
	"slices"
	"testing"
)

func TestKeywords(t *testing.T) {
	kw := Keywords()
	for _, w := range []string{"metric", "source", "value", "where", "and", "not", "null", "true", "within", "improves", "exposures"} {
		if !slices.Contains(kw, w) {
			t.Errorf("Keywords() lacks %s", w)
		}
	}
	for _, w := range []string{"true", "false", "null", "where", "metric", "and", "not", "sql"} {
		if !IsReserved(w) {
			t.Errorf("%s is not reserved", w)
		}
	}
	// Field names are keywords only at the start of a field: examples name
	// sources exposures and runs.
	for _, w := range []string{"exposures", "runs", "value", "revenue"} {
		if IsReserved(w) {
			t.Errorf("%s is reserved", w)
		}
	}
}
