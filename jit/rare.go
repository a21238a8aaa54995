package jit

import (
	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// rare runs an instruction that machine code leaves to Go (see
// abi.ExitRare), with the semantics the interpreter gives it.
func (s *callState) rare() error {
	cc := &s.call.Native
	inst := store.InstanceOf(pointer(&cc.ExitContext))
	o, imm1, imm2 := abi.UnpackRare(cc.ExitArg)
	op := wasm.Opcode(o)
	n := rareOperands[op]
	area := cellsAt(&cc.ExitArgs, n)
	arg := func(i int) uint32 { return uint32(area[n-1-i]) }
	ref := func(i int) uint64 { return area[n-1-i] }
	var trap store.TrapKind
	switch op {
	case wasm.OpMemoryGrow:
		cc.ExitResult = uint64(uint32(int32(inst.Memories[0].Grow(arg(0)))))
	case wasm.OpMemoryInit:
		d, src, k := arg(0), arg(1), arg(2)
		seg, mem := inst.Data(imm1), inst.Memories[0].Bytes
		if !fits(src, k, len(seg)) || !fits(d, k, len(mem)) {
			trap = store.TrapMemoryOutOfBounds
			break
		}
		copy(mem[d:], seg[src:src+k])
	case wasm.OpDataDrop:
		inst.DropData(imm1)
	case wasm.OpMemoryCopy:
		d, src, k := arg(0), arg(1), arg(2)
		mem := inst.Memories[0].Bytes
		if !fits(src, k, len(mem)) || !fits(d, k, len(mem)) {
			trap = store.TrapMemoryOutOfBounds
			break
		}
		copy(mem[d:d+k], mem[src:src+k])
	case wasm.OpMemoryFill:
		d, v, k := arg(0), byte(arg(1)), arg(2)
		mem := inst.Memories[0].Bytes
		if !fits(d, k, len(mem)) {
			trap = store.TrapMemoryOutOfBounds
			break
		}
		b := mem[d : d+k]
		for i := range b {
			b[i] = v
		}
	case wasm.OpTableGet:
		v, ok := inst.Tables[imm1].Get(arg(0))
		if !ok {
			trap = store.TrapTableOutOfBounds
		}
		cc.ExitResult = v
	case wasm.OpTableSet:
		if !inst.Tables[imm1].Set(inst.Store, arg(0), ref(1)) {
			trap = store.TrapTableOutOfBounds
		}
	case wasm.OpTableGrow:
		cc.ExitResult = uint64(uint32(int32(inst.Tables[imm1].Grow(inst.Store, arg(1), ref(0)))))
	case wasm.OpTableFill:
		if !inst.Tables[imm1].Fill(inst.Store, arg(0), arg(2), ref(1)) {
			trap = store.TrapTableOutOfBounds
		}
	case wasm.OpTableCopy:
		if !inst.Tables[imm1].Copy(arg(0), inst.Tables[imm2], arg(1), arg(2)) {
			trap = store.TrapTableOutOfBounds
		}
	case wasm.OpTableInit:
		if !inst.Tables[imm2].Init(inst.Store, arg(0), inst.Elems[imm1], arg(1), arg(2)) {
			trap = store.TrapTableOutOfBounds
		}
	case wasm.OpElemDrop:
		inst.Elems[imm1] = nil
	}
	if trap != 0 {
		return s.call.Trap(trap, s.exitFrames())
	}
	return nil
}

// rareOperands counts the operands of the instructions rare runs.
var rareOperands = map[wasm.Opcode]int{
	wasm.OpMemoryGrow: 1, wasm.OpMemoryInit: 3, wasm.OpMemoryCopy: 3, wasm.OpMemoryFill: 3,
	wasm.OpTableGet: 1, wasm.OpTableSet: 2, wasm.OpTableGrow: 2, wasm.OpTableFill: 3,
	wasm.OpTableCopy: 3, wasm.OpTableInit: 3,
}

// fits reports whether [off, off+n) lies within size.
func fits(off, n uint32, size int) bool { return uint64(off)+uint64(n) <= uint64(size) }
