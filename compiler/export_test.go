package compiler

// SetGroupedMinAggregates sets the fewest filtered aggregates of a scan
// lowered in two levels (grouped.go) until the returned function restores
// it: tests compare the two lowerings on the same spec.
func SetGroupedMinAggregates(n int) (restore func()) {
	old := groupedMinAggregates
	groupedMinAggregates = n
	return func() { groupedMinAggregates = old }
}
