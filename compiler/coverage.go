package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
)

// Coverage result columns (Plan.CoverageSQL).
const (
	ColCoverageUnits      = "units"            // units with one variant
	ColCoverageIncomplete = "incomplete_units" // units whose window ends after the data
	ColCoverageDataEnd    = "data_end"         // the last timestamp of the sources read
	ColExcludedIncomplete = "excluded_incomplete_window"
)

// dataEnd is the last timestamp of the exposures and the scanned sources
// (those with a time column), as an SQL expression.
func (b *builder) dataEnd() string {
	var lasts []string
	for _, s := range b.sources() {
		if s.Time != nil {
			lasts = append(lasts, fmt.Sprintf("(SELECT max(%s) FROM %s)", b.d.Cast(b.ident(s.Time.Name), b.d.Types.Timestamp), b.ident(srcName(s))))
		}
	}
	if len(lasts) == 1 {
		return lasts[0]
	}
	return "greatest(" + strings.Join(lasts, ", ") + ")"
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

// coverageSQL counts the units whose analysis window ends after the last
// timestamp in the data.
func (b *builder) coverageSQL() string {
	ctes := append(b.sourceCTEs(), b.assignments())
	return fmt.Sprintf("-- caliper: experiment %s window coverage\n", dialect.CommentText(b.e.Name)) +
		b.sqlf("WITH\n%s\nSELECT count(*) AS \"units\",\n  %s AS \"incomplete_units\",\n  %s AS \"data_end\"\nFROM \"assignments\"\nWHERE \"variants\" = 1",
			strings.Join(ctes, ",\n"),
			b.d.Aggregate("count", "*", fmt.Sprintf("%s > %s", b.windowEnd(""), b.coveredUntil())), b.dataEnd())
}
