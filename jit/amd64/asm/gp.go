package asm

import "math"

// General-purpose instructions. Method names spell the operand kinds in
// Intel order, destination first: R a register, M memory, I an immediate.
// Every form checks its operands and records an error (see Bytes) instead
// of emitting anything for ones it cannot encode.

// widths is a set of Widths: bit w is set for Width w.
type widths uint16

const (
	wAny   widths = 1<<W8 | 1<<W16 | 1<<W32 | 1<<W64
	wNot8  widths = 1<<W16 | 1<<W32 | 1<<W64
	w32or4 widths = 1<<W32 | 1<<W64
)

func (s widths) has(w Width) bool { return s>>w&1 != 0 } // 0 for w >= 16

// gp reports whether w is in ws and r1 and r2 are registers, recording an
// error otherwise. Forms with one register pass it twice.
func (a *Assembler) gp(name string, w Width, ws widths, r1, r2 Reg) bool {
	return ws.has(w) && (r1-1)|(r2-1) < 16 || a.badGP(name, w, r1, r2)
}

// badGP is the error path of gp, apart so that gp inlines.
func (a *Assembler) badGP(name string, w Width, r1, r2 Reg) bool {
	a.fail(ErrOperand, "%s %v %v, %v", name, w, r1, r2)
	return false
}

// known reports whether op, an instruction of the family (Arith, Unary,
// ...), is defined, recording an error if not.
func (a *Assembler) known(ok bool, family string, op uint8) bool {
	if !ok {
		a.fail(ErrOperand, "%s(%d): no such instruction", family, op)
	}
	return ok
}

// immLen is the size of a full immediate at width w: imm8, imm16, or imm32
// (sign-extended to 64 bits at W64).
func immLen(w Width) uint8 { return min(uint8(w), 4) }

// fitsWidth reports whether v is a w-bit value, signed or unsigned.
func fitsWidth(v int64, w Width) bool {
	bits := 8 * uint(w)
	return v >= -1<<(bits-1) && v < 1<<bits
}

// truncImm sign-extends the low w bytes of v, so that, say, 0xFFFF at W16
// is -1 and takes the imm8 form.
func truncImm(v int64, w Width) int64 {
	switch w {
	case W8:
		return int64(int8(v))
	case W16:
		return int64(int16(v))
	case W32:
		return int64(int32(v))
	}
	return v
}

func fitsInt8(v int64) bool { return v == int64(int8(v)) }

// Arith is a two-operand arithmetic or logic instruction. Its value is the
// ModRM.reg extension of its immediate forms (80/81/83 /digit), and its
// register forms are opcodes digit*8 + 0..5, which is why the encoder needs
// no further table for them.
type Arith uint8

// The arithmetic instructions.
const (
	ADD Arith = iota
	OR
	ADC
	SBB
	AND
	SUB
	XOR
	CMP
)

var arithNames = [...]string{"ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"}

func (op Arith) String() string { return opName(arithNames[:], int(op)) }

func (op Arith) valid() bool { return op < 8 }

// byteOp returns opcode b for W8 and b+1 for wider operands: the common
// pattern of the one-byte opcode map.
func byteOp(w Width, b byte) opcode {
	if w != W8 {
		b++
	}
	return opcode{op: b}
}

// ArithRR emits op dst, src (for CMP: flags of dst - src).
func (a *Assembler) ArithRR(op Arith, w Width, dst, src Reg) {
	if !a.known(op.valid(), "Arith", uint8(op)) || !a.gp(op.String(), w, wAny, dst, src) {
		return
	}
	a.encRR(sizeFlags(w), byteOp(w, byte(op)<<3), src.num(), dst.num(), 0, 0)
}

// ArithRM emits op dst, [src].
func (a *Assembler) ArithRM(op Arith, w Width, dst Reg, src Mem) {
	if !a.known(op.valid(), "Arith", uint8(op)) || !a.gp(op.String(), w, wAny, dst, dst) {
		return
	}
	a.encM(sizeFlags(w), byteOp(w, byte(op)<<3|2), dst.num(), &src, 0, 0)
}

// ArithMR emits op [dst], src.
func (a *Assembler) ArithMR(op Arith, w Width, dst Mem, src Reg) {
	if !a.known(op.valid(), "Arith", uint8(op)) || !a.gp(op.String(), w, wAny, src, src) {
		return
	}
	a.encM(sizeFlags(w), byteOp(w, byte(op)<<3), src.num(), &dst, 0, 0)
}

// ArithRI emits op dst, imm with the shortest immediate: imm8 when the
// value fits it sign-extended, else the accumulator's short form for RAX,
// else a full immediate. At W8 and W16 imm must be an 8- or 16-bit value,
// signed or unsigned; at W64 it is sign-extended.
func (a *Assembler) ArithRI(op Arith, w Width, dst Reg, imm int32) {
	v := int64(imm)
	if !a.known(op.valid(), "Arith", uint8(op)) || !a.gp(op.String(), w, wAny, dst, dst) || !a.immOK(op.String(), w, v) {
		return
	}
	v = truncImm(v, w)
	f := extFlags(w)
	switch {
	case w == W8 && dst == RAX:
		a.encO(0, opcode{op: byte(op)<<3 | 4}, 0, v, 1)
	case w == W8:
		a.encRR(f, opcode{op: 0x80}, byte(op), dst.num(), v, 1)
	case fitsInt8(v):
		a.encRR(f, opcode{op: 0x83}, byte(op), dst.num(), v, 1)
	case dst == RAX:
		a.encO(f, opcode{op: byte(op)<<3 | 5}, 0, v, immLen(w))
	default:
		a.encRR(f, opcode{op: 0x81}, byte(op), dst.num(), v, immLen(w))
	}
}

// ArithMI emits op [dst], imm, with the immediate rules of ArithRI.
func (a *Assembler) ArithMI(op Arith, w Width, dst Mem, imm int32) {
	v := int64(imm)
	if !a.known(op.valid(), "Arith", uint8(op)) || !a.gp(op.String(), w, wAny, RAX, RAX) || !a.immOK(op.String(), w, v) {
		return
	}
	v = truncImm(v, w)
	f := memFlags(w)
	switch {
	case w == W8:
		a.encM(f, opcode{op: 0x80}, byte(op), &dst, v, 1)
	case fitsInt8(v):
		a.encM(f, opcode{op: 0x83}, byte(op), &dst, v, 1)
	default:
		a.encM(f, opcode{op: 0x81}, byte(op), &dst, v, immLen(w))
	}
}

// immOK reports whether v is an immediate of width w (sign-extended imm32 at
// W64), recording an error if not.
func (a *Assembler) immOK(name string, w Width, v int64) bool {
	if w == W64 && v == int64(int32(v)) || w != W64 && fitsWidth(v, w) {
		return true
	}
	a.fail(ErrOperand, "%s %v: immediate %#x out of range", name, w, v)
	return false
}

// Unary is a one-operand instruction of the F6/F7 and FE/FF groups. MUL,
// IMUL, DIV and IDIV take RDX:RAX (AX, EDX:EAX, ...) as their other operand.
type Unary uint8

// The one-operand instructions.
const (
	NOT Unary = iota
	NEG
	MUL
	IMUL
	DIV
	IDIV
	INC
	DEC
)

// unaryOps holds each Unary's opcode (for operands wider than a byte; the
// byte form is one less) and ModRM.reg extension.
var unaryOps = [...]struct{ op, ext byte }{
	NOT:  {0xF7, 2},
	NEG:  {0xF7, 3},
	MUL:  {0xF7, 4},
	IMUL: {0xF7, 5},
	DIV:  {0xF7, 6},
	IDIV: {0xF7, 7},
	INC:  {0xFF, 0},
	DEC:  {0xFF, 1},
}

var unaryNames = [...]string{"NOT", "NEG", "MUL", "IMUL", "DIV", "IDIV", "INC", "DEC"}

func (op Unary) String() string { return opName(unaryNames[:], int(op)) }

// UnaryR emits op r.
func (a *Assembler) UnaryR(op Unary, w Width, r Reg) {
	if !a.known(int(op) < len(unaryOps), "Unary", uint8(op)) || !a.gp(op.String(), w, wAny, r, r) {
		return
	}
	u := unaryOps[op]
	a.encRR(extFlags(w), byteOp(w, u.op-1), u.ext, r.num(), 0, 0)
}

// UnaryM emits op [m].
func (a *Assembler) UnaryM(op Unary, w Width, m Mem) {
	if !a.known(int(op) < len(unaryOps), "Unary", uint8(op)) || !a.gp(op.String(), w, wAny, RAX, RAX) {
		return
	}
	u := unaryOps[op]
	a.encM(memFlags(w), byteOp(w, u.op-1), u.ext, &m, 0, 0)
}

// Shift is a shift or rotate; its value is the ModRM.reg extension of the
// C0/C1, D0/D1 and D2/D3 groups.
type Shift uint8

// The shifts and rotates.
const (
	ROL Shift = 0
	ROR Shift = 1
	RCL Shift = 2
	RCR Shift = 3
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

var shiftNames = [...]string{"ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "", "SAR"}

func (op Shift) String() string { return opName(shiftNames[:], int(op)) }

func (op Shift) valid() bool { return op < 8 && op != 6 }

// ShiftRCL emits op r, CL.
func (a *Assembler) ShiftRCL(op Shift, w Width, r Reg) {
	if !a.known(op.valid(), "Shift", uint8(op)) || !a.gp(op.String(), w, wAny, r, r) {
		return
	}
	a.encRR(extFlags(w), byteOp(w, 0xD2), byte(op), r.num(), 0, 0)
}

// ShiftRI emits op r, n; a count of 1 takes the form without immediate. The
// processor masks n to 5 bits (6 at W64).
func (a *Assembler) ShiftRI(op Shift, w Width, r Reg, n uint8) {
	if !a.known(op.valid(), "Shift", uint8(op)) || !a.gp(op.String(), w, wAny, r, r) {
		return
	}
	if n == 1 {
		a.encRR(extFlags(w), byteOp(w, 0xD0), byte(op), r.num(), 0, 0)
		return
	}
	a.encRR(extFlags(w), byteOp(w, 0xC0), byte(op), r.num(), int64(n), 1)
}

// ShiftMCL emits op [m], CL.
func (a *Assembler) ShiftMCL(op Shift, w Width, m Mem) {
	if !a.known(op.valid(), "Shift", uint8(op)) || !a.gp(op.String(), w, wAny, RAX, RAX) {
		return
	}
	a.encM(memFlags(w), byteOp(w, 0xD2), byte(op), &m, 0, 0)
}

// ShiftMI emits op [m], n, as ShiftRI does.
func (a *Assembler) ShiftMI(op Shift, w Width, m Mem, n uint8) {
	if !a.known(op.valid(), "Shift", uint8(op)) || !a.gp(op.String(), w, wAny, RAX, RAX) {
		return
	}
	f := memFlags(w)
	if n == 1 {
		a.encM(f, byteOp(w, 0xD0), byte(op), &m, 0, 0)
		return
	}
	a.encM(f, byteOp(w, 0xC0), byte(op), &m, int64(n), 1)
}

// MovRR emits mov dst, src.
func (a *Assembler) MovRR(w Width, dst, src Reg) {
	if a.gp("MOV", w, wAny, dst, src) {
		a.encRR(sizeFlags(w), byteOp(w, 0x88), src.num(), dst.num(), 0, 0)
	}
}

// MovRM emits mov dst, [src]: a load.
func (a *Assembler) MovRM(w Width, dst Reg, src Mem) {
	if a.gp("MOV", w, wAny, dst, dst) {
		a.encM(sizeFlags(w), byteOp(w, 0x8A), dst.num(), &src, 0, 0)
	}
}

// MovMR emits mov [dst], src: a store.
func (a *Assembler) MovMR(w Width, dst Mem, src Reg) {
	if a.gp("MOV", w, wAny, src, src) {
		a.encM(sizeFlags(w), byteOp(w, 0x88), src.num(), &dst, 0, 0)
	}
}

// MovMI emits mov [dst], imm: a store of an immediate, sign-extended from
// 32 bits at W64; at W8 and W16 imm is an 8- or 16-bit value, signed or
// unsigned.
func (a *Assembler) MovMI(w Width, dst Mem, imm int32) {
	if a.gp("MOV", w, wAny, RAX, RAX) && a.immOK("MOV", w, int64(imm)) {
		a.encM(memFlags(w), byteOp(w, 0xC6), 0, &dst, int64(imm), immLen(w))
	}
}

// MovRI loads the constant imm into dst in the shortest form. At W64:
// values 0 to 2^32-1 take MOV r32, imm32 (the processor zero-extends
// 32-bit results), other values that fit a sign-extended imm32 take
// MOV r/m64, imm32, and the rest MOVABS r64, imm64. At narrower widths imm
// must be a value of that width, signed or unsigned; W8 and W16 leave the
// rest of the register unchanged.
func (a *Assembler) MovRI(w Width, dst Reg, imm int64) {
	if !a.gp("MOV", w, wAny, dst, dst) {
		return
	}
	r := dst.num()
	switch {
	case w == W64 && uint64(imm) <= math.MaxUint32:
		a.encO(0, opcode{op: 0xB8}, r, imm, 4)
	case w == W64 && imm == int64(int32(imm)):
		a.encRR(eW, opcode{op: 0xC7}, 0, r, imm, 4)
	case w == W64:
		a.encO(eW, opcode{op: 0xB8}, r, imm, 8)
	case !a.immOK("MOV", w, imm):
	case w == W8:
		a.encO(eRegByte, opcode{op: 0xB0}, r, imm, 1)
	default:
		a.encO(sizeFlags(w), opcode{op: 0xB8}, r, imm, immLen(w))
	}
}

// extends checks the widths of MOVZX and MOVSX: src narrower than dst, and
// both valid.
func (a *Assembler) extends(name string, dstW, srcW Width, dst, src Reg) bool {
	ok := dst.valid() && src.valid() && dstW > srcW
	switch srcW {
	case W8:
		ok = ok && wNot8.has(dstW)
	case W16, W32:
		ok = ok && w32or4.has(dstW)
	default:
		ok = false
	}
	if !ok {
		a.fail(ErrOperand, "%s %v, %v: %v, %v", name, dstW, srcW, dst, src)
	}
	return ok
}

// zxOp returns the flags and opcode of a zero extension. Writing a 32-bit
// register zero-extends to 64 bits, so a W64 destination takes the 32-bit
// form, one byte shorter.
func zxOp(dstW, srcW Width) (eflags, opcode) {
	f := sizeFlags(dstW) &^ eW
	switch srcW {
	case W8:
		return f | eRMByte, opcode{esc: map0F, op: 0xB6}
	case W16:
		return f, opcode{esc: map0F, op: 0xB7}
	}
	return f, opcode{op: 0x8B} // MOV r32, r/m32
}

func sxOp(dstW, srcW Width) (eflags, opcode) {
	f := sizeFlags(dstW)
	switch srcW {
	case W8:
		return f | eRMByte, opcode{esc: map0F, op: 0xBE}
	case W16:
		return f, opcode{esc: map0F, op: 0xBF}
	}
	return f, opcode{op: 0x63} // MOVSXD
}

// MovzxRR zero-extends the srcW-wide src into the dstW-wide dst (MOVZX; a
// 32-bit MOV for srcW W32).
func (a *Assembler) MovzxRR(dstW, srcW Width, dst, src Reg) {
	if a.extends("MOVZX", dstW, srcW, dst, src) {
		f, o := zxOp(dstW, srcW)
		a.encRR(f, o, dst.num(), src.num(), 0, 0)
	}
}

// MovzxRM loads srcW bytes from src and zero-extends them into dst.
func (a *Assembler) MovzxRM(dstW, srcW Width, dst Reg, src Mem) {
	if a.extends("MOVZX", dstW, srcW, dst, dst) {
		f, o := zxOp(dstW, srcW)
		a.encM(f&^eRMByte, o, dst.num(), &src, 0, 0)
	}
}

// MovsxRR sign-extends the srcW-wide src into the dstW-wide dst (MOVSX,
// MOVSXD).
func (a *Assembler) MovsxRR(dstW, srcW Width, dst, src Reg) {
	if a.extends("MOVSX", dstW, srcW, dst, src) {
		f, o := sxOp(dstW, srcW)
		a.encRR(f, o, dst.num(), src.num(), 0, 0)
	}
}

// MovsxRM loads srcW bytes from src and sign-extends them into dst.
func (a *Assembler) MovsxRM(dstW, srcW Width, dst Reg, src Mem) {
	if a.extends("MOVSX", dstW, srcW, dst, dst) {
		f, o := sxOp(dstW, srcW)
		a.encM(f&^eRMByte, o, dst.num(), &src, 0, 0)
	}
}

// Lea emits lea dst, [m].
func (a *Assembler) Lea(w Width, dst Reg, m Mem) {
	if a.gp("LEA", w, wNot8, dst, dst) {
		a.encM(sizeFlags(w), opcode{op: 0x8D}, dst.num(), &m, 0, 0)
	}
}

// TestRR emits test r1, r2.
func (a *Assembler) TestRR(w Width, r1, r2 Reg) {
	if a.gp("TEST", w, wAny, r1, r2) {
		a.encRR(sizeFlags(w), byteOp(w, 0x84), r2.num(), r1.num(), 0, 0)
	}
}

// TestMR emits test [m], r.
func (a *Assembler) TestMR(w Width, m Mem, r Reg) {
	if a.gp("TEST", w, wAny, r, r) {
		a.encM(sizeFlags(w), byteOp(w, 0x84), r.num(), &m, 0, 0)
	}
}

// TestRI emits test r, imm; TEST has no imm8 form, but the accumulator has
// a short one. Immediates follow the rules of ArithRI.
func (a *Assembler) TestRI(w Width, r Reg, imm int32) {
	if !a.gp("TEST", w, wAny, r, r) || !a.immOK("TEST", w, int64(imm)) {
		return
	}
	if r == RAX {
		a.encO(extFlags(w), byteOp(w, 0xA8), 0, int64(imm), immLen(w))
		return
	}
	a.encRR(extFlags(w), byteOp(w, 0xF6), 0, r.num(), int64(imm), immLen(w))
}

// TestMI emits test [m], imm.
func (a *Assembler) TestMI(w Width, m Mem, imm int32) {
	if a.gp("TEST", w, wAny, RAX, RAX) && a.immOK("TEST", w, int64(imm)) {
		a.encM(memFlags(w), byteOp(w, 0xF6), 0, &m, int64(imm), immLen(w))
	}
}

// XchgRR exchanges r1 and r2, in the one-byte 90+r form when one of them
// is RAX, except XCHG EAX, EAX: its short form is NOP, which would not
// clear the upper half of RAX.
func (a *Assembler) XchgRR(w Width, r1, r2 Reg) {
	if !a.gp("XCHG", w, wAny, r1, r2) {
		return
	}
	switch {
	case w == W8 || w == W32 && r1 == RAX && r2 == RAX:
	case r1 == RAX:
		a.encO(sizeFlags(w), opcode{op: 0x90}, r2.num(), 0, 0)
		return
	case r2 == RAX:
		a.encO(sizeFlags(w), opcode{op: 0x90}, r1.num(), 0, 0)
		return
	}
	a.encRR(sizeFlags(w), byteOp(w, 0x86), r2.num(), r1.num(), 0, 0)
}

// XchgMR exchanges [m] and r; the processor makes it atomic (implicit LOCK).
func (a *Assembler) XchgMR(w Width, m Mem, r Reg) {
	if a.gp("XCHG", w, wAny, r, r) {
		a.encM(sizeFlags(w), byteOp(w, 0x86), r.num(), &m, 0, 0)
	}
}

// ImulRR emits imul dst, src: dst *= src, truncated.
func (a *Assembler) ImulRR(w Width, dst, src Reg) {
	if a.gp("IMUL", w, wNot8, dst, src) {
		a.encRR(sizeFlags(w), opcode{esc: map0F, op: 0xAF}, dst.num(), src.num(), 0, 0)
	}
}

// ImulRM emits imul dst, [src].
func (a *Assembler) ImulRM(w Width, dst Reg, src Mem) {
	if a.gp("IMUL", w, wNot8, dst, dst) {
		a.encM(sizeFlags(w), opcode{esc: map0F, op: 0xAF}, dst.num(), &src, 0, 0)
	}
}

// imul3 returns the opcode and immediate size of the three-operand IMUL.
func imul3(w Width, v int64) (opcode, uint8) {
	if fitsInt8(v) {
		return opcode{op: 0x6B}, 1
	}
	return opcode{op: 0x69}, immLen(w)
}

// ImulRRI emits imul dst, src, imm: dst = src * imm, with imm8 when it
// fits.
func (a *Assembler) ImulRRI(w Width, dst, src Reg, imm int32) {
	if a.gp("IMUL", w, wNot8, dst, src) && a.immOK("IMUL", w, int64(imm)) {
		v := truncImm(int64(imm), w)
		o, n := imul3(w, v)
		a.encRR(sizeFlags(w), o, dst.num(), src.num(), v, n)
	}
}

// ImulRMI emits imul dst, [src], imm.
func (a *Assembler) ImulRMI(w Width, dst Reg, src Mem, imm int32) {
	if a.gp("IMUL", w, wNot8, dst, dst) && a.immOK("IMUL", w, int64(imm)) {
		v := truncImm(int64(imm), w)
		o, n := imul3(w, v)
		a.encM(sizeFlags(w), o, dst.num(), &src, v, n)
	}
}

// BitOp is a bit-scanning or counting instruction. LZCNT, TZCNT and POPCNT
// need their CPUID features (ABM/LZCNT, BMI1, POPCNT); on processors
// without LZCNT and TZCNT their encodings execute as BSR and BSF, which
// differ for zero and in LZCNT's result.
type BitOp uint8

// The bit instructions.
const (
	LZCNT BitOp = iota
	TZCNT
	POPCNT
	BSR
	BSF
)

var bitOps = [...]opcode{
	LZCNT:  {pfx: 0xF3, esc: map0F, op: 0xBD},
	TZCNT:  {pfx: 0xF3, esc: map0F, op: 0xBC},
	POPCNT: {pfx: 0xF3, esc: map0F, op: 0xB8},
	BSR:    {esc: map0F, op: 0xBD},
	BSF:    {esc: map0F, op: 0xBC},
}

var bitNames = [...]string{"LZCNT", "TZCNT", "POPCNT", "BSR", "BSF"}

func (op BitOp) String() string { return opName(bitNames[:], int(op)) }

// BitRR emits op dst, src.
func (a *Assembler) BitRR(op BitOp, w Width, dst, src Reg) {
	if a.known(int(op) < len(bitOps), "BitOp", uint8(op)) && a.gp(op.String(), w, wNot8, dst, src) {
		a.encRR(sizeFlags(w), bitOps[op], dst.num(), src.num(), 0, 0)
	}
}

// BitRM emits op dst, [src].
func (a *Assembler) BitRM(op BitOp, w Width, dst Reg, src Mem) {
	if a.known(int(op) < len(bitOps), "BitOp", uint8(op)) && a.gp(op.String(), w, wNot8, dst, dst) {
		a.encM(sizeFlags(w), bitOps[op], dst.num(), &src, 0, 0)
	}
}

// CmovRR emits cmovcc dst, src. At W32 the processor zero-extends dst even
// when the condition is false.
func (a *Assembler) CmovRR(c Cond, w Width, dst, src Reg) {
	if a.cond(c) && a.gp("CMOV", w, wNot8, dst, src) {
		a.encRR(sizeFlags(w), opcode{esc: map0F, op: 0x40 | byte(c)}, dst.num(), src.num(), 0, 0)
	}
}

// CmovRM emits cmovcc dst, [src]. The load happens, and may fault, whatever
// the condition.
func (a *Assembler) CmovRM(c Cond, w Width, dst Reg, src Mem) {
	if a.cond(c) && a.gp("CMOV", w, wNot8, dst, dst) {
		a.encM(sizeFlags(w), opcode{esc: map0F, op: 0x40 | byte(c)}, dst.num(), &src, 0, 0)
	}
}

// Setcc sets the low byte of dst to 1 if c holds, else 0; the rest of dst
// is unchanged.
func (a *Assembler) Setcc(c Cond, dst Reg) {
	if a.cond(c) && a.gp("SET", W8, wAny, dst, dst) {
		a.encRR(eRMByte, opcode{esc: map0F, op: 0x90 | byte(c)}, 0, dst.num(), 0, 0)
	}
}

// SetccM stores 1 or 0 in the byte at m.
func (a *Assembler) SetccM(c Cond, m Mem) {
	if a.cond(c) {
		a.encM(0, opcode{esc: map0F, op: 0x90 | byte(c)}, 0, &m, 0, 0)
	}
}

func (a *Assembler) cond(c Cond) bool {
	if c < 16 {
		return true
	}
	a.fail(ErrOperand, "condition %v", c)
	return false
}

// Bswap reverses the byte order of r (W32 or W64).
func (a *Assembler) Bswap(w Width, r Reg) {
	if a.gp("BSWAP", w, w32or4, r, r) {
		a.encO(sizeFlags(w), opcode{esc: map0F, op: 0xC8}, r.num(), 0, 0)
	}
}

// Cdq sign-extends EAX into EDX:EAX, before a 32-bit IDIV.
func (a *Assembler) Cdq() { a.encO(0, opcode{op: 0x99}, 0, 0, 0) }

// Cqo sign-extends RAX into RDX:RAX, before a 64-bit IDIV.
func (a *Assembler) Cqo() { a.encO(eW, opcode{op: 0x99}, 0, 0, 0) }

// Push pushes r.
func (a *Assembler) Push(r Reg) {
	if a.gp("PUSH", W64, wAny, r, r) {
		a.encO(0, opcode{op: 0x50}, r.num(), 0, 0)
	}
}

// Pop pops into r.
func (a *Assembler) Pop(r Reg) {
	if a.gp("POP", W64, wAny, r, r) {
		a.encO(0, opcode{op: 0x58}, r.num(), 0, 0)
	}
}

// Ret returns.
func (a *Assembler) Ret() { a.encO(0, opcode{op: 0xC3}, 0, 0, 0) }

// Ud2 emits the undefined instruction, which raises SIGILL.
func (a *Assembler) Ud2() { a.encO(0, opcode{esc: map0F, op: 0x0B}, 0, 0, 0) }

// Int3 emits the breakpoint instruction, which raises SIGTRAP.
func (a *Assembler) Int3() { a.encO(0, opcode{op: 0xCC}, 0, 0, 0) }

func opName(names []string, i int) string {
	if i < len(names) && names[i] != "" {
		return names[i]
	}
	return "op?"
}
