// Package interp is terra's interpreter tier. Each function is lowered at its
// first call from validated WebAssembly into a compact register-style code
// whose operands are frame slots, with branch targets resolved; the lowered
// code is cached in Code and shared by every instance of the module.
package interp

import (
	"sync/atomic"

	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// LoweredModule holds the lowered functions of one module. It is safe for concurrent
// use: each function is lowered once, on first call, and published
// atomically.
type LoweredModule struct {
	code   *store.ModuleCode
	module *wasm.Module
	funcs  []atomic.Pointer[function] // per defined function
}

// Close implements store.TierCode: lowered code is ordinary Go memory.
func (c *LoweredModule) Close() error { return nil }

// Tier is the interpreter: an engine.Tier that runs every function it is
// given.
type Tier struct {
	// MaxCallDepth bounds nested calls; deeper recursion traps with
	// store.TrapStackExhausted. Zero means DefaultMaxCallDepth.
	MaxCallDepth int
	// MaxStackCells bounds the value stack of one call, in 64-bit cells;
	// zero means DefaultMaxStackCells.
	MaxStackCells int
}

// Defaults for Tier's limits. Go's wasip1 port runs goroutines on its own
// stacks and the standard library's tests recurse deeply, so the defaults are
// generous: 8 MiB of value stack.
const (
	DefaultMaxCallDepth  = 100000
	DefaultMaxStackCells = 1 << 20
)

// Compile prepares the interpreter's code for a module. It lowers nothing:
// that happens at each function's first call.
func (t *Tier) Compile(code *store.ModuleCode) error {
	code.Tiers[store.TierInterp] = &LoweredModule{
		code:   code,
		module: code.Module,
		funcs:  make([]atomic.Pointer[function], len(code.Module.Code)),
	}
	return nil
}

// Retire implements engine.Retirer: calls within the module find lowered
// functions directly, and would keep running those that another tier took
// over in the interpreter. A frame already running one finishes here.
func (t *Tier) Retire(code *store.ModuleCode, indexes []int) {
	lm, _ := code.Tiers[store.TierInterp].(*LoweredModule)
	if lm == nil {
		return
	}
	for _, i := range indexes {
		if !code.Interpreted(uint32(i)) {
			lm.funcs[i].Store(nil)
		}
	}
}

// Invoke runs f in the interpreter as part of call c.
func (t *Tier) Invoke(c *engine.Call, caller *store.Instance, f *store.Function, stack []uint64) error {
	m, _ := c.State(store.TierInterp).(*machine)
	if m == nil {
		m = t.newMachine(c)
		c.SetState(store.TierInterp, m)
	}
	return m.invoke(f, stack)
}

// codeOf returns the interpreter's code of an instance's module.
func codeOf(inst *store.Instance) *LoweredModule {
	c, _ := inst.Code.Tiers[store.TierInterp].(*LoweredModule)
	return c
}
