// Package wasm decodes and validates WebAssembly 2.0 binary modules.
//
// Parse is the entry point: it decodes a module's sections and validates it,
// recording per function the side tables that the execution tiers need
// (block boundaries, operand-stack heights, maximum stack height), so that
// neither the interpreter's lowering nor the JIT walks the bytes twice.
//
// Errors are typed: *MalformedError for bytes that do not follow the binary
// format, *InvalidError for well-formed modules that fail validation.
package wasm

import "fmt"

// ValueType is a WebAssembly value type, encoded as in the binary format.
type ValueType byte

// Value types.
const (
	I32       ValueType = 0x7F
	I64       ValueType = 0x7E
	F32       ValueType = 0x7D
	F64       ValueType = 0x7C
	V128      ValueType = 0x7B
	FuncRef   ValueType = 0x70
	ExternRef ValueType = 0x6F
)

// String returns the text-format name of the type.
func (t ValueType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return fmt.Sprintf("type(0x%02x)", byte(t))
}

// IsRef reports whether t is a reference type.
func (t ValueType) IsRef() bool { return t == FuncRef || t == ExternRef }

// Slots is the number of 64-bit cells a value of type t occupies on an
// operand stack: two for v128, one otherwise.
func (t ValueType) Slots() int {
	if t == V128 {
		return 2
	}
	return 1
}

// FuncType is a function signature.
type FuncType struct {
	Params  []ValueType
	Results []ValueType
}

// String formats the signature as in the text format.
func (f FuncType) String() string {
	return fmt.Sprintf("%v -> %v", f.Params, f.Results)
}

// Equal reports whether two signatures are identical.
func (f FuncType) Equal(g FuncType) bool {
	if len(f.Params) != len(g.Params) || len(f.Results) != len(g.Results) {
		return false
	}
	for i, p := range f.Params {
		if g.Params[i] != p {
			return false
		}
	}
	for i, r := range f.Results {
		if g.Results[i] != r {
			return false
		}
	}
	return true
}

// Limits bound the size of a memory (in 64 KiB pages) or table (in elements).
type Limits struct {
	Min    uint32
	Max    uint32 // meaningful only if HasMax
	HasMax bool
}

// TableType describes a table.
type TableType struct {
	Elem   ValueType // FuncRef or ExternRef
	Limits Limits
}

// MemoryType describes a linear memory.
type MemoryType struct {
	Limits Limits
}

// MaxPages is the largest number of 64 KiB pages a 32-bit memory can have.
const MaxPages = 65536

// PageSize is the size of a WebAssembly page in bytes.
const PageSize = 65536

// GlobalType describes a global variable.
type GlobalType struct {
	Type    ValueType
	Mutable bool
}

// ExternKind identifies what an import or export refers to.
type ExternKind byte

// Extern kinds.
const (
	ExternFunc   ExternKind = 0
	ExternTable  ExternKind = 1
	ExternMemory ExternKind = 2
	ExternGlobal ExternKind = 3
)

// String returns the kind's text-format keyword.
func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	}
	return fmt.Sprintf("kind(%d)", byte(k))
}

// Import is one entry of the import section. Exactly one of the typed fields
// is meaningful, selected by Kind.
type Import struct {
	Module string
	Name   string
	Kind   ExternKind
	Func   uint32 // type index, for ExternFunc
	Table  TableType
	Memory MemoryType
	Global GlobalType
}

// Export is one entry of the export section.
type Export struct {
	Name  string
	Kind  ExternKind
	Index uint32
}

// ConstExpr is a constant expression: the initialiser of a global, or the
// offset or an element of a segment. Validation restricts it to one constant
// instruction (or global.get) followed by end.
type ConstExpr struct {
	Op Opcode // OpI32Const, OpI64Const, OpF32Const, OpF64Const, OpV128Const, OpGlobalGet, OpRefNull, OpRefFunc
	// Type is the expression's result type; for global.get it is the
	// global's type once the module is validated.
	Type    ValueType
	invalid constFault // why validation must reject the expression, if it must
	Value   uint64     // constant bits, or the global or function index
	Hi      uint64     // upper 64 bits for OpV128Const
}

// constFault says why a constant expression is invalid. It is a small code
// rather than a message because modules compiled from Go carry tens of
// thousands of data segments, each with an offset expression.
type constFault uint8

const (
	constOK constFault = iota
	constNotConstant
	constWrongArity
)

func (f constFault) String() string {
	if f == constNotConstant {
		return "constant expression required"
	}
	return "type mismatch: constant expression must produce exactly one value"
}

// Global is a module-defined global.
type Global struct {
	Type GlobalType
	Init ConstExpr
}

// ElemMode says when an element segment is applied.
type ElemMode byte

// Element and data segment modes.
const (
	SegmentActive ElemMode = iota
	SegmentPassive
	SegmentDeclarative
)

// ElemSegment is an element segment. Each element is a constant expression;
// the common funcref form with function indices uses OpRefFunc.
type ElemSegment struct {
	Mode   ElemMode
	Table  uint32
	Offset ConstExpr
	Type   ValueType
	Init   []ConstExpr
}

// DataSegment is a data segment.
type DataSegment struct {
	Init   []byte
	Offset ConstExpr
	Memory uint32
	Mode   ElemMode // SegmentActive or SegmentPassive
}

// LocalDecl is a run of locals of one type, as declared in a code entry.
type LocalDecl struct {
	Count uint32
	Type  ValueType
}

// FuncBody is one function body.
type FuncBody struct {
	Locals []LocalDecl
	// Body holds the instructions, from the first after the local
	// declarations up to and including the final end opcode.
	Body []byte
	// Offset is the position of Body[0] in the module's bytes.
	Offset int
}

// CustomSection is a custom section, kept as raw bytes.
type CustomSection struct {
	Name string
	Data []byte
}

// Names holds the contents of the "name" custom section.
type Names struct {
	Module    string
	Functions map[uint32]string
	Locals    map[uint32]map[uint32]string
}

// Module is a decoded module. Index spaces (functions, tables, memories,
// globals) start with imports, followed by the module's own definitions.
type Module struct {
	Features     Features
	Types        []FuncType
	Imports      []Import
	Funcs        []uint32 // type index of each defined function
	Tables       []TableType
	Memories     []MemoryType
	Globals      []Global
	Exports      []Export
	Start        uint32
	HasStart     bool
	Elems        []ElemSegment
	DataCount    uint32
	HasDataCount bool
	Code         []FuncBody
	Data         []DataSegment
	Customs      []CustomSection
	Names        Names

	// Counts of imports per kind; imported entities come first in each
	// index space.
	NumImportedFuncs, NumImportedTables, NumImportedMemories, NumImportedGlobals uint32

	// The complete index spaces, imports first: the type index of every
	// function, and the type of every table, memory and global.
	FuncSigs    []uint32
	AllTables   []TableType
	AllMemories []MemoryType
	AllGlobals  []GlobalType

	// FuncInfo holds, after validation, the side tables of each defined
	// function, parallel to Code.
	FuncInfo []FuncInfo
}

// BlockInfo describes one structured control instruction (block, loop, if)
// or, as the first entry of FuncInfo.Blocks, the function body itself. The
// block's type is the immediate that follows the opcode at Start. BlockInfo
// holds no pointers, so the garbage collector never scans the side tables.
type BlockInfo struct {
	Op    Opcode // OpBlock, OpLoop or OpIf; OpBlock for the function body
	Start uint32 // offset in Code.Body of the opcode (0 for the function body)
	Else  uint32 // offset of the else opcode, 0 if the if has none
	End   uint32 // offset of the matching end opcode
	// Params and Results are the block type's arity.
	Params, Results uint32
	// ParamSlots and ResultSlots are those arities in 64-bit cells.
	ParamSlots, ResultSlots uint32
	// Height is the operand-stack height at block entry, below the block's
	// parameters, in values; Slots is the same height in 64-bit cells.
	Height, Slots uint32
}

// FuncInfo is what validation records about a defined function.
type FuncInfo struct {
	Type *FuncType
	// Locals lists the types of all locals: parameters first, then declared.
	Locals []ValueType
	// MaxHeight is the largest operand-stack height reached, in values;
	// MaxSlots is the same in 64-bit cells (v128 counts two).
	MaxHeight, MaxSlots uint32
	// Blocks has one entry per block, loop and if, in the order their opening
	// opcodes appear, preceded by an entry for the function body. A single
	// pass that opens blocks in order therefore finds each one's else and end
	// without scanning ahead, and can skip unreachable code.
	Blocks []BlockInfo
	// OperandTypes records, for each drop and select in order of appearance,
	// the type of the operand it drops or selects. In unreachable code, where
	// the type is unconstrained, it is I32.
	OperandTypes []ValueType
}

// FuncType returns the signature of function idx in the module's function
// index space (imports first).
func (m *Module) FuncType(idx uint32) *FuncType {
	return &m.Types[m.FuncSigs[idx]]
}
