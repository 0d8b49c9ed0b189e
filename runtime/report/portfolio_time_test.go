package report

import (
	"bytes"
	"html"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/runtime/portfolio"
	"github.com/caliper-dev/caliper/runtime/portfolio/portfoliotest"
)

func fixturePortfolio(t *testing.T) *portfolio.Portfolio {
	t.Helper()
	p, err := portfolio.Build(portfoliotest.Entries(), portfolio.Options{Store: "portfolio.duckdb", Replicates: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pfMetric(t *testing.T, p *portfolio.Portfolio, name string) *portfolio.Metric {
	t.Helper()
	for _, m := range p.Metrics {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no metric %s", name)
	return nil
}

// The impact-over-time chart of the fixture's conversion: the naive and
// corrected sums as step functions from the first launch, the holdout's
// run as a point with its interval; the wide rendering is a golden file.
// Its table has a row per decision and holdout run, the last standing at
// the overall figures.
func TestPortfolioOverTimeChart(t *testing.T) {
	p := fixturePortfolio(t)
	conv := pfMetric(t, p, "conversion")
	cp := pfOverTimeChart(conv)
	if cp == nil {
		t.Fatal("no chart for conversion")
	}
	var names []string
	for _, s := range cp.Series {
		names = append(names, s.Name)
	}
	if strings.Join(names, ", ") != "naive sum, corrected sum, holdout" {
		t.Errorf("series %v", names)
	}
	naive := cp.Series[0]
	if !naive.Step || naive.StepTo != cp.Series[2].X[0] || naive.X[0] != day("2026-06-11T00:00:00Z") {
		t.Errorf("naive sum: step %v from %v to %v", naive.Step, naive.X, naive.StepTo)
	}
	wide, err := cp.SVG(false)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("..", "..", "testdata", "portfolio", "over_time_conversion.svg"), []byte(wide+"\n"))
	for _, want := range []string{">Jun 9 2026<", ">Jun 23<", ">Sep 1<", "decision date (UTC)"} {
		if !strings.Contains(wide, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	rows := pfOverTimeRows(conv, false)
	last := rows[len(rows)-1]
	c := conv.Impact.Relative
	if last[1] != "holdout run fixture-09" || last[4] != pfEstimateCI(c.Corrected, c.CILower, c.CIUpper, lift) || last[5] != "+4.10% [+1.75%, +6.45%]" {
		t.Errorf("last row %q", last)
	}
	if rows[1][5] != "not yet measured" || len(rows) != 1+len(c.OverTime)+1 {
		t.Errorf("rows %q", rows)
	}
	// The short table keeps the launches, the holdout run and the last row.
	if short := pfOverTimeRows(conv, true); len(short) != 1+3+1 {
		t.Errorf("short rows %q", short)
	}
	// A metric nothing shipped on has no chart; one not corrected (clicks,
	// selected on another primary) draws the naive sum and the holdout.
	if cp := pfOverTimeChart(pfMetric(t, p, "clicks")); cp == nil || len(cp.Series) != 2 || cp.Series[1].Name != "holdout" {
		t.Errorf("clicks chart %+v", cp)
	}
}

// The HTML page shows the chart (wide and narrow) with its legend and
// table; Markdown and the terminal table carry the short table.
func TestPortfolioOverTimeFormats(t *testing.T) {
	p := fixturePortfolio(t)
	var h, md, tb bytes.Buffer
	if err := PortfolioHTML(&h, p); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(h.String())
	i := strings.Index(page, `id="metric-conversion"`)
	sec := page[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	for _, want := range []string{"<h3>Cumulative impact over time</h3>", "corrected for the winner's curse, band: 95% bootstrap CI",
		"holdout as measured in each stored run", `<td data-label="holdout launch_holdout">+4.10% [+1.75%, +6.45%]</td>`,
		"cumulative relative lift of the shipped launches over time"} {
		if !strings.Contains(sec, want) {
			t.Errorf("HTML conversion section lacks %q", want)
		}
	}
	if n := strings.Count(sec, "<svg "); n != 4 {
		t.Errorf("conversion section has %d <svg>, want the forest plot and the chart, wide and narrow", n)
	}
	if err := PortfolioMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| 2026-09-09 | holdout run fixture-09 | 3 | +7.52% [+4.32%, +10.7%] |") {
		t.Errorf("markdown lacks the over-time table:\n%s", md.String())
	}
	if err := PortfolioTable(&tb, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "cumulative impact over time (relative lift, 95% intervals):") {
		t.Errorf("table lacks the over-time table:\n%s", tb.String())
	}
}

// Date ticks: days for a short span, months (the year on January and
// the first tick) for a long one, never more than asked for.
func TestDateTicks(t *testing.T) {
	d := func(s string) float64 { return day(s + "T00:00:00Z") }
	short := dateTicks{max: 8}.Ticks(d("2026-03-01"), d("2026-03-20"))
	if len(short) == 0 || len(short) > 8 || short[0].Label != "Mar 1 2026" {
		t.Errorf("short span ticks %v", short)
	}
	long := dateTicks{max: 8}.Ticks(d("2025-11-20"), d("2026-06-10"))
	var labels []string
	for _, tk := range long {
		labels = append(labels, tk.Label)
		if tm := time.Unix(int64(math.Round(tk.Value*86400)), 0).UTC(); tm.Day() != 1 {
			t.Errorf("tick %s is not on the first of a month", tk.Label)
		}
	}
	if strings.Join(labels, " ") != "Dec 2025 Jan 2026 Feb Mar Apr May Jun" {
		t.Errorf("long span labels %v", labels)
	}
	if ends := (dateTicks{max: 8}).Ticks(d("2026-10-01")+0.375, d("2026-10-02")+0.375); len(ends) != 4 || ends[0].Label != "Oct 1 12:00" || ends[3].Label != "Oct 2 06:00" {
		t.Errorf("one-day span ticks %v", ends)
	}
	if n := len(dateTicks{max: 4}.Ticks(d("2024-01-01"), d("2026-06-01"))); n > 4 || n < 2 {
		t.Errorf("30 months at max 4: %d ticks", n)
	}
}
