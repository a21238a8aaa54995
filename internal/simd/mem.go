package simd

import (
	"encoding/binary"

	"github.com/terra-runtime/terra/wasm"
)

// Load implements the SIMD loads that produce a whole vector: v128.load, the
// extending loads, the splatting loads and the zero-filling loads. mem holds
// the op.AccessSize() bytes read from memory.
func Load(op wasm.Opcode, mem []byte) V128 {
	switch op {
	case wasm.OpV128Load:
		return V128{binary.LittleEndian.Uint64(mem), binary.LittleEndian.Uint64(mem[8:])}
	case wasm.OpV128Load8x8S:
		return extendS8(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load8x8U:
		return extendU8(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load16x4S:
		return extendS16(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load16x4U:
		return extendU16(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load32x2S:
		return extendS32(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load32x2U:
		return extendU32(binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load8Splat:
		return Splat(wasm.OpI8x16Splat, uint64(mem[0]))
	case wasm.OpV128Load16Splat:
		return Splat(wasm.OpI16x8Splat, uint64(binary.LittleEndian.Uint16(mem)))
	case wasm.OpV128Load32Splat:
		return Splat(wasm.OpI32x4Splat, uint64(binary.LittleEndian.Uint32(mem)))
	case wasm.OpV128Load64Splat:
		return Splat(wasm.OpI64x2Splat, binary.LittleEndian.Uint64(mem))
	case wasm.OpV128Load32Zero:
		return V128{Lo: uint64(binary.LittleEndian.Uint32(mem))}
	case wasm.OpV128Load64Zero:
		return V128{Lo: binary.LittleEndian.Uint64(mem)}
	}
	panic("simd: Load of " + op.String())
}

// LoadLane implements v128.load8_lane to v128.load64_lane: a with the given
// lane replaced by the op.AccessSize() bytes in mem.
func LoadLane(op wasm.Opcode, a V128, lane byte, mem []byte) V128 {
	i := uint(lane)
	switch op {
	case wasm.OpV128Load8Lane:
		return a.withLane(1, i, uint64(mem[0]))
	case wasm.OpV128Load16Lane:
		return a.withLane(2, i, uint64(binary.LittleEndian.Uint16(mem)))
	case wasm.OpV128Load32Lane:
		return a.withLane(4, i, uint64(binary.LittleEndian.Uint32(mem)))
	case wasm.OpV128Load64Lane:
		return a.withLane(8, i, binary.LittleEndian.Uint64(mem))
	}
	panic("simd: LoadLane of " + op.String())
}

// StoreLane implements v128.store8_lane to v128.store64_lane: it writes the
// given lane of a into mem, which holds op.AccessSize() bytes.
func StoreLane(op wasm.Opcode, a V128, lane byte, mem []byte) {
	i := uint(lane)
	switch op {
	case wasm.OpV128Store8Lane:
		mem[0] = byte(a.lane(1, i))
	case wasm.OpV128Store16Lane:
		binary.LittleEndian.PutUint16(mem, uint16(a.lane(2, i)))
	case wasm.OpV128Store32Lane:
		binary.LittleEndian.PutUint32(mem, uint32(a.lane(4, i)))
	case wasm.OpV128Store64Lane:
		binary.LittleEndian.PutUint64(mem, a.lane(8, i))
	default:
		panic("simd: StoreLane of " + op.String())
	}
}
