package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/terra-runtime/terra"
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
	if r.CPUModel != "" || r.LoadBefore != "" {
		fmt.Fprintf(&b, "Machine: %s, %d CPUs, shared with other processes; load averages (1, 5 and 15 minutes) "+
			"%s at the start, %s at the end.\n\n", r.CPUModel, r.CPUs, r.LoadBefore, r.LoadAfter)
	}
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
	fmt.Fprintf(&b, "Configurations: *interp* interprets every function; *jit* compiles every function when the "+
		"module is compiled; *tiered* starts every function on the interpreter and compiles, in the "+
		"background, those whose work (calls and loop iterations, weighted by the code they run) passes the "+
		"default threshold (`terra.DefaultTierThreshold`, %d), moving running loops to the compiled code "+
		"(on-stack replacement); *tiered-tN* is the same with threshold N; *tiered-eager* compiles every "+
		"function in the background from the start (the sweep's threshold 0); *tiered-no-osr* has the "+
		"default threshold but never moves a running call to compiled code. The tiered configurations "+
		"compile on `terra.DefaultTierWorkers()` goroutines, %d here.\n\n", terra.DefaultTierThreshold, terra.DefaultTierWorkers())
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
	r.waitMarkdown(&b)
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
// pure tier per workload, then over all sizes of all workloads the
// geometric means and the counts of sizes over the bound, of the total
// time to the better pure tier and of the first result to interp's.
func (r *report) configsMarkdown(b *strings.Builder) {
	fmt.Fprintf(b, "## Each configuration against the pure tiers\n\nPer workload, the largest ratio, over its "+
		"sizes, of a configuration's median total time to the better of interp's and jit's at the same size "+
		"(1.00x: as fast as the better pure tier everywhere). Below, over every size of every workload: the "+
		"geometric mean of that ratio and the sizes over %.1fx; then the same for the time to the first "+
		"result against interp's.\n\n| workload | %s |\n|---|%s\n", bound, strings.Join(r.Configs, " | "),
		strings.Repeat("---:|", len(r.Configs)))
	for _, w := range r.Workloads {
		fmt.Fprintf(b, "| %s |", w.Name)
		for _, n := range r.Configs {
			e, ok := w.worst(n, total, bestOf(total), bound)
			if !ok {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(b, " %s |", ratioText(e.Ratio))
		}
		b.WriteString("\n")
	}
	rows := []struct {
		title string
		p     phase
		ref   func(sizeResult) time.Duration
	}{
		{"total ÷ better pure tier", total, bestOf(total)},
		{"first result ÷ interp", first, medianOf(nameInterp, first)},
	}
	for _, row := range rows {
		gm := fmt.Sprintf("| **%s: geometric mean** |", row.title)
		over := fmt.Sprintf("| **%s: sizes over %.1fx** |", row.title, bound)
		for _, n := range r.Configs {
			var xs []float64
			for _, w := range r.Workloads {
				xs = append(xs, w.ratios(n, row.p, row.ref)...)
			}
			count := 0
			for _, x := range xs {
				if x > bound {
					count++
				}
			}
			gm += fmt.Sprintf(" **%s** |", ratioText(geomean(xs)))
			over += fmt.Sprintf(" **%d of %d** |", count, len(xs))
		}
		b.WriteString(gm + "\n" + over + "\n")
	}
	b.WriteString("\n")
}

// waitMarkdown renders how long the first function to be compiled waited
// for a compiler, over the runs of every tiered configuration that
// compiled one: the machine's other load shows there.
func (r *report) waitMarkdown(b *strings.Builder) {
	var waits []time.Duration
	for _, w := range r.Workloads {
		for _, s := range w.Sizes {
			for _, n := range r.Configs {
				for _, smp := range s.Runs[n] {
					if t := smp.Tiering; t != nil && t.Compiled > 0 {
						waits = append(waits, t.Wait)
					}
				}
			}
		}
	}
	if len(waits) == 0 {
		return
	}
	slices.Sort(waits)
	over := len(waits) - slices.IndexFunc(waits, func(d time.Duration) bool { return d > time.Millisecond })
	if over > len(waits) {
		over = 0
	}
	fmt.Fprintf(b, "## Waiting for a compiler\n\nIn the %d runs of the tiered configurations that compiled a "+
		"function, the first function to turn hot waited for a compiler goroutine %s (median), %s at the 90th "+
		"percentile and %s at most; %d runs (%.0f%%) waited over 1 ms. A compiler goroutine starts when a "+
		"function turns hot and needs a processor: with %d CPUs, one running the guest, the other shared with "+
		"the machine's other processes, a wait of milliseconds is the operating system's scheduler, not the "+
		"compiler. It delays the code, and so the tiered engine's total, at the sizes where a run lasts a few "+
		"milliseconds.\n\n", len(waits), durationText(waits[len(waits)/2]), durationText(waits[len(waits)*9/10]),
		durationText(waits[len(waits)-1]), over, 100*float64(over)/float64(len(waits)), r.CPUs)
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
	} else {
		b.WriteString("Time to first result:\n\n")
		r.phaseTable(b, w, first, "tiered ÷ interp", medianOf(nameInterp, first))
	}
	r.tieringTable(b, w)
}

// tieringTable renders what the tiered engine's tiering did in w's runs
// at its default threshold, a row per size, if it was measured.
func (r *report) tieringTable(b *strings.Builder, w workloadResult) {
	if !slices.Contains(r.Configs, nameTiered) {
		return
	}
	b.WriteString("What *tiered* did (medians over its runs; the times, from a run's start, over the runs that " +
		"compiled a function): functions queued (turned hot) and compiled by the run's end, calls moved " +
		"to machine code at a loop header (OSR), when the first function to be compiled turned hot, how long " +
		"it waited for a compiler, when its code was ready; and the run's total:\n\n" +
		"| size | queued | compiled | OSR | turned hot | waited | code ready | total |\n" +
		"|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range w.Sizes {
		m, ok := s.tierMedians(nameTiered)
		if !ok {
			continue
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s |\n", s.Arg, countText(m.Queued),
			countText(m.Compiled), countText(m.OSR), durationText(m.Hot), durationText(m.Wait),
			durationText(m.CodeReady), durationText(s.median(nameTiered, total)))
	}
	b.WriteString("\n")
}

// countText formats a median count: whole, or with one decimal (the mean
// of the middle two).
func countText(x float64) string {
	if x == float64(int64(x)) {
		return fmt.Sprint(int64(x))
	}
	return fmt.Sprintf("%.1f", x)
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
