// Package amd64 is the JIT's backend for amd64: it emits the machine code of
// the front end's operations through the jit/amd64/asm assembler.
//
// # Registers
//
//	R15        the call context (the sandbox's context register)
//	R14        the instance context of the running function
//	R13        memory 0's base address
//	RBP, RSP   frame and stack pointers
//	R11, X15   scratch registers of the backend's own sequences
//	RBX, R12, RSI, RDI, X6-X13   the function's most used locals ("pinned")
//	RAX, RCX, RDX, R8-R10, X0-X5, X14   operand-stack values
//
// # Frame
//
// A function's frame mirrors the interpreter's frame slots. The caller
// leaves the arguments in its own operand-stack slots, which are the
// callee's parameter slots; the callee finds argument i of an area of n
// cells (max(params, results)) at RBP+16+8*(n-1-i), and writes result j
// at RBP+16+8*(n-1-j). Below RBP: the instance context (RBP-8), then slot s
// (s >= params) at RBP-16-8*(s-params).
package amd64

import (
	"errors"
	"slices"

	"golang.org/x/sys/cpu"

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64/asm"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// Registers as the front end numbers them: RAX..R15 are 0..15, X0..X15
// 16..31.
const (
	rAX jit.Reg = iota
	rCX
	rDX
	rBX
	rSP
	rBP
	rSI
	rDI
	r8
	r9
	r10
	r11
	r12
	r13
	r14
	r15
	x0
)

func gp(r jit.Reg) asm.Reg  { return asm.Reg(r + 1) }
func xr(r jit.Reg) asm.XReg { return asm.XReg(r - x0) }

// The fixed registers.
const (
	memBase  = asm.R13
	instCtx  = asm.R14
	callCtx  = asm.R15
	scratch  = asm.R11
	xscratch = asm.X15
)

var registers = func() *jit.Registers {
	r := &jit.Registers{
		Alloc: [2][]jit.Reg{
			{rAX, rCX, rDX, r8, r9, r10},
			{x0, x0 + 1, x0 + 2, x0 + 3, x0 + 4, x0 + 5, x0 + 14},
		},
		Locals: [2][]jit.Reg{
			{rBX, r12, rSI, rDI},
			{x0 + 6, x0 + 7, x0 + 8, x0 + 9, x0 + 10, x0 + 11, x0 + 12, x0 + 13},
		},
	}
	for i := x0; i < x0+16; i++ {
		r.Class[i] = jit.FP
	}
	return r
}()

var errMove = errors.New("jit/amd64: no such move")

// Backend compiles functions for amd64. It is used by one goroutine.
type Backend struct {
	a          asm.Assembler
	c          *jit.Compiler
	f          *jit.Frame
	layout     abi.Layout
	frameBytes int32
	sites      []jit.Site
	osr        []jit.Site
	// Out-of-line code, emitted after the body by End.
	outOfLine []func()
	trapStubs [16]asm.Label
}

// New returns a backend.
func New() *Backend { return &Backend{} }

// Registers implements jit.Backend.
func (b *Backend) Registers() *jit.Registers { return registers }

// site records that the code at the current offset belongs to the
// instruction being compiled.
func (b *Backend) site() {
	b.sites = append(b.sites, jit.Site{PC: uint32(b.a.Offset()), Offset: b.c.Offset()})
}

// slot returns the memory operand of slot s.
func (b *Backend) slot(s uint32) asm.Mem {
	if s < b.f.Params {
		return asm.Mem{Base: asm.RBP, Disp: int32(16 + 8*(b.f.Cells-1-s))}
	}
	return asm.Mem{Base: asm.RBP, Disp: -16 - 8*int32(s-b.f.Params)}
}

func ctxMem(off int32) asm.Mem  { return asm.Mem{Base: callCtx, Disp: off} }
func instMem(off int32) asm.Mem { return asm.Mem{Base: instCtx, Disp: off} }

// Begin implements jit.Backend.
func (b *Backend) Begin(c *jit.Compiler) {
	b.c, b.f = c, &c.Frame
	b.a.Reset()
	b.sites = b.sites[:0]
	b.osr = b.osr[:0]
	b.outOfLine = b.outOfLine[:0]
	b.trapStubs = [16]asm.Label{}
	m := b.f.Module
	b.layout = abi.NewLayout(len(m.AllTables), len(m.AllGlobals), int(m.NumImportedFuncs))
	b.frameBytes = 8 + 8*int32(b.f.Locals-b.f.Params+b.f.MaxHeight)
	a := &b.a
	b.frame()
	b.poll(nil)
	// Locals: pinned parameters to their registers, other locals zeroed.
	var zero []uint32
	for li, r := range b.f.Pinned {
		t, _, _ := c.Local(uint32(li))
		switch {
		case uint32(li) < b.f.Params:
			if r != jit.NoReg {
				b.Move(t, jit.RegLoc(r), jit.SlotLoc(uint32(li)))
			}
		case r == jit.NoReg:
			zero = append(zero, uint32(li))
		case jit.ClassOf(t) == jit.GP:
			a.ArithRR(asm.XOR, asm.W32, gp(r), gp(r))
		default:
			a.XX(asm.XORPS, xr(r), xr(r))
		}
	}
	b.zeroSlots(zero)
}

// frame makes the function's frame, keeping the instance context at RBP-8,
// and traps when it reaches below the stack's limit.
func (b *Backend) frame() {
	a := &b.a
	a.Push(asm.RBP)
	a.MovRR(asm.W64, asm.RBP, asm.RSP)
	a.ArithRI(asm.SUB, asm.W64, asm.RSP, b.frameBytes)
	a.MovMR(asm.W64, asm.Mem{Base: asm.RBP, Disp: -8}, instCtx)
	a.ArithRM(asm.CMP, asm.W64, asm.RSP, ctxMem(abi.CallStackLimit))
	b.trapIf(asm.CondB, store.TrapStackExhausted)
}

// zeroSlots zeroes the slots of locals that have no register: one by one,
// or, for many, every declared local's slot in a loop.
func (b *Backend) zeroSlots(locals []uint32) {
	if len(locals) <= 16 {
		for _, li := range locals {
			b.a.MovMI(asm.W64, b.slot(li), 0)
		}
		return
	}
	a := &b.a
	n := int32(b.f.Locals - b.f.Params)
	a.ArithRR(asm.XOR, asm.W32, scratch, scratch)
	a.MovRI(asm.W32, asm.RCX, int64(n))
	loop := a.NewLabel()
	a.Bind(loop)
	// Slot params+k is at RBP-16-8k; RCX runs from n down to 1, k = n-RCX.
	a.MovMR(asm.W64, asm.Mem{Base: asm.RBP, Index: asm.RCX, Scale: 8, Disp: -16 - 8*n}, scratch)
	a.UnaryR(asm.DEC, asm.W32, asm.RCX)
	a.Jcc(asm.CondNE, loop)
}

// End implements jit.Backend.
func (b *Backend) End() (jit.Output, error) {
	for i := 0; i < len(b.outOfLine); i++ {
		b.outOfLine[i]()
	}
	for kind, l := range b.trapStubs {
		if l == 0 {
			continue
		}
		a := &b.a
		a.Bind(l)
		// The return address of the site's CALL identifies the site.
		a.Pop(asm.RBX)
		a.MovRI(asm.W32, asm.RAX, int64(kind))
		a.ArithRR(asm.XOR, asm.W32, asm.RCX, asm.RCX)
		a.JmpM(ctxMem(sandbox.ContextTrapStub))
	}
	code, err := b.a.Bytes()
	if err != nil {
		return jit.Output{}, err
	}
	slices.SortFunc(b.sites, func(x, y jit.Site) int { return int(x.PC) - int(y.PC) })
	return jit.Output{Code: code, Sites: b.sites, OSR: b.osr}, nil
}

// OSREntry implements jit.Backend.
func (b *Backend) OSREntry(target jit.Label, slots, offset uint32) {
	a := &b.a
	b.osr = append(b.osr, jit.Site{PC: uint32(a.Offset()), Offset: offset})
	b.frame()
	// The interpreter's cells, in slot order: parameters go to the
	// caller's area, reversed, the rest below RBP-16, downwards.
	a.MovRM(asm.W64, asm.RAX, ctxMem(abi.CallEnterSlots))
	params := min(slots, b.f.Params)
	for s := range params {
		a.MovRM(asm.W64, scratch, asm.Mem{Base: asm.RAX, Disp: 8 * int32(s)})
		a.MovMR(asm.W64, b.slot(s), scratch)
	}
	if n := int32(slots - params); n > 0 {
		a.Lea(asm.W64, asm.RSI, asm.Mem{Base: asm.RAX, Disp: 8 * int32(params)})
		a.Lea(asm.W64, asm.RDI, b.slot(params))
		a.MovRI(asm.W32, asm.RCX, int64(n))
		loop := a.NewLabel()
		a.Bind(loop)
		a.MovRM(asm.W64, scratch, asm.Mem{Base: asm.RSI})
		a.MovMR(asm.W64, asm.Mem{Base: asm.RDI}, scratch)
		a.ArithRI(asm.ADD, asm.W64, asm.RSI, 8)
		a.ArithRI(asm.SUB, asm.W64, asm.RDI, 8)
		a.UnaryR(asm.DEC, asm.W32, asm.RCX)
		a.Jcc(asm.CondNE, loop)
	}
	b.LoadPinned(b.c.PinnedLocals())
	a.Jmp(asm.Label(target))
}

// later defers code to after the body.
func (b *Backend) later(f func()) { b.outOfLine = append(b.outOfLine, f) }

// trapStub returns the label of the stub that traps with kind.
func (b *Backend) trapStub(kind store.TrapKind) asm.Label {
	if b.trapStubs[kind] == 0 {
		b.trapStubs[kind] = b.a.NewLabel()
	}
	return b.trapStubs[kind]
}

// trapIf traps with kind when cond holds, through an out-of-line site.
func (b *Backend) trapIf(cond asm.Cond, kind store.TrapKind) {
	l := b.a.NewLabel()
	b.a.Jcc(cond, l)
	off := b.c.Offset()
	b.later(func() {
		b.a.Bind(l)
		b.a.Call(b.trapStub(kind))
		b.sites = append(b.sites, jit.Site{PC: uint32(b.a.Offset()), Offset: off})
	})
}

// Trap implements jit.Backend.
func (b *Backend) Trap(kind store.TrapKind) {
	b.a.Call(b.trapStub(kind))
	b.site()
}

// exit calls the exit stub with the request already in the call context,
// then reloads the registers the exit clobbered.
func (b *Backend) exit(kind uint32) {
	a := &b.a
	a.MovMI(asm.W32, ctxMem(abi.CallExit), int32(kind))
	a.MovMR(asm.W64, ctxMem(abi.CallExitContext), instCtx)
	a.CallM(ctxMem(sandbox.ContextExitStub))
	b.site()
	b.reloadInstance()
}

// reloadInstance loads the instance context and memory base again after
// code that may have changed them.
func (b *Backend) reloadInstance() {
	b.a.MovRM(asm.W64, instCtx, asm.Mem{Base: asm.RBP, Disp: -8})
	b.a.MovRM(asm.W64, memBase, instMem(abi.CtxMemBase))
}

// poll tests the poll flag and exits when it is set, with the pinned
// locals (which must be in their registers) saved and restored around the
// exit.
func (b *Backend) poll(pinned []uint32) {
	a := &b.a
	a.ArithMI(asm.CMP, asm.W32, ctxMem(sandbox.ContextPoll), 0)
	l, back := a.NewLabel(), a.NewLabel()
	a.Jcc(asm.CondNE, l)
	a.Bind(back)
	off := b.c.Offset()
	pinned = slices.Clone(pinned)
	b.later(func() {
		a.Bind(l)
		b.SavePinned(pinned)
		a.MovMI(asm.W32, ctxMem(abi.CallExit), int32(abi.ExitPoll))
		a.MovMR(asm.W64, ctxMem(abi.CallExitContext), instCtx)
		a.CallM(ctxMem(sandbox.ContextExitStub))
		b.sites = append(b.sites, jit.Site{PC: uint32(a.Offset()), Offset: off})
		b.reloadInstance()
		b.LoadPinned(pinned)
		a.Jmp(back)
	})
}

// Poll implements jit.Backend.
func (b *Backend) Poll() { b.poll(b.c.PinnedLocals()) }

// SavePinned implements jit.Backend.
func (b *Backend) SavePinned(locals []uint32) {
	for _, li := range locals {
		t, r, _ := b.c.Local(li)
		b.Move(t, jit.SlotLoc(li), jit.RegLoc(r))
	}
}

// LoadPinned implements jit.Backend.
func (b *Backend) LoadPinned(locals []uint32) {
	for _, li := range locals {
		t, r, _ := b.c.Local(li)
		b.Move(t, jit.RegLoc(r), jit.SlotLoc(li))
	}
}

// NewLabel implements jit.Backend.
func (b *Backend) NewLabel() jit.Label { return jit.Label(b.a.NewLabel()) }

// Bind implements jit.Backend.
func (b *Backend) Bind(l jit.Label) { b.a.Bind(asm.Label(l)) }

// Jump implements jit.Backend.
func (b *Backend) Jump(l jit.Label) { b.a.Jmp(asm.Label(l)) }

// Branch implements jit.Backend.
func (b *Backend) Branch(c jit.Cond, negate bool, l jit.Label) {
	cc := asm.Cond(c)
	if negate {
		cc = cc.Not()
	}
	b.a.Jcc(cc, asm.Label(l))
}

// Test implements jit.Backend.
func (b *Backend) Test(r jit.Reg) jit.Cond {
	b.a.TestRR(asm.W32, gp(r), gp(r))
	return jit.Cond(asm.CondNE)
}

// SetCond implements jit.Backend.
func (b *Backend) SetCond(c jit.Cond, r jit.Reg) {
	b.a.Setcc(asm.Cond(c), gp(r))
	b.a.MovzxRR(asm.W32, asm.W8, gp(r), gp(r))
}

// BrTable implements jit.Backend.
func (b *Backend) BrTable(r jit.Reg, targets []jit.Label) {
	a := &b.a
	ri := gp(r)
	n := int32(len(targets) - 1)
	a.MovRI(asm.W32, scratch, int64(n))
	a.ArithRR(asm.CMP, asm.W32, ri, scratch)
	a.CmovRR(asm.CondAE, asm.W32, ri, scratch)
	table := a.NewLabel()
	a.Lea(asm.W64, scratch, asm.RIP(table))
	a.MovsxRM(asm.W64, asm.W32, ri, asm.Mem{Base: scratch, Index: ri, Scale: 4})
	a.ArithRR(asm.ADD, asm.W64, ri, scratch)
	a.JmpR(ri)
	targets = slices.Clone(targets)
	b.later(func() {
		a.Align(4)
		a.Bind(table)
		for _, t := range targets {
			a.JumpTableEntry(asm.Label(t), table)
		}
	})
}

// Move implements jit.Backend. Slots of i32 and f32 hold their value in the
// low half; the high half is undefined and never read.
func (b *Backend) Move(t wasm.ValueType, dst, src jit.Loc) {
	a := &b.a
	fp := jit.ClassOf(t) == jit.FP
	narrow := t == wasm.I32 || t == wasm.F32
	switch {
	case dst.IsReg() && src.IsReg():
		if dst.Reg == src.Reg {
			return
		}
		if fp {
			a.XX(asm.MOVAPS, xr(dst.Reg), xr(src.Reg))
		} else {
			a.MovRR(asm.W64, gp(dst.Reg), gp(src.Reg))
		}
	case dst.IsReg() && src.IsSlot():
		m := b.slot(src.Slot)
		switch {
		case t == wasm.F32:
			a.XM(asm.MOVSS, xr(dst.Reg), m)
		case t == wasm.F64:
			a.XM(asm.MOVSD, xr(dst.Reg), m)
		case narrow:
			a.MovRM(asm.W32, gp(dst.Reg), m)
		default:
			a.MovRM(asm.W64, gp(dst.Reg), m)
		}
	case dst.IsReg() && src.IsConst():
		if fp {
			b.loadFloat(t, xr(dst.Reg), src.Imm)
		} else if narrow {
			a.MovRI(asm.W32, gp(dst.Reg), int64(uint32(src.Imm)))
		} else {
			a.MovRI(asm.W64, gp(dst.Reg), int64(src.Imm))
		}
	case dst.IsSlot() && src.IsReg():
		m := b.slot(dst.Slot)
		switch t {
		case wasm.F32:
			a.MX(asm.MOVSS, m, xr(src.Reg))
		case wasm.F64:
			a.MX(asm.MOVSD, m, xr(src.Reg))
		default:
			a.MovMR(asm.W64, m, gp(src.Reg))
		}
	case dst.IsSlot() && src.IsConst():
		m := b.slot(dst.Slot)
		v := src.Imm
		switch {
		case narrow:
			a.MovMI(asm.W32, m, int32(uint32(v)))
		case int64(v) == int64(int32(v)):
			a.MovMI(asm.W64, m, int32(v))
		default:
			a.MovRI(asm.W64, scratch, int64(v))
			a.MovMR(asm.W64, m, scratch)
		}
	case dst.IsSlot() && src.IsSlot():
		if dst.Slot == src.Slot {
			return
		}
		a.MovRM(asm.W64, scratch, b.slot(src.Slot))
		a.MovMR(asm.W64, b.slot(dst.Slot), scratch)
	default:
		b.c.Fail(errMove)
	}
}

// loadFloat loads a float constant's bits into x without touching the flags.
func (b *Backend) loadFloat(t wasm.ValueType, x asm.XReg, bits uint64) {
	switch {
	case bits == 0:
		b.a.XX(asm.XORPS, x, x)
	case t == wasm.F32:
		b.a.XM(asm.MOVSS, x, b.a.Const32(uint32(bits)))
	default:
		b.a.XM(asm.MOVSD, x, b.a.Const64(bits))
	}
}

// argArea returns RSP for a call whose argument area of cells cells starts
// at slot argSlot: the address of its last cell (see the package comment).
func (b *Backend) argArea(argSlot, cells uint32) asm.Mem {
	return asm.Mem{Base: asm.RBP, Disp: -8 - 8*int32(argSlot-b.f.Params+cells)}
}

// callThrough calls the address at m with RSP at the argument area and
// restores RSP.
func (b *Backend) callThrough(m asm.Mem, argSlot, cells uint32) {
	a := &b.a
	a.Lea(asm.W64, asm.RSP, b.argArea(argSlot, cells))
	a.CallM(m)
	b.site()
	a.Lea(asm.W64, asm.RSP, asm.Mem{Base: asm.RBP, Disp: -b.frameBytes})
}

// Call implements jit.Backend. RDX carries the callee's record, which the
// stub of a host or interpreted function hands to Go.
func (b *Backend) Call(fn, argSlot, cells uint32) {
	a := &b.a
	m := b.f.Module
	if fn < m.NumImportedFuncs {
		imp := int32(b.layout.Import(fn))
		a.MovRM(asm.W64, asm.RDX, instMem(imp+abi.ImportFunc))
		a.MovRM(asm.W64, asm.RAX, instMem(imp+abi.ImportEntry))
		a.MovRM(asm.W64, instCtx, instMem(imp+abi.ImportContext))
		b.callThrough(asm.Mem{Base: asm.RAX}, argSlot, cells)
		b.reloadInstance()
		return
	}
	a.MovRM(asm.W64, asm.RDX, instMem(abi.CtxFuncs))
	a.MovRM(asm.W64, asm.RDX, asm.Mem{Base: asm.RDX, Disp: 8 * int32(fn)})
	a.MovRM(asm.W64, asm.RAX, instMem(abi.CtxEntries))
	b.callThrough(asm.Mem{Base: asm.RAX, Disp: 8 * int32(fn-m.NumImportedFuncs)}, argSlot, cells)
}

// CallIndirect implements jit.Backend: three dependent loads reach the
// callee's signature ID (table view, element's record, ID).
func (b *Backend) CallIndirect(ti, table uint32, r jit.Reg, argSlot, cells uint32) {
	a := &b.a
	tab := int32(b.layout.Table(table))
	a.MovRR(asm.W64, scratch, gp(r))
	a.ArithRM(asm.CMP, asm.W64, scratch, instMem(tab+abi.TableLen))
	b.trapIf(asm.CondAE, store.TrapUndefinedElement)
	a.MovRM(asm.W64, asm.RAX, instMem(tab+abi.TableFuncs))
	a.MovRM(asm.W64, asm.RDX, asm.Mem{Base: asm.RAX, Index: scratch, Scale: 8})
	a.TestRR(asm.W64, asm.RDX, asm.RDX)
	b.trapIf(asm.CondE, store.TrapUninitializedElement)
	a.MovRM(asm.W64, asm.RAX, instMem(tab+abi.TableElems))
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RAX, Index: scratch, Scale: 8})
	a.ArithRM(asm.CMP, asm.W64, asm.RAX, asm.Mem{Base: asm.RDX, Disp: abi.FuncHandle})
	b.trapIf(asm.CondNE, store.TrapUninitializedElement)
	a.MovRM(asm.W64, asm.RAX, instMem(abi.CtxTypeIDs))
	a.MovRM(asm.W32, asm.RAX, asm.Mem{Base: asm.RAX, Disp: 4 * int32(ti)})
	a.ArithRM(asm.CMP, asm.W32, asm.RAX, asm.Mem{Base: asm.RDX, Disp: abi.FuncTypeID})
	b.trapIf(asm.CondNE, store.TrapIndirectCallTypeMismatch)
	a.MovRM(asm.W64, asm.RAX, asm.Mem{Base: asm.RDX, Disp: abi.FuncEntry})
	a.MovRM(asm.W64, instCtx, asm.Mem{Base: asm.RDX, Disp: abi.FuncContext})
	b.callThrough(asm.Mem{Base: asm.RAX}, argSlot, cells)
	b.reloadInstance()
}

// Return implements jit.Backend.
func (b *Backend) Return(resultSlot uint32) {
	a := &b.a
	for j := range b.f.Results {
		a.MovRM(asm.W64, scratch, b.slot(resultSlot+j))
		a.MovMR(asm.W64, asm.Mem{Base: asm.RBP, Disp: int32(16 + 8*(b.f.Cells-1-j))}, scratch)
	}
	a.MovRR(asm.W64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
}

// width returns the operand width of an integer type.
func width(t wasm.ValueType) asm.Width {
	if t == wasm.I32 {
		return asm.W32
	}
	return asm.W64
}

// hasPOPCNT and hasSSE41 gate instructions older CPUs lack. Every such
// feature has its bit in Arch.Features.
var (
	hasPOPCNT = cpu.X86.HasPOPCNT
	hasSSE41  = cpu.X86.HasSSE41
)

// The bits of Arch.Features.
const (
	featurePOPCNT = 1 << iota
	featureSSE41
)

// Features implements jit.Arch: the features that decide which
// instructions the backend emits.
func (Arch) Features() uint64 {
	var f uint64
	if hasPOPCNT {
		f |= featurePOPCNT
	}
	if hasSSE41 {
		f |= featureSSE41
	}
	return f
}
