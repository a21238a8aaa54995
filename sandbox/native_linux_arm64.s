#include "textflag.h"
#include "abi.h"

// Offsets in the kernel's ucontext_t: uc_mcontext.regs[i] is at 184+8*i.
#define uc_r0 184
#define uc_r1 192
#define uc_r2 200
#define uc_r19 336
#define uc_pc 440

// Every way out of generated code (return, trap, exit) stores why in the
// context and jumps to ctx_resume with RSP at ctx_goSP: the continuation of
// the trampoline, enter or resume, that last went in.

// func enter(entry uintptr, ctx *Context, sp uintptr)
//
// The frame makes the assembler save and restore LR and R29, so that a trap,
// which leaves them as generated code had them, needs only the saved SP to
// resume.
TEXT ·enter(SB), NOSPLIT, $16-24
	MOVD entry+0(FP), R0
	MOVD ctx+8(FP), R19
	MOVD sp+16(FP), R1
	MOVD RSP, R2
	MOVD R2, ctx_goSP(R19)
	// Instructions fetched before another thread flushed the code must not
	// run (see flushICache).
	ISB  $15
	BL   call<>(SB)

	// The code returned, trapped or exited.
	MOVD ctx_goSP(R19), R2
	MOVD R2, RSP
	RET

// call<> records its return address, the continuation in enter, switches to
// the native stack at R1 and jumps to the generated code in R0 with
// returnStub as its return address.
TEXT call<>(SB), NOSPLIT|NOFRAME, $0
	MOVD R30, ctx_resume(R19)
	MOVD R1, RSP
	MOVD $·returnStub(SB), R30
	JMP  (R0)

// func resume(ctx *Context)
//
// It loads the exit's frame pointer itself: its epilogue restores its own.
TEXT ·resume(SB), NOSPLIT, $16-8
	MOVD ctx+0(FP), R19
	MOVD RSP, R2
	MOVD R2, ctx_goSP(R19)
	MOVD ctx_fp(R19), R29
	ISB  $15
	BL   again<>(SB)

	// The code returned, trapped or exited.
	MOVD ctx_goSP(R19), R2
	MOVD R2, RSP
	RET

// again<> records its return address, the continuation in resume, and
// returns from the exit call with the stack pointer of the exit.
TEXT again<>(SB), NOSPLIT|NOFRAME, $0
	MOVD R30, ctx_resume(R19)
	MOVD ctx_exitSP(R19), R3
	MOVD R3, RSP
	MOVD ctx_exitPC(R19), R30
	RET

// returnStub is where the outermost generated frame returns.
TEXT ·returnStub(SB), NOSPLIT|NOFRAME, $0
	MOVW ZR, ctx_trap(R19)
	MOVD ctx_goSP(R19), R3
	MOVD R3, RSP
	MOVD ctx_resume(R19), R3
	JMP  (R3)

// trapExit stores the trap in R0, R1 and R2, and the frame pointer, into the
// context in R19 and returns to Go.
TEXT ·trapExit(SB), NOSPLIT|NOFRAME, $0
	MOVW R0, ctx_trap(R19)
	MOVD R1, ctx_faultPC(R19)
	MOVD R2, ctx_faultAddr(R19)
	MOVD R29, ctx_fp(R19)
	MOVD ctx_goSP(R19), R3
	MOVD R3, RSP
	MOVD ctx_resume(R19), R3
	JMP  (R3)

// exitStub is called by generated code to exit: it records where to resume
// and returns to Go with TrapExit.
TEXT ·exitStub(SB), NOSPLIT|NOFRAME, $0
	MOVD R30, ctx_exitPC(R19)
	MOVD RSP, R3
	MOVD R3, ctx_exitSP(R19)
	MOVD R29, ctx_fp(R19)
	MOVW $TrapExit, R3
	MOVW R3, ctx_trap(R19)
	MOVD ctx_goSP(R19), R3
	MOVD R3, RSP
	MOVD ctx_resume(R19), R3
	JMP  (R3)

// func stubAddrs() (trap, exit uintptr)
TEXT ·stubAddrs(SB), NOSPLIT, $0-16
	MOVD $·trapExit(SB), R0
	MOVD R0, trap+0(FP)
	MOVD $·exitStub(SB), R0
	MOVD R0, exit+8(FP)
	RET

// func sigHandlerAddr() uintptr
TEXT ·sigHandlerAddr(SB), NOSPLIT, $0-8
	MOVD $·sigHandler(SB), R0
	MOVD R0, ret+0(FP)
	RET

// func flushICache(addr, n uintptr)
//
// Cleans the data cache and invalidates the instruction cache to the point
// of unification, line by line, with the line sizes CTR_EL0 gives. The
// barriers are inner-shareable, so other cores see the result; enter's ISB
// discards what a core may have fetched before.
TEXT ·flushICache(SB), NOSPLIT, $0-16
	MOVD addr+0(FP), R0
	MOVD n+8(FP), R1
	ADD  R0, R1, R1 // end
	MRS  CTR_EL0, R2

	// Data cache line: 4 << CTR_EL0.DminLine bytes.
	UBFX $16, R2, $4, R3
	MOVD $4, R4
	LSL  R3, R4, R4
	SUB  $1, R4, R5
	BIC  R5, R0, R6

clean:
	CMP  R1, R6
	BHS  cleaned
	DC   CVAU, R6
	ADD  R4, R6, R6
	B    clean

cleaned:
	DSB  $11 // ISH

	// Instruction cache line: 4 << CTR_EL0.IminLine bytes.
	AND  $15, R2, R3
	MOVD $4, R4
	LSL  R3, R4, R4
	SUB  $1, R4, R5
	BIC  R5, R0, R6

invalidate:
	CMP  R1, R6
	BHS  invalidated
	WORD $0xd50b7526 // IC IVAU, R6: the Go assembler lacks IC
	ADD  R4, R6, R6
	B    invalidate

invalidated:
	DSB  $11 // ISH
	ISB  $15
	RET

// sigHandler receives SIGSEGV, SIGBUS and SIGURG from the kernel: R0 is the
// signal, R1 the siginfo, R2 the ucontext, R30 the return to the kernel's
// restorer. A kernel-generated fault of loaded code in a guard region
// resumes at trapExit with the trap in R0, R1 and R2. SIGURG, the Go
// scheduler's request to yield, sets PollPreempt in the context of
// generated code it interrupts. Every other case, and SIGURG after that,
// goes to the Go runtime's handler with R0, R1, R2, R28 (g), R30 and RSP as
// the kernel set them. It uses only R3 to R15: the kernel restores the rest
// from the ucontext.
TEXT ·sigHandler(SB), NOSPLIT|NOFRAME, $0
	CMPW $SIGURG, R0
	BEQ  urg
	MOVW si_code(R1), R3
	CMPW $0, R3
	BLE  forward

	MOVD R30, R13 // the subroutines are called with BL
	MOVD $1, R7
	BL   addReaders<>(SB)

	MOVD $·table(SB), R5
	LDAR (R5), R5
	MOVD table_data(R5), R9
	MOVD table_len(R5), R10

	MOVD uc_pc(R2), R11
	BL   lookup<>(SB)
	CBZ  R12, leave
	MOVD span_kind(R12), R14
	CBNZ R14, leave

	MOVD si_addr(R1), R11
	BL   lookup<>(SB)
	CBZ  R12, leave
	MOVD span_kind(R12), R14
	CBZ  R14, leave

	MOVD R14, uc_r0(R2)
	MOVD uc_pc(R2), R15
	MOVD R15, uc_r1(R2)
	MOVD si_addr(R1), R15
	MOVD R15, uc_r2(R2)
	MOVD $·trapExit(SB), R15
	MOVD R15, uc_pc(R2)
	MOVD $-1, R7
	BL   addReaders<>(SB)
	MOVD R13, R30
	RET

leave:
	MOVD $-1, R7
	BL   addReaders<>(SB)
	MOVD R13, R30

forward:
	CMPW $SIGBUS, R0
	BEQ  bus
	MOVD ·forwardSEGV(SB), R3
	JMP  (R3)

bus:
	MOVD ·forwardBUS(SB), R3
	JMP  (R3)

urg:
	MOVD R30, R13
	MOVD $1, R7
	BL   addReaders<>(SB)
	MOVD $·table(SB), R5
	LDAR (R5), R5
	MOVD table_data(R5), R9
	MOVD table_len(R5), R10
	MOVD uc_pc(R2), R11
	BL   lookup<>(SB)
	CBZ  R12, urgdone
	MOVD span_kind(R12), R14
	CBNZ R14, urgdone
	MOVD uc_r19(R2), R4
	ADD  $ctx_poll, R4

setpoll:
	LDAXRW (R4), R5
	ORR    $PollPreempt, R5
	STLXRW R5, (R4), R6
	CBNZW  R6, setpoll

urgdone:
	MOVD $-1, R7
	BL   addReaders<>(SB)
	MOVD R13, R30
	MOVD ·forwardURG(SB), R3
	JMP  (R3)

// addReaders<> adds R7 to tableReaders, with full barriers on both sides:
// the increment is visible before the handler reads the table, and its
// reads of the table are done before the decrement. It clobbers R4 to R6.
TEXT addReaders<>(SB), NOSPLIT|NOFRAME, $0
	DMB  $11 // ISH
	MOVD $·tableReaders(SB), R4

again:
	LDAXR (R4), R5
	ADD   R7, R5
	STLXR R5, (R4), R6
	CBNZW R6, again
	DMB   $11
	RET

// lookup<> finds the span containing R11 among the R10 spans at R9, sorted
// by lo, and returns its address in R12, or 0. It clobbers R6 to R8.
TEXT lookup<>(SB), NOSPLIT|NOFRAME, $0
	MOVD ZR, R6  // lo: spans below it start at or before R11
	MOVD R10, R7 // hi: spans from it start after R11

search:
	CMP  R7, R6
	BHS  found
	ADD  R6, R7, R8
	LSR  $1, R8, R8
	MOVD $span_size, R12
	MUL  R8, R12, R12
	MOVD (R9)(R12), R12
	CMP  R12, R11
	BLO  below
	ADD  $1, R8, R6
	B    search

below:
	MOVD R8, R7
	B    search

found:
	CBZ  R6, none
	SUB  $1, R6, R6
	MOVD $span_size, R12
	MUL  R6, R12, R12
	ADD  R9, R12, R12
	MOVD span_hi(R12), R8
	CMP  R8, R11
	BHS  none
	RET

none:
	MOVD ZR, R12
	RET
