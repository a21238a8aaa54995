// Command report runs every benchmark workload in every available
// implementation and writes a report: report.md (tables of medians, p99s
// and ratios), report.json (every run's time) and two SVG charts,
// kernels.svg and programs.svg.
//
// Usage, from bench/peers:
//
//	go run ./report [-out ../report] [-count 5] [-run REGEXP] [-workloads ../workloads]
//
// The workloads are the compute kernels of bench/kernels and the WASI
// programs of bench/workloads (see workloads.go); the implementations are
// terra's interpreter, wazero's interpreter and compiler, and, for the
// kernels, native code from the same C source (see runners.go). Every run's
// checksum is checked, so a wrong answer stops the report instead of being
// timed. Each kernel is instantiated once and called once untimed before
// its -count timed calls; each timed run of a program instantiates it (and
// its WASI host) anew and runs _start, so it includes the guest's start-up.
// Ratios compare each implementation with terra's interpreter, workload by
// workload, with geometric means per kind of workload.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "../report", "directory to write the report to")
	count := flag.Int("count", 5, "timed runs of each workload in each implementation")
	filter := flag.String("run", "", "only run workloads whose name matches this regular expression")
	dir := flag.String("workloads", "../workloads", "the bench/workloads directory, for the WASI programs")
	flag.Parse()
	if *count < 1 {
		fail(fmt.Errorf("-count must be at least 1"))
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		fail(err)
	}
	ws, err := loadWorkloads(*dir)
	if err != nil {
		fail(err)
	}
	ws = selectWorkloads(ws, re)

	rep := newReport(*count, nodeNote())
	if err := measure(context.Background(), rep, ws, *count); err != nil {
		fail(err)
	}
	rep.compare()
	if err := rep.write(*out); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", filepath.Join(*out, "report.md"))
}

// fail reports err and exits.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}

// selectWorkloads returns the workloads whose names match re.
func selectWorkloads(ws []workload, re *regexp.Regexp) []workload {
	var sel []workload
	for _, w := range ws {
		if re.MatchString(w.Name) {
			sel = append(sel, w)
		}
	}
	return sel
}

// measure runs every workload of ws count times in every implementation
// that can run it, checking each result, and records the times in rep. It
// prints a progress line to stderr before each run.
func measure(ctx context.Context, rep *report, ws []workload, count int) error {
	total := 0
	for _, w := range ws {
		for _, im := range impls {
			if im.runs(w) {
				total += count
			}
		}
	}
	step := 0
	for _, w := range ws {
		for _, im := range impls {
			if !im.runs(w) {
				continue
			}
			runs, err := measureOne(ctx, im, w, count, func(i int) {
				step++
				fmt.Fprintf(os.Stderr, "[%d/%d] %s %s run %d/%d\n", step, total, w.Name, im.Name, i, count)
			})
			if err != nil {
				return fmt.Errorf("%s in %s: %w", w.Name, im.Name, err)
			}
			rep.add(w, im.Name, runs)
		}
	}
	return nil
}

// measureOne prepares w in im and times count runs of it, calling progress
// with each run's number (from 1) before it starts. A kernel gets one
// untimed call first. The garbage collector runs before each run, outside
// the timing, so that one run's garbage is not collected during the next.
func measureOne(ctx context.Context, im impl, w workload, count int, progress func(int)) ([]time.Duration, error) {
	run, done, err := im.prepare(ctx, w)
	if err != nil {
		return nil, err
	}
	defer done()
	check := func() error {
		got, err := run()
		if err != nil {
			return err
		}
		if want := w.want(); got != want {
			return fmt.Errorf("got %q, want %q", got, want)
		}
		return nil
	}
	if w.Kind == kindKernel {
		if err := check(); err != nil {
			return nil, err
		}
	}
	runs := make([]time.Duration, 0, count)
	for i := 1; i <= count; i++ {
		progress(i)
		runtime.GC()
		t0 := time.Now()
		err := check()
		d := time.Since(t0)
		if err != nil {
			return nil, err
		}
		runs = append(runs, d)
	}
	return runs, nil
}

// want returns the checksum that a run of w must return.
func (w workload) want() string {
	if w.Kind == kindKernel {
		return kernelResult(w.Want)
	}
	return w.WantOutput
}

// nodeNote says why V8 (node) is not among the implementations: this
// version of the report has no node runner, and one is worth adding only
// where node 22 or later is on PATH (Debian's node 20 crashed in its
// optimizing tier on large modules on these machines).
func nodeNote() string {
	path, err := exec.LookPath("node")
	if err != nil {
		return "node/V8: not run: no node on PATH."
	}
	v, err := exec.Command(path, "--version").Output()
	if err != nil {
		return fmt.Sprintf("node/V8: not run: %s --version failed: %v.", path, err)
	}
	version := strings.TrimSpace(string(v))
	major, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	if n, err := strconv.Atoi(major); err != nil || n < 22 {
		return fmt.Sprintf("node/V8: not run: node %s on PATH is older than 22.", version)
	}
	return fmt.Sprintf("node/V8: not run: node %s is on PATH, but the report has no node runner yet.", version)
}
