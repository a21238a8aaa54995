package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// svgNode is an element of a rendered chart, with its children, for tests
// that check the chart's structure.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []svgNode  `xml:",any"`
}

// attr returns the value of n's attribute name.
func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls f on n and every element below it.
func (n svgNode) walk(f func(svgNode)) {
	f(n)
	for _, c := range n.Nodes {
		c.walk(f)
	}
}

// parseSVG parses a rendered chart, failing t if it is not well-formed.
func parseSVG(t *testing.T, svg string) svgNode {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	var root svgNode
	require.NoError(t, xml.Unmarshal([]byte(svg), &root))
	require.Equal(t, "svg", root.XMLName.Local)
	return root
}

// TestChartRender renders two panels of three series, one of them missing
// from a panel, and checks the structure: a panel group each, a line per
// series that has points, a point per size with its hover text, the legend,
// the axes' labels, and escaped text.
func TestChartRender(t *testing.T) {
	// pts labels each point with its work's index: fib(0), fib(1), ...
	pts := func(name string, xs []float64, ys ...time.Duration) []point {
		var l []point
		for i, x := range xs {
			l = append(l, point{Work: x, Time: ys[i], Label: fmt.Sprintf("%s(%d)", name, i)})
		}
		return l
	}
	works := []float64{3, 67, 1219, 21891}
	c := lineChart{
		Title:  "tiers <&> sizes",
		YLabel: "total time",
		Series: []series{seriesStyle("interp"), seriesStyle("jit"), seriesStyle("tiered-t1e4")},
		Panels: []panel{
			{Title: "fib", XLabel: "work per call (recursive calls)", Unit: "recursive calls", Lines: [][]point{
				pts("fib", works, 150*time.Microsecond, 200*time.Microsecond, 2*time.Millisecond, 30*time.Millisecond),
				pts("fib", works, 700*time.Microsecond, 720*time.Microsecond, 900*time.Microsecond, 3*time.Millisecond),
				pts("fib", works, 160*time.Microsecond, 210*time.Microsecond, 1*time.Millisecond, 4*time.Millisecond),
			}},
			{Title: "gojson", XLabel: "work per run (JSON round trips)", Unit: "JSON round trips", Lines: [][]point{
				pts("gojson", []float64{1, 2}, 60*time.Millisecond, 70*time.Millisecond),
				pts("gojson", []float64{1, 2}, 75*time.Millisecond, 65*time.Millisecond),
				nil, // not measured
			}},
		},
	}
	root := parseSVG(t, c.render())

	var panels, lines, points int
	var texts, titles []string
	root.walk(func(n svgNode) {
		switch {
		case n.XMLName.Local == "g" && n.attr("class") == "panel":
			panels++
		case n.XMLName.Local == "polyline" && n.attr("class") == "line":
			lines++
			want := 2
			if strings.HasPrefix(titleOf(n), "fib") {
				want = 4
			}
			require.Len(t, strings.Fields(n.attr("points")), want, titleOf(n))
		case n.XMLName.Local == "circle" && n.attr("class") == "point":
			points++
		case n.XMLName.Local == "text":
			texts = append(texts, n.Text)
		case n.XMLName.Local == "title":
			titles = append(titles, n.Text)
		}
	})
	require.Equal(t, 2, panels)
	require.Equal(t, 5, lines, "3 lines in fib, 2 in gojson")
	require.Equal(t, 3*4+2*2, points)
	require.Contains(t, texts, "tiers <&> sizes", "title, unescaped by the parser")
	for _, s := range []string{"interp", "jit", "tiered-t1e4", "fib", "gojson", "total time",
		"work per call (recursive calls)", "work per run (JSON round trips)"} {
		require.Contains(t, texts, s)
	}
	// fib spans 3 to 21891 (1 to 100k) and 150 µs to 30 ms (100 µs to
	// 100 ms): five decades of work, three of time, each labelled.
	for _, s := range []string{"1", "10", "100", "1k", "10k", "100k", "100 µs", "1 ms", "10 ms", "100 ms"} {
		require.Contains(t, texts, s)
	}
	require.NotContains(t, texts, "1M", "axis spans more decades than the points")
	// gojson's times span one decade, 10 ms to 100 ms: 20 ms and 50 ms
	// are labelled too.
	require.Contains(t, texts, "20 ms")
	require.Contains(t, texts, "50 ms")
	require.Contains(t, titles, "fib(3), jit: 21.9k recursive calls, 3.00 ms")
	require.Contains(t, titles, "gojson, interp")
}

// titleOf returns the text of n's <title> child.
func titleOf(n svgNode) string {
	for _, c := range n.Nodes {
		if c.XMLName.Local == "title" {
			return c.Text
		}
	}
	return ""
}

func TestDecadeAxis(t *testing.T) {
	for _, tc := range []struct {
		vs     []float64
		lo, hi int
	}{
		{[]float64{3, 21891}, 0, 5},
		{[]float64{1, 10}, 0, 1}, // whole decades stay as they are
		{[]float64{100}, 2, 3},   // one value: one decade
		{[]float64{0.002, 0.02}, -3, -1},
		{nil, 0, 1},                 // nothing to span
		{[]float64{0, -1, 5}, 0, 1}, // non-positive values ignored
	} {
		a := decadeAxis(tc.vs)
		require.Equal(t, axis{tc.lo, tc.hi}, a, "%v", tc.vs)
	}
}

func TestAxisTicks(t *testing.T) {
	labelled := func(a axis) []string {
		var ls []string
		for _, t := range a.ticks() {
			if t.labelled {
				ls = append(ls, workTick(t.m, t.e))
			}
		}
		return ls
	}
	require.Equal(t, []string{"1", "2", "5", "10"}, labelled(axis{0, 1}))
	require.Equal(t, []string{"1", "10", "100"}, labelled(axis{0, 2}))
	// Twelve decades: every other one labelled.
	require.Equal(t, []string{"1", "100", "10k", "1M", "100M", "10G", "1T"}, labelled(axis{0, 12}))
	require.Len(t, axis{0, 2}.ticks(), 3+2*2, "decades, and 2 and 5 between them")
}

func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		m, e       int
		work, time string
	}{
		{1, 0, "1", "1 s"},
		{2, 1, "20", "20 s"},
		{5, 2, "500", "500 s"},
		{1, 3, "1k", "1000 s"},
		{2, 7, "20M", "20000000 s"},
		{1, -1, "1e-1", "100 ms"},
		{5, -3, "5e-3", "5 ms"},
		{2, -5, "2e-5", "20 µs"},
		{1, -9, "1e-9", "1 ns"},
		{1, -10, "1e-10", "1e-10 s"},
		{1, 15, "1e15", "1000000000000000 s"},
	} {
		require.Equal(t, tc.work, workTick(tc.m, tc.e), "workTick(%d, %d)", tc.m, tc.e)
		require.Equal(t, tc.time, timeTick(tc.m, tc.e), "timeTick(%d, %d)", tc.m, tc.e)
	}
}

func TestSeriesStyle(t *testing.T) {
	require.Equal(t, "", seriesStyle("interp").Dash)
	require.NotEqual(t, "", seriesStyle("tiered-t1e3").Dash)
	require.NotEqual(t, seriesStyle("tiered-t1e3").Color, seriesStyle("tiered-t1e7").Color,
		"thresholds a decade apart get different shades")
	require.Equal(t, seriesStyle("tiered-t2500").Color, seriesStyle("tiered-t1e3").Color)
}
