package main

import (
	"math"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		runs        []time.Duration
		median, p99 time.Duration
	}{
		{[]time.Duration{5 * ms}, 5 * ms, 5 * ms},
		{[]time.Duration{3 * ms, 1 * ms, 2 * ms}, 2 * ms, 3 * ms},
		{[]time.Duration{4 * ms, 1 * ms, 3 * ms, 2 * ms}, 2500 * time.Microsecond, 4 * ms},
	} {
		got := summarize(c.runs)
		if got.Median != c.median || got.P99 != c.p99 {
			t.Errorf("summarize(%v) = %+v, want median %v, p99 %v", c.runs, got, c.median, c.p99)
		}
	}
	// With 200 runs of 1..200 ms, the nearest rank of p99 is the 198th.
	var runs []time.Duration
	for i := 200; i >= 1; i-- {
		runs = append(runs, time.Duration(i)*ms)
	}
	if got := summarize(runs).P99; got != 198*ms {
		t.Errorf("p99 of 1..200 ms = %v, want 198ms", got)
	}
}

func TestRatioAndGeomean(t *testing.T) {
	base := summary{Median: 100 * time.Millisecond}
	if got := ratio(base, summary{Median: 550 * time.Millisecond}); got != 5.5 {
		t.Errorf("ratio = %v, want 5.5", got)
	}
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{2, 8}, 4},
		{[]float64{1, 10, 100}, 10},
		{[]float64{0.5, 2}, 1},
	} {
		if got := geomean(c.xs); math.Abs(got-c.want) > 1e-9*c.want {
			t.Errorf("geomean(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}
