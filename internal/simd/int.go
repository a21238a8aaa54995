package simd

import (
	"math"
	"math/bits"
)

// Bitwise operations.

func v128Not(a V128) V128        { return V128{^a.Lo, ^a.Hi} }
func v128And(a, b V128) V128     { return V128{a.Lo & b.Lo, a.Hi & b.Hi} }
func v128Andnot(a, b V128) V128  { return V128{a.Lo &^ b.Lo, a.Hi &^ b.Hi} }
func v128Or(a, b V128) V128      { return V128{a.Lo | b.Lo, a.Hi | b.Hi} }
func v128Xor(a, b V128) V128     { return V128{a.Lo ^ b.Lo, a.Hi ^ b.Hi} }
func v128AnyTrue(a V128) uint32  { return boolU32(a.Lo|a.Hi != 0) }
func i64x2AllTrue(a V128) uint32 { return boolU32(a.Lo != 0 && a.Hi != 0) }

func boolU32(c bool) uint32 {
	if c {
		return 1
	}
	return 0
}

// Lane-parallel arithmetic on whole words ("SWAR") for the commonest
// operations. ones has the lowest bit of every lane set, tops the highest.
const (
	ones8  = 0x0101010101010101
	ones16 = 0x0001000100010001
	tops8  = ones8 << 7
	tops16 = ones16 << 15
	tops32 = 0x8000000080000000
)

// addLanes adds lane-wise: the bits below each lane's top add without
// carrying into the next lane, and the top bits are then added modulo 2.
func addLanes(x, y, tops uint64) uint64 { return (x&^tops + y&^tops) ^ (x^y)&tops }

// subLanes subtracts lane-wise: setting the minuend's top bits and clearing
// the subtrahend's keeps borrows inside each lane; the xor fixes the top bits.
func subLanes(x, y, tops uint64) uint64 { return ((x | tops) - y&^tops) ^ (x^^y)&tops }

// hasZeroLane reports whether x has a zero lane. Subtracting 1 from every
// lane turns the lowest zero lane into all ones (no borrow reaches it from the
// non-zero lanes below); without zero lanes nothing borrows across lanes, and
// no lane gains a top bit it did not have.
func hasZeroLane(x, ones, tops uint64) bool { return (x-ones)&^x&tops != 0 }

func i8x16Add(a, b V128) V128 { return V128{addLanes(a.Lo, b.Lo, tops8), addLanes(a.Hi, b.Hi, tops8)} }
func i8x16Sub(a, b V128) V128 { return V128{subLanes(a.Lo, b.Lo, tops8), subLanes(a.Hi, b.Hi, tops8)} }
func i16x8Add(a, b V128) V128 {
	return V128{addLanes(a.Lo, b.Lo, tops16), addLanes(a.Hi, b.Hi, tops16)}
}
func i16x8Sub(a, b V128) V128 {
	return V128{subLanes(a.Lo, b.Lo, tops16), subLanes(a.Hi, b.Hi, tops16)}
}
func i32x4Add(a, b V128) V128 {
	return V128{addLanes(a.Lo, b.Lo, tops32), addLanes(a.Hi, b.Hi, tops32)}
}
func i32x4Sub(a, b V128) V128 {
	return V128{subLanes(a.Lo, b.Lo, tops32), subLanes(a.Hi, b.Hi, tops32)}
}
func i64x2Add(a, b V128) V128 { return V128{a.Lo + b.Lo, a.Hi + b.Hi} }
func i64x2Sub(a, b V128) V128 { return V128{a.Lo - b.Lo, a.Hi - b.Hi} }
func i64x2Mul(a, b V128) V128 { return V128{a.Lo * b.Lo, a.Hi * b.Hi} }

func i8x16AllTrue(a V128) uint32 {
	return boolU32(!hasZeroLane(a.Lo, ones8, tops8) && !hasZeroLane(a.Hi, ones8, tops8))
}

func i16x8AllTrue(a V128) uint32 {
	return boolU32(!hasZeroLane(a.Lo, ones16, tops16) && !hasZeroLane(a.Hi, ones16, tops16))
}

func i32x4AllTrue(a V128) uint32 {
	return boolU32(uint32(a.Lo) != 0 && a.Lo>>32 != 0 && uint32(a.Hi) != 0 && a.Hi>>32 != 0)
}

// Bitmasks: bit i of the result is the top bit of lane i.

func i8x16Bitmask(a V128) (m uint32) {
	for i, x := range a.u8() {
		m |= uint32(x>>7) << i
	}
	return m
}

func i16x8Bitmask(a V128) (m uint32) {
	for i, x := range a.u16() {
		m |= uint32(x>>15) << i
	}
	return m
}

func i32x4Bitmask(a V128) (m uint32) {
	for i, x := range a.u32() {
		m |= x >> 31 << i
	}
	return m
}

func i64x2Bitmask(a V128) uint32 { return uint32(a.Lo>>63 | a.Hi>>63<<1) }

// Saturation of a wider intermediate result to a lane.

func satS8(v int32) uint8   { return uint8(min(max(v, math.MinInt8), math.MaxInt8)) }
func satU8(v int32) uint8   { return uint8(min(max(v, 0), math.MaxUint8)) }
func satS16(v int32) uint16 { return uint16(min(max(v, math.MinInt16), math.MaxInt16)) }
func satU16(v int32) uint16 { return uint16(min(max(v, 0), math.MaxUint16)) }

// i8x16 lane-wise operations.

func i8x16Abs(a V128) V128 {
	x := a.u8()
	for i, v := range x {
		if int8(v) < 0 {
			x[i] = -v // wraps, so abs(-128) is -128 as required
		}
	}
	return fromU8(&x)
}

func i8x16Neg(a V128) V128 { return i8x16Sub(V128{}, a) }

func i8x16Popcnt(a V128) V128 {
	x := a.u8()
	for i, v := range x {
		x[i] = uint8(bits.OnesCount8(v))
	}
	return fromU8(&x)
}

func i8x16AddSatS(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = satS8(int32(int8(x[i])) + int32(int8(y[i])))
	}
	return fromU8(&x)
}

func i8x16AddSatU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = satU8(int32(x[i]) + int32(y[i]))
	}
	return fromU8(&x)
}

func i8x16SubSatS(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = satS8(int32(int8(x[i])) - int32(int8(y[i])))
	}
	return fromU8(&x)
}

func i8x16SubSatU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = satU8(int32(x[i]) - int32(y[i]))
	}
	return fromU8(&x)
}

func i8x16MinS(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = uint8(min(int8(x[i]), int8(y[i])))
	}
	return fromU8(&x)
}

func i8x16MinU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = min(x[i], y[i])
	}
	return fromU8(&x)
}

func i8x16MaxS(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = uint8(max(int8(x[i]), int8(y[i])))
	}
	return fromU8(&x)
}

func i8x16MaxU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = max(x[i], y[i])
	}
	return fromU8(&x)
}

func i8x16AvgrU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = uint8((uint16(x[i]) + uint16(y[i]) + 1) >> 1)
	}
	return fromU8(&x)
}

func i8x16Swizzle(a, s V128) V128 {
	x := a.u8()
	var r [16]uint8
	for i, j := range s.u8() {
		if j < 16 {
			r[i] = x[j]
		}
	}
	return fromU8(&r)
}

func i8x16NarrowI16x8S(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	var r [16]uint8
	for i := range x {
		r[i] = satS8(int32(int16(x[i])))
		r[i+8] = satS8(int32(int16(y[i])))
	}
	return fromU8(&r)
}

func i8x16NarrowI16x8U(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	var r [16]uint8
	for i := range x {
		r[i] = satU8(int32(int16(x[i])))
		r[i+8] = satU8(int32(int16(y[i])))
	}
	return fromU8(&r)
}

// Comparisons: for these total orders, gt, le and ge follow from lt.

func i8x16Eq(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = mask[uint8](x[i] == y[i])
	}
	return fromU8(&x)
}

func i8x16LtS(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = mask[uint8](int8(x[i]) < int8(y[i]))
	}
	return fromU8(&x)
}

func i8x16LtU(a, b V128) V128 {
	x, y := a.u8(), b.u8()
	for i := range x {
		x[i] = mask[uint8](x[i] < y[i])
	}
	return fromU8(&x)
}

func i8x16Ne(a, b V128) V128  { return v128Not(i8x16Eq(a, b)) }
func i8x16GtS(a, b V128) V128 { return i8x16LtS(b, a) }
func i8x16GtU(a, b V128) V128 { return i8x16LtU(b, a) }
func i8x16LeS(a, b V128) V128 { return v128Not(i8x16LtS(b, a)) }
func i8x16LeU(a, b V128) V128 { return v128Not(i8x16LtU(b, a)) }
func i8x16GeS(a, b V128) V128 { return v128Not(i8x16LtS(a, b)) }
func i8x16GeU(a, b V128) V128 { return v128Not(i8x16LtU(a, b)) }

func i8x16Shl(a V128, n uint32) V128 {
	x := a.u8()
	for i := range x {
		x[i] <<= n & 7
	}
	return fromU8(&x)
}

func i8x16ShrS(a V128, n uint32) V128 {
	x := a.u8()
	for i := range x {
		x[i] = uint8(int8(x[i]) >> (n & 7))
	}
	return fromU8(&x)
}

func i8x16ShrU(a V128, n uint32) V128 {
	x := a.u8()
	for i := range x {
		x[i] >>= n & 7
	}
	return fromU8(&x)
}

// i16x8 lane-wise operations.

func i16x8Abs(a V128) V128 {
	x := a.u16()
	for i, v := range x {
		if int16(v) < 0 {
			x[i] = -v
		}
	}
	return fromU16(&x)
}

func i16x8Neg(a V128) V128 { return i16x8Sub(V128{}, a) }

func i16x8AddSatS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = satS16(int32(int16(x[i])) + int32(int16(y[i])))
	}
	return fromU16(&x)
}

func i16x8AddSatU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = satU16(int32(x[i]) + int32(y[i]))
	}
	return fromU16(&x)
}

func i16x8SubSatS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = satS16(int32(int16(x[i])) - int32(int16(y[i])))
	}
	return fromU16(&x)
}

func i16x8SubSatU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = satU16(int32(x[i]) - int32(y[i]))
	}
	return fromU16(&x)
}

func i16x8Mul(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] *= y[i]
	}
	return fromU16(&x)
}

func i16x8MinS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = uint16(min(int16(x[i]), int16(y[i])))
	}
	return fromU16(&x)
}

func i16x8MinU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = min(x[i], y[i])
	}
	return fromU16(&x)
}

func i16x8MaxS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = uint16(max(int16(x[i]), int16(y[i])))
	}
	return fromU16(&x)
}

func i16x8MaxU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = max(x[i], y[i])
	}
	return fromU16(&x)
}

func i16x8AvgrU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = uint16((uint32(x[i]) + uint32(y[i]) + 1) >> 1)
	}
	return fromU16(&x)
}

// i16x8Q15mulrSatS is the rounding Q15 multiplication; only
// -0x8000 * -0x8000 leaves the i16 range, and saturates to 0x7FFF.
func i16x8Q15mulrSatS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = satS16((int32(int16(x[i]))*int32(int16(y[i])) + 0x4000) >> 15)
	}
	return fromU16(&x)
}

func i16x8NarrowI32x4S(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	var r [8]uint16
	for i := range x {
		r[i] = satS16(int32(x[i]))
		r[i+4] = satS16(int32(y[i]))
	}
	return fromU16(&r)
}

func i16x8NarrowI32x4U(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	var r [8]uint16
	for i := range x {
		r[i] = satU16(int32(x[i]))
		r[i+4] = satU16(int32(y[i]))
	}
	return fromU16(&r)
}

func i16x8Eq(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = mask[uint16](x[i] == y[i])
	}
	return fromU16(&x)
}

func i16x8LtS(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = mask[uint16](int16(x[i]) < int16(y[i]))
	}
	return fromU16(&x)
}

func i16x8LtU(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	for i := range x {
		x[i] = mask[uint16](x[i] < y[i])
	}
	return fromU16(&x)
}

func i16x8Ne(a, b V128) V128  { return v128Not(i16x8Eq(a, b)) }
func i16x8GtS(a, b V128) V128 { return i16x8LtS(b, a) }
func i16x8GtU(a, b V128) V128 { return i16x8LtU(b, a) }
func i16x8LeS(a, b V128) V128 { return v128Not(i16x8LtS(b, a)) }
func i16x8LeU(a, b V128) V128 { return v128Not(i16x8LtU(b, a)) }
func i16x8GeS(a, b V128) V128 { return v128Not(i16x8LtS(a, b)) }
func i16x8GeU(a, b V128) V128 { return v128Not(i16x8LtU(a, b)) }

func i16x8Shl(a V128, n uint32) V128 {
	x := a.u16()
	for i := range x {
		x[i] <<= n & 15
	}
	return fromU16(&x)
}

func i16x8ShrS(a V128, n uint32) V128 {
	x := a.u16()
	for i := range x {
		x[i] = uint16(int16(x[i]) >> (n & 15))
	}
	return fromU16(&x)
}

func i16x8ShrU(a V128, n uint32) V128 {
	x := a.u16()
	for i := range x {
		x[i] >>= n & 15
	}
	return fromU16(&x)
}

// i32x4 lane-wise operations.

func i32x4Abs(a V128) V128 {
	x := a.u32()
	for i, v := range x {
		if int32(v) < 0 {
			x[i] = -v
		}
	}
	return fromU32(&x)
}

func i32x4Neg(a V128) V128 { return i32x4Sub(V128{}, a) }

func i32x4Mul(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] *= y[i]
	}
	return fromU32(&x)
}

func i32x4MinS(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = uint32(min(int32(x[i]), int32(y[i])))
	}
	return fromU32(&x)
}

func i32x4MinU(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = min(x[i], y[i])
	}
	return fromU32(&x)
}

func i32x4MaxS(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = uint32(max(int32(x[i]), int32(y[i])))
	}
	return fromU32(&x)
}

func i32x4MaxU(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = max(x[i], y[i])
	}
	return fromU32(&x)
}

// i32x4DotI16x8S sums the products of adjacent signed i16 pairs; the only
// overflow, 2 * (-0x8000)², wraps to -0x80000000 as the spec requires.
func i32x4DotI16x8S(a, b V128) V128 {
	x, y := a.u16(), b.u16()
	var r [4]uint32
	for i := range r {
		r[i] = uint32(int32(int16(x[2*i]))*int32(int16(y[2*i])) + int32(int16(x[2*i+1]))*int32(int16(y[2*i+1])))
	}
	return fromU32(&r)
}

func i32x4Eq(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = mask[uint32](x[i] == y[i])
	}
	return fromU32(&x)
}

func i32x4LtS(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = mask[uint32](int32(x[i]) < int32(y[i]))
	}
	return fromU32(&x)
}

func i32x4LtU(a, b V128) V128 {
	x, y := a.u32(), b.u32()
	for i := range x {
		x[i] = mask[uint32](x[i] < y[i])
	}
	return fromU32(&x)
}

func i32x4Ne(a, b V128) V128  { return v128Not(i32x4Eq(a, b)) }
func i32x4GtS(a, b V128) V128 { return i32x4LtS(b, a) }
func i32x4GtU(a, b V128) V128 { return i32x4LtU(b, a) }
func i32x4LeS(a, b V128) V128 { return v128Not(i32x4LtS(b, a)) }
func i32x4LeU(a, b V128) V128 { return v128Not(i32x4LtU(b, a)) }
func i32x4GeS(a, b V128) V128 { return v128Not(i32x4LtS(a, b)) }
func i32x4GeU(a, b V128) V128 { return v128Not(i32x4LtU(a, b)) }

func i32x4Shl(a V128, n uint32) V128 {
	x := a.u32()
	for i := range x {
		x[i] <<= n & 31
	}
	return fromU32(&x)
}

func i32x4ShrS(a V128, n uint32) V128 {
	x := a.u32()
	for i := range x {
		x[i] = uint32(int32(x[i]) >> (n & 31))
	}
	return fromU32(&x)
}

func i32x4ShrU(a V128, n uint32) V128 {
	x := a.u32()
	for i := range x {
		x[i] >>= n & 31
	}
	return fromU32(&x)
}

// i64x2 lane-wise operations.

func abs64(x uint64) uint64 {
	if int64(x) < 0 {
		return -x
	}
	return x
}

func i64x2Abs(a V128) V128 { return V128{abs64(a.Lo), abs64(a.Hi)} }
func i64x2Neg(a V128) V128 { return V128{-a.Lo, -a.Hi} }

func i64x2Eq(a, b V128) V128 {
	return V128{mask[uint64](a.Lo == b.Lo), mask[uint64](a.Hi == b.Hi)}
}

func i64x2LtS(a, b V128) V128 {
	return V128{mask[uint64](int64(a.Lo) < int64(b.Lo)), mask[uint64](int64(a.Hi) < int64(b.Hi))}
}

func i64x2Ne(a, b V128) V128  { return v128Not(i64x2Eq(a, b)) }
func i64x2GtS(a, b V128) V128 { return i64x2LtS(b, a) }
func i64x2LeS(a, b V128) V128 { return v128Not(i64x2LtS(b, a)) }
func i64x2GeS(a, b V128) V128 { return v128Not(i64x2LtS(a, b)) }

func i64x2Shl(a V128, n uint32) V128  { return V128{a.Lo << (n & 63), a.Hi << (n & 63)} }
func i64x2ShrU(a V128, n uint32) V128 { return V128{a.Lo >> (n & 63), a.Hi >> (n & 63)} }
func i64x2ShrS(a V128, n uint32) V128 {
	return V128{uint64(int64(a.Lo) >> (n & 63)), uint64(int64(a.Hi) >> (n & 63))}
}

// Widening. Each helper takes the half (low or high 8 bytes) of the source
// vector whose lanes it widens.

func extendS8(h uint64) V128 {
	var r [8]uint16
	for i := range r {
		r[i] = uint16(int8(h >> (8 * i)))
	}
	return fromU16(&r)
}

func extendU8(h uint64) V128 {
	var r [8]uint16
	for i := range r {
		r[i] = uint16(uint8(h >> (8 * i)))
	}
	return fromU16(&r)
}

func extendS16(h uint64) V128 {
	var r [4]uint32
	for i := range r {
		r[i] = uint32(int16(h >> (16 * i)))
	}
	return fromU32(&r)
}

func extendU16(h uint64) V128 {
	var r [4]uint32
	for i := range r {
		r[i] = uint32(uint16(h >> (16 * i)))
	}
	return fromU32(&r)
}

func extendS32(h uint64) V128 { return V128{uint64(int32(h)), uint64(int32(h >> 32))} }
func extendU32(h uint64) V128 { return V128{h & 0xFFFFFFFF, h >> 32} }

func i16x8ExtendLowI8x16S(a V128) V128  { return extendS8(a.Lo) }
func i16x8ExtendHighI8x16S(a V128) V128 { return extendS8(a.Hi) }
func i16x8ExtendLowI8x16U(a V128) V128  { return extendU8(a.Lo) }
func i16x8ExtendHighI8x16U(a V128) V128 { return extendU8(a.Hi) }
func i32x4ExtendLowI16x8S(a V128) V128  { return extendS16(a.Lo) }
func i32x4ExtendHighI16x8S(a V128) V128 { return extendS16(a.Hi) }
func i32x4ExtendLowI16x8U(a V128) V128  { return extendU16(a.Lo) }
func i32x4ExtendHighI16x8U(a V128) V128 { return extendU16(a.Hi) }
func i64x2ExtendLowI32x4S(a V128) V128  { return extendS32(a.Lo) }
func i64x2ExtendHighI32x4S(a V128) V128 { return extendS32(a.Hi) }
func i64x2ExtendLowI32x4U(a V128) V128  { return extendU32(a.Lo) }
func i64x2ExtendHighI32x4U(a V128) V128 { return extendU32(a.Hi) }

// Extended multiplication of the lanes of one half of each operand; the
// products always fit the doubled lane width.

func extmulS8(x, y uint64) V128 {
	var r [8]uint16
	for i := range r {
		r[i] = uint16(int16(int8(x>>(8*i))) * int16(int8(y>>(8*i))))
	}
	return fromU16(&r)
}

func extmulU8(x, y uint64) V128 {
	var r [8]uint16
	for i := range r {
		r[i] = uint16(uint8(x>>(8*i))) * uint16(uint8(y>>(8*i)))
	}
	return fromU16(&r)
}

func extmulS16(x, y uint64) V128 {
	var r [4]uint32
	for i := range r {
		r[i] = uint32(int32(int16(x>>(16*i))) * int32(int16(y>>(16*i))))
	}
	return fromU32(&r)
}

func extmulU16(x, y uint64) V128 {
	var r [4]uint32
	for i := range r {
		r[i] = uint32(uint16(x>>(16*i))) * uint32(uint16(y>>(16*i)))
	}
	return fromU32(&r)
}

func extmulS32(x, y uint64) V128 {
	return V128{
		uint64(int64(int32(x)) * int64(int32(y))),
		uint64(int64(int32(x>>32)) * int64(int32(y>>32))),
	}
}

func extmulU32(x, y uint64) V128 {
	return V128{(x & 0xFFFFFFFF) * (y & 0xFFFFFFFF), (x >> 32) * (y >> 32)}
}

func i16x8ExtmulLowI8x16S(a, b V128) V128  { return extmulS8(a.Lo, b.Lo) }
func i16x8ExtmulHighI8x16S(a, b V128) V128 { return extmulS8(a.Hi, b.Hi) }
func i16x8ExtmulLowI8x16U(a, b V128) V128  { return extmulU8(a.Lo, b.Lo) }
func i16x8ExtmulHighI8x16U(a, b V128) V128 { return extmulU8(a.Hi, b.Hi) }
func i32x4ExtmulLowI16x8S(a, b V128) V128  { return extmulS16(a.Lo, b.Lo) }
func i32x4ExtmulHighI16x8S(a, b V128) V128 { return extmulS16(a.Hi, b.Hi) }
func i32x4ExtmulLowI16x8U(a, b V128) V128  { return extmulU16(a.Lo, b.Lo) }
func i32x4ExtmulHighI16x8U(a, b V128) V128 { return extmulU16(a.Hi, b.Hi) }
func i64x2ExtmulLowI32x4S(a, b V128) V128  { return extmulS32(a.Lo, b.Lo) }
func i64x2ExtmulHighI32x4S(a, b V128) V128 { return extmulS32(a.Hi, b.Hi) }
func i64x2ExtmulLowI32x4U(a, b V128) V128  { return extmulU32(a.Lo, b.Lo) }
func i64x2ExtmulHighI32x4U(a, b V128) V128 { return extmulU32(a.Hi, b.Hi) }

// Pairwise widening addition of adjacent lanes.

func i16x8ExtaddPairwiseI8x16S(a V128) V128 {
	x := a.u8()
	var r [8]uint16
	for i := range r {
		r[i] = uint16(int16(int8(x[2*i])) + int16(int8(x[2*i+1])))
	}
	return fromU16(&r)
}

func i16x8ExtaddPairwiseI8x16U(a V128) V128 {
	x := a.u8()
	var r [8]uint16
	for i := range r {
		r[i] = uint16(x[2*i]) + uint16(x[2*i+1])
	}
	return fromU16(&r)
}

func i32x4ExtaddPairwiseI16x8S(a V128) V128 {
	x := a.u16()
	var r [4]uint32
	for i := range r {
		r[i] = uint32(int32(int16(x[2*i])) + int32(int16(x[2*i+1])))
	}
	return fromU32(&r)
}

func i32x4ExtaddPairwiseI16x8U(a V128) V128 {
	x := a.u16()
	var r [4]uint32
	for i := range r {
		r[i] = uint32(x[2*i]) + uint32(x[2*i+1])
	}
	return fromU32(&r)
}
