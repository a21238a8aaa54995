package sandbox

// This file states the contract between the sandbox and generated machine
// code: how the code is entered, which registers it owns, how it returns and
// how it traps. The assembly in native_linux_*.s implements the sandbox's
// side; abi.h holds the offsets it uses, checked against this file by
// TestContextLayout.
//
// # Entry and return
//
// Run switches to a native Stack and calls the entry address with the
// hardware's call instruction (CALL on amd64, BL on arm64), the stack pointer
// at the stack's top (16-byte aligned before the call), and the Context
// pointer in the context register:
//
//	         context   trap kind   trap PC   trap address
//	amd64    R15       AX          BX        CX
//	arm64    R19       R0          R1        R2
//
// Generated code returns normally with RET (to the return address the call
// pushed on amd64, to LR on arm64), the stack pointer back at its entry value.
// Results travel through the caller's own context structure, which embeds
// Context as its first field; no register carries a result.
//
// # Registers
//
// Generated code may use every general-purpose and vector register, with
// these exceptions:
//   - The context register must hold the Context pointer at every instruction
//     that can fault and when the code returns or traps.
//   - Frame pointers stay valid (BP on amd64, R29 on arm64): a function that
//     changes one saves and restores it, keeping the chain that profilers
//     walk.
//   - arm64: never write R18 (the platform register) or R28 (the Go runtime's
//     g, read by its signal handler from the interrupted context). The
//     assembler uses R27 as a scratch register for large constants and
//     offsets. SP must stay 16-byte aligned.
//   - amd64: R14 and X15, which Go's internal ABI reserves, are free: the
//     ABI wrapper of the trampoline restores them. Clear the direction flag,
//     run VZEROUPPER after AVX code, and leave MXCSR (arm64: FPCR) as found.
//
// # Traps
//
// To trap, generated code puts the trap kind (non-zero), the address of the
// trapping instruction (or zero) and any address worth reporting (or zero) in
// the trap registers and jumps to TrapExitAddr(). The stub stores them in
// the Context and resumes the trampoline, abandoning every generated frame;
// Run returns the kind. Explicit traps (unreachable, integer division by
// zero, failed call_indirect checks, interruption) use this path.
//
// A memory access that faults in a guard region registered with
// RegisterGuard, from an instruction in a loaded Code, takes the same path
// through the signal handler: the kind is the region's, the PC is the
// faulting instruction's and the address is the one the kernel reported. A
// fault anywhere else is the Go runtime's, which crashes on faults outside Go
// code: generated code that touches memory it was not given is a compiler
// bug that must not be papered over.
//
// # Stack
//
// A native stack has GuardSize bytes of inaccessible memory below it, so a
// call or push past the bottom is a TrapStackExhausted. A frame larger than
// GuardSize could step over the guard: the code must touch such frames
// every GuardSize bytes, top down, before using them.
//
// # What the code must not do
//
// Generated code cannot be preempted: the Go runtime's stop-the-world phases
// (garbage collection among them) wait until it returns, and so does the
// collector's flush of per-P caches, which holds another P meanwhile (with
// GOMAXPROCS=2, every other goroutine stalls). Loops and function entries
// must poll a flag in the context and return to Go when it is set; the same
// check serves interruption, deadlines and fuel. The garbage
// collector does not scan native stacks or mmap'd memory, so every Go object
// the code uses must also be reachable from Go. Code may call into other
// loaded Code only while those objects are kept open by their owner: Run
// holds a reference only on the Code it enters.

// Context is the fixed head of the structure that generated code receives in
// the context register. A compiler embeds it as the first field of its own
// context and places its fields after it. Its layout is part of the ABI:
//
//	offset  field
//	0       saved Go stack pointer (the trampoline's)
//	8       resume address in the trampoline
//	16      Trap (4 bytes, then 4 bytes of padding)
//	24      FaultPC
//	32      FaultAddr
//	40      end (ContextSize)
type Context struct {
	goSP   uintptr
	resume uintptr
	// Trap is why the last Run ended, TrapNone for a normal return.
	Trap Trap
	_    uint32
	// FaultPC is the address of the trapping instruction, as the signal
	// handler or the explicit trap reported it.
	FaultPC uintptr
	// FaultAddr is the memory address that faulted (signal traps), or what
	// an explicit trap passed.
	FaultAddr uintptr
}

// ContextSize is the size of Context: a compiler's own fields start here.
const ContextSize = 40

// Trap is the reason generated code stopped. Values are those of
// store.TrapKind, so that a compiler converts one to the other with a cast;
// explicit traps may use any non-zero kind.
type Trap uint32

// Trap kinds the sandbox itself produces.
const (
	// TrapNone means the code returned normally.
	TrapNone Trap = 0
	// TrapOutOfBounds is a fault in a guard region of a linear memory.
	TrapOutOfBounds Trap = 2
	// TrapStackExhausted is a fault in a native stack's guard region.
	TrapStackExhausted Trap = 10
)

// GuardSize is the size of the inaccessible region below every native stack.
const GuardSize = 64 << 10
