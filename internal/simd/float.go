package simd

import "math"

// Float lanes follow IEEE 754 with WebAssembly's NaN rules: a NaN produced
// from non-NaN operands must be the canonical NaN (only the quiet bit set in
// the payload), and one produced from NaN operands any quiet NaN. Go's float
// arithmetic compiles to the hardware's, which behaves so on amd64 and arm64:
// invalid operations give a canonical NaN and NaN operands propagate quieted.
// Where Go's library functions pass a NaN through unchanged (rounding,
// min/max), the code quiets it explicitly.

const (
	sign32  = 1 << 31
	quiet32 = 1 << 22
	inf32   = 0x7F800000
	sign64  = 1 << 63
	quiet64 = 1 << 51
	inf64   = 0x7FF0000000000000
	// Sign bits of both lanes of a word of f32 lanes.
	signs32 = sign32<<32 | sign32
)

func (v V128) f32() [4]float32 {
	return [4]float32{
		math.Float32frombits(uint32(v.Lo)), math.Float32frombits(uint32(v.Lo >> 32)),
		math.Float32frombits(uint32(v.Hi)), math.Float32frombits(uint32(v.Hi >> 32)),
	}
}

func fromF32(r *[4]float32) V128 {
	return V128{
		uint64(math.Float32bits(r[0])) | uint64(math.Float32bits(r[1]))<<32,
		uint64(math.Float32bits(r[2])) | uint64(math.Float32bits(r[3]))<<32,
	}
}

func (v V128) f64() [2]float64 {
	return [2]float64{math.Float64frombits(v.Lo), math.Float64frombits(v.Hi)}
}

func fromF64(lo, hi float64) V128 { return V128{math.Float64bits(lo), math.Float64bits(hi)} }

// Sign operations touch only the sign bit, leaving NaN payloads alone.

func f32x4Abs(a V128) V128 { return V128{a.Lo &^ signs32, a.Hi &^ signs32} }
func f32x4Neg(a V128) V128 { return V128{a.Lo ^ signs32, a.Hi ^ signs32} }
func f64x2Abs(a V128) V128 { return V128{a.Lo &^ sign64, a.Hi &^ sign64} }
func f64x2Neg(a V128) V128 { return V128{a.Lo ^ sign64, a.Hi ^ sign64} }

// Arithmetic. float32 operations are single precision in Go, and a float32
// square root computed in float64 is correctly rounded (the compiler emits a
// single-precision square root for this pattern anyway).

func f32x4Add(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	for i := range x {
		x[i] += y[i]
	}
	return fromF32(&x)
}

func f32x4Sub(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	for i := range x {
		x[i] -= y[i]
	}
	return fromF32(&x)
}

func f32x4Mul(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	for i := range x {
		x[i] *= y[i]
	}
	return fromF32(&x)
}

func f32x4Div(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	for i := range x {
		x[i] /= y[i]
	}
	return fromF32(&x)
}

func f32x4Sqrt(a V128) V128 {
	x := a.f32()
	for i, v := range x {
		x[i] = float32(math.Sqrt(float64(v)))
	}
	return fromF32(&x)
}

func f64x2Add(a, b V128) V128 { x, y := a.f64(), b.f64(); return fromF64(x[0]+y[0], x[1]+y[1]) }
func f64x2Sub(a, b V128) V128 { x, y := a.f64(), b.f64(); return fromF64(x[0]-y[0], x[1]-y[1]) }
func f64x2Mul(a, b V128) V128 { x, y := a.f64(), b.f64(); return fromF64(x[0]*y[0], x[1]*y[1]) }
func f64x2Div(a, b V128) V128 { x, y := a.f64(), b.f64(); return fromF64(x[0]/y[0], x[1]/y[1]) }
func f64x2Sqrt(a V128) V128   { x := a.f64(); return fromF64(math.Sqrt(x[0]), math.Sqrt(x[1])) }

// min and max propagate NaN (quieted) and order -0 below +0. They work on
// lane bits: when the operands compare equal their bits differ only for
// zeros of opposite sign, so or-ing the bits picks -0 and and-ing picks +0.

func min32(a, b uint32) uint32 {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x != x:
		return a | quiet32
	case y != y:
		return b | quiet32
	case x < y:
		return a
	case y < x:
		return b
	}
	return a | b
}

func max32(a, b uint32) uint32 {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x != x:
		return a | quiet32
	case y != y:
		return b | quiet32
	case x > y:
		return a
	case y > x:
		return b
	}
	return a & b
}

func min64(a, b uint64) uint64 {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x != x:
		return a | quiet64
	case y != y:
		return b | quiet64
	case x < y:
		return a
	case y < x:
		return b
	}
	return a | b
}

func max64(a, b uint64) uint64 {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x != x:
		return a | quiet64
	case y != y:
		return b | quiet64
	case x > y:
		return a
	case y > x:
		return b
	}
	return a & b
}

func f32x4Min(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = min32(x[i], y[i])
	}
	return fromU32(&x)
}

func f32x4Max(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = max32(x[i], y[i])
	}
	return fromU32(&x)
}

func f64x2Min(a, b V128) V128 { return V128{min64(a.Lo, b.Lo), min64(a.Hi, b.Hi)} }
func f64x2Max(a, b V128) V128 { return V128{max64(a.Lo, b.Lo), max64(a.Hi, b.Hi)} }

// Pseudo-min and -max are defined as pmin(a, b) = b < a ? b : a and
// pmax(a, b) = a < b ? b : a, returning one operand's bits unchanged (NaN
// included), so they select lane bits rather than compute.

func f32x4Pmin(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		if math.Float32frombits(y[i]) < math.Float32frombits(x[i]) {
			x[i] = y[i]
		}
	}
	return fromU32(&x)
}

func f32x4Pmax(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		if math.Float32frombits(x[i]) < math.Float32frombits(y[i]) {
			x[i] = y[i]
		}
	}
	return fromU32(&x)
}

func pmin64(a, b uint64) uint64 {
	if math.Float64frombits(b) < math.Float64frombits(a) {
		return b
	}
	return a
}

func pmax64(a, b uint64) uint64 {
	if math.Float64frombits(a) < math.Float64frombits(b) {
		return b
	}
	return a
}

func f64x2Pmin(a, b V128) V128 { return V128{pmin64(a.Lo, b.Lo), pmin64(a.Hi, b.Hi)} }
func f64x2Pmax(a, b V128) V128 { return V128{pmax64(a.Lo, b.Lo), pmax64(a.Hi, b.Hi)} }

// Comparisons. ne is the negation of eq even for NaN; gt and ge are lt and le
// with the operands swapped; le is not the negation of gt because of NaN.

func f32x4Eq(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	var r [4]uint32
	for i := range r {
		r[i] = mask[uint32](x[i] == y[i])
	}
	return fromU32(&r)
}

func f32x4Lt(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	var r [4]uint32
	for i := range r {
		r[i] = mask[uint32](x[i] < y[i])
	}
	return fromU32(&r)
}

func f32x4Le(a, b V128) V128 {
	x, y := a.f32(), b.f32()
	var r [4]uint32
	for i := range r {
		r[i] = mask[uint32](x[i] <= y[i])
	}
	return fromU32(&r)
}

func f32x4Ne(a, b V128) V128 { return v128Not(f32x4Eq(a, b)) }
func f32x4Gt(a, b V128) V128 { return f32x4Lt(b, a) }
func f32x4Ge(a, b V128) V128 { return f32x4Le(b, a) }

func f64x2Eq(a, b V128) V128 {
	x, y := a.f64(), b.f64()
	return V128{mask[uint64](x[0] == y[0]), mask[uint64](x[1] == y[1])}
}

func f64x2Lt(a, b V128) V128 {
	x, y := a.f64(), b.f64()
	return V128{mask[uint64](x[0] < y[0]), mask[uint64](x[1] < y[1])}
}

func f64x2Le(a, b V128) V128 {
	x, y := a.f64(), b.f64()
	return V128{mask[uint64](x[0] <= y[0]), mask[uint64](x[1] <= y[1])}
}

func f64x2Ne(a, b V128) V128 { return v128Not(f64x2Eq(a, b)) }
func f64x2Gt(a, b V128) V128 { return f64x2Lt(b, a) }
func f64x2Ge(a, b V128) V128 { return f64x2Le(b, a) }

// Rounding to an integer. f32 lanes are rounded in float64, which is exact:
// every float32 is a float64, and the rounded value of a float32 is again a
// float32. math's rounding functions return a NaN argument unchanged, so
// rounded32 and rounded64 quiet NaN lanes; the sign of zero is preserved
// (ceil(-0.5) = -0), and nearest rounds halves to even.

func rounded32(b uint32, r float64) uint32 {
	if b&^sign32 > inf32 {
		return b | quiet32
	}
	return math.Float32bits(float32(r))
}

func rounded64(b uint64, r float64) uint64 {
	if b&^sign64 > inf64 {
		return b | quiet64
	}
	return math.Float64bits(r)
}

func f32x4Ceil(a V128) V128 {
	x, f := a.u32(), a.f32()
	for i, b := range x {
		x[i] = rounded32(b, math.Ceil(float64(f[i])))
	}
	return fromU32(&x)
}

func f32x4Floor(a V128) V128 {
	x, f := a.u32(), a.f32()
	for i, b := range x {
		x[i] = rounded32(b, math.Floor(float64(f[i])))
	}
	return fromU32(&x)
}

func f32x4Trunc(a V128) V128 {
	x, f := a.u32(), a.f32()
	for i, b := range x {
		x[i] = rounded32(b, math.Trunc(float64(f[i])))
	}
	return fromU32(&x)
}

func f32x4Nearest(a V128) V128 {
	x, f := a.u32(), a.f32()
	for i, b := range x {
		x[i] = rounded32(b, math.RoundToEven(float64(f[i])))
	}
	return fromU32(&x)
}

func f64x2Ceil(a V128) V128 {
	f := a.f64()
	return V128{rounded64(a.Lo, math.Ceil(f[0])), rounded64(a.Hi, math.Ceil(f[1]))}
}

func f64x2Floor(a V128) V128 {
	f := a.f64()
	return V128{rounded64(a.Lo, math.Floor(f[0])), rounded64(a.Hi, math.Floor(f[1]))}
}

func f64x2Trunc(a V128) V128 {
	f := a.f64()
	return V128{rounded64(a.Lo, math.Trunc(f[0])), rounded64(a.Hi, math.Trunc(f[1]))}
}

func f64x2Nearest(a V128) V128 {
	f := a.f64()
	return V128{rounded64(a.Lo, math.RoundToEven(f[0])), rounded64(a.Hi, math.RoundToEven(f[1]))}
}

// Conversions.

// truncSatS truncates x (a widened f32 or an f64) to i32, saturating out of
// range values and mapping NaN to 0.
func truncSatS(x float64) uint32 {
	switch {
	case x != x:
		return 0
	case x <= math.MinInt32:
		return 1 << 31
	case x >= 1<<31:
		return math.MaxInt32
	}
	return uint32(int32(x))
}

// truncSatU is truncSatS for u32. Go leaves the conversion of negative floats
// to unsigned integers to the implementation, so they are handled first.
func truncSatU(x float64) uint32 {
	switch {
	case !(x > 0): // NaN, negative or zero
		return 0
	case x >= 1<<32:
		return math.MaxUint32
	}
	return uint32(x)
}

func i32x4TruncSatF32x4S(a V128) V128 {
	f := a.f32()
	var r [4]uint32
	for i, v := range f {
		r[i] = truncSatS(float64(v))
	}
	return fromU32(&r)
}

func i32x4TruncSatF32x4U(a V128) V128 {
	f := a.f32()
	var r [4]uint32
	for i, v := range f {
		r[i] = truncSatU(float64(v))
	}
	return fromU32(&r)
}

func i32x4TruncSatF64x2SZero(a V128) V128 {
	f := a.f64()
	return V128{Lo: uint64(truncSatS(f[0])) | uint64(truncSatS(f[1]))<<32}
}

func i32x4TruncSatF64x2UZero(a V128) V128 {
	f := a.f64()
	return V128{Lo: uint64(truncSatU(f[0])) | uint64(truncSatU(f[1]))<<32}
}

// The int-to-float conversions round once: Go converts int32 and uint32 (via
// a 64-bit integer) to float32 with a single hardware rounding, and to
// float64 exactly.

func f32x4ConvertI32x4S(a V128) V128 {
	x := a.u32()
	var r [4]float32
	for i, v := range x {
		r[i] = float32(int32(v))
	}
	return fromF32(&r)
}

func f32x4ConvertI32x4U(a V128) V128 {
	x := a.u32()
	var r [4]float32
	for i, v := range x {
		r[i] = float32(v)
	}
	return fromF32(&r)
}

func f64x2ConvertLowI32x4S(a V128) V128 {
	return fromF64(float64(int32(a.Lo)), float64(int32(a.Lo>>32)))
}

func f64x2ConvertLowI32x4U(a V128) V128 {
	return fromF64(float64(uint32(a.Lo)), float64(uint32(a.Lo>>32)))
}

// f32x4DemoteF64x2Zero rounds the two f64 lanes to f32, zeroing the upper
// lanes. The hardware conversion keeps a NaN quiet and truncates its payload,
// so a canonical NaN stays canonical.
func f32x4DemoteF64x2Zero(a V128) V128 {
	f := a.f64()
	return V128{Lo: uint64(math.Float32bits(float32(f[0]))) | uint64(math.Float32bits(float32(f[1])))<<32}
}

// f64x2PromoteLowF32x4 widens the two low f32 lanes exactly; the hardware
// conversion quiets a NaN and keeps its payload.
func f64x2PromoteLowF32x4(a V128) V128 {
	f := a.f32()
	return fromF64(float64(f[0]), float64(f[1]))
}
