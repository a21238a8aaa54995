// Package abi declares the data layouts that Go and generated machine code
// share: the per-instance context, the per-call context, function records and
// table views. Generated code reads them at fixed offsets, so every offset a
// compiler uses is a constant of this file, and TestLayout checks each one
// against the Go types.
//
// # Registers
//
// JIT code keeps the call context in the sandbox's context register (R15 on
// amd64, R19 on arm64) and the instance context of the function it runs in a
// second register that each backend names; calls between instances switch
// the latter.
//
// # Lifetimes
//
// The instance context is a block of words in the Go heap that holds
// addresses, not Go pointers: the garbage collector does not trace through
// it, so everything it points to is also kept alive by the instance's Go
// fields (store.Instance). Function records are Go objects; their pointer
// fields are real pointers.
package abi

import (
	"unsafe"

	"github.com/terra-runtime/terra/sandbox"
)

// FuncRecord is the head of every function instance (store.Function embeds
// it first): what code needs to check and make a call through a table.
//
//	offset  field
//	0       TypeID (4 bytes, then 4 bytes of padding)
//	8       Handle
//	16      Entry: address of the function's entry word
//	24      Context: the instance context of the function's instance (nil
//	        for host functions)
type FuncRecord struct {
	// TypeID is the store-wide ID of the signature: equal signatures have
	// equal IDs, so call_indirect compares integers.
	TypeID uint32
	_      uint32
	// Handle is the funcref handle, set when the function is registered and
	// cleared when its instance is released, so that a reference that
	// outlived the instance no longer matches a table's handle.
	Handle uint64
	// Entry points to the word that says which code runs the function: its
	// module's entry-table slot, or for host functions a process-wide word.
	// One atomic store there switches tiers for every instance.
	Entry *uintptr
	// Context is the instance context the function runs with.
	Context unsafe.Pointer
}

// Offsets in FuncRecord.
const (
	FuncTypeID  = 0
	FuncHandle  = 8
	FuncEntry   = 16
	FuncContext = 24
)

// TableView is a table as the instances that use it see it, in their
// instance context: the addresses of its two arrays and its length. A table
// updates every view of it when it grows.
//
//	offset  field
//	0       Funcs: address of the []*store.Function array (nil entries
//	        for null and for externref tables)
//	8       Elems: address of the []uint64 array of reference handles
//	16      Len: elements
//	24      (padding to 32 bytes)
type TableView struct {
	Funcs uintptr
	Elems uintptr
	Len   uint64
	_     uint64
}

// Offsets in TableView.
const (
	TableFuncs = 0
	TableElems = 8
	TableLen   = 16
	TableSize  = 32
)

// InstanceContext is the fixed head of an instance context. The sections
// of a module's Layout follow it.
//
//	offset  field
//	0       MemBase: address of memory 0's first byte (0 without memory)
//	8       Memory: address of memory 0's store.MemoryInstance (0 without)
//	16      Entries: address of the module's entry table, one word per
//	        function it defines
//	24      TypeIDs: address of the []uint32 of store-wide IDs of the
//	        module's types, by type index
//	32      Funcs: address of the function index space ([]*store.Function)
//	40      HandleBase: the handle of the module's first own function; own
//	        function i has HandleBase | i<<HandleIndexShift
//	48      Instance: the *store.Instance, for Go to find it from generated
//	        code's registers
//	56      (reserved)
type InstanceContext struct {
	MemBase    uintptr
	Memory     uintptr
	Entries    uintptr
	TypeIDs    uintptr
	Funcs      uintptr
	HandleBase uint64
	Instance   uintptr
	_          uint64
}

// Offsets in InstanceContext.
const (
	CtxMemBase    = 0
	CtxMemory     = 8
	CtxEntries    = 16
	CtxTypeIDs    = 24
	CtxFuncs      = 32
	CtxHandleBase = 40
	CtxInstance   = 48
	CtxHeadSize   = 64
)

// MemoryLen is the offset of the length in bytes of a store.MemoryInstance's
// contents (Bytes comes first), for memory.size.
const MemoryLen = 8

// HandleIndexShift is where a function's index in its instance sits in a
// handle (see store.Store).
const HandleIndexShift = 20

// ImportedFunc is an imported function in the importer's instance context.
//
//	offset  field
//	0       Entry: address of the callee's entry word
//	8       Context: the callee's instance context
//	16      Func: the callee's store.Function
type ImportedFunc struct {
	Entry   uintptr
	Context uintptr
	Func    uintptr
}

// Offsets in ImportedFunc.
const (
	ImportEntry   = 0
	ImportContext = 8
	ImportFunc    = 16
	ImportSize    = 24
)

// Layout gives the offsets of a module's sections in its instance context,
// which follow the fixed head: one TableView per table, one address per
// global (of its value; a v128's high half follows it), one ImportedFunc per
// imported function. Imports come first in each index space.
type Layout struct {
	Tables, Globals, Imports uint32
	// Size is the whole context's size in bytes, a multiple of 8.
	Size uint32
}

// NewLayout returns the layout of a module with the given numbers of tables,
// globals and imported functions.
func NewLayout(tables, globals, importedFuncs int) Layout {
	l := Layout{Tables: CtxHeadSize}
	l.Globals = l.Tables + uint32(tables)*TableSize
	l.Imports = l.Globals + uint32(globals)*8
	l.Size = l.Imports + uint32(importedFuncs)*ImportSize
	return l
}

// Table returns the offset of table i's view.
func (l Layout) Table(i uint32) uint32 { return l.Tables + i*TableSize }

// Global returns the offset of global i's address.
func (l Layout) Global(i uint32) uint32 { return l.Globals + i*8 }

// Import returns the offset of imported function i.
func (l Layout) Import(i uint32) uint32 { return l.Imports + i*ImportSize }

// CallContext is what generated code finds in the context register: the
// sandbox's Context, then the engine's per-call fields. One exists per call
// from Go into WebAssembly that reaches generated code (and stays across
// tiers and nested entries).
//
//	offset  field
//	0       sandbox.Context (sandbox.ContextSize bytes)
//	80      Exit: what an exit asks Go to do (an Exit kind), 4 bytes,
//	        then 4 bytes of padding
//	88      ExitFunc: the *store.Function to call (ExitCall)
//	96      ExitArgs: address of the cells of the arguments and results,
//	        in reverse order (argument i at ExitArgs+8*(n-1-i) of n); for
//	        an entry, of the Go buffer holding them in order
//	104     ExitArg: an operand of the request
//	112     ExitResult: what Go answers
//	120     ExitContext: the instance context of the code that exited
//	128     StackLimit: the lowest stack address a frame may reach
//	136     EnterTarget: the machine code an entry calls
//	144     EnterContext: its instance context
//	152     EnterFunc: its *store.Function
//	160     EnterCells: the cells of its argument area (4 bytes)
//	164     EnterResults: its result cells (4 bytes)
//	168     EnterSlots: for an entry at a loop (on-stack replacement), the
//	        address of the interpreter's frame slots to start from
//	176     end
type CallContext struct {
	sandbox.Context
	Exit         uint32
	_            uint32
	ExitFunc     uintptr
	ExitArgs     uintptr
	ExitArg      uint64
	ExitResult   uint64
	ExitContext  uintptr
	StackLimit   uintptr
	EnterTarget  uintptr
	EnterContext uintptr
	EnterFunc    uintptr
	EnterCells   uint32
	EnterResults uint32
	EnterSlots   uintptr
}

// Offsets in CallContext.
const (
	CallExit         = sandbox.ContextSize
	CallExitFunc     = CallExit + 8
	CallExitArgs     = CallExit + 16
	CallExitArg      = CallExit + 24
	CallExitResult   = CallExit + 32
	CallExitContext  = CallExit + 40
	CallStackLimit   = CallExit + 48
	CallEnterTarget  = CallExit + 56
	CallEnterContext = CallExit + 64
	CallEnterFunc    = CallExit + 72
	CallEnterCells   = CallExit + 80
	CallEnterResults = CallExit + 84
	CallEnterSlots   = CallExit + 88
	CallSize         = CallExit + 96
)

// Exit kinds: what generated code asks of Go when it exits.
const (
	// ExitPoll: Poll was set; Go handles interruption, profiling and
	// preemption, then resumes.
	ExitPoll uint32 = iota + 1
	// ExitCall: call ExitFunc (a host function or one still interpreted)
	// with the cells at ExitArgs, writing its results over them.
	ExitCall
	// ExitRare: run an instruction the code leaves to Go (memory.grow,
	// bulk memory, table instructions) for the instance of ExitContext:
	// ExitArg packs the opcode and up to two immediates (RareArg), the
	// operands are at ExitArgs, a result goes to ExitResult.
	ExitRare
)

// RareArg packs an instruction and its immediates (each below 1<<24) for
// ExitRare.
func RareArg(op uint16, imm1, imm2 uint32) uint64 {
	return uint64(op)<<48 | uint64(imm1)<<24 | uint64(imm2)
}

// UnpackRare undoes RareArg.
func UnpackRare(arg uint64) (op uint16, imm1, imm2 uint32) {
	return uint16(arg >> 48), uint32(arg>>24) & (1<<24 - 1), uint32(arg) & (1<<24 - 1)
}

// Poll bits besides sandbox.PollPreempt.
const (
	// PollInterrupt: the call's context is done.
	PollInterrupt uint32 = 2
	// PollSample: a profile sample is due.
	PollSample uint32 = 4
)
