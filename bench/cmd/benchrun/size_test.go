package main

import "testing"

// Sizes take k, M and B (billions); anything else is refused with the
// text given.
func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"500k": 500_000, "10M": 10_000_000, "1B": 1_000_000_000, "2b": 2_000_000_000, "7": 7} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1M", "1.5M", "1T"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}
