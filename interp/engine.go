// Package interp is terra's interpreter tier. Each function is lowered at its
// first call from validated WebAssembly into a compact register-style code
// whose operands are frame slots, with branch targets resolved; the lowered
// code is cached in Code and shared by every instance of the module.
package interp

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Code holds the lowered functions of one module. It is safe for concurrent
// use: each function is lowered once, on first call, and published
// atomically.
type Code struct {
	module *wasm.Module
	funcs  []atomic.Pointer[function] // per defined function
	// Counters for tiering: per defined function, calls and loop back-edges.
	counters []Counters
}

// Counters counts a function's activity for tiering decisions.
type Counters struct {
	Calls     atomic.Uint64
	BackEdges atomic.Uint64
}

// NewCode prepares the interpreter's code for a validated module. It lowers
// nothing: that happens at each function's first call.
func NewCode(m *wasm.Module) *Code {
	return &Code{
		module:   m,
		funcs:    make([]atomic.Pointer[function], len(m.Code)),
		counters: make([]Counters, len(m.Code)),
	}
}

// Counters returns the counters of defined function i (index among the
// module's own functions, imports excluded).
func (c *Code) Counters(i int) *Counters { return &c.counters[i] }

// Engine runs functions in the interpreter.
type Engine struct {
	// MaxCallDepth bounds nested calls; deeper recursion traps with
	// store.TrapStackExhausted. Zero means DefaultMaxCallDepth.
	MaxCallDepth int
	// MaxStackCells bounds the value stack of one call, in 64-bit cells;
	// zero means DefaultMaxStackCells.
	MaxStackCells int
	// Count enables the per-function tiering counters.
	Count bool
	// Sample, if set, receives the wasm call stack (innermost first) of a
	// running call about every SampleInterval: the basis of guest profiles.
	// It runs on the calling goroutine and must not keep frames.
	Sample func(frames []store.Frame)
	// SampleInterval defaults to DefaultSampleInterval.
	SampleInterval time.Duration
}

// DefaultSampleInterval is the profiling period when Engine.SampleInterval
// is zero: 100 samples a second, as Go's CPU profiler takes.
const DefaultSampleInterval = 10 * time.Millisecond

// Defaults for Engine's limits. Go's wasip1 port runs goroutines on its own
// stacks and the standard library's tests recurse deeply, so the defaults are
// generous: 8 MiB of value stack.
const (
	DefaultMaxCallDepth  = 100000
	DefaultMaxStackCells = 1 << 20
)

// Call runs f with args (one cell per value, two for a v128) and returns its
// results. f may be a host function or belong to any instance whose Code is
// a *Code. Traps are returned as *store.Trap; a host function's error is
// returned as is.
//
// A Go panic during the call (a bug in the engine, or a panicking host
// function) does not take the process down: it is returned as an
// *InternalError, and the machine is discarded rather than reused.
func (e *Engine) Call(ctx context.Context, f *store.Function, args []uint64) (results []uint64, err error) {
	nesting, _ := ctx.Value(nestingKey{}).(int)
	if nesting >= MaxNesting {
		return nil, &store.Trap{Kind: store.TrapStackExhausted}
	}
	m := e.newMachine(ctx)
	m.nesting = nesting
	defer func() {
		if r := recover(); r != nil {
			results, err = nil, &InternalError{Value: r, Stack: debug.Stack()}
			if m.stop != nil {
				m.stop()
			}
			return
		}
		m.release()
	}()
	return m.call(f, args)
}

// MaxNesting bounds calls into the engine made from host functions that
// were themselves called by wasm code (wasm -> host -> wasm -> ...). Each
// level nests on the Go stack, so unbounded host recursion would end in a
// fatal Go stack overflow; past the bound the call traps with
// store.TrapStackExhausted instead.
const MaxNesting = 200

// nestingKey marks, in the context host functions receive, how deeply the
// engine is nested.
type nestingKey struct{}

// InternalError reports a Go panic recovered during a call.
type InternalError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("interp: internal error: %v\n%s", e.Value, e.Stack)
}
