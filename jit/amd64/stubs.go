package amd64

import (
	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64/asm"
	"github.com/terra-runtime/terra/sandbox"
)

// Arch is the amd64 architecture for jit.NewTier.
type Arch struct{}

var _ jit.Arch = Arch{}

// NewBackend implements jit.Arch.
func (Arch) NewBackend() jit.Backend { return New() }

// Stubs implements jit.Arch.
func (Arch) Stubs() (code []byte, entry, callOut, callOutEnd int, err error) {
	var a asm.Assembler
	entryL, callOutL := a.NewLabel(), a.NewLabel()

	// The entry stub, entered by sandbox.Thread: a frame like a compiled
	// function's (RBP-8 holds the instance context), then the argument
	// buffer, its cells and the result cells, the argument area below.
	a.Bind(entryL)
	a.Push(asm.RBP)
	a.MovRR(asm.W64, asm.RBP, asm.RSP)
	a.Push(asm.RAX) // room for the instance context
	a.MovRM(asm.W64, instCtx, ctxMem(abi.CallEnterContext))
	a.MovMR(asm.W64, asm.Mem{Base: asm.RBP, Disp: -8}, instCtx)
	a.MovRM(asm.W64, asm.RSI, ctxMem(abi.CallExitArgs))
	a.Push(asm.RSI) // RBP-16: the buffer
	a.MovRM(asm.W32, asm.RCX, ctxMem(abi.CallEnterCells))
	a.Push(asm.RCX) // RBP-24: cells
	a.MovRM(asm.W32, asm.RAX, ctxMem(abi.CallEnterResults))
	a.Push(asm.RAX) // RBP-32: result cells
	// Argument i goes to RBP-40-8i; RSP ends below the last cell.
	a.MovRR(asm.W64, asm.RAX, asm.RCX)
	a.ShiftRI(asm.SHL, asm.W64, asm.RAX, 3)
	a.ArithRR(asm.SUB, asm.W64, asm.RSP, asm.RAX)
	a.Lea(asm.W64, asm.RDI, asm.Mem{Base: asm.RBP, Disp: -40})
	copyIn, copiedIn := a.NewLabel(), a.NewLabel()
	a.Bind(copyIn)
	a.TestRR(asm.W64, asm.RCX, asm.RCX)
	a.Jcc(asm.CondE, copiedIn)
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RSI})
	a.MovMR(asm.W64, asm.Mem{Base: asm.RDI}, asm.RAX)
	a.ArithRI(asm.ADD, asm.W64, asm.RSI, 8)
	a.ArithRI(asm.SUB, asm.W64, asm.RDI, 8)
	a.UnaryR(asm.DEC, asm.W64, asm.RCX)
	a.Jmp(copyIn)
	a.Bind(copiedIn)
	a.MovRM(asm.W64, asm.RDX, ctxMem(abi.CallEnterFunc))
	a.MovRM(asm.W64, memBase, instMem(abi.CtxMemBase))
	a.CallM(ctxMem(abi.CallEnterTarget))
	// Result j is at RBP-40-8j.
	a.MovRM(asm.W64, asm.RSI, asm.Mem{Base: asm.RBP, Disp: -16})
	a.MovRM(asm.W64, asm.RCX, asm.Mem{Base: asm.RBP, Disp: -32})
	a.Lea(asm.W64, asm.RDI, asm.Mem{Base: asm.RBP, Disp: -40})
	copyOut, copiedOut := a.NewLabel(), a.NewLabel()
	a.Bind(copyOut)
	a.TestRR(asm.W64, asm.RCX, asm.RCX)
	a.Jcc(asm.CondE, copiedOut)
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RDI})
	a.MovMR(asm.W64, asm.Mem{Base: asm.RSI}, asm.RAX)
	a.ArithRI(asm.ADD, asm.W64, asm.RSI, 8)
	a.ArithRI(asm.SUB, asm.W64, asm.RDI, 8)
	a.UnaryR(asm.DEC, asm.W64, asm.RCX)
	a.Jmp(copyOut)
	a.Bind(copiedOut)
	a.MovRR(asm.W64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()

	// The call-out stub: called like a compiled function, with the callee's
	// record in RDX. It exits with ExitCall; the arguments are above the
	// return address, in reverse order. The calling instance's context is
	// in the caller's frame (its RBP-8), which works for host functions
	// reached through tables, whose records have no context.
	a.Align(16)
	a.Bind(callOutL)
	a.Push(asm.RBP)
	a.MovRR(asm.W64, asm.RBP, asm.RSP)
	a.Push(instCtx)
	a.MovMR(asm.W64, ctxMem(abi.CallExitFunc), asm.RDX)
	a.Lea(asm.W64, asm.RAX, asm.Mem{Base: asm.RBP, Disp: 16})
	a.MovMR(asm.W64, ctxMem(abi.CallExitArgs), asm.RAX)
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RBP})
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RAX, Disp: -8})
	a.MovMR(asm.W64, ctxMem(abi.CallExitContext), asm.RAX)
	a.MovMI(asm.W32, ctxMem(abi.CallExit), int32(abi.ExitCall))
	a.CallM(ctxMem(sandbox.ContextExitStub))
	// Back with the caller's registers clobbered: restore what a compiled
	// caller keeps across a call to a function of its own module.
	a.MovRM(asm.W64, instCtx, asm.Mem{Base: asm.RBP, Disp: -8})
	done := a.NewLabel()
	a.TestRR(asm.W64, instCtx, instCtx)
	a.Jcc(asm.CondE, done)
	a.MovRM(asm.W64, memBase, instMem(abi.CtxMemBase))
	a.Bind(done)
	a.MovRR(asm.W64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
	end := a.NewLabel()
	a.Bind(end)

	code, err = a.Bytes()
	if err != nil {
		return nil, 0, 0, 0, err
	}
	e, _ := a.LabelOffset(entryL)
	co, _ := a.LabelOffset(callOutL)
	ce, _ := a.LabelOffset(end)
	return code, e, co, ce, nil
}
