#include "textflag.h"
#include "abi.h"

// Offsets in the kernel's ucontext_t: uc_mcontext.gregs starts at 0x28, in
// the order R8-R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP.
#define uc_r15 0x60
#define uc_rbx 0x80
#define uc_rax 0x90
#define uc_rcx 0x98
#define uc_rip 0xa8

// Every way out of generated code (return, trap, exit) stores why in the
// context and jumps to ctx_resume with SP at ctx_goSP: the continuation of
// the trampoline, enter or resume, that last went in.

// func enter(entry uintptr, ctx *Context, sp uintptr)
//
// The frame makes the assembler save and restore BP, so that a trap, which
// leaves BP as generated code had it, needs only the saved SP to resume.
TEXT ·enter(SB), NOSPLIT, $8-24
	MOVQ entry+0(FP), AX
	MOVQ ctx+8(FP), R15
	MOVQ sp+16(FP), CX
	MOVQ SP, ctx_goSP(R15)
	CALL call<>(SB)

	// The code returned, trapped or exited.
	MOVQ ctx_goSP(R15), SP
	RET

// call<> records its return address, the continuation in enter, switches to
// the native stack at CX and jumps to the generated code in AX with
// returnStub as its return address.
TEXT call<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ 0(SP), DX
	MOVQ DX, ctx_resume(R15)
	MOVQ CX, SP
	MOVQ $·returnStub(SB), DX
	PUSHQ DX
	JMP  AX

// func resume(ctx *Context)
//
// It loads the exit's frame pointer itself: its epilogue restores its own.
TEXT ·resume(SB), NOSPLIT, $8-8
	MOVQ ctx+0(FP), R15
	MOVQ SP, ctx_goSP(R15)
	MOVQ ctx_fp(R15), BP
	CALL again<>(SB)

	// The code returned, trapped or exited.
	MOVQ ctx_goSP(R15), SP
	RET

// again<> records its return address, the continuation in resume, and
// returns from the exit call with the stack pointer of the exit.
TEXT again<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ 0(SP), DX
	MOVQ DX, ctx_resume(R15)
	MOVQ ctx_exitSP(R15), SP
	RET

// returnStub is where the outermost generated frame returns.
TEXT ·returnStub(SB), NOSPLIT|NOFRAME, $0
	MOVL $0, ctx_trap(R15)
	MOVQ ctx_goSP(R15), SP
	MOVQ ctx_resume(R15), AX
	JMP  AX

// trapExit stores the trap in AX, BX and CX, and the frame pointer, into the
// context in R15 and returns to Go.
TEXT ·trapExit(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, ctx_trap(R15)
	MOVQ BX, ctx_faultPC(R15)
	MOVQ CX, ctx_faultAddr(R15)
	MOVQ BP, ctx_fp(R15)
	MOVQ ctx_goSP(R15), SP
	MOVQ ctx_resume(R15), AX
	JMP  AX

// exitStub is called by generated code to exit: it records where to resume
// and returns to Go with TrapExit.
TEXT ·exitStub(SB), NOSPLIT|NOFRAME, $0
	MOVQ 0(SP), AX
	MOVQ AX, ctx_exitPC(R15)
	MOVQ SP, ctx_exitSP(R15)
	MOVQ BP, ctx_fp(R15)
	MOVL $TrapExit, ctx_trap(R15)
	MOVQ ctx_goSP(R15), SP
	MOVQ ctx_resume(R15), AX
	JMP  AX

// func stubAddrs() (trap, exit uintptr)
TEXT ·stubAddrs(SB), NOSPLIT, $0-16
	MOVQ $·trapExit(SB), AX
	MOVQ AX, trap+0(FP)
	MOVQ $·exitStub(SB), AX
	MOVQ AX, exit+8(FP)
	RET

// func sigHandlerAddr() uintptr
TEXT ·sigHandlerAddr(SB), NOSPLIT, $0-8
	MOVQ $·sigHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// sigHandler receives SIGSEGV, SIGBUS and SIGURG from the kernel: DI is the
// signal, SI the siginfo, DX the ucontext. A kernel-generated fault of loaded
// code in a guard region resumes at trapExit with the trap in AX, BX and CX.
// SIGURG, the Go scheduler's request to yield, sets PollPreempt in the
// context of generated code it interrupts. Every other case, and SIGURG
// after that, goes to the Go runtime's handler with DI, SI, DX and SP as the
// kernel set them. It may clobber other registers: the kernel restores them
// from the ucontext.
TEXT ·sigHandler(SB), NOSPLIT|NOFRAME, $0
	CMPL DI, $SIGURG
	JEQ  urg
	MOVL si_code(SI), AX
	CMPL AX, $0
	JLE  forward

	MOVQ $1, AX
	LOCK
	XADDQ AX, ·tableReaders(SB)
	MOVQ ·table(SB), R8
	MOVQ table_data(R8), R9
	MOVQ table_len(R8), R10

	MOVQ uc_rip(DX), R11
	CALL lookup<>(SB)
	TESTQ R12, R12
	JZ   leave
	CMPQ span_kind(R12), $0
	JNE  leave

	MOVQ si_addr(SI), R11
	CALL lookup<>(SB)
	TESTQ R12, R12
	JZ   leave
	MOVQ span_kind(R12), AX
	TESTQ AX, AX
	JZ   leave

	MOVQ AX, uc_rax(DX)
	MOVQ uc_rip(DX), AX
	MOVQ AX, uc_rbx(DX)
	MOVQ si_addr(SI), AX
	MOVQ AX, uc_rcx(DX)
	MOVQ $·trapExit(SB), AX
	MOVQ AX, uc_rip(DX)
	MOVQ $-1, AX
	LOCK
	XADDQ AX, ·tableReaders(SB)
	RET

leave:
	MOVQ $-1, AX
	LOCK
	XADDQ AX, ·tableReaders(SB)

forward:
	CMPL DI, $SIGBUS
	JEQ  bus
	MOVQ ·forwardSEGV(SB), AX
	JMP  AX

bus:
	MOVQ ·forwardBUS(SB), AX
	JMP  AX

urg:
	MOVQ $1, AX
	LOCK
	XADDQ AX, ·tableReaders(SB)
	MOVQ ·table(SB), R8
	MOVQ table_data(R8), R9
	MOVQ table_len(R8), R10
	MOVQ uc_rip(DX), R11
	CALL lookup<>(SB)
	TESTQ R12, R12
	JZ   urgdone
	CMPQ span_kind(R12), $0
	JNE  urgdone
	MOVQ uc_r15(DX), R11
	LOCK
	ORL  $PollPreempt, ctx_poll(R11)

urgdone:
	MOVQ $-1, AX
	LOCK
	XADDQ AX, ·tableReaders(SB)
	MOVQ ·forwardURG(SB), AX
	JMP  AX

// lookup<> finds the span containing R11 among the R10 spans at R9, sorted
// by lo, and returns its address in R12, or 0. It clobbers AX, R13 and R14.
TEXT lookup<>(SB), NOSPLIT|NOFRAME, $0
	XORQ R12, R12 // lo: spans below it start at or before R11
	MOVQ R10, R13 // hi: spans from it start after R11

search:
	CMPQ R12, R13
	JAE  found
	LEAQ (R12)(R13*1), R14
	SHRQ $1, R14
	IMUL3Q $span_size, R14, AX
	CMPQ R11, (R9)(AX*1)
	JB   below
	LEAQ 1(R14), R12
	JMP  search

below:
	MOVQ R14, R13
	JMP  search

found:
	TESTQ R12, R12
	JZ   none
	DECQ R12
	IMUL3Q $span_size, R12, R12
	ADDQ R9, R12
	CMPQ R11, span_hi(R12)
	JAE  none
	RET

none:
	XORQ R12, R12
	RET
