package asm

// SSE instructions. Method names spell the operand kinds in Intel order:
// X an XMM register, R a general-purpose register, M memory, I an imm8.

// XOp is an SSE instruction (SSE, SSE2, SSE4.1 for ROUNDSS and ROUNDSD).
type XOp uint8

// The SSE instructions. MOVD moves 32 bits between a general-purpose and an
// XMM register, 64 bits (MOVQ) at W64; MOVQ is the XMM-to-XMM and memory
// form, which clears the upper half of its XMM destination.
const (
	MOVSS XOp = iota
	MOVSD
	MOVAPS
	MOVUPS
	MOVQ
	MOVD
	ADDSS
	ADDSD
	SUBSS
	SUBSD
	MULSS
	MULSD
	DIVSS
	DIVSD
	SQRTSS
	SQRTSD
	MINSS
	MINSD
	MAXSS
	MAXSD
	UCOMISS
	UCOMISD
	CVTSS2SD
	CVTSD2SS
	CVTSI2SS
	CVTSI2SD
	CVTTSS2SI
	CVTTSD2SI
	ANDPS
	ANDPD
	ANDNPS
	ANDNPD
	ORPS
	ORPD
	XORPS
	XORPD
	PXOR
	ROUNDSS
	ROUNDSD
	CMPSS
	CMPSD
	numXOps
)

// xform describes an XOp's forms; a zero opcode byte means the form does
// not exist.
type xform struct {
	name  string
	pfx   byte  // mandatory prefix
	esc   uint8 // opcode map
	op    byte  // xmm <- xmm/mem (XX, XM, and with imm8 XXI, XMI)
	st    byte  // mem <- xmm (MX)
	stPfx byte  // the store's mandatory prefix
	xr    byte  // xmm <- gp (XR)
	rx    byte  // gp <- xmm (RX)
	rxRev bool  // RX puts the XMM register in ModRM.reg (MOVD)
	imm   bool  // takes an imm8 (XXI, XMI only)
	// immMax is the largest imm8 the instruction defines: the bits above
	// are reserved.
	immMax uint8
}

var xforms = [numXOps]xform{
	MOVSS:     {name: "MOVSS", pfx: 0xF3, esc: map0F, op: 0x10, st: 0x11, stPfx: 0xF3},
	MOVSD:     {name: "MOVSD", pfx: 0xF2, esc: map0F, op: 0x10, st: 0x11, stPfx: 0xF2},
	MOVAPS:    {name: "MOVAPS", esc: map0F, op: 0x28, st: 0x29},
	MOVUPS:    {name: "MOVUPS", esc: map0F, op: 0x10, st: 0x11},
	MOVQ:      {name: "MOVQ", pfx: 0xF3, esc: map0F, op: 0x7E, st: 0xD6, stPfx: 0x66},
	MOVD:      {name: "MOVD", pfx: 0x66, esc: map0F, xr: 0x6E, rx: 0x7E, rxRev: true},
	ADDSS:     {name: "ADDSS", pfx: 0xF3, esc: map0F, op: 0x58},
	ADDSD:     {name: "ADDSD", pfx: 0xF2, esc: map0F, op: 0x58},
	SUBSS:     {name: "SUBSS", pfx: 0xF3, esc: map0F, op: 0x5C},
	SUBSD:     {name: "SUBSD", pfx: 0xF2, esc: map0F, op: 0x5C},
	MULSS:     {name: "MULSS", pfx: 0xF3, esc: map0F, op: 0x59},
	MULSD:     {name: "MULSD", pfx: 0xF2, esc: map0F, op: 0x59},
	DIVSS:     {name: "DIVSS", pfx: 0xF3, esc: map0F, op: 0x5E},
	DIVSD:     {name: "DIVSD", pfx: 0xF2, esc: map0F, op: 0x5E},
	SQRTSS:    {name: "SQRTSS", pfx: 0xF3, esc: map0F, op: 0x51},
	SQRTSD:    {name: "SQRTSD", pfx: 0xF2, esc: map0F, op: 0x51},
	MINSS:     {name: "MINSS", pfx: 0xF3, esc: map0F, op: 0x5D},
	MINSD:     {name: "MINSD", pfx: 0xF2, esc: map0F, op: 0x5D},
	MAXSS:     {name: "MAXSS", pfx: 0xF3, esc: map0F, op: 0x5F},
	MAXSD:     {name: "MAXSD", pfx: 0xF2, esc: map0F, op: 0x5F},
	UCOMISS:   {name: "UCOMISS", esc: map0F, op: 0x2E},
	UCOMISD:   {name: "UCOMISD", pfx: 0x66, esc: map0F, op: 0x2E},
	CVTSS2SD:  {name: "CVTSS2SD", pfx: 0xF3, esc: map0F, op: 0x5A},
	CVTSD2SS:  {name: "CVTSD2SS", pfx: 0xF2, esc: map0F, op: 0x5A},
	CVTSI2SS:  {name: "CVTSI2SS", pfx: 0xF3, esc: map0F, xr: 0x2A},
	CVTSI2SD:  {name: "CVTSI2SD", pfx: 0xF2, esc: map0F, xr: 0x2A},
	CVTTSS2SI: {name: "CVTTSS2SI", pfx: 0xF3, esc: map0F, rx: 0x2C},
	CVTTSD2SI: {name: "CVTTSD2SI", pfx: 0xF2, esc: map0F, rx: 0x2C},
	ANDPS:     {name: "ANDPS", esc: map0F, op: 0x54},
	ANDPD:     {name: "ANDPD", pfx: 0x66, esc: map0F, op: 0x54},
	ANDNPS:    {name: "ANDNPS", esc: map0F, op: 0x55},
	ANDNPD:    {name: "ANDNPD", pfx: 0x66, esc: map0F, op: 0x55},
	ORPS:      {name: "ORPS", esc: map0F, op: 0x56},
	ORPD:      {name: "ORPD", pfx: 0x66, esc: map0F, op: 0x56},
	XORPS:     {name: "XORPS", esc: map0F, op: 0x57},
	XORPD:     {name: "XORPD", pfx: 0x66, esc: map0F, op: 0x57},
	PXOR:      {name: "PXOR", pfx: 0x66, esc: map0F, op: 0xEF},
	ROUNDSS:   {name: "ROUNDSS", pfx: 0x66, esc: map0F3A, op: 0x0A, imm: true, immMax: 15},
	ROUNDSD:   {name: "ROUNDSD", pfx: 0x66, esc: map0F3A, op: 0x0B, imm: true, immMax: 15},
	CMPSS:     {name: "CMPSS", pfx: 0xF3, esc: map0F, op: 0xC2, imm: true, immMax: 7},
	CMPSD:     {name: "CMPSD", pfx: 0xF2, esc: map0F, op: 0xC2, imm: true, immMax: 7},
}

func (op XOp) String() string {
	if op < numXOps {
		return xforms[op].name
	}
	return "XOp?"
}

// Rounding modes of ROUNDSS and ROUNDSD, as their imm8; the 0x8 bit
// suppresses the precision (inexact) exception.
const (
	RoundNearest = 0x8 // to nearest, ties to even (f32.nearest)
	RoundFloor   = 0x9 // toward -inf (f32.floor)
	RoundCeil    = 0xA // toward +inf (f32.ceil)
	RoundTrunc   = 0xB // toward zero (f32.trunc)
)

// The kinds of form an XOp may have.
const (
	formOp = iota // xmm <- xmm/mem
	formSt        // mem <- xmm
	formXR        // xmm <- gp
	formRX        // gp <- xmm
)

// form returns the opcode of op's form kind, if it has that form, takes an
// imm8 exactly when imm is set, and x1 and x2 are registers; it records an
// error if not.
func (a *Assembler) form(op XOp, kind int, imm bool, x1, x2 XReg) (opcode, bool) {
	if op < numXOps {
		f := &xforms[op]
		o := opcode{pfx: f.pfx, esc: f.esc}
		switch kind {
		case formOp:
			o.op = f.op
		case formSt:
			o.pfx, o.op = f.stPfx, f.st
		case formXR:
			o.op = f.xr
		case formRX:
			o.op = f.rx
		}
		if o.op != 0 && f.imm == imm && x1.valid() && x2.valid() {
			return o, true
		}
	}
	a.fail(ErrOperand, "%v %v, %v: no such form", op, x1, x2)
	return opcode{}, false
}

// XX emits op dst, src on XMM registers. For UCOMISS and UCOMISD, dst is the
// first operand of the comparison.
func (a *Assembler) XX(op XOp, dst, src XReg) {
	if o, ok := a.form(op, formOp, false, dst, src); ok {
		a.encRR(0, o, uint8(dst), uint8(src), 0, 0)
	}
}

// XM emits op dst, [src]: a load for the moves.
func (a *Assembler) XM(op XOp, dst XReg, src Mem) {
	if o, ok := a.form(op, formOp, false, dst, dst); ok {
		a.encM(0, o, uint8(dst), &src, 0, 0)
	}
}

// MX emits op [dst], src: the stores MOVSS, MOVSD, MOVAPS, MOVUPS, MOVQ.
func (a *Assembler) MX(op XOp, dst Mem, src XReg) {
	if o, ok := a.form(op, formSt, false, src, src); ok {
		a.encM(0, o, uint8(src), &dst, 0, 0)
	}
}

// XXI emits op dst, src, imm: ROUNDSS and ROUNDSD with a rounding mode
// (0-15, see RoundNearest), CMPSS and CMPSD with a predicate (0-7).
func (a *Assembler) XXI(op XOp, dst, src XReg, imm uint8) {
	if o, ok := a.form(op, formOp, true, dst, src); ok && a.xImm(op, imm) {
		a.encRR(0, o, uint8(dst), uint8(src), int64(imm), 1)
	}
}

// XMI emits op dst, [src], imm.
func (a *Assembler) XMI(op XOp, dst XReg, src Mem, imm uint8) {
	if o, ok := a.form(op, formOp, true, dst, dst); ok && a.xImm(op, imm) {
		a.encM(0, o, uint8(dst), &src, int64(imm), 1)
	}
}

func (a *Assembler) xImm(op XOp, imm uint8) bool {
	if imm <= xforms[op].immMax {
		return true
	}
	a.fail(ErrOperand, "%v: imm8 %#x has reserved bits set", op, imm)
	return false
}

// XR emits op dst, src with a general-purpose source of width w (W32 or
// W64): MOVD (MOVQ at W64), CVTSI2SS, CVTSI2SD. The conversions read src as
// signed.
func (a *Assembler) XR(op XOp, w Width, dst XReg, src Reg) {
	o, ok := a.form(op, formXR, false, dst, dst)
	if ok && a.gp(op.String(), w, w32or4, src, src) {
		a.encRR(sizeFlags(w), o, uint8(dst), src.num(), 0, 0)
	}
}

// RX emits op dst, src with a general-purpose destination of width w (W32
// or W64): MOVD (MOVQ at W64), CVTTSS2SI, CVTTSD2SI. The conversions
// truncate toward zero and yield 0x80000000 (0x8000000000000000 at W64)
// for NaN and out-of-range values.
func (a *Assembler) RX(op XOp, w Width, dst Reg, src XReg) {
	o, ok := a.form(op, formRX, false, src, src)
	if !ok || !a.gp(op.String(), w, w32or4, dst, dst) {
		return
	}
	if xforms[op].rxRev {
		a.encRR(sizeFlags(w), o, uint8(src), dst.num(), 0, 0)
		return
	}
	a.encRR(sizeFlags(w), o, dst.num(), uint8(src), 0, 0)
}
