package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// curvePlot is a line chart of relative effects over time: series of
// estimates with their confidence intervals drawn as bands, and, for an
// exposure-age timeline, the fitted long-run curve a + b·exp(−t/τ) with
// the asymptote's interval as a horizontal band. The legend is written
// in the page (curveLegend), so no reading rests on colour alone.
type curvePlot struct {
	// Title names the figure for screen readers (the SVG's <title>).
	Title  string
	XLabel string
	Series []curveSeries
	// Fit, when set, is drawn from X0 to X1 with its asymptote band.
	Fit *curveFit
	// Adoption, when set, draws a dashed vertical line at x = −0.5 (a
	// rollout's event study: adoption between event times −1 and 0).
	Adoption bool
	// XTicks, when set, marks the horizontal axis (default: whole
	// numbers).
	XTicks plot.Ticker
}

// curveSeries is one line of estimates with an interval band. A point
// whose interval is not finite is left out (a gap in the line).
type curveSeries struct {
	Name               string
	Colour             color.Color
	Dashed             bool
	X, Est, Lower, Upp []float64
	// Step draws the series as a step function: each value holds until
	// the next point, the last until StepTo (when it is later).
	Step   bool
	StepTo float64
}

// curveFit is the fitted a + b·exp(−t/τ) and the interval of a.
type curveFit struct {
	A, B, Tau      float64
	ALower, AUpper float64
	X0, X1         float64
}

func (f *curveFit) at(t float64) float64 { return f.A + f.B*math.Exp(-t/f.Tau) }

// Okabe-Ito blue and orange for the two series of a calendar timeline;
// the fit is drawn in ink, its band in a light grey.
var (
	colSeries2 = color.RGBA{0xE6, 0x9F, 0x00, 0xFF}
	colFitBand = color.NRGBA{0x22, 0x22, 0x22, 0x1C}
)

func bandColour(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x33}
}

// curveLayout is the geometry of one rendering (wide for screens,
// narrow for phones).
type curveLayout struct {
	width, height vg.Length
	font          vg.Length
	xticks        int
	yticks        int
}

var (
	wideCurve   = curveLayout{width: 720, height: 300, font: 11, xticks: 14, yticks: 7}
	narrowCurve = curveLayout{width: 360, height: 300, font: 14, xticks: 7, yticks: 5}
)

// SVG renders the chart as an inline SVG element that scales with its
// viewBox.
func (cp *curvePlot) SVG(narrow bool) (string, error) {
	lay := wideCurve
	if narrow {
		lay = narrowCurve
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	var ivs [][2]float64
	for _, s := range cp.Series {
		for i, x := range s.X {
			if !finite(s.Est[i], s.Lower[i], s.Upp[i]) {
				continue
			}
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			ivs = append(ivs, [2]float64{s.Lower[i], s.Upp[i]})
		}
		if s.Step && len(s.X) > 0 && !math.IsNaN(s.StepTo) {
			xmax = math.Max(xmax, s.StepTo)
		}
	}
	if f := cp.Fit; f != nil {
		xmin, xmax = math.Min(xmin, f.X0), math.Max(xmax, f.X1)
		ivs = append(ivs, [2]float64{f.ALower, f.AUpper}, [2]float64{f.at(f.X0), f.at(f.X0)})
	}
	if len(ivs) == 0 {
		return "", fmt.Errorf("plot %q: %w", cp.Title, errNoPoints)
	}
	if xmin == xmax {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	p := plot.New()
	p.BackgroundColor = nil
	p.X.Label.Text = wrapLabel(cp.XLabel, lay.font, lay.width-60)
	p.X.Label.TextStyle = textStyle(lay.font, colInk, draw.XCenter, draw.YBottom)
	p.X.Tick.Label = textStyle(lay.font, colInk, draw.XCenter, draw.YTop)
	p.X.Tick.Length = 4
	p.X.LineStyle.Color = colInk
	p.X.Padding = 0
	p.X.Tick.Marker = intTicks{max: lay.xticks}
	if cp.XTicks != nil {
		p.X.Tick.Marker = cp.XTicks
		if d, ok := cp.XTicks.(dateTicks); ok && narrow {
			p.X.Tick.Marker = dateTicks{max: (d.max + 1) / 2}
		}
	}
	p.Y.Tick.Label = textStyle(lay.font, colInk, draw.XRight, draw.YCenter)
	p.Y.Tick.Length = 4
	p.Y.LineStyle.Color = colInk
	p.Y.Padding = 0
	p.Y.Tick.Marker = forestTicks{percent: true, max: lay.yticks}
	pad := (xmax - xmin) * 0.03
	p.X.Min, p.X.Max = xmin-pad, xmax+pad
	p.Y.Min, p.Y.Max = curveRange(ivs)
	p.Add(&curveLayer{cp: cp})

	c := vgsvg.NewWith(vgsvg.UseWH(lay.width, lay.height))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	// Margins: room on the right for the last tick label's half.
	p.Draw(draw.Crop(dc, 4, -(lay.font + 4), 4, -8))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	return inlineSVG(buf.String(), cp.Title, lay.width, lay.height), nil
}

var errNoPoints = errors.New("no finite point to draw")

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
	}
	return true
}

// curveRange is the vertical axis: zero and every interval but those far
// wider than the rest (more than four times the median width, as early
// periods with few units can be), which are clipped at the axis.
func curveRange(ivs [][2]float64) (float64, float64) {
	widths := make([]float64, 0, len(ivs))
	for _, iv := range ivs {
		widths = append(widths, iv[1]-iv[0])
	}
	sort.Float64s(widths)
	median := widths[len(widths)/2]
	lo, hi := 0.0, 0.0
	for _, iv := range ivs {
		if len(ivs) > 2 && median > 0 && iv[1]-iv[0] > 4*median {
			continue
		}
		lo, hi = math.Min(lo, iv[0]), math.Max(hi, iv[1])
	}
	if hi == lo {
		hi, lo = hi+0.1, lo-0.1
	}
	pad := (hi - lo) * 0.06
	return lo - pad, hi + pad
}

// intTicks are whole-number ticks (periods, ages), at most max labelled.
type intTicks struct{ max int }

func (t intTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min), math.Floor(max)
	step := 1.0
	for _, s := range []float64{1, 2, 5, 7, 10, 14, 20, 28, 50, 100, 200, 500} {
		step = s
		if (hi-lo)/s+1 <= float64(t.max) {
			break
		}
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		// v+0 turns a -0 into 0, so no tick reads "-0".
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v+0, 'f', -1, 64)})
	}
	return out
}

// curveLayer draws the grid, the zero line, the fit's band and curve,
// and each series' band, line and points.
type curveLayer struct{ cp *curvePlot }

func (l *curveLayer) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.Value != 0 {
			c.StrokeLine2(draw.LineStyle{Color: colRule, Width: 0.6}, c.Min.X, ty(t.Value), c.Max.X, ty(t.Value))
		}
	}
	if p.Y.Min <= 0 && p.Y.Max >= 0 {
		c.StrokeLine2(draw.LineStyle{Color: colInk, Width: 1}, c.Min.X, ty(0), c.Max.X, ty(0))
	}
	if l.cp.Adoption && p.X.Min <= -0.5 && p.X.Max >= -0.5 {
		c.StrokeLine2(draw.LineStyle{Color: colInk, Width: 1, Dashes: []vg.Length{4, 3}}, tx(-0.5), c.Min.Y, tx(-0.5), c.Max.Y)
	}
	if f := l.cp.Fit; f != nil {
		x0, x1 := tx(p.X.Min), tx(p.X.Max)
		band := []vg.Point{{X: x0, Y: ty(f.ALower)}, {X: x1, Y: ty(f.ALower)}, {X: x1, Y: ty(f.AUpper)}, {X: x0, Y: ty(f.AUpper)}}
		c.FillPolygon(colFitBand, c.ClipPolygonXY(band))
		dash := draw.LineStyle{Color: colInk, Width: 1, Dashes: []vg.Length{4, 3}}
		c.StrokeLines(dash, c.ClipLinesXY([]vg.Point{{X: x0, Y: ty(f.A)}, {X: x1, Y: ty(f.A)}})...)
		var pts []vg.Point
		for i := 0; i <= 120; i++ {
			t := f.X0 + (f.X1-f.X0)*float64(i)/120
			pts = append(pts, vg.Point{X: tx(t), Y: ty(f.at(t))})
		}
		c.StrokeLines(draw.LineStyle{Color: colInk, Width: 2}, c.ClipLinesXY(pts)...)
	}
	for _, s := range l.cp.Series {
		for _, run := range finiteRuns(s) {
			var band, line, lower, marks []vg.Point
			for j, i := range run {
				band = append(band, vg.Point{X: tx(s.X[i]), Y: ty(s.Upp[i])})
				line = append(line, vg.Point{X: tx(s.X[i]), Y: ty(s.Est[i])})
				lower = append(lower, vg.Point{X: tx(s.X[i]), Y: ty(s.Lower[i])})
				// A step series marks the points where its value changes.
				if !s.Step || j == 0 || s.Est[i] != s.Est[run[j-1]] {
					marks = append(marks, line[len(line)-1])
				}
				if !s.Step {
					continue
				}
				// The value holds until the next point (or StepTo).
				next := math.NaN()
				if j+1 < len(run) {
					next = s.X[run[j+1]]
				} else if s.StepTo > s.X[i] {
					next = s.StepTo
				}
				if !math.IsNaN(next) {
					band = append(band, vg.Point{X: tx(next), Y: ty(s.Upp[i])})
					line = append(line, vg.Point{X: tx(next), Y: ty(s.Est[i])})
					lower = append(lower, vg.Point{X: tx(next), Y: ty(s.Lower[i])})
				}
			}
			for j := len(lower) - 1; j >= 0; j-- {
				band = append(band, lower[j])
			}
			if len(line) == 1 {
				// A lone point: its interval as a bar.
				i := run[0]
				c.StrokeLines(draw.LineStyle{Color: s.Colour, Width: 2}, c.ClipLinesXY([]vg.Point{{X: tx(s.X[i]), Y: ty(s.Lower[i])}, {X: tx(s.X[i]), Y: ty(s.Upp[i])}})...)
			} else {
				c.FillPolygon(bandColour(s.Colour), c.ClipPolygonXY(band))
			}
			sty := draw.LineStyle{Color: s.Colour, Width: 2}
			if s.Dashed {
				sty.Dashes = []vg.Length{5, 3}
			}
			c.StrokeLines(sty, c.ClipLinesXY(line)...)
			for _, pt := range marks {
				if c.Contains(pt) {
					c.DrawGlyph(draw.GlyphStyle{Color: s.Colour, Radius: 3, Shape: draw.CircleGlyph{}}, pt)
				}
			}
		}
	}
}

// finiteRuns splits a series into runs of consecutive finite points.
func finiteRuns(s curveSeries) [][]int {
	var out [][]int
	var cur []int
	for i := range s.X {
		if !finite(s.Est[i], s.Lower[i], s.Upp[i]) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, i)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// wrapLabel breaks an axis label into lines no wider than max at the
// given size, at spaces, so a long label is never cut at a phone's width.
func wrapLabel(s string, size, max vg.Length) string {
	sty := textStyle(size, colInk, draw.XLeft, draw.YTop)
	if sty.Width(s) <= max {
		return s
	}
	var lines []string
	line := ""
	for _, w := range splitWords(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && sty.Width(try) > max {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	out := lines[0]
	for _, l := range lines[1:] {
		out += "\n" + l
	}
	return out
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, r := range s {
		if r == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
			continue
		}
		w += string(r)
	}
	if w != "" {
		out = append(out, w)
	}
	return out
}
