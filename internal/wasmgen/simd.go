package wasmgen

import (
	"math"

	"github.com/terra-runtime/terra/wasm"
)

// SIMD instructions by operand shape. Every v128 value the generator makes
// is exact: results of float lane arithmetic are canonicalized lane by lane
// at once (simdArith says which lane shape).
var (
	simdBinary = []wasm.Opcode{
		wasm.OpI8x16Swizzle, wasm.OpV128And, wasm.OpV128Andnot, wasm.OpV128Or, wasm.OpV128Xor,
		wasm.OpI8x16NarrowI16x8S, wasm.OpI8x16NarrowI16x8U, wasm.OpI8x16Add, wasm.OpI8x16AddSatS,
		wasm.OpI8x16AddSatU, wasm.OpI8x16Sub, wasm.OpI8x16SubSatS, wasm.OpI8x16SubSatU, wasm.OpI8x16MinS,
		wasm.OpI8x16MinU, wasm.OpI8x16MaxS, wasm.OpI8x16MaxU, wasm.OpI8x16AvgrU,
		wasm.OpI16x8Q15mulrSatS, wasm.OpI16x8NarrowI32x4S, wasm.OpI16x8NarrowI32x4U, wasm.OpI16x8Add,
		wasm.OpI16x8AddSatS, wasm.OpI16x8AddSatU, wasm.OpI16x8Sub, wasm.OpI16x8SubSatS, wasm.OpI16x8SubSatU,
		wasm.OpI16x8Mul, wasm.OpI16x8MinS, wasm.OpI16x8MinU, wasm.OpI16x8MaxS, wasm.OpI16x8MaxU,
		wasm.OpI16x8AvgrU, wasm.OpI16x8ExtmulLowI8x16S, wasm.OpI16x8ExtmulHighI8x16S,
		wasm.OpI16x8ExtmulLowI8x16U, wasm.OpI16x8ExtmulHighI8x16U, wasm.OpI32x4Add, wasm.OpI32x4Sub,
		wasm.OpI32x4Mul, wasm.OpI32x4MinS, wasm.OpI32x4MinU, wasm.OpI32x4MaxS, wasm.OpI32x4MaxU,
		wasm.OpI32x4DotI16x8S, wasm.OpI32x4ExtmulLowI16x8S, wasm.OpI32x4ExtmulHighI16x8S,
		wasm.OpI32x4ExtmulLowI16x8U, wasm.OpI32x4ExtmulHighI16x8U, wasm.OpI64x2Add, wasm.OpI64x2Sub,
		wasm.OpI64x2Mul, wasm.OpI64x2ExtmulLowI32x4S, wasm.OpI64x2ExtmulHighI32x4S,
		wasm.OpI64x2ExtmulLowI32x4U, wasm.OpI64x2ExtmulHighI32x4U, wasm.OpI64x2Eq, wasm.OpI64x2Ne,
		wasm.OpI64x2LtS, wasm.OpI64x2GtS, wasm.OpI64x2LeS, wasm.OpI64x2GeS,
		wasm.OpF32x4Pmin, wasm.OpF32x4Pmax, wasm.OpF64x2Pmin, wasm.OpF64x2Pmax,
	}
	simdUnary = []wasm.Opcode{
		wasm.OpV128Not, wasm.OpI8x16Abs, wasm.OpI8x16Neg, wasm.OpI8x16Popcnt,
		wasm.OpI16x8ExtaddPairwiseI8x16S, wasm.OpI16x8ExtaddPairwiseI8x16U, wasm.OpI32x4ExtaddPairwiseI16x8S,
		wasm.OpI32x4ExtaddPairwiseI16x8U, wasm.OpI16x8Abs, wasm.OpI16x8Neg, wasm.OpI16x8ExtendLowI8x16S,
		wasm.OpI16x8ExtendHighI8x16S, wasm.OpI16x8ExtendLowI8x16U, wasm.OpI16x8ExtendHighI8x16U,
		wasm.OpI32x4Abs, wasm.OpI32x4Neg, wasm.OpI32x4ExtendLowI16x8S, wasm.OpI32x4ExtendHighI16x8S,
		wasm.OpI32x4ExtendLowI16x8U, wasm.OpI32x4ExtendHighI16x8U, wasm.OpI64x2Abs, wasm.OpI64x2Neg,
		wasm.OpI64x2ExtendLowI32x4S, wasm.OpI64x2ExtendHighI32x4S, wasm.OpI64x2ExtendLowI32x4U,
		wasm.OpI64x2ExtendHighI32x4U, wasm.OpF32x4Abs, wasm.OpF32x4Neg, wasm.OpF64x2Abs, wasm.OpF64x2Neg,
		wasm.OpF32x4ConvertI32x4S, wasm.OpF32x4ConvertI32x4U, wasm.OpF64x2ConvertLowI32x4S,
		wasm.OpF64x2ConvertLowI32x4U, wasm.OpI32x4TruncSatF32x4S, wasm.OpI32x4TruncSatF32x4U,
		wasm.OpI32x4TruncSatF64x2SZero, wasm.OpI32x4TruncSatF64x2UZero,
	}
	simdShifts = []wasm.Opcode{
		wasm.OpI8x16Shl, wasm.OpI8x16ShrS, wasm.OpI8x16ShrU, wasm.OpI16x8Shl, wasm.OpI16x8ShrS,
		wasm.OpI16x8ShrU, wasm.OpI32x4Shl, wasm.OpI32x4ShrS, wasm.OpI32x4ShrU, wasm.OpI64x2Shl,
		wasm.OpI64x2ShrS, wasm.OpI64x2ShrU,
	}
	// simdArith lists float lane arithmetic with its result lane type and
	// arity.
	simdArith = []struct {
		op    wasm.Opcode
		lane  wasm.ValueType
		arity int
	}{
		{wasm.OpF32x4Add, wasm.F32, 2}, {wasm.OpF32x4Sub, wasm.F32, 2}, {wasm.OpF32x4Mul, wasm.F32, 2},
		{wasm.OpF32x4Div, wasm.F32, 2}, {wasm.OpF32x4Min, wasm.F32, 2}, {wasm.OpF32x4Max, wasm.F32, 2},
		{wasm.OpF64x2Add, wasm.F64, 2}, {wasm.OpF64x2Sub, wasm.F64, 2}, {wasm.OpF64x2Mul, wasm.F64, 2},
		{wasm.OpF64x2Div, wasm.F64, 2}, {wasm.OpF64x2Min, wasm.F64, 2}, {wasm.OpF64x2Max, wasm.F64, 2},
		{wasm.OpF32x4Ceil, wasm.F32, 1}, {wasm.OpF32x4Floor, wasm.F32, 1}, {wasm.OpF32x4Trunc, wasm.F32, 1},
		{wasm.OpF32x4Nearest, wasm.F32, 1}, {wasm.OpF32x4Sqrt, wasm.F32, 1}, {wasm.OpF64x2Ceil, wasm.F64, 1},
		{wasm.OpF64x2Floor, wasm.F64, 1}, {wasm.OpF64x2Trunc, wasm.F64, 1}, {wasm.OpF64x2Nearest, wasm.F64, 1},
		{wasm.OpF64x2Sqrt, wasm.F64, 1}, {wasm.OpF32x4DemoteF64x2Zero, wasm.F32, 1},
		{wasm.OpF64x2PromoteLowF32x4, wasm.F64, 1},
	}
	simdLoads = []memOp{
		{wasm.OpV128Load, wasm.V128, 4}, {wasm.OpV128Load8x8S, wasm.V128, 3}, {wasm.OpV128Load8x8U, wasm.V128, 3},
		{wasm.OpV128Load16x4S, wasm.V128, 3}, {wasm.OpV128Load16x4U, wasm.V128, 3},
		{wasm.OpV128Load32x2S, wasm.V128, 3}, {wasm.OpV128Load32x2U, wasm.V128, 3},
		{wasm.OpV128Load8Splat, wasm.V128, 0}, {wasm.OpV128Load16Splat, wasm.V128, 1},
		{wasm.OpV128Load32Splat, wasm.V128, 2}, {wasm.OpV128Load64Splat, wasm.V128, 3},
		{wasm.OpV128Load32Zero, wasm.V128, 2}, {wasm.OpV128Load64Zero, wasm.V128, 3},
	}
	simdLaneLoads = []laneOp{{wasm.OpV128Load8Lane, 16, 0}, {wasm.OpV128Load16Lane, 8, 1},
		{wasm.OpV128Load32Lane, 4, 2}, {wasm.OpV128Load64Lane, 2, 3}}
	simdLaneStores = []laneOp{{wasm.OpV128Store8Lane, 16, 0}, {wasm.OpV128Store16Lane, 8, 1},
		{wasm.OpV128Store32Lane, 4, 2}, {wasm.OpV128Store64Lane, 2, 3}}
)

// laneOp is a load or store of one lane: its lane count (the lane
// immediate is below it) and natural alignment.
type laneOp struct {
	op    wasm.Opcode
	lanes int
	align uint32
}

// splat and lane instructions per scalar type: splat, replace_lane and the
// lane count; extract_lane variants.
var simdScalar = map[wasm.ValueType]struct {
	splat, replace []wasm.Opcode
	lanes          []int
	extract        []wasm.Opcode
	extractLanes   []int
}{
	wasm.I32: {
		[]wasm.Opcode{wasm.OpI8x16Splat, wasm.OpI16x8Splat, wasm.OpI32x4Splat},
		[]wasm.Opcode{wasm.OpI8x16ReplaceLane, wasm.OpI16x8ReplaceLane, wasm.OpI32x4ReplaceLane},
		[]int{16, 8, 4},
		[]wasm.Opcode{wasm.OpI8x16ExtractLaneS, wasm.OpI8x16ExtractLaneU, wasm.OpI16x8ExtractLaneS,
			wasm.OpI16x8ExtractLaneU, wasm.OpI32x4ExtractLane},
		[]int{16, 16, 8, 8, 4},
	},
	wasm.I64: {[]wasm.Opcode{wasm.OpI64x2Splat}, []wasm.Opcode{wasm.OpI64x2ReplaceLane}, []int{2},
		[]wasm.Opcode{wasm.OpI64x2ExtractLane}, []int{2}},
	wasm.F32: {[]wasm.Opcode{wasm.OpF32x4Splat}, []wasm.Opcode{wasm.OpF32x4ReplaceLane}, []int{4},
		[]wasm.Opcode{wasm.OpF32x4ExtractLane}, []int{4}},
	wasm.F64: {[]wasm.Opcode{wasm.OpF64x2Splat}, []wasm.Opcode{wasm.OpF64x2ReplaceLane}, []int{2},
		[]wasm.Opcode{wasm.OpF64x2ExtractLane}, []int{2}},
}

// simdToI32 reduce a v128 to an i32.
var simdToI32 = []wasm.Opcode{wasm.OpV128AnyTrue, wasm.OpI8x16AllTrue, wasm.OpI8x16Bitmask,
	wasm.OpI16x8AllTrue, wasm.OpI16x8Bitmask, wasm.OpI32x4AllTrue, wasm.OpI32x4Bitmask,
	wasm.OpI64x2AllTrue, wasm.OpI64x2Bitmask}

var v128 = mkSlot(wasm.V128, true)

// simdCompare returns a lane comparison, integer or float: their masks
// are exact whatever the NaNs.
func simdCompare(s *Source) wasm.Opcode {
	return wasm.OpI8x16Eq + wasm.Opcode(s.Intn(int(wasm.OpF64x2Ge-wasm.OpI8x16Eq+1)))
}

func (f *fgen) v128Const() {
	f.op(wasm.OpV128Const)
	for range 2 {
		// Lanes of edge values of one shape make interesting vectors.
		t := []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64}[f.src.Intn(4)]
		var v uint64
		if t == wasm.I32 || t == wasm.F32 {
			v = Value(f.src, t) | Value(f.src, t)<<32
		} else {
			v = Value(f.src, t)
		}
		for i := range 8 {
			f.b = append(f.b, byte(v>>(8*i)))
		}
	}
}

func (f *fgen) v128Expr(s slot) {
	mem := 0
	if f.g.hasMem {
		mem = 1
	}
	switch f.src.Pick(3, 2, 2, 5, 3, 2, 1, 3*mem, 1*mem, 2, 2) {
	case 0:
		f.leaf(s)
	case 1:
		t := []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64}[f.src.Intn(4)]
		sc := simdScalar[t]
		f.expr(mkSlot(t, true))
		f.op(sc.splat[f.src.Intn(len(sc.splat))])
	case 2:
		t := []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64}[f.src.Intn(4)]
		sc := simdScalar[t]
		k := f.src.Intn(len(sc.replace))
		f.expr(v128)
		f.expr(mkSlot(t, true))
		f.op(sc.replace[k])
		f.b = append(f.b, byte(f.src.Intn(sc.lanes[k])))
	case 3:
		f.expr(v128)
		f.expr(v128)
		if f.src.OneIn(4) {
			f.op(simdCompare(f.src))
		} else {
			f.op(simdBinary[f.src.Intn(len(simdBinary))])
		}
	case 4:
		f.expr(v128)
		f.op(simdUnary[f.src.Intn(len(simdUnary))])
	case 5:
		f.expr(v128)
		f.expr(mkSlot(wasm.I32, true))
		f.op(simdShifts[f.src.Intn(len(simdShifts))])
	case 6:
		f.expr(v128)
		f.expr(v128)
		f.expr(v128)
		f.op(wasm.OpV128Bitselect)
	case 7:
		if f.src.OneIn(4) {
			f.laneAccess(simdLaneLoads)
			return
		}
		l := simdLoads[f.src.Intn(len(simdLoads))]
		f.address()
		f.op(l.op)
		f.memarg(l.align)
	case 8:
		f.simdArith()
	case 9:
		f.expr(v128)
		f.expr(v128)
		f.op(wasm.OpI8x16Shuffle)
		for range 16 {
			f.b = append(f.b, byte(f.src.Intn(32)))
		}
	case 10:
		if f.src.OneIn(2) {
			f.selectExpr(s)
		} else {
			f.values([]slot{s})
		}
	}
}

// simdArith applies float lane arithmetic and canonicalizes the NaN lanes
// of the result: bitselect(v, canonical NaNs, v == v).
func (f *fgen) simdArith() {
	a := simdArith[f.src.Intn(len(simdArith))]
	for range a.arity {
		f.expr(v128)
	}
	f.op(a.op)
	s := f.scratchLocal(wasm.V128)
	f.op(wasm.OpLocalTee)
	f.u32(s)
	f.op(wasm.OpV128Const)
	lanes, eq := uint64(0x7FC000007FC00000), wasm.OpF32x4Eq
	if a.lane == wasm.F64 {
		lanes, eq = 0x7FF8000000000000, wasm.OpF64x2Eq
	}
	for range 2 {
		for i := range 8 {
			f.b = append(f.b, byte(lanes>>(8*i)))
		}
	}
	f.op(wasm.OpLocalGet)
	f.u32(s)
	f.op(wasm.OpLocalGet)
	f.u32(s)
	f.op(eq)
	f.op(wasm.OpV128Bitselect)
}

// extractLane pushes a scalar of slot s from a vector.
func (f *fgen) extractLane(s slot) {
	if s.t == wasm.I32 && f.src.OneIn(3) {
		f.expr(v128)
		f.op(simdToI32[f.src.Intn(len(simdToI32))])
		return
	}
	if s.t == wasm.I32 && f.src.OneIn(3) {
		f.expr(v128)
		f.expr(v128)
		f.op(simdCompare(f.src))
		f.op(wasm.OpV128AnyTrue)
		return
	}
	sc := simdScalar[s.t]
	k := f.src.Intn(len(sc.extract))
	f.expr(v128)
	f.op(sc.extract[k])
	f.b = append(f.b, byte(f.src.Intn(sc.extractLanes[k])))
}

func (f *fgen) simdStmt() {
	if !f.g.hasMem {
		f.expr(v128)
		f.op(wasm.OpDrop)
		return
	}
	if f.src.OneIn(3) {
		f.laneAccess(simdLaneStores)
		return
	}
	f.address()
	f.expr(v128)
	f.op(wasm.OpV128Store)
	f.memarg(4)
}

// laneAccess loads or stores one lane of a vector.
func (f *fgen) laneAccess(ops []laneOp) {
	l := ops[f.src.Intn(len(ops))]
	f.address()
	f.expr(v128)
	f.op(l.op)
	f.memarg(l.align)
	f.b = append(f.b, byte(f.src.Intn(l.lanes)))
}

func f32bits(v float32) uint32 { return math.Float32bits(v) }
func f64bits(v float64) uint64 { return math.Float64bits(v) }
