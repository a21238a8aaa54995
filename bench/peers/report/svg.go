package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// chart is a grouped bar chart of values relative to a baseline, on a
// logarithmic axis: one group per workload, one bar per series
// (implementation) in each group, and a line at 1, the baseline.
type chart struct {
	Title string
	// Baseline names what the values are relative to.
	Baseline string
	// Series name the bars of each group, in order.
	Series []string
	Groups []group
}

// group is one workload's bars: Values[i] belongs to Series[i], and 0
// means no bar.
type group struct {
	Label  string
	Values []float64
}

// Layout of the chart, in SVG user units (pixels).
const (
	svgBarWidth  = 14
	svgGroupGap  = 18
	svgLeft      = 60 // room for the axis labels
	svgTop       = 56 // room for the title and legend
	svgPlotH     = 300
	svgBottom    = 70 // room for the rotated workload labels
	svgRight     = 90 // room for the baseline's label
	svgLegendGap = 130
)

// svgColors are the series' fill colours, in order, repeated if need be.
var svgColors = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"}

// render returns the chart as a standalone SVG document. The axis spans
// whole decades around the values and 1; every bar has a <title> with its
// exact value, which browsers show on hover.
func (c chart) render() string {
	lo, hi := 1.0, 1.0
	for _, g := range c.Groups {
		for _, v := range g.Values {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	// Whole decades, at least one below 1 so that bars at or near the
	// baseline stay visible.
	loExp := int(math.Floor(math.Log10(lo)))
	if loExp >= 0 {
		loExp = -1
	}
	hiExp := int(math.Ceil(math.Log10(hi)))
	if hiExp <= loExp {
		hiExp = loExp + 1
	}
	y := func(v float64) float64 {
		f := (math.Log10(v) - float64(loExp)) / float64(hiExp-loExp)
		return svgTop + svgPlotH*(1-f)
	}

	groupW := len(c.Series)*svgBarWidth + svgGroupGap
	plotW := len(c.Groups) * groupW
	width := svgLeft + max(plotW, len(c.Series)*svgLegendGap) + svgRight
	height := svgTop + svgPlotH + svgBottom

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14" font-weight="bold">%s</text>`+"\n", svgLeft, html.EscapeString(c.Title))
	for i, s := range c.Series {
		x := svgLeft + i*svgLegendGap
		fmt.Fprintf(&b, `<rect x="%d" y="28" width="12" height="12" fill="%s"/><text x="%d" y="38">%s</text>`+"\n",
			x, svgColors[i%len(svgColors)], x+16, html.EscapeString(s))
	}
	// Decade grid lines and labels.
	for e := loExp; e <= hiExp; e++ {
		v := math.Pow(10, float64(e))
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", svgLeft, svgLeft+plotW, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s×</text>`+"\n", svgLeft-6, y(v)+4, decadeLabel(e))
	}
	// The baseline, at 1.
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="4 3"/>`+"\n",
		svgLeft, svgLeft+plotW, y(1), y(1))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="#333">%s = 1</text>`+"\n", svgLeft+plotW+4, y(1)+4, html.EscapeString(c.Baseline))
	base := y(math.Pow(10, float64(loExp)))
	for gi, g := range c.Groups {
		gx := svgLeft + gi*groupW + svgGroupGap/2
		for si, v := range g.Values {
			if v <= 0 {
				continue
			}
			top := y(v)
			fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s, %s: %.3g× %s</title></rect>`+"\n",
				gx+si*svgBarWidth, top, svgBarWidth-1, base-top, svgColors[si%len(svgColors)],
				html.EscapeString(g.Label), html.EscapeString(c.Series[si]), v, html.EscapeString(c.Baseline))
		}
		lx := gx + len(c.Series)*svgBarWidth/2
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" transform="rotate(-35 %d %.1f)">%s</text>`+"\n",
			lx, base+14, lx, base+14, html.EscapeString(g.Label))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#333"/>`+"\n", svgLeft, svgLeft+plotW, base, base)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%.1f" stroke="#333"/>`+"\n", svgLeft, svgLeft, svgTop, base)
	b.WriteString("</svg>\n")
	return b.String()
}

// decadeLabel formats 10^e as a plain number: 0.01, 1, 1000.
func decadeLabel(e int) string {
	if e < 0 {
		return "0." + strings.Repeat("0", -e-1) + "1"
	}
	return "1" + strings.Repeat("0", e)
}
