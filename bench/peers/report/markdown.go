package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/terra-runtime/terra/bench"
)

// markdown renders the report as report.md: the setup, then for each kind
// of workload a table of medians (with p99s) and a table of ratios to the
// baseline, with geometric means.
func (r *report) markdown() string {
	var b strings.Builder
	base := r.Impls[0]
	fmt.Fprintf(&b, "# terra benchmark report\n\n")
	fmt.Fprintf(&b, "Generated %s by `cd bench/peers && go run ./report -count %d` (%s, %s, %d CPUs). ",
		r.Generated.Format("2006-01-02 15:04 UTC"), r.Count, r.GoVersion, r.Platform, r.CPUs)
	fmt.Fprintf(&b, "Each cell is the median of %d timed runs, with the p99 (nearest rank: the slowest run "+
		"when there are fewer than 100) in parentheses; every run's checksum was checked. Raw timings are in "+
		"`report.json`. Compare ratios from one run, not absolute times across machines or runs.\n\n", r.Count)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}

	sections := []struct {
		k            kind
		title, intro string
		chart        string
	}{
		{kindKernel, "Compute kernels",
			"C functions from `bench/kernels/src/kernels.c`, built to wasm by clang -O2 (no bulk memory, no SIMD) " +
				"and natively by gcc -O2 through cgo. Each is instantiated once and called once untimed before the " +
				"timed calls; the argument is the size or iteration count.", "kernels.svg"},
		{kindProgram, "WASI programs",
			"Programs from `bench/workloads` run through `_start` with the size as `argv[1]`; every timed run " +
				"instantiates the compiled module and its WASI host anew, so it includes the guest's start-up " +
				"(the Go runtime's, for the Go programs).", "programs.svg"},
	}
	for _, s := range sections {
		names := r.workloads(s.k)
		if len(names) == 0 {
			continue
		}
		var cols []string
		for _, impl := range r.Impls {
			for _, n := range names {
				if _, ok := r.lookup(n, impl); ok {
					cols = append(cols, impl)
					break
				}
			}
		}
		fmt.Fprintf(&b, "## %s\n\n%s\n\n![%s](%s)\n\n", s.title, s.intro, s.title, s.chart)

		fmt.Fprintf(&b, "| workload | arg | %s |\n|---|---:|%s\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)))
		for _, n := range names {
			res, _ := r.lookup(n, base)
			fmt.Fprintf(&b, "| %s | %d |", n, res.Arg)
			for _, impl := range cols {
				if res, ok := r.lookup(n, impl); ok {
					fmt.Fprintf(&b, " %s (%s) |", durationText(res.Median), durationText(res.P99))
				} else {
					b.WriteString(" – |")
				}
			}
			b.WriteString("\n")
		}

		for _, subject := range r.subjects() {
			r.ratioMarkdown(&b, s.k, subject, names, cols)
		}
		b.WriteString("\n")
	}
	r.startupMarkdown(&b)
	return b.String()
}

// ratioMarkdown renders the table of subject's ratios to each peer among
// cols on the workloads names of kind k, with their geometric means, if
// there are any.
func (r *report) ratioMarkdown(b *strings.Builder, k kind, subject string, names, cols []string) {
	var peers []comparison
	for _, impl := range cols {
		if c, ok := r.comparison(subject, impl, k); ok {
			peers = append(peers, c)
		}
	}
	if len(peers) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s compared with each peer (ratio of medians, peer over %s):\n\n| workload |", subject, subject)
	for _, c := range peers {
		fmt.Fprintf(b, " vs %s |", c.Impl)
	}
	fmt.Fprintf(b, "\n|---|%s\n", strings.Repeat("---:|", len(peers)))
	for _, n := range names {
		fmt.Fprintf(b, "| %s |", n)
		for _, c := range peers {
			if x, ok := c.Ratios[n]; ok {
				fmt.Fprintf(b, " %s |", ratioText(x))
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| **geometric mean** |")
	for _, c := range peers {
		fmt.Fprintf(b, " **%s** |", ratioText(c.Geomean))
	}
	b.WriteString("\n")
}

// startupMarkdown renders the start-up latencies, if any: a table of p50s
// (with p99s) by measure and module, and a table of the baseline's p50
// against each peer's, with a row for each measure that a peer ran.
func (r *report) startupMarkdown(b *strings.Builder) {
	if len(r.Startup) == 0 {
		return
	}
	type row struct{ measure, module string }
	var rows []row
	for _, s := range r.Startup {
		if !slices.Contains(rows, row{s.Measure, s.Module}) {
			rows = append(rows, row{s.Measure, s.Module})
		}
	}
	impls := r.StartupImpls
	base := impls[0]
	fmt.Fprintf(b, "## Startup\n\n"+
		"The start-up measures of `BenchmarkStartup` (`go doc github.com/terra-runtime/terra/bench.Startup`), "+
		"each iteration timed alone: decode (terra's `wasm.Parse`; wazero has no separate decode), compile "+
		"(and close, which evicts wazero's cache), instantiate (and close) a module compiled beforehand, "+
		"instantiate-fresh (the same without the close), first-instruction (compile, instantiate, call `add`, "+
		"close), first-call (the first call of `add` on a fresh instance, alone), warm-call (a later call), and "+
		"process (`terra-run` or `wazero run` running a C hello world in a new process). instantiate is the "+
		"pooled case: terra's next instance reuses the closed one's memory reservation, with its pages resident "+
		"and the data image in place, and its storage. instantiate-fresh keeps every instance of the measure "+
		"open until the measure ends, so that each of terra's gets a new reservation, whose pages fault in as "+
		"the data image and the instance touch them; at most %d stay open, then, untimed, they are closed, the "+
		"module is compiled anew and terra's idle reservations are released. wazero pools nothing (its memories "+
		"come from the Go heap), so its two measures differ only by the close and by the instances kept alive. "+
		"tiny is an i32 add and one page of memory; tiny-data64k adds a data segment filling the page; gohello "+
		"is the 2.5 MB Go hello world for wasip1, instantiated against a WASI host made beforehand, without "+
		"running `_start`. Each cell is the p50 of the iterations, with the p99 (nearest rank) in parentheses.",
		bench.FreshCap)
	b.WriteString("\n\n")
	if slices.Contains(impls, "v8") {
		b.WriteString("v8 is timed inside node by `report/v8.mjs` with `process.hrtime.bigint`. It has no decode: V8 " +
			"has no step that decodes a module into something kept without also making it ready to run " +
			"(`WebAssembly.validate` decodes and validates, then keeps nothing). Its compile is " +
			"`new WebAssembly.Module` with node's native-module cache off (`--no-wasm-native-module-cache`), so " +
			"that it compiles anew each time, as wazero's does once the module is closed. V8 compiles lazily, so " +
			"this decodes and validates every function but compiles none: Liftoff compiles each function at its " +
			"first call, which v8's first-call therefore includes (as terra's includes lowering `add`), and " +
			"TurboFan the hot ones later, in the background. Its instantiate is `new WebAssembly.Instance` " +
			"(gohello's against one `node:wasi` host made beforehand), its instantiate-fresh the same with the " +
			"instances kept referenced in an array, so that the garbage collector frees none of them until the " +
			"measure ends, and its first-instruction both and a call " +
			"of `add`. V8 cannot close a module or an instance: its garbage collector frees them when it sees " +
			"fit and is not forced between iterations, so no v8 figure includes freeing. Its process is node " +
			"running `report/v8run.mjs`, a `node:wasi` runner like `terra-run`, with ExperimentalWarning disabled.\n\n")
	}
	fmt.Fprintf(b, "| measure | module | iterations | %s |\n|---|---|---:|%s\n", strings.Join(impls, " | "), strings.Repeat("---:|", len(impls)))
	for _, rw := range rows {
		iters := 0
		var cells []string
		for _, impl := range impls {
			if s, ok := r.startupLookup(rw.measure, rw.module, impl); ok {
				iters = s.Iters
				cells = append(cells, fmt.Sprintf("%s (%s)", durationText(s.P50), durationText(s.P99)))
			} else {
				cells = append(cells, "–")
			}
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s |\n", rw.measure, rw.module, iters, strings.Join(cells, " | "))
	}
	fmt.Fprintf(b, "\n%s compared with each peer (ratio of p50s, peer over %s):\n\n| measure | module |", base, base)
	for _, impl := range impls[1:] {
		fmt.Fprintf(b, " vs %s |", impl)
	}
	fmt.Fprintf(b, "\n|---|---|%s\n", strings.Repeat("---:|", len(impls)-1))
	for _, rw := range rows {
		bs, ok := r.startupLookup(rw.measure, rw.module, base)
		if !ok || bs.P50 <= 0 {
			continue
		}
		var cells []string
		peers := 0
		for _, impl := range impls[1:] {
			if s, ok := r.startupLookup(rw.measure, rw.module, impl); ok {
				cells = append(cells, ratioText(float64(s.P50)/float64(bs.P50)))
				peers++
			} else {
				cells = append(cells, "–")
			}
		}
		if peers > 0 { // decode has no peer
			fmt.Fprintf(b, "| %s | %s | %s |\n", rw.measure, rw.module, strings.Join(cells, " | "))
		}
	}
	b.WriteString("\n")
	r.compileSpeedMarkdown(b)
}

// lazyCompilers are the implementations whose compile measure translates no
// function body: terra's interpreter lowers each at its first call, V8
// compiles each at its first call.
var lazyCompilers = []string{"terra-interp", "v8"}

// compileSpeedMarkdown renders the compile measures of the implementations
// that translate every body ahead of time as speeds, in megabytes of
// function bodies per second of the p50, if there are any.
func (r *report) compileSpeedMarkdown(b *strings.Builder) {
	var rows []string
	for _, impl := range r.StartupImpls {
		if slices.Contains(lazyCompilers, impl) {
			continue
		}
		for _, s := range r.Startup {
			n := r.BodyBytes[s.Module]
			if s.Impl != impl || s.Measure != "compile" || n < 1<<20 || s.P50 <= 0 {
				continue
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %.1f MB | %s | %.1f MB/s |",
				s.Module, impl, float64(n)/1e6, durationText(s.P50), float64(n)/1e6/s.P50.Seconds()))
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "Compile speed of the implementations that translate every function body when they compile "+
		"(%s compile lazily), in megabytes of function bodies per second of the compile p50, modules of a "+
		"megabyte or more:\n\n| module | implementation | bodies | compile p50 | speed |\n|---|---|---:|---:|---:|\n%s\n\n",
		strings.Join(lazyCompilers, " and "), strings.Join(rows, "\n"))
}
