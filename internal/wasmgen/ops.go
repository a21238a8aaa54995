package wasmgen

import (
	"math"

	"github.com/terra-runtime/terra/wasm"
)

// opKind classifies a numeric instruction by what the generator must know
// about it: whether it traps, and how it treats NaN bits (see the package
// documentation).
type opKind uint8

const (
	// kindPlain never traps; a float result may be any NaN.
	kindPlain opKind = iota
	// kindBits moves float bits without arithmetic (abs, neg, copysign):
	// the result is exact when its operands are. Copysign's second operand
	// must be exact, since its sign reaches a non-NaN result.
	kindBits
	// kindExactOut always gives an exact result: integer results, and
	// integer-to-float conversions, which never make a NaN.
	kindExactOut
	// kindReinterpret exposes float bits as an integer, or makes a float
	// from integer bits: its float operand must be exact.
	kindReinterpret
	// kindDivide traps on a zero divisor (and on overflow for div_s).
	kindDivide
	// kindTrunc traps on NaN and on values out of the result's range.
	kindTrunc
)

// numOp is a numeric instruction with a fixed signature.
type numOp struct {
	op   wasm.Opcode
	in   []wasm.ValueType
	out  wasm.ValueType
	kind opKind
}

var (
	i32_  = []wasm.ValueType{wasm.I32}
	i64_  = []wasm.ValueType{wasm.I64}
	f32_  = []wasm.ValueType{wasm.F32}
	f64_  = []wasm.ValueType{wasm.F64}
	i32x2 = []wasm.ValueType{wasm.I32, wasm.I32}
	i64x2 = []wasm.ValueType{wasm.I64, wasm.I64}
	f32x2 = []wasm.ValueType{wasm.F32, wasm.F32}
	f64x2 = []wasm.ValueType{wasm.F64, wasm.F64}
)

// numOps lists every scalar numeric instruction of WebAssembly 2.0.
var numOps = func() []numOp {
	var ops []numOp
	add := func(kind opKind, in []wasm.ValueType, out wasm.ValueType, codes ...wasm.Opcode) {
		for _, c := range codes {
			ops = append(ops, numOp{c, in, out, kind})
		}
	}
	// Integer tests, comparisons and arithmetic.
	add(kindExactOut, i32_, wasm.I32, wasm.OpI32Eqz, wasm.OpI32Clz, wasm.OpI32Ctz, wasm.OpI32Popcnt,
		wasm.OpI32Extend8S, wasm.OpI32Extend16S)
	add(kindExactOut, i64_, wasm.I32, wasm.OpI64Eqz)
	add(kindExactOut, i64_, wasm.I64, wasm.OpI64Clz, wasm.OpI64Ctz, wasm.OpI64Popcnt,
		wasm.OpI64Extend8S, wasm.OpI64Extend16S, wasm.OpI64Extend32S)
	add(kindExactOut, i32x2, wasm.I32, wasm.OpI32Eq, wasm.OpI32Ne, wasm.OpI32LtS, wasm.OpI32LtU, wasm.OpI32GtS,
		wasm.OpI32GtU, wasm.OpI32LeS, wasm.OpI32LeU, wasm.OpI32GeS, wasm.OpI32GeU,
		wasm.OpI32Add, wasm.OpI32Sub, wasm.OpI32Mul, wasm.OpI32And, wasm.OpI32Or, wasm.OpI32Xor,
		wasm.OpI32Shl, wasm.OpI32ShrS, wasm.OpI32ShrU, wasm.OpI32Rotl, wasm.OpI32Rotr)
	add(kindExactOut, i64x2, wasm.I32, wasm.OpI64Eq, wasm.OpI64Ne, wasm.OpI64LtS, wasm.OpI64LtU, wasm.OpI64GtS,
		wasm.OpI64GtU, wasm.OpI64LeS, wasm.OpI64LeU, wasm.OpI64GeS, wasm.OpI64GeU)
	add(kindExactOut, i64x2, wasm.I64, wasm.OpI64Add, wasm.OpI64Sub, wasm.OpI64Mul, wasm.OpI64And,
		wasm.OpI64Or, wasm.OpI64Xor, wasm.OpI64Shl, wasm.OpI64ShrS, wasm.OpI64ShrU, wasm.OpI64Rotl, wasm.OpI64Rotr)
	add(kindDivide, i32x2, wasm.I32, wasm.OpI32DivS, wasm.OpI32DivU, wasm.OpI32RemS, wasm.OpI32RemU)
	add(kindDivide, i64x2, wasm.I64, wasm.OpI64DivS, wasm.OpI64DivU, wasm.OpI64RemS, wasm.OpI64RemU)
	// Float comparisons see no NaN bits.
	add(kindExactOut, f32x2, wasm.I32, wasm.OpF32Eq, wasm.OpF32Ne, wasm.OpF32Lt, wasm.OpF32Gt, wasm.OpF32Le, wasm.OpF32Ge)
	add(kindExactOut, f64x2, wasm.I32, wasm.OpF64Eq, wasm.OpF64Ne, wasm.OpF64Lt, wasm.OpF64Gt, wasm.OpF64Le, wasm.OpF64Ge)
	// Float arithmetic.
	add(kindBits, f32_, wasm.F32, wasm.OpF32Abs, wasm.OpF32Neg)
	add(kindBits, f64_, wasm.F64, wasm.OpF64Abs, wasm.OpF64Neg)
	add(kindBits, f32x2, wasm.F32, wasm.OpF32Copysign)
	add(kindBits, f64x2, wasm.F64, wasm.OpF64Copysign)
	add(kindPlain, f32_, wasm.F32, wasm.OpF32Ceil, wasm.OpF32Floor, wasm.OpF32Trunc, wasm.OpF32Nearest, wasm.OpF32Sqrt)
	add(kindPlain, f64_, wasm.F64, wasm.OpF64Ceil, wasm.OpF64Floor, wasm.OpF64Trunc, wasm.OpF64Nearest, wasm.OpF64Sqrt)
	add(kindPlain, f32x2, wasm.F32, wasm.OpF32Add, wasm.OpF32Sub, wasm.OpF32Mul, wasm.OpF32Div, wasm.OpF32Min, wasm.OpF32Max)
	add(kindPlain, f64x2, wasm.F64, wasm.OpF64Add, wasm.OpF64Sub, wasm.OpF64Mul, wasm.OpF64Div, wasm.OpF64Min, wasm.OpF64Max)
	// Conversions.
	add(kindExactOut, i64_, wasm.I32, wasm.OpI32WrapI64)
	add(kindExactOut, i32_, wasm.I64, wasm.OpI64ExtendI32S, wasm.OpI64ExtendI32U)
	add(kindTrunc, f32_, wasm.I32, wasm.OpI32TruncF32S, wasm.OpI32TruncF32U)
	add(kindTrunc, f64_, wasm.I32, wasm.OpI32TruncF64S, wasm.OpI32TruncF64U)
	add(kindTrunc, f32_, wasm.I64, wasm.OpI64TruncF32S, wasm.OpI64TruncF32U)
	add(kindTrunc, f64_, wasm.I64, wasm.OpI64TruncF64S, wasm.OpI64TruncF64U)
	add(kindExactOut, f32_, wasm.I32, wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF32U)
	add(kindExactOut, f64_, wasm.I32, wasm.OpI32TruncSatF64S, wasm.OpI32TruncSatF64U)
	add(kindExactOut, f32_, wasm.I64, wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF32U)
	add(kindExactOut, f64_, wasm.I64, wasm.OpI64TruncSatF64S, wasm.OpI64TruncSatF64U)
	add(kindExactOut, i32_, wasm.F32, wasm.OpF32ConvertI32S, wasm.OpF32ConvertI32U)
	add(kindExactOut, i64_, wasm.F32, wasm.OpF32ConvertI64S, wasm.OpF32ConvertI64U)
	add(kindExactOut, i32_, wasm.F64, wasm.OpF64ConvertI32S, wasm.OpF64ConvertI32U)
	add(kindExactOut, i64_, wasm.F64, wasm.OpF64ConvertI64S, wasm.OpF64ConvertI64U)
	add(kindPlain, f64_, wasm.F32, wasm.OpF32DemoteF64)
	add(kindPlain, f32_, wasm.F64, wasm.OpF64PromoteF32)
	add(kindReinterpret, f32_, wasm.I32, wasm.OpI32ReinterpretF32)
	add(kindReinterpret, f64_, wasm.I64, wasm.OpI64ReinterpretF64)
	add(kindReinterpret, i32_, wasm.F32, wasm.OpF32ReinterpretI32)
	add(kindReinterpret, i64_, wasm.F64, wasm.OpF64ReinterpretI64)
	return ops
}()

// opsByResult indexes numOps by result type.
var opsByResult = func() map[wasm.ValueType][]numOp {
	m := make(map[wasm.ValueType][]numOp)
	for _, o := range numOps {
		m[o.out] = append(m[o.out], o)
	}
	return m
}()

// mergeOps are binary operators that never trap, per operand type: they fold
// values that pile up on the operand stack.
var mergeOps = map[wasm.ValueType][]wasm.Opcode{
	wasm.I32: {wasm.OpI32Add, wasm.OpI32Sub, wasm.OpI32Mul, wasm.OpI32Xor, wasm.OpI32Or, wasm.OpI32Rotl},
	wasm.I64: {wasm.OpI64Add, wasm.OpI64Sub, wasm.OpI64Mul, wasm.OpI64Xor, wasm.OpI64And, wasm.OpI64ShrU},
	wasm.F32: {wasm.OpF32Add, wasm.OpF32Sub, wasm.OpF32Mul, wasm.OpF32Min, wasm.OpF32Max},
	wasm.F64: {wasm.OpF64Add, wasm.OpF64Mul, wasm.OpF64Div, wasm.OpF64Min, wasm.OpF64Max},
}

// memOp is a load or store with its value type and natural alignment
// (log2 of the access size).
type memOp struct {
	op    wasm.Opcode
	t     wasm.ValueType
	align uint32
}

var loads = []memOp{
	{wasm.OpI32Load, wasm.I32, 2}, {wasm.OpI64Load, wasm.I64, 3}, {wasm.OpF32Load, wasm.F32, 2},
	{wasm.OpF64Load, wasm.F64, 3}, {wasm.OpI32Load8S, wasm.I32, 0}, {wasm.OpI32Load8U, wasm.I32, 0},
	{wasm.OpI32Load16S, wasm.I32, 1}, {wasm.OpI32Load16U, wasm.I32, 1}, {wasm.OpI64Load8S, wasm.I64, 0},
	{wasm.OpI64Load8U, wasm.I64, 0}, {wasm.OpI64Load16S, wasm.I64, 1}, {wasm.OpI64Load16U, wasm.I64, 1},
	{wasm.OpI64Load32S, wasm.I64, 2}, {wasm.OpI64Load32U, wasm.I64, 2},
}

var stores = []memOp{
	{wasm.OpI32Store, wasm.I32, 2}, {wasm.OpI64Store, wasm.I64, 3}, {wasm.OpF32Store, wasm.F32, 2},
	{wasm.OpF64Store, wasm.F64, 3}, {wasm.OpI32Store8, wasm.I32, 0}, {wasm.OpI32Store16, wasm.I32, 1},
	{wasm.OpI64Store8, wasm.I64, 0}, {wasm.OpI64Store16, wasm.I64, 1}, {wasm.OpI64Store32, wasm.I64, 2},
}

// Constants that sit on the edges of the operations: zero and its sign,
// extremes, powers of two, rounding ties, the bounds of float-to-integer
// truncation, and NaNs with payloads, quiet and signalling, of both signs.
var (
	i32Edges = []uint32{0, 1, 2, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFF, 0x10000, 0x8000, 0xFF, 0x80,
		31, 32, 33, 63, 64, 0xFFFFFFFE, 0x55555555}
	i64Edges = []uint64{0, 1, 2, math.MaxUint64, 1 << 63, math.MaxInt64, 0xFFFFFFFF, 1 << 32, 0x80000000,
		0xFFFFFFFF80000000, 63, 64, 65, 0xFFFF, 0xFF, 1<<53 + 1, 0xAAAAAAAAAAAAAAAA}
	f32Edges = []uint32{0, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000,
		0x7F800000, 0xFF800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x00000001, 0x80000001, 0x00800000, 0x007FFFFF,
		0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7F800001, 0xFFFFFFFF, 0x7FC12345,
		0x4F000000, 0xCF000000, 0x4EFFFFFF, 0x4F800000, 0x5F000000, 0xDF000000, 0x5F800000, 0xCF000001,
		0x4B000000, 0x4B7FFFFF, 0xBF000000}
	f64Edges = []uint64{0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000,
		0x3FF8000000000000, 0x4004000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FEFFFFFFFFFFFFF,
		0x0000000000000001, 0x8000000000000001, 0x0010000000000000, 0x000FFFFFFFFFFFFF,
		0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF0000000000001, 0xFFFFFFFFFFFFFFFF,
		0x7FF8000012345678,
		0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000, 0x41EFFFFFFFE00000, 0x41F0000000000000,
		0xC1E0000000200000, 0x43E0000000000000, 0xC3E0000000000000, 0x43F0000000000000, 0x4330000000000000,
		0x433FFFFFFFFFFFFF, 0xBFE0000000000000}
)

// edge returns an edge value of type t, as the bits of a cell.
func edge(s *Source, t wasm.ValueType) uint64 {
	switch t {
	case wasm.I32:
		return uint64(i32Edges[s.Intn(len(i32Edges))])
	case wasm.I64:
		return i64Edges[s.Intn(len(i64Edges))]
	case wasm.F32:
		return uint64(f32Edges[s.Intn(len(f32Edges))])
	}
	return f64Edges[s.Intn(len(f64Edges))]
}

// Value returns a value of the number type t for an argument or constant:
// often an edge value, otherwise small, or random bits.
func Value(s *Source, t wasm.ValueType) uint64 {
	switch s.Pick(5, 3, 2) {
	case 0:
		return edge(s, t)
	case 1:
		v := uint64(s.Intn(256))
		switch t {
		case wasm.I32:
			return uint64(uint32(int32(v) - 16))
		case wasm.I64:
			return uint64(int64(v) - 16)
		case wasm.F32:
			return uint64(math.Float32bits(float32(int(v)-128) / 4))
		}
		return math.Float64bits(float64(int(v)-128) / 4)
	}
	if t == wasm.I32 || t == wasm.F32 {
		return uint64(s.Uint32())
	}
	return s.Uint64()
}
