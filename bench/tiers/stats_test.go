package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	require.Equal(t, time.Duration(0), median[time.Duration](nil))
	require.Equal(t, 2.5, median([]float64{4, 1, 2, 3}))
	require.Equal(t, 7*time.Millisecond, median(ms(7)))
	require.Equal(t, 5*time.Millisecond, median(ms(9, 1, 5)))
	require.Equal(t, 4*time.Millisecond, median(ms(9, 1, 3, 5)), "mean of the middle two")
	in := ms(3, 1, 2)
	median(in)
	require.Equal(t, ms(3, 1, 2), in, "median must not reorder its argument")
}

// sizeAt returns a size whose runs have the given total times in ms, by
// configuration, each run's first result a third of its total and ready a
// tenth.
func sizeAt(arg uint32, totals map[string][]int) sizeResult {
	sr := sizeResult{Arg: arg, Work: float64(arg), Runs: map[string][]sample{}}
	for name, ts := range totals {
		for _, ms := range ts {
			d := time.Duration(ms) * time.Millisecond
			sr.Runs[name] = append(sr.Runs[name], sample{Ready: d / 10, First: d / 3, Total: d})
		}
	}
	return sr
}

func TestSizeResult(t *testing.T) {
	sr := sizeAt(4, map[string][]int{"interp": {30, 10, 20}, "jit": {15, 12, 90}, "tiered": {13}})
	require.Equal(t, 20*time.Millisecond, sr.median("interp", total))
	require.Equal(t, 5*time.Millisecond, sr.median("jit", first))
	require.Equal(t, 1500*time.Microsecond, sr.median("jit", ready))
	require.Equal(t, time.Duration(0), sr.median("tiered-eager", total), "not measured")
	require.Equal(t, 15*time.Millisecond, sr.best(total))

	onlyInterp := sizeAt(4, map[string][]int{"interp": {30}})
	require.Equal(t, 30*time.Millisecond, onlyInterp.best(total), "the better of those measured")
	require.Equal(t, time.Duration(0), sizeAt(4, nil).best(total))
}

func TestWorst(t *testing.T) {
	w := workloadResult{Sizes: []sizeResult{
		sizeAt(1, map[string][]int{"interp": {10}, "jit": {50}, "tiered": {11}}), // 1.10x: not over
		sizeAt(2, map[string][]int{"interp": {20}, "jit": {40}, "tiered": {30}}), // 1.5x
		sizeAt(4, map[string][]int{"interp": {80}, "jit": {20}, "tiered": {24}}), // 1.2x
		sizeAt(8, map[string][]int{"interp": {160}, "jit": {30}}),                // tiered not measured
	}}
	e, ok := w.worst("tiered", total, bestOf(total), bound)
	require.True(t, ok)
	require.InDelta(t, 1.5, e.Ratio, 1e-9)
	require.Equal(t, uint32(2), e.Arg)
	require.Equal(t, 2, e.Over, "1.5x and 1.2x are over 1.1x; 1.10x is not")

	e, ok = w.worst("jit", total, medianOf("interp", total), bound)
	require.True(t, ok)
	require.InDelta(t, 5.0, e.Ratio, 1e-9)
	require.Equal(t, uint32(1), e.Arg)

	_, ok = w.worst("tiered-eager", total, bestOf(total), bound)
	require.False(t, ok, "never measured")
	require.Equal(t, "–", worstText(extreme{}, false))
	require.Equal(t, "1.50x at 2 ⚠ 2", worstText(w.worst("tiered", total, bestOf(total), bound)))
	require.Equal(t, "1.05x at 7", worstText(extreme{Ratio: 1.05, Arg: 7}, true))
}

func TestRatiosAndGeomean(t *testing.T) {
	w := workloadResult{Sizes: []sizeResult{
		sizeAt(1, map[string][]int{"interp": {10}, "jit": {50}, "tiered": {20}}), // 2x
		sizeAt(2, map[string][]int{"interp": {40}, "jit": {20}, "tiered": {10}}), // 0.5x
		sizeAt(4, map[string][]int{"interp": {80}, "jit": {20}}),                 // tiered not measured
	}}
	xs := w.ratios("tiered", total, bestOf(total))
	require.Equal(t, []float64{2, 0.5}, xs)
	require.InDelta(t, 1.0, geomean(xs), 1e-9)
	require.InDelta(t, 4.0, geomean([]float64{2, 8}), 1e-9)
	require.Zero(t, geomean(nil))
	require.Empty(t, w.ratios("tiered-eager", total, bestOf(total)))
}

func TestTierMedians(t *testing.T) {
	ms := time.Millisecond
	sr := sizeResult{Runs: map[string][]sample{
		"interp": {{Total: 9 * ms}},
		"tiered": {
			{Total: 5 * ms, Tiering: &tierSample{Queued: 1, Compiled: 1, OSR: 1, Hot: 1 * ms, Wait: 2 * ms, CodeReady: 3 * ms}},
			{Total: 6 * ms, Tiering: &tierSample{Queued: 2, Compiled: 1, OSR: 0, Hot: 3 * ms, Wait: 4 * ms, CodeReady: 8 * ms}},
			{Total: 7 * ms, Tiering: &tierSample{Queued: 1}}, // nothing compiled: no times
		},
	}}
	m, ok := sr.tierMedians("tiered")
	require.True(t, ok)
	require.Equal(t, tierMedians{Queued: 1, Compiled: 1, OSR: 0, Hot: 2 * ms, Wait: 3 * ms, CodeReady: 5500 * time.Microsecond}, m)
	_, ok = sr.tierMedians("interp")
	require.False(t, ok, "a pure tier has no tiering")
	require.Equal(t, "1", countText(1))
	require.Equal(t, "1.5", countText(1.5))
}

func TestCrossover(t *testing.T) {
	ladder := func(jitFaster ...bool) workloadResult {
		var w workloadResult
		for i, f := range jitFaster {
			jit := 20
			if f {
				jit = 5
			}
			w.Sizes = append(w.Sizes, sizeAt(uint32(1<<i), map[string][]int{"interp": {10}, "jit": {jit}}))
		}
		return w
	}
	require.Equal(t, 2, ladder(false, false, true, true).crossover(total))
	require.Equal(t, 3, ladder(false, true, false, true).crossover(total), "must stay faster from there on")
	require.Equal(t, 0, ladder(true, true).crossover(total))
	require.Equal(t, 2, ladder(true, false).crossover(total), "never: slower at the largest size")

	w := ladder(false, true)
	require.Equal(t, "from 2", crossoverText(w, 1))
	require.Equal(t, "at every size", crossoverText(w, 0))
	require.Equal(t, "never", crossoverText(w, 2))
	require.Equal(t, "–", crossoverText(w, -1))

	delete(w.Sizes[0].Runs, "jit")
	require.Equal(t, -1, w.crossover(total), "jit missing at a size")
}

func TestSizeText(t *testing.T) {
	fib := workloadResult{Name: "fib", Unit: "recursive calls", Sizes: []sizeResult{
		{Arg: 2, Work: 3}, {Arg: 20, Work: 21891},
	}}
	require.Equal(t, "20 (21.9k recursive calls)", sizeText(fib, fib.Sizes[1]))
	require.Equal(t, "2 to 20 (3 to 21.9k recursive calls)", rangeText(fib))
	sieve := workloadResult{Name: "sieve", Unit: "numbers", Sizes: []sizeResult{
		{Arg: 16, Work: 16}, {Arg: 4194304, Work: 4194304},
	}}
	require.Equal(t, "4194304", sizeText(sieve, sieve.Sizes[1]))
	require.Equal(t, "16 to 4194304 numbers", rangeText(sieve))
}

func TestTexts(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                        "–",
		812:                      "812 ns",
		4560:                     "4.56 µs",
		12345 * time.Microsecond: "12.3 ms",
		999 * time.Millisecond:   "999 ms",
		1250 * time.Millisecond:  "1.25 s",
		100 * time.Second:        "100 s",
	} {
		require.Equal(t, want, durationText(d), "durationText(%d)", d)
	}
	for w, want := range map[float64]string{
		3: "3", 9999: "9999", 10000: "10.0k", 21891: "21.9k", 262144: "262k",
		1048576: "1.05M", 7049155: "7.05M", 3.2e9: "3.20G", 362880.0000001: "363k",
	} {
		require.Equal(t, want, workText(w), "workText(%v)", w)
	}
	require.Equal(t, "1.07x", ratioText(1.0712))
	require.Equal(t, "0.95x", ratioText(0.9512))
	require.Equal(t, "22.0x", ratioText(21.99))
	require.Equal(t, "167x", ratioText(167.01))
	require.Equal(t, "–", ratioText(0))
	require.Equal(t, "once", callsText(1))
	require.Equal(t, "3 times", callsText(3))
}
