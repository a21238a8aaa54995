package peers

import (
	"context"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/terra-runtime/terra/wasm"
)

// gohelloPath is the Go hello-world built for wasip1 by
// bench/workloads/build.sh, about 2.5 MB.
const gohelloPath = "../workloads/gohello/gohello.wasm"

// BenchmarkDecodeValidate measures how fast each runtime turns the bytes of a
// large real module into a checked module it can instantiate. Throughput is in
// module bytes per second, so the sub-benchmarks compare directly.
//
// What each side does per iteration:
//
//   - terra: wasm.Parse with the 2.0 features, which decodes every section,
//     validates every function body and records the per-function side tables
//     (block boundaries, operand-stack heights) that terra's tiers use instead
//     of a separate lowering pass.
//   - wazero-interp: Runtime.CompileModule with the interpreter, which decodes,
//     validates, hashes the bytes (SHA-256, the module's cache ID) and lowers
//     every function body to the interpreter's IR. It does more than terra's
//     Parse (its lowering is a full rewrite of each body, not side tables), so
//     its figure bounds wazero's decode+validate cost from above.
//   - wazero-interp-fresh: the same with a new Runtime per iteration, creation
//     and Close included.
//   - wazero-interp-cached: CompileModule with the module already in the
//     runtime's cache, so it decodes, validates and hashes the bytes but skips
//     the lowering. This is the closest counterpart to terra's Parse.
//
// Caching: wazero's interpreter keeps compiled functions per runtime, keyed by
// the module's hash, and CompileModule returns early on a hit (after decoding
// and validating again, but without lowering). An entry is reference-counted
// by CompiledModule and deleted when the last one is closed, so closing each
// module before the next iteration makes every CompileModule lower the module
// anew. No CompilationCache is configured, so nothing is kept across runtimes
// or on disk. wazero-interp-fresh checks this: with a new runtime there is no
// cache to hit, and its figure should match wazero-interp's up to the small
// cost of creating a runtime. wazero-interp-cached keeps one compiled module
// open for the whole loop, so that the entry outlives each iteration's Close.
func BenchmarkDecodeValidate(b *testing.B) {
	data, err := os.ReadFile(gohelloPath)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("terra", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := wasm.Parse(data, wasm.Features2_0); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("wazero-interp", func(b *testing.B) {
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		defer r.Close(ctx)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			compileAndClose(ctx, b, r, data)
		}
	})

	b.Run("wazero-interp-fresh", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
			compileAndClose(ctx, b, r, data)
			if err := r.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("wazero-interp-cached", func(b *testing.B) {
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		defer r.Close(ctx)
		warm, err := r.CompileModule(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		defer warm.Close(ctx)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			compileAndClose(ctx, b, r, data)
		}
	})
}

// compileAndClose compiles data in r and closes the result, which evicts it
// from r's in-memory cache unless another compiled copy is still open.
func compileAndClose(ctx context.Context, b *testing.B, r wazero.Runtime, data []byte) {
	b.Helper()
	m, err := r.CompileModule(ctx, data)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Close(ctx); err != nil {
		b.Fatal(err)
	}
}
