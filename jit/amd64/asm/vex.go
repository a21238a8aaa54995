package asm

// VEX-encoded instructions: the BMI1 and BMI2 general-purpose forms, which
// spare a baseline compiler the fixed registers of their legacy
// counterparts (SHLX shifts by any register, not only CL).
//
// Layout of the three-byte VEX prefix, which replaces REX and the opcode
// escape:
//
//	C4  R̄X̄B̄mmmmm  Wv̄v̄v̄v̄Lpp  opcode  ModRM  [imm8]
//
// R, X and B are inverted REX bits, mmmmm the opcode map (2: 0F 38, 3:
// 0F 3A), W the operand size, vvvv an extra register operand (inverted),
// L the vector length (0 here), pp an implied prefix (0: none, 1: 66,
// 2: F3, 3: F2). Only forms with maps 0F 38 and 0F 3A are here, so the
// two-byte C5 prefix (map 0F only) is never the shorter choice.

// VexOp is a BMI instruction. They need the CPUID features BMI1 (ANDN) or
// BMI2 (the others); the caller checks them.
type VexOp uint8

// The BMI instructions, with their operands in Intel order as the Vex
// methods take them.
const (
	ANDN VexOp = iota // dst = ^src1 & src2
	BZHI              // dst = src1 with the bits from index src2 up cleared
	SHLX              // dst = src1 << src2
	SHRX              // dst = src1 >> src2, unsigned
	SARX              // dst = src1 >> src2, signed
	RORX              // dst = src rotated right by imm
	numVexOps
)

// vexForm is a VexOp's table entry.
type vexForm struct {
	name string
	pp   uint8 // implied prefix
	mmm  uint8 // opcode map
	op   byte
	// src1V: the first source goes in vvvv and the second in ModRM.rm
	// (ANDN); otherwise the reverse.
	src1V bool
	imm   bool // RORX: one source and an imm8, no vvvv
}

var vexForms = [numVexOps]vexForm{
	ANDN: {name: "ANDN", pp: 0, mmm: 2, op: 0xF2, src1V: true},
	BZHI: {name: "BZHI", pp: 0, mmm: 2, op: 0xF5},
	SHLX: {name: "SHLX", pp: 1, mmm: 2, op: 0xF7},
	SHRX: {name: "SHRX", pp: 3, mmm: 2, op: 0xF7},
	SARX: {name: "SARX", pp: 2, mmm: 2, op: 0xF7},
	RORX: {name: "RORX", pp: 3, mmm: 3, op: 0xF0, imm: true},
}

func (op VexOp) String() string {
	if op < numVexOps {
		return vexForms[op].name
	}
	return "VexOp?"
}

// encVex encodes a register-direct VEX form.
func (a *Assembler) encVex(w Width, f *vexForm, reg, vvvv, rm uint8, imm int64, immLen uint8) {
	b := a.room()
	var wbit byte
	if w == W64 {
		wbit = 0x80
	}
	b[0] = 0xC4
	b[1] = (rexR(reg)<<5 | rexB(rm)<<5) ^ 0xE0 | f.mmm
	b[2] = wbit | (^vvvv&15)<<3 | f.pp
	b[3] = f.op
	b[4] = 0xC0 | (reg&7)<<3 | rm&7
	a.commit(putImm(b, 5, imm, immLen))
}

// VexRRR emits op dst, src1, src2 (W32 or W64) for ANDN, BZHI, SHLX, SHRX
// and SARX.
func (a *Assembler) VexRRR(op VexOp, w Width, dst, src1, src2 Reg) {
	if !a.known(op < numVexOps && !vexForms[op].imm, "VexOp", uint8(op)) || !a.gp(op.String(), w, w32or4, dst, src1) ||
		!a.gp(op.String(), w, w32or4, src2, src2) {
		return
	}
	f := &vexForms[op]
	v, rm := src2, src1
	if f.src1V {
		v, rm = src1, src2
	}
	a.encVex(w, f, dst.num(), v.num(), rm.num(), 0, 0)
}

// VexRRI emits op dst, src, imm (W32 or W64) for RORX.
func (a *Assembler) VexRRI(op VexOp, w Width, dst, src Reg, imm uint8) {
	if a.known(op < numVexOps && vexForms[op].imm, "VexOp", uint8(op)) && a.gp(op.String(), w, w32or4, dst, src) {
		a.encVex(w, &vexForms[op], dst.num(), 0, src.num(), int64(imm), 1)
	}
}
