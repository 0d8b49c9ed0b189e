package compiler

import "github.com/caliper-dev/caliper/dialect"

// A scan with many differently filtered aggregates (50 metrics on one
// source, say) evaluates every filter on every row. DuckDB computes
// `count(CASE WHEN f THEN 1 END)` and `sum(CASE WHEN f THEN x END)` about
// 20% cheaper than the same aggregates with FILTER (WHERE f) when there
// are dozens of them (bench/README.md), so such a scan is lowered with the
// dialect's CASE form (dialect.Dialect.Aggregate without Filter), whose
// results are the same: count and sum skip the NULLs the CASE gives the
// rows that fail f. Scans with a few aggregates keep FILTER.
//
// A two-level lowering (first GROUP BY unit and the filters' columns,
// then the filtered sums per unit) was tried too: with two threads it
// cost as much as FILTER, and 70% more memory.

// caseFilterMinAggregates is the fewest filtered aggregates of a scan
// lowered with CASE.
var caseFilterMinAggregates = 8

// aggregateDialect is the dialect a scan's aggregates are lowered in: d,
// or d without FILTER for a scan with many filtered aggregates.
func aggregateDialect(d *dialect.Dialect, s *unitScan) *dialect.Dialect {
	if !d.Filter {
		return d
	}
	filtered := map[string]bool{} // CUPED's pre-period twins count once
	for _, c := range s.aggs {
		if c.agg.Filter != nil {
			filtered[c.agg.Key] = true
		}
	}
	if len(filtered) < caseFilterMinAggregates {
		return d
	}
	nd := *d
	nd.Filter = false
	return &nd
}
