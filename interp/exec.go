package interp

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// slots returns a pointer to stack[fp]; the stack always extends past the
// current frame (see machine.ensure), so the pointer stays inside it.
func slots(stack []uint64, fp int) unsafe.Pointer {
	return unsafe.Pointer(&stack[fp])
}

// at returns the address of slot i of the frame at p.
func at(p unsafe.Pointer, i uint32) *uint64 {
	return (*uint64)(unsafe.Add(p, uintptr(i)*8))
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func f32(x uint64) float32  { return math.Float32frombits(uint32(x)) }
func f64(x uint64) float64  { return math.Float64frombits(x) }
func u32f(x float32) uint64 { return uint64(math.Float32bits(x)) }
func u64f(x float64) uint64 { return math.Float64bits(x) }

// run executes fn of inst on the machine's stack with its frame at 0, until
// it returns. Results are left at the bottom of the stack.
//
// Only what nearly every instruction uses lives in local variables (the
// code, pc, frame pointer and memory); the state of calls is in the machine.
// Go's register allocator spills every live variable at the head of a loop
// this large, so fewer locals make every instruction cheaper.
func (m *machine) run(fn *function, inst *store.Instance, fp int) error {
	m.fn, m.inst, m.fp, m.depth = fn, inst, fp, 0
	m.mcode = codeOf(inst)
	m.mem = memOf(inst)
	code, pc, mem := fn.code, 0, m.mem
	// frp points at the current frame's first slot; it changes only at calls
	// and returns. Slots are read through it without bounds checks: lowering
	// verifies that every slot operand lies within the function's frame
	// (verifySlots), and calls ensure the stack holds the whole frame.
	frp := slots(m.stack, fp)
	var trap store.TrapKind

loop:
	for {
		in := &code[pc]
		pc++
		switch in.op {
		case opUnreachable:
			trap = store.TrapUnreachable
			break loop
		case opNop:
		case opBr:
			pc = int(in.a)
		case opBrIf:
			if uint32(*at(frp, in.b)) != 0 {
				if in.imm&backEdge != 0 {
					if m.budget -= pc - int(in.a); m.budget <= 0 {
						if pc = m.backEdgeAt(int(in.a)); pc < 0 {
							break loop
						}
						mem = m.mem
						continue
					}
				}
				pc = int(in.a)
			}
		case opBrIfNot:
			if uint32(*at(frp, in.b)) == 0 {
				if in.imm&backEdge != 0 {
					if m.budget -= pc - int(in.a); m.budget <= 0 {
						if pc = m.backEdgeAt(int(in.a)); pc < 0 {
							break loop
						}
						mem = m.mem
						continue
					}
				}
				pc = int(in.a)
			}
		case opBrCmp:
			k := op(in.imm)
			var y uint64
			if k >= immFirst {
				// c holds the constant, not a slot: never read it as one.
				k, y = immBase[k], uint64(in.c)
			} else {
				y = *at(frp, in.c)
			}
			x := *at(frp, in.b)
			var taken bool
			switch wasm.Opcode(k) {
			case wasm.OpI32Eqz:
				taken = uint32(x) == 0
			case wasm.OpI32Eq:
				taken = uint32(x) == uint32(y)
			case wasm.OpI32Ne:
				taken = uint32(x) != uint32(y)
			case wasm.OpI32LtS:
				taken = int32(x) < int32(y)
			case wasm.OpI32LtU:
				taken = uint32(x) < uint32(y)
			case wasm.OpI32GtS:
				taken = int32(x) > int32(y)
			case wasm.OpI32GtU:
				taken = uint32(x) > uint32(y)
			case wasm.OpI32LeS:
				taken = int32(x) <= int32(y)
			case wasm.OpI32LeU:
				taken = uint32(x) <= uint32(y)
			case wasm.OpI32GeS:
				taken = int32(x) >= int32(y)
			case wasm.OpI32GeU:
				taken = uint32(x) >= uint32(y)
			default:
				r, _ := numericOp(k, x, y)
				taken = r != 0
			}
			if taken != (in.imm&negate != 0) {
				if in.imm&backEdge != 0 {
					if m.budget -= pc - int(in.a); m.budget <= 0 {
						if pc = m.backEdgeAt(int(in.a)); pc < 0 {
							break loop
						}
						mem = m.mem
						continue
					}
				}
				pc = int(in.a)
			}
		case opBrTable:
			i := uint32(*at(frp, in.b))
			if i >= in.c-1 {
				i = in.c - 1
			}
			pc = int(m.fn.tables[in.a+i])
		case opBrBack:
			m.budget -= pc - int(in.a)
			if pc = int(in.a); m.budget <= 0 {
				if pc = m.backEdgeAt(pc); pc < 0 {
					break loop
				}
				mem = m.mem
			}
		case opReturn:
			if in.c == 1 {
				*at(frp, 0) = *at(frp, in.b)
			} else {
				fp := m.fp
				copy(m.stack[fp:fp+int(in.c)], m.stack[fp+int(in.b):fp+int(in.b+in.c)])
			}
			if m.depth == 0 {
				return nil
			}
			if f := &m.frames[len(m.frames)-1]; f.inst == m.inst {
				// Back into the same instance: only the frame changes.
				m.depth--
				m.fn, m.fp, pc = f.fn, f.fp, f.pc
				m.frames = m.frames[:len(m.frames)-1]
				code, frp = m.fn.code, slots(m.stack, m.fp)
				continue
			}
			pc = m.leave()
			code, frp, mem = m.fn.code, slots(m.stack, m.fp), m.mem
		case opCallLocal:
			// The common call, inline: a function of this module, already
			// lowered, within the limits, with no poll due. Anything else
			// takes the general path.
			callee := m.mcode.funcs[in.c].Load()
			newfp := m.fp + int(in.b)
			if callee != nil && m.budget > len(callee.code) && m.depth < m.maxFrames && newfp+int(callee.frame) < len(m.stack) {
				m.budget -= len(callee.code)
				m.depth++
				m.frames = append(m.frames, frame{fn: m.fn, inst: m.inst, pc: pc, fp: m.fp})
				stack := m.stack
				for i := newfp + int(callee.params); i < newfp+int(callee.locals); i++ {
					stack[i] = 0
				}
				m.fn, m.fp = callee, newfp
				code, pc, frp = callee.code, 0, slots(stack, newfp)
				continue
			}
			fallthrough
		case opCall, opCallInd:
			k, err := m.enter(in, frp, pc)
			if err != nil {
				return err
			}
			if k != 0 {
				trap = k
				break loop
			}
			pc = 0
			if m.called == nil {
				pc = m.pc // a host function ran: carry on after the call
			}
			code, frp, mem = m.fn.code, slots(m.stack, m.fp), m.mem
		case opCopy:
			*at(frp, in.a) = *at(frp, in.b)
		case opCopy2:
			*at(frp, in.a), *at(frp, in.a+1) = *at(frp, in.b), *at(frp, in.b+1)
		case opConst:
			*at(frp, in.a) = in.imm
		case opSelect:
			if uint32(*at(frp, uint32(in.imm))) != 0 {
				*at(frp, in.a) = *at(frp, in.b)
			} else {
				*at(frp, in.a) = *at(frp, in.c)
			}
		case opSelect2:
			if uint32(*at(frp, uint32(in.imm))) != 0 {
				*at(frp, in.a), *at(frp, in.a+1) = *at(frp, in.b), *at(frp, in.b+1)
			} else {
				*at(frp, in.a), *at(frp, in.a+1) = *at(frp, in.c), *at(frp, in.c+1)
			}
		case opGlobalGet:
			*at(frp, in.a) = m.inst.Globals[in.b].Lo
		case opGlobalSet:
			m.inst.Globals[in.a].Lo = *at(frp, in.b)
		case opGlobalGet2:
			g := m.inst.Globals[in.b]
			*at(frp, in.a), *at(frp, in.a+1) = g.Lo, g.Hi
		case opGlobalSet2:
			g := m.inst.Globals[in.a]
			g.Lo, g.Hi = *at(frp, in.b), *at(frp, in.b+1)
		case opRefFunc:
			*at(frp, in.a) = m.inst.Funcs[in.b].Handle
		case opRefIsNull:
			*at(frp, in.a) = b2u(*at(frp, in.b) == 0)
		// The hottest numeric and memory instructions, inline; the rest go
		// through numericOp and memoryAccess below.
		case op(wasm.OpI32Add):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) + uint32(*at(frp, in.c)))
		case op(wasm.OpI32Sub):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) - uint32(*at(frp, in.c)))
		case op(wasm.OpI32Mul):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) * uint32(*at(frp, in.c)))
		case op(wasm.OpI32And):
			*at(frp, in.a) = *at(frp, in.b) & *at(frp, in.c)
		case op(wasm.OpI32Or):
			*at(frp, in.a) = *at(frp, in.b) | *at(frp, in.c)
		case op(wasm.OpI32Xor):
			*at(frp, in.a) = *at(frp, in.b) ^ *at(frp, in.c)
		case op(wasm.OpI32Shl):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) << (*at(frp, in.c) & 31))
		case op(wasm.OpI32ShrU):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) >> (*at(frp, in.c) & 31))
		case op(wasm.OpI32ShrS):
			*at(frp, in.a) = uint64(uint32(int32(*at(frp, in.b)) >> (*at(frp, in.c) & 31)))
		case op(wasm.OpI32Eqz):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) == 0)
		case op(wasm.OpI32Eq):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) == uint32(*at(frp, in.c)))
		case op(wasm.OpI32Ne):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) != uint32(*at(frp, in.c)))
		case op(wasm.OpI32LtS):
			*at(frp, in.a) = b2u(int32(*at(frp, in.b)) < int32(*at(frp, in.c)))
		case op(wasm.OpI32LtU):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) < uint32(*at(frp, in.c)))
		case op(wasm.OpI32GtS):
			*at(frp, in.a) = b2u(int32(*at(frp, in.b)) > int32(*at(frp, in.c)))
		case op(wasm.OpI32GtU):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) > uint32(*at(frp, in.c)))
		case op(wasm.OpI64Add):
			*at(frp, in.a) = *at(frp, in.b) + *at(frp, in.c)
		case op(wasm.OpI64Sub):
			*at(frp, in.a) = *at(frp, in.b) - *at(frp, in.c)
		case op(wasm.OpI64Mul):
			*at(frp, in.a) = *at(frp, in.b) * *at(frp, in.c)
		case op(wasm.OpI64And):
			*at(frp, in.a) = *at(frp, in.b) & *at(frp, in.c)
		case op(wasm.OpI64Or):
			*at(frp, in.a) = *at(frp, in.b) | *at(frp, in.c)
		case op(wasm.OpI64Xor):
			*at(frp, in.a) = *at(frp, in.b) ^ *at(frp, in.c)
		case op(wasm.OpI64Shl):
			*at(frp, in.a) = *at(frp, in.b) << (*at(frp, in.c) & 63)
		case op(wasm.OpI64ShrU):
			*at(frp, in.a) = *at(frp, in.b) >> (*at(frp, in.c) & 63)
		case op(wasm.OpI64ShrS):
			*at(frp, in.a) = uint64(int64(*at(frp, in.b)) >> (*at(frp, in.c) & 63))
		case op(wasm.OpI64Eqz):
			*at(frp, in.a) = b2u(*at(frp, in.b) == 0)
		case op(wasm.OpI64Eq):
			*at(frp, in.a) = b2u(*at(frp, in.b) == *at(frp, in.c))
		case op(wasm.OpI64Ne):
			*at(frp, in.a) = b2u(*at(frp, in.b) != *at(frp, in.c))
		case op(wasm.OpI64LtU):
			*at(frp, in.a) = b2u(*at(frp, in.b) < *at(frp, in.c))
		case op(wasm.OpI64LtS):
			*at(frp, in.a) = b2u(int64(*at(frp, in.b)) < int64(*at(frp, in.c)))
		case op(wasm.OpI32WrapI64):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)))
		case op(wasm.OpI64ExtendI32U):
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)))
		case op(wasm.OpI64ExtendI32S):
			*at(frp, in.a) = uint64(int64(int32(*at(frp, in.b))))
		case op(wasm.OpF64Add):
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) + f64(*at(frp, in.c)))
		case op(wasm.OpF64Sub):
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) - f64(*at(frp, in.c)))
		case op(wasm.OpF64Mul):
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) * f64(*at(frp, in.c)))
		case op(wasm.OpF64Div):
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) / f64(*at(frp, in.c)))
		case op(wasm.OpF32Add):
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) + f32(*at(frp, in.c)))
		case op(wasm.OpF32Mul):
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) * f32(*at(frp, in.c)))
		case opF64AddImm:
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) + f64(in.imm))
		case opF64SubImm:
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) - f64(in.imm))
		case opF64MulImm:
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) * f64(in.imm))
		case opF64DivImm:
			*at(frp, in.a) = u64f(f64(*at(frp, in.b)) / f64(in.imm))
		case opF32AddImm:
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) + f32(in.imm))
		case opF32SubImm:
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) - f32(in.imm))
		case opF32MulImm:
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) * f32(in.imm))
		case opF32DivImm:
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) / f32(in.imm))
		case immI32Add:
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) + uint32(in.imm))
		case immI32Sub:
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) - uint32(in.imm))
		case immI32And:
			*at(frp, in.a) = *at(frp, in.b) & in.imm
		case immI32Shl:
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) << (in.imm & 31))
		case immI32ShrU:
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) >> (in.imm & 31))
		case immI64Add:
			*at(frp, in.a) = *at(frp, in.b) + in.imm
		case immI64And:
			*at(frp, in.a) = *at(frp, in.b) & in.imm
		case op(wasm.OpI32Load):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+4 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = uint64(binary.LittleEndian.Uint32(mem[ea:]))
		case op(wasm.OpI64Load):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+8 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = binary.LittleEndian.Uint64(mem[ea:])
		case op(wasm.OpI32Store):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+4 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			binary.LittleEndian.PutUint32(mem[ea:], uint32(*at(frp, in.a)))
		case op(wasm.OpI64Store):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+8 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			binary.LittleEndian.PutUint64(mem[ea:], *at(frp, in.a))
		case op(wasm.OpF64Load):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+8 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = binary.LittleEndian.Uint64(mem[ea:])
		case op(wasm.OpF64Store):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+8 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			binary.LittleEndian.PutUint64(mem[ea:], *at(frp, in.a))
		case op(wasm.OpF32Load):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+4 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = uint64(binary.LittleEndian.Uint32(mem[ea:]))
		case op(wasm.OpF32Store):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+4 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			binary.LittleEndian.PutUint32(mem[ea:], uint32(*at(frp, in.a)))
		case op(wasm.OpI32Load8S):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea >= uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = uint64(uint32(int32(int8(mem[ea]))))
		case op(wasm.OpI32Load16U):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea+2 > uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = uint64(binary.LittleEndian.Uint16(mem[ea:]))
		case op(wasm.OpI32Rotl):
			*at(frp, in.a) = uint64(bits.RotateLeft32(uint32(*at(frp, in.b)), int(*at(frp, in.c)&31)))
		case op(wasm.OpI32Rotr):
			*at(frp, in.a) = uint64(bits.RotateLeft32(uint32(*at(frp, in.b)), -int(*at(frp, in.c)&31)))
		case op(wasm.OpI64Rotl):
			*at(frp, in.a) = bits.RotateLeft64(*at(frp, in.b), int(*at(frp, in.c)&63))
		case op(wasm.OpI64Rotr):
			*at(frp, in.a) = bits.RotateLeft64(*at(frp, in.b), -int(*at(frp, in.c)&63))
		case op(wasm.OpF64Lt):
			*at(frp, in.a) = b2u(f64(*at(frp, in.b)) < f64(*at(frp, in.c)))
		case op(wasm.OpF64Gt):
			*at(frp, in.a) = b2u(f64(*at(frp, in.b)) > f64(*at(frp, in.c)))
		case op(wasm.OpF64Sqrt):
			*at(frp, in.a) = u64f(math.Sqrt(f64(*at(frp, in.b))))
		case op(wasm.OpF64ConvertI32S):
			*at(frp, in.a) = u64f(float64(int32(*at(frp, in.b))))
		case op(wasm.OpF32Sub):
			*at(frp, in.a) = u32f(f32(*at(frp, in.b)) - f32(*at(frp, in.c)))
		case op(wasm.OpI32GeU):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) >= uint32(*at(frp, in.c)))
		case op(wasm.OpI32LeU):
			*at(frp, in.a) = b2u(uint32(*at(frp, in.b)) <= uint32(*at(frp, in.c)))
		case immI32Or:
			*at(frp, in.a) = *at(frp, in.b) | in.imm
		case immI32Xor:
			*at(frp, in.a) = *at(frp, in.b) ^ in.imm&0xFFFFFFFF
		case immI32ShrS:
			*at(frp, in.a) = uint64(uint32(int32(*at(frp, in.b)) >> (in.imm & 31)))
		case immI32Mul:
			*at(frp, in.a) = uint64(uint32(*at(frp, in.b)) * uint32(in.imm))
		case immI64Shl:
			*at(frp, in.a) = *at(frp, in.b) << (in.imm & 63)
		case immI64ShrU:
			*at(frp, in.a) = *at(frp, in.b) >> (in.imm & 63)
		case immI64Mul:
			*at(frp, in.a) = *at(frp, in.b) * in.imm
		case op(wasm.OpI32Load8U):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea >= uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			*at(frp, in.a) = uint64(mem[ea])
		case op(wasm.OpI32Store8):
			ea := uint64(uint32(*at(frp, in.b))+in.c) + in.imm
			if ea >= uint64(len(mem)) {
				trap = store.TrapMemoryOutOfBounds
				break loop
			}
			mem[ea] = byte(*at(frp, in.a))
		default:
			var k store.TrapKind
			fr := m.stack[m.fp:]
			if wasm.Opcode(in.op).IsScalarMemory() {
				k = memoryAccess(in, fr, mem)
			} else if wasm.Opcode(in.op).IsNumeric() {
				fr[in.a], k = numericOp(in.op, fr[in.b], fr[in.c])
			} else if in.op >= immFirst {
				fr[in.a], k = numericOp(immBase[in.op], fr[in.b], in.imm)
			} else {
				k, mem = rare(in, fr, m.fn, m.inst, mem)
				m.mem = mem
			}
			if k != 0 {
				trap = k
				break loop
			}
		}
	}
	if pc < 0 {
		// Left at a back edge: interrupted, or the rest of the call ran
		// in machine code and failed.
		err := m.backErr
		m.backErr = nil
		return err
	}
	return m.trap(trap, m.fn, m.inst, pc)
}

func memOf(inst *store.Instance) []byte {
	if len(inst.Memories) > 0 {
		return inst.Memories[0].Bytes
	}
	return nil
}

// enter performs the call instruction in at position pc (already advanced
// past it) of the current function. For a wasm callee it pushes a frame and
// makes the callee current, setting m.called; for a host function it runs
// it, leaves m.called nil and sets m.pc to resume at. It returns a trap kind,
// or the error of a host function.
func (m *machine) enter(in *inst, frp unsafe.Pointer, pc int) (store.TrapKind, error) {
	inst := m.inst
	var f *store.Function
	if in.op != opCallInd {
		f = inst.Funcs[in.a]
	} else {
		var k store.TrapKind
		if f, k = inst.Tables[in.c].Call(uint32(*at(frp, uint32(in.imm)))); f == nil {
			return k, nil
		}
		want := &inst.Module.Types[in.a]
		if f.Type != want && !f.Type.Equal(*want) {
			return store.TrapIndirectCallTypeMismatch, nil
		}
	}
	newfp := m.fp + int(in.b)
	if f.Host != nil || (atomic.LoadUintptr(f.Entry) != m.interpEntry && !m.forceOSR) {
		// A host function, or one that another tier runs: the engine
		// calls it on the frame's slots.
		m.budget--
		if m.budget <= 0 && m.poll(pc, m.inst, m.fn.index, false) {
			return store.TrapInterrupted, nil
		}
		n := max(cells(f.Type.Params), cells(f.Type.Results))
		if !m.ensure(newfp + n + 1) {
			return store.TrapStackExhausted, nil
		}
		m.suspend(pc)
		args := m.stack[newfp : newfp+n]
		if err := m.call.Invoke(inst, f, args); err != nil {
			return 0, m.hostTrap(err, f, pc)
		}
		// A nested run on this machine may have grown the stack.
		copy(m.stack[newfp:newfp+n], args)
		m.called, m.pc, m.mem = nil, pc, memOf(inst)
		return 0, nil
	}
	// Calls within the module find the callee's code directly; others go
	// through the callee instance's code.
	var callee *function
	if f.Instance == inst && m.mcode != nil {
		callee = m.mcode.funcs[f.Index-m.mcode.module.NumImportedFuncs].Load()
	}
	if callee == nil {
		var err error
		if callee, err = functionOf(f); err != nil {
			return 0, err
		}
	}
	// The call's work, the callee's size, is the callee's.
	m.budget -= len(callee.code)
	if m.budget <= 0 && m.poll(pc, f.Instance, f.Index, false) {
		return store.TrapInterrupted, nil
	}
	if m.depth >= m.maxFrames {
		return store.TrapStackExhausted, nil
	}
	if end := newfp + int(callee.frame); end >= len(m.stack) && !m.ensure(end+1) {
		return store.TrapStackExhausted, nil
	}
	m.depth++
	m.frames = append(m.frames, frame{fn: m.fn, inst: inst, pc: pc, fp: m.fp})
	stack := m.stack
	for i := newfp + int(callee.params); i < newfp+int(callee.locals); i++ {
		stack[i] = 0
	}
	if f.Instance != inst {
		m.inst = f.Instance
		m.mem = memOf(m.inst)
		m.mcode = codeOf(m.inst)
	}
	m.fn, m.fp, m.called = callee, newfp, callee
	return 0, nil
}

// leave pops the current frame and returns the caller's pc.
func (m *machine) leave() int {
	m.depth--
	f := &m.frames[len(m.frames)-1]
	if f.inst != m.inst {
		m.inst = f.inst
		m.mem = memOf(m.inst)
		m.mcode = codeOf(m.inst)
	}
	m.fn, m.fp = f.fn, f.fp
	pc := f.pc
	m.frames = m.frames[:len(m.frames)-1]
	return pc
}

// memoryAccess executes a scalar load or store. It handles every one, even
// those the dispatch loop inlines, so that which instructions are inlined
// is purely a speed decision and never a question of correctness.
func memoryAccess(in *inst, fr []uint64, mem []byte) store.TrapKind {
	ea := uint64(uint32(fr[in.b])+in.c) + in.imm
	size := uint64(wasm.Opcode(in.op).AccessSize())
	if ea+size > uint64(len(mem)) {
		return store.TrapMemoryOutOfBounds
	}
	p := mem[ea : ea+size]
	switch in.op {
	case 0x28: // i32.load
		fr[in.a] = uint64(binary.LittleEndian.Uint32(p))
	case 0x29: // i64.load
		fr[in.a] = binary.LittleEndian.Uint64(p)
	case 0x2A: // f32.load
		fr[in.a] = uint64(binary.LittleEndian.Uint32(p))
	case 0x2B: // f64.load
		fr[in.a] = binary.LittleEndian.Uint64(p)
	case 0x2C:
		fr[in.a] = uint64(uint32(int32(int8(p[0]))))
	case 0x2D:
		fr[in.a] = uint64(p[0])
	case 0x2E:
		fr[in.a] = uint64(uint32(int32(int16(binary.LittleEndian.Uint16(p)))))
	case 0x2F:
		fr[in.a] = uint64(binary.LittleEndian.Uint16(p))
	case 0x30:
		fr[in.a] = uint64(int64(int8(p[0])))
	case 0x31:
		fr[in.a] = uint64(p[0])
	case 0x32:
		fr[in.a] = uint64(int64(int16(binary.LittleEndian.Uint16(p))))
	case 0x33:
		fr[in.a] = uint64(binary.LittleEndian.Uint16(p))
	case 0x34:
		fr[in.a] = uint64(int64(int32(binary.LittleEndian.Uint32(p))))
	case 0x35:
		fr[in.a] = uint64(binary.LittleEndian.Uint32(p))
	case 0x36, 0x38, 0x3E: // i32.store, f32.store, i64.store32
		binary.LittleEndian.PutUint32(p, uint32(fr[in.a]))
	case 0x37, 0x39:
		binary.LittleEndian.PutUint64(p, fr[in.a])
	case 0x3A, 0x3C:
		p[0] = byte(fr[in.a])
	case 0x3B, 0x3D:
		binary.LittleEndian.PutUint16(p, uint16(fr[in.a]))
	}
	return 0
}

// numericOp is the reference for every scalar numeric instruction,
// including those the dispatch loop inlines (see memoryAccess). It computes
// a scalar numeric instruction (opcodes 0x45-0xC4) of
// operands x and y (y unused by unary ones).
func numericOp(o op, x, y uint64) (r uint64, trap store.TrapKind) {
	a, b := uint32(x), uint32(y)
	switch wasm.Opcode(o) {
	case wasm.OpI32Eqz:
		r = b2u(a == 0)
	case wasm.OpI32Eq:
		r = b2u(a == b)
	case wasm.OpI32Ne:
		r = b2u(a != b)
	case wasm.OpI32LtS:
		r = b2u(int32(a) < int32(b))
	case wasm.OpI32LtU:
		r = b2u(a < b)
	case wasm.OpI32GtS:
		r = b2u(int32(a) > int32(b))
	case wasm.OpI32GtU:
		r = b2u(a > b)
	case wasm.OpI32LeS:
		r = b2u(int32(a) <= int32(b))
	case wasm.OpI32LeU:
		r = b2u(a <= b)
	case wasm.OpI32GeS:
		r = b2u(int32(a) >= int32(b))
	case wasm.OpI32GeU:
		r = b2u(a >= b)
	case wasm.OpI64Eqz:
		r = b2u(x == 0)
	case wasm.OpI64Eq:
		r = b2u(x == y)
	case wasm.OpI64Ne:
		r = b2u(x != y)
	case wasm.OpI64LtS:
		r = b2u(int64(x) < int64(y))
	case wasm.OpI64LtU:
		r = b2u(x < y)
	case wasm.OpI64GtS:
		r = b2u(int64(x) > int64(y))
	case wasm.OpI64GtU:
		r = b2u(x > y)
	case wasm.OpI64LeS:
		r = b2u(int64(x) <= int64(y))
	case wasm.OpI64LeU:
		r = b2u(x <= y)
	case wasm.OpI64GeS:
		r = b2u(int64(x) >= int64(y))
	case wasm.OpI64GeU:
		r = b2u(x >= y)
	case wasm.OpF32Eq:
		r = b2u(f32(x) == f32(y))
	case wasm.OpF32Ne:
		r = b2u(f32(x) != f32(y))
	case wasm.OpF32Lt:
		r = b2u(f32(x) < f32(y))
	case wasm.OpF32Gt:
		r = b2u(f32(x) > f32(y))
	case wasm.OpF32Le:
		r = b2u(f32(x) <= f32(y))
	case wasm.OpF32Ge:
		r = b2u(f32(x) >= f32(y))
	case wasm.OpF64Eq:
		r = b2u(f64(x) == f64(y))
	case wasm.OpF64Ne:
		r = b2u(f64(x) != f64(y))
	case wasm.OpF64Lt:
		r = b2u(f64(x) < f64(y))
	case wasm.OpF64Gt:
		r = b2u(f64(x) > f64(y))
	case wasm.OpF64Le:
		r = b2u(f64(x) <= f64(y))
	case wasm.OpF64Ge:
		r = b2u(f64(x) >= f64(y))
	case wasm.OpI32Clz:
		r = uint64(bits.LeadingZeros32(a))
	case wasm.OpI32Ctz:
		r = uint64(bits.TrailingZeros32(a))
	case wasm.OpI32Popcnt:
		r = uint64(bits.OnesCount32(a))
	case wasm.OpI32Add:
		r = uint64(a + b)
	case wasm.OpI32Sub:
		r = uint64(a - b)
	case wasm.OpI32Mul:
		r = uint64(a * b)
	case wasm.OpI32DivS:
		if b == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		if int32(a) == math.MinInt32 && int32(b) == -1 {
			return 0, store.TrapIntegerOverflow
		}
		r = uint64(uint32(int32(a) / int32(b)))
	case wasm.OpI32DivU:
		if b == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		r = uint64(a / b)
	case wasm.OpI32RemS:
		if b == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		if int32(b) == -1 {
			r = 0
		} else {
			r = uint64(uint32(int32(a) % int32(b)))
		}
	case wasm.OpI32RemU:
		if b == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		r = uint64(a % b)
	case wasm.OpI32And:
		r = uint64(a & b)
	case wasm.OpI32Or:
		r = uint64(a | b)
	case wasm.OpI32Xor:
		r = uint64(a ^ b)
	case wasm.OpI32Shl:
		r = uint64(a << (b & 31))
	case wasm.OpI32ShrS:
		r = uint64(uint32(int32(a) >> (b & 31)))
	case wasm.OpI32ShrU:
		r = uint64(a >> (b & 31))
	case wasm.OpI32Rotl:
		r = uint64(bits.RotateLeft32(a, int(b&31)))
	case wasm.OpI32Rotr:
		r = uint64(bits.RotateLeft32(a, -int(b&31)))
	case wasm.OpI64Clz:
		r = uint64(bits.LeadingZeros64(x))
	case wasm.OpI64Ctz:
		r = uint64(bits.TrailingZeros64(x))
	case wasm.OpI64Popcnt:
		r = uint64(bits.OnesCount64(x))
	case wasm.OpI64Add:
		r = x + y
	case wasm.OpI64Sub:
		r = x - y
	case wasm.OpI64Mul:
		r = x * y
	case wasm.OpI64DivS:
		if y == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		if int64(x) == math.MinInt64 && int64(y) == -1 {
			return 0, store.TrapIntegerOverflow
		}
		r = uint64(int64(x) / int64(y))
	case wasm.OpI64DivU:
		if y == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		r = x / y
	case wasm.OpI64RemS:
		if y == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		if int64(y) == -1 {
			r = 0
		} else {
			r = uint64(int64(x) % int64(y))
		}
	case wasm.OpI64RemU:
		if y == 0 {
			return 0, store.TrapIntegerDivideByZero
		}
		r = x % y
	case wasm.OpI64And:
		r = x & y
	case wasm.OpI64Or:
		r = x | y
	case wasm.OpI64Xor:
		r = x ^ y
	case wasm.OpI64Shl:
		r = x << (y & 63)
	case wasm.OpI64ShrS:
		r = uint64(int64(x) >> (y & 63))
	case wasm.OpI64ShrU:
		r = x >> (y & 63)
	case wasm.OpI64Rotl:
		r = bits.RotateLeft64(x, int(y&63))
	case wasm.OpI64Rotr:
		r = bits.RotateLeft64(x, -int(y&63))
	case wasm.OpF32Abs:
		r = x & 0x7FFFFFFF
	case wasm.OpF32Neg:
		r = (x ^ 0x80000000) & 0xFFFFFFFF
	case wasm.OpF32Ceil:
		r = u32f(quiet32(float32(math.Ceil(float64(f32(x))))))
	case wasm.OpF32Floor:
		r = u32f(quiet32(float32(math.Floor(float64(f32(x))))))
	case wasm.OpF32Trunc:
		r = u32f(quiet32(float32(math.Trunc(float64(f32(x))))))
	case wasm.OpF32Nearest:
		r = u32f(quiet32(float32(math.RoundToEven(float64(f32(x))))))
	case wasm.OpF32Sqrt:
		r = u32f(float32(math.Sqrt(float64(f32(x)))))
	case wasm.OpF32Add:
		r = u32f(f32(x) + f32(y))
	case wasm.OpF32Sub:
		r = u32f(f32(x) - f32(y))
	case wasm.OpF32Mul:
		r = u32f(f32(x) * f32(y))
	case wasm.OpF32Div:
		r = u32f(f32(x) / f32(y))
	case wasm.OpF32Min:
		r = u32f(float32(fmin(float64(f32(x)), float64(f32(y)))))
	case wasm.OpF32Max:
		r = u32f(float32(fmax(float64(f32(x)), float64(f32(y)))))
	case wasm.OpF32Copysign:
		r = x&0x7FFFFFFF | y&0x80000000
	case wasm.OpF64Abs:
		r = x &^ (1 << 63)
	case wasm.OpF64Neg:
		r = x ^ (1 << 63)
	case wasm.OpF64Ceil:
		r = u64f(quiet64(math.Ceil(f64(x))))
	case wasm.OpF64Floor:
		r = u64f(quiet64(math.Floor(f64(x))))
	case wasm.OpF64Trunc:
		r = u64f(quiet64(math.Trunc(f64(x))))
	case wasm.OpF64Nearest:
		r = u64f(quiet64(math.RoundToEven(f64(x))))
	case wasm.OpF64Sqrt:
		r = u64f(math.Sqrt(f64(x)))
	case wasm.OpF64Add:
		r = u64f(f64(x) + f64(y))
	case wasm.OpF64Sub:
		r = u64f(f64(x) - f64(y))
	case wasm.OpF64Mul:
		r = u64f(f64(x) * f64(y))
	case wasm.OpF64Div:
		r = u64f(f64(x) / f64(y))
	case wasm.OpF64Min:
		r = u64f(fmin(f64(x), f64(y)))
	case wasm.OpF64Max:
		r = u64f(fmax(f64(x), f64(y)))
	case wasm.OpF64Copysign:
		r = x&^(1<<63) | y&(1<<63)
	case wasm.OpI32WrapI64:
		r = uint64(a)
	case wasm.OpI32TruncF32S, wasm.OpI32TruncF32U, wasm.OpI32TruncF64S, wasm.OpI32TruncF64U,
		wasm.OpI64TruncF32S, wasm.OpI64TruncF32U, wasm.OpI64TruncF64S, wasm.OpI64TruncF64U:
		return truncTrap(wasm.Opcode(o), x)
	case wasm.OpI64ExtendI32S:
		r = uint64(int64(int32(a)))
	case wasm.OpI64ExtendI32U:
		r = uint64(a)
	case wasm.OpF32ConvertI32S:
		r = u32f(float32(int32(a)))
	case wasm.OpF32ConvertI32U:
		r = u32f(float32(a))
	case wasm.OpF32ConvertI64S:
		r = u32f(float32(int64(x)))
	case wasm.OpF32ConvertI64U:
		r = u32f(float32(x))
	case wasm.OpF32DemoteF64:
		r = u32f(float32(f64(x)))
	case wasm.OpF64ConvertI32S:
		r = u64f(float64(int32(a)))
	case wasm.OpF64ConvertI32U:
		r = u64f(float64(a))
	case wasm.OpF64ConvertI64S:
		r = u64f(float64(int64(x)))
	case wasm.OpF64ConvertI64U:
		r = u64f(float64(x))
	case wasm.OpF64PromoteF32:
		r = u64f(float64(f32(x)))
	case wasm.OpI32ReinterpretF32, wasm.OpF32ReinterpretI32:
		r = uint64(a)
	case wasm.OpI64ReinterpretF64, wasm.OpF64ReinterpretI64:
		r = x
	case wasm.OpI32Extend8S:
		r = uint64(uint32(int32(int8(a))))
	case wasm.OpI32Extend16S:
		r = uint64(uint32(int32(int16(a))))
	case wasm.OpI64Extend8S:
		r = uint64(int64(int8(x)))
	case wasm.OpI64Extend16S:
		r = uint64(int64(int16(x)))
	case wasm.OpI64Extend32S:
		r = uint64(int64(int32(x)))
	}
	return r, 0
}
