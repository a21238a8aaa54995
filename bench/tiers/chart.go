package main

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// lineChart is a grid of small log-log line charts that share their series:
// one panel per workload, time against work, one line per configuration.
type lineChart struct {
	Title string
	// YLabel names what the y axes measure, such as "total time".
	YLabel string
	Series []series
	Panels []panel
}

// series is how one line looks, in every panel, and its legend entry.
type series struct {
	Name  string
	Color string
	// Width is the line's stroke width; Dash its SVG dash array, empty for
	// a solid line.
	Width float64
	Dash  string
}

// panel is one workload's chart. Lines[i] belongs to Series[i]; an empty
// one is not drawn.
type panel struct {
	Title  string
	XLabel string
	// Unit names the work in the points' hover text.
	Unit  string
	Lines [][]point
}

// point is one size: its work and a time, both positive.
type point struct {
	Work float64
	Time time.Duration
	// Label names the size in the point's hover text, such as "fib(20)".
	Label string
}

// Layout, in SVG user units (pixels).
const (
	chartMargin  = 16
	chartTitleH  = 26
	legendItemW  = 150
	legendRowH   = 18
	panelW       = 270
	panelH       = 200
	panelLeft    = 54 // room for the time labels
	panelRight   = 12
	panelTop     = 22 // room for the panel's title
	panelBottom  = 38 // room for the work labels and the axis title
	panelGap     = 10
	chartColumns = 4
)

// render returns the chart as a standalone SVG document. Each panel's axes
// span whole decades around its points; every point has a <title> with its
// size, work and time, and every line one with its series' name, which
// browsers show on hover.
func (c lineChart) render() string {
	cols := min(chartColumns, max(len(c.Panels), 1))
	rows := (len(c.Panels) + cols - 1) / cols
	width := 2*chartMargin + cols*panelW + (cols-1)*panelGap
	perRow := max(1, (width-2*chartMargin)/legendItemW)
	legendH := (len(c.Series) + perRow - 1) / perRow * legendRowH
	top := chartMargin + chartTitleH + legendH + 6
	height := top + rows*panelH + max(rows-1, 0)*panelGap + chartMargin

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n",
		chartMargin, chartMargin+14, html.EscapeString(c.Title))
	for i, s := range c.Series {
		x := chartMargin + i%perRow*legendItemW
		y := chartMargin + chartTitleH + i/perRow*legendRowH
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d"%s/><text x="%d" y="%d">%s</text>`+"\n",
			x, x+24, y+6, y+6, s.stroke(), x+30, y+10, html.EscapeString(s.Name))
	}
	for i, p := range c.Panels {
		x := chartMargin + i%cols*(panelW+panelGap)
		y := top + i/cols*(panelH+panelGap)
		c.renderPanel(&b, p, x, y)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// stroke returns the SVG attributes that draw a line of s.
func (s series) stroke() string {
	a := fmt.Sprintf(` stroke="%s" stroke-width="%g" fill="none"`, s.Color, s.Width)
	if s.Dash != "" {
		a += fmt.Sprintf(` stroke-dasharray="%s"`, s.Dash)
	}
	return a
}

// renderPanel draws p with its top left corner at (x0, y0).
func (c lineChart) renderPanel(b *strings.Builder, p panel, x0, y0 int) {
	var works, secs []float64
	for _, l := range p.Lines {
		for _, pt := range l {
			works = append(works, pt.Work)
			secs = append(secs, pt.Time.Seconds())
		}
	}
	xa, ya := decadeAxis(works), decadeAxis(secs)
	left, right := float64(x0+panelLeft), float64(x0+panelW-panelRight)
	top, bottom := float64(y0+panelTop), float64(y0+panelH-panelBottom)
	px := func(w float64) float64 { return left + (right-left)*xa.frac(w) }
	py := func(s float64) float64 { return bottom - (bottom-top)*ya.frac(s) }

	fmt.Fprintf(b, `<g class="panel"><text x="%.1f" y="%d" font-weight="bold">%s</text>`+"\n",
		left, y0+panelTop-8, html.EscapeString(p.Title))
	for _, t := range xa.ticks() {
		x := px(t.value())
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>`, x, x, top, bottom, t.stroke())
		if t.labelled {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, bottom+13, workTick(t.m, t.e))
		}
		b.WriteString("\n")
	}
	for _, t := range ya.ticks() {
		y := py(t.value())
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>`, left, right, y, y, t.stroke())
		if t.labelled {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, left-4, y+4, timeTick(t.m, t.e))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, `<path d="M%.1f %.1fV%.1fH%.1f" stroke="#333" fill="none"/>`+"\n", left, top, bottom, right)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#444">%s</text>`+"\n",
		(left+right)/2, bottom+28, html.EscapeString(p.XLabel))
	fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="middle" fill="#444" transform="rotate(-90 %d %.1f)">%s</text>`+"\n",
		x0+10, (top+bottom)/2, x0+10, (top+bottom)/2, html.EscapeString(c.YLabel))
	for i, l := range p.Lines {
		if len(l) == 0 || i >= len(c.Series) {
			continue
		}
		s := c.Series[i]
		var pts []string
		for _, pt := range l {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(pt.Work), py(pt.Time.Seconds())))
		}
		fmt.Fprintf(b, `<polyline class="line" points="%s"%s><title>%s, %s</title></polyline>`+"\n",
			strings.Join(pts, " "), s.stroke(), html.EscapeString(p.Title), html.EscapeString(s.Name))
		for _, pt := range l {
			fmt.Fprintf(b, `<circle class="point" cx="%.1f" cy="%.1f" r="2.2" fill="%s"><title>%s, %s: %s %s, %s</title></circle>`+"\n",
				px(pt.Work), py(pt.Time.Seconds()), s.Color, html.EscapeString(pt.Label), html.EscapeString(s.Name),
				workText(pt.Work), html.EscapeString(p.Unit), durationText(pt.Time))
		}
	}
	b.WriteString("</g>\n")
}

// axis is a logarithmic axis from 10^lo to 10^hi.
type axis struct{ lo, hi int }

// decadeAxis returns the smallest axis of whole decades, at least one,
// that spans the positive values of vs.
func decadeAxis(vs []float64) axis {
	a := axis{math.MaxInt, math.MinInt}
	for _, v := range vs {
		if v <= 0 {
			continue
		}
		l := math.Log10(v)
		a.lo = min(a.lo, int(math.Floor(l+1e-9)))
		a.hi = max(a.hi, int(math.Ceil(l-1e-9)))
	}
	if a.lo > a.hi {
		return axis{0, 1}
	}
	if a.hi == a.lo {
		a.hi++
	}
	return a
}

// frac returns where v lies on the axis, 0 at its low end and 1 at its
// high one.
func (a axis) frac(v float64) float64 {
	return (math.Log10(v) - float64(a.lo)) / float64(a.hi-a.lo)
}

// tick is a grid line of an axis at m·10^e.
type tick struct {
	m, e     int
	labelled bool
}

func (t tick) value() float64 { return float64(t.m) * math.Pow10(t.e) }

// stroke is the colour of t's grid line: decades darker than the lines at
// 2 and 5 between them.
func (t tick) stroke() string {
	if t.m == 1 {
		return "#dddddd"
	}
	return "#f0f0f0"
}

// ticks returns the axis's grid lines: every decade, and 2 and 5 times
// each but the last. At most seven decades are labelled, evenly spaced
// from the first; the lines at 2 and 5 are labelled on an axis of one
// decade, which would otherwise have two labels only.
func (a axis) ticks() []tick {
	step := (a.hi - a.lo + 5) / 6 // at least 1: hi > lo
	var ts []tick
	for e := a.lo; e <= a.hi; e++ {
		ts = append(ts, tick{1, e, (e-a.lo)%step == 0})
		if e < a.hi {
			ts = append(ts, tick{2, e, a.hi-a.lo == 1}, tick{5, e, a.hi-a.lo == 1})
		}
	}
	return ts
}

// workTick labels m·10^e of work, m a digit: 1, 20, 500, 1k, 20k, 5M, 1G.
func workTick(m, e int) string {
	prefixes := []string{"", "k", "M", "G", "T"}
	if e < 0 || e/3 >= len(prefixes) {
		return strconv.Itoa(m) + "e" + strconv.Itoa(e)
	}
	return strconv.Itoa(m) + strings.Repeat("0", e%3) + prefixes[e/3]
}

// timeTick labels m·10^e seconds, m a digit: 1 ns, 20 ns, ..., 5 ms, 1 s,
// 10 s, 200 s.
func timeTick(m, e int) string {
	if e >= 0 {
		return strconv.Itoa(m) + strings.Repeat("0", e) + " s"
	}
	units := []string{"ms", "µs", "ns"}
	k := (-e + 2) / 3 // 1 for ms (e from -1 to -3), 2 for µs, 3 for ns
	if k > len(units) {
		return strconv.Itoa(m) + "e" + strconv.Itoa(e) + " s"
	}
	return strconv.Itoa(m) + strings.Repeat("0", 3*k+e) + " " + units[k-1]
}
