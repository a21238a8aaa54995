package interp

import (
	"encoding/binary"

	"github.com/terra-runtime/terra/internal/simd"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Kinds of opSIMD, in bits 8-15 of its immediate.
const (
	simdUnary = iota
	simdBinary
	simdShift
	simdTest
	simdSplat
	simdExtract
	simdReplace
)

// inBounds reports whether [off, off+n) lies within a length.
func inBounds(off, n uint32, length int) bool {
	return uint64(off)+uint64(n) <= uint64(length)
}

// rare executes the instructions that are neither control flow nor scalar
// arithmetic: bulk memory, tables, saturating truncation and SIMD. It returns
// the memory, which memory.grow may have replaced.
func rare(in *inst, fr []uint64, fn *function, inst *store.Instance, mem []byte) (store.TrapKind, []byte) {
	switch in.op {
	case opMemorySize:
		fr[in.a] = uint64(inst.Memories[0].Pages())
	case opMemoryGrow:
		r := inst.Memories[0].Grow(uint32(fr[in.b]))
		fr[in.a] = uint64(uint32(int32(r)))
		mem = inst.Memories[0].Bytes
	case opMemoryInit:
		d, s, n := uint32(fr[in.b]), uint32(fr[in.b+1]), uint32(fr[in.b+2])
		seg := inst.Data(in.c)
		if !inBounds(s, n, len(seg)) || !inBounds(d, n, len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		copy(mem[d:], seg[s:s+n])
	case opDataDrop:
		inst.DropData(in.c)
	case opMemoryCopy:
		d, s, n := uint32(fr[in.b]), uint32(fr[in.b+1]), uint32(fr[in.b+2])
		if !inBounds(s, n, len(mem)) || !inBounds(d, n, len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		copy(mem[d:d+n], mem[s:s+n])
	case opMemoryFill:
		d, v, n := uint32(fr[in.b]), byte(fr[in.b+1]), uint32(fr[in.b+2])
		if !inBounds(d, n, len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		p := mem[d : d+n]
		for i := range p {
			p[i] = v
		}
	case opTableInit:
		d, s, n := uint32(fr[in.b]), uint32(fr[in.b+1]), uint32(fr[in.b+2])
		if !inst.Tables[in.imm].Init(inst.Store, d, inst.Elems[in.c], s, n) {
			return store.TrapTableOutOfBounds, mem
		}
	case opElemDrop:
		inst.Elems[in.c] = nil
	case opTableCopy:
		d, s, n := uint32(fr[in.b]), uint32(fr[in.b+1]), uint32(fr[in.b+2])
		if !inst.Tables[in.c].Copy(d, inst.Tables[in.imm], s, n) {
			return store.TrapTableOutOfBounds, mem
		}
	case opTableGrow:
		r := inst.Tables[in.c].Grow(inst.Store, uint32(fr[in.b+1]), fr[in.b])
		fr[in.a] = uint64(uint32(int32(r)))
	case opTableSize:
		fr[in.a] = uint64(inst.Tables[in.c].Size())
	case opTableFill:
		d, v, n := uint32(fr[in.b]), fr[in.b+1], uint32(fr[in.b+2])
		if !inst.Tables[in.c].Fill(inst.Store, d, n, v) {
			return store.TrapTableOutOfBounds, mem
		}
	case opTableGet:
		v, ok := inst.Tables[in.c].Get(uint32(fr[in.b]))
		if !ok {
			return store.TrapTableOutOfBounds, mem
		}
		fr[in.a] = v
	case opTableSet:
		if !inst.Tables[in.c].Set(inst.Store, uint32(fr[in.a]), fr[in.b]) {
			return store.TrapTableOutOfBounds, mem
		}
	case opTruncSat:
		fr[in.a] = truncSat(in.imm, fr[in.b])
	case opV128Const:
		fr[in.a], fr[in.a+1] = in.imm, uint64(in.c)|uint64(in.b)<<32
	case opV128Load:
		op := wasm.PrefixSIMD | wasm.Opcode(in.imm)
		ea, n := uint64(uint32(fr[in.b]))+uint64(in.c), uint64(op.AccessSize())
		if ea+n > uint64(len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		v := simd.Load(op, mem[ea:ea+n])
		fr[in.a], fr[in.a+1] = v.Lo, v.Hi
	case opV128Store:
		ea := uint64(uint32(fr[in.b])) + uint64(in.c)
		if ea+16 > uint64(len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		binary.LittleEndian.PutUint64(mem[ea:], fr[in.a])
		binary.LittleEndian.PutUint64(mem[ea+8:], fr[in.a+1])
	case opV128Lane:
		op := wasm.PrefixSIMD | wasm.Opcode(in.imm&0xFF)
		lane := byte(in.imm >> 8)
		ea, n := uint64(uint32(fr[in.b]))+uint64(in.c), uint64(op.AccessSize())
		if ea+n > uint64(len(mem)) {
			return store.TrapMemoryOutOfBounds, mem
		}
		if op >= wasm.OpV128Store8Lane {
			simd.StoreLane(op, simd.V128{Lo: fr[in.a], Hi: fr[in.a+1]}, lane, mem[ea:ea+n])
			break
		}
		src := uint32(in.imm >> 16)
		v := simd.LoadLane(op, simd.V128{Lo: fr[src], Hi: fr[src+1]}, lane, mem[ea:ea+n])
		fr[in.a], fr[in.a+1] = v.Lo, v.Hi
	case opSIMD:
		execSIMD(in, fr)
	case opSIMDShuf:
		v := simd.Shuffle(simd.V128{Lo: fr[in.b], Hi: fr[in.b+1]}, simd.V128{Lo: fr[in.c], Hi: fr[in.c+1]}, &fn.shuffles[in.imm])
		fr[in.a], fr[in.a+1] = v.Lo, v.Hi
	case opSIMDTern:
		c := uint32(in.imm)
		v := simd.Bitselect(simd.V128{Lo: fr[in.b], Hi: fr[in.b+1]}, simd.V128{Lo: fr[in.c], Hi: fr[in.c+1]},
			simd.V128{Lo: fr[c], Hi: fr[c+1]})
		fr[in.a], fr[in.a+1] = v.Lo, v.Hi
	default:
		panic("interp: unknown lowered instruction")
	}
	return 0, mem
}

func execSIMD(in *inst, fr []uint64) {
	sub := in.imm & 0xFF
	op := wasm.PrefixSIMD | wasm.Opcode(sub)
	lane := byte(in.imm >> 16)
	a := simd.V128{Lo: fr[in.b]}
	if in.imm>>8&0xFF != simdSplat {
		a.Hi = fr[in.b+1]
	}
	var r simd.V128
	switch in.imm >> 8 & 0xFF {
	case simdUnary:
		r = simd.Unary[sub](a)
	case simdBinary:
		r = simd.Binary[sub](a, simd.V128{Lo: fr[in.c], Hi: fr[in.c+1]})
	case simdShift:
		r = simd.Shift[sub](a, uint32(fr[in.c]))
	case simdTest:
		fr[in.a] = uint64(simd.Test[sub](a))
		return
	case simdSplat:
		r = simd.Splat(op, a.Lo)
	case simdExtract:
		fr[in.a] = simd.ExtractLane(op, a, lane)
		return
	case simdReplace:
		r = simd.ReplaceLane(op, a, lane, fr[in.c])
	}
	fr[in.a], fr[in.a+1] = r.Lo, r.Hi
}
