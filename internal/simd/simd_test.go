package simd

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/wasm"
)

// Vector builders: the given lanes from lane 0 up, the rest zero.

func u8s(l ...uint8) V128 {
	var r [16]uint8
	copy(r[:], l)
	return fromU8(&r)
}

func i8s(l ...int8) V128 {
	var r [16]uint8
	for i, x := range l {
		r[i] = uint8(x)
	}
	return fromU8(&r)
}

func u16s(l ...uint16) V128 {
	var r [8]uint16
	copy(r[:], l)
	return fromU16(&r)
}

func i16s(l ...int16) V128 {
	var r [8]uint16
	for i, x := range l {
		r[i] = uint16(x)
	}
	return fromU16(&r)
}

func u32s(l ...uint32) V128 {
	var r [4]uint32
	copy(r[:], l)
	return fromU32(&r)
}

func i32s(l ...int32) V128 {
	var r [4]uint32
	for i, x := range l {
		r[i] = uint32(x)
	}
	return fromU32(&r)
}

func f32s(l ...float32) V128 {
	var r [4]float32
	copy(r[:], l)
	return fromF32(&r)
}

func f64s(lo, hi float64) V128 { return fromF64(lo, hi) }

var (
	posInf32  = float32(math.Inf(1))
	nan32     = math.Float32frombits(0x7FC00000)
	negZero32 = float32(math.Copysign(0, -1))
	posInf64  = math.Inf(1)
	nan64     = math.Float64frombits(0x7FF8000000000000)
	negZero64 = math.Copysign(0, -1)
)

const (
	sNaN32 = 0x7FA00000         // a signalling f32 NaN
	sNaN64 = 0x7FF4000000000000 // a signalling f64 NaN
)

func isCanonical32(b uint32) bool  { return b&^sign32 == 0x7FC00000 }
func isArithmetic32(b uint32) bool { return b&0x7FC00000 == 0x7FC00000 }
func isCanonical64(b uint64) bool  { return b&^sign64 == 0x7FF8000000000000 }
func isArithmetic64(b uint64) bool { return b&0x7FF8000000000000 == 0x7FF8000000000000 }

// The operations are called through the tables, so that the tests check the
// wiring too.

func un(op wasm.Opcode, a V128) V128     { return Unary[op&0xFF](a) }
func bin(op wasm.Opcode, a, b V128) V128 { return Binary[op&0xFF](a, b) }
func shift(op wasm.Opcode, a V128, n uint32) V128 {
	return Shift[op&0xFF](a, n)
}

func eq(t *testing.T, op wasm.Opcode, want, got V128) {
	t.Helper()
	require.Equal(t, want, got, "%s: got %#016x %#016x, want %#016x %#016x", op, got.Hi, got.Lo, want.Hi, want.Lo)
}

// accepts reports whether f returns without panicking.
func accepts(f func()) (ok bool) {
	defer func() { ok = recover() == nil }()
	f()
	return true
}

// TestCoverage checks that every SIMD opcode is implemented by exactly one
// of the package's entry points (or is one of the two the interpreter
// handles alone), and that no unknown opcode is.
func TestCoverage(t *testing.T) {
	var mem [16]byte
	known := 0
	for sub := range 256 {
		op := wasm.PrefixSIMD | wasm.Opcode(sub)
		name := op.String()
		size := op.AccessSize()
		var by []string
		add := func(ok bool, what string) {
			if ok {
				by = append(by, what)
			}
		}
		add(Unary[sub] != nil, "Unary")
		add(Binary[sub] != nil, "Binary")
		add(Shift[sub] != nil, "Shift")
		add(Test[sub] != nil, "Test")
		add(op == wasm.OpV128Bitselect, "Bitselect")
		add(op == wasm.OpI8x16Shuffle, "Shuffle")
		add(op == wasm.OpV128Const, "interpreter (const)")
		add(op == wasm.OpV128Store, "interpreter (store)")
		add(accepts(func() { Splat(op, 0) }), "Splat")
		add(accepts(func() { ExtractLane(op, V128{}, 0) }), "ExtractLane")
		add(accepts(func() { ReplaceLane(op, V128{}, 0, 0) }), "ReplaceLane")
		add(accepts(func() { Load(op, mem[:size]) }), "Load")
		add(accepts(func() { LoadLane(op, V128{}, 0, mem[:size]) }), "LoadLane")
		add(accepts(func() { StoreLane(op, V128{}, 0, mem[:size]) }), "StoreLane")

		if strings.HasPrefix(name, "opcode 0x") {
			require.Empty(t, by, "unknown sub-opcode 0x%02X", sub)
			require.Zero(t, size, "unknown sub-opcode 0x%02X", sub)
			continue
		}
		known++
		require.Len(t, by, 1, "%s (0x%02X) is handled by %v", name, sub, by)

		// Memory instructions access their natural alignment's worth of bytes.
		isMem := strings.HasPrefix(name, "v128.load") || strings.HasPrefix(name, "v128.store")
		require.Equal(t, isMem, size > 0, "%s: AccessSize %d", name, size)
		if align, ok := op.AlignLimit(); ok {
			require.Equal(t, 1<<align, size, "%s", name)
		}
	}
	require.Equal(t, 236, known)
}

// TestNoAllocations checks that the table operations allocate nothing.
func TestNoAllocations(t *testing.T) {
	a, b := u32s(1, 0x80000000, 0x7FC00000, 0xFFFFFFFF), f64s(-1.5, 3)
	for sub := range 256 {
		var f func()
		switch {
		case Unary[sub] != nil:
			f = func() { a = Unary[sub](b) }
		case Binary[sub] != nil:
			f = func() { a = Binary[sub](a, b) }
		case Shift[sub] != nil:
			f = func() { a = Shift[sub](b, 3) }
		case Test[sub] != nil:
			f = func() { a.Lo += uint64(Test[sub](b)) }
		default:
			continue
		}
		require.Zero(t, testing.AllocsPerRun(10, f), "%s", wasm.PrefixSIMD|wasm.Opcode(sub))
	}
}

func TestLaneLayout(t *testing.T) {
	mem := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	v := Load(wasm.OpV128Load, mem)
	require.Equal(t, V128{0x0706050403020100, 0x0F0E0D0C0B0A0908}, v)
	for i := range byte(16) {
		require.Equal(t, uint64(i), ExtractLane(wasm.OpI8x16ExtractLaneU, v, i))
	}
	require.Equal(t, uint64(0x0302), ExtractLane(wasm.OpI16x8ExtractLaneU, v, 1))
	require.Equal(t, uint64(0x0B0A0908), ExtractLane(wasm.OpI32x4ExtractLane, v, 2))
	require.Equal(t, uint64(0x0F0E0D0C0B0A0908), ExtractLane(wasm.OpI64x2ExtractLane, v, 1))
}

func TestSplat(t *testing.T) {
	require.Equal(t, V128{^uint64(0), ^uint64(0)}, Splat(wasm.OpI8x16Splat, 0x1FF))
	require.Equal(t, V128{0x2345234523452345, 0x2345234523452345}, Splat(wasm.OpI16x8Splat, 0x12345))
	require.Equal(t, V128{0x1234567812345678, 0x1234567812345678}, Splat(wasm.OpI32x4Splat, 0xFFFFFFFF_12345678))
	require.Equal(t, f32s(1.5, 1.5, 1.5, 1.5), Splat(wasm.OpF32x4Splat, uint64(math.Float32bits(1.5))))
	require.Equal(t, V128{0x8000000000000001, 0x8000000000000001}, Splat(wasm.OpI64x2Splat, 0x8000000000000001))
	require.Equal(t, f64s(-2, -2), Splat(wasm.OpF64x2Splat, math.Float64bits(-2)))
}

func TestExtractReplaceLane(t *testing.T) {
	v := V128{0x0000_8000_0000_0000, 0xFFFE_0000_0000_0000} // i8 lane 5 = 0x80, i16 lane 7 = 0xFFFE
	require.Equal(t, uint64(0xFFFFFF80), ExtractLane(wasm.OpI8x16ExtractLaneS, v, 5), "sign-extended to 32 bits only")
	require.Equal(t, uint64(0x80), ExtractLane(wasm.OpI8x16ExtractLaneU, v, 5))
	require.Equal(t, uint64(0xFFFFFFFE), ExtractLane(wasm.OpI16x8ExtractLaneS, v, 7))
	require.Equal(t, uint64(0xFFFE), ExtractLane(wasm.OpI16x8ExtractLaneU, v, 7))
	require.Equal(t, uint64(0x7F), ExtractLane(wasm.OpI8x16ExtractLaneS, i8s(0, 127), 1))

	f := f32s(1, 2, 3, -1.5)
	require.Equal(t, uint64(math.Float32bits(-1.5)), ExtractLane(wasm.OpF32x4ExtractLane, f, 3))
	require.Equal(t, math.Float64bits(-7), ExtractLane(wasm.OpF64x2ExtractLane, f64s(0, -7), 1))

	ones := V128{^uint64(0), ^uint64(0)}
	eq(t, wasm.OpI8x16ReplaceLane, V128{0, 0xAB00000000000000}, ReplaceLane(wasm.OpI8x16ReplaceLane, V128{}, 15, 0x1AB))
	eq(t, wasm.OpI16x8ReplaceLane, V128{^uint64(0), 0xFFFFFFFFFFFF1234}, ReplaceLane(wasm.OpI16x8ReplaceLane, ones, 4, 0xFFFF1234))
	eq(t, wasm.OpI32x4ReplaceLane, V128{0xBBBBCCCC00000000, 0}, ReplaceLane(wasm.OpI32x4ReplaceLane, V128{}, 1, 0xAAAABBBBCCCC))
	eq(t, wasm.OpI32x4ReplaceLane, V128{^uint64(0), 0xFFFFFFFF00000000}, ReplaceLane(wasm.OpI32x4ReplaceLane, ones, 2, 0))
	eq(t, wasm.OpF32x4ReplaceLane, f32s(1, 2, 9, -1.5), ReplaceLane(wasm.OpF32x4ReplaceLane, f, 2, uint64(math.Float32bits(9))))
	eq(t, wasm.OpI64x2ReplaceLane, V128{^uint64(0), 5}, ReplaceLane(wasm.OpI64x2ReplaceLane, ones, 1, 5))
	eq(t, wasm.OpF64x2ReplaceLane, f64s(3, -7), ReplaceLane(wasm.OpF64x2ReplaceLane, f64s(0, -7), 0, math.Float64bits(3)))
}

func TestLoad(t *testing.T) {
	mem := []byte{0x80, 0x7F, 0xFF, 0x01, 0x00, 0x80, 0xFE, 0x7F}
	eq(t, wasm.OpV128Load8x8S, i16s(-128, 127, -1, 1, 0, -128, -2, 127), Load(wasm.OpV128Load8x8S, mem))
	eq(t, wasm.OpV128Load8x8U, u16s(128, 127, 255, 1, 0, 128, 254, 127), Load(wasm.OpV128Load8x8U, mem))
	eq(t, wasm.OpV128Load16x4S, i32s(0x7F80, 0x01FF, -0x8000, 0x7FFE), Load(wasm.OpV128Load16x4S, mem))
	eq(t, wasm.OpV128Load16x4U, u32s(0x7F80, 0x01FF, 0x8000, 0x7FFE), Load(wasm.OpV128Load16x4U, mem))
	neg := []byte{0, 0, 0, 0x80, 1, 0, 0, 0}
	eq(t, wasm.OpV128Load32x2S, V128{0xFFFFFFFF80000000, 1}, Load(wasm.OpV128Load32x2S, neg))
	eq(t, wasm.OpV128Load32x2U, V128{0x80000000, 1}, Load(wasm.OpV128Load32x2U, neg))

	eq(t, wasm.OpV128Load8Splat, V128{0xABABABABABABABAB, 0xABABABABABABABAB}, Load(wasm.OpV128Load8Splat, []byte{0xAB}))
	eq(t, wasm.OpV128Load16Splat, u16s(0x1234, 0x1234, 0x1234, 0x1234, 0x1234, 0x1234, 0x1234, 0x1234), Load(wasm.OpV128Load16Splat, []byte{0x34, 0x12}))
	eq(t, wasm.OpV128Load32Splat, u32s(0x04030201, 0x04030201, 0x04030201, 0x04030201), Load(wasm.OpV128Load32Splat, []byte{1, 2, 3, 4}))
	eq(t, wasm.OpV128Load64Splat, V128{0x7FFE800001FF7F80, 0x7FFE800001FF7F80}, Load(wasm.OpV128Load64Splat, mem))
	eq(t, wasm.OpV128Load32Zero, V128{0x04030201, 0}, Load(wasm.OpV128Load32Zero, []byte{1, 2, 3, 4}))
	eq(t, wasm.OpV128Load64Zero, V128{0x7FFE800001FF7F80, 0}, Load(wasm.OpV128Load64Zero, mem))
}

func TestLoadStoreLane(t *testing.T) {
	ones := V128{^uint64(0), ^uint64(0)}
	eq(t, wasm.OpV128Load8Lane, V128{0xFFFFFFFFFFFFFF00, ^uint64(0)}, LoadLane(wasm.OpV128Load8Lane, ones, 0, []byte{0}))
	eq(t, wasm.OpV128Load16Lane, V128{^uint64(0), 0xFFFFFFFF1234FFFF}, LoadLane(wasm.OpV128Load16Lane, ones, 5, []byte{0x34, 0x12}))
	eq(t, wasm.OpV128Load32Lane, V128{^uint64(0), 0x04030201FFFFFFFF}, LoadLane(wasm.OpV128Load32Lane, ones, 3, []byte{1, 2, 3, 4}))
	eq(t, wasm.OpV128Load64Lane, V128{0x0807060504030201, ^uint64(0)}, LoadLane(wasm.OpV128Load64Lane, ones, 0, []byte{1, 2, 3, 4, 5, 6, 7, 8}))

	v := Load(wasm.OpV128Load, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	for _, c := range []struct {
		op   wasm.Opcode
		lane byte
		want []byte
	}{
		{wasm.OpV128Store8Lane, 9, []byte{9}},
		{wasm.OpV128Store16Lane, 3, []byte{6, 7}},
		{wasm.OpV128Store32Lane, 2, []byte{8, 9, 10, 11}},
		{wasm.OpV128Store64Lane, 1, []byte{8, 9, 10, 11, 12, 13, 14, 15}},
	} {
		got := make([]byte, c.op.AccessSize())
		StoreLane(c.op, v, c.lane, got)
		require.Equal(t, c.want, got, "%s lane %d", c.op, c.lane)
	}
}

func TestBitselectShuffleSwizzle(t *testing.T) {
	got := Bitselect(V128{0xFFFF0000FFFF0000, ^uint64(0)}, V128{0x1234567812345678, 0},
		V128{0x00FF00FF00FF00FF, 0xF0F0F0F0F0F0F0F0})
	eq(t, wasm.OpV128Bitselect, V128{0x12FF560012FF5600, 0xF0F0F0F0F0F0F0F0}, got)

	// Lane i of a is i and lane i of b is 16+i, so the result spells the indices.
	a := u8s(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
	b := u8s(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31)
	lanes := [16]byte{0, 16, 1, 17, 31, 15, 30, 14, 8, 24, 7, 23, 2, 2, 16, 0}
	eq(t, wasm.OpI8x16Shuffle, u8s(lanes[:]...), Shuffle(a, b, &lanes))

	x := u8s(0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF)
	s := u8s(0, 15, 16, 255, 0x80, 3, 1, 17, 14, 0xFF, 2, 2, 5, 32, 15, 0)
	eq(t, wasm.OpI8x16Swizzle, u8s(0xA0, 0xAF, 0, 0, 0, 0xA3, 0xA1, 0, 0xAE, 0, 0xA2, 0xA2, 0xA5, 0, 0xAF, 0xA0),
		bin(wasm.OpI8x16Swizzle, x, s))
}

func TestFloatArithmeticNaN(t *testing.T) {
	// Invalid operations on non-NaN operands give the canonical NaN.
	r := bin(wasm.OpF32x4Sub, f32s(posInf32, 1, 2, 3), f32s(posInf32, 1, 2, 3)).u32()
	require.True(t, isCanonical32(r[0]), "inf-inf: %#x", r[0])
	require.Equal(t, []uint32{0, 0, 0}, r[1:])
	r = bin(wasm.OpF32x4Add, f32s(posInf32, -posInf32, 1.5, 0), f32s(-posInf32, posInf32, 2.25, 0)).u32()
	require.True(t, isCanonical32(r[0]) && isCanonical32(r[1]), "inf+-inf: %#x", r)
	require.Equal(t, math.Float32bits(3.75), r[2])
	r = bin(wasm.OpF32x4Mul, f32s(0, posInf32, negZero32, 3), f32s(posInf32, 0, posInf32, -2)).u32()
	require.True(t, isCanonical32(r[0]) && isCanonical32(r[1]) && isCanonical32(r[2]), "0*inf: %#x", r)
	require.Equal(t, math.Float32bits(-6), r[3])
	r = bin(wasm.OpF32x4Div, f32s(0, posInf32, 1, 1), f32s(0, -posInf32, negZero32, 3)).u32()
	require.True(t, isCanonical32(r[0]) && isCanonical32(r[1]), "0/0, inf/inf: %#x", r)
	require.Equal(t, []uint32{math.Float32bits(float32(math.Inf(-1))), 0x3EAAAAAB}, r[2:], "single-precision 1/3")
	r = un(wasm.OpF32x4Sqrt, f32s(-1, -posInf32, 4, negZero32)).u32()
	require.True(t, isCanonical32(r[0]) && isCanonical32(r[1]), "sqrt of negatives: %#x", r)
	require.Equal(t, []uint32{math.Float32bits(2), sign32}, r[2:])

	// NaN operands give a quiet NaN; a canonical one stays canonical.
	r = bin(wasm.OpF32x4Add, u32s(sNaN32, 0x3F800000, 0xFFC00000, 0x3F800000), u32s(0x3F800000, sNaN32|sign32, 0x3F800000, 0x7FC00000)).u32()
	require.True(t, isArithmetic32(r[0]) && isArithmetic32(r[1]), "%#x", r)
	require.True(t, isCanonical32(r[2]) && isCanonical32(r[3]), "%#x", r)

	d := bin(wasm.OpF64x2Sub, f64s(posInf64, 1), f64s(posInf64, 1))
	require.True(t, isCanonical64(d.Lo), "%#x", d.Lo)
	require.Equal(t, uint64(0), d.Hi)
	d = bin(wasm.OpF64x2Mul, f64s(0, -3), f64s(-posInf64, 0.5))
	require.True(t, isCanonical64(d.Lo), "%#x", d.Lo)
	require.Equal(t, math.Float64bits(-1.5), d.Hi)
	d = bin(wasm.OpF64x2Div, f64s(0, 1), f64s(negZero64, 3))
	require.True(t, isCanonical64(d.Lo), "%#x", d.Lo)
	require.Equal(t, uint64(0x3FD5555555555555), d.Hi)
	d = un(wasm.OpF64x2Sqrt, f64s(-1, 2))
	require.True(t, isCanonical64(d.Lo), "%#x", d.Lo)
	require.Equal(t, math.Sqrt2, math.Float64frombits(d.Hi))
	d = bin(wasm.OpF64x2Add, V128{sNaN64, 0}, f64s(1, nan64))
	require.True(t, isArithmetic64(d.Lo), "%#x", d.Lo)
	require.True(t, isCanonical64(d.Hi), "%#x", d.Hi)
}

func TestSignOpsKeepPayload(t *testing.T) {
	eq(t, wasm.OpF32x4Neg, u32s(0xFFA00001, 0x7FC00000, sign32, 0), un(wasm.OpF32x4Neg, u32s(0x7FA00001, 0xFFC00000, 0, sign32)))
	eq(t, wasm.OpF32x4Abs, u32s(0x7FA00001, 0x7FC00000, 0, 0x3F800000), un(wasm.OpF32x4Abs, u32s(0xFFA00001, 0xFFC00000, sign32, 0xBF800000)))
	eq(t, wasm.OpF64x2Neg, V128{0xFFF4000000000001, 0}, un(wasm.OpF64x2Neg, V128{0x7FF4000000000001, sign64}))
	eq(t, wasm.OpF64x2Abs, V128{0x7FF4000000000001, 0x3FF0000000000000}, un(wasm.OpF64x2Abs, V128{0xFFF4000000000001, 0xBFF0000000000000}))
}

func TestMinMax(t *testing.T) {
	a, b := f32s(negZero32, 0, 1, nan32), f32s(0, negZero32, 2, 1)
	r := bin(wasm.OpF32x4Min, a, b).u32()
	require.Equal(t, []uint32{sign32, sign32, math.Float32bits(1)}, r[:3], "min(-0, +0) is -0 either way")
	require.True(t, isCanonical32(r[3]), "%#x", r[3])
	r = bin(wasm.OpF32x4Max, a, b).u32()
	require.Equal(t, []uint32{0, 0, math.Float32bits(2)}, r[:3], "max(-0, +0) is +0 either way")
	require.True(t, isCanonical32(r[3]), "%#x", r[3])

	for _, op := range []wasm.Opcode{wasm.OpF32x4Min, wasm.OpF32x4Max} {
		r = bin(op, u32s(0x3F800000, sNaN32, 0xFF800000, 0x7F800000), u32s(sNaN32, 0x3F800000, nanBits32(nan32), 0xFF800000)).u32()
		require.True(t, isArithmetic32(r[0]) && isArithmetic32(r[1]), "%s: %#x", op, r)
		require.True(t, isCanonical32(r[2]), "%s: %#x", op, r)
	}
	require.Equal(t, [4]uint32{0, 0, 0, 0xFF800000}, bin(wasm.OpF32x4Min, u32s(0, 0, 0, 0x7F800000), u32s(0, 0, 0, 0xFF800000)).u32())

	d := bin(wasm.OpF64x2Min, f64s(negZero64, 0), f64s(0, negZero64))
	eq(t, wasm.OpF64x2Min, V128{sign64, sign64}, d)
	d = bin(wasm.OpF64x2Max, f64s(negZero64, 0), f64s(0, negZero64))
	eq(t, wasm.OpF64x2Max, V128{0, 0}, d)
	d = bin(wasm.OpF64x2Min, V128{sNaN64, 0x3FF0000000000000}, f64s(1, nan64))
	require.True(t, isArithmetic64(d.Lo) && isCanonical64(d.Hi), "%#x", d)
	d = bin(wasm.OpF64x2Max, f64s(-posInf64, 3), f64s(-5, 2))
	eq(t, wasm.OpF64x2Max, f64s(-5, 3), d)
}

func nanBits32(f float32) uint32 { return math.Float32bits(f) }

func TestPminPmax(t *testing.T) {
	// pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a: with NaN or
	// equal zeros the comparison is false and a comes back unchanged.
	a := u32s(sign32, 0, sNaN32, 0x3F800000)
	b := u32s(0, sign32, 0x3F800000, sNaN32)
	eq(t, wasm.OpF32x4Pmin, a, bin(wasm.OpF32x4Pmin, a, b))
	eq(t, wasm.OpF32x4Pmax, a, bin(wasm.OpF32x4Pmax, a, b))
	eq(t, wasm.OpF32x4Pmin, f32s(1, 1, float32(math.Inf(-1)), -posInf32),
		bin(wasm.OpF32x4Pmin, f32s(2, 1, -3, posInf32), f32s(1, 2, -posInf32, -posInf32)))
	eq(t, wasm.OpF32x4Pmax, f32s(2, 2, -3, posInf32),
		bin(wasm.OpF32x4Pmax, f32s(2, 1, -3, posInf32), f32s(1, 2, -posInf32, -posInf32)))

	a64 := V128{sNaN64, sign64}
	eq(t, wasm.OpF64x2Pmin, a64, bin(wasm.OpF64x2Pmin, a64, f64s(1, 0)))
	eq(t, wasm.OpF64x2Pmax, a64, bin(wasm.OpF64x2Pmax, a64, f64s(1, 0)))
	eq(t, wasm.OpF64x2Pmin, V128{0x3FF0000000000000, sNaN64}, bin(wasm.OpF64x2Pmin, V128{0x3FF0000000000000, sNaN64}, f64s(2, 1)))
	eq(t, wasm.OpF64x2Pmin, f64s(1, 1), bin(wasm.OpF64x2Pmin, f64s(2, 1), f64s(1, 2)))
	eq(t, wasm.OpF64x2Pmax, f64s(2, 2), bin(wasm.OpF64x2Pmax, f64s(2, 1), f64s(1, 2)))
}

func TestRounding(t *testing.T) {
	below32 := math.Float32frombits(0x3EFFFFFF) // the largest float32 below 0.5
	eq(t, wasm.OpF32x4Nearest, f32s(0, 2, 2, negZero32), un(wasm.OpF32x4Nearest, f32s(0.5, 1.5, 2.5, -0.5)))
	eq(t, wasm.OpF32x4Nearest, f32s(-2, -2, 8388609, 0), un(wasm.OpF32x4Nearest, f32s(-2.5, -1.5, 8388609, below32)))
	eq(t, wasm.OpF32x4Ceil, f32s(negZero32, 1, negZero32, 2), un(wasm.OpF32x4Ceil, f32s(-0.5, 0.5, negZero32, 1.0000001)))
	eq(t, wasm.OpF32x4Floor, f32s(-1, 0, -2, negZero32), un(wasm.OpF32x4Floor, f32s(-0.5, 0.5, -1.5, negZero32)))
	eq(t, wasm.OpF32x4Trunc, f32s(negZero32, 0, -1, 1), un(wasm.OpF32x4Trunc, f32s(-0.7, 0.7, -1.5, 1.5)))

	below64 := math.Nextafter(0.5, 0)
	eq(t, wasm.OpF64x2Nearest, f64s(2, negZero64), un(wasm.OpF64x2Nearest, f64s(2.5, -0.5)))
	eq(t, wasm.OpF64x2Nearest, f64s(4503599627370497, 0), un(wasm.OpF64x2Nearest, f64s(4503599627370497, below64)))
	eq(t, wasm.OpF64x2Ceil, f64s(negZero64, 1), un(wasm.OpF64x2Ceil, f64s(-0.5, 1e-300)))
	eq(t, wasm.OpF64x2Floor, f64s(-1, 0), un(wasm.OpF64x2Floor, f64s(-1e-300, 0.5)))
	eq(t, wasm.OpF64x2Trunc, f64s(negZero64, 2), un(wasm.OpF64x2Trunc, f64s(-0.9, 2.9)))

	// NaN lanes come back quiet, whatever the rounding.
	for _, op := range []wasm.Opcode{wasm.OpF32x4Ceil, wasm.OpF32x4Floor, wasm.OpF32x4Trunc, wasm.OpF32x4Nearest} {
		r := un(op, u32s(sNaN32, sNaN32|sign32, 0x7FC00000, math.Float32bits(posInf32))).u32()
		require.True(t, isArithmetic32(r[0]) && isArithmetic32(r[1]), "%s: %#x", op, r)
		require.True(t, isCanonical32(r[2]), "%s: %#x", op, r)
		require.Equal(t, math.Float32bits(posInf32), r[3], "%s", op)
	}
	for _, op := range []wasm.Opcode{wasm.OpF64x2Ceil, wasm.OpF64x2Floor, wasm.OpF64x2Trunc, wasm.OpF64x2Nearest} {
		d := un(op, V128{sNaN64, 0x7FF8000000000000})
		require.True(t, isArithmetic64(d.Lo) && isCanonical64(d.Hi), "%s: %#x", op, d)
	}
}

func TestTruncSat(t *testing.T) {
	const minI, maxI = math.MinInt32, math.MaxInt32
	eq(t, wasm.OpI32x4TruncSatF32x4S, i32s(0, maxI, minI, maxI), un(wasm.OpI32x4TruncSatF32x4S, f32s(nan32, posInf32, -posInf32, 2147483648)))
	eq(t, wasm.OpI32x4TruncSatF32x4S, i32s(minI, minI, 1, -1), un(wasm.OpI32x4TruncSatF32x4S, f32s(-2147483904, -2147483648, 1.9, -1.9)))
	eq(t, wasm.OpI32x4TruncSatF32x4U, u32s(0, 0, 0, math.MaxUint32), un(wasm.OpI32x4TruncSatF32x4U, f32s(nan32, -1, -0.9, 4294967296)))
	eq(t, wasm.OpI32x4TruncSatF32x4U, u32s(4294967040, math.MaxUint32, 0, 1), un(wasm.OpI32x4TruncSatF32x4U, f32s(4294967040, posInf32, -posInf32, 1.9)))

	eq(t, wasm.OpI32x4TruncSatF64x2SZero, i32s(maxI, minI, 0, 0), un(wasm.OpI32x4TruncSatF64x2SZero, f64s(2147483647.9, -2147483648.9)))
	eq(t, wasm.OpI32x4TruncSatF64x2SZero, i32s(0, minI, 0, 0), un(wasm.OpI32x4TruncSatF64x2SZero, f64s(nan64, -posInf64)))
	eq(t, wasm.OpI32x4TruncSatF64x2SZero, i32s(minI, maxI, 0, 0), un(wasm.OpI32x4TruncSatF64x2SZero, f64s(-2147483649, 2147483648)))
	eq(t, wasm.OpI32x4TruncSatF64x2UZero, u32s(math.MaxUint32, 0, 0, 0), un(wasm.OpI32x4TruncSatF64x2UZero, f64s(4294967295.9, -0.9)))
	eq(t, wasm.OpI32x4TruncSatF64x2UZero, u32s(math.MaxUint32, 0, 0, 0), un(wasm.OpI32x4TruncSatF64x2UZero, f64s(4294967296, nan64)))
	eq(t, wasm.OpI32x4TruncSatF64x2UZero, u32s(3, 0, 0, 0), un(wasm.OpI32x4TruncSatF64x2UZero, f64s(3.99, -posInf64)))
}

func TestConvert(t *testing.T) {
	// 16777217 and -16777219 are halfway between float32s: ties go to even.
	eq(t, wasm.OpF32x4ConvertI32x4S, f32s(16777216, -16777220, -2147483648, 2147483648),
		un(wasm.OpF32x4ConvertI32x4S, i32s(16777217, -16777219, math.MinInt32, math.MaxInt32)))
	eq(t, wasm.OpF32x4ConvertI32x4U, f32s(4294967296, 2147483648, 16777216, 0),
		un(wasm.OpF32x4ConvertI32x4U, u32s(0xFFFFFFFF, 0x80000001, 16777217, 0)))
	eq(t, wasm.OpF64x2ConvertLowI32x4S, f64s(-1, -2147483648), un(wasm.OpF64x2ConvertLowI32x4S, i32s(-1, math.MinInt32, 5, 6)))
	eq(t, wasm.OpF64x2ConvertLowI32x4U, f64s(4294967295, 2147483648), un(wasm.OpF64x2ConvertLowI32x4U, i32s(-1, math.MinInt32, 5, 6)))
}

func TestDemotePromote(t *testing.T) {
	// 1 + 2^-24 is halfway between float32s and rounds to even; a hair more
	// rounds up; too large becomes infinity.
	tie, above := 1+math.Ldexp(1, -24), 1+math.Ldexp(1, -24)+math.Ldexp(1, -52)
	eq(t, wasm.OpF32x4DemoteF64x2Zero, f32s(1, 1+float32(math.Ldexp(1, -23))), un(wasm.OpF32x4DemoteF64x2Zero, f64s(tie, above)))
	eq(t, wasm.OpF32x4DemoteF64x2Zero, f32s(posInf32, negZero32), un(wasm.OpF32x4DemoteF64x2Zero, f64s(1e300, -1e-300)))
	d := un(wasm.OpF32x4DemoteF64x2Zero, V128{0x7FF8000000000000, 0xFFF4000000000000})
	r := d.u32()
	require.True(t, isCanonical32(r[0]) && isArithmetic32(r[1]), "%#x", r)
	require.Zero(t, d.Hi, "upper lanes are zero")

	eq(t, wasm.OpF64x2PromoteLowF32x4, f64s(1.5, -posInf64), un(wasm.OpF64x2PromoteLowF32x4, f32s(1.5, -posInf32, 7, 8)))
	p := un(wasm.OpF64x2PromoteLowF32x4, u32s(0x7FC00000, sNaN32|sign32, 0, 0))
	require.True(t, isCanonical64(p.Lo) && isArithmetic64(p.Hi), "%#x", p)
}

func TestNarrow(t *testing.T) {
	a, b := i16s(-129, 128, 127, -128, 0, 300, -300, 1), i16s(-32768, 32767, -1, 2, 3, 4, 5, 6)
	eq(t, wasm.OpI8x16NarrowI16x8S, i8s(-128, 127, 127, -128, 0, 127, -128, 1, -128, 127, -1, 2, 3, 4, 5, 6), bin(wasm.OpI8x16NarrowI16x8S, a, b))
	eq(t, wasm.OpI8x16NarrowI16x8U, u8s(0, 128, 127, 0, 0, 255, 0, 1, 0, 255, 0, 2, 3, 4, 5, 6), bin(wasm.OpI8x16NarrowI16x8U, a, b))
	c, d := i32s(-32769, 32768, -1, 65535), i32s(math.MinInt32, math.MaxInt32, 7, -7)
	eq(t, wasm.OpI16x8NarrowI32x4S, i16s(-32768, 32767, -1, 32767, -32768, 32767, 7, -7), bin(wasm.OpI16x8NarrowI32x4S, c, d))
	eq(t, wasm.OpI16x8NarrowI32x4U, u16s(0, 32768, 0, 65535, 0, 65535, 7, 0), bin(wasm.OpI16x8NarrowI32x4U, c, d))
}

func TestQ15MulrSat(t *testing.T) {
	a := i16s(-32768, 16384, 1, -1, 16383, -32768, 32767, -16385)
	b := i16s(-32768, 16384, 16384, 16384, 16384, 32767, 32767, -16384)
	eq(t, wasm.OpI16x8Q15mulrSatS, i16s(32767, 8192, 1, 0, 8192, -32767, 32766, 8193), bin(wasm.OpI16x8Q15mulrSatS, a, b))
}

func TestAvgrU(t *testing.T) {
	eq(t, wasm.OpI8x16AvgrU, u8s(255, 128, 0, 2, 255), bin(wasm.OpI8x16AvgrU, u8s(255, 255, 0, 1, 254), u8s(255, 0, 0, 2, 255)))
	eq(t, wasm.OpI16x8AvgrU, u16s(65535, 32768, 0, 2), bin(wasm.OpI16x8AvgrU, u16s(65535, 65535, 0, 1), u16s(65535, 0, 0, 2)))
}

func TestSaturatingArithmetic(t *testing.T) {
	eq(t, wasm.OpI8x16AddSatS, i8s(127, -128, 127, -128, 3), bin(wasm.OpI8x16AddSatS, i8s(127, -128, 100, -100, 1), i8s(1, -1, 27, -28, 2)))
	eq(t, wasm.OpI8x16AddSatU, u8s(255, 255, 2), bin(wasm.OpI8x16AddSatU, u8s(255, 200, 1), u8s(1, 100, 1)))
	eq(t, wasm.OpI8x16SubSatS, i8s(-128, 127, 127, -1), bin(wasm.OpI8x16SubSatS, i8s(-128, 127, 0, 1), i8s(1, -1, -128, 2)))
	eq(t, wasm.OpI8x16SubSatU, u8s(0, 0, 100), bin(wasm.OpI8x16SubSatU, u8s(0, 5, 200), u8s(1, 5, 100)))
	eq(t, wasm.OpI16x8AddSatS, i16s(32767, -32768, 2), bin(wasm.OpI16x8AddSatS, i16s(32767, -32768, 1), i16s(1, -1, 1)))
	eq(t, wasm.OpI16x8AddSatU, u16s(65535, 2), bin(wasm.OpI16x8AddSatU, u16s(65535, 1), u16s(1, 1)))
	eq(t, wasm.OpI16x8SubSatS, i16s(-32768, 32767, -1), bin(wasm.OpI16x8SubSatS, i16s(-32768, 32767, 1), i16s(1, -1, 2)))
	eq(t, wasm.OpI16x8SubSatU, u16s(0, 7), bin(wasm.OpI16x8SubSatU, u16s(0, 10), u16s(1, 3)))
}

func TestShifts(t *testing.T) {
	a8 := u8s(1, 0x81, 0xFF)
	eq(t, wasm.OpI8x16Shl, a8, shift(wasm.OpI8x16Shl, a8, 8))
	eq(t, wasm.OpI8x16Shl, u8s(2, 2, 0xFE), shift(wasm.OpI8x16Shl, a8, 9))
	eq(t, wasm.OpI8x16ShrS, i8s(-1, 0, -1), shift(wasm.OpI8x16ShrS, i8s(-128, 64, -1), 15))
	eq(t, wasm.OpI8x16ShrU, u8s(1, 0, 1), shift(wasm.OpI8x16ShrU, u8s(0x80, 0x40, 0xFF), 15))
	eq(t, wasm.OpI8x16ShrU, a8, shift(wasm.OpI8x16ShrU, a8, 0))
	eq(t, wasm.OpI8x16ShrU, a8, shift(wasm.OpI8x16ShrU, a8, 8))
	eq(t, wasm.OpI8x16ShrS, i8s(-128, 64, -1), shift(wasm.OpI8x16ShrS, i8s(-128, 64, -1), 8))
	eq(t, wasm.OpI8x16ShrS, i8s(-64, 32, -1), shift(wasm.OpI8x16ShrS, i8s(-128, 64, -1), 9))

	a16 := u16s(1, 0x8001)
	eq(t, wasm.OpI16x8Shl, a16, shift(wasm.OpI16x8Shl, a16, 16))
	eq(t, wasm.OpI16x8Shl, u16s(2, 2), shift(wasm.OpI16x8Shl, a16, 17))
	eq(t, wasm.OpI16x8ShrS, i16s(-16384, 8), shift(wasm.OpI16x8ShrS, i16s(-32768, 16), 33))
	eq(t, wasm.OpI16x8ShrS, i16s(-32768, 16), shift(wasm.OpI16x8ShrS, i16s(-32768, 16), 16))
	eq(t, wasm.OpI16x8ShrU, a16, shift(wasm.OpI16x8ShrU, a16, 16))
	eq(t, wasm.OpI16x8ShrU, u16s(1, 1), shift(wasm.OpI16x8ShrU, u16s(0x8000, 0xFFFF), 31))

	a32 := u32s(1, 0x80000001)
	eq(t, wasm.OpI32x4Shl, a32, shift(wasm.OpI32x4Shl, a32, 32))
	eq(t, wasm.OpI32x4Shl, u32s(2, 2), shift(wasm.OpI32x4Shl, a32, 33))
	eq(t, wasm.OpI32x4ShrS, i32s(-1, -1, 0), shift(wasm.OpI32x4ShrS, i32s(math.MinInt32, -1, 8), 63))
	eq(t, wasm.OpI32x4ShrS, i32s(math.MinInt32, -1, 8), shift(wasm.OpI32x4ShrS, i32s(math.MinInt32, -1, 8), 32))
	eq(t, wasm.OpI32x4ShrS, i32s(math.MinInt32/2, -1, 4), shift(wasm.OpI32x4ShrS, i32s(math.MinInt32, -1, 8), 33))
	eq(t, wasm.OpI32x4ShrU, a32, shift(wasm.OpI32x4ShrU, a32, 32))
	eq(t, wasm.OpI32x4ShrU, u32s(1, 0, 1), shift(wasm.OpI32x4ShrU, u32s(0x80000000, 8, 0xFFFFFFFF), 0xFFFFFFFF))

	a64 := V128{1, 1<<63 | 1}
	eq(t, wasm.OpI64x2Shl, a64, shift(wasm.OpI64x2Shl, a64, 64))
	eq(t, wasm.OpI64x2Shl, V128{2, 2}, shift(wasm.OpI64x2Shl, a64, 65))
	eq(t, wasm.OpI64x2ShrS, V128{^uint64(0), 0}, shift(wasm.OpI64x2ShrS, V128{1 << 63, 4}, 127))
	eq(t, wasm.OpI64x2ShrS, V128{1 << 63, 4}, shift(wasm.OpI64x2ShrS, V128{1 << 63, 4}, 64))
	eq(t, wasm.OpI64x2ShrS, V128{3 << 62, 2}, shift(wasm.OpI64x2ShrS, V128{1 << 63, 4}, 65))
	eq(t, wasm.OpI64x2ShrU, a64, shift(wasm.OpI64x2ShrU, a64, 64))
	eq(t, wasm.OpI64x2ShrU, V128{1 << 61, 1}, shift(wasm.OpI64x2ShrU, V128{1 << 63, 4}, 66))
}

func TestBitmaskAndTruth(t *testing.T) {
	test := func(op wasm.Opcode, a V128) uint32 { return Test[op&0xFF](a) }
	require.Equal(t, uint32(0x8005), test(wasm.OpI8x16Bitmask, u8s(0x80, 0, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80)))
	require.Equal(t, uint32(0x89), test(wasm.OpI16x8Bitmask, i16s(-1, 0, 0, -32768, 32767, 0, 0, -2)))
	require.Equal(t, uint32(6), test(wasm.OpI32x4Bitmask, i32s(0, -1, math.MinInt32, math.MaxInt32)))
	require.Equal(t, uint32(1), test(wasm.OpI64x2Bitmask, V128{1 << 63, 1}))
	require.Equal(t, uint32(2), test(wasm.OpI64x2Bitmask, V128{0, ^uint64(0)}))

	require.Equal(t, uint32(0), test(wasm.OpV128AnyTrue, V128{}))
	require.Equal(t, uint32(1), test(wasm.OpV128AnyTrue, V128{Hi: 1 << 40}))

	// i16 lanes of 0x0100 are all non-zero, though every other byte is zero.
	hundreds := u16s(0x100, 0x100, 0x100, 0x100, 0x100, 0x100, 0x100, 0x100)
	require.Equal(t, uint32(0), test(wasm.OpI8x16AllTrue, hundreds))
	require.Equal(t, uint32(1), test(wasm.OpI16x8AllTrue, hundreds))
	require.Equal(t, uint32(1), test(wasm.OpI32x4AllTrue, u32s(0x10000, 1, 0x80000000, 0x100)))
	require.Equal(t, uint32(0), test(wasm.OpI32x4AllTrue, u32s(0x10000, 1, 0, 0x100)))
	require.Equal(t, uint32(1), test(wasm.OpI64x2AllTrue, V128{1 << 63, 1}))
	require.Equal(t, uint32(0), test(wasm.OpI64x2AllTrue, V128{0, 1}))
	for i := range 16 {
		x := u8s(0x80, 1, 0xFF, 0x80, 1, 0xFF, 0x80, 1, 0xFF, 0x80, 1, 0xFF, 0x80, 1, 0xFF, 2)
		require.Equal(t, uint32(1), test(wasm.OpI8x16AllTrue, x))
		x = ReplaceLane(wasm.OpI8x16ReplaceLane, x, byte(i), 0)
		require.Equal(t, uint32(0), test(wasm.OpI8x16AllTrue, x), "lane %d zero", i)
	}
	for i := range 8 {
		x := u16s(0x8000, 1, 0xFFFF, 0x100, 0x8000, 1, 0xFFFF, 0x100)
		require.Equal(t, uint32(1), test(wasm.OpI16x8AllTrue, x))
		x = ReplaceLane(wasm.OpI16x8ReplaceLane, x, byte(i), 0)
		require.Equal(t, uint32(0), test(wasm.OpI16x8AllTrue, x), "lane %d zero", i)
	}
}

// TestWordParallelMatchesLanes checks the whole-word tricks for add, sub and
// all_true against lane-by-lane arithmetic on random vectors rich in the
// edge values 0, 1, 0x7F, 0x80 and 0xFF.
func TestWordParallelMatchesLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []uint8{0, 1, 0x7F, 0x80, 0xFF}
	vec := func() V128 {
		var r [16]uint8
		for i := range r {
			if rng.IntN(2) == 0 {
				r[i] = edges[rng.IntN(len(edges))]
			} else {
				r[i] = uint8(rng.Uint32())
			}
		}
		return fromU8(&r)
	}
	for range 20000 {
		a, b := vec(), vec()
		x8, y8 := a.u8(), b.u8()
		var add8, sub8 [16]uint8
		all8 := uint32(1)
		for i := range x8 {
			add8[i], sub8[i] = x8[i]+y8[i], x8[i]-y8[i]
			if x8[i] == 0 {
				all8 = 0
			}
		}
		x16, y16 := a.u16(), b.u16()
		var add16, sub16 [8]uint16
		all16 := uint32(1)
		for i := range x16 {
			add16[i], sub16[i] = x16[i]+y16[i], x16[i]-y16[i]
			if x16[i] == 0 {
				all16 = 0
			}
		}
		x32, y32 := a.u32(), b.u32()
		var add32, sub32 [4]uint32
		for i := range x32 {
			add32[i], sub32[i] = x32[i]+y32[i], x32[i]-y32[i]
		}
		require.Equal(t, fromU8(&add8), bin(wasm.OpI8x16Add, a, b))
		require.Equal(t, fromU8(&sub8), bin(wasm.OpI8x16Sub, a, b))
		require.Equal(t, fromU16(&add16), bin(wasm.OpI16x8Add, a, b))
		require.Equal(t, fromU16(&sub16), bin(wasm.OpI16x8Sub, a, b))
		require.Equal(t, fromU32(&add32), bin(wasm.OpI32x4Add, a, b))
		require.Equal(t, fromU32(&sub32), bin(wasm.OpI32x4Sub, a, b))
		require.Equal(t, all8, Test[wasm.OpI8x16AllTrue&0xFF](a), "%#x", a)
		require.Equal(t, all16, Test[wasm.OpI16x8AllTrue&0xFF](a), "%#x", a)
	}
}

func TestIntegerArithmetic(t *testing.T) {
	eq(t, wasm.OpI8x16Abs, i8s(-128, 1, 1, 0), un(wasm.OpI8x16Abs, i8s(-128, -1, 1, 0)))
	eq(t, wasm.OpI16x8Abs, i16s(-32768, 5), un(wasm.OpI16x8Abs, i16s(-32768, -5)))
	eq(t, wasm.OpI32x4Abs, i32s(math.MinInt32, 7), un(wasm.OpI32x4Abs, i32s(math.MinInt32, -7)))
	eq(t, wasm.OpI64x2Abs, V128{1 << 63, 3}, un(wasm.OpI64x2Abs, V128{1 << 63, 0xFFFFFFFFFFFFFFFD}))
	eq(t, wasm.OpI8x16Neg, i8s(-128, -1, 0, 5), un(wasm.OpI8x16Neg, i8s(-128, 1, 0, -5)))
	eq(t, wasm.OpI16x8Neg, i16s(-32768, -1), un(wasm.OpI16x8Neg, i16s(-32768, 1)))
	eq(t, wasm.OpI32x4Neg, i32s(math.MinInt32, -1), un(wasm.OpI32x4Neg, i32s(math.MinInt32, 1)))
	eq(t, wasm.OpI64x2Neg, V128{1 << 63, ^uint64(0)}, un(wasm.OpI64x2Neg, V128{1 << 63, 1}))
	eq(t, wasm.OpI8x16Popcnt, u8s(0, 1, 8, 2, 6), un(wasm.OpI8x16Popcnt, u8s(0, 1, 0xFF, 0x81, 0x7E)))

	eq(t, wasm.OpI16x8Mul, i16s(0, -21), bin(wasm.OpI16x8Mul, i16s(0x100, -3), i16s(0x100, 7)))
	eq(t, wasm.OpI32x4Mul, i32s(0, -21), bin(wasm.OpI32x4Mul, i32s(0x10000, -3), i32s(0x10000, 7)))
	eq(t, wasm.OpI64x2Mul, V128{0, 0xFFFFFFFFFFFFFFEB}, bin(wasm.OpI64x2Mul, V128{1 << 32, 0xFFFFFFFFFFFFFFFD}, V128{1 << 32, 7}))
	eq(t, wasm.OpI64x2Add, V128{0, 3}, bin(wasm.OpI64x2Add, V128{^uint64(0), 1}, V128{1, 2}))
	eq(t, wasm.OpI64x2Sub, V128{^uint64(0), 1}, bin(wasm.OpI64x2Sub, V128{0, 3}, V128{1, 2}))

	eq(t, wasm.OpI8x16MinS, i8s(-1, -5), bin(wasm.OpI8x16MinS, i8s(-1, 5), i8s(1, -5)))
	eq(t, wasm.OpI8x16MinU, u8s(1, 5), bin(wasm.OpI8x16MinU, i8s(-1, 5), i8s(1, -5)))
	eq(t, wasm.OpI8x16MaxS, i8s(1, 5), bin(wasm.OpI8x16MaxS, i8s(-1, 5), i8s(1, -5)))
	eq(t, wasm.OpI8x16MaxU, i8s(-1, -5), bin(wasm.OpI8x16MaxU, i8s(-1, 5), i8s(1, -5)))
	eq(t, wasm.OpI16x8MinS, i16s(-1, -5), bin(wasm.OpI16x8MinS, i16s(-1, 5), i16s(1, -5)))
	eq(t, wasm.OpI16x8MaxU, i16s(-1, -5), bin(wasm.OpI16x8MaxU, i16s(-1, 5), i16s(1, -5)))
	eq(t, wasm.OpI16x8MinU, i16s(1, 5), bin(wasm.OpI16x8MinU, i16s(-1, 5), i16s(1, -5)))
	eq(t, wasm.OpI16x8MaxS, i16s(1, 5), bin(wasm.OpI16x8MaxS, i16s(-1, 5), i16s(1, -5)))
	eq(t, wasm.OpI32x4MinS, i32s(-1, -5), bin(wasm.OpI32x4MinS, i32s(-1, 5), i32s(1, -5)))
	eq(t, wasm.OpI32x4MinU, i32s(1, 5), bin(wasm.OpI32x4MinU, i32s(-1, 5), i32s(1, -5)))
	eq(t, wasm.OpI32x4MaxS, i32s(1, 5), bin(wasm.OpI32x4MaxS, i32s(-1, 5), i32s(1, -5)))
	eq(t, wasm.OpI32x4MaxU, i32s(-1, -5), bin(wasm.OpI32x4MaxU, i32s(-1, 5), i32s(1, -5)))

	// The one overflowing dot product wraps.
	eq(t, wasm.OpI32x4DotI16x8S, i32s(math.MinInt32, 11, 16, 2147352578), bin(wasm.OpI32x4DotI16x8S,
		i16s(-32768, -32768, 1, 2, -1, 3, 32767, 32767), i16s(-32768, -32768, 3, 4, 5, 7, 32767, 32767)))
}

func TestWidening(t *testing.T) {
	a8 := i8s(-128, 127, -1, 0, 0, 0, 0, 0, 100, -100, -128, 1, 0, 0, 0, -1)
	b8 := i8s(-128, -128, -1, 0, 0, 0, 0, 0, 2, 3, -128, 1, 0, 0, 0, -1)
	eq(t, wasm.OpI16x8ExtmulLowI8x16S, i16s(16384, -16256, 1), bin(wasm.OpI16x8ExtmulLowI8x16S, a8, b8))
	eq(t, wasm.OpI16x8ExtmulHighI8x16S, i16s(200, -300, 16384, 1, 0, 0, 0, 1), bin(wasm.OpI16x8ExtmulHighI8x16S, a8, b8))
	eq(t, wasm.OpI16x8ExtmulLowI8x16U, u16s(16384, 16256, 65025), bin(wasm.OpI16x8ExtmulLowI8x16U, a8, b8))
	eq(t, wasm.OpI16x8ExtmulHighI8x16U, u16s(200, 468, 16384, 1, 0, 0, 0, 65025), bin(wasm.OpI16x8ExtmulHighI8x16U, a8, b8))

	a16, b16 := i16s(-32768, 2, 0, 0, -1, 2, 0, 0), i16s(-32768, 3, 0, 0, -1, 3, 0, 0)
	eq(t, wasm.OpI32x4ExtmulLowI16x8S, i32s(1<<30, 6), bin(wasm.OpI32x4ExtmulLowI16x8S, a16, b16))
	eq(t, wasm.OpI32x4ExtmulHighI16x8S, i32s(1, 6), bin(wasm.OpI32x4ExtmulHighI16x8S, a16, b16))
	eq(t, wasm.OpI32x4ExtmulLowI16x8U, u32s(1<<30, 6), bin(wasm.OpI32x4ExtmulLowI16x8U, a16, b16))
	eq(t, wasm.OpI32x4ExtmulHighI16x8U, u32s(4294836225, 6), bin(wasm.OpI32x4ExtmulHighI16x8U, a16, b16))

	a32, b32 := i32s(-1, math.MinInt32, -1, 2), i32s(math.MaxInt32, math.MinInt32, -1, 3)
	eq(t, wasm.OpI64x2ExtmulLowI32x4S, V128{0xFFFFFFFF80000001, 1 << 62}, bin(wasm.OpI64x2ExtmulLowI32x4S, a32, b32))
	eq(t, wasm.OpI64x2ExtmulHighI32x4S, V128{1, 6}, bin(wasm.OpI64x2ExtmulHighI32x4S, a32, b32))
	eq(t, wasm.OpI64x2ExtmulLowI32x4U, V128{0xFFFFFFFF * 0x7FFFFFFF, 1 << 62}, bin(wasm.OpI64x2ExtmulLowI32x4U, a32, b32))
	eq(t, wasm.OpI64x2ExtmulHighI32x4U, V128{0xFFFFFFFE00000001, 6}, bin(wasm.OpI64x2ExtmulHighI32x4U, a32, b32))

	eq(t, wasm.OpI16x8ExtaddPairwiseI8x16S, i16s(-256, 254, 0, -1), un(wasm.OpI16x8ExtaddPairwiseI8x16S, i8s(-128, -128, 127, 127, -1, 1, -1)))
	eq(t, wasm.OpI16x8ExtaddPairwiseI8x16U, u16s(510, 254, 256, 255), un(wasm.OpI16x8ExtaddPairwiseI8x16U, i8s(-1, -1, 127, 127, -1, 1, -1)))
	eq(t, wasm.OpI32x4ExtaddPairwiseI16x8S, i32s(-65536, 65534, 0), un(wasm.OpI32x4ExtaddPairwiseI16x8S, i16s(-32768, -32768, 32767, 32767, -1, 1)))
	eq(t, wasm.OpI32x4ExtaddPairwiseI16x8U, u32s(131070, 65534, 65536), un(wasm.OpI32x4ExtaddPairwiseI16x8U, i16s(-1, -1, 32767, 32767, -1, 1)))

	eq(t, wasm.OpI16x8ExtendLowI8x16S, i16s(-128, 127, -1), un(wasm.OpI16x8ExtendLowI8x16S, a8))
	eq(t, wasm.OpI16x8ExtendHighI8x16S, i16s(100, -100, -128, 1, 0, 0, 0, -1), un(wasm.OpI16x8ExtendHighI8x16S, a8))
	eq(t, wasm.OpI16x8ExtendLowI8x16U, u16s(128, 127, 255), un(wasm.OpI16x8ExtendLowI8x16U, a8))
	eq(t, wasm.OpI16x8ExtendHighI8x16U, u16s(100, 156, 128, 1, 0, 0, 0, 255), un(wasm.OpI16x8ExtendHighI8x16U, a8))
	eq(t, wasm.OpI32x4ExtendLowI16x8S, i32s(-32768, 2), un(wasm.OpI32x4ExtendLowI16x8S, a16))
	eq(t, wasm.OpI32x4ExtendHighI16x8S, i32s(-1, 2), un(wasm.OpI32x4ExtendHighI16x8S, a16))
	eq(t, wasm.OpI32x4ExtendLowI16x8U, u32s(32768, 2), un(wasm.OpI32x4ExtendLowI16x8U, a16))
	eq(t, wasm.OpI32x4ExtendHighI16x8U, u32s(65535, 2), un(wasm.OpI32x4ExtendHighI16x8U, a16))
	eq(t, wasm.OpI64x2ExtendLowI32x4S, V128{^uint64(0), 0xFFFFFFFF80000000}, un(wasm.OpI64x2ExtendLowI32x4S, a32))
	eq(t, wasm.OpI64x2ExtendHighI32x4S, V128{^uint64(0), 2}, un(wasm.OpI64x2ExtendHighI32x4S, a32))
	eq(t, wasm.OpI64x2ExtendLowI32x4U, V128{0xFFFFFFFF, 0x80000000}, un(wasm.OpI64x2ExtendLowI32x4U, a32))
	eq(t, wasm.OpI64x2ExtendHighI32x4U, V128{0xFFFFFFFF, 2}, un(wasm.OpI64x2ExtendHighI32x4U, a32))
}

// boolLanes builds the comparison result with lanes of size bytes: the
// leading lanes from pattern, the others all rest.
func boolLanes(size uint, pattern []bool, rest bool) (v V128) {
	for i := range 16 / size {
		c := rest
		if int(i) < len(pattern) {
			c = pattern[i]
		}
		v = v.withLane(size, i, mask[uint64](c))
	}
	return v
}

func TestIntegerComparisons(t *testing.T) {
	const T, F = true, false
	// The lanes compared are (-1, 1), (1, -1), (5, 5) and (min, max); any
	// further lanes are zero in both operands. For each shape the ten
	// comparisons come in the order eq, ne, lt_s, lt_u, gt_s, gt_u, le_s,
	// le_u, ge_s, ge_u.
	want := []struct {
		pattern []bool
		rest    bool
	}{
		{[]bool{F, F, T, F}, T}, {[]bool{T, T, F, T}, F},
		{[]bool{T, F, F, T}, F}, {[]bool{F, T, F, F}, F},
		{[]bool{F, T, F, F}, F}, {[]bool{T, F, F, T}, F},
		{[]bool{T, F, T, T}, T}, {[]bool{F, T, T, F}, T},
		{[]bool{F, T, T, F}, T}, {[]bool{T, F, T, T}, T},
	}
	for _, shape := range []struct {
		first wasm.Opcode
		size  uint
		a, b  V128
	}{
		{wasm.OpI8x16Eq, 1, i8s(-1, 1, 5, math.MinInt8), i8s(1, -1, 5, math.MaxInt8)},
		{wasm.OpI16x8Eq, 2, i16s(-1, 1, 5, math.MinInt16), i16s(1, -1, 5, math.MaxInt16)},
		{wasm.OpI32x4Eq, 4, i32s(-1, 1, 5, math.MinInt32), i32s(1, -1, 5, math.MaxInt32)},
	} {
		for k, w := range want {
			op := shape.first + wasm.Opcode(k)
			eq(t, op, boolLanes(shape.size, w.pattern, w.rest), bin(op, shape.a, shape.b))
		}
	}

	// i64x2 has only signed orderings: eq, ne, lt_s, gt_s, le_s, ge_s.
	a, b := V128{^uint64(0), 5}, V128{1, 5}
	for k, w := range [][]bool{{F, T}, {T, F}, {T, F}, {F, F}, {T, T}, {F, T}} {
		op := wasm.OpI64x2Eq + wasm.Opcode(k)
		eq(t, op, boolLanes(8, w, F), bin(op, a, b))
	}
}

func TestFloatComparisons(t *testing.T) {
	const T, F = true, false
	// For each shape: eq, ne, lt, gt, le, ge. NaN is unordered, -0 == +0.
	a, b := f32s(nan32, negZero32, 1, 3), f32s(1, 0, 2, 2)
	for k, w := range [][]bool{{F, T, F, F}, {T, F, T, T}, {F, F, T, F}, {F, F, F, T}, {F, T, T, F}, {F, T, F, T}} {
		op := wasm.OpF32x4Eq + wasm.Opcode(k)
		eq(t, op, boolLanes(4, w, F), bin(op, a, b))
	}
	a, b = f64s(nan64, negZero64), f64s(nan64, 0)
	c, d := f64s(1, 3), f64s(2, 2)
	for k, w := range [][]bool{{F, T, F, F}, {T, F, T, T}, {F, F, T, F}, {F, F, F, T}, {F, T, T, F}, {F, T, F, T}} {
		op := wasm.OpF64x2Eq + wasm.Opcode(k)
		eq(t, op, boolLanes(8, w[:2], F), bin(op, a, b))
		eq(t, op, boolLanes(8, w[2:], F), bin(op, c, d))
	}
}
