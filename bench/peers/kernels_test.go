package peers

import (
	"context"
	"errors"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench/kernels"
	"github.com/terra-runtime/terra/bench/peers/native"
)

// kernelCall calls one kernel with its argument and returns its result as a
// 64-bit cell (an i32 zero-extended).
type kernelCall func(arg uint32) (uint64, error)

// BenchmarkKernels runs each compute kernel of bench/kernels in every
// implementation, in the same run, so that their ratios are comparable:
//
//   - terra-interp: terra's interpreter, through the public API.
//   - terra-jit: terra's JIT (where it exists), which compiles the module
//     when it is compiled.
//   - wazero-interp: wazero's interpreter.
//   - wazero-compiler: wazero's compiler, which translates the module to
//     machine code ahead of time, when it is instantiated.
//   - native: the same C source compiled by cgo's C compiler at -O2.
//
// Sub-benchmarks are named kernel=NAME/impl=IMPL, benchstat's key=value
// form, so that `benchstat -col /impl` puts the implementations side by
// side with a row per kernel and a geometric mean (see README.md).
//
// Each sub-benchmark instantiates the module once, outside the timing, and
// calls the kernel once before the timed loop: the first call pays for
// touching the memory's pages (the static arrays are megabytes) and is no
// part of the steady state. Every call's result is checked against the
// native result recorded in kernels.All, so a wrong answer fails the
// benchmark instead of being timed.
func BenchmarkKernels(b *testing.B) {
	ctx := context.Background()
	for _, k := range kernels.All {
		b.Run("kernel="+k.Name, func(b *testing.B) {
			b.Run("impl=terra-interp", func(b *testing.B) {
				benchKernel(b, k, terraKernel(ctx, b, terra.TierInterp, k.Name))
			})
			b.Run("impl=terra-jit", func(b *testing.B) {
				benchKernel(b, k, terraKernel(ctx, b, terra.TierJIT, k.Name))
			})
			b.Run("impl=wazero-interp", func(b *testing.B) {
				benchKernel(b, k, wazeroKernel(ctx, b, wazero.NewRuntimeConfigInterpreter(), k.Name))
			})
			b.Run("impl=wazero-compiler", func(b *testing.B) {
				benchKernel(b, k, wazeroKernel(ctx, b, wazero.NewRuntimeConfigCompiler(), k.Name))
			})
			b.Run("impl=native", func(b *testing.B) {
				run := native.Kernels[k.Name]
				benchKernel(b, k, func(arg uint32) (uint64, error) { return run(arg), nil })
			})
		})
	}
}

// benchKernel times call with k's argument, checking every result.
func benchKernel(b *testing.B, k kernels.Kernel, call kernelCall) {
	check := func() {
		got, err := call(k.Arg)
		if err != nil {
			b.Fatal(err)
		}
		if got != k.Want {
			b.Fatalf("%s(%d) = %#x, want %#x", k.Name, k.Arg, got, k.Want)
		}
	}
	check()
	for b.Loop() {
		check()
	}
}

// terraKernel instantiates the kernels module in a new terra runtime of the
// given tier and returns a call of the export name.
func terraKernel(ctx context.Context, b *testing.B, tier terra.Tier, name string) kernelCall {
	b.Helper()
	rt, err := terra.NewRuntime(terra.Config{Tier: tier})
	if errors.Is(err, terra.ErrTierUnavailable) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	cm, err := rt.Compile(ctx, kernels.Wasm)
	if err != nil {
		b.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		b.Fatal(err)
	}
	fn := inst.ExportedFunction(name)
	if fn == nil {
		b.Fatalf("terra: no exported function %q", name)
	}
	return func(arg uint32) (uint64, error) {
		res, err := fn.Call(ctx, uint64(arg))
		if err != nil {
			return 0, err
		}
		return res[0], nil
	}
}

// wazeroKernel instantiates the kernels module in a new wazero runtime with
// config, closed when b ends, and returns a call of the export name.
func wazeroKernel(ctx context.Context, b *testing.B, config wazero.RuntimeConfig, name string) kernelCall {
	b.Helper()
	r := wazero.NewRuntimeWithConfig(ctx, config)
	b.Cleanup(func() { r.Close(ctx) })
	mod, err := r.Instantiate(ctx, kernels.Wasm)
	if err != nil {
		b.Fatal(err)
	}
	fn := mod.ExportedFunction(name)
	if fn == nil {
		b.Fatalf("wazero: no exported function %q", name)
	}
	return func(arg uint32) (uint64, error) {
		res, err := fn.Call(ctx, uint64(arg))
		if err != nil {
			return 0, err
		}
		return res[0], nil
	}
}

// TestLaddersNative checks the results that kernels.Ladders records for
// the tier experiments (bench/tiers) against the native build of the same
// C source, point by point, as kernels.All's are: the main module's own
// tests can only compare them with terra.
func TestLaddersNative(t *testing.T) {
	for _, k := range kernels.All {
		run := native.Kernels[k.Name]
		for _, p := range kernels.Ladders[k.Name].Points {
			if got := run(p.Arg); got != p.Want {
				t.Errorf("%s(%d) = %#x natively, the ladder says %#x", k.Name, p.Arg, got, p.Want)
			}
		}
	}
}
