package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/terra-runtime/terra"
)

// options say what measure runs.
type options struct {
	// Count is the number of timed runs of each size in each
	// configuration; Calls the calls of a kernel per run.
	Count, Calls int
	// Configs are the configurations to measure, in the report's order;
	// those unavailable on this build are skipped with a note.
	Configs []config
	// Workloads are the workloads, each with the sizes to run.
	Workloads []workload
	// Progress receives a line per workload and size.
	Progress io.Writer
}

// measure runs every workload at every size in every available
// configuration of o and returns the report of the runs. Each
// configuration first makes one untimed run of each workload at its
// smallest size, so that what a process does once (the Go runtime's and
// terra's lazy set-up, the sandbox pool's first reservations) is no part of
// any timed run. Then, size by size, it makes o.Count rounds, each running
// every configuration once, in an order that rotates from round to round,
// so that the machine's drifts spread evenly over the configurations. The
// garbage collector runs before every run, outside the timing. A wrong
// result stops the measure with an error.
func measure(ctx context.Context, o options) (*report, error) {
	rep := newReport(o.Count, o.Calls)
	cfgs, err := rep.admit(o.Configs)
	if err != nil {
		return nil, err
	}
	if len(cfgs) == 0 {
		return rep, nil
	}

	rep.LoadBefore = loadAverage()
	defer func() { rep.LoadAfter = loadAverage() }()
	steps, step := 0, 0
	for _, w := range o.Workloads {
		steps += len(w.Sizes)
	}
	for _, w := range o.Workloads {
		if len(w.Sizes) == 0 {
			continue
		}
		for i, cfg := range cfgs {
			if _, err := runOnce(ctx, cfg, w, w.Sizes[0], o.Calls); err != nil {
				return nil, fmt.Errorf("%s in %s (warm-up): %w", w.Name, rep.Configs[i], err)
			}
		}
		wr := workloadResult{Name: w.Name, Kind: w.Kind, Unit: w.Unit, Module: w.Module}
		for _, s := range w.Sizes {
			sr := sizeResult{Arg: s.Arg, Work: s.Work, Runs: make(map[string][]sample)}
			for round := range o.Count {
				for k := range cfgs {
					i := (k + round) % len(cfgs)
					runtime.GC()
					smp, err := runOnce(ctx, cfgs[i], w, s, o.Calls)
					if err != nil {
						return nil, fmt.Errorf("%s in %s: %w", w.Name, rep.Configs[i], err)
					}
					sr.Runs[rep.Configs[i]] = append(sr.Runs[rep.Configs[i]], smp)
				}
			}
			wr.Sizes = append(wr.Sizes, sr)
			step++
			if o.Progress != nil {
				fmt.Fprintf(o.Progress, "[%d/%d] %s\n", step, steps, progressLine(w, sr, rep.Configs))
			}
		}
		rep.Workloads = append(rep.Workloads, wr)
	}
	return rep, nil
}

// admit returns the runtime configurations of the configurations of cs
// that this build runs, which it lists in rep.Configs; it lists the others
// in rep.Unavailable, with a note of why for each reason.
func (rep *report) admit(cs []config) ([]terra.Config, error) {
	var cfgs []terra.Config
	var reasons []string                 // why configurations are unavailable, in order
	unavailable := map[string][]string{} // the configurations unavailable for each reason
	for _, c := range cs {
		err := c.check()
		if errors.Is(err, terra.ErrTierUnavailable) {
			why := err.Error()
			if _, seen := unavailable[why]; !seen {
				reasons = append(reasons, why)
			}
			unavailable[why] = append(unavailable[why], c.Name)
			rep.Unavailable = append(rep.Unavailable, c.Name)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("configuration %s: %w", c.Name, err)
		}
		rep.Configs = append(rep.Configs, c.Name)
		cfgs = append(cfgs, c.terraConfig())
	}
	for _, why := range reasons {
		rep.Notes = append(rep.Notes, fmt.Sprintf("Not measured, unavailable on this build (%s/%s): %s (%s).",
			runtime.GOOS, runtime.GOARCH, strings.Join(unavailable[why], ", "), why))
	}
	return cfgs, nil
}

// progressLine describes the runs of one size: the workload, the size and
// each configuration's median total time.
func progressLine(w workload, sr sizeResult, names []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d (%s %s):", w.Name, sr.Arg, workText(sr.Work), w.Unit)
	for _, n := range names {
		fmt.Fprintf(&b, " %s %s", n, durationText(sr.median(n, total)))
	}
	return b.String()
}
