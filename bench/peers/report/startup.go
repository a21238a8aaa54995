package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench"
	"github.com/terra-runtime/terra/bench/peers"
)

// This file measures the start-up latencies of bench.Startup (decode,
// compile, instantiate, instantiate-fresh, first-instruction, first-call,
// warm-call, process)
// through the same bench.Impl adapters, timing each iteration and keeping
// the 50th and 99th percentiles. bench.Startup itself needs a testing.B,
// so the loops are repeated here, one iteration each as there.

// startupResult is one start-up measure of one module in one
// implementation.
type startupResult struct {
	Measure string        `json:"measure"`
	Module  string        `json:"module"`
	Impl    string        `json:"impl"`
	Iters   int           `json:"iters"`
	P50     time.Duration `json:"p50_ns"`
	P99     time.Duration `json:"p99_ns"`
}

// startupImpls are the implementations whose start-up the report measures,
// baseline first: terra's interpreter and JIT and wazero's interpreter and
// compiler, with the command-line runners that bench.Startup uses for
// measure=process.
func startupImpls() []bench.Impl {
	jit := bench.TerraImpl(terra.TierJIT)
	jit.Decode = nil // the same as the interpreter's
	return []bench.Impl{
		bench.TerraImpl(terra.TierInterp),
		jit,
		peers.WazeroImpl("wazero-interp", wazero.NewRuntimeConfigInterpreter, "-interpreter"),
		peers.WazeroImpl("wazero-compiler", wazero.NewRuntimeConfigCompiler),
	}
}

// startupCase is one measure of one module, run iters times per
// implementation.
type startupCase struct {
	measure, module string
	wasm            []byte
	wasi            bool
	iters           int
	// run performs one iteration in rt (or with impl's command line, argv)
	// and returns its duration.
	run func(ctx context.Context, c *startupCtx) (time.Duration, error)
}

// startupCtx is what an iteration of a startupCase works with.
type startupCtx struct {
	impl bench.Impl
	rt   bench.Runtime
	// cm and inst are made before the iterations for the measures that time
	// work on a compiled module or an instance.
	cm   bench.Compiled
	inst bench.Instance
	// fresh makes the instances of measure=instantiate-fresh.
	fresh *bench.Fresh
	// argv is the command line of measure=process, program included.
	argv []string
}

// startupCases returns the measures of bench.Startup, with iters
// iterations for the tiny modules and slowIters for gohello and process.
func startupCases(root string, iters, slowIters int) ([]startupCase, error) {
	gohello, err := os.ReadFile(filepath.Join(root, "bench/workloads/gohello/gohello.wasm"))
	if err != nil {
		return nil, fmt.Errorf("startup: %w (run bench/workloads/build.sh?)", err)
	}
	type module struct {
		name  string
		wasm  []byte
		wasi  bool
		iters int
	}
	tiny := module{"tiny", bench.TinyModule(0), false, iters}
	modules := []module{tiny, {"tiny-data64k", bench.TinyModule(65536), false, iters}, {"gohello", gohello, true, slowIters}}
	var cs []startupCase
	for _, m := range modules {
		cs = append(cs, startupCase{measure: "decode", module: m.name, wasm: m.wasm, wasi: m.wasi, iters: m.iters,
			run: func(_ context.Context, c *startupCtx) (time.Duration, error) {
				t0 := time.Now()
				err := c.impl.Decode(m.wasm)
				return time.Since(t0), err
			}})
	}
	for _, m := range modules {
		cs = append(cs, startupCase{measure: "compile", module: m.name, wasm: m.wasm, wasi: m.wasi, iters: m.iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				t0 := time.Now()
				cm, err := c.rt.Compile(ctx, m.wasm)
				if err != nil {
					return 0, err
				}
				err = cm.Close(ctx)
				return time.Since(t0), err
			}})
	}
	for _, m := range modules {
		cs = append(cs, startupCase{measure: "instantiate", module: m.name, wasm: m.wasm, wasi: m.wasi, iters: m.iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				t0 := time.Now()
				inst, err := c.cm.Instantiate(ctx)
				if err != nil {
					return 0, err
				}
				err = inst.Close(ctx)
				return time.Since(t0), err
			}})
	}
	for _, m := range modules {
		cs = append(cs, startupCase{measure: "instantiate-fresh", module: m.name, wasm: m.wasm, wasi: m.wasi, iters: m.iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				if c.fresh.Full() {
					if err := c.fresh.Restart(ctx); err != nil {
						return 0, err
					}
				}
				return c.fresh.Instantiate(ctx)
			}})
	}
	cs = append(cs,
		startupCase{measure: "first-instruction", module: tiny.name, wasm: tiny.wasm, iters: iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				t0 := time.Now()
				cm, err := c.rt.Compile(ctx, tiny.wasm)
				if err != nil {
					return 0, err
				}
				inst, err := cm.Instantiate(ctx)
				if err != nil {
					return 0, err
				}
				res, err := callAdd(ctx, inst)
				if err == nil {
					err = inst.Close(ctx)
				}
				if err == nil {
					err = cm.Close(ctx)
				}
				d := time.Since(t0)
				return d, errors.Join(err, checkAdd(res))
			}},
		startupCase{measure: "first-call", module: tiny.name, wasm: tiny.wasm, iters: iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				cm, err := c.rt.Compile(ctx, tiny.wasm)
				if err != nil {
					return 0, err
				}
				defer cm.Close(ctx)
				inst, err := cm.Instantiate(ctx)
				if err != nil {
					return 0, err
				}
				defer inst.Close(ctx)
				add := inst.Func("add")
				if add == nil {
					return 0, errors.New("no exported function add")
				}
				t0 := time.Now()
				res, err := add(ctx, 2, 3)
				d := time.Since(t0)
				return d, errors.Join(err, checkAdd(res))
			}},
		startupCase{measure: "warm-call", module: tiny.name, wasm: tiny.wasm, iters: iters,
			run: func(ctx context.Context, c *startupCtx) (time.Duration, error) {
				t0 := time.Now()
				res, err := callAdd(ctx, c.inst)
				d := time.Since(t0)
				return d, errors.Join(err, checkAdd(res))
			}},
		startupCase{measure: "process", module: "c-hello", iters: slowIters,
			run: func(_ context.Context, c *startupCtx) (time.Duration, error) {
				cmd := exec.Command(c.argv[0], c.argv[1:]...)
				t0 := time.Now()
				err := cmd.Run()
				return time.Since(t0), err
			}},
	)
	return cs, nil
}

// applies reports whether impl has what measure c needs.
func (c startupCase) applies(impl bench.Impl) bool {
	switch c.measure {
	case "decode":
		return impl.Decode != nil
	case "process":
		return impl.Command != nil
	}
	return true
}

// measureStartup runs c in impl and returns its percentiles. root is the
// repository's root directory and binDir a directory for the command-line
// runners of measure=process.
func measureStartup(ctx context.Context, c startupCase, impl bench.Impl, root, binDir string) (startupResult, error) {
	sc := &startupCtx{impl: impl}
	if c.measure == "process" {
		dir := filepath.Join(binDir, impl.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return startupResult{}, err
		}
		argv, err := impl.Command(root, dir)
		if err != nil {
			return startupResult{}, err
		}
		sc.argv = append(argv, filepath.Join(root, "testdata/programs/c/hello.wasm"))
		// One untimed run checks the output and warms the file cache.
		out, err := exec.Command(sc.argv[0], sc.argv[1:]...).Output()
		if err != nil {
			return startupResult{}, fmt.Errorf("%q: %w", sc.argv, err)
		}
		if !bytes.Contains(out, []byte("hello")) {
			return startupResult{}, fmt.Errorf("%q printed %q, want a hello", sc.argv, out)
		}
	} else {
		rt, err := impl.New(ctx, c.wasi)
		if err != nil {
			return startupResult{}, err
		}
		defer rt.Close(ctx)
		sc.rt = rt
		if c.measure == "instantiate" || c.measure == "warm-call" {
			if sc.cm, err = rt.Compile(ctx, c.wasm); err != nil {
				return startupResult{}, err
			}
			defer sc.cm.Close(ctx)
		}
		if c.measure == "instantiate-fresh" {
			if sc.fresh, err = bench.NewFresh(ctx, impl, rt, c.wasm); err != nil {
				return startupResult{}, err
			}
			defer sc.fresh.Close(ctx)
		}
		if c.measure == "warm-call" {
			if sc.inst, err = sc.cm.Instantiate(ctx); err != nil {
				return startupResult{}, err
			}
			defer sc.inst.Close(ctx)
			res, err := callAdd(ctx, sc.inst)
			if err := errors.Join(err, checkAdd(res)); err != nil {
				return startupResult{}, err
			}
		}
	}
	var lat bench.Latencies
	for range c.iters {
		d, err := c.run(ctx, sc)
		if err != nil {
			return startupResult{}, err
		}
		lat.Add(d)
	}
	return startupResult{Measure: c.measure, Module: c.module, Impl: impl.Name, Iters: c.iters,
		P50: lat.Percentile(50), P99: lat.Percentile(99)}, nil
}

// callAdd calls add(2, 3) on inst.
func callAdd(ctx context.Context, inst bench.Instance) ([]uint64, error) {
	add := inst.Func("add")
	if add == nil {
		return nil, errors.New("no exported function add")
	}
	return add(ctx, 2, 3)
}

// checkAdd returns an error unless res is the result of add(2, 3); it
// returns nil for a nil res, whose call has failed with an error of its own.
func checkAdd(res []uint64) error {
	if res != nil && (len(res) != 1 || res[0] != 5) {
		return fmt.Errorf("add(2, 3) = %v, want [5]", res)
	}
	return nil
}
