// Package engine runs WebAssembly functions on execution tiers. A Tier (the
// interpreter, a native backend) compiles modules and runs their functions;
// an Engine routes every call to the tier that its function's entry word
// selects, and provides what all tiers share within one call from Go: the
// context and its interruption, nesting of host calls, stack traces across
// tiers, profiling samples and the tiering counters.
package engine

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Tier is an execution tier.
type Tier interface {
	// Compile adds the tier's code for code's module to code.Tiers, and may
	// switch entries in code.Entries to its own machine code.
	Compile(code *store.ModuleCode) error
	// Invoke runs f, a function defined by a module the tier compiled, as
	// part of call c. stack holds f's arguments and receives its results;
	// it is at least as long as either. caller is the instance whose code
	// made the call, nil when Go made it.
	Invoke(c *Call, caller *store.Instance, f *store.Function, stack []uint64) error
}

// Config holds the limits and hooks of an Engine.
type Config struct {
	// Profile, if set, receives the WebAssembly call stack (innermost
	// first) of a running call about every ProfileInterval, on the calling
	// goroutine; it must not keep the slice.
	Profile func(frames []store.Frame)
	// ProfileInterval defaults to DefaultProfileInterval.
	ProfileInterval time.Duration
	// Tiering, when its Threshold is set, turns on the counters and, with a
	// native tier, moves functions to it as they turn hot instead of
	// compiling modules on it all at once.
	Tiering Tiering
}

// DefaultProfileInterval is the profiling period when
// Config.ProfileInterval is zero: 100 samples a second, as Go's CPU profiler
// takes.
const DefaultProfileInterval = 10 * time.Millisecond

// MaxNesting bounds calls from Go into WebAssembly made by host functions
// that WebAssembly code called (wasm -> host -> wasm -> ...). Each level
// nests on the Go stack, so unbounded host recursion would end in a fatal Go
// stack overflow; past the bound the call traps with TrapStackExhausted.
// Calls between tiers within one call are not nesting: they do not count.
const MaxNesting = 200

// Engine runs a runtime's functions. It is safe for concurrent use.
type Engine struct {
	cfg    Config
	interp Tier
	native Native
	// interpEntry is the entry word of interpreted functions.
	interpEntry uintptr
	// tierer compiles hot functions; nil without tiering.
	tierer *tierer
}

// New returns an engine whose functions start on interp; native, if not
// nil, takes over the functions it compiles: every function of a module
// when it is compiled, or, with tiering, those that turn hot. interpEntry
// is the entry word of interpreted functions: the address of native's stub
// that exits to Go, or 0.
func New(cfg Config, interp Tier, native Native, interpEntry uintptr) *Engine {
	if cfg.ProfileInterval <= 0 {
		cfg.ProfileInterval = DefaultProfileInterval
	}
	e := &Engine{cfg: cfg, interp: interp, native: native, interpEntry: interpEntry}
	if native != nil && cfg.Tiering.Threshold > 0 {
		retire, _ := interp.(Retirer)
		e.tierer = newTierer(native, retire, cfg.Tiering.Workers)
	}
	return e
}

// Close stops tiering: it drops the functions queued and waits for those
// being compiled, and for the background jobs. Calls may still run, on
// the code they have.
func (e *Engine) Close() {
	if e.tierer != nil {
		e.tierer.close()
	}
}

// Background runs job in the background with the lowest priority of the
// engine's compilations: job calls pause between steps, which returns once
// no hot function waits for its code or is being compiled, so that job
// costs hot functions no time and takes a worker's place only when no
// worker needs it. Close waits for job. Background reports false, and does
// not run job, without tiering or once the engine is closed.
func (e *Engine) Background(job func(pause func())) bool {
	if e.tierer == nil {
		return false
	}
	return e.tierer.background(job)
}

// Retire tells the interpreter that functions indexes of code, defined
// functions, may have moved to machine code outside tiering, as when a
// background job installed a module's code.
func (e *Engine) Retire(code *store.ModuleCode, indexes []int) {
	if r, ok := e.interp.(Retirer); ok {
		r.Retire(code, indexes)
	}
}

// TieringStats returns what tiering did so far.
func (e *Engine) TieringStats() TieringStats {
	if e.tierer == nil {
		return TieringStats{}
	}
	return e.tierer.snapshot()
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// Compile prepares the code of a validated module on the engine's tiers.
func (e *Engine) Compile(m *wasm.Module) (*store.ModuleCode, error) {
	return e.CompileWith(m, nil)
}

// CompileWith is Compile with native, if not nil and the engine has a
// native tier, in place of that tier's Compile: a compiled-code cache's,
// which loads the code or compiles and stores it. With tiering, native
// runs too and may give functions their machine code at once (a cache's
// hit) or arrange for it in the background; the functions it leaves to the
// interpreter tier up as usual.
func (e *Engine) CompileWith(m *wasm.Module, native func(*store.ModuleCode) error) (*store.ModuleCode, error) {
	code := store.NewCode(m, e.interpEntry)
	if err := e.interp.Compile(code); err != nil {
		return nil, err
	}
	switch {
	case e.tierer != nil && e.cfg.Tiering.ForceOSR:
		if err := e.native.Compile(code); err != nil {
			_ = code.Close()
			return nil, err
		}
	case e.tierer != nil:
		if native != nil {
			if err := native(code); err != nil {
				_ = code.Close()
				return nil, err
			}
		}
		if !e.cfg.Tiering.Eager {
			break
		}
		for i := 0; i < len(m.Code); i += maxBatch {
			indexes := make([]int, 0, maxBatch)
			for j := i; j < min(i+maxBatch, len(m.Code)); j++ {
				if code.Interpreted(uint32(j)) && code.Counters[j].Hot.CompareAndSwap(false, true) {
					indexes = append(indexes, j)
				}
			}
			e.tierer.enqueue(code, indexes...)
		}
	case e.native != nil:
		if native == nil {
			native = e.native.Compile
		}
		if err := native(code); err != nil {
			_ = code.Close()
			return nil, err
		}
	}
	return code, nil
}

// Call runs f with args (one cell per value, two for a v128) and returns its
// results. f may be a host function or belong to any instance of the
// engine's runtime. Traps are returned as *store.Trap; a host function's
// error is returned as is.
//
// A Go panic during the call (a bug in the engine, or a panicking host
// function) does not take the process down: it is returned as an
// *InternalError, and the call's state is discarded rather than reused.
func (e *Engine) Call(ctx context.Context, f *store.Function, args []uint64) (results []uint64, err error) {
	nesting, _ := ctx.Value(nestingKey{}).(int)
	if nesting >= MaxNesting {
		return nil, &store.Trap{Kind: store.TrapStackExhausted}
	}
	if err := ctx.Err(); err != nil {
		return nil, &store.Trap{Kind: store.TrapInterrupted, Cause: err}
	}
	c := e.newCall(ctx, nesting)
	defer func() {
		if r := recover(); r != nil {
			results, err = nil, &InternalError{Value: r, Stack: debug.Stack()}
			c.abandon()
			return
		}
		c.release()
	}()
	nres := cells(f.Type.Results)
	stack := make([]uint64, max(len(args), nres))
	copy(stack, args)
	// Tiers keep i32 and f32 cells zero-extended and rely on it (and, or,
	// xor and copies pass the upper half through): normalize what the host
	// passed.
	at := 0
	for _, t := range f.Type.Params {
		if t == wasm.I32 || t == wasm.F32 {
			stack[at] &= 0xFFFFFFFF
		}
		at += t.Slots()
	}
	if err := c.Invoke(nil, f, stack); err != nil {
		return nil, err
	}
	return stack[:nres], nil
}

func cells(ts []wasm.ValueType) int {
	n := 0
	for _, t := range ts {
		n += t.Slots()
	}
	return n
}

// nestingKey marks, in the context host functions receive, how deeply the
// engine is nested.
type nestingKey struct{}

// InternalError reports a Go panic recovered during a call.
type InternalError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %v\n%s", e.Value, e.Stack)
}
