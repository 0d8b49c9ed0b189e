package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// forest is a forest plot: rows of estimates with their confidence
// intervals, in panels stacked in one figure. Each panel has its own
// horizontal axis (a guardrail is read against its tolerance, not against
// the primary metric's scale) and all panels share the label column, so
// they line up. An experiment plots each metric's relative lift against
// the control; a benchmark can plot each metric's delta of a model against
// its baseline with the same type (one panel, Percent for fractions).
type forest struct {
	// Title names the figure for screen readers (the SVG's <title>).
	Title string
	// Percent shows values (fractions) as signed percents.
	Percent bool
	Panels  []forestPanel
}

// forestPanel is one block of rows on a shared axis.
type forestPanel struct {
	// Heading is written above the panel; XLabel under its axis.
	Heading, XLabel string
	Rows            []forestRow
}

// forestRow is one estimate with its interval.
type forestRow struct {
	Label                  string
	Estimate, Lower, Upper float64
	// Group selects the marker: "primary" a filled circle, "secondary" a
	// ring, "guardrail" a filled square; anything else a small circle.
	// Rows are drawn in the order given, a gap between groups.
	Group string
	// Class colours the row: good (blue), bad (orange) or neutral (grey).
	Class class
	// Figure is the estimate and interval as text, and Status the
	// reading in words (Short in the narrow layout); both are written
	// beside the row, so no reading rests on colour.
	Figure, Status, Short string
	// Bound, when set, is a tolerance line drawn on the row, the side
	// beyond it shaded: above it when BadAbove, below it otherwise.
	Bound    *float64
	BadAbove bool
}

// Colour-blind-safe palette (Okabe and Ito): blue for good, vermillion
// for bad, grey for neither; text uses darker shades for contrast.
var (
	colGood     = color.RGBA{0x00, 0x72, 0xB2, 0xFF}
	colBad      = color.RGBA{0xD5, 0x5E, 0x00, 0xFF}
	colNeutral  = color.RGBA{0x73, 0x73, 0x73, 0xFF}
	textGood    = color.RGBA{0x00, 0x5A, 0x8C, 0xFF}
	textBad     = color.RGBA{0xA8, 0x44, 0x00, 0xFF}
	textNeutral = color.RGBA{0x4D, 0x4D, 0x4D, 0xFF}
	colInk      = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	colRule     = color.RGBA{0xDD, 0xDD, 0xDD, 0xFF}
	colZone     = color.NRGBA{0xD5, 0x5E, 0x00, 0x38}
)

func classColors(c class) (line, txt color.Color) {
	switch c {
	case good:
		return colGood, textGood
	case bad:
		return colBad, textBad
	}
	return colNeutral, textNeutral
}

// forestLayout is the geometry of one rendering: a wide one for screens
// and a narrow one for phones.
type forestLayout struct {
	width    vg.Length // canvas width
	gutter   vg.Length // right-hand column for figures and statuses
	rowH     vg.Length // height of one row
	font     vg.Length // tick and axis label size
	small    vg.Length // gutter text size
	heading  vg.Length // room for a panel heading
	maxLabel int       // longest row label, in characters
	figures  bool      // write Figure as well as Status
	above    bool      // write row labels above the bars, not in a column
}

var (
	wideLayout   = forestLayout{width: 720, gutter: 160, rowH: 30, font: 11, small: 10, heading: 14, maxLabel: 40, figures: true}
	narrowLayout = forestLayout{width: 360, gutter: 74, rowH: 48, font: 14, small: 13, heading: 17, maxLabel: 30, above: true}
)

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func textStyle(size vg.Length, c color.Color, x draw.XAlignment, y draw.YAlignment) text.Style {
	return text.Style{Color: c, Font: font.From(sans, size), XAlign: x, YAlign: y,
		Handler: text.Plain{Fonts: font.DefaultCache}}
}

// SVG renders the figure as an inline SVG element (no XML prolog, no
// namespaces, no external references) that scales with its viewBox.
func (f *forest) SVG(narrow bool) (string, error) {
	lay := wideLayout
	if narrow {
		lay = narrowLayout
	}
	var longest string
	n := 0
	for _, pn := range f.Panels {
		for _, r := range pn.Rows {
			if l := truncate(r.Label, lay.maxLabel); len(l) > len(longest) {
				longest = l
			}
			n++
		}
	}
	if n == 0 {
		return "", fmt.Errorf("forest plot %q has no rows", f.Title)
	}
	var plots []*plot.Plot
	var heights []vg.Length
	total := vg.Length(0)
	for _, pn := range f.Panels {
		if len(pn.Rows) == 0 {
			continue
		}
		p, h := f.panel(pn, lay, narrow, longest)
		plots = append(plots, p)
		heights = append(heights, h)
		total += h
	}
	c := vgsvg.NewWith(vgsvg.UseWH(lay.width, total))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	top := total
	k := 0
	for _, pn := range f.Panels {
		if len(pn.Rows) == 0 {
			continue
		}
		h := heights[k]
		area := draw.Crop(dc, 0, 0, top-h, -(total - top))
		if pn.Heading != "" {
			area.FillText(textStyle(lay.font, colInk, draw.XLeft, draw.YTop), vg.Point{X: area.Min.X + 4, Y: area.Max.Y - 4}, pn.Heading)
		}
		plots[k].Draw(draw.Crop(area, 4, -lay.gutter, 2, -(lay.heading + 6)))
		top -= h
		k++
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	return inlineSVG(buf.String(), f.Title, lay.width, total), nil
}

// panel builds one panel's plot and its height. The label column is as
// wide as longest in every panel, so panels line up.
func (f *forest) panel(pn forestPanel, lay forestLayout, narrow bool, longest string) (*plot.Plot, vg.Length) {
	ys, ymax := positions(pn.Rows)
	p := plot.New()
	p.BackgroundColor = nil
	// The label is centred under the data area, which the right-hand
	// column narrows: wrapped to fit it.
	p.X.Label.Text = wrapLabel(pn.XLabel, lay.font, lay.width-lay.gutter-24)
	p.X.Label.TextStyle = textStyle(lay.font, colInk, draw.XCenter, draw.YBottom)
	p.X.Tick.Label = textStyle(lay.font, colInk, draw.XCenter, draw.YTop)
	p.X.Tick.Length = 4
	p.X.LineStyle.Color = colInk
	p.X.Padding = 0
	p.Y.Tick.Label = textStyle(lay.font, colInk, draw.XRight, draw.YCenter)
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0
	p.Y.Padding = 14
	if lay.above {
		p.Y.Padding = 8
	}
	p.X.Min, p.X.Max = focus(pn.Rows)
	p.Y.Min, p.Y.Max = -0.6, ymax+0.6
	p.X.Tick.Marker = forestTicks{percent: f.Percent, max: 7 - 3*boolInt(narrow)}
	ticks := []plot.Tick{}
	if !lay.above {
		for i, r := range pn.Rows {
			ticks = append(ticks, plot.Tick{Value: ys[i], Label: truncate(r.Label, lay.maxLabel)})
		}
		// Out of range, so not drawn, but measured: the label column's width.
		ticks = append(ticks, plot.Tick{Value: ymax + 1e6, Label: longest})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Add(&forestLayer{rows: pn.Rows, ys: ys, lay: lay})
	extra := vg.Length(len(splitLines(p.X.Label.Text))-1) * lay.font * 1.2
	h := lay.rowH*vg.Length(ymax+1.2) + 3.2*lay.font + 10 + lay.heading + 6 + extra
	return p, h
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// positions places rows top to bottom, half a row between groups; ys are
// data coordinates (0 at the bottom).
func positions(rows []forestRow) ([]float64, float64) {
	pos := make([]float64, len(rows))
	y := 0.0
	for i, r := range rows {
		if i > 0 && r.Group != rows[i-1].Group {
			y += 0.5
		}
		pos[i] = y
		y++
	}
	top := y - 1
	for i := range pos {
		pos[i] = top - pos[i]
	}
	return pos, top
}

// focus is a panel's axis range: zero, every tolerance, and every
// interval but those far wider than the rest (which would squeeze them
// into a corner): with three rows or more, wider than four times the
// median width; with tolerances, wider than ten times the largest. Those
// are clipped, with arrows at the edge, and their figures stay written
// beside the row.
func focus(rows []forestRow) (float64, float64) {
	if len(rows) == 0 {
		return -0.1, 0.1
	}
	var widths []float64
	tol := 0.0
	for _, r := range rows {
		widths = append(widths, r.Upper-r.Lower)
		if r.Bound != nil {
			tol = math.Max(tol, math.Abs(*r.Bound))
		}
	}
	sort.Float64s(widths)
	median := widths[len(widths)/2]
	if len(widths)%2 == 0 {
		median = (widths[len(widths)/2-1] + widths[len(widths)/2]) / 2
	}
	lo, hi := 0.0, 0.0
	for _, r := range rows {
		if r.Bound != nil {
			lo, hi = math.Min(lo, *r.Bound), math.Max(hi, *r.Bound)
		}
		w := r.Upper - r.Lower
		if len(rows) > 2 && median > 0 && w > 4*median || tol > 0 && w > 10*tol {
			continue
		}
		lo, hi = math.Min(lo, r.Lower), math.Max(hi, r.Upper)
	}
	if hi == lo {
		hi, lo = hi+0.1, lo-0.1
	}
	pad := (hi - lo) * 0.06
	return lo - pad, hi + pad
}

// forestTicks are nice axis ticks labelled as signed percents (or plain
// numbers), at most max of them.
type forestTicks struct {
	percent bool
	max     int
}

func (t forestTicks) Ticks(min, max float64) []plot.Tick {
	span := max - min
	step := math.Pow(10, math.Floor(math.Log10(span)))
	for _, m := range []float64{1, 2, 2.5, 5, 10, 20, 25, 50} {
		if span/(step*m/10) <= float64(t.max) {
			step = step * m / 10
			break
		}
	}
	var out []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		v := math.Round(v/step) * step
		label := strconv.FormatFloat(Round(v), 'g', 6, 64)
		if t.percent {
			label = strconv.FormatFloat(Round(v*100), 'f', -1, 64) + "%"
		}
		if v > 0 {
			label = "+" + label
		}
		out = append(out, plot.Tick{Value: v, Label: label})
	}
	return out
}

// forestLayer draws the rows: grid, zero line, tolerance zones, intervals,
// markers and the right-hand text.
type forestLayer struct {
	rows []forestRow
	ys   []float64
	lay  forestLayout
}

func (l *forestLayer) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	bottom, top := c.Min.Y, c.Max.Y
	left, right := c.Min.X, c.Max.X
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.Value != 0 {
			c.StrokeLine2(draw.LineStyle{Color: colRule, Width: 0.6}, tx(t.Value), bottom, tx(t.Value), top)
		}
	}
	half := l.lay.rowH * 0.36
	if l.lay.above {
		half = 8
	}
	// Separators between groups.
	for i := 1; i < len(l.rows); i++ {
		if l.rows[i].Group != l.rows[i-1].Group {
			y := (ty(l.ys[i-1]) + ty(l.ys[i])) / 2
			c.StrokeLine2(draw.LineStyle{Color: colRule, Width: 0.8}, left, y, right+l.lay.gutter-4, y)
		}
	}
	// Tolerance zones under everything else.
	for i, r := range l.rows {
		if r.Bound == nil || *r.Bound < p.X.Min || *r.Bound > p.X.Max {
			continue
		}
		y := ty(l.ys[i])
		b := tx(*r.Bound)
		x0, x1 := b, right
		if !r.BadAbove {
			x0, x1 = left, b
		}
		c.FillPolygon(colZone, []vg.Point{{X: x0, Y: y - half}, {X: x1, Y: y - half}, {X: x1, Y: y + half}, {X: x0, Y: y + half}})
		c.StrokeLine2(draw.LineStyle{Color: colBad, Width: 1.4, Dashes: []vg.Length{3, 2}}, b, y-half, b, y+half)
	}
	if p.X.Min <= 0 && p.X.Max >= 0 {
		c.StrokeLine2(draw.LineStyle{Color: colInk, Width: 1}, tx(0), bottom, tx(0), top)
	}
	for i, r := range l.rows {
		l.row(c, p, tx, ty(l.ys[i]), r)
	}
}

func (l *forestLayer) row(c draw.Canvas, p *plot.Plot, tx func(float64) vg.Length, y vg.Length, r forestRow) {
	line, txt := classColors(r.Class)
	width := vg.Length(2)
	if r.Group == "primary" {
		width = 2.8
	}
	lo, hi := math.Max(r.Lower, p.X.Min), math.Min(r.Upper, p.X.Max)
	if lo <= hi {
		sty := draw.LineStyle{Color: line, Width: width}
		c.StrokeLine2(sty, tx(lo), y, tx(hi), y)
		cap := vg.Length(4)
		if r.Lower >= p.X.Min {
			c.StrokeLine2(draw.LineStyle{Color: line, Width: 1.4}, tx(lo), y-cap, tx(lo), y+cap)
		} else {
			arrow(c, line, tx(p.X.Min), y, -1)
		}
		if r.Upper <= p.X.Max {
			c.StrokeLine2(draw.LineStyle{Color: line, Width: 1.4}, tx(hi), y-cap, tx(hi), y+cap)
		} else {
			arrow(c, line, tx(p.X.Max), y, +1)
		}
	} else if r.Lower > p.X.Max {
		arrow(c, line, tx(p.X.Max), y, +1)
	} else {
		arrow(c, line, tx(p.X.Min), y, -1)
	}
	if r.Estimate >= p.X.Min && r.Estimate <= p.X.Max {
		pt := vg.Point{X: tx(r.Estimate), Y: y}
		switch r.Group {
		case "primary":
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: line, Radius: 5.5, Shape: draw.CircleGlyph{}}, pt)
		case "secondary":
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: line, Radius: 4.5, Shape: ringGlyph{}}, pt)
		case "guardrail":
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: line, Radius: 5, Shape: draw.BoxGlyph{}}, pt)
		default:
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: line, Radius: 4, Shape: draw.CircleGlyph{}}, pt)
		}
	}
	if l.lay.above {
		// The label above the bar, on a white ground over the grid.
		sty := textStyle(l.lay.font, colInk, draw.XLeft, draw.YBottom)
		label := truncate(r.Label, l.lay.maxLabel)
		pt := vg.Point{X: c.Min.X - 4, Y: y + 9}
		box := sty.Rectangle(label).Add(pt)
		c.FillPolygon(color.White, []vg.Point{{X: box.Min.X - 2, Y: box.Min.Y}, {X: box.Max.X + 2, Y: box.Min.Y},
			{X: box.Max.X + 2, Y: box.Max.Y}, {X: box.Min.X - 2, Y: box.Max.Y}})
		c.FillText(sty, pt, label)
	}
	// The right-hand column: the figure above the status (wide), or the
	// short status alone (narrow).
	x := c.Max.X + 10
	if l.lay.figures {
		c.FillText(textStyle(l.lay.small, colInk, draw.XLeft, draw.YBottom), vg.Point{X: x, Y: y + 1}, r.Figure)
		c.FillText(textStyle(l.lay.small, txt, draw.XLeft, draw.YTop), vg.Point{X: x, Y: y - 1}, r.Status)
		return
	}
	s := r.Short
	if s == "" {
		s = r.Status
	}
	// Never past the canvas: shortened to the column's width.
	sty := textStyle(l.lay.small, txt, draw.XLeft, draw.YCenter)
	for len([]rune(s)) > 2 && sty.Width(s) > l.lay.gutter-14 {
		s = truncate(s, len([]rune(s))-1)
	}
	c.FillText(textStyle(l.lay.small, txt, draw.XLeft, draw.YCenter), vg.Point{X: x, Y: y}, s)
}

// arrow draws a filled triangle at x pointing left (dir -1) or right
// (+1): the interval goes on beyond the axis.
func arrow(c draw.Canvas, clr color.Color, x, y vg.Length, dir float64) {
	d := vg.Length(dir)
	c.FillPolygon(clr, []vg.Point{{X: x + d*7, Y: y}, {X: x - d*1, Y: y + 5}, {X: x - d*1, Y: y - 5}})
}

// ringGlyph is a ring with a white centre and a strong outline.
type ringGlyph struct{}

func (ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	p := make(vg.Path, 0, 3)
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetColor(color.White)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: 2})
	c.Stroke(p)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

var (
	svgProlog = regexp.MustCompile(`(?s)^.*?<svg[^>]*>`)
	svgFont   = regexp.MustCompile(`font-family:Liberation Sans;`)
)

// inlineSVG turns vgsvg's standalone document into an element for an
// HTML page: no XML prolog or comment, no namespace URLs (HTML parsing
// puts <svg> in the SVG namespace), a viewBox to scale with the page, a
// title, and metric-compatible font fallbacks for Liberation Sans (the
// font gonum measures text with).
func inlineSVG(doc, title string, w, h vg.Length) string {
	head := fmt.Sprintf(`<svg viewBox="0 0 %s %s" role="img" aria-labelledby="%s"><title id="%[3]s">%s</title>`,
		strconv.FormatFloat(w.Points(), 'f', -1, 64), strconv.FormatFloat(h.Points(), 'f', -1, 64),
		svgID(title, w), htmlEscape(title))
	body := svgProlog.ReplaceAllLiteralString(doc, head)
	return svgFont.ReplaceAllLiteralString(body, "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;")
}

var idClean = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func svgID(title string, w vg.Length) string {
	return "plot-" + strings.Trim(idClean.ReplaceAllString(strings.ToLower(title), "-"), "-") + "-" + strconv.Itoa(int(w.Points()))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
