package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench/peers/native"
	"github.com/terra-runtime/terra/host/wasi"
)

// runFunc runs a workload once and returns its checksum: a kernel's
// result formatted as %#x, or a program's standard output.
type runFunc func() (string, error)

// impl is one implementation that the report measures.
type impl struct {
	// Name labels the implementation in the report.
	Name string
	// Programs is whether it runs WASI programs as well as kernels.
	Programs bool
	// prepare readies w to run: compiling and, for kernels, instantiating
	// the module, all outside the timing. It returns the run to time and a
	// function that frees what prepare made.
	prepare func(ctx context.Context, w workload) (run runFunc, done func(), err error)
	// batch, if not nil, is used instead of prepare by an implementation
	// that times its runs itself, in another process: it runs w count
	// times, checking every result, and returns the timed runs.
	batch func(ctx context.Context, w workload, count int) ([]time.Duration, error)
}

// runs reports whether the implementation can run w.
func (im impl) runs(w workload) bool {
	return w.Kind == kindKernel || im.Programs
}

// baseline is the implementation that every other one is compared with.
const baseline = "terra-interp"

// impls are the implementations in the order the report lists them,
// baseline first.
var impls = []impl{
	{Name: baseline, Programs: true, prepare: func(ctx context.Context, w workload) (runFunc, func(), error) {
		return prepareTerra(ctx, terra.TierInterp, w)
	}},
	{Name: "terra-jit", Programs: true, prepare: func(ctx context.Context, w workload) (runFunc, func(), error) {
		return prepareTerra(ctx, terra.TierJIT, w)
	}},
	{Name: "wazero-interp", Programs: true, prepare: func(ctx context.Context, w workload) (runFunc, func(), error) {
		return prepareWazero(ctx, wazero.NewRuntimeConfigInterpreter(), w)
	}},
	{Name: "wazero-compiler", Programs: true, prepare: func(ctx context.Context, w workload) (runFunc, func(), error) {
		return prepareWazero(ctx, wazero.NewRuntimeConfigCompiler(), w)
	}},
	{Name: "native", prepare: prepareNative},
}

// kernelResult formats a kernel's result as runFunc returns it.
func kernelResult(v uint64) string { return fmt.Sprintf("%#x", v) }

// prepareTerra runs w on a tier of terra through the public API, and
// programs with host/wasi. Kernels are instantiated once; every run of a
// program instantiates WASI and the module anew from the compiled module.
func prepareTerra(ctx context.Context, tier terra.Tier, w workload) (runFunc, func(), error) {
	rt, err := terra.NewRuntime(terra.Config{Tier: tier})
	if err != nil {
		return nil, nil, err
	}
	cm, err := rt.Compile(ctx, w.Wasm)
	if err != nil {
		return nil, nil, err
	}
	if w.Kind == kindKernel {
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		if err != nil {
			return nil, nil, err
		}
		fn := inst.ExportedFunction(w.Name)
		if fn == nil {
			inst.Close()
			return nil, nil, fmt.Errorf("no exported function %q", w.Name)
		}
		run := func() (string, error) {
			res, err := fn.Call(ctx, uint64(w.Arg))
			if err != nil {
				return "", err
			}
			return kernelResult(res[0]), nil
		}
		return run, func() { inst.Close() }, nil
	}
	run := func() (string, error) {
		var stdout bytes.Buffer
		mod, err := wasi.Instantiate(ctx, rt, wasi.Config{Args: w.args(), Stdout: &stdout})
		if err != nil {
			return "", err
		}
		defer mod.Close()
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		if err != nil {
			return "", err
		}
		defer inst.Close()
		_, err = inst.ExportedFunction("_start").Call(ctx)
		if exit, ok := errors.AsType[*wasi.ExitError](err); ok && exit.Code == 0 {
			err = nil
		}
		return stdout.String(), err
	}
	return run, func() {}, nil
}

// prepareWazero runs w in a wazero runtime with config, and programs with
// wazero's WASI (imports/wasi_snapshot_preview1) given the real clocks and
// random source, as terra's WASI has. Kernels are instantiated once; every
// run of a program instantiates the compiled module anew.
func prepareWazero(ctx context.Context, config wazero.RuntimeConfig, w workload) (runFunc, func(), error) {
	r := wazero.NewRuntimeWithConfig(ctx, config)
	done := func() { r.Close(ctx) }
	cm, err := r.CompileModule(ctx, w.Wasm)
	if err != nil {
		done()
		return nil, nil, err
	}
	if w.Kind == kindKernel {
		mod, err := r.InstantiateModule(ctx, cm, wazero.NewModuleConfig())
		if err != nil {
			done()
			return nil, nil, err
		}
		fn := mod.ExportedFunction(w.Name)
		if fn == nil {
			done()
			return nil, nil, fmt.Errorf("no exported function %q", w.Name)
		}
		run := func() (string, error) {
			res, err := fn.Call(ctx, uint64(w.Arg))
			if err != nil {
				return "", err
			}
			return kernelResult(res[0]), nil
		}
		return run, done, nil
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		done()
		return nil, nil, err
	}
	run := func() (string, error) {
		var stdout bytes.Buffer
		cfg := wazero.NewModuleConfig().WithName("").WithArgs(w.args()...).
			WithStdout(&stdout).WithStderr(io.Discard).
			WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithRandSource(rand.Reader)
		mod, err := r.InstantiateModule(ctx, cm, cfg)
		if exit, ok := errors.AsType[*sys.ExitError](err); ok && exit.ExitCode() == 0 {
			err = nil
		}
		if mod != nil {
			mod.Close(ctx)
		}
		return stdout.String(), err
	}
	return run, done, nil
}

// prepareNative runs kernels as machine code compiled by cgo from the same
// C source (package native); it has no programs.
func prepareNative(_ context.Context, w workload) (runFunc, func(), error) {
	fn := native.Kernels[w.Name]
	if w.Kind != kindKernel || fn == nil {
		return nil, nil, nil
	}
	run := func() (string, error) { return kernelResult(fn(w.Arg)), nil }
	return run, func() {}, nil
}
