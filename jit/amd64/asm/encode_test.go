package asm

import (
	"math"
	"testing"
)

var allRegs = []Reg{RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}

var allXRegs = []XReg{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15}

// someMems cover the ModRM/SIB special cases in a few operands: RBP and R13
// as a base (no disp-less form), RSP and R12 as a base (SIB), extended base
// and index (REX.B, REX.X), every displacement size, no base, no base and no
// index.
var someMems = []Mem{
	{Base: RAX},
	{Base: R13},
	{Base: RSP, Disp: -129},
	{Base: R12, Index: RBP, Scale: 2, Disp: 127},
	{Base: RBP, Index: R15, Scale: 8, Disp: -128},
	{Base: RDI, Index: R8, Scale: 1, Disp: math.MinInt32},
	{Index: R9, Scale: 4, Disp: 100000},
	{Disp: -8},
	RIP(1), // label 1: see checker.check
}

// allMems enumerates every base (and none), every index but RSP (and none),
// every scale and displacements at the edges of each size.
func allMems(short bool) []Mem {
	disps := []int32{0, 1, -1, 127, 128, -128, -129, math.MaxInt32, math.MinInt32}
	if short {
		disps = []int32{0, -128, 128}
	}
	ms := []Mem{RIP(1)}
	for _, base := range append([]Reg{NoReg}, allRegs...) {
		for _, index := range append([]Reg{NoReg}, allRegs...) {
			if index == RSP {
				continue
			}
			scales := []uint8{1, 2, 4, 8}
			if index == NoReg {
				scales = []uint8{0}
			}
			for _, scale := range scales {
				for _, d := range disps {
					ms = append(ms, Mem{Base: base, Index: index, Scale: scale, Disp: d})
				}
			}
		}
	}
	return ms
}

// axes are the values to enumerate for each operand of a form.
type axes struct {
	ops    []int
	widths []Width
	w2s    []Width
	regs   []Reg
	xregs  []XReg
	mems   []Mem
	imms   []int64 // nil: the immediate edges valid for the form and width
	conds  []Cond
}

// enumerate calls fn with every combination of the axes that form f uses.
func enumerate(f *form, ax axes, fn func(operands)) {
	or := func(s []int, def int) []int {
		if len(s) == 0 {
			return []int{def}
		}
		return s
	}
	ws := ax.widths
	if len(f.widths) == 0 {
		ws = []Width{0}
	}
	w2s := f.w2s
	if len(w2s) == 0 {
		w2s = []Width{0}
	}
	r1s, r2s, r3s := []Reg{NoReg}, []Reg{NoReg}, []Reg{NoReg}
	if f.gp >= 1 {
		r1s = ax.regs
	}
	if f.gp >= 2 {
		r2s = ax.regs
	}
	if f.gp >= 3 {
		r3s = ax.regs
	}
	x1s, x2s := []XReg{0}, []XReg{0}
	if f.xr >= 1 {
		x1s = ax.xregs
	}
	if f.xr >= 2 {
		x2s = ax.xregs
	}
	ms := []Mem{{}}
	if f.mem {
		ms = ax.mems
	}
	conds := []Cond{0}
	if f.cond {
		conds = ax.conds
	}
	for _, op := range or(ax.ops, 0) {
		for _, w := range ws {
			imms := ax.imms
			if imms == nil {
				for _, v := range immEdges {
					if immValid(f.imm, op, w, v) {
						imms = append(imms, v)
					}
				}
			}
			for _, w2 := range w2s {
				for _, r1 := range r1s {
					for _, r2 := range r2s {
						for _, r3 := range r3s {
							for _, x1 := range x1s {
								for _, x2 := range x2s {
									for _, m := range ms {
										for _, imm := range imms {
											for _, cc := range conds {
												o := operands{op: op, w: w, w2: w2, r1: r1, r2: r2, r3: r3, x1: x1, x2: x2, m: m, imm: imm, cc: cc}
												if f.skip == nil || !f.skip(o) {
													fn(o)
												}
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

var allConds = []Cond{CondO, CondNO, CondB, CondAE, CondE, CondNE, CondBE, CondA, CondS, CondNS, CondP, CondNP, CondL, CondGE, CondLE, CondG}

// TestCrossCheck compares every directly encoded form with golang-asm,
// byte for byte: every op, width, register (both positions), condition and
// edge immediate with a few memory operands that hit the special cases;
// then every memory operand (all bases, indexes, scales and displacement
// sizes) with one op at the narrowest and widest width.
func TestCrossCheck(t *testing.T) {
	mems := allMems(testing.Short())
	var c checker
	for i := range forms {
		f := &forms[i]
		t.Run(f.name, func(t *testing.T) {
			fails := 0
			report := func(o operands) {
				if err := c.check(f, o); err != nil && fails < 10 {
					fails++
					t.Error(err)
				}
			}
			enumerate(f, axes{ops: f.ops, widths: f.widths, regs: allRegs, xregs: allXRegs, mems: someMems, conds: allConds}, report)
			if !f.mem {
				return
			}
			first := []int(nil)
			if len(f.ops) > 0 {
				first = f.ops[:1]
			}
			imm := []int64{5}
			if f.imm == immNone {
				imm = []int64{0}
			}
			ws := f.widths
			if len(ws) > 1 {
				ws = []Width{ws[0], ws[len(ws)-1]}
			}
			for i, w := range ws {
				regs, xregs := []Reg{RSI}, []XReg{X6}
				if i > 0 || len(ws) == 1 {
					regs, xregs = []Reg{R9}, []XReg{X9}
				}
				enumerate(f, axes{ops: first, widths: []Width{w}, regs: regs, xregs: xregs, mems: mems, imms: imm, conds: allConds[:1]}, report)
			}
		})
	}
	t.Logf("%d instructions compared", c.n)
}
