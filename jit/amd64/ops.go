package amd64

import (
	"math"

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64/asm"
	"github.com/terra-runtime/terra/wasm"
)

var _ jit.Backend = (*Backend)(nil)

// Op implements jit.Backend.
func (b *Backend) Op(c *jit.Compiler, op wasm.Opcode) bool {
	switch {
	case op.IsScalarMemory():
		_, off := c.R.MemArg()
		if op.IsLoad() {
			b.load(op, off)
		} else {
			b.store(op, off)
		}
		return true
	case op >= wasm.OpI32Eqz && op <= wasm.OpF64Ge:
		return b.compare(op)
	}
	switch op {
	// i32 and i64 arithmetic.
	case wasm.OpI32Add, wasm.OpI64Add:
		b.arith(asm.ADD, op)
	case wasm.OpI32Sub, wasm.OpI64Sub:
		b.arith(asm.SUB, op)
	case wasm.OpI32And, wasm.OpI64And:
		b.arith(asm.AND, op)
	case wasm.OpI32Or, wasm.OpI64Or:
		b.arith(asm.OR, op)
	case wasm.OpI32Xor, wasm.OpI64Xor:
		b.arith(asm.XOR, op)
	case wasm.OpI32Mul, wasm.OpI64Mul:
		b.mul(op)
	case wasm.OpI32DivS, wasm.OpI32DivU, wasm.OpI32RemS, wasm.OpI32RemU,
		wasm.OpI64DivS, wasm.OpI64DivU, wasm.OpI64RemS, wasm.OpI64RemU:
		b.div(op)
	case wasm.OpI32Shl, wasm.OpI64Shl:
		b.shift(asm.SHL, op)
	case wasm.OpI32ShrS, wasm.OpI64ShrS:
		b.shift(asm.SAR, op)
	case wasm.OpI32ShrU, wasm.OpI64ShrU:
		b.shift(asm.SHR, op)
	case wasm.OpI32Rotl, wasm.OpI64Rotl:
		b.shift(asm.ROL, op)
	case wasm.OpI32Rotr, wasm.OpI64Rotr:
		b.shift(asm.ROR, op)
	case wasm.OpI32Clz, wasm.OpI64Clz:
		b.clz(op)
	case wasm.OpI32Ctz, wasm.OpI64Ctz:
		b.ctz(op)
	case wasm.OpI32Popcnt, wasm.OpI64Popcnt:
		if !hasPOPCNT {
			return false
		}
		t := resultType(op)
		v := c.Pop()
		r := c.Alloc(jit.GP)
		b.bitOp(asm.POPCNT, width(t), gp(r), c.Operand(v))
		c.PushReg(t, r)

	// Conversions between integers.
	case wasm.OpI32WrapI64:
		r := c.Take(c.Pop())
		b.a.MovRR(asm.W32, gp(r), gp(r))
		c.PushReg(wasm.I32, r)
	case wasm.OpI64ExtendI32U:
		// An i32 in a register is zero-extended already.
		r := c.Take(c.Pop())
		c.PushReg(wasm.I64, r)
	case wasm.OpI64ExtendI32S:
		b.extend(wasm.I64, asm.W64, asm.W32)
	case wasm.OpI32Extend8S:
		b.extend(wasm.I32, asm.W32, asm.W8)
	case wasm.OpI32Extend16S:
		b.extend(wasm.I32, asm.W32, asm.W16)
	case wasm.OpI64Extend8S:
		b.extend(wasm.I64, asm.W64, asm.W8)
	case wasm.OpI64Extend16S:
		b.extend(wasm.I64, asm.W64, asm.W16)
	case wasm.OpI64Extend32S:
		b.extend(wasm.I64, asm.W64, asm.W32)

	// Floats.
	case wasm.OpF32Add:
		b.floatArith(asm.ADDSS, wasm.F32)
	case wasm.OpF64Add:
		b.floatArith(asm.ADDSD, wasm.F64)
	case wasm.OpF32Sub:
		b.floatArith(asm.SUBSS, wasm.F32)
	case wasm.OpF64Sub:
		b.floatArith(asm.SUBSD, wasm.F64)
	case wasm.OpF32Mul:
		b.floatArith(asm.MULSS, wasm.F32)
	case wasm.OpF64Mul:
		b.floatArith(asm.MULSD, wasm.F64)
	case wasm.OpF32Div:
		b.floatArith(asm.DIVSS, wasm.F32)
	case wasm.OpF64Div:
		b.floatArith(asm.DIVSD, wasm.F64)
	case wasm.OpF32Min, wasm.OpF32Max, wasm.OpF64Min, wasm.OpF64Max:
		b.minMax(op)
	case wasm.OpF32Sqrt:
		b.floatUnary(asm.SQRTSS, wasm.F32)
	case wasm.OpF64Sqrt:
		b.floatUnary(asm.SQRTSD, wasm.F64)
	case wasm.OpF32Ceil, wasm.OpF32Floor, wasm.OpF32Trunc, wasm.OpF32Nearest,
		wasm.OpF64Ceil, wasm.OpF64Floor, wasm.OpF64Trunc, wasm.OpF64Nearest:
		if !hasSSE41 {
			return false
		}
		b.round(op)
	case wasm.OpF32Abs:
		b.signOp(asm.ANDPS, wasm.F32, 0x7FFFFFFF)
	case wasm.OpF64Abs:
		b.signOp(asm.ANDPD, wasm.F64, 0x7FFFFFFFFFFFFFFF)
	case wasm.OpF32Neg:
		b.signOp(asm.XORPS, wasm.F32, 0x80000000)
	case wasm.OpF64Neg:
		b.signOp(asm.XORPD, wasm.F64, 0x8000000000000000)
	case wasm.OpF32Copysign:
		b.copysign(wasm.F32, 0x80000000)
	case wasm.OpF64Copysign:
		b.copysign(wasm.F64, 0x8000000000000000)
	case wasm.OpF32DemoteF64:
		b.floatConvert(asm.CVTSD2SS, wasm.F32)
	case wasm.OpF64PromoteF32:
		b.floatConvert(asm.CVTSS2SD, wasm.F64)
	case wasm.OpF32ConvertI32S, wasm.OpF32ConvertI32U, wasm.OpF32ConvertI64S,
		wasm.OpF64ConvertI32S, wasm.OpF64ConvertI32U, wasm.OpF64ConvertI64S:
		b.convertSigned(op)
	case wasm.OpF32ConvertI64U, wasm.OpF64ConvertI64U:
		b.convertU64(op)
	case wasm.OpI32TruncF32S, wasm.OpI32TruncF32U, wasm.OpI32TruncF64S, wasm.OpI32TruncF64U,
		wasm.OpI64TruncF32S, wasm.OpI64TruncF32U, wasm.OpI64TruncF64S, wasm.OpI64TruncF64U:
		b.trunc(op, false)
	case wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF32U, wasm.OpI32TruncSatF64S, wasm.OpI32TruncSatF64U,
		wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF32U, wasm.OpI64TruncSatF64S, wasm.OpI64TruncSatF64U:
		b.trunc(op, true)
	case wasm.OpI32ReinterpretF32, wasm.OpI64ReinterpretF64:
		t, w := wasm.I32, asm.W32
		if op == wasm.OpI64ReinterpretF64 {
			t, w = wasm.I64, asm.W64
		}
		x := c.Use(c.Pop())
		r := c.Alloc(jit.GP)
		b.a.RX(asm.MOVD, w, gp(r), xr(x))
		c.PushReg(t, r)
	case wasm.OpF32ReinterpretI32, wasm.OpF64ReinterpretI64:
		t, w := wasm.F32, asm.W32
		if op == wasm.OpF64ReinterpretI64 {
			t, w = wasm.F64, asm.W64
		}
		r := c.Use(c.Pop())
		x := c.Alloc(jit.FP)
		b.a.XR(asm.MOVD, w, xr(x), gp(r))
		c.PushReg(t, x)

	// Variables, references, memory and tables.
	case wasm.OpSelect, wasm.OpSelectT:
		if op == wasm.OpSelectT {
			c.R.Pos += int(c.R.U32())
		}
		b.selectOp()
	case wasm.OpGlobalGet:
		b.globalGet(c.R.U32())
	case wasm.OpGlobalSet:
		b.globalSet(c.R.U32())
	case wasm.OpRefIsNull:
		r := c.Use(c.Pop())
		b.a.TestRR(asm.W64, gp(r), gp(r))
		c.PushCond(jit.Cond(asm.CondE))
	case wasm.OpRefFunc:
		b.refFunc(c.R.U32())
	case wasm.OpMemorySize:
		c.R.Byte()
		r := c.Alloc(jit.GP)
		b.a.MovRM(asm.W64, gp(r), instMem(abi.CtxMemory))
		b.a.MovRM(asm.W64, gp(r), asm.Mem{Base: gp(r), Disp: abi.MemoryLen})
		b.a.ShiftRI(asm.SHR, asm.W64, gp(r), 16)
		c.PushReg(wasm.I32, r)
	case wasm.OpMemoryGrow:
		c.R.Byte()
		return b.rare(op, 1, 0, 0, wasm.I32)
	case wasm.OpMemoryInit:
		x := c.R.U32()
		c.R.Byte()
		return b.rare(op, 3, x, 0, 0)
	case wasm.OpDataDrop:
		return b.rare(op, 0, c.R.U32(), 0, 0)
	case wasm.OpMemoryCopy:
		c.R.Byte()
		c.R.Byte()
		return b.rare(op, 3, 0, 0, 0)
	case wasm.OpMemoryFill:
		c.R.Byte()
		return b.rare(op, 3, 0, 0, 0)
	case wasm.OpTableGet:
		x := c.R.U32()
		return b.rare(op, 1, x, 0, c.M.AllTables[x].Elem)
	case wasm.OpTableSet:
		return b.rare(op, 2, c.R.U32(), 0, 0)
	case wasm.OpTableSize:
		x := c.R.U32()
		r := c.Alloc(jit.GP)
		b.a.MovRM(asm.W32, gp(r), instMem(int32(b.layout.Table(x))+abi.TableLen))
		c.PushReg(wasm.I32, r)
	case wasm.OpTableGrow:
		return b.rare(op, 2, c.R.U32(), 0, wasm.I32)
	case wasm.OpTableFill:
		return b.rare(op, 3, c.R.U32(), 0, 0)
	case wasm.OpTableCopy:
		dst, src := c.R.U32(), c.R.U32()
		return b.rare(op, 3, dst, src, 0)
	case wasm.OpTableInit:
		seg, tab := c.R.U32(), c.R.U32()
		return b.rare(op, 3, seg, tab, 0)
	case wasm.OpElemDrop:
		return b.rare(op, 0, c.R.U32(), 0, 0)
	default:
		return false
	}
	return true
}

// resultType returns the result type of a numeric instruction.
func resultType(op wasm.Opcode) wasm.ValueType {
	_, results, _ := op.Signature()
	return results[0]
}

// operandType returns the type of a numeric instruction's first operand.
func operandType(op wasm.Opcode) wasm.ValueType {
	params, _, _ := op.Signature()
	return params[0]
}

// fitsImm reports whether an operand of width w can be an instruction's
// sign-extended 32-bit immediate, and returns it.
func fitsImm(w asm.Width, v uint64) (int32, bool) {
	if w == asm.W32 {
		return int32(uint32(v)), true
	}
	return int32(v), int64(v) == int64(int32(v))
}

// arith emits a two-operand integer instruction.
func (b *Backend) arith(op asm.Arith, wop wasm.Opcode) {
	c := b.c
	t := resultType(wop)
	w := width(t)
	y := c.Pop()
	x := c.Pop()
	rx := c.Take(x)
	b.arithOperand(op, w, gp(rx), c.Operand(y))
	c.PushReg(t, rx)
}

// arithOperand emits op dst, src for any location of src.
func (b *Backend) arithOperand(op asm.Arith, w asm.Width, dst asm.Reg, src jit.Loc) {
	a := &b.a
	switch src.Kind {
	case jit.LocConst:
		if imm, ok := fitsImm(w, src.Imm); ok {
			a.ArithRI(op, w, dst, imm)
			return
		}
		a.MovRI(asm.W64, scratch, int64(src.Imm))
		a.ArithRR(op, w, dst, scratch)
	case jit.LocSlot:
		a.ArithRM(op, w, dst, b.slot(src.Slot))
	default:
		a.ArithRR(op, w, dst, gp(src.Reg))
	}
}

func (b *Backend) mul(op wasm.Opcode) {
	c := b.c
	t := resultType(op)
	w := width(t)
	y := c.Pop()
	x := c.Pop()
	rx := c.Take(x)
	a := &b.a
	switch src := c.Operand(y); src.Kind {
	case jit.LocConst:
		if imm, ok := fitsImm(w, src.Imm); ok {
			a.ImulRRI(w, gp(rx), gp(rx), imm)
			break
		}
		a.MovRI(asm.W64, scratch, int64(src.Imm))
		a.ImulRR(w, gp(rx), scratch)
	case jit.LocSlot:
		a.ImulRM(w, gp(rx), b.slot(src.Slot))
	default:
		a.ImulRR(w, gp(rx), gp(src.Reg))
	}
	c.PushReg(t, rx)
}

// div emits the divisions and remainders, which divide RDX:RAX and trap on
// zero and on the signed overflow of MIN / -1.
func (b *Backend) div(op wasm.Opcode) {
	c := b.c
	a := &b.a
	t := resultType(op)
	w := width(t)
	signed := op == wasm.OpI32DivS || op == wasm.OpI32RemS || op == wasm.OpI64DivS || op == wasm.OpI64RemS
	rem := op == wasm.OpI32RemS || op == wasm.OpI32RemU || op == wasm.OpI64RemS || op == wasm.OpI64RemU
	c.Claim(rAX)
	c.Claim(rDX)
	y := c.Pop()
	x := c.Pop()
	c.TakeInto(x, rAX)
	ry := gp(c.Use(y))
	if ry == asm.RAX || ry == asm.RDX {
		// A pinned local cannot be in RAX or RDX; a value popped into one
		// was moved by Claim.
		a.MovRR(asm.W64, scratch, ry)
		ry = scratch
	}
	a.TestRR(w, ry, ry)
	b.trapIf(asm.CondE, store.TrapIntegerDivideByZero)
	done := a.NewLabel()
	if signed {
		// MIN / -1 overflows (a trap for div_s, 0 for rem_s), and IDIV
		// faults on it: test for -1 first.
		normal := a.NewLabel()
		a.ArithRI(asm.CMP, w, ry, -1)
		a.Jcc(asm.CondNE, normal)
		if rem {
			a.ArithRR(asm.XOR, asm.W32, asm.RDX, asm.RDX)
			a.Jmp(done)
		} else {
			if w == asm.W32 {
				a.ArithRI(asm.CMP, w, asm.RAX, math.MinInt32)
			} else {
				a.MovRI(asm.W64, asm.RDX, math.MinInt64)
				a.ArithRR(asm.CMP, w, asm.RAX, asm.RDX)
			}
			b.trapIf(asm.CondE, store.TrapIntegerOverflow)
		}
		a.Bind(normal)
		if w == asm.W32 {
			a.Cdq()
		} else {
			a.Cqo()
		}
		a.UnaryR(asm.IDIV, w, ry)
	} else {
		a.ArithRR(asm.XOR, asm.W32, asm.RDX, asm.RDX)
		a.UnaryR(asm.DIV, w, ry)
	}
	a.Bind(done)
	if rem {
		c.PushReg(t, rDX)
	} else {
		c.PushReg(t, rAX)
	}
}

// shift emits the shifts and rotations: by a constant, or by CL.
func (b *Backend) shift(op asm.Shift, wop wasm.Opcode) {
	c := b.c
	t := resultType(wop)
	w := width(t)
	if y := c.Peek(0); y.Kind == jit.IsConst {
		c.Pop()
		rx := c.Take(c.Pop())
		n := uint8(y.Imm) & (uint8(w)*8 - 1)
		if n != 0 {
			b.a.ShiftRI(op, w, gp(rx), n)
		} else if w == asm.W32 {
			b.a.MovRR(asm.W32, gp(rx), gp(rx))
		}
		c.PushReg(t, rx)
		return
	}
	c.Claim(rCX)
	y := c.Pop()
	x := c.Pop()
	c.TakeInto(y, rCX)
	rx := c.Take(x)
	b.a.ShiftRCL(op, w, gp(rx))
	c.PushReg(t, rx)
}

// bitOp emits LZCNT, TZCNT, POPCNT, BSR or BSF of src into dst.
func (b *Backend) bitOp(op asm.BitOp, w asm.Width, dst asm.Reg, src jit.Loc) {
	switch src.Kind {
	case jit.LocSlot:
		b.a.BitRM(op, w, dst, b.slot(src.Slot))
	case jit.LocConst:
		b.a.MovRI(asm.W64, scratch, int64(src.Imm))
		b.a.BitRR(op, w, dst, scratch)
	default:
		b.a.BitRR(op, w, dst, gp(src.Reg))
	}
}

// clz counts leading zeros with BSR: bits-1 minus the highest set bit, and
// bits for zero (BSR sets ZF and leaves the destination undefined).
func (b *Backend) clz(op wasm.Opcode) {
	c := b.c
	a := &b.a
	t := resultType(op)
	w := width(t)
	v := c.Pop()
	r := c.Alloc(jit.GP)
	b.bitOp(asm.BSR, w, gp(r), c.Operand(v))
	a.MovRI(asm.W64, scratch, -1)
	a.CmovRR(asm.CondE, asm.W64, gp(r), scratch)
	a.UnaryR(asm.NEG, w, gp(r))
	a.ArithRI(asm.ADD, w, gp(r), int32(w)*8-1)
	c.PushReg(t, r)
}

// ctz counts trailing zeros with BSF, bits for zero.
func (b *Backend) ctz(op wasm.Opcode) {
	c := b.c
	a := &b.a
	t := resultType(op)
	w := width(t)
	v := c.Pop()
	r := c.Alloc(jit.GP)
	b.bitOp(asm.BSF, w, gp(r), c.Operand(v))
	a.MovRI(asm.W32, scratch, int64(w)*8)
	a.CmovRR(asm.CondE, asm.W32, gp(r), scratch)
	c.PushReg(t, r)
}

// extend sign-extends the low srcW bits of the operand to dstW.
func (b *Backend) extend(t wasm.ValueType, dstW, srcW asm.Width) {
	c := b.c
	r := c.Take(c.Pop())
	b.a.MovsxRR(dstW, srcW, gp(r), gp(r))
	c.PushReg(t, r)
}

// compare emits the comparisons, leaving a condition for a branch that
// follows.
func (b *Backend) compare(op wasm.Opcode) bool {
	c := b.c
	a := &b.a
	switch op {
	case wasm.OpI32Eqz, wasm.OpI64Eqz:
		w := width(operandType(op))
		r := c.Use(c.Pop())
		a.TestRR(w, gp(r), gp(r))
		c.PushCond(jit.Cond(asm.CondE))
		return true
	}
	t := operandType(op)
	if jit.ClassOf(t) == jit.FP {
		b.floatCompare(op, t)
		return true
	}
	w := width(t)
	y := c.Pop()
	x := c.Pop()
	rx := c.Use(x)
	b.arithOperand(asm.CMP, w, gp(rx), c.Operand(y))
	c.PushCond(jit.Cond(intConds[op]))
	return true
}

var intConds = map[wasm.Opcode]asm.Cond{
	wasm.OpI32Eq: asm.CondE, wasm.OpI32Ne: asm.CondNE,
	wasm.OpI32LtS: asm.CondL, wasm.OpI32LtU: asm.CondB, wasm.OpI32GtS: asm.CondG, wasm.OpI32GtU: asm.CondA,
	wasm.OpI32LeS: asm.CondLE, wasm.OpI32LeU: asm.CondBE, wasm.OpI32GeS: asm.CondGE, wasm.OpI32GeU: asm.CondAE,
	wasm.OpI64Eq: asm.CondE, wasm.OpI64Ne: asm.CondNE,
	wasm.OpI64LtS: asm.CondL, wasm.OpI64LtU: asm.CondB, wasm.OpI64GtS: asm.CondG, wasm.OpI64GtU: asm.CondA,
	wasm.OpI64LeS: asm.CondLE, wasm.OpI64LeU: asm.CondBE, wasm.OpI64GeS: asm.CondGE, wasm.OpI64GeU: asm.CondAE,
}

// floatCompare compares with UCOMISx, which sets ZF, PF and CF on an
// unordered result: gt and ge (and lt, le with the operands swapped) are one
// condition that fails on NaN; eq and ne need PF too.
func (b *Backend) floatCompare(op wasm.Opcode, t wasm.ValueType) {
	c := b.c
	a := &b.a
	ucomis := asm.UCOMISS
	if t == wasm.F64 {
		ucomis = asm.UCOMISD
	}
	y := c.Pop()
	x := c.Pop()
	var cond asm.Cond
	switch op {
	case wasm.OpF32Lt, wasm.OpF64Lt, wasm.OpF32Le, wasm.OpF64Le:
		x, y = y, x
	}
	rx := c.Use(x)
	b.floatOperand(ucomis, t, xr(rx), c.Operand(y))
	switch op {
	case wasm.OpF32Gt, wasm.OpF64Gt, wasm.OpF32Lt, wasm.OpF64Lt:
		cond = asm.CondA
	case wasm.OpF32Ge, wasm.OpF64Ge, wasm.OpF32Le, wasm.OpF64Le:
		cond = asm.CondAE
	default:
		// eq: ZF and not PF; ne: not ZF or PF.
		r := c.Alloc(jit.GP)
		if op == wasm.OpF32Eq || op == wasm.OpF64Eq {
			a.Setcc(asm.CondE, gp(r))
			a.Setcc(asm.CondNP, scratch)
			a.ArithRR(asm.AND, asm.W8, gp(r), scratch)
		} else {
			a.Setcc(asm.CondNE, gp(r))
			a.Setcc(asm.CondP, scratch)
			a.ArithRR(asm.OR, asm.W8, gp(r), scratch)
		}
		a.MovzxRR(asm.W32, asm.W8, gp(r), gp(r))
		c.PushReg(wasm.I32, r)
		return
	}
	c.PushCond(jit.Cond(cond))
}

// floatOperand emits an SSE instruction of dst and src for any location of
// src, loading constants from the pool.
func (b *Backend) floatOperand(op asm.XOp, t wasm.ValueType, dst asm.XReg, src jit.Loc) {
	a := &b.a
	switch src.Kind {
	case jit.LocConst:
		if t == wasm.F32 {
			a.XM(op, dst, a.Const32(uint32(src.Imm)))
		} else {
			a.XM(op, dst, a.Const64(src.Imm))
		}
	case jit.LocSlot:
		a.XM(op, dst, b.slot(src.Slot))
	default:
		a.XX(op, dst, xr(src.Reg))
	}
}

func (b *Backend) floatArith(op asm.XOp, t wasm.ValueType) {
	c := b.c
	y := c.Pop()
	x := c.Pop()
	rx := c.Take(x)
	b.floatOperand(op, t, xr(rx), c.Operand(y))
	c.PushReg(t, rx)
}

func (b *Backend) floatUnary(op asm.XOp, t wasm.ValueType) {
	c := b.c
	v := c.Pop()
	r := c.Alloc(jit.FP)
	b.floatOperand(op, t, xr(r), c.Operand(v))
	c.PushReg(t, r)
}

// floatConvert emits CVTSS2SD or CVTSD2SS, whose upper lanes come from the
// destination: clear it first, so no false dependency lingers.
func (b *Backend) floatConvert(op asm.XOp, t wasm.ValueType) {
	c := b.c
	v := c.Pop()
	r := c.Alloc(jit.FP)
	from := wasm.F64
	if t == wasm.F64 {
		from = wasm.F32
	}
	b.floatOperand(op, from, xr(r), c.Operand(v))
	c.PushReg(t, r)
}

// minMax implements WebAssembly's min and max: NaN if either operand is,
// and -0 below +0, which MINSx and MAXSx do not give.
func (b *Backend) minMax(op wasm.Opcode) {
	c := b.c
	a := &b.a
	t := resultType(op)
	ucomis, minmax, or, and, add := asm.UCOMISS, asm.MINSS, asm.ORPS, asm.ANDPS, asm.ADDSS
	if t == wasm.F64 {
		ucomis, minmax, or, and, add = asm.UCOMISD, asm.MINSD, asm.ORPD, asm.ANDPD, asm.ADDSD
	}
	isMax := op == wasm.OpF32Max || op == wasm.OpF64Max
	if isMax {
		minmax = map[asm.XOp]asm.XOp{asm.MINSS: asm.MAXSS, asm.MINSD: asm.MAXSD}[minmax]
	}
	y := c.Pop()
	x := c.Pop()
	rx := xr(c.Take(x))
	ry := xr(c.Use(y))
	nan, equal, done := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.XX(ucomis, rx, ry)
	a.Jcc(asm.CondP, nan)
	a.Jcc(asm.CondE, equal)
	a.XX(minmax, rx, ry)
	a.Jmp(done)
	a.Bind(equal)
	// Equal operands differ only in the sign of zero: min ORs the signs,
	// max ANDs them.
	if isMax {
		a.XX(and, rx, ry)
	} else {
		a.XX(or, rx, ry)
	}
	a.Jmp(done)
	a.Bind(nan)
	a.XX(add, rx, ry)
	a.Bind(done)
	c.PushReg(t, xr2reg(rx))
}

// round emits ceil, floor, trunc and nearest with ROUNDSx.
func (b *Backend) round(op wasm.Opcode) {
	c := b.c
	t := resultType(op)
	xop := asm.ROUNDSS
	if t == wasm.F64 {
		xop = asm.ROUNDSD
	}
	// Rounding modes, with the precision exception suppressed (bit 3).
	var mode uint8
	switch op {
	case wasm.OpF32Nearest, wasm.OpF64Nearest:
		mode = 8
	case wasm.OpF32Floor, wasm.OpF64Floor:
		mode = 9
	case wasm.OpF32Ceil, wasm.OpF64Ceil:
		mode = 10
	default:
		mode = 11
	}
	v := c.Pop()
	r := c.Alloc(jit.FP)
	src := c.Operand(v)
	switch src.Kind {
	case jit.LocSlot:
		b.a.XMI(xop, xr(r), b.slot(src.Slot), mode)
	case jit.LocConst:
		b.loadFloat(t, xr(r), src.Imm)
		b.a.XXI(xop, xr(r), xr(r), mode)
	default:
		b.a.XXI(xop, xr(r), xr(src.Reg), mode)
	}
	c.PushReg(t, r)
}

// signOp applies a mask to the sign bit: abs ANDs, neg XORs.
func (b *Backend) signOp(op asm.XOp, t wasm.ValueType, mask uint64) {
	c := b.c
	r := c.Take(c.Pop())
	b.a.XM(op, xr(r), b.a.Const128(mask, 0))
	c.PushReg(t, r)
}

// copysign keeps x's magnitude and y's sign.
func (b *Backend) copysign(t wasm.ValueType, sign uint64) {
	c := b.c
	a := &b.a
	y := c.Pop()
	x := c.Pop()
	rx := xr(c.Take(x))
	ry := xr(c.Use(y))
	magnitude := ^sign
	if t == wasm.F32 {
		magnitude &= 0xFFFFFFFF
	}
	a.XX(asm.MOVAPS, xscratch, ry)
	a.XM(asm.ANDPS, xscratch, a.Const128(sign, 0))
	a.XM(asm.ANDPS, rx, a.Const128(magnitude, 0))
	a.XX(asm.ORPS, rx, xscratch)
	c.PushReg(t, xr2reg(rx))
}

// convertSigned converts an i32 or i64 to a float; an unsigned i32, zero-
// extended in its register, converts as the i64 it equals.
func (b *Backend) convertSigned(op wasm.Opcode) {
	c := b.c
	t := resultType(op)
	cvt := asm.CVTSI2SS
	if t == wasm.F64 {
		cvt = asm.CVTSI2SD
	}
	w := asm.W64
	if op == wasm.OpF32ConvertI32S || op == wasm.OpF64ConvertI32S {
		w = asm.W32
	}
	r := c.Use(c.Pop())
	x := c.Alloc(jit.FP)
	b.a.XX(asm.XORPS, xr(x), xr(x))
	b.a.XR(cvt, w, xr(x), gp(r))
	c.PushReg(t, x)
}

// convertU64 converts an unsigned i64: values with the top bit set are
// halved (keeping the lowest bit, for rounding), converted and doubled.
func (b *Backend) convertU64(op wasm.Opcode) {
	c := b.c
	a := &b.a
	t := resultType(op)
	cvt, add := asm.CVTSI2SS, asm.ADDSS
	if t == wasm.F64 {
		cvt, add = asm.CVTSI2SD, asm.ADDSD
	}
	r := gp(c.Use(c.Pop()))
	x := xr(c.Alloc(jit.FP))
	// Registers are allocated before the branches: an allocation may
	// spill, and a spill must run on every path.
	tmp := gp(c.Alloc(jit.GP))
	big, done := a.NewLabel(), a.NewLabel()
	a.XX(asm.XORPS, x, x)
	a.TestRR(asm.W64, r, r)
	a.Jcc(asm.CondS, big)
	a.XR(cvt, asm.W64, x, r)
	a.Jmp(done)
	a.Bind(big)
	a.MovRR(asm.W64, scratch, r)
	a.ShiftRI(asm.SHR, asm.W64, scratch, 1)
	a.MovRR(asm.W64, tmp, r)
	a.ArithRI(asm.AND, asm.W32, tmp, 1)
	a.ArithRR(asm.OR, asm.W64, scratch, tmp)
	a.XR(cvt, asm.W64, x, scratch)
	a.XX(add, x, x)
	a.Bind(done)
	c.PushReg(t, xr2reg(x))
}

func xr2reg(x asm.XReg) jit.Reg { return x0 + jit.Reg(x) }

// trunc converts a float to an integer, truncating: trapping on NaN and on
// values out of range, or saturating.
func (b *Backend) trunc(op wasm.Opcode, sat bool) {
	c := b.c
	a := &b.a
	t := resultType(op)
	from := operandType(op)
	signed := truncSigned[op]
	w := width(t)
	ucomis, cvtt, sub := asm.UCOMISS, asm.CVTTSS2SI, asm.SUBSS
	if from == wasm.F64 {
		ucomis, cvtt, sub = asm.UCOMISD, asm.CVTTSD2SI, asm.SUBSD
	}
	// The bounds: the result fits when lo < x < hi.
	bits := 32
	if t == wasm.I64 {
		bits = 64
	}
	var lo, hi float64
	if signed {
		lo, hi = -math.Ldexp(1, bits-1)-1, math.Ldexp(1, bits-1)
	} else {
		lo, hi = -1, math.Ldexp(1, bits)
	}
	constant := func(v float64) asm.Mem {
		if from == wasm.F32 {
			return a.ConstF32(float32(v))
		}
		return a.ConstF64(v)
	}
	v := c.Pop()
	x := xr(c.Take(v))
	r := gp(c.Alloc(jit.GP))
	done := a.NewLabel()
	if sat {
		// NaN is 0; below lo the minimum, above hi the maximum.
		notNaN, notLow, notHigh := a.NewLabel(), a.NewLabel(), a.NewLabel()
		a.XX(ucomis, x, x)
		a.Jcc(asm.CondNP, notNaN)
		a.ArithRR(asm.XOR, asm.W32, r, r)
		a.Jmp(done)
		a.Bind(notNaN)
		a.XM(ucomis, x, constant(lo))
		a.Jcc(asm.CondA, notLow)
		if signed {
			a.MovRI(w, r, minInt(bits))
		} else {
			a.ArithRR(asm.XOR, asm.W32, r, r)
		}
		a.Jmp(done)
		a.Bind(notLow)
		a.XM(ucomis, x, constant(hi))
		a.Jcc(asm.CondB, notHigh)
		a.MovRI(w, r, maxInt(bits, signed))
		a.Jmp(done)
		a.Bind(notHigh)
	} else {
		a.XX(ucomis, x, x)
		b.trapIf(asm.CondP, store.TrapInvalidConversion)
		// At or below lo overflows. The signed minimum less one exists as
		// a float only for f64 to i32: otherwise test below the minimum,
		// which converts exactly.
		below := asm.CondBE
		if signed && (from == wasm.F32 || bits == 64) {
			lo, below = -math.Ldexp(1, bits-1), asm.CondB
		}
		a.XM(ucomis, x, constant(lo))
		b.trapIf(below, store.TrapIntegerOverflow)
		a.XM(ucomis, x, constant(hi))
		b.trapIf(asm.CondAE, store.TrapIntegerOverflow)
	}
	switch {
	case signed:
		a.RX(cvtt, w, r, x)
	case t == wasm.I32:
		// Below 2^32: the 64-bit conversion is exact, its low half the
		// result.
		a.RX(cvtt, asm.W64, r, x)
		a.MovRR(asm.W32, r, r)
	default:
		// Below 2^64: subtract 2^63 from values at or above it and put the
		// top bit back.
		small := a.NewLabel()
		a.XM(ucomis, x, constant(math.Ldexp(1, 63)))
		a.Jcc(asm.CondB, small)
		a.XM(sub, x, constant(math.Ldexp(1, 63)))
		a.RX(cvtt, asm.W64, r, x)
		a.MovRI(asm.W64, scratch, math.MinInt64)
		a.ArithRR(asm.XOR, asm.W64, r, scratch)
		a.Jmp(done)
		a.Bind(small)
		a.RX(cvtt, asm.W64, r, x)
	}
	a.Bind(done)
	c.PushReg(t, jit.Reg(r-1))
}

var truncSigned = map[wasm.Opcode]bool{
	wasm.OpI32TruncF32S: true, wasm.OpI32TruncF64S: true, wasm.OpI64TruncF32S: true, wasm.OpI64TruncF64S: true,
	wasm.OpI32TruncSatF32S: true, wasm.OpI32TruncSatF64S: true, wasm.OpI64TruncSatF32S: true, wasm.OpI64TruncSatF64S: true,
}

func minInt(bits int) int64 {
	if bits == 32 {
		return math.MinInt32
	}
	return math.MinInt64
}

func maxInt(bits int, signed bool) int64 {
	switch {
	case bits == 32 && signed:
		return math.MaxInt32
	case bits == 32:
		return math.MaxUint32
	case signed:
		return math.MaxInt64
	}
	return -1 // all ones
}

// selectOp picks the first operand if the condition is not zero: CMOV for
// integers, a branch for floats.
func (b *Backend) selectOp() {
	c := b.c
	a := &b.a
	cond := c.Pop()
	y := c.Pop()
	x := c.Pop()
	t := x.Type
	var rc jit.Reg = jit.NoReg
	if cond.Kind != jit.IsCond {
		rc = c.Use(cond)
	}
	rx := c.Take(x)
	if jit.ClassOf(t) == jit.FP {
		ry := c.Use(y)
		cc := b.condition(cond, rc)
		skip := a.NewLabel()
		a.Jcc(cc, skip)
		a.XX(asm.MOVAPS, xr(rx), xr(ry))
		a.Bind(skip)
		c.PushReg(t, rx)
		return
	}
	src := c.Operand(y)
	if src.Kind == jit.LocConst {
		src = jit.RegLoc(c.Take(y))
	}
	cc := b.condition(cond, rc)
	if src.Kind == jit.LocSlot {
		a.CmovRM(cc.Not(), asm.W64, gp(rx), b.slot(src.Slot))
	} else {
		a.CmovRR(cc.Not(), asm.W64, gp(rx), gp(src.Reg))
	}
	c.PushReg(t, rx)
}

// condition returns the flags condition under which a select's condition is
// not zero, testing its register if it is not a condition already.
func (b *Backend) condition(cond jit.Value, r jit.Reg) asm.Cond {
	if cond.Kind == jit.IsCond {
		return asm.Cond(cond.Cond)
	}
	return asm.Cond(b.Test(r))
}

func (b *Backend) globalGet(x uint32) {
	c := b.c
	a := &b.a
	t := c.M.AllGlobals[x].Type
	if t == wasm.V128 {
		c.Fail(jit.ErrUnsupported)
		return
	}
	a.MovRM(asm.W64, scratch, instMem(int32(b.layout.Global(x))))
	r := c.Alloc(jit.ClassOf(t))
	m := asm.Mem{Base: scratch}
	switch t {
	case wasm.F32:
		a.XM(asm.MOVSS, xr(r), m)
	case wasm.F64:
		a.XM(asm.MOVSD, xr(r), m)
	case wasm.I32:
		a.MovRM(asm.W32, gp(r), m)
	default:
		a.MovRM(asm.W64, gp(r), m)
	}
	c.PushReg(t, r)
}

// globalSet stores a global's whole cell, zero-extending i32 and f32, as
// the interpreter and the API read it.
func (b *Backend) globalSet(x uint32) {
	c := b.c
	a := &b.a
	t := c.M.AllGlobals[x].Type
	if t == wasm.V128 {
		c.Fail(jit.ErrUnsupported)
		return
	}
	v := c.Pop()
	var r asm.Reg
	if jit.ClassOf(t) == jit.FP {
		x := c.Use(v)
		r = gp(c.Alloc(jit.GP))
		w := asm.W64
		if t == wasm.F32 {
			w = asm.W32
		}
		a.RX(asm.MOVD, w, r, xr(x))
	} else {
		r = gp(c.Use(v))
	}
	a.MovRM(asm.W64, scratch, instMem(int32(b.layout.Global(x))))
	a.MovMR(asm.W64, asm.Mem{Base: scratch}, r)
}

func (b *Backend) refFunc(fn uint32) {
	c := b.c
	a := &b.a
	r := gp(c.Alloc(jit.GP))
	m := c.M
	if fn < m.NumImportedFuncs {
		a.MovRM(asm.W64, r, instMem(int32(b.layout.Import(fn))+abi.ImportFunc))
		a.MovRM(asm.W64, r, asm.Mem{Base: r, Disp: abi.FuncHandle})
	} else {
		a.MovRM(asm.W64, r, instMem(abi.CtxHandleBase))
		a.MovRI(asm.W64, scratch, int64(fn-m.NumImportedFuncs)<<abi.HandleIndexShift)
		a.ArithRR(asm.OR, asm.W64, r, scratch)
	}
	c.PushReg(wasm.FuncRef, jit.Reg(r-1))
}

// address returns the memory operand of a linear-memory access at the i32
// address v plus offset: memory 0's base plus the zero-extended address plus
// the offset, which the guard region covers whatever their values.
func (b *Backend) address(v jit.Value, offset uint64) asm.Mem {
	c := b.c
	a := &b.a
	if v.Kind == jit.IsConst {
		ea := uint64(uint32(v.Imm)) + offset
		if ea <= math.MaxInt32 {
			return asm.Mem{Base: memBase, Disp: int32(ea)}
		}
		a.MovRI(asm.W64, scratch, int64(ea))
		return asm.Mem{Base: memBase, Index: scratch, Scale: 1}
	}
	r := gp(c.Use(v))
	if offset <= math.MaxInt32 {
		return asm.Mem{Base: memBase, Index: r, Scale: 1, Disp: int32(offset)}
	}
	a.MovRI(asm.W64, scratch, int64(offset))
	a.ArithRR(asm.ADD, asm.W64, scratch, r)
	return asm.Mem{Base: memBase, Index: scratch, Scale: 1}
}

// load emits a scalar load; a fault in the guard region is an out-of-bounds
// trap, its site the instruction.
func (b *Backend) load(op wasm.Opcode, offset uint64) {
	c := b.c
	a := &b.a
	t := resultType(op)
	addr := c.Pop()
	m := b.address(addr, offset)
	var r jit.Reg
	if jit.ClassOf(t) == jit.GP && addr.Kind == jit.InReg {
		r = addr.Reg
	} else {
		r = c.Alloc(jit.ClassOf(t))
	}
	b.site()
	switch op {
	case wasm.OpI32Load:
		a.MovRM(asm.W32, gp(r), m)
	case wasm.OpI64Load:
		a.MovRM(asm.W64, gp(r), m)
	case wasm.OpF32Load:
		a.XM(asm.MOVSS, xr(r), m)
	case wasm.OpF64Load:
		a.XM(asm.MOVSD, xr(r), m)
	case wasm.OpI32Load8S:
		a.MovsxRM(asm.W32, asm.W8, gp(r), m)
	case wasm.OpI32Load8U, wasm.OpI64Load8U:
		a.MovzxRM(asm.W32, asm.W8, gp(r), m)
	case wasm.OpI32Load16S:
		a.MovsxRM(asm.W32, asm.W16, gp(r), m)
	case wasm.OpI32Load16U, wasm.OpI64Load16U:
		a.MovzxRM(asm.W32, asm.W16, gp(r), m)
	case wasm.OpI64Load8S:
		a.MovsxRM(asm.W64, asm.W8, gp(r), m)
	case wasm.OpI64Load16S:
		a.MovsxRM(asm.W64, asm.W16, gp(r), m)
	case wasm.OpI64Load32S:
		a.MovsxRM(asm.W64, asm.W32, gp(r), m)
	case wasm.OpI64Load32U:
		a.MovRM(asm.W32, gp(r), m)
	}
	c.PushReg(t, r)
}

// store emits a scalar store.
func (b *Backend) store(op wasm.Opcode, offset uint64) {
	c := b.c
	a := &b.a
	v := c.Pop()
	addr := c.Pop()
	var w asm.Width
	switch op {
	case wasm.OpI32Store8, wasm.OpI64Store8:
		w = asm.W8
	case wasm.OpI32Store16, wasm.OpI64Store16:
		w = asm.W16
	case wasm.OpI32Store, wasm.OpI64Store32:
		w = asm.W32
	case wasm.OpI64Store:
		w = asm.W64
	}
	if op == wasm.OpF32Store || op == wasm.OpF64Store {
		x := xr(c.Use(v))
		m := b.address(addr, offset)
		b.site()
		if op == wasm.OpF32Store {
			a.MX(asm.MOVSS, m, x)
		} else {
			a.MX(asm.MOVSD, m, x)
		}
		return
	}
	if v.Kind == jit.IsConst {
		var imm int32
		ok := true
		switch w {
		case asm.W8:
			imm = int32(int8(v.Imm))
		case asm.W16:
			imm = int32(int16(v.Imm))
		case asm.W32:
			imm = int32(uint32(v.Imm))
		default:
			imm, ok = int32(v.Imm), int64(v.Imm) == int64(int32(v.Imm))
		}
		if ok {
			m := b.address(addr, offset)
			b.site()
			a.MovMI(w, m, imm)
			return
		}
	}
	r := gp(c.Use(v))
	m := b.address(addr, offset)
	b.site()
	a.MovMR(w, m, r)
}

// rare exits to Go for an instruction the backend leaves to it. Its n
// operands are in their slots, in reverse order from ExitArgs; a result, if
// t is a type, comes back in ExitResult.
func (b *Backend) rare(op wasm.Opcode, n uint32, imm1, imm2 uint32, t wasm.ValueType) bool {
	if imm1 >= 1<<24 || imm2 >= 1<<24 {
		return false
	}
	c := b.c
	a := &b.a
	c.ClobberAll()
	h := c.Height() - n
	for range n {
		c.Pop()
	}
	a.MovRI(asm.W64, scratch, int64(abi.RareArg(uint16(op), imm1, imm2)))
	a.MovMR(asm.W64, ctxMem(abi.CallExitArg), scratch)
	if n > 0 {
		a.Lea(asm.W64, scratch, b.slot(c.Slot(h+n-1)))
		a.MovMR(asm.W64, ctxMem(abi.CallExitArgs), scratch)
	}
	b.exit(abi.ExitRare)
	if t != 0 {
		r := c.Alloc(jit.GP)
		a.MovRM(width(t), gp(r), ctxMem(abi.CallExitResult))
		c.PushReg(t, r)
	}
	return true
}
