package interp

import (
	"slices"

	"github.com/terra-runtime/terra/wasm"
)

// op is an instruction of the lowered code. Scalar numeric instructions keep
// their WebAssembly opcode byte (0x45-0xC4, memory accesses 0x28-0x3E); the
// rest of the byte space holds the interpreter's own instructions, so that
// the dispatch switch is dense and compiles to a jump table.
type op = uint8

// Operands a, b, c are frame slots unless noted; imm is an immediate. Scalar
// loads and stores (0x28-0x3E) take a (the value), b (the address), c (a
// 32-bit addend, added to the address with wrap-around) and imm (the
// offset).
const (
	opUnreachable op = 0x00
	opNop         op = 0x01
	opBr          op = 0x02 // a: target pc
	opBrIf        op = 0x03 // a: target pc, b: condition
	opBrIfNot     op = 0x04 // a: target pc, b: condition
	opBrTable     op = 0x05 // a: first entry in function.tables, b: index, c: entry count (default last)
	opReturn      op = 0x06 // b: first result slot, c: result cells
	opCall        op = 0x07 // a: function index, b: callee frame base
	opCallInd     op = 0x08 // a: type index, b: callee frame base, c: table, imm: index slot
	opCallLocal   op = 0x40 // opCall to a function the module defines; c: its defined index
	opBrBack      op = 0x09 // a: target pc of a loop; polls for interruption
	opCopy        op = 0x0A // a <- b
	opCopy2       op = 0x0B // a, a+1 <- b, b+1
	opConst       op = 0x0C // a <- imm
	opSelect      op = 0x0D // a <- imm(cond) != 0 ? b : c
	opSelect2     op = 0x0E // the same for v128
	opGlobalGet   op = 0x0F // a <- global b
	opGlobalSet   op = 0x10 // global a <- b
	opGlobalGet2  op = 0x11
	opGlobalSet2  op = 0x12
	opTableGet    op = 0x13 // a <- table c [b]
	opTableSet    op = 0x14 // table c [a] <- b
	opMemorySize  op = 0x15 // a <- pages
	opMemoryGrow  op = 0x16 // a <- grow(b)
	opMemoryInit  op = 0x17 // c: data segment; operands at b, b+1, b+2
	opDataDrop    op = 0x18 // c: data segment
	opMemoryCopy  op = 0x19 // operands at b..b+2
	opMemoryFill  op = 0x1A // operands at b..b+2
	opTableInit   op = 0x1B // c: elem segment, imm: table; operands at b..b+2
	opElemDrop    op = 0x1C // c: elem segment
	opTableCopy   op = 0x1D // c: destination table, imm: source table; operands at b..b+2
	opTableGrow   op = 0x1E // a <- grow(table c, init b, delta b+1)
	opTableSize   op = 0x1F // a <- size(table c)
	opTableFill   op = 0x20 // table c; operands at b..b+2
	opRefFunc     op = 0x21 // a <- handle of function b
	opRefIsNull   op = 0x22 // a <- b == 0
	opTruncSat    op = 0x23 // a <- trunc_sat(b), imm: the 0xFC sub-opcode
	opV128Load    op = 0x24 // a <- memory op imm(sub) at address b + offset c
	opV128Store   op = 0x25 // memory at address b + offset c <- a (16 bytes)
	opV128Lane    op = 0x26 // load/store lane: a vector, b address, c offset, imm sub | lane<<8
	opV128Const   op = 0x27 // a, a+1 <- imm, c|b<<32 (hi)
	opBrCmp       op = 0x3F // a: target if compare(imm&0xFF; b, c) differs from imm&negate
	// Float arithmetic with a constant right operand (its bits in imm):
	// a <- b op imm.
	opF64AddImm op = 0xC5
	opF64SubImm op = 0xC6
	opF64MulImm op = 0xC7
	opF64DivImm op = 0xC8
	opF32AddImm op = 0xC9
	opF32SubImm op = 0xCA
	opF32MulImm op = 0xCB
	opF32DivImm op = 0xCC
	opSIMD      op = 0xD3 // a <- simd op imm on b (and c); see exec
	opSIMDShuf  op = 0xD4 // a <- shuffle(b, c, lanes in function.consts[imm])
	opSIMDTern  op = 0xD5 // a <- bitselect(b, c, imm as slot)
)

// Flags in the immediate of conditional branches.
const (
	negate   = 1 << 8 // branch when the condition is false
	backEdge = 1 << 9 // the branch goes back to a loop: poll for interruption
)

// Immediate forms: i32 and i64 binary instructions whose right operand is
// a constant, held in imm. They take the op bytes from immFirst on.
const immFirst op = 0xD6

var (
	immForm = map[wasm.Opcode]op{}
	// immBase maps an immediate form back to its instruction.
	immBase [256]op
)

func init() {
	next := immFirst
	for _, list := range [][2]wasm.Opcode{
		{wasm.OpI32Eq, wasm.OpI32GeU}, {wasm.OpI64Eq, wasm.OpI64GeU},
		{wasm.OpI32Add, wasm.OpI32Mul}, {wasm.OpI32And, wasm.OpI32ShrU},
		{wasm.OpI64Add, wasm.OpI64Mul}, {wasm.OpI64And, wasm.OpI64ShrU},
	} {
		for o := list[0]; o <= list[1]; o++ {
			immForm[o] = next
			immBase[next] = op(o)
			next++
		}
	}
}

// Immediate forms the dispatch loop executes inline. They are constants so
// that the switch stays a jump table; TestImmediateForms checks them against
// the assignment in init.
const (
	immI32Add  op = 0xEA
	immI32Sub  op = 0xEB
	immI32Mul  op = 0xEC
	immI32And  op = 0xED
	immI32Or   op = 0xEE
	immI32Xor  op = 0xEF
	immI32Shl  op = 0xF0
	immI32ShrS op = 0xF1
	immI32ShrU op = 0xF2
	immI64Add  op = 0xF3
	immI64Mul  op = 0xF5
	immI64And  op = 0xF6
	immI64Shl  op = 0xF9
	immI64ShrU op = 0xFB
)

// floatImm maps float arithmetic to its form with a constant right operand.
var floatImm = map[wasm.Opcode]op{
	wasm.OpF64Add: opF64AddImm, wasm.OpF64Sub: opF64SubImm, wasm.OpF64Mul: opF64MulImm, wasm.OpF64Div: opF64DivImm,
	wasm.OpF32Add: opF32AddImm, wasm.OpF32Sub: opF32SubImm, wasm.OpF32Mul: opF32MulImm, wasm.OpF32Div: opF32DivImm,
}

// fusable reports whether a compare can fuse into the branch that tests it:
// register compares, eqz, and i32 compares with a constant (which fits in c).
func fusable(in inst) bool {
	o := in.op
	if o >= immFirst {
		b := immBase[o]
		return b >= op(wasm.OpI32Eq) && b <= op(wasm.OpI32GeU)
	}
	return o >= op(wasm.OpI32Eqz) && o <= op(wasm.OpI64GeU)
}

// inst is one lowered instruction.
type inst struct {
	op      op
	a, b, c uint32
	imm     uint64
}

// function is the lowered code of one defined function.
type function struct {
	code     []inst
	tables   []uint32 // br_table targets
	shuffles [][16]byte
	params   uint32   // parameter cells
	locals   uint32   // cells of all locals, parameters included
	frame    uint32   // cells of locals plus the operand stack
	results  uint32   // result cells
	offsets  []uint32 // module offset of the WebAssembly instruction behind each inst
	index    uint32   // in the module's function index space
	typ      *wasm.FuncType
	// loops lists the loop headers by position, for on-stack replacement.
	loops []loopHeader
	// ret is the position of a return of the results from the first
	// slots, where a call continues once machine code ran the rest of it.
	ret int
}

// loopHeader is a loop's header: its position in the code and the module
// offset of its loop instruction.
type loopHeader struct {
	pc     int
	offset uint32
}

// loopAt returns the module offset of the loop whose header is at pc.
func (fn *function) loopAt(pc int) (uint32, bool) {
	i, ok := slices.BinarySearchFunc(fn.loops, pc, func(l loopHeader, pc int) int { return l.pc - pc })
	if !ok {
		return 0, false
	}
	return fn.loops[i].offset, true
}
