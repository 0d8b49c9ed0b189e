package compiler

// SetCaseFilterMinAggregates sets the fewest filtered aggregates of a
// scan lowered with CASE instead of FILTER (casefilter.go) until the
// returned function restores it: tests compare the two lowerings.
func SetCaseFilterMinAggregates(n int) (restore func()) {
	old := caseFilterMinAggregates
	caseFilterMinAggregates = n
	return func() { caseFilterMinAggregates = old }
}
