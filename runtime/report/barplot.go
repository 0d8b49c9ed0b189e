package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// barPlot is a horizontal bar chart of shares (a split's share of the
// lift per value): one bar per row from zero, its label above it and its
// value written at the right, so nothing is read from length alone.
type barPlot struct {
	// Title names the figure for screen readers (the SVG's <title>).
	Title  string
	XLabel string
	Bars   []bar
}

type bar struct {
	Label string
	Value float64
	// Text is the value as written beside the bar.
	Text string
}

type barLayout struct {
	width, gutter, rowH, font vg.Length
	maxLabel, xticks          int
}

var (
	wideBars   = barLayout{width: 720, gutter: 90, rowH: 36, font: 11, maxLabel: 60, xticks: 7}
	narrowBars = barLayout{width: 360, gutter: 64, rowH: 44, font: 14, maxLabel: 32, xticks: 4}
)

// SVG renders the chart as an inline SVG element that scales with its
// viewBox.
func (bp *barPlot) SVG(narrow bool) (string, error) {
	if len(bp.Bars) == 0 {
		return "", fmt.Errorf("bar chart %q has no bars", bp.Title)
	}
	lay := wideBars
	if narrow {
		lay = narrowBars
	}
	lo, hi := 0.0, 0.0
	for _, b := range bp.Bars {
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
	}
	if hi == lo {
		hi = lo + 1
	}
	pad := (hi - lo) * 0.04
	p := plot.New()
	p.BackgroundColor = nil
	p.X.Label.Text = wrapLabel(bp.XLabel, lay.font, lay.width-lay.gutter-20)
	p.X.Label.TextStyle = textStyle(lay.font, colInk, draw.XCenter, draw.YBottom)
	p.X.Tick.Label = textStyle(lay.font, colInk, draw.XCenter, draw.YTop)
	p.X.Tick.Length = 4
	p.X.LineStyle.Color = colInk
	p.X.Padding = 0
	p.X.Tick.Marker = forestTicks{percent: true, max: lay.xticks}
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	p.Y.LineStyle.Width = 0
	p.Y.Padding = 0
	n := float64(len(bp.Bars))
	p.Y.Min, p.Y.Max = -0.5, n-0.5+0.45 // room above the top bar for its label
	p.Add(&barLayer{bp: bp, lay: lay})
	lines := vg.Length(len(splitLines(p.X.Label.Text)))
	h := lay.rowH*vg.Length(n+0.45) + lay.font*(2.6+1.2*lines) + 12
	c := vgsvg.NewWith(vgsvg.UseWH(lay.width, h))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	p.Draw(draw.Crop(dc, 8, -lay.gutter, 4, -4))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	return inlineSVG(buf.String(), bp.Title, lay.width, h), nil
}

func splitLines(s string) []string {
	out := []string{""}
	for _, r := range s {
		if r == '\n' {
			out = append(out, "")
			continue
		}
		out[len(out)-1] += string(r)
	}
	return out
}

// barLayer draws the grid, the zero line, the bars, their labels and
// values.
type barLayer struct {
	bp  *barPlot
	lay barLayout
}

func (l *barLayer) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.Value != 0 {
			c.StrokeLine2(draw.LineStyle{Color: colRule, Width: 0.6}, tx(t.Value), c.Min.Y, tx(t.Value), c.Max.Y)
		}
	}
	if p.X.Min <= 0 && p.X.Max >= 0 {
		c.StrokeLine2(draw.LineStyle{Color: colInk, Width: 1}, tx(0), c.Min.Y, tx(0), c.Max.Y)
	}
	half := l.lay.rowH * 0.2
	for i, b := range l.bp.Bars {
		y := ty(float64(len(l.bp.Bars)-1-i)) - half*0.6
		x0, x1 := tx(0), tx(b.Value)
		fill := colGood
		if b.Value < 0 {
			fill = colBad
		}
		c.FillPolygon(fill, []vg.Point{{X: x0, Y: y - half}, {X: x1, Y: y - half}, {X: x1, Y: y + half}, {X: x0, Y: y + half}})
		// The label above the bar, on a white ground over the axis.
		sty := textStyle(l.lay.font, colInk, draw.XLeft, draw.YBottom)
		label := truncate(b.Label, l.lay.maxLabel)
		pt := vg.Point{X: c.Min.X, Y: y + half + 2}
		box := sty.Rectangle(label).Add(pt)
		c.FillPolygon(color.White, []vg.Point{{X: box.Min.X - 2, Y: box.Min.Y}, {X: box.Max.X + 2, Y: box.Min.Y},
			{X: box.Max.X + 2, Y: box.Max.Y}, {X: box.Min.X - 2, Y: box.Max.Y}})
		c.FillText(sty, pt, label)
		c.FillText(textStyle(l.lay.font, colInk, draw.XLeft, draw.YCenter), vg.Point{X: c.Max.X + 8, Y: y}, b.Text)
	}
}
