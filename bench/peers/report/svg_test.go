package main

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestChartRender checks that the SVG is well-formed XML with one bar per
// positive value, none for a missing one, a decade label for every power of
// ten spanned, and escaped text.
func TestChartRender(t *testing.T) {
	c := chart{
		Title:    "a <title> & more",
		Baseline: "native",
		Series:   []string{"terra-interp", "wazero-interp", "wazero-compiler"},
		Groups: []group{
			{Label: "fib", Values: []float64{35, 240, 1.5}},
			{Label: "sieve", Values: []float64{22, 0, 0.8}}, // one missing
		},
	}
	svg := c.render()

	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	if got := strings.Count(svg, `class="bar"`); got != 5 {
		t.Errorf("%d bars, want 5", got)
	}
	// Values span 0.8 to 240: decades 0.1 to 1000.
	for _, label := range []string{">0.1×<", ">1×<", ">10×<", ">100×<", ">1000×<"} {
		if !strings.Contains(svg, label) {
			t.Errorf("no axis label %s", label)
		}
	}
	if strings.Contains(svg, ">0.01×<") || strings.Contains(svg, ">10000×<") {
		t.Error("axis spans more decades than the values need")
	}
	if !strings.Contains(svg, "a &lt;title&gt; &amp; more") {
		t.Error("title not escaped")
	}
}

func TestDecadeLabel(t *testing.T) {
	for e, want := range map[int]string{-2: "0.01", -1: "0.1", 0: "1", 3: "1000"} {
		if got := decadeLabel(e); got != want {
			t.Errorf("decadeLabel(%d) = %q, want %q", e, got, want)
		}
	}
}
