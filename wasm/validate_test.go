package wasm

import (
	"errors"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSideTables(t *testing.T) {
	// (func (param i32) (result i32)
	//   block (result i32)           ;; block 1 at 0
	//     local.get 0
	//     if (result v128)            ;; block 2
	//       v128.const 0
	//     else
	//       v128.const 0
	//     end
	//     drop
	//     loop                        ;; block 3
	//       br 0
	//     end
	//     i32.const 7
	//   end)
	code := []byte{
		0x02, 0x7F, // 0: block (result i32)
		0x20, 0x00, // 2: local.get 0
		0x04, 0x7B, // 4: if (result v128)
		0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 6: v128.const
		0x05,                                                       // 24: else
		0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 25
		0x0B,       // 43: end (if)
		0x1A,       // 44: drop
		0x03, 0x40, // 45: loop
		0x0C, 0x00, // 47: br 0
		0x0B,       // 49: end (loop)
		0x41, 0x07, // 50: i32.const 7
		0x0B, // 52: end (block)
		0x0B, // 53: end (function)
	}
	m, err := Parse(oneFunc([]ValueType{I32}, []ValueType{I32}, body([]byte{1, 1, byte(I64)}, code...)), Features2_0)
	require.NoError(t, err)
	require.Len(t, m.FuncInfo, 1)
	fi := m.FuncInfo[0]
	require.Equal(t, []ValueType{I32, I64}, fi.Locals)
	require.Equal(t, []BlockInfo{
		{Op: OpBlock, Start: 0, End: 53, Results: 1, ResultSlots: 1},
		{Op: OpBlock, Start: 0, End: 52, Results: 1, ResultSlots: 1},
		{Op: OpIf, Start: 4, Else: 24, End: 43, Results: 1, ResultSlots: 2},
		{Op: OpLoop, Start: 45, End: 49},
	}, fi.Blocks)
	require.Equal(t, []ValueType{V128}, fi.OperandTypes)
	require.Equal(t, uint32(1), fi.MaxHeight)
	require.Equal(t, uint32(2), fi.MaxSlots)
}

func TestStackHeights(t *testing.T) {
	// i32.const, v128.const, block [i32] -> [i32] with a multi-value type.
	code := []byte{
		0x41, 0x01, // i32.const 1
		0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // v128.const
		0x41, 0x02, // i32.const 2
		0x02, 0x01, // block (type 1): [i32] -> [i32]
		0x0B,
		0x1A, 0x1A, 0x1A,
		0x0B,
	}
	m, err := Parse(wt.Module(
		wt.Section(secType, wt.Vec(funcType(nil, nil), funcType([]ValueType{I32}, []ValueType{I32}))),
		wt.Section(secFunction, wt.Vec([]byte{0})),
		wt.Section(secCode, wt.Vec(body(nil, code...))),
	), Features2_0)
	require.NoError(t, err)
	b := m.FuncInfo[0].Blocks[1]
	require.Equal(t, BlockInfo{Op: OpBlock, Start: 22, End: 24, Params: 1, Results: 1, ParamSlots: 1, ResultSlots: 1, Height: 2, Slots: 3}, b)
	require.Equal(t, uint32(3), m.FuncInfo[0].MaxHeight)
	require.Equal(t, uint32(4), m.FuncInfo[0].MaxSlots)
	require.Equal(t, []ValueType{I32, V128, I32}, m.FuncInfo[0].OperandTypes)
}

func TestErrorsAreTypedAndLocated(t *testing.T) {
	// Function 0 is fine; function 1 adds an i32 to an f32 at body offset 3.
	good := body(nil, 0x0B)
	bad := body(nil, 0x41, 0x01, 0x43, 0, 0, 0, 0, 0x6A, 0x1A, 0x0B)
	data := wt.Module(
		wt.Section(secType, wt.Vec(funcType(nil, nil))),
		wt.Section(secFunction, wt.Vec([]byte{0}, []byte{0})),
		wt.Section(secCode, wt.Vec(good, bad)),
	)
	_, err := Parse(data, Features2_0)
	var inv *InvalidError
	require.True(t, errors.As(err, &inv), "got %v", err)
	require.Equal(t, 1, inv.Func)
	require.Equal(t, "i32.add", inv.Op)
	require.Equal(t, "code", inv.Section)
	require.Equal(t, 0x6A, int(data[inv.Offset]), "offset points at the instruction")
	require.Contains(t, err.Error(), "type mismatch")

	// An encoding error later in the same body takes precedence.
	bad2 := body(nil, 0x41, 0x01, 0x43, 0, 0, 0, 0, 0x6A, 0x1A, 0xFF, 0x0B)
	_, err = Parse(wt.Module(
		wt.Section(secType, wt.Vec(funcType(nil, nil))),
		wt.Section(secFunction, wt.Vec([]byte{0})),
		wt.Section(secCode, wt.Vec(bad2)),
	), Features2_0)
	var mal *MalformedError
	require.True(t, errors.As(err, &mal), "got %v", err)
	require.Contains(t, mal.Msg, "illegal opcode")
	require.Equal(t, 0, mal.Func)
}

func TestMalformedStructure(t *testing.T) {
	cases := map[string][]byte{
		"bad magic":       {0, 'a', 's', 'x', 1, 0, 0, 0},
		"bad version":     {0, 'a', 's', 'm', 2, 0, 0, 0},
		"truncated":       {0, 'a', 's'},
		"section order":   wt.Module(wt.Section(secFunction, wt.Vec()), wt.Section(secType, wt.Vec())),
		"duplicate":       wt.Module(wt.Section(secType, wt.Vec()), wt.Section(secType, wt.Vec())),
		"section too big": wt.Module([]byte{secType, 10, 0}),
		"size mismatch":   wt.Module(wt.Section(secType, wt.Vec(), []byte{0})),
		"missing code":    wt.Module(wt.Section(secType, wt.Vec(funcType(nil, nil))), wt.Section(secFunction, wt.Vec([]byte{0}))),
		"no end":          oneFunc(nil, nil, body(nil, 0x01)),
		"after end":       oneFunc(nil, nil, body(nil, 0x0B, 0x01)),
		"else in block":   oneFunc(nil, nil, body(nil, 0x02, 0x40, 0x05, 0x0B, 0x0B)),
		"simd in 1.0":     oneFunc(nil, nil, body(nil, 0xFD, 0x0C)),
		"datacount 1.0":   wt.Module(wt.Section(secDataCount, wt.ULEB(0))),
	}
	for name, data := range cases {
		f := Features2_0
		if name == "simd in 1.0" || name == "datacount 1.0" {
			f = Features1_0
		}
		_, err := Parse(data, f)
		var mal *MalformedError
		require.True(t, errors.As(err, &mal), "%s: got %v", name, err)
	}
}

// TestEveryOpcodeHasARule validates each opcode, with valid immediates, in
// unreachable code where any operands fit. An opcode missing from the
// validator's rules, or misfiled in the tables, fails to validate.
func TestEveryOpcodeHasARule(t *testing.T) {
	imm := map[immKind][]byte{
		immNone: nil, immBlockType: {0x40}, immLabel: {0}, immBrTable: {0, 0}, immFunc: {0},
		immCallIndirect: {0, 0}, immSelectT: {1, byte(I32)}, immLocal: {0}, immGlobal: {0},
		immTable: {0}, immMemarg: {0, 0}, immMemory: {0}, immI32: {0}, immI64: {0},
		immF32: make([]byte, 4), immF64: make([]byte, 8), immRefType: {byte(FuncRef)},
		immDataMemory: {0, 0}, immData: {0}, immMemoryMemory: {0, 0}, immElemTable: {0, 0},
		immElem: {0}, immTableTable: {0, 0}, immV128: make([]byte, 16), immShuffle: make([]byte, 16),
		immLane: {0}, immMemargLane: {0, 0, 0},
	}
	encode := func(op Opcode) []byte {
		if op < 0x100 {
			return []byte{byte(op)}
		}
		return wt.Cat([]byte{byte(op >> 8)}, wt.ULEB(uint64(op&0xFF)))
	}
	n := 0
	for _, op := range allOpcodes() {
		if op == OpElse || op == OpEnd {
			continue
		}
		in := op.info()
		// unreachable; op; unreachable (drops whatever op pushed); end
		code := wt.Cat([]byte{0x00}, encode(op), imm[in.imm], []byte{0x00})
		if in.imm == immBlockType {
			code = append(code, 0x0B)
		}
		code = append(code, 0x0B)
		data := wt.Module(
			wt.Section(secType, wt.Vec(funcType(nil, nil))),
			wt.Section(secFunction, wt.Vec([]byte{0})),
			wt.Section(secTable, wt.Vec([]byte{byte(FuncRef), 0, 1})),
			wt.Section(secMemory, wt.Vec([]byte{0, 1})),
			wt.Section(secGlobal, wt.Vec([]byte{byte(I32), 1, 0x41, 0, 0x0B})),
			wt.Section(secExport, wt.Vec(wt.Cat([]byte{1, 'f', byte(ExternFunc)}, wt.ULEB(0)))),
			wt.Section(secElement, wt.Vec([]byte{1, 0, 0})),
			wt.Section(secDataCount, wt.ULEB(1)),
			wt.Section(secCode, wt.Vec(body([]byte{1, 1, byte(I32)}, code...))),
			wt.Section(secData, wt.Vec([]byte{1, 0})),
		)
		_, err := Parse(data, Features2_0)
		require.NoError(t, err, "%s", op)
		n++
	}
	require.Equal(t, 183+18+236-2, n, "opcodes covered")
}

func allOpcodes() []Opcode {
	var ops []Opcode
	for i := range opsMVP {
		if opsMVP[i].name != "" {
			ops = append(ops, Opcode(i))
		}
	}
	for i := range opsMisc {
		ops = append(ops, PrefixMisc|Opcode(i))
	}
	for i := range opsSIMD {
		if opsSIMD[i].name != "" {
			ops = append(ops, PrefixSIMD|Opcode(i))
		}
	}
	return ops
}

func TestFeatureGates(t *testing.T) {
	// Each 2.0 feature is rejected under 1.0 and accepted under 2.0.
	cases := map[string][]byte{
		"sign-ext":    oneFunc(nil, nil, body(nil, 0x41, 0, 0xC0, 0x1A, 0x0B)),
		"sat-conv":    oneFunc(nil, nil, body(nil, 0x43, 0, 0, 0, 0, 0xFC, 0x00, 0x1A, 0x0B)),
		"multi-value": oneFunc(nil, []ValueType{I32, I32}, body(nil, 0x41, 0, 0x41, 0, 0x0B)),
		"ref-types":   oneFunc(nil, nil, body(nil, 0xD0, 0x70, 0x1A, 0x0B)),
		"simd":        oneFunc(nil, nil, body(nil, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1A, 0x0B)),
	}
	for name, data := range cases {
		_, err := Parse(data, Features1_0)
		require.Error(t, err, "%s under 1.0", name)
		_, err = Parse(data, Features2_0)
		require.NoError(t, err, "%s under 2.0", name)
	}
}

func TestNameSection(t *testing.T) {
	name := func(s string) []byte { return wt.Cat(wt.ULEB(uint64(len(s))), []byte(s)) }
	names := wt.Cat(name("name"),
		[]byte{0}, wt.ULEB(uint64(len(name("mod")))), name("mod"),
		[]byte{1}, wt.ULEB(uint64(len(wt.Vec(wt.Cat(wt.ULEB(0), name("main")))))), wt.Vec(wt.Cat(wt.ULEB(0), name("main"))),
		[]byte{2}, wt.ULEB(uint64(len(wt.Vec(wt.Cat(wt.ULEB(0), wt.Vec(wt.Cat(wt.ULEB(0), name("x")))))))), wt.Vec(wt.Cat(wt.ULEB(0), wt.Vec(wt.Cat(wt.ULEB(0), name("x"))))),
	)
	m, err := Parse(oneFunc([]ValueType{I32}, nil, body(nil, 0x0B), wt.Section(secCustom, names)), Features2_0)
	require.NoError(t, err)
	require.Equal(t, "mod", m.Names.Module)
	require.Equal(t, "main", m.FuncName(0))
	require.Equal(t, "x", m.Names.Locals[0][0])

	// A broken name section leaves the module valid, with the names read so far.
	broken := wt.Cat(name("name"), []byte{0}, wt.ULEB(uint64(len(name("mod")))), name("mod"), []byte{1, 0x7F})
	m, err = Parse(oneFunc(nil, nil, body(nil, 0x0B), wt.Section(secCustom, broken)), Features2_0)
	require.NoError(t, err)
	require.Equal(t, "mod", m.Names.Module)
	require.Empty(t, m.FuncName(0))
}

func TestTooManyLocals(t *testing.T) {
	locals := wt.Cat(wt.ULEB(2), wt.ULEB(0xFFFFFFFF), []byte{byte(I32)}, wt.ULEB(0xFFFFFFFF), []byte{byte(I32)})
	_, err := Parse(oneFunc(nil, nil, body(locals, 0x0B)), Features2_0)
	var mal *MalformedError
	require.True(t, errors.As(err, &mal), "got %v", err)
	require.Contains(t, mal.Msg, "too many locals")

	locals = wt.Cat(wt.ULEB(1), wt.ULEB(maxLocals+1), []byte{byte(I32)})
	_, err = Parse(oneFunc(nil, nil, body(locals, 0x0B)), Features2_0)
	require.ErrorContains(t, err, "too many locals")
}

func TestAccessSize(t *testing.T) {
	for op, n := range map[Opcode]int{
		OpI32Load: 4, OpI64Load: 8, OpF32Load: 4, OpF64Load: 8, OpI32Load8S: 1, OpI32Load16U: 2,
		OpI64Load8U: 1, OpI64Load16S: 2, OpI64Load32S: 4, OpI64Load32U: 4,
		OpI32Store: 4, OpI64Store: 8, OpF32Store: 4, OpF64Store: 8, OpI32Store8: 1, OpI32Store16: 2,
		OpI64Store8: 1, OpI64Store16: 2, OpI64Store32: 4,
		OpV128Load: 16, OpV128Store: 16, OpV128Load8x8S: 8, OpV128Load32x2U: 8,
		OpV128Load8Splat: 1, OpV128Load16Splat: 2, OpV128Load64Splat: 8,
		OpV128Load32Zero: 4, OpV128Load64Zero: 8, OpV128Load8Lane: 1,
		OpV128Load16Lane: 2, OpV128Store32Lane: 4, OpV128Store64Lane: 8,
		OpI8x16Add: 0, OpV128Const: 0, OpI32Add: 0, OpMemoryGrow: 0, OpMemoryCopy: 0,
	} {
		require.Equal(t, n, op.AccessSize(), "%s", op)
	}
	for op := OpFirstLoad; op <= OpLastStore; op++ {
		require.True(t, op.IsScalarMemory())
		require.Equal(t, op <= OpLastLoad, op.IsLoad(), "%s", op)
		require.Positive(t, op.AccessSize(), "%s", op)
	}
	require.Equal(t, OpLastLoad+1, OpFirstStore)
	for op := OpFirstNumeric; op <= OpLastNumeric; op++ {
		params, results, ok := op.Signature()
		require.True(t, ok, "%s", op)
		require.Len(t, results, 1, "%s", op)
		require.NotEmpty(t, params, "%s", op)
	}
}

// nested returns a module whose one function nests n empty blocks.
func nested(n int) []byte {
	code := make([]byte, 0, 3*n+1)
	for range n {
		code = append(code, 0x02, 0x40) // block
	}
	for range n + 1 {
		code = append(code, 0x0B) // end
	}
	return wt.Module(
		wt.Section(wt.SecType, wt.Vec(wt.FuncType(nil, nil))),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0})),
		wt.Section(wt.SecCode, wt.Vec(wt.Body(nil, code...))),
	)
}

func TestNestingLimit(t *testing.T) {
	_, err := Parse(nested(maxNesting), Features2_0)
	require.NoError(t, err, "nesting up to the limit")

	// A million nested blocks, 3 MB: refused, in bounded memory.
	data := nested(1_000_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Parse(data, Features2_0)
	runtime.ReadMemStats(&after)
	var malformed *MalformedError
	require.ErrorAs(t, err, &malformed)
	require.ErrorContains(t, err, "blocks nested deeper than 50000: implementation limit")
	require.Equal(t, 0, malformed.Func)
	allocated := after.TotalAlloc - before.TotalAlloc
	require.Less(t, allocated, uint64(10*len(data)), "allocated %d MB to validate a %d MB module",
		allocated>>20, len(data)>>20)
}
