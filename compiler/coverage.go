package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
)

// Coverage result columns (Plan.CoverageColumns), in the main query.
const (
	ColCoverageUnits      = "coverage_units"   // units with one variant
	ColCoverageIncomplete = "incomplete_units" // units whose window ends after the data
	ColCoverageDataEnd    = "data_end"         // the last timestamp of the sources read
	ColExcludedIncomplete = "excluded_incomplete_window"
)

// dataEndCTE is the "data_end" CTE: the last timestamp of the exposures
// and the scanned sources (those with a time column). It reads each
// source's relation afresh rather than its CTE: a second reference to a
// source's CTE could make the engine materialize every row of it, while a
// scan of the time column alone is cheap.
func (b *builder) dataEndCTE() string {
	var lasts []string
	for i, s := range b.sources() {
		if s.Time != nil {
			lasts = append(lasts, fmt.Sprintf("(SELECT max(%s) FROM (%s) %s)", b.d.Cast(b.ident(s.Time.Name), b.d.Types.Timestamp), b.relation(s), b.ident(fmt.Sprintf("t%d", i+1))))
		}
	}
	last := lasts[0]
	if len(lasts) > 1 {
		last = "greatest(" + strings.Join(lasts, ",\n    ") + ")"
	}
	return b.sqlf("\"data_end\" AS (\n  SELECT %s AS \"ts\"\n)", last)
}

// dataEnd is the last timestamp in the data (the "data_end" CTE's).
func (b *builder) dataEnd() string { return b.sqlf(`(SELECT "ts" FROM "data_end")`) }

// unitCTEs are the assignments and units CTEs, with the data_end CTE
// between them when withEnd.
func (b *builder) unitCTEs(withEnd bool) []string {
	if withEnd {
		return []string{b.assignments(), b.dataEndCTE(), b.units()}
	}
	return []string{b.assignments(), b.units()}
}

// coveredUntil is the instant up to which the data count as covering a
// window: the last timestamp plus a tolerance of 1% of the window (at
// least a minute; 1% of a day without a window), so data sampled until
// 23:59 cover a window that ends at midnight.
func (b *builder) coveredUntil() string {
	tol := b.e.Window / 100
	if b.e.Window == 0 {
		tol = 864
	}
	tol = max(tol, 60)
	return b.d.Shift(b.dataEnd(), "", tol)
}

// windowEnd is the end of a unit's analysis window (alias qual) in SQL, or
// "" when it has none (no window and no end): the window's end, or the
// experiment's end when that comes first.
func (b *builder) windowEnd(qual string) string {
	e := b.e
	t0 := qual + b.ident("t0")
	switch {
	case e.Window > 0 && !e.End.IsZero():
		return fmt.Sprintf("least(%s, %s)", b.d.Shift(t0, "", e.Window), b.instant(e.End))
	case e.Window > 0:
		return b.d.Shift(t0, "", e.Window)
	case !e.End.IsZero():
		return b.instant(e.End)
	}
	return ""
}

// hasCoverage reports whether windows can run past the data: an
// experiment with a time on its exposures and a window or an end.
func (b *builder) hasCoverage() bool {
	return b.e.Exposures.Time != nil && !b.e.Factorial() && b.windowEnd("") != ""
}

// completeOnly reports whether units whose window is not wholly observed
// are left out (`window_policy complete`).
func (b *builder) completeOnly() bool {
	return b.e.WindowPolicy == model.WindowComplete && b.hasCoverage()
}

// coverageCols are the main query's coverage columns (Plan.CoverageColumns):
// the units with one variant, those whose analysis window ends after the
// last timestamp in the data, and that timestamp. Folded into the main
// query, they cost one scan of the time columns instead of a second
// query over the exposures and every source.
func (b *builder) coverageCols() []string {
	if !b.hasCoverage() {
		return nil
	}
	return []string{
		b.sqlf(`(SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS %s`, b.ident(ColCoverageUnits)),
		b.sqlf(`(SELECT %s FROM "assignments" WHERE "variants" = 1) AS %s`,
			b.d.Aggregate("count", "*", fmt.Sprintf("%s > %s", b.windowEnd(""), b.coveredUntil())), b.ident(ColCoverageIncomplete)),
		fmt.Sprintf("%s AS %s", b.dataEnd(), b.ident(ColCoverageDataEnd)),
	}
}

// completeUnits, for `window_policy complete`, is the CTE of the units
// (of first_exposures, as timelines assign them) whose whole window the
// data cover, like units() keeps in the main query, after the data_end
// CTE it reads; "" otherwise.
// Timelines read only these units, so their periods and ages show the
// same units as the overall result.
func (b *builder) completeUnits() string {
	if !b.completeOnly() {
		return ""
	}
	return b.dataEndCTE() + ",\n" + b.sqlf("\"complete_units\" AS (\n  SELECT \"unit\" FROM (SELECT \"unit\", min(\"first_ts\") AS \"t0\" FROM \"first_exposures\" GROUP BY 1) c\n  WHERE %s <= %s\n)",
		b.windowEnd("c."), b.coveredUntil())
}

// completeFilter is the condition keeping only complete_units' units
// (unit column col), or "" without `window_policy complete`.
func (b *builder) completeFilter(col string) string {
	if !b.completeOnly() {
		return ""
	}
	return b.sqlf("%s IN (SELECT \"unit\" FROM \"complete_units\")", col)
}
