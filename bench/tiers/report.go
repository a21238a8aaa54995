package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// report is everything the report's files show; it is also tiers.json,
// written compact: with every run of every configuration at every size, an
// indented file would run to a megabyte.
type report struct {
	Generated time.Time `json:"generated"`
	// Command is the command line that produced the report.
	Command   string `json:"command"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
	CPUs      int    `json:"cpus"`
	// CPUModel is the processor's model name; LoadBefore and LoadAfter
	// the system's load averages over 1, 5 and 15 minutes when the
	// measure started and ended (Linux; empty elsewhere): the machine is
	// shared, and the load says how much the other processes took.
	CPUModel   string `json:"cpu_model,omitempty"`
	LoadBefore string `json:"load_before,omitempty"`
	LoadAfter  string `json:"load_after,omitempty"`
	// Count is the number of timed runs of each size in each
	// configuration; Calls the calls of a kernel in each run.
	Count int `json:"count"`
	Calls int `json:"calls"`
	// Configs are the configurations measured, in the report's order;
	// Unavailable those that this build could not run.
	Configs     []string `json:"configs"`
	Unavailable []string `json:"unavailable"`
	// Notes say what was not measured, and why.
	Notes []string `json:"notes"`
	// RunFields name the elements of each run's array, in nanoseconds
	// from the run's start.
	RunFields []string         `json:"run_fields"`
	Workloads []workloadResult `json:"workloads"`
}

// workloadResult is the runs of one workload.
type workloadResult struct {
	Name   string       `json:"name"`
	Kind   kind         `json:"kind"`
	Unit   string       `json:"unit"`
	Module string       `json:"module"`
	Sizes  []sizeResult `json:"sizes"`
}

// sizeResult is the runs of one size of a workload.
type sizeResult struct {
	Arg  uint32  `json:"arg"`
	Work float64 `json:"work"`
	// Runs maps each configuration to its runs, in the order they ran.
	Runs map[string][]sample `json:"runs"`
}

// newReport returns an empty report of count runs of calls calls each.
func newReport(count, calls int) *report {
	return &report{
		Generated: time.Now().UTC().Truncate(time.Second),
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		CPUModel:  cpuModel(),
		Count:     count,
		Calls:     calls,
		RunFields: sampleFields,
	}
}

// cpuModel returns the first processor's model name from /proc/cpuinfo, or
// "" if there is none.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage returns the load averages of /proc/loadavg, "0.52 0.71
// 0.80", or "" if there are none.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Files of the report, in its directory.
const (
	fileMarkdown   = "tiers.md"
	fileJSON       = "tiers.json"
	fileChartTotal = "tiers.svg"
	fileChartFirst = "tiers-first.svg"
)

// write writes the report's files into dir, which it creates if need be.
func (r *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	files := map[string]string{
		fileJSON:       string(data) + "\n",
		fileMarkdown:   r.markdown(),
		fileChartTotal: r.chart(total).render(),
		fileChartFirst: r.chart(first).render(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// chart returns the small multiples of phase p: a panel per workload, a
// line per configuration through its medians.
func (r *report) chart(p phase) lineChart {
	c := lineChart{Title: "terra's tiers: " + phaseTitle[p] + " against work (log-log; medians)", YLabel: phaseTitle[p]}
	for _, n := range r.Configs {
		c.Series = append(c.Series, seriesStyle(n))
	}
	for _, w := range r.Workloads {
		pn := panel{Title: w.Name, XLabel: "work " + workPer(w.Kind) + " (" + w.Unit + ")", Unit: w.Unit}
		for _, n := range r.Configs {
			var line []point
			for _, s := range w.Sizes {
				if m := s.median(n, p); m > 0 {
					line = append(line, point{Work: s.Work, Time: m, Label: sizeLabel(w, s.Arg)})
				}
			}
			pn.Lines = append(pn.Lines, line)
		}
		c.Panels = append(c.Panels, pn)
	}
	return c
}

// phaseTitle names each phase in charts and tables.
var phaseTitle = map[phase]string{ready: "ready", first: "time to first result", total: "total time"}

// workPer says what a workload's work is counted per.
func workPer(k kind) string {
	if k == kindKernel {
		return "per call"
	}
	return "per run"
}

// sizeLabel names one size of w: fib(20), gojson 16.
func sizeLabel(w workloadResult, arg uint32) string {
	if w.Kind == kindKernel {
		return fmt.Sprintf("%s(%d)", w.Name, arg)
	}
	return fmt.Sprintf("%s %d", w.Name, arg)
}

// seriesStyle returns the look of configuration name's lines: the pure
// tiers and the tiered engine's defaults solid and bold, the threshold
// sweep dashed in shades of green from low thresholds to high, the eager
// and no-OSR variants dotted.
func seriesStyle(name string) series {
	switch {
	case name == nameInterp:
		return series{Name: name, Color: "#1f77b4", Width: 2.2}
	case name == nameJIT:
		return series{Name: name, Color: "#ff7f0e", Width: 2.2}
	case name == nameTiered:
		return series{Name: name, Color: "#111111", Width: 2.6}
	case name == "tiered-eager":
		return series{Name: name, Color: "#d62728", Width: 1.6, Dash: "2 3"}
	case name == "tiered-no-osr":
		return series{Name: name, Color: "#9467bd", Width: 1.6, Dash: "2 3"}
	case strings.HasPrefix(name, "tiered-t"):
		return series{Name: name, Color: thresholdColor(name), Width: 1.4, Dash: "6 3"}
	}
	return series{Name: name, Color: "#7f7f7f", Width: 1.4}
}

// thresholdColor returns a shade of green for a tiered-tN configuration:
// light for small thresholds, dark for large ones, by the decade of N.
func thresholdColor(name string) string {
	shades := []string{"#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"}
	ts, err := parseThresholds(strings.TrimPrefix(name, "tiered-t"))
	if err != nil || len(ts) != 1 {
		return shades[0]
	}
	d := len(strconv.Itoa(ts[0])) - 4 // 1e3 and below are the lightest
	return shades[min(max(d, 0), len(shades)-1)]
}
