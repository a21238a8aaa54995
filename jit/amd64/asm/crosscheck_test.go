package asm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

// This file holds the table of directly encoded forms and how each one is
// written for golang-asm, the reference. TestCrossCheck enumerates operands
// for every form; FuzzCrossCheck draws them at random.

// operands are the operands of one instruction; a form uses the fields it
// needs.
type operands struct {
	op         int   // the instruction within the form's family (Arith, Unary, ...)
	w, w2      Width // operand width; w2 is the source width of MOVZX and MOVSX
	r1, r2, r3 Reg
	x1, x2     XReg
	m          Mem
	imm        int64
	cc         Cond
}

func (o operands) String() string {
	return fmt.Sprintf("op=%d w=%v w2=%v r=%v,%v,%v x=%v,%v m=%v imm=%#x cc=%v",
		o.op, o.w, o.w2, o.r1, o.r2, o.r3, o.x1, o.x2, o.m, o.imm, o.cc)
}

// Immediate classes: which values a form accepts, and the edge values to
// enumerate.
const (
	immNone  = iota
	immArith // ArithRI and friends: a w-bit value (int32 at W32, W64)
	immMov   // MovRI: a w-bit value, any int64 at W64
	immU8    // shift counts
	immXOp   // ROUNDSx modes and CMPSx predicates, up to the XOp's immMax
)

var immEdges = []int64{0, 1, -1, 2, 5, 7, 8, 15, 16, 127, 128, -128, -129, 255, 256, 0x7FFF, 0x8000, -0x8000, -0x8001, 0xFFFF, 0x10000,
	math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, math.MaxUint32, math.MaxUint32 + 1,
	math.MaxInt64, math.MinInt64, 0x123456789ABCDEF, -0x123456789ABCDEF}

// immValid reports whether v belongs to class k for op at width w.
func immValid(k, op int, w Width, v int64) bool {
	switch k {
	case immXOp:
		return v >= 0 && v <= int64(xforms[op].immMax)
	case immArith:
		return v == int64(int32(v)) && (w >= W32 || fitsWidth(v, w))
	case immMov:
		return w == W64 || fitsWidth(v, w)
	case immU8:
		return v >= 0 && v <= 255
	}
	return v == 0
}

// form is one directly encoded instruction form.
type form struct {
	name   string
	ops    []int   // values of op; nil for a single instruction
	widths []Width // values of w; nil for none
	w2s    []Width // values of w2; nil for none
	gp, xr int     // how many of r1, r2, r3 and of x1, x2 the form uses
	mem    bool
	imm    int
	cond   bool
	// skip reports operand combinations the form does not have.
	skip func(o operands) bool
	emit func(a *Assembler, o operands)
	// ref returns the instruction for golang-asm: mnemonic and operands in
	// Go order. A nil want means golang-asm's bytes are the expected ones;
	// otherwise want is, and why says why the two differ.
	ref func(o operands) (mnemonic string, ops []obj.Addr, want []byte, why string)
}

var allWidths = []Width{W8, W16, W32, W64}
var widthsNot8 = []Width{W16, W32, W64}
var widths3264 = []Width{W32, W64}

func sfx(w Width) string {
	switch w {
	case W8:
		return "B"
	case W16:
		return "W"
	case W32:
		return "L"
	}
	return "Q"
}

// goCond are Go's condition suffixes, indexed by Cond.
var goCond = [16]string{"OS", "OC", "CS", "CC", "EQ", "NE", "LS", "HI", "MI", "PL", "PS", "PC", "LT", "GE", "LE", "GT"}

// gr returns the golang-asm operand for r at width w: golang-asm names the
// low byte of a register as a register of its own, except SPL: it rejects
// SPB in every instruction and takes SP in byte instructions instead.
func gr(w Width, r Reg) obj.Addr {
	if w == W8 && r != RSP {
		return obj.Addr{Type: obj.TYPE_REG, Reg: x86.REG_AL + int16(r.num())}
	}
	return GoReg(r)
}

func gx(x XReg) obj.Addr           { return GoXReg(x) }
func gm(m Mem) obj.Addr            { return GoMem(m) }
func gi(v int64) obj.Addr          { return GoImm(v) }
func ops(a ...obj.Addr) []obj.Addr { return a }

// simple wraps a reference without expected-bytes override.
func simple(f func(o operands) (string, []obj.Addr)) func(o operands) (string, []obj.Addr, []byte, string) {
	return func(o operands) (string, []obj.Addr, []byte, string) {
		n, a := f(o)
		return n, a, nil, ""
	}
}

var shiftOps = []int{int(ROL), int(ROR), int(RCL), int(RCR), int(SHL), int(SHR), int(SAR)}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// opsWith returns the XOps that have the form kind, with or without imm8.
func opsWith(kind int, imm bool) []int {
	var s []int
	for op := range numXOps {
		f := xforms[op]
		b := [...]byte{formOp: f.op, formSt: f.st, formXR: f.xr, formRX: f.rx}[kind]
		if b != 0 && f.imm == imm {
			s = append(s, int(op))
		}
	}
	return s
}

// arithRef orders operands for golang-asm: Go writes CMP in Intel order and
// every other instruction source first.
func arithRef(op Arith, w Width, dst, src obj.Addr) (string, []obj.Addr) {
	if op == CMP {
		return "CMP" + sfx(w), ops(dst, src)
	}
	return op.String() + sfx(w), ops(src, dst)
}

var movzxNames = map[[2]Width]string{
	{W16, W8}: "MOVBWZX", {W32, W8}: "MOVBLZX", {W64, W8}: "MOVBLZX",
	{W32, W16}: "MOVWLZX", {W64, W16}: "MOVWLZX", {W64, W32}: "MOVLQZX",
}

var movsxNames = map[[2]Width]string{
	{W16, W8}: "MOVBWSX", {W32, W8}: "MOVBLSX", {W64, W8}: "MOVBQSX",
	{W32, W16}: "MOVWLSX", {W64, W16}: "MOVWQSX", {W64, W32}: "MOVLQSX",
}

func badExtend(o operands) bool { return movzxNames[[2]Width{o.w, o.w2}] == "" }

// xrNames and rxNames are golang-asm's names for the general-purpose forms,
// by width.
var xrNames = map[XOp][2]string{
	MOVD: {"MOVL", "MOVQ"}, CVTSI2SS: {"CVTSL2SS", "CVTSQ2SS"}, CVTSI2SD: {"CVTSL2SD", "CVTSQ2SD"},
}

var rxNames = map[XOp][2]string{
	MOVD: {"MOVL", "MOVQ"}, CVTTSS2SI: {"CVTTSS2SL", "CVTTSS2SQ"}, CVTTSD2SI: {"CVTTSD2SL", "CVTTSD2SQ"},
}

func byW(names [2]string, w Width) string {
	if w == W64 {
		return names[1]
	}
	return names[0]
}

var forms = []form{
	{name: "ArithRR", ops: seq(8), widths: allWidths, gp: 2,
		emit: func(a *Assembler, o operands) { a.ArithRR(Arith(o.op), o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return arithRef(Arith(o.op), o.w, gr(o.w, o.r1), gr(o.w, o.r2))
		})},
	{name: "ArithRI", ops: seq(8), widths: allWidths, gp: 1, imm: immArith,
		emit: func(a *Assembler, o operands) { a.ArithRI(Arith(o.op), o.w, o.r1, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return arithRef(Arith(o.op), o.w, gr(o.w, o.r1), gi(truncImm(o.imm, o.w)))
		})},
	{name: "ArithRM", ops: seq(8), widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.ArithRM(Arith(o.op), o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return arithRef(Arith(o.op), o.w, gr(o.w, o.r1), gm(o.m))
		})},
	{name: "ArithMR", ops: seq(8), widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.ArithMR(Arith(o.op), o.w, o.m, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return arithRef(Arith(o.op), o.w, gm(o.m), gr(o.w, o.r1))
		})},
	{name: "ArithMI", ops: seq(8), widths: allWidths, mem: true, imm: immArith,
		emit: func(a *Assembler, o operands) { a.ArithMI(Arith(o.op), o.w, o.m, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return arithRef(Arith(o.op), o.w, gm(o.m), gi(truncImm(o.imm, o.w)))
		})},
	{name: "UnaryR", ops: seq(8), widths: allWidths, gp: 1,
		emit: func(a *Assembler, o operands) { a.UnaryR(Unary(o.op), o.w, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Unary(o.op).String() + sfx(o.w), ops(gr(o.w, o.r1))
		})},
	{name: "UnaryM", ops: seq(8), widths: allWidths, mem: true,
		emit: func(a *Assembler, o operands) { a.UnaryM(Unary(o.op), o.w, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Unary(o.op).String() + sfx(o.w), ops(gm(o.m))
		})},
	{name: "ShiftRCL", ops: shiftOps, widths: allWidths, gp: 1,
		emit: func(a *Assembler, o operands) { a.ShiftRCL(Shift(o.op), o.w, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Shift(o.op).String() + sfx(o.w), ops(GoReg(RCX), gr(o.w, o.r1))
		})},
	{name: "ShiftRI", ops: shiftOps, widths: allWidths, gp: 1, imm: immU8,
		emit: func(a *Assembler, o operands) { a.ShiftRI(Shift(o.op), o.w, o.r1, uint8(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Shift(o.op).String() + sfx(o.w), ops(gi(o.imm), gr(o.w, o.r1))
		})},
	{name: "ShiftMCL", ops: shiftOps, widths: allWidths, mem: true,
		emit: func(a *Assembler, o operands) { a.ShiftMCL(Shift(o.op), o.w, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Shift(o.op).String() + sfx(o.w), ops(GoReg(RCX), gm(o.m))
		})},
	{name: "ShiftMI", ops: shiftOps, widths: allWidths, mem: true, imm: immU8,
		emit: func(a *Assembler, o operands) { a.ShiftMI(Shift(o.op), o.w, o.m, uint8(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return Shift(o.op).String() + sfx(o.w), ops(gi(o.imm), gm(o.m))
		})},
	{name: "MovRR", widths: allWidths, gp: 2,
		emit: func(a *Assembler, o operands) { a.MovRR(o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "MOV" + sfx(o.w), ops(gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "MovRI", widths: allWidths, gp: 1, imm: immMov,
		emit: func(a *Assembler, o operands) { a.MovRI(o.w, o.r1, o.imm) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			// golang-asm prefers the 7-byte sign-extended form for
			// 0..2^31-1; MovRI takes the 5-byte MOVL for all of 0..2^32-1.
			if o.w == W64 && uint64(o.imm) <= math.MaxUint32 {
				return "MOVL", ops(gi(int64(int32(o.imm))), gr(W32, o.r1))
			}
			return "MOV" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gr(o.w, o.r1))
		})},
	{name: "MovRM", widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.MovRM(o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "MOV" + sfx(o.w), ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "MovMR", widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.MovMR(o.w, o.m, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "MOV" + sfx(o.w), ops(gr(o.w, o.r1), gm(o.m))
		})},
	{name: "MovMI", widths: allWidths, mem: true, imm: immArith,
		emit: func(a *Assembler, o operands) { a.MovMI(o.w, o.m, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "MOV" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gm(o.m))
		})},
	{name: "MovzxRR", widths: widthsNot8, w2s: []Width{W8, W16, W32}, gp: 2, skip: badExtend,
		emit: func(a *Assembler, o operands) { a.MovzxRR(o.w, o.w2, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return movzxNames[[2]Width{o.w, o.w2}], ops(gr(o.w2, o.r2), gr(o.w, o.r1))
		})},
	{name: "MovzxRM", widths: widthsNot8, w2s: []Width{W8, W16, W32}, gp: 1, mem: true, skip: badExtend,
		emit: func(a *Assembler, o operands) { a.MovzxRM(o.w, o.w2, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return movzxNames[[2]Width{o.w, o.w2}], ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "MovsxRR", widths: widthsNot8, w2s: []Width{W8, W16, W32}, gp: 2, skip: badExtend,
		emit: func(a *Assembler, o operands) { a.MovsxRR(o.w, o.w2, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return movsxNames[[2]Width{o.w, o.w2}], ops(gr(o.w2, o.r2), gr(o.w, o.r1))
		})},
	{name: "MovsxRM", widths: widthsNot8, w2s: []Width{W8, W16, W32}, gp: 1, mem: true, skip: badExtend,
		emit: func(a *Assembler, o operands) { a.MovsxRM(o.w, o.w2, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return movsxNames[[2]Width{o.w, o.w2}], ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "Lea", widths: widthsNot8, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.Lea(o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "LEA" + sfx(o.w), ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "TestRR", widths: allWidths, gp: 2,
		emit: func(a *Assembler, o operands) { a.TestRR(o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "TEST" + sfx(o.w), ops(gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "TestRI", widths: allWidths, gp: 1, imm: immArith,
		emit: func(a *Assembler, o operands) { a.TestRI(o.w, o.r1, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "TEST" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gr(o.w, o.r1))
		})},
	{name: "TestMR", widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.TestMR(o.w, o.m, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "TEST" + sfx(o.w), ops(gr(o.w, o.r1), gm(o.m))
		})},
	{name: "TestMI", widths: allWidths, mem: true, imm: immArith,
		emit: func(a *Assembler, o operands) { a.TestMI(o.w, o.m, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "TEST" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gm(o.m))
		})},
	{name: "XchgRR", widths: allWidths, gp: 2,
		emit: func(a *Assembler, o operands) { a.XchgRR(o.w, o.r1, o.r2) },
		ref: func(o operands) (string, []obj.Addr, []byte, string) {
			n, a := "XCHG"+sfx(o.w), ops(gr(o.w, o.r2), gr(o.w, o.r1))
			if o.w == W32 && o.r1 == RAX && o.r2 == RAX {
				return n, a, []byte{0x87, 0xC0}, "golang-asm emits 90, a NOP that leaves the upper half of RAX"
			}
			return n, a, nil, ""
		}},
	{name: "XchgMR", widths: allWidths, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.XchgMR(o.w, o.m, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "XCHG" + sfx(o.w), ops(gr(o.w, o.r1), gm(o.m))
		})},
	{name: "ImulRR", widths: widthsNot8, gp: 2,
		emit: func(a *Assembler, o operands) { a.ImulRR(o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "IMUL" + sfx(o.w), ops(gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "ImulRM", widths: widthsNot8, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.ImulRM(o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "IMUL" + sfx(o.w), ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "ImulRRI", widths: widthsNot8, gp: 2, imm: immArith,
		emit: func(a *Assembler, o operands) { a.ImulRRI(o.w, o.r1, o.r2, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "IMUL3" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "ImulRMI", widths: widthsNot8, gp: 1, mem: true, imm: immArith,
		emit: func(a *Assembler, o operands) { a.ImulRMI(o.w, o.r1, o.m, int32(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "IMUL3" + sfx(o.w), ops(gi(truncImm(o.imm, o.w)), gm(o.m), gr(o.w, o.r1))
		})},
	{name: "BitRR", ops: seq(5), widths: widthsNot8, gp: 2,
		emit: func(a *Assembler, o operands) { a.BitRR(BitOp(o.op), o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return BitOp(o.op).String() + sfx(o.w), ops(gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "BitRM", ops: seq(5), widths: widthsNot8, gp: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.BitRM(BitOp(o.op), o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return BitOp(o.op).String() + sfx(o.w), ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "CmovRR", widths: widthsNot8, gp: 2, cond: true,
		emit: func(a *Assembler, o operands) { a.CmovRR(o.cc, o.w, o.r1, o.r2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "CMOV" + sfx(o.w) + goCond[o.cc], ops(gr(o.w, o.r2), gr(o.w, o.r1))
		})},
	{name: "CmovRM", widths: widthsNot8, gp: 1, mem: true, cond: true,
		emit: func(a *Assembler, o operands) { a.CmovRM(o.cc, o.w, o.r1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "CMOV" + sfx(o.w) + goCond[o.cc], ops(gm(o.m), gr(o.w, o.r1))
		})},
	{name: "Setcc", gp: 1, cond: true,
		emit: func(a *Assembler, o operands) { a.Setcc(o.cc, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "SET" + goCond[o.cc], ops(gr(W8, o.r1))
		})},
	{name: "SetccM", mem: true, cond: true,
		emit: func(a *Assembler, o operands) { a.SetccM(o.cc, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "SET" + goCond[o.cc], ops(gm(o.m))
		})},
	{name: "Bswap", widths: widths3264, gp: 1,
		emit: func(a *Assembler, o operands) { a.Bswap(o.w, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return "BSWAP" + sfx(o.w), ops(gr(o.w, o.r1))
		})},
	{name: "Push", gp: 1,
		emit: func(a *Assembler, o operands) { a.Push(o.r1) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "PUSHQ", ops(GoReg(o.r1)) })},
	{name: "Pop", gp: 1,
		emit: func(a *Assembler, o operands) { a.Pop(o.r1) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "POPQ", ops(GoReg(o.r1)) })},
	{name: "JmpR", gp: 1,
		emit: func(a *Assembler, o operands) { a.JmpR(o.r1) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "JMP", ops(GoReg(o.r1)) })},
	{name: "JmpM", mem: true,
		emit: func(a *Assembler, o operands) { a.JmpM(o.m) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "JMP", ops(gm(o.m)) })},
	{name: "CallR", gp: 1,
		emit: func(a *Assembler, o operands) { a.CallR(o.r1) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "CALL", ops(GoReg(o.r1)) })},
	{name: "CallM", mem: true,
		emit: func(a *Assembler, o operands) { a.CallM(o.m) },
		ref:  simple(func(o operands) (string, []obj.Addr) { return "CALL", ops(gm(o.m)) })},
	{name: "Nullary", ops: seq(4),
		emit: func(a *Assembler, o operands) {
			[]func(){a.Cdq, a.Cqo, a.Ret, a.Ud2}[o.op]()
		},
		ref: simple(func(o operands) (string, []obj.Addr) {
			return []string{"CDQ", "CQO", "RET", "UD2"}[o.op], nil
		})},
	{name: "XX", ops: opsWith(formOp, false), xr: 2,
		emit: func(a *Assembler, o operands) { a.XX(XOp(o.op), o.x1, o.x2) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return XOp(o.op).String(), ops(gx(o.x2), gx(o.x1))
		})},
	{name: "XM", ops: opsWith(formOp, false), xr: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.XM(XOp(o.op), o.x1, o.m) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return XOp(o.op).String(), ops(gm(o.m), gx(o.x1))
		})},
	{name: "MX", ops: opsWith(formSt, false), xr: 1, mem: true,
		emit: func(a *Assembler, o operands) { a.MX(XOp(o.op), o.m, o.x1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return XOp(o.op).String(), ops(gx(o.x1), gm(o.m))
		})},
	{name: "XXI", ops: opsWith(formOp, true), xr: 2, imm: immXOp,
		emit: func(a *Assembler, o operands) { a.XXI(XOp(o.op), o.x1, o.x2, uint8(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			// Go writes the CMPSx predicate last, ROUNDSx's mode first.
			if op := XOp(o.op); op == CMPSS || op == CMPSD {
				return op.String(), ops(gx(o.x2), gx(o.x1), gi(o.imm))
			}
			return XOp(o.op).String(), ops(gi(o.imm), gx(o.x2), gx(o.x1))
		})},
	{name: "XMI", ops: opsWith(formOp, true), xr: 1, mem: true, imm: immXOp,
		emit: func(a *Assembler, o operands) { a.XMI(XOp(o.op), o.x1, o.m, uint8(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			if op := XOp(o.op); op == CMPSS || op == CMPSD {
				return op.String(), ops(gm(o.m), gx(o.x1), gi(o.imm))
			}
			return XOp(o.op).String(), ops(gi(o.imm), gm(o.m), gx(o.x1))
		})},
	{name: "XR", ops: opsWith(formXR, false), widths: widths3264, gp: 1, xr: 1,
		emit: func(a *Assembler, o operands) { a.XR(XOp(o.op), o.w, o.x1, o.r1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return byW(xrNames[XOp(o.op)], o.w), ops(GoReg(o.r1), gx(o.x1))
		})},
	{name: "RX", ops: opsWith(formRX, false), widths: widths3264, gp: 1, xr: 1,
		emit: func(a *Assembler, o operands) { a.RX(XOp(o.op), o.w, o.r1, o.x1) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return byW(rxNames[XOp(o.op)], o.w), ops(gx(o.x1), GoReg(o.r1))
		})},
	{name: "VexRRR", ops: []int{int(ANDN), int(BZHI), int(SHLX), int(SHRX), int(SARX)}, widths: widths3264, gp: 3,
		emit: func(a *Assembler, o operands) { a.VexRRR(VexOp(o.op), o.w, o.r1, o.r2, o.r3) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			// Go writes the Intel operands in reverse.
			return VexOp(o.op).String() + sfx(o.w), ops(GoReg(o.r3), GoReg(o.r2), GoReg(o.r1))
		})},
	{name: "VexRRI", ops: []int{int(RORX)}, widths: widths3264, gp: 2, imm: immU8,
		emit: func(a *Assembler, o operands) { a.VexRRI(VexOp(o.op), o.w, o.r1, o.r2, uint8(o.imm)) },
		ref: simple(func(o operands) (string, []obj.Addr) {
			return VexOp(o.op).String() + sfx(o.w), ops(gi(o.imm), GoReg(o.r2), GoReg(o.r1))
		})},
}

// goAs maps golang-asm's mnemonics to its opcodes.
var goAs = func() map[string]obj.As {
	m := make(map[string]obj.As)
	for i, s := range obj.Anames {
		m[s] = obj.As(i)
	}
	for i, s := range x86.Anames {
		if obj.As(i) >= obj.A_ARCHSPECIFIC {
			m[s] = obj.As(i) + obj.ABaseAMD64
		}
	}
	return m
}()

// checker compares the two encoders on one form at a time, reusing one
// Assembler and one golang-asm context.
type checker struct {
	a   Assembler
	g   *gasm
	sym *obj.LSym // the symbol RIP-relative operands refer to in golang-asm
	n   int       // instructions compared
}

// ripGap is the distance from the end of an instruction with a
// RIP-relative operand to the label it refers to.
const ripGap = 300

// check encodes o with f both ways and returns a description of any
// difference. A RIP-relative operand in o refers to label 1, bound ripGap
// bytes after the instruction; golang-asm refers to a symbol instead, and
// its relocation is applied as a linker would for the same distance.
func (c *checker) check(f *form, o operands) error {
	rip := o.m.rip != 0
	c.a.Reset()
	if rip {
		c.a.NewLabel()
	}
	f.emit(&c.a, o)
	n := c.a.Offset()
	if rip {
		c.a.Nop(ripGap)
		c.a.Bind(1)
	}
	got, err := c.a.Bytes()
	if err != nil {
		return fmt.Errorf("%s %v: %v", f.name, o, err)
	}
	got = got[:n]
	name, ops, want, why := f.ref(o)
	as, ok := goAs[name]
	if !ok {
		return fmt.Errorf("%s %v: no golang-asm mnemonic %q", f.name, o, name)
	}
	if c.g == nil {
		c.g = newGasm()
		c.sym = c.g.ctxt.Lookup("target")
	}
	if rip {
		for i := range ops {
			if ops[i].Type == obj.TYPE_MEM {
				ops[i] = obj.Addr{Type: obj.TYPE_MEM, Name: obj.NAME_EXTERN, Sym: c.sym}
			}
		}
	}
	ref, relocs, err := c.g.assembleRelocs(as, ops)
	if err != nil {
		return fmt.Errorf("%s %v: reference: %v", f.name, o, err)
	}
	if err := applyPCRel(ref, relocs, rip, int64(n+ripGap)); err != nil {
		return fmt.Errorf("%s %v: reference: %v", f.name, o, err)
	}
	c.n++
	if want == nil {
		want = ref
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s %v (%s):\n got  % x\n want % x\n golang-asm % x %s", f.name, o, name, got, want, ref, why)
	}
	return nil
}

// applyPCRel fills in the one PC-relative relocation a RIP-relative
// reference makes golang-asm emit, for a target at offset target. Other
// relocations that patch bytes are errors.
func applyPCRel(code []byte, relocs []obj.Reloc, rip bool, target int64) error {
	done := false
	for _, r := range relocs {
		switch {
		case r.Siz == 0:
		case rip && !done && r.Type == objabi.R_PCREL && r.Siz == 4:
			// The linker writes S + A - (P + Off + Siz); golang-asm has
			// folded into A the bytes that follow the field.
			binary.LittleEndian.PutUint32(code[r.Off:], uint32(target+r.Add-int64(r.Off)-int64(r.Siz)))
			done = true
		default:
			return fmt.Errorf("unexpected relocation %+v", r)
		}
	}
	if rip != done {
		return fmt.Errorf("RIP-relative operand without its relocation")
	}
	return nil
}
