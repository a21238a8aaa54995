package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is everything the report files show; it is also report.json.
type report struct {
	Generated time.Time `json:"generated"`
	GoVersion string    `json:"go_version"`
	Platform  string    `json:"platform"`
	CPUs      int       `json:"cpus"`
	Count     int       `json:"count"`
	// Impls are the implementations measured, baseline first.
	Impls []string `json:"impls"`
	// Notes say which implementations were not run, and why.
	Notes   []string `json:"notes"`
	Results []result `json:"results"`
	// Comparisons are the ratios of each implementation's medians to each
	// of terra's tiers' (see compare), by kind of workload.
	Comparisons []comparison `json:"comparisons"`
	// StartupImpls are the implementations whose start-up was measured,
	// baseline first.
	StartupImpls []string `json:"startup_impls,omitempty"`
	// BodyBytes maps each start-up module to the bytes of its function
	// bodies, which compile speeds are given in.
	BodyBytes map[string]int64 `json:"body_bytes,omitempty"`
	// Startup is the start-up latencies, by measure, module and
	// implementation.
	Startup []startupResult `json:"startup,omitempty"`
}

// result is one workload's runs in one implementation.
type result struct {
	Workload string  `json:"workload"`
	Kind     kind    `json:"kind"`
	Arg      uint32  `json:"arg"`
	Impl     string  `json:"impl"`
	RunsNS   []int64 `json:"runs_ns"`
	summary
}

// comparison is the ratios of one implementation to one of terra's tiers
// over the workloads of one kind.
type comparison struct {
	// Base is the tier compared with Impl.
	Base string `json:"base"`
	Impl string `json:"impl"`
	Kind kind   `json:"kind"`
	// Ratios map each workload to the implementation's median over
	// Base's: above 1 when Base is faster.
	Ratios map[string]float64 `json:"ratios"`
	// Geomean is the geometric mean of Ratios.
	Geomean float64 `json:"geomean"`
}

// newReport returns an empty report of count runs each, noting notes.
func newReport(count int, notes ...string) *report {
	r := &report{
		Generated: time.Now().UTC().Truncate(time.Second),
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		Count:     count,
		Notes:     notes,
	}
	for _, im := range impls {
		r.Impls = append(r.Impls, im.Name)
	}
	return r
}

// add records the runs of w in impl.
func (r *report) add(w workload, impl string, runs []time.Duration) {
	ns := make([]int64, len(runs))
	for i, d := range runs {
		ns[i] = d.Nanoseconds()
	}
	r.Results = append(r.Results, result{
		Workload: w.Name, Kind: w.Kind, Arg: w.Arg, Impl: impl, RunsNS: ns, summary: summarize(runs),
	})
}

// lookup returns the result of workload in impl, if there is one.
func (r *report) lookup(workload, impl string) (result, bool) {
	for _, res := range r.Results {
		if res.Workload == workload && res.Impl == impl {
			return res, true
		}
	}
	return result{}, false
}

// startupLookup returns the start-up result of measure on module in impl,
// if there is one.
func (r *report) startupLookup(measure, module, impl string) (startupResult, bool) {
	for _, s := range r.Startup {
		if s.Measure == measure && s.Module == module && s.Impl == impl {
			return s, true
		}
	}
	return startupResult{}, false
}

// workloads returns the names of the workloads of kind k measured, in the
// order they ran.
func (r *report) workloads(k kind) []string {
	var names []string
	for _, res := range r.Results {
		if res.Kind == k && res.Impl == r.Impls[0] {
			names = append(names, res.Workload)
		}
	}
	return names
}

// compare fills in Comparisons: for each kind of workload, each of terra's
// tiers (see subjects) against every other implementation, except that
// tiers after the baseline are not compared with each other, for the
// baseline's row already says it. A comparison holds the ratio of medians
// on every workload both ran, and their geometric mean.
func (r *report) compare() {
	r.Comparisons = nil
	subjects := r.subjects()
	for _, k := range []kind{kindKernel, kindProgram} {
		for si, base := range subjects {
			for _, impl := range r.Impls {
				if impl == base || (si > 0 && slices.Contains(subjects, impl)) {
					continue
				}
				c := comparison{Base: base, Impl: impl, Kind: k, Ratios: map[string]float64{}}
				var xs []float64
				for _, name := range r.workloads(k) {
					b, ok := r.lookup(name, base)
					other, ok2 := r.lookup(name, impl)
					if !ok || !ok2 {
						continue
					}
					x := ratio(b.summary, other.summary)
					c.Ratios[name] = x
					xs = append(xs, x)
				}
				if len(xs) > 0 {
					c.Geomean = geomean(xs)
					r.Comparisons = append(r.Comparisons, c)
				}
			}
		}
	}
}

// subjects returns terra's tiers among the implementations, the baseline
// first: the implementations the report compares with the others.
func (r *report) subjects() []string {
	var ss []string
	for _, impl := range r.Impls {
		if strings.HasPrefix(impl, "terra-") {
			ss = append(ss, impl)
		}
	}
	return ss
}

// comparison returns the comparison of impl with base on kind k, if there
// is one.
func (r *report) comparison(base, impl string, k kind) (comparison, bool) {
	for _, c := range r.Comparisons {
		if c.Base == base && c.Impl == impl && c.Kind == k {
			return c, true
		}
	}
	return comparison{}, false
}

// write writes report.md, report.json, kernels.svg and programs.svg into
// dir, creating it if needed. A chart with nothing to show is not written.
func (r *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	files := map[string]string{
		"report.md":   r.markdown(),
		"report.json": string(js) + "\n",
	}
	if svg, ok := r.chart(kindKernel, "native", "Compute kernels: time relative to native code (log scale)"); ok {
		files["kernels.svg"] = svg
	}
	if svg, ok := r.chart(kindProgram, r.Impls[0], "WASI programs: time relative to terra-interp (log scale)"); ok {
		files["programs.svg"] = svg
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// chart renders the workloads of kind k as a bar chart of each
// implementation's median relative to base's; ok is false if base ran none
// of them.
func (r *report) chart(k kind, base, title string) (svg string, ok bool) {
	c := chart{Title: title, Baseline: base}
	for _, impl := range r.Impls {
		if impl != base {
			c.Series = append(c.Series, impl)
		}
	}
	for _, name := range r.workloads(k) {
		b, ok := r.lookup(name, base)
		if !ok {
			continue
		}
		g := group{Label: name}
		for _, impl := range c.Series {
			v := 0.0
			if res, ok := r.lookup(name, impl); ok {
				v = ratio(b.summary, res.summary)
			}
			g.Values = append(g.Values, v)
		}
		c.Groups = append(c.Groups, g)
	}
	if len(c.Groups) == 0 {
		return "", false
	}
	return c.render(), true
}

// durationText formats d with three significant digits in a fitting unit.
// It rounds before choosing the unit, so 999.7 ms is "1 s", not "1e+03 ms".
func durationText(d time.Duration) string {
	ns := float64(d)
	if ns > 0 {
		unit := math.Pow(10, math.Floor(math.Log10(ns))-2)
		ns = math.Round(ns/unit) * unit
	}
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.3g s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	default:
		return fmt.Sprintf("%.3g ns", ns)
	}
}

// ratioText phrases a ratio of medians (other over baseline) from the
// baseline's side: "5.5x faster" or "22x slower".
func ratioText(x float64) string {
	if x >= 1 {
		return fmt.Sprintf("%sx faster", sig2(x))
	}
	return fmt.Sprintf("%sx slower", sig2(1/x))
}

// sig2 formats x with two significant digits, without an exponent: 9.96
// is "10", not "10.0".
func sig2(x float64) string {
	if x >= 9.95 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}
