package examples

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/internal/testenv"
	"github.com/caliper-dev/caliper/runtime/portfolio"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/store"
	"github.com/caliper-dev/caliper/runtime/store/duckstore"
)

// portfolioStore stores the homefeed and holdout examples over several
// runs (homefeed, the holdout a day later, homefeed again a week later:
// the review reads each target's latest run) and returns the review with
// the holdout homefeed_holdout.
func portfolioStore(t *testing.T) *portfolio.Portfolio {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portfolio.duckdb")
	st, err := duckstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	home, hold := runExample(t, "homefeed"), runExample(t, "holdout")
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for i, r := range []struct {
		rows []store.Row
		at   time.Time
	}{{store.Rows(home), t0}, {store.Rows(hold), t0.AddDate(0, 0, 1)}, {store.Rows(home), t0.AddDate(0, 0, 7)}} {
		run := &store.Run{Time: r.at, ID: "example-" + string(rune('a'+i)), Version: "test", Rows: r.rows, Targets: 1}
		if err := st.Append(context.Background(), run); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := st.History(context.Background(), store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Build(entries, portfolio.Options{Store: "results.duckdb", Holdout: "homefeed_holdout"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPortfolioInChromium opens the portfolio review of the examples in
// headless Chromium at desktop and phone widths, as TestReportInChromium
// does for the run report: it renders, shows its plots and every metric
// reviewed, and nothing scrolls sideways or is cut off. UPDATE_SCREENSHOT=1
// rewrites docs/portfolio.png from the desktop rendering.
func TestPortfolioInChromium(t *testing.T) {
	testenv.NeedLong(t, "the portfolio review in headless Chromium")
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (.ci/run installs it)")
		}
		t.Skip("chromium is not installed: skipping the browser check of the portfolio review (apt-get install -y chromium)")
	}
	p := portfolioStore(t)
	// The leak on saves_per_user is estimated: three homefeed experiments
	// have it as primary, fm_q4_components shipped, the holdout measured it.
	var saves *portfolio.Metric
	for _, m := range p.Metrics {
		if m.Name == "saves_per_user" {
			saves = m
		}
	}
	if saves == nil || saves.Holdout == nil || saves.Holdout.Relative == nil || saves.Holdout.Relative.Leak == nil {
		t.Fatalf("saves_per_user has no leak: %+v", saves)
	}
	var buf bytes.Buffer
	if err := report.PortfolioHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "portfolio.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, bin)
	for _, size := range []struct {
		name string
		w, h int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		what := "portfolio at " + size.name + " width"
		b.open("file://"+page, size.w, size.h)
		var st pageState
		b.eval(readPage, &st)
		t.Logf("%s: %s", what, st)
		if st.Width != size.w {
			t.Errorf("%s: laid out %d px wide, want %d", what, st.Width, size.w)
		}
		var problems []string
		b.eval(layoutProblems(size.w), &problems)
		for _, pr := range problems {
			t.Errorf("%s: %s", what, pr)
		}
		if st.SVGs == 0 {
			t.Errorf("%s: no plot shown", what)
		}
		var want []string
		for _, m := range p.Metrics {
			want = append(want, m.Name)
		}
		want = append(want, "leak (corrected − holdout)", "Metric sensitivity")
		for _, m := range hasAll(st.Text, want...) {
			t.Errorf("%s: the rendered page lacks %q", what, m)
		}
		img, err := png.Decode(bytes.NewReader(b.screenshot(size.w, min(st.Height, 2400))))
		if err != nil {
			t.Fatal(err)
		}
		if contentHeight(img) < 300 {
			t.Errorf("%s: screenshot is (nearly) blank", what)
		}
		for _, m := range b.consoleMessages() {
			t.Errorf("%s: chromium console: %s", what, m)
		}
		if size.name == "desktop" && os.Getenv("UPDATE_SCREENSHOT") != "" {
			writeScreenshot(t, b.sectionShot("#metric-saves_per_user", size.w), filepath.Join("..", "docs", "portfolio.png"), 1600)
		}
	}
}
