package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
	"github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// This file is the startup-latency harness: the measures of Startup, the
// modules they use, and the adapter that runs them on terra. It is shared by
// BenchmarkStartup in this package (terra's tiers alone) and by
// BenchmarkStartup in bench/peers (terra beside wazero), so that both name
// and measure their sub-benchmarks alike. It is not a test file so that
// bench/peers can import it.

// TinyModule returns a minimal module: one exported function "add", of type
// (i32, i32) -> i32, that adds its arguments, and an exported memory
// "memory" of one 64 KiB page. With dataBytes > 0 it also has an active data
// segment of that many non-zero bytes at address 0 (at most 65536, which
// fills the page), so that instantiating it copies them into memory.
func TinyModule(dataBytes int) []byte {
	if dataBytes < 0 || dataBytes > 65536 {
		panic(fmt.Sprintf("bench: TinyModule: data size %d out of range [0, 65536]", dataBytes))
	}
	sections := [][]byte{
		wasmtest.Section(wasmtest.SecType, wasmtest.Vec(
			wasmtest.FuncType([]byte{wasmtest.I32, wasmtest.I32}, []byte{wasmtest.I32}))),
		wasmtest.Section(wasmtest.SecFunction, wasmtest.Vec(wasmtest.ULEB(0))),
		wasmtest.Section(wasmtest.SecMemory, wasmtest.Vec([]byte{0x00, 0x01})), // min 1 page, no max
		wasmtest.Section(wasmtest.SecExport, wasmtest.Vec(
			wasmtest.Export("add", wasmtest.KindFunc, 0),
			wasmtest.Export("memory", wasmtest.KindMemory, 0))),
		wasmtest.Section(wasmtest.SecCode, wasmtest.Vec(
			wasmtest.Body(nil, 0x20, 0, 0x20, 1, 0x6A, 0x0B))), // local.get 0, local.get 1, i32.add, end
	}
	if dataBytes > 0 {
		data := make([]byte, dataBytes)
		for i := range data {
			data[i] = byte(i%251 + 1)
		}
		sections = append(sections, wasmtest.Section(wasmtest.SecData, wasmtest.Vec(wasmtest.Cat(
			[]byte{0x00, 0x41, 0x00, 0x0B}, // active, memory 0, offset i32.const 0
			wasmtest.ULEB(uint64(dataBytes)), data))))
	}
	return wasmtest.Module(sections...)
}

// Latencies records the duration of each iteration of a benchmark, to report
// percentiles that ns/op, a mean, hides: a startup path is judged by its
// typical and its tail latency, not by its average.
type Latencies struct {
	samples []time.Duration
}

// Add records one iteration's duration.
func (l *Latencies) Add(d time.Duration) { l.samples = append(l.samples, d) }

// Len returns the number of recorded durations.
func (l *Latencies) Len() int { return len(l.samples) }

// Percentile returns the p-th percentile (0 < p <= 100) of the recorded
// durations by the nearest-rank method: the smallest recorded duration that
// at least p percent of the durations do not exceed. It returns 0 if none
// are recorded.
func (l *Latencies) Percentile(p float64) time.Duration {
	if len(l.samples) == 0 {
		return 0
	}
	s := slices.Clone(l.samples)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Report reports the 50th and 99th percentiles of the recorded durations as
// the metrics "p50-ns" and "p99-ns", beside the mean that b reports as ns/op.
func (l *Latencies) Report(b *testing.B) {
	if len(l.samples) == 0 {
		return
	}
	b.ReportMetric(float64(l.Percentile(50).Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(l.Percentile(99).Nanoseconds()), "p99-ns")
}

// Impl is one implementation under test, such as terra's interpreter or
// wazero's compiler. Its Name is the impl= part of sub-benchmark names.
type Impl struct {
	// Name is the implementation's name in sub-benchmark names, such as
	// "terra-interp" or "wazero-compiler".
	Name string
	// New makes a runtime. If wasi is set, modules compiled in it can
	// import WASI preview 1 (wasi_snapshot_preview1) and their output is
	// discarded. An error wrapping terra.ErrTierUnavailable skips the
	// sub-benchmark instead of failing it.
	New func(ctx context.Context, wasi bool) (Runtime, error)
	// Decode, if not nil, decodes and validates a module without preparing
	// it to run, for measure=decode.
	Decode func(wasm []byte) error
	// Command, if not nil, builds a command-line runner of WASI programs
	// into dir and returns the command line that runs a program, without the
	// program's path, which Startup appends. root is the repository's root
	// directory. It is for measure=process.
	Command func(root, dir string) ([]string, error)
	// Trim, if not nil, releases what the implementation keeps of closed
	// instances for later ones, beyond what a compiled module keeps (terra:
	// the idle reservations of the process's sandbox pool), so that
	// measure=instantiate-fresh starts from nothing kept.
	Trim func()
}

// Runtime is a runtime of an Impl.
type Runtime interface {
	// Compile decodes, validates and prepares a module.
	Compile(ctx context.Context, wasm []byte) (Compiled, error)
	// Close releases the runtime.
	Close(ctx context.Context) error
}

// Compiled is a compiled module.
type Compiled interface {
	// Instantiate makes an anonymous instance of the module, running no
	// start function other than the module's own start section.
	Instantiate(ctx context.Context) (Instance, error)
	// Close releases the compiled module; for runtimes that cache compiled
	// code, it also evicts the module from the cache.
	Close(ctx context.Context) error
}

// Instance is an instance of a Compiled module.
type Instance interface {
	// Func returns the exported function name, or nil if there is none.
	Func(name string) Func
	// Close releases the instance and its memory.
	Close(ctx context.Context) error
}

// Func calls an exported function with one uint64 cell per argument.
type Func func(ctx context.Context, args ...uint64) ([]uint64, error)

// startupModule is a module that Startup measures.
type startupModule struct {
	name string // the module= part of sub-benchmark names
	wasm []byte
	wasi bool // whether it imports WASI
}

// Startup runs the startup-latency measures on every implementation in impls,
// as sub-benchmarks of b named measure=M/module=X/impl=I (benchstat's
// key=value form, so that `benchstat -col /impl` sets the implementations side
// by side). root is the path of the repository's root directory, relative to
// the calling package's directory.
//
// Each sub-benchmark times every iteration itself with time.Now and reports
// the 50th and 99th percentiles of those durations as p50-ns and p99-ns,
// besides ns/op and allocations. The durations include one read of the clock
// (tens of nanoseconds), which matters only for warm-call.
//
// The modules are tiny (TinyModule(0): an i32 add and one page of memory),
// tiny-data64k (TinyModule(65536): the same with a data segment filling the
// page), gohello (bench/workloads/gohello/gohello.wasm, a Go hello world for
// wasip1 of about 2.5 MB) and, for measure=process only, c-hello
// (testdata/programs/c/hello.wasm, a C hello world built with wasi-libc).
//
// The measures, each the work of one iteration:
//
//   - decode: decoding and validating the module's bytes, without preparing
//     it to run (terra: wasm.Parse). Only implementations with a Decode.
//   - compile: compiling the module's bytes with Runtime.Compile, and closing
//     the result, which for wazero evicts it from its in-memory cache so
//     that every iteration compiles anew. terra lowers functions lazily, at
//     their first call, so its compile is decode+validate plus setup;
//     wazero's interpreter lowers every function to its IR, and its compiler
//     translates every function to machine code.
//   - instantiate: instantiating a module compiled beforehand, then closing
//     the instance: the per-request cost of an isolated instance once the
//     code is ready, in the pooled case, where each instance reuses what
//     the one before left (terra: its memory reservation, with the pages
//     resident and the data image in place, and its storage). The teardown
//     is timed too, because every request pays it. gohello's imports of
//     WASI are resolved against one WASI host module instantiated in the
//     runtime beforehand; its _start is not run.
//   - instantiate-fresh: the same instantiation while every earlier
//     instance of the measure stays open, so that nothing of a closed
//     instance can be reused: the fresh case, as in a burst of requests.
//     For terra each instance gets a new memory reservation, whose pages
//     fault in as the data image and the instance touch them. The instances
//     are closed when the measure ends, untimed. Since each holds one of
//     the process's sandbox.DefaultReservations, at most FreshCap stay
//     open: then, untimed, they are closed, the module is compiled anew and
//     the implementation's Trim releases what it kept (see Fresh). wazero,
//     which pools nothing, does the work of instantiate less the close.
//   - first-instruction (tiny): from raw bytes to a call that returns, per
//     iteration: compile, instantiate, call add(2, 3), close the instance
//     and the compiled module. This is the latency of a cold request for a
//     module that was never seen.
//   - first-call (tiny): the first call of add on a fresh instance of a
//     freshly compiled module, alone; the compiling and instantiating before
//     it, and the closing after it, are not timed. For terra it includes
//     lowering add, which happens at its first call.
//   - warm-call (tiny): a call of add on an instance that has already called
//     it once, for comparison with first-call.
//   - process (c-hello): running the program in a new operating-system
//     process with the implementation's command-line runner, from fork to
//     exit: process start, runtime start, compile, instantiate and run.
//     Only implementations with a Command; the runner is built once per
//     benchmark run with `go build`, and the sub-benchmark is skipped if
//     there is no go command.
func Startup(b *testing.B, root string, impls []Impl) {
	ctx := context.Background()
	gohello, err := os.ReadFile(filepath.Join(root, "bench/workloads/gohello/gohello.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	tiny := startupModule{name: "tiny", wasm: TinyModule(0)}
	modules := []startupModule{
		tiny,
		{name: "tiny-data64k", wasm: TinyModule(65536)},
		{name: "gohello", wasm: gohello, wasi: true},
	}
	// each runs f as the sub-benchmark measure=measure/module=m/impl=I for
	// every implementation, with a new runtime that f may use.
	each := func(measure string, m startupModule, f func(b *testing.B, impl Impl, rt Runtime)) {
		b.Run("measure="+measure+"/module="+m.name, func(b *testing.B) {
			for _, impl := range impls {
				b.Run("impl="+impl.Name, func(b *testing.B) {
					rt, err := impl.New(ctx, m.wasi)
					if errors.Is(err, terra.ErrTierUnavailable) {
						b.Skip(err)
					}
					if err != nil {
						b.Fatal(err)
					}
					defer rt.Close(ctx)
					b.ReportAllocs()
					f(b, impl, rt)
				})
			}
		})
	}

	for _, m := range modules {
		each("decode", m, func(b *testing.B, impl Impl, _ Runtime) {
			if impl.Decode == nil {
				b.Skipf("%s has no separate decode", impl.Name)
			}
			timeEach(b, func() error { return impl.Decode(m.wasm) })
		})
	}

	for _, m := range modules {
		each("compile", m, func(b *testing.B, _ Impl, rt Runtime) {
			timeEach(b, func() error {
				cm, err := rt.Compile(ctx, m.wasm)
				if err != nil {
					return err
				}
				return cm.Close(ctx)
			})
		})
	}

	for _, m := range modules {
		each("instantiate", m, func(b *testing.B, _ Impl, rt Runtime) {
			cm, err := rt.Compile(ctx, m.wasm)
			if err != nil {
				b.Fatal(err)
			}
			defer cm.Close(ctx)
			timeEach(b, func() error {
				inst, err := cm.Instantiate(ctx)
				if err != nil {
					return err
				}
				return inst.Close(ctx)
			})
		})
	}

	for _, m := range modules {
		each("instantiate-fresh", m, func(b *testing.B, impl Impl, rt Runtime) {
			f, err := NewFresh(ctx, impl, rt, m.wasm)
			if err != nil {
				b.Fatal(err)
			}
			// Closed on failure too: open instances hold reservations
			// that later sub-benchmarks need.
			defer func() {
				if err := f.Close(ctx); err != nil {
					b.Error(err)
				}
			}()
			var lat Latencies
			for b.Loop() {
				if f.Full() {
					b.StopTimer()
					if err := f.Restart(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				d, err := f.Instantiate(ctx)
				lat.Add(d)
				if err != nil {
					b.Fatal(err)
				}
			}
			lat.Report(b)
		})
	}

	each("first-instruction", tiny, func(b *testing.B, _ Impl, rt Runtime) {
		var res []uint64
		timeEach(b, func() error {
			cm, err := rt.Compile(ctx, tiny.wasm)
			if err != nil {
				return err
			}
			inst, err := cm.Instantiate(ctx)
			if err != nil {
				return err
			}
			if res, err = callAdd(ctx, inst); err != nil {
				return err
			}
			if err := inst.Close(ctx); err != nil {
				return err
			}
			return cm.Close(ctx)
		})
		checkAdd(b, res)
	})

	each("first-call", tiny, func(b *testing.B, _ Impl, rt Runtime) {
		var lat Latencies
		for b.Loop() {
			b.StopTimer()
			cm, err := rt.Compile(ctx, tiny.wasm)
			if err != nil {
				b.Fatal(err)
			}
			inst, err := cm.Instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			add := inst.Func("add")
			if add == nil {
				b.Fatal("no exported function add")
			}
			b.StartTimer()
			t0 := time.Now()
			res, err := add(ctx, 2, 3)
			lat.Add(time.Since(t0))
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			checkAdd(b, res)
			if err := inst.Close(ctx); err != nil {
				b.Fatal(err)
			}
			if err := cm.Close(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		lat.Report(b)
	})

	each("warm-call", tiny, func(b *testing.B, _ Impl, rt Runtime) {
		cm, err := rt.Compile(ctx, tiny.wasm)
		if err != nil {
			b.Fatal(err)
		}
		defer cm.Close(ctx)
		inst, err := cm.Instantiate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Close(ctx)
		add := inst.Func("add")
		if add == nil {
			b.Fatal("no exported function add")
		}
		res, err := add(ctx, 2, 3)
		if err != nil {
			b.Fatal(err)
		}
		checkAdd(b, res)
		var lat Latencies
		for b.Loop() {
			t0 := time.Now()
			res, err := add(ctx, 2, 3)
			lat.Add(time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			checkAdd(b, res)
		}
		lat.Report(b)
	})

	// The runners are built once per implementation, into a directory that
	// lasts as long as b.
	binDir := b.TempDir()
	chello := startupModule{name: "c-hello"}
	each("process", chello, func(b *testing.B, impl Impl, _ Runtime) {
		if impl.Command == nil {
			b.Skipf("%s has no command-line runner", impl.Name)
		}
		if _, err := exec.LookPath("go"); err != nil {
			b.Skipf("no go command to build the runner: %v", err)
		}
		dir := filepath.Join(binDir, impl.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		argv, err := impl.Command(root, dir)
		if err != nil {
			b.Fatal(err)
		}
		argv = append(argv, filepath.Join(root, "testdata/programs/c/hello.wasm"))
		// One untimed run checks the output and warms the file cache.
		out, err := exec.Command(argv[0], argv[1:]...).Output()
		if err != nil {
			b.Fatalf("%q: %v", argv, err)
		}
		if !bytes.Contains(out, []byte("hello")) {
			b.Fatalf("%q printed %q, want a hello", argv, out)
		}
		var lat Latencies
		for b.Loop() {
			cmd := exec.Command(argv[0], argv[1:]...)
			t0 := time.Now()
			err := cmd.Run()
			lat.Add(time.Since(t0))
			if err != nil {
				b.Fatalf("%q: %v", argv, err)
			}
		}
		lat.Report(b)
	})
}

// timeEach runs op once per iteration of b, timing each run for the
// percentiles; an error fails the benchmark.
func timeEach(b *testing.B, op func() error) {
	var lat Latencies
	for b.Loop() {
		t0 := time.Now()
		err := op()
		lat.Add(time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.Report(b)
}

// FreshCap is the most instances that measure=instantiate-fresh keeps open
// at once: well below sandbox.DefaultReservations, the budget that terra's
// instances share with everything else in the process, whatever the number
// of iterations.
const FreshCap = 256

// Fresh makes the instances of measure=instantiate-fresh: instances of one
// module, each made while the earlier ones stay open. It is shared by
// Startup and bench/peers/report.
type Fresh struct {
	impl Impl
	rt   Runtime
	wasm []byte
	cm   Compiled
	open []Instance
}

// NewFresh trims impl, so that the first instance finds nothing kept by
// earlier measures, and compiles wasm in rt, a runtime of impl.
func NewFresh(ctx context.Context, impl Impl, rt Runtime, wasm []byte) (*Fresh, error) {
	f := &Fresh{impl: impl, rt: rt, wasm: wasm}
	f.trim()
	if err := f.compile(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// compile compiles the module anew: a compiled module may keep the storage
// of its closed instances for the next ones.
func (f *Fresh) compile(ctx context.Context) error {
	cm, err := f.rt.Compile(ctx, f.wasm)
	if err != nil {
		return err
	}
	f.cm = cm
	return nil
}

// trim calls the implementation's Trim, if any.
func (f *Fresh) trim() {
	if f.impl.Trim != nil {
		f.impl.Trim()
	}
}

// Full reports whether FreshCap instances are open, so that Restart must
// come before the next Instantiate.
func (f *Fresh) Full() bool { return len(f.open) >= FreshCap }

// Instantiate makes one more instance, keeps it open and returns how long
// the instantiation took.
func (f *Fresh) Instantiate(ctx context.Context) (time.Duration, error) {
	if f.Full() {
		return 0, fmt.Errorf("bench: %d fresh instances open; Restart first", len(f.open))
	}
	t0 := time.Now()
	inst, err := f.cm.Instantiate(ctx)
	d := time.Since(t0)
	if err != nil {
		return d, err
	}
	f.open = append(f.open, inst)
	return d, nil
}

// Restart closes what is open, as Close does, and compiles the module anew.
func (f *Fresh) Restart(ctx context.Context) error {
	if err := f.Close(ctx); err != nil {
		return err
	}
	return f.compile(ctx)
}

// Close closes the open instances and the compiled module, and trims the
// implementation, so that what they leave serves no later instance.
func (f *Fresh) Close(ctx context.Context) error {
	var errs []error
	for _, inst := range f.open {
		errs = append(errs, inst.Close(ctx))
	}
	f.open = nil
	errs = append(errs, f.cm.Close(ctx))
	f.trim()
	return errors.Join(errs...)
}

// callAdd calls add(2, 3) on inst.
func callAdd(ctx context.Context, inst Instance) ([]uint64, error) {
	add := inst.Func("add")
	if add == nil {
		return nil, errors.New("no exported function add")
	}
	return add(ctx, 2, 3)
}

// checkAdd fails b unless res is the result of add(2, 3).
func checkAdd(b *testing.B, res []uint64) {
	if len(res) != 1 || res[0] != 5 {
		b.Fatalf("add(2, 3) = %v, want [5]", res)
	}
}

// TerraImpl returns terra with the given tier, named "terra-" plus the tier.
// Its Decode is wasm.Parse with the 2.0 features, its Command builds
// cmd/terra-run and runs it with --tier, and its Trim trims the process's
// sandbox pool, whose idle memories every terra runtime reuses.
func TerraImpl(tier terra.Tier) Impl {
	return Impl{
		Name: "terra-" + string(tier),
		New: func(ctx context.Context, withWASI bool) (Runtime, error) {
			rt, err := terra.NewRuntime(terra.Config{Tier: tier})
			if err != nil {
				return nil, err
			}
			r := &terraRuntime{rt: rt}
			if withWASI {
				w, err := wasi.Instantiate(ctx, rt, wasi.Config{Args: []string{"startup"}})
				if err != nil {
					return nil, err
				}
				r.wasi = w
			}
			return r, nil
		},
		Decode: func(data []byte) error {
			_, err := wasm.Parse(data, wasm.Features2_0)
			return err
		},
		Command: func(root, dir string) ([]string, error) {
			bin := filepath.Join(dir, "terra-run")
			cmd := exec.Command("go", "build", "-o", bin, "./cmd/terra-run")
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("go build ./cmd/terra-run: %v\n%s", err, out)
			}
			return []string{bin, "--tier", string(tier)}, nil
		},
		Trim: sandbox.Shared().Trim,
	}
}

// terraRuntime is a Runtime of terra, with the WASI module it made if any.
type terraRuntime struct {
	rt   *terra.Runtime
	wasi *wasi.Module
}

func (r *terraRuntime) Compile(ctx context.Context, data []byte) (Compiled, error) {
	cm, err := r.rt.Compile(ctx, data)
	if err != nil {
		return nil, err
	}
	return &terraCompiled{rt: r.rt, cm: cm}, nil
}

// Close closes the WASI module, if any. A terra.Runtime itself holds nothing
// to release.
func (r *terraRuntime) Close(context.Context) error {
	if r.wasi != nil {
		return r.wasi.Close()
	}
	return nil
}

type terraCompiled struct {
	rt *terra.Runtime
	cm *terra.CompiledModule
}

func (c *terraCompiled) Instantiate(ctx context.Context) (Instance, error) {
	inst, err := c.rt.Instantiate(ctx, c.cm, terra.InstanceConfig{})
	if err != nil {
		return nil, err
	}
	return terraInstance{inst}, nil
}

// Close does nothing: a terra.CompiledModule has nothing to release, and
// terra keeps no cache of compiled modules.
func (c *terraCompiled) Close(context.Context) error { return nil }

type terraInstance struct{ inst *terra.Instance }

func (i terraInstance) Func(name string) Func {
	f := i.inst.ExportedFunction(name)
	if f == nil {
		return nil
	}
	return f.Call
}

func (i terraInstance) Close(context.Context) error { return i.inst.Close() }
