// Command tiers compares terra's execution tiers across sizes: it runs each
// workload at a geometric range of sizes, from calls of a microsecond to
// calls of a few hundred milliseconds in the interpreter, under the
// interpreter, the JIT and the tiered engine (with its defaults, a sweep of
// thresholds, eager, and without on-stack replacement), and writes a report
// into the -out directory: tiers.md (the measures of issue 12, tables of
// medians, what tiering did), tiers.json (every run) and two charts of time
// against work, tiers.svg (total time) and tiers-first.svg (time to the
// first result).
//
// Usage, from the repository's root:
//
//	go run ./bench/tiers [-out bench/report] [-count 5] [-calls 2] [-run REGEXP]
//		[-configs REGEXP] [-thresholds 1e3,5e4,2e5,1e6] [-sizes N] [-quick]
//		[-workloads bench/workloads]
//
// The workloads are the compute kernels of bench/kernels, at the sizes of
// kernels.Ladders, the Go programs gojson, goregexp and goflate of
// bench/workloads, and mainloop, a C program whose one hot loop sits in
// main (see workloads.go). Every run starts from the module's raw bytes in
// a fresh terra.Runtime and checks its results; see measure for the order
// of runs and runOnce for what each one times. Configurations that this
// build cannot run (the JIT and the tiered engine off linux/amd64) are
// skipped with a note in the report.
//
// A full run takes about ten minutes on two processors; -run, -configs and
// -sizes select a part, and -quick runs every workload's three smallest
// sizes once, to check in seconds that everything runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tiers:", err)
		os.Exit(1)
	}
}

// run runs the command with args, writing progress to stderr.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("tiers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "bench/report", "directory to write the report to")
	count := fs.Int("count", 5, "timed runs of each size in each configuration")
	calls := fs.Int("calls", 2, "calls of a kernel in each run (a program runs _start once)")
	filter := fs.String("run", "", "only workloads whose name matches this regular expression")
	cfgFilter := fs.String("configs", "", "only configurations whose name matches this regular expression")
	thresholds := fs.String("thresholds", "1e3,5e4,2e5,1e6", "thresholds of the tiered-tN configurations, comma-separated")
	sizes := fs.Int("sizes", 0, "run at most this many of each workload's sizes, the smallest (0: all)")
	quick := fs.Bool("quick", false, "a quick check: the three smallest sizes (unless -sizes says), one run each")
	dir := fs.String("workloads", "bench/workloads", "the bench/workloads directory, for the Go programs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *quick {
		*count = 1
		if *sizes == 0 {
			*sizes = 3
		}
	}
	if *count < 1 || *calls < 1 || *sizes < 0 {
		return errors.New("-count and -calls must be at least 1, -sizes at least 0")
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	cre, err := regexp.Compile(*cfgFilter)
	if err != nil {
		return fmt.Errorf("-configs: %w", err)
	}
	ts, err := parseThresholds(*thresholds)
	if err != nil {
		return fmt.Errorf("-thresholds: %w", err)
	}

	o := options{Count: *count, Calls: *calls, Progress: stderr}
	for _, c := range configs(ts) {
		if cre.MatchString(c.Name) {
			o.Configs = append(o.Configs, c)
		}
	}
	ws := kernelWorkloads()
	if selectsPrograms(re) {
		ps, err := programWorkloads(*dir)
		if err != nil {
			return err
		}
		ws = append(ws, ps...)
	}
	for _, w := range ws {
		if !re.MatchString(w.Name) {
			continue
		}
		if *sizes > 0 && len(w.Sizes) > *sizes {
			w.Sizes = w.Sizes[:*sizes]
		}
		o.Workloads = append(o.Workloads, w)
	}
	if len(o.Workloads) == 0 || len(o.Configs) == 0 {
		return errors.New("-run and -configs select nothing")
	}

	rep, err := measure(context.Background(), o)
	if err != nil {
		return err
	}
	rep.Command = strings.Join(append([]string{"go run ./bench/tiers"}, args...), " ")
	if err := rep.write(*out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s\n", filepath.Join(*out, fileMarkdown))
	return nil
}

// selectsPrograms reports whether re selects any program, so that a run of
// kernels alone does not need the programs' files.
func selectsPrograms(re *regexp.Regexp) bool {
	for _, p := range programLadders {
		if re.MatchString(p.name) {
			return true
		}
	}
	return false
}
