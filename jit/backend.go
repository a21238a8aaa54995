package jit

import (
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Reg is a machine register as a backend numbers it: general-purpose and
// floating-point registers share one space of at most MaxRegs numbers.
type Reg uint8

// NoReg is no register.
const NoReg Reg = 0xFF

// MaxRegs bounds the register numbers of every backend.
const MaxRegs = 64

// Class is a register class.
type Class uint8

// Register classes.
const (
	GP Class = iota // integers and references
	FP              // floats
)

// ClassOf returns the class of registers that hold values of type t.
func ClassOf(t wasm.ValueType) Class {
	if t == wasm.F32 || t == wasm.F64 {
		return FP
	}
	return GP
}

// Registers describes a backend's register file to the front end.
type Registers struct {
	// Alloc lists, per class, the registers the front end allocates for
	// operand-stack values, in order of preference.
	Alloc [2][]Reg
	// Locals lists, per class, the registers that hold the function's first
	// locals of that class for the whole function ("pinned" locals). They
	// are disjoint from Alloc.
	Locals [2][]Reg
	// Class gives each register's class.
	Class [MaxRegs]Class
}

// Label is a position in the code that branches target, as the backend
// numbers them.
type Label int32

// Cond is a condition the backend's flags can be tested for, as it encodes
// them; the front end only passes them back.
type Cond uint8

// Backend emits the machine code of one architecture for the front end. A
// backend value compiles one function at a time (Begin to End) and is used
// by one goroutine.
//
// Slots are the function's frame cells: slot i is local i for i below the
// number of locals, then the operand stack, one slot per height. The
// backend decides where slots live; parameters live where the caller put
// its arguments, so that a call passes them in place.
type Backend interface {
	// Registers describes the register file; called once.
	Registers() *Registers
	// Begin starts the function c.Frame describes: its frame and prologue
	// (stack check, poll, pinned parameters loaded, other locals zeroed).
	// The backend keeps c for the function's other calls.
	Begin(c *Compiler)
	// Op emits an instruction that the front end does not handle itself:
	// numeric instructions, memory accesses, globals, memory.size,
	// reference instructions and the rest, reading immediates from the
	// front end's reader and operands from its stack. It reports false for
	// an instruction it does not compile, which leaves the function to the
	// interpreter.
	Op(c *Compiler, op wasm.Opcode) bool
	// Move copies a value of type t between locations. Moves never change
	// the flags, so that a condition survives them.
	Move(t wasm.ValueType, dst, src Loc)
	// NewLabel returns an unbound label; Bind binds it here.
	NewLabel() Label
	Bind(l Label)
	// Jump jumps to l; Branch jumps to l when c holds, or when it does not
	// if negate.
	Jump(l Label)
	Branch(c Cond, negate bool, l Label)
	// Test sets the flags from an i32 in r and returns the condition that
	// holds when it is not zero.
	Test(r Reg) Cond
	// SetCond writes 1 to r if c holds, else 0, as an i32.
	SetCond(c Cond, r Reg)
	// Poll emits a poll of the call context's flag at a loop header, with
	// an exit that keeps the pinned locals, which are in their registers.
	Poll()
	// BrTable jumps to targets[i] for the i32 index in r, to the last
	// target when i is out of range.
	BrTable(r Reg, targets []Label)
	// Call calls function fn of the module (imports first) whose
	// arguments and results occupy the slots from argSlot on (cells =
	// max(params, results)).
	Call(fn uint32, argSlot, cells uint32)
	// CallIndirect calls through table table with the i32 element index
	// in r, checking the element against type ti.
	CallIndirect(ti, table uint32, r Reg, argSlot, cells uint32)
	// Return moves the results, in the slots from resultSlot on, to where
	// the caller expects them and returns.
	Return(resultSlot uint32)
	// Trap emits an unconditional trap.
	Trap(kind store.TrapKind)
	// SavePinned stores pinned locals to their slots before code that
	// clobbers registers; LoadPinned loads them back. Each takes the list
	// of locals.
	SavePinned(locals []uint32)
	LoadPinned(locals []uint32)
	// OSREntry emits, after the body, an entry for on-stack replacement
	// at the header of a loop, the instruction at module offset offset: it
	// makes the function's frame as the prologue does, fills its first
	// slots slots (locals, then the operand stack) from the cells at the
	// call context's EnterSlots, loads the pinned locals and jumps to
	// target, the loop's label. The loop header's state is thereby the
	// interpreter's frame: every slot in memory, the pinned locals in
	// their registers too.
	OSREntry(target Label, slots, offset uint32)
	// End finishes the function and returns its code and what maps into
	// it.
	End() (Output, error)
}

// Output is a compiled function.
type Output struct {
	Code []byte
	// Sites map offsets in Code to instructions, sorted by PC.
	Sites []Site
	// OSR lists the entries for on-stack replacement: PC is an entry's
	// offset in Code, Offset the module offset of the loop it enters.
	OSR []Site
}

// Frame describes the function being compiled to the backend.
type Frame struct {
	Module *wasm.Module
	Index  uint32 // in the module's function index space
	Info   *wasm.FuncInfo
	// Locals and Params count the function's locals (parameters
	// included) and parameters; MaxHeight is the operand stack's largest
	// height. Cells is max(params, results): the size of the area the
	// caller passes arguments and takes results in.
	Locals, Params, Results, MaxHeight, Cells uint32
	// Pinned gives, per local, its pinned register or NoReg.
	Pinned []Reg
	// Layout is the instance context's layout.
	Layout *Layout
}

// Layout is what a backend needs of an instance context's layout.
type Layout struct {
	Tables, Globals, Imports uint32
}

// Site maps a code offset to the WebAssembly instruction behind it: a
// call's return address, a memory access that may fault, a trap.
type Site struct {
	PC     uint32 // offset in the function's code
	Offset uint32 // byte offset of the instruction in the module
}
