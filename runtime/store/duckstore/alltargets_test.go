package duckstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/caliper-dev/caliper/runtime/store"
)

// An empty Query.Target reads every target's rows (caliper portfolio), in
// run order then report order; a metric still filters.
func TestHistoryAllTargets(t *testing.T) {
	ctx := context.Background()
	s, err := OpenDuckDB(filepath.Join(t.TempDir(), "results.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, b := sampleRun("a", 1), sampleRun("b", 2)
	for _, r := range []*store.Run{a, b} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.History(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(a.Rows) + len(b.Rows); len(all) != want {
		t.Fatalf("%d rows, want %d (both runs, both targets)", len(all), want)
	}
	targets := map[string]int{}
	for i, e := range all {
		targets[e.Row.Target]++
		if i > 0 && e.Run.Seq < all[i-1].Run.Seq {
			t.Errorf("row %d from run %d after run %d", i, e.Run.Seq, all[i-1].Run.Seq)
		}
	}
	if targets["exp"] == 0 || targets["other"] != 2 {
		t.Errorf("rows per target %v", targets)
	}
	m, err := s.History(ctx, store.Query{Metric: "flat"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Errorf("%d rows of metric flat over every target, want 2", len(m))
	}
	one, err := s.History(ctx, store.Query{Target: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 2 {
		t.Errorf("%d rows of target other, want 2", len(one))
	}
}
