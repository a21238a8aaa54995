package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestReportCompare builds a report from known times and checks its
// ratios, geometric means, tables and charts.
func TestReportCompare(t *testing.T) {
	r := newReport(1)
	ms := time.Millisecond
	add := func(name string, k kind, impl string, d time.Duration) {
		r.add(workload{Name: name, Kind: k, Arg: 1}, impl, []time.Duration{d})
	}
	add("fib", kindKernel, "terra-interp", 100*ms)
	add("fib", kindKernel, "wazero-interp", 400*ms)
	add("fib", kindKernel, "native", 5*ms)
	add("sieve", kindKernel, "terra-interp", 100*ms)
	add("sieve", kindKernel, "wazero-interp", 900*ms)
	add("sieve", kindKernel, "native", 20*ms)
	add("gojson", kindProgram, "terra-interp", 200*ms)
	add("gojson", kindProgram, "wazero-interp", 500*ms)
	add("fib", kindKernel, "terra-jit", 10*ms)
	add("sieve", kindKernel, "terra-jit", 40*ms)
	r.compare()

	c, ok := r.comparison("terra-interp", "wazero-interp", kindKernel)
	if !ok || c.Ratios["fib"] != 4 || c.Ratios["sieve"] != 9 || math.Abs(c.Geomean-6) > 1e-9 {
		t.Errorf("wazero-interp on kernels: %+v, want ratios 4 and 9, geomean 6", c)
	}
	if c, ok := r.comparison("terra-interp", "native", kindKernel); !ok || math.Abs(c.Geomean-0.1) > 1e-9 {
		t.Errorf("native on kernels: %+v, want geomean 0.1", c)
	}
	if _, ok := r.comparison("terra-interp", "native", kindProgram); ok {
		t.Error("a comparison with native on programs, which it did not run")
	}
	if c, ok := r.comparison("terra-interp", "wazero-interp", kindProgram); !ok || c.Geomean != 2.5 {
		t.Errorf("wazero-interp on programs: %+v, want geomean 2.5", c)
	}
	// The second tier is compared with the peers (native: 2x and 2x
	// slower) but not with the baseline, whose table has it already.
	if c, ok := r.comparison("terra-jit", "native", kindKernel); !ok || math.Abs(c.Geomean-0.5) > 1e-9 {
		t.Errorf("terra-jit against native on kernels: %+v, want geomean 0.5", c)
	}
	if c, ok := r.comparison("terra-interp", "terra-jit", kindKernel); !ok || math.Abs(c.Geomean-0.2) > 1e-9 {
		t.Errorf("terra-interp against terra-jit on kernels: %+v, want geomean 0.2", c)
	}
	if _, ok := r.comparison("terra-jit", "terra-interp", kindKernel); ok {
		t.Error("terra-jit compared with the baseline")
	}
	if _, ok := r.comparison("terra-jit", "wazero-interp", kindProgram); ok {
		t.Error("terra-jit compared on programs, which it did not run")
	}

	md := r.markdown()
	for _, want := range []string{"| fib | 1 | 100 ms (100 ms) |", "**6.0x faster**", "**10x slower**", "**2.5x faster**",
		"terra-jit compared with each peer", "**2.0x slower**", "**5.0x slower**"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	// Relative to native, the kernels chart has terra-interp, terra-jit
	// and wazero-interp bars for both kernels (wazero-compiler did not run).
	svg, ok := r.chart(kindKernel, "native", "kernels")
	if !ok || strings.Count(svg, `class="bar"`) != 6 {
		t.Errorf("kernels chart: ok %v, %d bars, want 6", ok, strings.Count(svg, `class="bar"`))
	}
}

func TestRatioText(t *testing.T) {
	for x, want := range map[float64]string{5.5: "5.5x faster", 22: "22x faster", 0.25: "4.0x slower", 1.0 / 35: "35x slower"} {
		if got := ratioText(x); got != want {
			t.Errorf("ratioText(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		83300 * time.Microsecond:   "83.3 ms",
		999700 * time.Microsecond:  "1 s",
		1234567 * time.Microsecond: "1.23 s",
		12500 * time.Nanosecond:    "12.5 µs",
		999999 * time.Nanosecond:   "1 ms",
		45 * time.Nanosecond:       "45 ns",
		999 * time.Nanosecond:      "999 ns",
		time.Duration(0):           "0 ns",
	} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q, want %q", d, got, want)
		}
	}
}
