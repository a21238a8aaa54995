// Startup latency: terra beside wazero.
//
// BenchmarkStartup runs the startup measures of bench.Startup (see its doc
// comment, `go doc github.com/terra-runtime/terra/bench.Startup`) on terra's
// tiers, wazero's interpreter and wazero's compiler in the same run, so that
// their ratios compare pair by pair. Sub-benchmarks are named
// Startup/measure=M/module=X/impl=I, where
//
//   - measure is decode, compile, instantiate (pooled: each instance
//     closed before the next), instantiate-fresh (earlier instances kept
//     open, so that terra reuses no memory of theirs), first-instruction,
//     first-call, warm-call or process;
//   - module is tiny (an i32 add and one page of memory), tiny-data64k (the
//     same with a 64 KiB data segment), gohello (the 2.5 MB Go hello world
//     for wasip1) or, for process, c-hello (a C hello world);
//   - impl is terra-interp (terra-jit and terra-tiered are skipped until
//     terra has them), wazero-interp or wazero-compiler.
//
// bench/ names its BenchmarkStartup, terra alone, the same way, so runs of
// either can be set side by side. Each sub-benchmark reports the 50th and
// 99th percentiles of its iterations' durations (p50-ns, p99-ns) besides
// ns/op. Wazero has no decode separate from its compile, so decode is
// terra's alone. For process, terra-run (built from ../../cmd/terra-run) and
// the wazero command (built from the wazero module that go.mod requires, run
// as `wazero run`, with -interpreter for wazero-interp, without a cache
// directory) each run testdata/programs/c/hello.wasm in a new process.
//
// Two asymmetries to bear in mind: wazero makes each instance's WASI state
// (arguments, environment, files) when it instantiates the module, while
// terra's instances share one wasi.Module instantiated with the runtime; and
// wazero's compile does all its lowering or translation ahead of time, while
// terra lowers a function at its first call, which first-call shows.
//
// Run it with few iterations of the slow modules (the Go hello world and the
// processes take milliseconds each; wazero's compiler takes about a second
// to compile gohello), and set the implementations side by side with
// benchstat:
//
//	go test -run=NONE -bench='Startup//module=tiny' -benchtime=200x -count=5 | tee /tmp/st.txt
//	go test -run=NONE -bench='Startup//module=(gohello|c-hello)' -benchtime=20x -count=5 | tee -a /tmp/st.txt
//	benchstat -col /impl /tmp/st.txt
//
// benchstat prints a table per unit: sec/op (the mean), p50-sec and
// p99-sec (the percentiles, which it converts from p50-ns and p99-ns), B/op
// and allocs/op. To see one: `benchstat -col /impl -filter .unit:p99-ns
// /tmp/st.txt`. With one sample (-count=1) it prints the figures without
// confidence intervals.

package peers

import (
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench"
)

// BenchmarkStartup measures how fast terra and wazero start fresh instances;
// see the comment at the top of this file for the measures and commands.
func BenchmarkStartup(b *testing.B) {
	var impls []bench.Impl
	for i, tier := range []terra.Tier{terra.TierInterp, terra.TierJIT, terra.TierTiered} {
		impl := bench.TerraImpl(tier)
		if i > 0 {
			impl.Decode = nil // decoding does not depend on the tier
		}
		impls = append(impls, impl)
	}
	impls = append(impls,
		WazeroImpl("wazero-interp", wazero.NewRuntimeConfigInterpreter, "-interpreter"),
		WazeroImpl("wazero-compiler", wazero.NewRuntimeConfigCompiler))
	bench.Startup(b, "../..", impls)
}

// wazeroImpl returns wazero with the runtime configuration that config
// makes, named name. Its Command builds the wazero command-line tool and
// runs it as `wazero run` with runFlags.
