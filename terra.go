// Package terra runs WebAssembly modules.
//
// A Runtime compiles modules (decodes and validates them once) and
// instantiates them. Compiled modules are safe for concurrent use and share
// their code among all their instances:
//
//	rt, err := terra.NewRuntime(terra.Config{})
//	cm, err := rt.Compile(ctx, wasmBytes)
//	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
//	results, err := inst.ExportedFunction("add").Call(ctx, 2, 3)
//
// # Values
//
// Arguments and results are uint64 cells, as in the WebAssembly stack
// machine: i32 and f32 zero-extended (use math.Float32bits and
// math.Float32frombits for floats), i64 and f64 as their bits, a v128 as two
// cells (low half first), and references as opaque handles, 0 being null.
// A funcref handle names a function of the runtime; an externref handle is
// any value the host chooses.
//
// # Namespace
//
// A module's imports name a module and a field. The module name is looked
// up first in InstanceConfig.Imports, then among the runtime's named
// instances. Instantiating with a non-empty InstanceConfig.Name gives the
// instance that name, which must be free: names are unique among a
// runtime's open instances, and Instance.Close frees the name. Host
// modules, built with Runtime.NewHostModule, are instances like any other;
// HostModuleBuilder.Instantiate names them after the builder.
//
// # Host functions
//
// Host functions are Go functions that modules import. Func0 to Func4 and
// Proc0 to Proc4 adapt typed Go functions; HostModuleBuilder.FuncRaw takes
// a HostFunc, which reads its arguments from a stack of cells and writes its
// results over them. Either way the function learns its Caller, whose
// memory it may read and write.
//
// # Errors
//
// Traps are *Trap errors (wrapped: use errors.As), link failures *LinkError,
// and a module that fails to decode or validate yields a
// *wasm.MalformedError or *wasm.InvalidError. A call whose context ends
// traps with TrapInterrupted, whether WebAssembly code or a host function
// was running; a host function that panics ends the call with a
// *HostPanicError. Nil arguments and closed runtimes, modules and
// instances give errors (ErrNil, ErrRuntimeClosed, ErrModuleClosed,
// ErrClosed), never panics.
//
// # Lifecycle
//
// Runtime.Close closes every instance and module of a runtime, giving their
// memory reservations back to the process's pool, which all runtimes share
// (see SetReservationLimit, Config.MaxMemories and Runtime.Stats).
//
// # Concurrency
//
// A Runtime and its CompiledModules are safe for concurrent use. An
// Instance, like the memory it owns, is not: use each from one goroutine at
// a time.
package terra

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/interp"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// Tier selects how WebAssembly code runs.
type Tier string

// Execution tiers.
const (
	// TierInterp runs every function in the interpreter.
	TierInterp Tier = "interp"
	// TierJIT compiles every function to machine code when the module is
	// compiled (linux/amd64); functions that use SIMD stay interpreted.
	TierJIT Tier = "jit"
	// TierTiered starts every function in the interpreter and compiles
	// those that turn hot to machine code in the background (see Tiering),
	// where TierJIT is available.
	TierTiered Tier = "tiered"
)

// Defaults of Tiering.
const (
	// DefaultTierThreshold is about 10,000 instructions run in the
	// interpreter, some 30 µs: a function that ran that long is likely to
	// run long enough to repay its compilation, which takes about 0.1 ms.
	// The tier experiments (bench/tiers) put the tiered engine closest to
	// the better of the interpreter and the JIT there, across 150 sizes of
	// 17 workloads, among thresholds from 1,000 to 1,000,000.
	DefaultTierThreshold = 10000
)

// inlineCompileBytes is the largest function body that compiles on the
// goroutine that made it hot when no other compile is pending (see
// engine.Tiering.InlineBytes): about 0.1-0.2 ms of compiling.
const inlineCompileBytes = 4096

// DefaultTierWorkers returns the default of Tiering.Workers: half the
// processors Go may use, at least one, so that compilation leaves room
// for the code that waits for it.
func DefaultTierWorkers() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// Tiering configures TierTiered. The zero value selects the defaults.
type Tiering struct {
	// Threshold is how much work a function does in the interpreter before
	// it is compiled: its calls and loop iterations, each weighted by the
	// instructions it runs. Zero means DefaultTierThreshold.
	Threshold int
	// Workers bounds the goroutines that compile in the background; zero
	// means DefaultTierWorkers().
	Workers int
	// Eager compiles every function in the background as soon as the
	// module is compiled, instead of when it turns hot; calls run in the
	// interpreter until their code is ready.
	Eager bool
	// NoOSR turns off on-stack replacement: a call that is running in the
	// interpreter when its function's code is ready finishes there.
	NoOSR bool
	// Sync compiles a function that turns hot on the goroutine of the call
	// that made it hot, which waits for its code, instead of in the
	// background: which calls and loop iterations run on which tier is
	// then reproducible, for tests and measurements. Eager compiles stay
	// in the background.
	Sync bool
	// forceOSR is for tests (see export_test.go): modules compile at
	// once, yet every call starts in the interpreter and moves to machine
	// code at its first loop iteration.
	forceOSR bool
}

// CoreVersion selects a release of the WebAssembly core specification.
type CoreVersion string

// Core specification releases.
const (
	CoreV1 CoreVersion = "1.0" // WebAssembly 1.0 (the MVP, with mutable-global import and export)
	CoreV2 CoreVersion = "2.0" // WebAssembly 2.0: 1.0 plus sign extension, non-trapping conversions, multi-value, bulk memory, reference types and SIMD
)

// Config configures a Runtime. The zero value is valid: the interpreter
// with all of WebAssembly 2.0 and no limits beyond the defaults.
type Config struct {
	// Tier selects how code runs; empty means TierInterp.
	Tier Tier
	// Tiering configures TierTiered; other tiers ignore it.
	Tiering Tiering
	// Core is the specification release that Compile accepts; empty means
	// CoreV2. It also decides how instantiation treats segments that do
	// not fit: a link error in 1.0, a trap in 2.0.
	Core CoreVersion
	// DisabledFeatures removes features from those of Core, for example
	// wasm.FeatureSIMD.
	DisabledFeatures wasm.Features
	// MaxCallDepth bounds nested calls; deeper recursion traps with
	// TrapStackExhausted. Zero means the tier's default.
	MaxCallDepth int
	// Profile, if set, receives the WebAssembly call stack of running code
	// (innermost frame first) about every ProfileInterval, on the calling
	// goroutine; it must not keep the slice. It is the source of guest
	// profiles: Go's own profiler cannot see into guest code.
	Profile func(frames []Frame)
	// ProfileInterval is the sampling period; zero means 10ms.
	ProfileInterval time.Duration
	// MemoryLimitPages bounds every memory that instances define, in 64 KiB
	// pages: a module whose memory needs more fails to instantiate (with
	// ErrMemoryLimit), and memory.grow fails beyond it. Zero means no limit
	// beyond the module's own maximum.
	MemoryLimitPages uint32
	// CacheDir, if not empty, is a directory where TierJIT and TierTiered
	// keep the machine code of whole modules, so that a later Compile of
	// the same module (by this process or another) loads it instead of
	// compiling it.
	//
	// TierJIT reads the entry while the module parses and loads it before
	// Compile returns; on a miss it compiles the module and stores its
	// code before Compile returns. TierTiered's Compile returns once the
	// module is parsed, as without a cache, so that a hit starts as soon as
	// the interpreter would: the module starts in the interpreter, and a
	// job in the background reads the entry, loads it and switches every
	// function it has (running loops move by on-stack replacement), a few
	// milliseconds later for a module of megabytes. On a miss, that job
	// compiles the whole module once more while tiering runs as usual,
	// giving way to hot functions, stores it, and switches the functions
	// still interpreted to it. Runtime.Close waits for these jobs.
	//
	// An entry is keyed by the module's bytes, its features, the build of
	// terra (the executable's Go build ID), the architecture and the CPU
	// features the code uses; a corrupt, stale or mismatched entry is
	// detected before anything runs and compiled again. The directory is
	// created (mode 0700) if missing, and must not be writable by others:
	// whoever can write it chooses the machine code this process runs. A
	// cache that cannot be used costs compilations, never a failed
	// Compile: see RuntimeStats.Cache. Only Compile, which sees the
	// module's bytes, uses it; CompileModule does not.
	CacheDir string
	// CacheMaxBytes bounds the size of CacheDir's entries: beyond it, the
	// entries used longest ago are removed. Zero means 512 MiB.
	CacheMaxBytes int64
	// cacheLoad is for tests (see cacheLoadWait and export_test.go).
	cacheLoad cacheLoad
	// MaxMemories bounds the memory reservations that the runtime's
	// instances hold at once, out of the process's budget that every
	// runtime shares (see SetReservationLimit), so that a runtime that
	// leaks instances cannot starve the others: beyond it, instantiation
	// fails with ErrAddressSpace. Zero means no bound but the process's.
	MaxMemories int
}

// features returns the feature set that c selects.
func (c Config) features() (wasm.Features, error) {
	switch c.Core {
	case "", CoreV2:
		return wasm.Features2_0 &^ c.DisabledFeatures, nil
	case CoreV1:
		return wasm.Features1_0 &^ c.DisabledFeatures, nil
	}
	return 0, fmt.Errorf("terra: unknown core version %q", c.Core)
}

// Runtime compiles and instantiates modules. Instances of one runtime can
// import from each other; instances of different runtimes cannot. A
// Runtime is safe for concurrent use.
type Runtime struct {
	features wasm.Features
	memLimit uint32
	store    *store.Store
	engine   *engine.Engine
	// native is the JIT tier, nil when the runtime has none.
	native *jit.Tier
	// cache is the compiled-code cache, nil without one.
	cache *codeCache
	// hostMemory allocates host modules' memories; nil where memories are
	// Go slices.
	hostMemory store.MemoryAllocator

	mu sync.Mutex
	// names holds the named instances. A nil entry reserves a name for an
	// instantiation in progress.
	names map[string]*Instance
	life  runtimeLife // guarded by mu (see lifecycle.go)
}

// BestTier returns the fastest tier this build and platform provide:
// TierTiered where terra compiles to machine code, else TierInterp.
func BestTier() Tier {
	if nativeArch() == nil || !sandbox.Native {
		return TierInterp
	}
	return TierTiered
}

// NewRuntime returns a runtime configured by cfg. Tiers this build or
// platform does not provide fail with ErrTierUnavailable.
func NewRuntime(cfg Config) (*Runtime, error) {
	features, err := cfg.features()
	if err != nil {
		return nil, err
	}
	if cfg.MaxCallDepth < 0 {
		return nil, fmt.Errorf("terra: negative MaxCallDepth %d", cfg.MaxCallDepth)
	}
	if cfg.MaxMemories < 0 {
		return nil, fmt.Errorf("terra: negative MaxMemories %d", cfg.MaxMemories)
	}
	if cfg.Tiering.Threshold < 0 || cfg.Tiering.Workers < 0 {
		return nil, fmt.Errorf("terra: negative Tiering.Threshold %d or Tiering.Workers %d", cfg.Tiering.Threshold, cfg.Tiering.Workers)
	}
	if cfg.CacheMaxBytes < 0 {
		return nil, fmt.Errorf("terra: negative CacheMaxBytes %d", cfg.CacheMaxBytes)
	}
	e, native, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	hostMemory, err := engine.NewPooledMemory(nil)
	if err != nil {
		return nil, fmt.Errorf("terra: %w", err)
	}
	r := &Runtime{
		features: features,
		memLimit: cfg.MemoryLimitPages,
		store:    store.New(),
		engine:   e,
		native:   native,
		cache:    newCodeCache(cfg, e, native),
		names:    make(map[string]*Instance),
	}
	r.life.maxMemories = int64(cfg.MaxMemories)
	if hostMemory != nil {
		r.hostMemory = r.life.counted(hostMemory)
	}
	return r, nil
}

// newEngine builds the engine of the tier cfg selects.
func newEngine(cfg Config) (*engine.Engine, *jit.Tier, error) {
	ecfg := engine.Config{Profile: cfg.Profile, ProfileInterval: cfg.ProfileInterval}
	interpreter := &interp.Tier{MaxCallDepth: cfg.MaxCallDepth}
	switch cfg.Tier {
	case "", TierInterp:
		return engine.New(ecfg, interpreter, nil, 0), nil, nil
	case TierJIT, TierTiered:
		arch := nativeArch()
		if arch == nil {
			return nil, nil, fmt.Errorf("terra: tier %q on %s/%s: %w", cfg.Tier, runtime.GOOS, runtime.GOARCH, ErrTierUnavailable)
		}
		native, err := jit.NewTier(arch)
		if err != nil {
			return nil, nil, fmt.Errorf("terra: tier %q: %w", cfg.Tier, err)
		}
		if cfg.Tier == TierTiered {
			t := cfg.Tiering
			ecfg.Tiering = engine.Tiering{
				Threshold: int64(t.Threshold), Workers: t.Workers, Eager: t.Eager, Sync: t.Sync, OSR: !t.NoOSR, ForceOSR: t.forceOSR,
			}
			if t.Threshold == 0 {
				ecfg.Tiering.Threshold = DefaultTierThreshold
			}
			ecfg.Tiering.InlineBytes = inlineCompileBytes
			if t.Workers == 0 {
				ecfg.Tiering.Workers = DefaultTierWorkers()
			}
		}
		return engine.New(ecfg, interpreter, native, native.InterpEntry()), native, nil
	}
	return nil, nil, fmt.Errorf("terra: unknown tier %q", cfg.Tier)
}

// Compile decodes and validates a binary module. Errors wrap a
// *wasm.MalformedError or *wasm.InvalidError that locates the problem.
// Compile copies wasmBytes, which the caller may reuse.
func (r *Runtime) Compile(ctx context.Context, wasmBytes []byte) (*CompiledModule, error) {
	if err := r.check(ctx); err != nil {
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	data := bytes.Clone(wasmBytes)
	pre := r.cache.prefetch(data, r.features)
	defer pre.release()
	m, err := wasm.Parse(data, r.features)
	if err != nil {
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	return r.newCompiled(m, pre.nativeCompile())
}

// CompileModule prepares a module that the caller has decoded and
// validated with wasm.Parse, for embedders that parse modules themselves.
// The module keeps the features it was parsed with, which decide its
// semantics; the runtime's Config.Core does not apply. m must not be
// modified afterwards.
func (r *Runtime) CompileModule(m *wasm.Module) (*CompiledModule, error) {
	if err := r.check(context.Background()); err != nil {
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("terra: compile: nil module: %w", ErrNil)
	}
	if len(m.FuncInfo) != len(m.Code) {
		return nil, errors.New("terra: compile: module not validated; use wasm.Parse")
	}
	return r.newCompiled(m, nil)
}

// newCompiled prepares m's code, with native in place of the native tier's
// Compile if not nil (see engine.CompileWith).
func (r *Runtime) newCompiled(m *wasm.Module, native func(*store.ModuleCode) error) (*CompiledModule, error) {
	code, err := r.engine.CompileWith(m, native)
	if err != nil {
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	cm := &CompiledModule{rt: r, module: m, code: code, image: store.NewImage(m)}
	mem, err := engine.NewPooledMemory(cm.image)
	if err != nil {
		_ = code.Close()
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	if mem != nil {
		cm.memory = r.life.counted(mem)
	}
	if err := r.addModule(cm); err != nil {
		cm.free()
		return nil, fmt.Errorf("terra: compile: %w", err)
	}
	return cm, nil
}

// InstanceConfig configures one instantiation.
type InstanceConfig struct {
	// Name, if not empty, registers the instance in the runtime under
	// this name, so that later instances can import from it. It must not
	// be in use by another open instance.
	Name string
	// Imports maps module names to instances of the same runtime to import
	// from. They take precedence over the runtime's named instances, and
	// need no name of their own.
	Imports map[string]*Instance
}

// Instantiate creates an instance of cm: it resolves cm's imports (see the
// package documentation for the namespace rules), initialises tables and
// memories from the module's segments, and runs its start function.
//
// Errors wrap a *LinkError if an import is missing or has the wrong type,
// a *Trap if a segment does not fit (WebAssembly 2.0) or the start function
// traps, ErrNameInUse if cfg.Name is taken, ErrMemoryLimit if a memory
// exceeds Config.MemoryLimitPages, ErrAddressSpace if no memory
// reservation is left, and ErrRuntimeClosed or ErrModuleClosed.
func (r *Runtime) Instantiate(ctx context.Context, cm *CompiledModule, cfg InstanceConfig) (*Instance, error) {
	what := "instantiate"
	if cfg.Name != "" {
		what = fmt.Sprintf("instantiate %q", cfg.Name)
	}
	if err := r.check(ctx); err != nil {
		return nil, fmt.Errorf("terra: %s: %w", what, err)
	}
	if cm == nil {
		return nil, fmt.Errorf("terra: %s: nil CompiledModule: %w", what, ErrNil)
	}
	if cm.rt != r {
		return nil, fmt.Errorf("terra: %s: module compiled by another runtime", what)
	}
	for module, inst := range cfg.Imports {
		switch {
		case inst == nil:
			return nil, fmt.Errorf("terra: %s: imports of %q: nil instance", what, module)
		case inst.rt != r:
			return nil, fmt.Errorf("terra: %s: imports of %q: instance of another runtime", what, module)
		case inst.closed.Load():
			return nil, fmt.Errorf("terra: %s: imports of %q: %w", what, module, ErrClosed)
		}
	}
	if !cm.state.acquire() {
		return nil, fmt.Errorf("terra: %s: %w", what, ErrModuleClosed)
	}
	if err := r.reserve(cfg.Name); err != nil {
		cm.instanceClosed()
		return nil, fmt.Errorf("terra: %s: %w", what, err)
	}
	inst := &Instance{rt: r, name: cfg.Name, cm: cm}
	var err error
	if cm.host != nil {
		inst.inst, err = r.instantiateHost(cm.host, cfg.Name)
	} else {
		inst.inst, err = store.Instantiate(ctx, r.store, cm.module, resolver{r, cfg.Imports}, cm.code,
			r.engine.Call, store.Options{Name: cfg.Name, MemoryLimitPages: r.memLimit, Image: cm.image, Memory: cm.memory,
				Recycler: &cm.recycler})
	}
	if err != nil {
		inst = nil
		cm.instanceClosed()
	}
	r.settle(cfg.Name, inst)
	if err == nil {
		err = r.track(inst)
	}
	if err != nil {
		return nil, fmt.Errorf("terra: %s: %w", what, err)
	}
	return inst, nil
}

// reserve claims name for an instantiation in progress; the empty name
// needs no claim.
func (r *Runtime) reserve(name string) error {
	if name == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.names[name]; taken {
		return fmt.Errorf("module name %q: %w", name, ErrNameInUse)
	}
	r.names[name] = nil
	return nil
}

// settle ends the reservation of name: it registers inst under it, or
// frees it if inst is nil.
func (r *Runtime) settle(name string, inst *Instance) {
	if name == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if inst == nil {
		delete(r.names, name)
	} else {
		r.names[name] = inst
	}
}

// Module returns the open instance registered under name, or nil.
func (r *Runtime) Module(name string) *Instance {
	if r == nil || r.store == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.names[name]
}

// resolver resolves imports from an instantiation's explicit imports, then
// from the runtime's named instances.
type resolver struct {
	rt      *Runtime
	imports map[string]*Instance
}

func (res resolver) Resolve(module, name string) (store.Extern, bool) {
	inst := res.imports[module]
	if inst == nil {
		inst = res.rt.Module(module)
	}
	if inst == nil {
		return store.Extern{}, false
	}
	ext, ok := inst.inst.Exports[name]
	return ext, ok
}
