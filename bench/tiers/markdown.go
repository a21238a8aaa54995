package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// bound is the ratio that issue 12 allows the tiered engine over the better
// pure tier (total time) and over the interpreter (first result); ratios
// above it are flagged.
const bound = 1.1

// markdown renders the report as tiers.md.
func (r *report) markdown() string {
	var b strings.Builder
	b.WriteString("# terra's tiers across sizes\n\n")
	fmt.Fprintf(&b, "Generated %s by `%s` (%s, %s, %d CPUs).\n\n",
		r.Generated.Format("2006-01-02 15:04 UTC"), r.Command, r.GoVersion, r.Platform, r.CPUs)
	fmt.Fprintf(&b, "Every run starts from the module's raw bytes: a fresh `terra.Runtime`, `Compile`, `Instantiate`; "+
		"then a kernel of `bench/kernels` is called %s with the size as its argument, or a Go program of "+
		"`bench/workloads` runs `_start` once with the size as `argv[1]` (WASI from `host/wasi`). Every result "+
		"is checked against the one the native build gives. Three times are taken from the run's start: "+
		"*ready*, when the instance can be called; *first result*, when the first call returns (for a "+
		"program, when it writes its first byte of output: these programs print one line as they finish, "+
		"so it trails the total by their exit alone); *total*, when the last call (`_start`) returns. "+
		"Closing the runtime is not timed. %s At each size the configurations "+
		"run in rounds whose order rotates from round to round, so that the machine's drift spreads over all "+
		"of them; each configuration first makes an untimed run of each workload, so that the process's "+
		"one-time set-up is in no timed run, and the garbage collector runs before every run. Raw runs are in "+
		"`%s`. Compare configurations within one report, not figures across reports or machines.\n\n",
		callsText(r.Calls), cellsText(r.Count), fileJSON)
	b.WriteString("Configurations: *interp* interprets every function; *jit* compiles every function when the " +
		"module is compiled; *tiered* starts every function on the interpreter and compiles, in the " +
		"background, those whose work (calls and loop iterations, weighted by the code they run) passes the " +
		"default threshold, moving running loops to the compiled code (on-stack replacement); *tiered-tN* " +
		"is the same with threshold N; *tiered-eager* compiles every function in the background from the " +
		"start; *tiered-no-osr* never moves a running call to compiled code.\n\n")
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	if len(r.Configs) == 0 {
		b.WriteString("No configuration could be measured.\n")
		return b.String()
	}
	r.summaryMarkdown(&b)
	r.configsMarkdown(&b)
	r.readyMarkdown(&b)
	fmt.Fprintf(&b, "## Charts\n\nOne panel per workload, time against the work of a call (of a run, for "+
		"the programs) on log-log axes, a line per configuration through its medians; hover over a point "+
		"for its figures.\n\n![Total time against work](%s)\n\n![Time to first result against work](%s)\n\n",
		fileChartTotal, fileChartFirst)
	b.WriteString("## Workloads\n\n")
	for _, w := range r.Workloads {
		r.workloadMarkdown(&b, w)
	}
	return b.String()
}

// callsText says how many times a kernel is called in a run.
func callsText(calls int) string {
	if calls == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", calls)
}

// cellsText says what the cells of the tables are.
func cellsText(count int) string {
	if count == 1 {
		return "Each cell is a single run."
	}
	return fmt.Sprintf("Cells are medians of %d runs.", count)
}

// summaryMarkdown renders a row per workload: where jit overtakes interp,
// and the tiered engine's worst ratios, the measures of issue 12.
func (r *report) summaryMarkdown(b *strings.Builder) {
	fmt.Fprintf(b, "## Summary\n\nThe measures of issue 12: *tiered* within %.1fx of the better of interp and jit "+
		"at every size (total time), and its first result as early as the interpreter's (flagged beyond "+
		"%.1fx). *jit overtakes interp* gives the smallest size from which jit is faster at that size and "+
		"every larger one. Ratios are of medians; ⚠ marks those over %.1fx, with the number of sizes over it.\n\n",
		bound, bound, bound)
	b.WriteString("| workload | sizes | jit overtakes interp: total | jit overtakes interp: first result | " +
		"tiered ÷ better pure tier, worst (total) | tiered ÷ interp, worst (first result) |\n" +
		"|---|---|---|---|---|---|\n")
	for _, w := range r.Workloads {
		if len(w.Sizes) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", w.Name, rangeText(w),
			crossoverText(w, w.crossover(total)), crossoverText(w, w.crossover(first)),
			worstText(w.worst(nameTiered, total, bestOf(total), bound)),
			worstText(w.worst(nameTiered, first, medianOf(nameInterp, first), bound)))
	}
	b.WriteString("\n")
}

// bestOf returns the reference of ratios to the better pure tier.
func bestOf(p phase) func(sizeResult) time.Duration {
	return func(sr sizeResult) time.Duration { return sr.best(p) }
}

// medianOf returns the reference of ratios to configuration name.
func medianOf(name string, p phase) func(sizeResult) time.Duration {
	return func(sr sizeResult) time.Duration { return sr.median(name, p) }
}

// crossoverText describes the crossover at index i of w's sizes (see
// workloadResult.crossover).
func crossoverText(w workloadResult, i int) string {
	switch {
	case i < 0:
		return "–"
	case i == 0:
		return "at every size"
	case i == len(w.Sizes):
		return "never"
	}
	return "from " + sizeText(w, w.Sizes[i])
}

// sizeText names size s of w, with its work if that is not the size:
// "1024", "20 (21.9k recursive calls)".
func sizeText(w workloadResult, s sizeResult) string {
	if s.Work == float64(s.Arg) {
		return fmt.Sprint(s.Arg)
	}
	return fmt.Sprintf("%d (%s %s)", s.Arg, workText(s.Work), w.Unit)
}

// rangeText gives the range of w's sizes, with their work if that is not
// the size: "16 to 4194304 numbers", "2 to 32 (3 to 7.05M recursive calls)".
func rangeText(w workloadResult) string {
	lo, hi := w.Sizes[0], w.Sizes[len(w.Sizes)-1]
	if lo.Work == float64(lo.Arg) && hi.Work == float64(hi.Arg) {
		return fmt.Sprintf("%d to %d %s", lo.Arg, hi.Arg, w.Unit)
	}
	return fmt.Sprintf("%d to %d (%s to %s %s)", lo.Arg, hi.Arg, workText(lo.Work), workText(hi.Work), w.Unit)
}

// worstText formats a worst ratio and where it is, flagged if sizes exceed
// the bound, or "–" if there is none.
func worstText(e extreme, ok bool) string {
	if !ok {
		return "–"
	}
	s := fmt.Sprintf("%s at %d", ratioText(e.Ratio), e.Arg)
	if e.Over > 0 {
		s += fmt.Sprintf(" ⚠ %d", e.Over)
	}
	return s
}

// configsMarkdown renders each configuration's worst ratio to the better
// pure tier per workload, and the sizes over the bound in all.
func (r *report) configsMarkdown(b *strings.Builder) {
	fmt.Fprintf(b, "## Each configuration against the better pure tier\n\nThe largest ratio, over a workload's "+
		"sizes, of a configuration's median total time to the better of interp's and jit's at the same size "+
		"(1.00x: as fast as the better pure tier everywhere); the last row counts the sizes over %.1fx in all "+
		"workloads.\n\n| workload | %s |\n|---|%s\n", bound, strings.Join(r.Configs, " | "), strings.Repeat("---:|", len(r.Configs)))
	over := make([]int, len(r.Configs))
	sizes := make([]int, len(r.Configs))
	for _, w := range r.Workloads {
		fmt.Fprintf(b, "| %s |", w.Name)
		for i, n := range r.Configs {
			e, ok := w.worst(n, total, bestOf(total), bound)
			if ok {
				over[i] += e.Over
				sizes[i] += len(w.Sizes)
				fmt.Fprintf(b, " %s |", ratioText(e.Ratio))
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "| **sizes over %.1fx** |", bound)
	for i := range r.Configs {
		fmt.Fprintf(b, " **%d of %d** |", over[i], sizes[i])
	}
	b.WriteString("\n\n")
}

// readyMarkdown renders the median time to ready per module and
// configuration, over every run of the workloads of the module.
func (r *report) readyMarkdown(b *strings.Builder) {
	var modules []string
	for _, w := range r.Workloads {
		if !slices.Contains(modules, w.Module) {
			modules = append(modules, w.Module)
		}
	}
	fmt.Fprintf(b, "## Ready\n\nMedian time from a run's start to an instance ready to call (a fresh runtime, "+
		"the module compiled and instantiated, a program's WASI host made), over every run of every size, "+
		"since it does not depend on the size: what a start costs before the guest's code runs.\n\n"+
		"| module | %s |\n|---|%s\n", strings.Join(r.Configs, " | "), strings.Repeat("---:|", len(r.Configs)))
	for _, m := range modules {
		fmt.Fprintf(b, "| %s |", m)
		for _, n := range r.Configs {
			var ds []time.Duration
			for _, w := range r.Workloads {
				if w.Module != m {
					continue
				}
				for _, s := range w.Sizes {
					for _, smp := range s.Runs[n] {
						ds = append(ds, smp.Ready)
					}
				}
			}
			fmt.Fprintf(b, " %s |", durationText(median(ds)))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// workloadMarkdown renders w's medians by size and configuration: total
// times with the tiered engine's ratio to the better pure tier, then times
// to the first result with its ratio to the interpreter's, unless they are
// the total times (a kernel called once a run).
func (r *report) workloadMarkdown(b *strings.Builder, w workloadResult) {
	fmt.Fprintf(b, "### %s\n\nWork %s, in %s. Total time:\n\n", w.Name, workPer(w.Kind), w.Unit)
	r.phaseTable(b, w, total, "tiered ÷ better pure tier", bestOf(total))
	if w.Kind == kindKernel && r.Calls == 1 {
		b.WriteString("With one call a run, the first result is the total.\n\n")
		return
	}
	b.WriteString("Time to first result:\n\n")
	r.phaseTable(b, w, first, "tiered ÷ interp", medianOf(nameInterp, first))
}

// phaseTable renders the medians of phase p of w, a row per size, and the
// tiered engine's ratio to ref, flagged over the bound.
func (r *report) phaseTable(b *strings.Builder, w workloadResult, p phase, refName string, ref func(sizeResult) time.Duration) {
	fmt.Fprintf(b, "| size | work | %s | %s |\n|---:|---:|%s---:|\n", strings.Join(r.Configs, " | "), refName,
		strings.Repeat("---:|", len(r.Configs)))
	for _, s := range w.Sizes {
		fmt.Fprintf(b, "| %d | %s |", s.Arg, workText(s.Work))
		for _, n := range r.Configs {
			fmt.Fprintf(b, " %s |", durationText(s.median(n, p)))
		}
		x := ratio(s.median(nameTiered, p), ref(s))
		flag := ""
		if x > bound {
			flag = " ⚠"
		}
		fmt.Fprintf(b, " %s%s |\n", ratioText(x), flag)
	}
	b.WriteString("\n")
}
