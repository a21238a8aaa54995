// Package simd implements the semantics of the WebAssembly 2.0 SIMD (v128)
// instructions as pure functions on 128-bit values, for the execution tiers
// to call. Most instructions are reached through the tables Unary, Binary,
// Shift and Test, indexed by the sub-opcode (the byte after the 0xFD prefix);
// those with immediates or scalar operands have functions of their own.
//
// v128.const and v128.store need no function: the caller materialises the
// constant and writes the value's 16 bytes itself.
package simd

import (
	"encoding/binary"

	"github.com/terra-runtime/terra/wasm"
)

// V128 is a 128-bit vector. Byte i of the vector (lane 0 at the lowest
// memory address) is byte i of Lo for i < 8 and byte i-8 of Hi otherwise,
// both read little-endian: Lo and Hi are the two halves as loaded from memory.
type V128 struct{ Lo, Hi uint64 }

// The lanes of a vector as arrays, and back. The arrays live on the stack and
// the conversions are a handful of shifts, so the operations below are plain
// loops over lanes that the compiler keeps in registers or stack slots.

func (v V128) u8() (r [16]uint8) {
	binary.LittleEndian.PutUint64(r[:8], v.Lo)
	binary.LittleEndian.PutUint64(r[8:], v.Hi)
	return r
}

func fromU8(r *[16]uint8) V128 {
	return V128{binary.LittleEndian.Uint64(r[:8]), binary.LittleEndian.Uint64(r[8:])}
}

func (v V128) u16() (r [8]uint16) {
	for i := range 4 {
		r[i] = uint16(v.Lo >> (16 * i))
		r[i+4] = uint16(v.Hi >> (16 * i))
	}
	return r
}

func fromU16(r *[8]uint16) (v V128) {
	for i := range 4 {
		v.Lo |= uint64(r[i]) << (16 * i)
		v.Hi |= uint64(r[i+4]) << (16 * i)
	}
	return v
}

func (v V128) u32() [4]uint32 {
	return [4]uint32{uint32(v.Lo), uint32(v.Lo >> 32), uint32(v.Hi), uint32(v.Hi >> 32)}
}

func fromU32(r *[4]uint32) V128 {
	return V128{uint64(r[0]) | uint64(r[1])<<32, uint64(r[2]) | uint64(r[3])<<32}
}

// lane returns lane i of the vector seen as lanes of size bytes, zero-extended.
func (v V128) lane(size, i uint) uint64 {
	off := i * size * 8
	w := v.Lo
	if off >= 64 {
		w, off = v.Hi, off-64
	}
	// For size 8 the shift yields 0 and the mask all ones.
	return w >> off & (1<<(size*8) - 1)
}

// withLane returns v with lane i (of size bytes) replaced by the low bits of x.
func (v V128) withLane(size, i uint, x uint64) V128 {
	off := i * size * 8
	m := uint64(1)<<(size*8) - 1
	w := &v.Lo
	if off >= 64 {
		w, off = &v.Hi, off-64
	}
	*w = *w&^(m<<off) | (x&m)<<off
	return v
}

// mask converts a lane comparison result to the all-ones or all-zeros lane.
func mask[T uint8 | uint16 | uint32 | uint64](c bool) T {
	if c {
		return ^T(0)
	}
	return 0
}

// Bitselect implements v128.bitselect: the bits of a where c is 1, of b where
// c is 0.
func Bitselect(a, b, c V128) V128 {
	return V128{a.Lo&c.Lo | b.Lo&^c.Lo, a.Hi&c.Hi | b.Hi&^c.Hi}
}

// Shuffle implements i8x16.shuffle: lane i of the result is lane lanes[i] of
// the 32-lane concatenation of a and b. The validator has checked that every
// index is below 32.
func Shuffle(a, b V128, lanes *[16]byte) V128 {
	var ab [32]byte
	binary.LittleEndian.PutUint64(ab[0:], a.Lo)
	binary.LittleEndian.PutUint64(ab[8:], a.Hi)
	binary.LittleEndian.PutUint64(ab[16:], b.Lo)
	binary.LittleEndian.PutUint64(ab[24:], b.Hi)
	var r [16]byte
	for i, l := range lanes {
		r[i] = ab[l&31] // the mask only spares a bounds check
	}
	return fromU8(&r)
}

// Splat implements the splat instructions (sub-opcodes 0x0F to 0x14): x holds
// the scalar operand as cell bits, and only its low lane-size bits are used.
func Splat(op wasm.Opcode, x uint64) V128 {
	switch op {
	case wasm.OpI8x16Splat:
		x = uint64(uint8(x)) * 0x0101010101010101
	case wasm.OpI16x8Splat:
		x = uint64(uint16(x)) * 0x0001000100010001
	case wasm.OpI32x4Splat, wasm.OpF32x4Splat:
		x = uint64(uint32(x)) * 0x0000000100000001
	case wasm.OpI64x2Splat, wasm.OpF64x2Splat:
	default:
		panic("simd: Splat of " + op.String())
	}
	return V128{x, x}
}

// ExtractLane implements the extract_lane instructions and returns the scalar
// as cell bits: i8 and i16 lanes sign-extended (_s) or zero-extended (_u) to
// 32 bits, then zero-extended to 64; f32 lanes as their bits. The validator
// has checked the lane index.
func ExtractLane(op wasm.Opcode, a V128, lane byte) uint64 {
	i := uint(lane)
	switch op {
	case wasm.OpI8x16ExtractLaneS:
		return uint64(uint32(int8(a.lane(1, i))))
	case wasm.OpI8x16ExtractLaneU:
		return a.lane(1, i)
	case wasm.OpI16x8ExtractLaneS:
		return uint64(uint32(int16(a.lane(2, i))))
	case wasm.OpI16x8ExtractLaneU:
		return a.lane(2, i)
	case wasm.OpI32x4ExtractLane, wasm.OpF32x4ExtractLane:
		return a.lane(4, i)
	case wasm.OpI64x2ExtractLane, wasm.OpF64x2ExtractLane:
		return a.lane(8, i)
	}
	panic("simd: ExtractLane of " + op.String())
}

// ReplaceLane implements the replace_lane instructions: x holds the scalar as
// cell bits, of which the low lane-size bits are stored.
func ReplaceLane(op wasm.Opcode, a V128, lane byte, x uint64) V128 {
	var size uint
	switch op {
	case wasm.OpI8x16ReplaceLane:
		size = 1
	case wasm.OpI16x8ReplaceLane:
		size = 2
	case wasm.OpI32x4ReplaceLane, wasm.OpF32x4ReplaceLane:
		size = 4
	case wasm.OpI64x2ReplaceLane, wasm.OpF64x2ReplaceLane:
		size = 8
	default:
		panic("simd: ReplaceLane of " + op.String())
	}
	return a.withLane(size, uint(lane), x)
}
