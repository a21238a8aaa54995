package wasm

import "encoding/binary"

// CodeReader reads the instructions of a validated function body: the one
// instruction reader of the execution tiers (the interpreter's lowering and
// the JIT's front end). It checks nothing: validation did, so every read is
// within the body and every immediate well formed.
type CodeReader struct {
	Body []byte
	Pos  int
}

// Opcode reads an opcode, with its prefix's sub-opcode for 0xFC and 0xFD.
func (r *CodeReader) Opcode() Opcode {
	b := r.Body[r.Pos]
	r.Pos++
	if b == 0xFC || b == 0xFD {
		return Opcode(b)<<8 | Opcode(r.U32())
	}
	return Opcode(b)
}

// Byte reads one byte: a reserved memory or table index, a lane, a
// reference type.
func (r *CodeReader) Byte() byte {
	b := r.Body[r.Pos]
	r.Pos++
	return b
}

// U32 reads an unsigned LEB128: an index, a count, an alignment, an offset.
func (r *CodeReader) U32() uint32 {
	if b := r.Body[r.Pos]; b < 0x80 {
		r.Pos++
		return uint32(b)
	}
	var v uint32
	for shift := uint(0); ; shift += 7 {
		b := r.Body[r.Pos]
		r.Pos++
		v |= uint32(b&0x7F) << shift
		if b < 0x80 {
			return v
		}
	}
}

// S64 reads a signed LEB128 of up to 64 bits: an i32 or i64 constant, or a
// block type index.
func (r *CodeReader) S64() int64 {
	var v int64
	var shift uint
	for {
		b := r.Body[r.Pos]
		r.Pos++
		v |= int64(b&0x7F) << shift
		shift += 7
		if b < 0x80 {
			if shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
	}
}

// I32 reads the immediate of i32.const, as its bits zero-extended.
func (r *CodeReader) I32() uint64 { return uint64(uint32(int32(r.S64()))) }

// F32 reads the immediate of f32.const, as its bits.
func (r *CodeReader) F32() uint64 {
	v := binary.LittleEndian.Uint32(r.Body[r.Pos:])
	r.Pos += 4
	return uint64(v)
}

// F64 reads the immediate of f64.const, as its bits.
func (r *CodeReader) F64() uint64 {
	v := binary.LittleEndian.Uint64(r.Body[r.Pos:])
	r.Pos += 8
	return v
}

// V128 reads the immediate of v128.const.
func (r *CodeReader) V128() (lo, hi uint64) {
	lo = binary.LittleEndian.Uint64(r.Body[r.Pos:])
	hi = binary.LittleEndian.Uint64(r.Body[r.Pos+8:])
	r.Pos += 16
	return lo, hi
}

// Lanes reads the 16 lane indexes of i8x16.shuffle.
func (r *CodeReader) Lanes() (lanes [16]byte) {
	copy(lanes[:], r.Body[r.Pos:r.Pos+16])
	r.Pos += 16
	return lanes
}

// MemArg reads a memory access's alignment exponent and offset.
func (r *CodeReader) MemArg() (align uint32, offset uint64) {
	align = r.U32()
	return align, uint64(r.U32())
}

// BlockType reads a block type of module m: empty, one value type, or an
// index of m's types.
func (r *CodeReader) BlockType(m *Module) *FuncType {
	b := r.Body[r.Pos]
	if b == 0x40 {
		r.Pos++
		return &emptyBlockType
	}
	if t := &valueBlockTypes[b]; t.Results != nil {
		r.Pos++
		return t
	}
	return &m.Types[r.S64()]
}

// BrTable reads the targets of br_table into targets (reused), the default
// last.
func (r *CodeReader) BrTable(targets []uint32) []uint32 {
	n := int(r.U32())
	targets = targets[:0]
	for range n + 1 {
		targets = append(targets, r.U32())
	}
	return targets
}

// Skip reads and discards the immediates of op, an opcode Opcode returned.
func (r *CodeReader) Skip(op Opcode) {
	in := op.info()
	if in == nil {
		return
	}
	switch in.imm {
	case immBlockType:
		r.S64()
	case immLabel, immFunc, immLocal, immGlobal, immTable, immData, immElem:
		r.U32()
	case immBrTable:
		n := r.U32()
		for range n + 1 {
			r.U32()
		}
	case immCallIndirect, immElemTable, immTableTable, immMemarg:
		r.U32()
		r.U32()
	case immSelectT:
		r.Pos += int(r.U32())
	case immMemory, immRefType, immLane:
		r.Pos++
	case immI32, immI64:
		r.S64()
	case immF32:
		r.Pos += 4
	case immF64:
		r.Pos += 8
	case immDataMemory:
		r.U32()
		r.Pos++
	case immMemoryMemory:
		r.Pos += 2
	case immV128, immShuffle:
		r.Pos += 16
	case immMemargLane:
		r.U32()
		r.U32()
		r.Pos++
	}
}
