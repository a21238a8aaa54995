package main

import (
	"math"
	"slices"
	"time"
)

// summary condenses the timed runs of one workload in one implementation.
type summary struct {
	Median time.Duration `json:"median_ns"`
	// P99 is the 99th percentile by the nearest-rank method: with fewer
	// than 100 runs, the slowest one.
	P99 time.Duration `json:"p99_ns"`
}

// summarize returns the median and p99 of runs, which must not be empty.
func summarize(runs []time.Duration) summary {
	s := slices.Clone(runs)
	slices.Sort(s)
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	rank := int(math.Ceil(0.99 * float64(n))) // nearest rank, 1-based
	return summary{Median: median, P99: s[rank-1]}
}

// ratio is how many times longer than base's median other's median is:
// above 1 when base is faster.
func ratio(base, other summary) float64 {
	return float64(other.Median) / float64(base.Median)
}

// geomean returns the geometric mean of xs, which must be positive, or 0
// for none.
func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}
