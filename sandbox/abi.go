package sandbox

// This file states the contract between the sandbox and generated machine
// code: how the code is entered, which registers it owns, how it returns,
// traps, exits to Go and is resumed. The assembly in native_linux_*.s
// implements the sandbox's side; abi.h holds the offsets it uses, checked
// against this file by TestContextLayout.
//
// # Entry and return
//
// A Thread enters generated code on its native Stack: the entry address is
// reached with the stack pointer 16-byte aligned as it would be right after a
// call instruction (on amd64 a return address is on the stack, on arm64 it is
// in LR), and the Context pointer in the context register:
//
//	         context   trap kind   trap PC   trap address
//	amd64    R15       AX          BX        CX
//	arm64    R19       R0          R1        R2
//
// The return address leads to a stub that ends the run, so generated code
// returns normally with RET, the stack pointer back at its entry value.
// Results travel through memory the compiler chooses (its own context
// structure, which embeds Context as its first field, or the stack); no
// register carries a result.
//
// # Registers
//
// Generated code may use every general-purpose and vector register, with
// these exceptions:
//   - The context register holds the Context pointer at every instruction:
//     the signal handlers read it from the interrupted state.
//   - Frame pointers stay valid (BP on amd64, R29 on arm64): a function that
//     changes one saves and restores it, keeping the chain that profilers and
//     the engine's stack traces walk.
//   - arm64: never write R18 (the platform register) or R28 (the Go runtime's
//     g, read by its signal handler from the interrupted context). The
//     assembler uses R27 as a scratch register for large constants and
//     offsets. SP must stay 16-byte aligned.
//   - amd64: R14 and X15, which Go's internal ABI reserves, are free: the
//     ABI wrappers of the trampolines restore them. Clear the direction flag,
//     run VZEROUPPER after AVX code, and leave MXCSR (arm64: FPCR) as found.
//
// # Traps
//
// To trap, generated code puts the trap kind (non-zero, below TrapExit), the
// address of the trapping instruction (or zero) and any address worth
// reporting (or zero) in the trap registers and jumps to the address in the
// Context's trap-stub field. The stub stores them in the Context, with the
// frame pointer, and returns to Go, abandoning the run's frames.
// Explicit traps (unreachable, integer division by zero, failed
// call_indirect checks, interruption) use this path.
//
// A memory access that faults in a guard region registered with
// RegisterGuard, from an instruction in a loaded Code, takes the same path
// through the signal handler: the kind is the region's, the PC is the
// faulting instruction's and the address is the one the kernel reported. A
// fault anywhere else is the Go runtime's, which crashes on faults outside Go
// code: generated code that touches memory it was not given is a compiler
// bug that must not be papered over.
//
// # Exits
//
// To have Go do something (call a host function or an interpreted one, grow
// a memory, take a profile sample, let the garbage collector run), generated
// code stores the request where its compiler's Go side will look (its own
// context fields) and calls the address in the Context's exit-stub field
// with the hardware's call instruction. The stub records the stack pointer,
// the frame pointer and the return address, and returns to Go with TrapExit.
// Go does the work, and may enter generated code again meanwhile: that code
// runs on the same stack below the suspended frames. Thread.Resume then
// returns from the exit call. An exit clobbers every register except the
// stack pointer, the frame pointer and the context register; arm64's LR is
// the return address, as after any call.
//
// # Polling
//
// Poll is non-zero when Go wants the code to exit soon: the sandbox's SIGURG
// handler sets PollPreempt when the Go scheduler asks the goroutine running
// generated code to yield (for a stop-the-world pause of the garbage
// collector, or because it ran for too long), and Go code sets other bits
// with atomic.OrUint32 (interruption, profiling). Generated code must test
// Poll at loop headers and function entries and exit when it is non-zero;
// Go clears the bits it handled. (A program that calls
// signal.Ignore(syscall.SIGURG) turns the Go scheduler's preemption signal
// off for itself and for generated code alike: a later signal.Notify of
// SIGURG reinstalls the runtime's handler in place of the sandbox's.)
// Generated code cannot be preempted
// otherwise: the Go runtime's stop-the-world phases wait until it exits or
// returns, and so does the collector's flush of per-P caches, which holds
// another P meanwhile (with GOMAXPROCS=2, every other goroutine stalls).
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
// The garbage collector does not scan native stacks or mmap'd memory, so
// every Go object the code uses must also be reachable from Go. Code may
// call into other loaded Code only while those objects are kept open by their
// owner: a Thread holds a reference only on the Code it enters.

// Context is the fixed head of the structure that generated code receives in
// the context register. A compiler embeds it as the first field of its own
// context and places its fields after it. It must live in the Go heap (never
// on a goroutine stack, which moves while generated code is suspended). Its
// layout is part of the ABI:
//
//	offset  field
//	0       saved Go stack pointer (of the trampoline that entered or resumed)
//	8       where that trampoline continues
//	16      Trap (4 bytes)
//	20      Poll (4 bytes)
//	24      FaultPC
//	32      FaultAddr
//	40      FP: the frame pointer when the code last trapped or exited
//	48      the stack pointer at the last exit
//	56      the return address of the last exit
//	64      trap stub address (jump there to trap)
//	72      exit stub address (call it to exit)
//	80      end (ContextSize)
type Context struct {
	goSP   uintptr
	resume uintptr
	// Trap is why the code last stopped: TrapNone when it returned,
	// TrapExit when it exited, otherwise the kind of trap.
	Trap Trap
	// Poll asks the code to exit at its next poll (see abi.go).
	Poll uint32
	// FaultPC is the address of the trapping instruction, as the signal
	// handler or the explicit trap reported it.
	FaultPC uintptr
	// FaultAddr is the memory address that faulted (signal traps), or what
	// an explicit trap passed.
	FaultAddr uintptr
	// FP is the frame pointer when the code last trapped or exited: the
	// head of the chain of generated frames, for stack traces.
	FP       uintptr
	exitSP   uintptr
	exitPC   uintptr
	trapStub uintptr
	exitStub uintptr
}

// ContextSize is the size of Context: a compiler's own fields start here.
const ContextSize = 80

// Offsets of the Context fields generated code uses.
const (
	ContextPoll     = 20
	ContextTrapStub = 64
	ContextExitStub = 72
)

// ExitPC returns the return address of the code's last exit: where Resume
// continues, inside the generated function that exited.
func (c *Context) ExitPC() uintptr { return c.exitPC }

// Trap is the reason generated code stopped. Values below TrapExit are those
// of store.TrapKind, so that a compiler converts one to the other with a
// cast; explicit traps may use any other non-zero kind below TrapExit.
type Trap uint32

// Trap kinds the sandbox itself produces.
const (
	// TrapNone means the code returned normally.
	TrapNone Trap = 0
	// TrapOutOfBounds is a fault in a guard region of a linear memory.
	TrapOutOfBounds Trap = 2
	// TrapStackExhausted is a fault in a native stack's guard region.
	TrapStackExhausted Trap = 10
	// TrapExit means the code exited to Go and waits to be resumed.
	TrapExit Trap = 1 << 16
)

// Poll bits.
const (
	// PollPreempt is set by the SIGURG handler: the Go scheduler wants the
	// goroutine to yield.
	PollPreempt uint32 = 1
)

// GuardSize is the size of the inaccessible region below every native stack.
const GuardSize = 64 << 10
