package wasm

import "fmt"

// immKind says which immediates follow an opcode.
type immKind uint8

const (
	immNone immKind = iota
	immBlockType
	immLabel
	immBrTable
	immFunc
	immCallIndirect
	immSelectT
	immLocal
	immGlobal
	immTable
	immMemarg
	immMemory // a reserved memory index byte (memory.size, grow, fill)
	immI32
	immI64
	immF32
	immF64
	immRefType
	immDataMemory
	immData
	immMemoryMemory
	immElemTable
	immElem
	immTableTable
	immV128
	immShuffle
	immLane
	immMemargLane
)

// signature is the fixed operand typing of a simple instruction.
type signature struct {
	in, out []ValueType
}

// opInfo describes an opcode: its name, immediates, fixed signature (nil for
// instructions typed by hand in the validator), the largest alignment
// exponent allowed for memory accesses, and the feature it needs.
type opInfo struct {
	name    string
	imm     immKind
	sig     *signature
	align   uint8
	feature Features
}

// info returns the description of op, or nil for an unknown opcode.
func (op Opcode) info() *opInfo {
	var in *opInfo
	switch op & 0xFF00 {
	case 0:
		in = &opsMVP[op]
	case PrefixMisc:
		if sub := op & 0xFF; int(sub) < len(opsMisc) {
			in = &opsMisc[sub]
		}
	case PrefixSIMD:
		in = &opsSIMD[op&0xFF]
	}
	if in == nil || in.name == "" {
		return nil
	}
	return in
}

// String returns the instruction's text-format name.
func (op Opcode) String() string {
	if in := op.info(); in != nil {
		return in.name
	}
	if op > 0xFF {
		return fmt.Sprintf("opcode 0x%02x 0x%x", byte(op>>8), byte(op))
	}
	return fmt.Sprintf("opcode 0x%02x", byte(op))
}

// AlignLimit returns the largest alignment exponent (log2 of the access size)
// of a memory instruction, and false for other instructions.
func (op Opcode) AlignLimit() (uint8, bool) {
	in := op.info()
	if in == nil || (in.imm != immMemarg && in.imm != immMemargLane) {
		return 0, false
	}
	return in.align, true
}

// AccessSize returns how many bytes a memory instruction reads or writes
// (its natural alignment: the table's alignment limit is its log2), and 0
// for other instructions.
func (op Opcode) AccessSize() int {
	if a, ok := op.AlignLimit(); ok {
		return 1 << a
	}
	return 0
}

// Ranges of the opcode space, in which the tiers dispatch by comparison.
const (
	// Scalar loads, i32.load to i64.load32_u, then stores, i32.store to
	// i64.store32: their access size is AccessSize.
	OpFirstLoad  = OpI32Load
	OpLastLoad   = OpI64Load32U
	OpFirstStore = OpI32Store
	OpLastStore  = OpI64Store32
	// Scalar numeric instructions of fixed signature without immediates:
	// i32.eqz to i64.extend32_s.
	OpFirstNumeric = OpI32Eqz
	OpLastNumeric  = OpI64Extend32S
)

// IsScalarMemory reports whether op is a scalar load or store.
func (op Opcode) IsScalarMemory() bool { return op >= OpFirstLoad && op <= OpLastStore }

// IsLoad reports whether op is a scalar load.
func (op Opcode) IsLoad() bool { return op >= OpFirstLoad && op <= OpLastLoad }

// IsNumeric reports whether op is a scalar numeric instruction: no
// immediates, a fixed signature of one or two operands and one result.
func (op Opcode) IsNumeric() bool { return op >= OpFirstNumeric && op <= OpLastNumeric }

// IsSIMD reports whether op is in the 0xFD prefix space.
func (op Opcode) IsSIMD() bool { return op&0xFF00 == PrefixSIMD }

// Signature returns the operand and result types of an instruction whose
// typing is fixed (numeric, memory and most SIMD instructions); ok is false
// for instructions typed by their immediates or context.
func (op Opcode) Signature() (params, results []ValueType, ok bool) {
	in := op.info()
	if in == nil || in.sig == nil {
		return nil, nil, false
	}
	return in.sig.in, in.sig.out, true
}
