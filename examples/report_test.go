package examples

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/report"
	"github.com/caliper-dev/caliper/runtime/result"
)

// outcomes are the verdict labels the HTML report shows.
var outcomes = map[string]string{
	result.Ship:         "Ship",
	result.NoShip:       "Don't ship",
	result.Inconclusive: "Inconclusive",
	result.Invalid:      "Invalid",
}

// checkHTML renders the report as HTML and checks its structure: one
// self-contained page (no scripts, no external references of any kind),
// the verdict of every treatment, every metric, and a plot per compared
// treatment (and per metric of a factorial attribution) as inline SVG.
func checkHTML(t *testing.T, rep *result.Report) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	lower := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "//cdn", "<script", "<link", "<iframe", "<object", "<embed",
		"<img", "@import", "@font-face", "url(", " src=", "xlink:href"} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML report contains %q: it must be self-contained", bad)
		}
	}
	for _, want := range []string{"<!doctype html>", `<meta name="viewport"`, `http-equiv="Content-Security-Policy" content="default-src 'none'`} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	for _, tag := range []string{"html", "head", "body", "main", "article", "section", "svg", "table", "figure", "style"} {
		if o, c := strings.Count(page, "<"+tag+">")+strings.Count(page, "<"+tag+" "), strings.Count(page, "</"+tag+">"); o != c {
			t.Errorf("HTML report: %d <%s> but %d </%s>", o, tag, c, tag)
		}
	}
	plots := 0
	for _, tg := range rep.Targets {
		if !strings.Contains(page, html.EscapeString(tg.Name)) {
			t.Errorf("HTML report lacks the target %s", tg.Name)
		}
		if tg.Hypothesis != "" && !strings.Contains(page, html.EscapeString(tg.Hypothesis)) {
			t.Errorf("HTML report lacks the hypothesis of %s", tg.Name)
		}
		if tg.Owner != "" && !strings.Contains(page, html.EscapeString(tg.Owner)) {
			t.Errorf("HTML report lacks the owner of %s", tg.Name)
		}
		for _, d := range tg.Decisions {
			verdict := fmt.Sprintf(`<span class="variant">%s</span><strong class="outcome">%s</strong>`,
				html.EscapeString(d.Variant), html.EscapeString(outcomes[d.Outcome]))
			if !strings.Contains(page, verdict) {
				t.Errorf("HTML report lacks the verdict of %s/%s: %s", tg.Name, d.Variant, verdict)
			}
		}
		metrics, variants := map[string]bool{}, map[string]bool{}
		for _, r := range tg.Results {
			metrics[r.Metric] = true
			if r.Relative != nil {
				variants[r.Variant] = true
			}
		}
		if tg.Bench != nil {
			for _, r := range tg.Bench.Results {
				metrics[r.Metric] = true
				if r.Relative != nil {
					variants[r.Model] = true
				}
			}
		}
		for m := range metrics {
			if !strings.Contains(page, html.EscapeString(m)) {
				t.Errorf("HTML report lacks the metric %s of %s", m, tg.Name)
			}
		}
		attributed := map[string]bool{}
		for _, a := range tg.Attribution {
			if a.Problem == "" {
				attributed[a.Metric] = true
			}
		}
		// A timeline chart per metric and treatment with a finite
		// relative effect; a bar chart per split with shares.
		timelines := map[string]bool{}
		for _, r := range tg.Timeline {
			if r.Relative != nil && r.Relative.Gap == nil && !math.IsInf(float64(r.Relative.CILower), 0) && !math.IsInf(float64(r.Relative.CIUpper), 0) {
				timelines[r.Metric+"\x00"+r.Variant] = true
			}
		}
		shares := 0
		for _, s := range tg.SplitShares {
			for _, p := range s.Parts {
				if p.Share != nil {
					shares++
					break
				}
			}
		}
		plots += len(variants) + len(attributed) + len(timelines) + shares
	}
	// Each plot comes in a wide and a narrow rendering.
	if n := strings.Count(page, "<svg "); n != 2*plots {
		t.Errorf("HTML report has %d <svg> elements, want %d (a wide and a narrow plot per compared treatment, attributed metric, timeline and split with shares)", n, 2*plots)
	}
	if n := strings.Count(page, `<svg viewBox="0 0 `); n != strings.Count(page, "<svg ") {
		t.Errorf("every <svg> must scale by its viewBox: %d of %d do", n, strings.Count(page, "<svg "))
	}
}

// runExample checks and runs one example folder.
func runExample(t *testing.T, dir string) *result.Report {
	t.Helper()
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatalf("example has errors: %v", res.Diags.Err())
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rep, diags := runtime.Run(context.Background(), eng, res.Package)
	if diags.HasErrors() {
		t.Fatalf("run: %v", diags.Err())
	}
	return rep
}

// chromiumFlags keep headless Chromium offline and quiet: no network of
// its own, no first-run or sync work, a throwaway profile.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
	"--enable-logging=stderr", "--v=0"}

// TestReportInChromium opens the example's HTML report in headless
// Chromium at desktop and phone widths: it must render (a non-blank
// screenshot of the requested width, the DOM with the verdict and the
// plots) without console messages, which for a page without scripts means
// errors such as a blocked request. Without Chromium the test skips,
// except under CI=true where it fails. UPDATE_SCREENSHOT=1 rewrites
// docs/report.png from the desktop rendering.
func TestReportInChromium(t *testing.T) {
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
		t.Skip("chromium is not installed: skipping the browser check of the HTML report (apt-get install -y chromium)")
	}
	rep := runExample(t, "homefeed")
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	for _, size := range []struct {
		name string
		w, h int
	}{{"desktop", 1280, 2000}, {"phone", 390, 2400}} {
		shot := filepath.Join(dir, size.name+".png")
		chromium(t, bin, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", size.w, size.h), url)
		img := readPNG(t, shot)
		if b := img.Bounds(); b.Dx() != size.w {
			t.Errorf("%s screenshot is %d px wide, want %d", size.name, b.Dx(), size.w)
		}
		if contentHeight(img) < 300 {
			t.Errorf("%s screenshot is (nearly) blank", size.name)
		}
		if size.name == "desktop" && os.Getenv("UPDATE_SCREENSHOT") != "" {
			writeScreenshot(t, img, filepath.Join("..", "docs", "report.png"), 1400)
		}
	}

	dom := chromium(t, bin, "--dump-dom", "--window-size=1280,2000", url)
	for _, want := range []string{`class="verdict `, "<svg ", "</svg>", `id="t-hf_ranker_v2-effects"`, `id="t-hf_ranker_v2-metrics"`, `id="t-hf_ranker_v2-quality"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM Chromium rendered lacks %q", want)
		}
	}
	for _, r := range rep.Targets[0].Results {
		if !strings.Contains(dom, r.Metric) {
			t.Errorf("the DOM Chromium rendered lacks the metric %s", r.Metric)
		}
	}
}

// chromium runs headless Chromium with a fresh profile and returns its
// standard output, failing on console messages and uncaught errors.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir())
	cmd := exec.CommandContext(ctx, bin, append(all, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("chromium console: %s", line)
		}
	}
	return stdout.String()
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// contentHeight is the height down to the last row that is not plain
// white.
func contentHeight(img image.Image) int {
	b := img.Bounds()
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xF000 || g < 0xF000 || bl < 0xF000 {
				return y - b.Min.Y + 1
			}
		}
	}
	return 0
}

// writeScreenshot saves img cropped to its content (at most maxH rows).
func writeScreenshot(t *testing.T, img image.Image, path string, maxH int) {
	t.Helper()
	h := min(contentHeight(img)+16, maxH, img.Bounds().Dy())
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), h))
	draw.Draw(out, out.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, buf.Len())
}
