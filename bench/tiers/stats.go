package main

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// phase selects one of a sample's times.
type phase int

const (
	ready phase = iota
	first
	total
)

// of returns s's time of phase p.
func (p phase) of(s sample) time.Duration {
	switch p {
	case ready:
		return s.Ready
	case first:
		return s.First
	}
	return s.Total
}

// median returns the median of xs, the mean of the middle two for an even
// count, or 0 for none.
func median[T time.Duration | float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// median returns the median time of phase p of configuration name's runs,
// or 0 if it has none.
func (sr sizeResult) median(name string, p phase) time.Duration {
	var ds []time.Duration
	for _, s := range sr.Runs[name] {
		ds = append(ds, p.of(s))
	}
	return median(ds)
}

// best returns the smaller of the medians of phase p of the pure tiers,
// interp and jit, among those measured, or 0 if neither was.
func (sr sizeResult) best(p phase) time.Duration {
	var b time.Duration
	for _, n := range []string{nameInterp, nameJIT} {
		if m := sr.median(n, p); m > 0 && (b == 0 || m < b) {
			b = m
		}
	}
	return b
}

// ratio returns a/b, or 0 if either is 0 (not measured).
func ratio(a, b time.Duration) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// extreme is the largest ratio of a configuration to a reference over a
// workload's sizes, and the size where it is.
type extreme struct {
	Ratio float64
	Arg   uint32
	// Over is the number of sizes whose ratio exceeds the bound asked for.
	Over int
}

// worst returns the largest ratio of configuration name's medians of phase
// p to ref's at the same size, over the sizes of wr where both were
// measured, counting those above bound; ok is false if there are none.
func (wr workloadResult) worst(name string, p phase, ref func(sizeResult) time.Duration, bound float64) (e extreme, ok bool) {
	for _, sr := range wr.Sizes {
		x := ratio(sr.median(name, p), ref(sr))
		if x == 0 {
			continue
		}
		if !ok || x > e.Ratio {
			e.Ratio, e.Arg = x, sr.Arg
		}
		if x > bound {
			e.Over++
		}
		ok = true
	}
	return e, ok
}

// ratios returns the ratios of configuration name's medians of phase p to
// ref's at the same size, over the sizes of wr where both were measured.
func (wr workloadResult) ratios(name string, p phase, ref func(sizeResult) time.Duration) []float64 {
	var xs []float64
	for _, sr := range wr.Sizes {
		if x := ratio(sr.median(name, p), ref(sr)); x > 0 {
			xs = append(xs, x)
		}
	}
	return xs
}

// geomean returns the geometric mean of xs, all positive, or 0 for none.
func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

// tierMedians is the medians of what tiering did over a configuration's
// runs at one size (see tierSample).
type tierMedians struct {
	Queued, Compiled, OSR float64
	Hot, Wait, CodeReady  time.Duration
}

// tierMedians returns the medians of the tiering of configuration name's
// runs, over those that compiled a function for the times; ok is false
// if it has no runs with tiering statistics.
func (sr sizeResult) tierMedians(name string) (m tierMedians, ok bool) {
	var queued, compiled, osr []float64
	var hot, wait, codeReady []time.Duration
	for _, s := range sr.Runs[name] {
		t := s.Tiering
		if t == nil {
			continue
		}
		queued = append(queued, float64(t.Queued))
		compiled = append(compiled, float64(t.Compiled))
		osr = append(osr, float64(t.OSR))
		if t.Compiled > 0 {
			hot, wait, codeReady = append(hot, t.Hot), append(wait, t.Wait), append(codeReady, t.CodeReady)
		}
	}
	if len(queued) == 0 {
		return m, false
	}
	return tierMedians{Queued: median(queued), Compiled: median(compiled), OSR: median(osr),
		Hot: median(hot), Wait: median(wait), CodeReady: median(codeReady)}, true
}

// crossover returns the index of the first size of wr from which the
// median of phase p of jit is below interp's at that size and at every
// larger one, len(wr.Sizes) if jit is slower at the largest size, and -1 if
// either tier was not measured at every size.
func (wr workloadResult) crossover(p phase) int {
	at := len(wr.Sizes)
	for i := len(wr.Sizes) - 1; i >= 0; i-- {
		in, jt := wr.Sizes[i].median(nameInterp, p), wr.Sizes[i].median(nameJIT, p)
		if in == 0 || jt == 0 {
			return -1
		}
		if jt >= in {
			break
		}
		at = i
	}
	return at
}

// durationText formats d with three significant digits in a unit that
// keeps it readable: 812 ns, 4.56 µs, 12.3 ms, 1.25 s.
func durationText(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	v, unit := float64(d), "ns"
	for _, u := range []struct {
		scale float64
		name  string
	}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}} {
		if v >= u.scale {
			v, unit = v/u.scale, u.name
			break
		}
	}
	return sig3(v) + " " + unit
}

// sig3 formats v (at least 1) with three significant digits, and no
// exponent below a million.
func sig3(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// workText formats an amount of work: whole numbers below 10,000 as they
// are, larger ones with an SI prefix and three significant digits (45.2k,
// 1.05M, 3.20G).
func workText(w float64) string {
	switch {
	case w >= 1e9:
		return sig3(w/1e9) + "G"
	case w >= 1e6:
		return sig3(w/1e6) + "M"
	case w >= 1e4:
		return sig3(w/1e3) + "k"
	}
	return strconv.FormatFloat(math.Round(w), 'f', 0, 64)
}

// ratioText formats a ratio with three significant digits, as "1.07x",
// "22.0x" or "167x".
func ratioText(x float64) string {
	if x <= 0 {
		return "–"
	}
	if x < 1 {
		return strconv.FormatFloat(x, 'f', 2, 64) + "x"
	}
	return sig3(x) + "x"
}
