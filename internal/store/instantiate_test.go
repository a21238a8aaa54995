package store_test

import (
	"context"
	"errors"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// externs resolves imports from a fixed set, keyed by module and name.
type externs map[[2]string]store.Extern

func (x externs) Resolve(module, name string) (store.Extern, bool) {
	e, ok := x[[2]string{module, name}]
	return e, ok
}

// callHost is a store.Invoker for host functions only, enough for start
// functions that are imported.
func callHost(ctx context.Context, f *store.Function, args []uint64) ([]uint64, error) {
	stack := make([]uint64, max(len(args), len(f.Type.Results)))
	copy(stack, args)
	if err := f.Host(ctx, nil, stack); err != nil {
		return nil, err
	}
	return stack[:len(f.Type.Results)], nil
}

// env is the host side of the tests: a function, tables, memories and
// globals under module "env".
type env struct {
	s                        *store.Store
	fn                       *store.Function
	table, tableNoMax        *store.Table
	memory, memoryNoMax      *store.MemoryInstance
	global, mutGlobal, float *store.Global
	calls                    int // calls of fn
	fnErr                    error
}

func newEnv() *env {
	e := &env{s: store.New()}
	e.fn = &store.Function{Type: &wasm.FuncType{}, Module: "env", Name: "f",
		Host: func(context.Context, *store.Instance, []uint64) error {
			e.calls++
			return e.fnErr
		}}
	if _, err := e.s.Register(e.fn); err != nil {
		panic(err)
	}
	var err error
	e.table, err = store.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1, Max: 4, HasMax: true}}, 0)
	if err != nil {
		panic(err)
	}
	e.table.Grow(e.s, 1, 0) // from 1 to 2
	if e.tableNoMax, err = store.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2}}, 0); err != nil {
		panic(err)
	}
	e.memory = store.NewMemory(wasm.MemoryType{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}}, 0)
	e.memoryNoMax = store.NewMemory(wasm.MemoryType{Limits: wasm.Limits{Min: 1}}, 0)
	e.global = &store.Global{Type: wasm.GlobalType{Type: wasm.I32}, Lo: 42}
	e.mutGlobal = &store.Global{Type: wasm.GlobalType{Type: wasm.I32, Mutable: true}, Lo: 7}
	e.float = &store.Global{Type: wasm.GlobalType{Type: wasm.F64}, Lo: math.Float64bits(1.5)}
	return e
}

func (e *env) resolver() externs {
	return externs{
		{"env", "f"}:             {Kind: wasm.ExternFunc, Func: e.fn},
		{"env", "table"}:         {Kind: wasm.ExternTable, Table: e.table},
		{"env", "table_no_max"}:  {Kind: wasm.ExternTable, Table: e.tableNoMax},
		{"env", "memory"}:        {Kind: wasm.ExternMemory, Memory: e.memory},
		{"env", "memory_no_max"}: {Kind: wasm.ExternMemory, Memory: e.memoryNoMax},
		{"env", "global"}:        {Kind: wasm.ExternGlobal, Global: e.global},
		{"env", "mut_global"}:    {Kind: wasm.ExternGlobal, Global: e.mutGlobal},
		{"env", "float"}:         {Kind: wasm.ExternGlobal, Global: e.float},
	}
}

func (e *env) instantiate(t *testing.T, f wasm.Features, bin []byte) (*store.Instance, error) {
	t.Helper()
	m, err := wasm.Parse(bin, f)
	require.NoError(t, err)
	return store.Instantiate(context.Background(), e.s, m, e.resolver(), store.NewCode(m, 0), callHost, store.Options{Name: "test"})
}

// Import descriptors.
func importFunc(module, field string, typeIdx uint32) []byte {
	return wt.Cat(wt.Name(module), wt.Name(field), []byte{0}, wt.ULEB(uint64(typeIdx)))
}

func importTable(field string, elem wasm.ValueType, min, max int64) []byte {
	return wt.Cat(wt.Name("env"), wt.Name(field), []byte{1, byte(elem)}, limits(min, max))
}

func importMemory(field string, min, max int64) []byte {
	return wt.Cat(wt.Name("env"), wt.Name(field), []byte{2}, limits(min, max))
}

func importGlobal(field string, t wasm.ValueType, mutable bool) []byte {
	mut := byte(0)
	if mutable {
		mut = 1
	}
	return wt.Cat(wt.Name("env"), wt.Name(field), []byte{3, byte(t), mut})
}

var (
	voidType = funcType(nil, nil)
	i32Type  = funcType([]wasm.ValueType{wasm.I32}, nil)
)

func TestLinkErrors(t *testing.T) {
	tests := []struct {
		name  string
		types [][]byte // type section entries, if any
		imp   []byte
		msg   string // empty for success
	}{
		{"func", [][]byte{voidType}, importFunc("env", "f", 0), ""},
		{"unknown field", [][]byte{voidType}, importFunc("env", "g", 0), "unknown import"},
		{"unknown module", [][]byte{voidType}, importFunc("nowhere", "f", 0), "unknown import"},
		{"func signature", [][]byte{i32Type}, importFunc("env", "f", 0), "incompatible import type"},
		{"func as global", nil, importGlobal("f", wasm.I32, false), "incompatible import type"},
		{"global as func", [][]byte{voidType}, importFunc("env", "global", 0), "incompatible import type"},

		{"table", nil, importTable("table", wasm.FuncRef, 1, 4), ""},
		{"table current size", nil, importTable("table", wasm.FuncRef, 2, -1), ""},
		{"table too small", nil, importTable("table", wasm.FuncRef, 3, -1), "incompatible import type"},
		{"table larger max", nil, importTable("table", wasm.FuncRef, 0, 5), ""},
		{"table max too large", nil, importTable("table", wasm.FuncRef, 0, 3), "incompatible import type"},
		{"table without max", nil, importTable("table_no_max", wasm.FuncRef, 0, 100), "incompatible import type"},
		{"table elem type", nil, importTable("table", wasm.ExternRef, 0, -1), "incompatible import type"},

		{"memory", nil, importMemory("memory", 1, 2), ""},
		{"memory too small", nil, importMemory("memory", 2, -1), "incompatible import type"},
		{"memory max too large", nil, importMemory("memory", 0, 1), "incompatible import type"},
		{"memory without max", nil, importMemory("memory_no_max", 0, 3), "incompatible import type"},
		{"memory no max wanted", nil, importMemory("memory_no_max", 1, -1), ""},

		{"global", nil, importGlobal("global", wasm.I32, false), ""},
		{"global type", nil, importGlobal("global", wasm.I64, false), "incompatible import type"},
		{"global mutability", nil, importGlobal("global", wasm.I32, true), "incompatible import type"},
		{"mutable global", nil, importGlobal("mut_global", wasm.I32, true), ""},
		{"mutable global as immutable", nil, importGlobal("mut_global", wasm.I32, false), "incompatible import type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var secs [][]byte
			if tt.types != nil {
				secs = append(secs, wt.Section(wt.SecType, wt.Vec(tt.types...)))
			}
			secs = append(secs, wt.Section(wt.SecImport, wt.Vec(tt.imp)))
			e := newEnv()
			inst, err := e.instantiate(t, wasm.Features2_0, wt.Module(secs...))
			if tt.msg == "" {
				require.NoError(t, err)
				require.NotNil(t, inst)
				return
			}
			var le *store.LinkError
			require.ErrorAs(t, err, &le)
			require.Contains(t, le.Msg, tt.msg)
			require.NotEmpty(t, le.Module)
			require.NotEmpty(t, le.Name)
			require.Contains(t, err.Error(), "link error: import")
		})
	}
}

func TestImportsShareObjects(t *testing.T) {
	e := newEnv()
	inst, err := e.instantiate(t, wasm.Features2_0, wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(
			importFunc("env", "f", 0),
			importTable("table", wasm.FuncRef, 0, -1),
			importMemory("memory", 0, -1),
			importGlobal("mut_global", wasm.I32, true),
		)),
	))
	require.NoError(t, err)
	require.Same(t, e.fn, inst.Funcs[0])
	require.Same(t, e.table, inst.Tables[0])
	require.Same(t, e.memory, inst.Memories[0])
	require.Same(t, e.mutGlobal, inst.Globals[0])
}

func TestGlobalsInit(t *testing.T) {
	global := func(typ wasm.ValueType, init []byte) []byte {
		return wt.Cat([]byte{byte(typ), 0}, init)
	}
	v128 := wt.Cat([]byte{0xfd}, wt.ULEB(0x0c))
	for i := range 16 {
		v128 = append(v128, byte(i+1))
	}
	v128 = append(v128, opEnd)
	e := newEnv()
	inst, err := e.instantiate(t, wasm.Features2_0, wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(
			importGlobal("global", wasm.I32, false),
			importGlobal("float", wasm.F64, false),
		)),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0}, []byte{0})),
		wt.Section(wt.SecGlobal, wt.Vec(
			global(wasm.I32, i32(-1)),                                          // 2
			global(wasm.I64, constExpr(opI64Const, wt.SLEB(-2)...)),            // 3
			global(wasm.F32, constExpr(opF32Const, 0, 0, 0xc0, 0x3f)),          // 4: 1.5
			global(wasm.F64, constExpr(opGlobalGet, 1)),                        // 5
			global(wasm.I32, constExpr(opGlobalGet, 0)),                        // 6
			global(wasm.FuncRef, constExpr(opRefNull, byte(wasm.FuncRef))),     // 7
			global(wasm.FuncRef, constExpr(opRefFunc, 1)),                      // 8
			global(wasm.ExternRef, constExpr(opRefNull, byte(wasm.ExternRef))), // 9
			global(wasm.V128, v128),                                            // 10
		)),
		wt.Section(wt.SecCode, wt.Vec(body(opEnd), body(opEnd))),
	))
	require.NoError(t, err)
	want := []struct{ lo, hi uint64 }{
		2:  {lo: math.MaxUint32},
		3:  {lo: math.MaxUint64 - 1},
		4:  {lo: uint64(math.Float32bits(1.5))},
		5:  {lo: math.Float64bits(1.5)},
		6:  {lo: 42},
		7:  {},
		8:  {lo: inst.Funcs[1].Handle},
		9:  {},
		10: {lo: 0x0807060504030201, hi: 0x100f0e0d0c0b0a09},
	}
	require.Len(t, inst.Globals, len(want))
	for i := 2; i < len(want); i++ {
		g := inst.Globals[i]
		require.Equal(t, want[i].lo, g.Lo, "global %d", i)
		require.Equal(t, want[i].hi, g.Hi, "global %d", i)
	}
	require.NotZero(t, inst.Funcs[1].Handle)
}

func TestFunctionsAndExports(t *testing.T) {
	e := newEnv()
	inst, err := e.instantiate(t, wasm.Features2_0, wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType, i32Type)),
		wt.Section(wt.SecImport, wt.Vec(importFunc("env", "f", 0))),
		wt.Section(wt.SecFunction, wt.Vec([]byte{1}, []byte{0})),
		wt.Section(wt.SecTable, wt.Vec(wt.Cat([]byte{byte(wasm.FuncRef)}, limits(3, -1)))),
		wt.Section(wt.SecMemory, wt.Vec(limits(1, 3))),
		wt.Section(wt.SecGlobal, wt.Vec(wt.Cat([]byte{byte(wasm.I32), 1}, i32(5)))),
		wt.Section(wt.SecExport, wt.Vec(
			wt.Cat(wt.Name("imported"), []byte{0, 0}),
			wt.Cat(wt.Name("own"), []byte{0, 2}),
			wt.Cat(wt.Name("table"), []byte{1, 0}),
			wt.Cat(wt.Name("memory"), []byte{2, 0}),
			wt.Cat(wt.Name("global"), []byte{3, 0}),
		)),
		wt.Section(wt.SecCode, wt.Vec(body(opEnd), body(opEnd))),
	))
	require.NoError(t, err)
	require.Equal(t, "test", inst.Name)
	require.Len(t, inst.Funcs, 3)
	for i, f := range inst.Funcs[1:] {
		require.Same(t, inst, f.Instance)
		require.Equal(t, uint32(i+1), f.Index)
		require.Same(t, f, e.s.Func(f.Handle), "registered under its handle")
	}
	require.Equal(t, []wasm.ValueType{wasm.I32}, inst.Funcs[1].Type.Params)
	require.Equal(t, inst.Funcs[1].TypeID, e.s.TypeID(&wasm.FuncType{Params: []wasm.ValueType{wasm.I32}}))
	require.Equal(t, inst.Funcs[2].TypeID, e.fn.TypeID, "equal signatures share an ID")

	require.Len(t, inst.Tables[0].Elems, 3)
	require.Equal(t, uint32(1), inst.Memories[0].Pages())
	require.Equal(t, uint32(3), inst.Memories[0].Max)
	require.Equal(t, map[string]store.Extern{
		"imported": {Kind: wasm.ExternFunc, Func: e.fn},
		"own":      {Kind: wasm.ExternFunc, Func: inst.Funcs[2]},
		"table":    {Kind: wasm.ExternTable, Table: inst.Tables[0]},
		"memory":   {Kind: wasm.ExternMemory, Memory: inst.Memories[0]},
		"global":   {Kind: wasm.ExternGlobal, Global: inst.Globals[0]},
	}, inst.Exports)
}

func TestMemoryLimit(t *testing.T) {
	m, err := wasm.Parse(wt.Module(wt.Section(wt.SecMemory, wt.Vec(limits(3, -1)))), wasm.Features2_0)
	require.NoError(t, err)
	s := store.New()
	_, err = store.Instantiate(context.Background(), s, m, externs{}, store.NewCode(m, 0), callHost, store.Options{MemoryLimitPages: 2})
	require.ErrorIs(t, err, store.ErrMemoryLimit)

	inst, err := store.Instantiate(context.Background(), s, m, externs{}, store.NewCode(m, 0), callHost, store.Options{MemoryLimitPages: 4})
	require.NoError(t, err)
	require.Equal(t, uint32(4), inst.Memories[0].Max, "growth stops at the limit")
}

// segmentModule imports env.table (2 elements) and env.memory (1 page),
// defines one function, and has the given element and data segments.
func segmentModule(elems, datas [][]byte) []byte {
	secs := [][]byte{
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(importTable("table", wasm.FuncRef, 0, -1), importMemory("memory", 0, -1))),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0})),
	}
	if elems != nil {
		secs = append(secs, wt.Section(wt.SecElement, wt.Vec(elems...)))
	}
	secs = append(secs, wt.Section(wt.SecCode, wt.Vec(body(opEnd))))
	if datas != nil {
		secs = append(secs, wt.Section(wt.SecData, wt.Vec(datas...)))
	}
	return wt.Module(secs...)
}

// activeElem is an active segment for table 0 of function 0, n times.
func activeElem(offset int32, n int) []byte {
	funcs := make([][]byte, n)
	for i := range funcs {
		funcs[i] = []byte{0}
	}
	return wt.Cat([]byte{0}, i32(offset), wt.Vec(funcs...))
}

func activeData(offset int32, s string) []byte {
	return wt.Cat([]byte{0}, i32(offset), wt.Name(s))
}

func TestSegmentsThatFit(t *testing.T) {
	for _, f := range []wasm.Features{wasm.Features1_0, wasm.Features2_0} {
		e := newEnv()
		inst, err := e.instantiate(t, f, segmentModule(
			[][]byte{activeElem(1, 1), activeElem(2, 0)},
			[][]byte{activeData(1, "ab"), activeData(wasm.PageSize-1, "z"), activeData(wasm.PageSize, "")},
		))
		require.NoError(t, err, "features %v", f)
		require.Equal(t, []uint64{0, inst.Funcs[0].Handle}, e.table.Elems)
		require.Equal(t, "\x00ab\x00", string(e.memory.Bytes[:4]))
		require.Equal(t, byte('z'), e.memory.Bytes[wasm.PageSize-1])
		require.Equal(t, [][]uint64{nil, nil}, inst.Elems, "active segments are dropped")
		require.Equal(t, [][]byte{nil, nil, nil}, datas(inst))
	}
}

func TestSegmentsThatDoNotFit(t *testing.T) {
	tests := []struct {
		name         string
		elems, datas [][]byte
		// In 2.0, whether the first segment is written before the trap, and
		// the trap.
		elemWritten, dataWritten bool
		trap                     store.TrapKind
	}{
		{name: "elem past the end", elems: [][]byte{activeElem(0, 1), activeElem(1, 2)},
			elemWritten: true, trap: store.TrapTableOutOfBounds},
		{name: "empty elem past the end", elems: [][]byte{activeElem(0, 1), activeElem(3, 0)},
			elemWritten: true, trap: store.TrapTableOutOfBounds},
		{name: "elem before data", elems: [][]byte{activeElem(0, 1), activeElem(-1, 1)},
			datas: [][]byte{activeData(0, "ab")}, elemWritten: true, trap: store.TrapTableOutOfBounds},
		{name: "data past the end", datas: [][]byte{activeData(0, "ab"), activeData(wasm.PageSize-1, "cd")},
			dataWritten: true, trap: store.TrapMemoryOutOfBounds},
		{name: "empty data past the end", datas: [][]byte{activeData(0, "ab"), activeData(wasm.PageSize+1, "")},
			dataWritten: true, trap: store.TrapMemoryOutOfBounds},
		{name: "data after elem", elems: [][]byte{activeElem(0, 1)}, datas: [][]byte{activeData(-1, "ab")},
			elemWritten: true, trap: store.TrapMemoryOutOfBounds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := segmentModule(tt.elems, tt.datas)

			// 1.0: a link error, and nothing is written.
			e := newEnv()
			_, err := e.instantiate(t, wasm.Features1_0, bin)
			var le *store.LinkError
			require.ErrorAs(t, err, &le)
			require.Regexp(t, `^(elements|data) segment \d+ does not fit$`, le.Msg)
			require.Equal(t, []uint64{0, 0}, e.table.Elems)
			require.Equal(t, "\x00\x00", string(e.memory.Bytes[:2]))

			// 2.0: a trap, after the segments before it are written.
			e = newEnv()
			_, err = e.instantiate(t, wasm.Features2_0, bin)
			var trap *store.Trap
			require.ErrorAs(t, err, &trap)
			require.Equal(t, tt.trap, trap.Kind)
			require.Regexp(t, `^(elements segment \d+ \(\d+ elements at \d+\) does not fit in table 0 of 2 elements|`+
				`data segment \d+ \(\d+ bytes at \d+\) does not fit in memory 0 of 65536 bytes): wasm trap: out of bounds`, err.Error())
			if tt.elemWritten {
				f := e.s.Func(e.table.Elems[0])
				require.NotNil(t, f, "the table holds the failed instance's function")
				require.Equal(t, uint32(0), f.Index)
			} else {
				require.Zero(t, e.table.Elems[0])
			}
			want := "\x00\x00"
			if tt.dataWritten {
				want = "ab"
			}
			require.Equal(t, want, string(e.memory.Bytes[:2]))
		})
	}
}

func TestSegmentModes(t *testing.T) {
	e := newEnv()
	inst, err := e.instantiate(t, wasm.Features2_0, segmentModule(
		[][]byte{
			wt.Cat([]byte{1, 0}, wt.Vec([]byte{0}, []byte{0})), // passive, function indices
			wt.Cat([]byte{3, 0}, wt.Vec([]byte{0})),            // declarative
			activeElem(0, 1),
			// passive, expressions: ref.null func, ref.func 0
			wt.Cat([]byte{5, byte(wasm.FuncRef)}, wt.Vec(constExpr(opRefNull, byte(wasm.FuncRef)), constExpr(opRefFunc, 0))),
		},
		[][]byte{
			wt.Cat([]byte{1}, wt.Name("passive")),
			activeData(0, "active"),
		},
	))
	require.NoError(t, err)
	h := inst.Funcs[0].Handle
	require.Equal(t, [][]uint64{{h, h}, nil, nil, {0, h}}, inst.Elems)
	require.Equal(t, [][]byte{[]byte("passive"), nil}, datas(inst))
	require.Equal(t, []uint64{h, 0}, e.table.Elems)
}

func TestSegmentOffsetFromGlobal(t *testing.T) {
	e := newEnv()
	e.global.Lo = 1
	m, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecImport, wt.Vec(importGlobal("global", wasm.I32, false), importMemory("memory", 0, -1))),
		wt.Section(wt.SecData, wt.Vec(wt.Cat([]byte{0}, constExpr(opGlobalGet, 0), wt.Name("x")))),
	), wasm.Features2_0)
	require.NoError(t, err)
	_, err = store.Instantiate(context.Background(), e.s, m, e.resolver(), store.NewCode(m, 0), callHost, store.Options{})
	require.NoError(t, err)
	require.Equal(t, "\x00x", string(e.memory.Bytes[:2]))
}

func TestStart(t *testing.T) {
	// The start function is the imported env.f; it runs after the data
	// segments are written.
	bin := wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(importFunc("env", "f", 0), importMemory("memory", 0, -1))),
		wt.Section(wt.SecStart, wt.ULEB(0)),
		wt.Section(wt.SecData, wt.Vec(activeData(0, "s"))),
	)
	e := newEnv()
	var seen byte
	e.fn.Host = func(context.Context, *store.Instance, []uint64) error {
		seen = e.memory.Bytes[0]
		return nil
	}
	_, err := e.instantiate(t, wasm.Features2_0, bin)
	require.NoError(t, err)
	require.Equal(t, byte('s'), seen)

	e = newEnv()
	e.fnErr = &store.Trap{Kind: store.TrapUnreachable}
	_, err = e.instantiate(t, wasm.Features2_0, bin)
	require.Same(t, e.fnErr, err, "the start function's trap is returned as is")
	require.Equal(t, 1, e.calls)

	e = newEnv()
	e.fnErr = errors.New("host failure")
	_, err = e.instantiate(t, wasm.Features2_0, bin)
	require.Same(t, e.fnErr, err)

	// A segment that traps comes before the start function.
	e = newEnv()
	_, err = e.instantiate(t, wasm.Features2_0, wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(importFunc("env", "f", 0), importMemory("memory", 0, -1))),
		wt.Section(wt.SecStart, wt.ULEB(0)),
		wt.Section(wt.SecData, wt.Vec(activeData(wasm.PageSize, "s"))),
	))
	var trap *store.Trap
	require.ErrorAs(t, err, &trap)
	require.Equal(t, store.TrapMemoryOutOfBounds, trap.Kind)
	require.Zero(t, e.calls)
}

func TestLinkErrorMessage(t *testing.T) {
	require.Equal(t, `link error: import "env" "f": unknown import`,
		(&store.LinkError{Module: "env", Name: "f", Msg: "unknown import"}).Error())
	require.Equal(t, "link error: data segment 1 does not fit",
		(&store.LinkError{Msg: "data segment 1 does not fit"}).Error())
}

func TestHugeTableIsRefusedNotAllocated(t *testing.T) {
	// (table 0xffffffff funcref) would need 32 GiB.
	data := wt.Module(wt.Section(wt.SecTable, wt.Vec(wt.Cat([]byte{0x70, 0}, wt.ULEB(0xFFFFFFFF)))))
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	_, err = store.Instantiate(context.Background(), store.New(), m, nil, store.NewCode(m, 0), nil, store.Options{})
	require.ErrorIs(t, err, store.ErrTableLimit)

	tab, err := store.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1}}, 4)
	require.NoError(t, err)
	require.Equal(t, int64(1), tab.Grow(store.New(), 3, 0))
	require.Equal(t, int64(-1), tab.Grow(store.New(), 1, 0), "growth stops at the limit")
}

func TestReleasedHandlesNeverReachLaterFunctions(t *testing.T) {
	s := store.New()
	ft := &wasm.FuncType{}
	f, f2 := &store.Function{Type: ft}, &store.Function{Type: ft}
	block, err := s.Register(f, f2)
	require.NoError(t, err)
	h, h2 := f.Handle, f2.Handle
	require.Same(t, f, s.Func(h))
	require.Same(t, f2, s.Func(h2))
	require.Nil(t, s.Func(h2+1<<20), "an index past the block")
	s.Unregister(block)
	require.Nil(t, s.Func(h), "unregistered")
	g := &store.Function{Type: ft}
	again, err := s.Register(g)
	require.NoError(t, err)
	require.Equal(t, block, again, "the slot is reused")
	require.Equal(t, uint32(h), uint32(g.Handle)&(1<<20-1), "the same slot")
	require.NotEqual(t, h, g.Handle, "under a new generation")
	require.Nil(t, s.Func(h), "the stale handle still resolves to nothing")
	require.Same(t, g, s.Func(g.Handle))
	require.Nil(t, s.Func(0), "null")
}

func TestImageMatchesSegmentByApplication(t *testing.T) {
	seg := func(off int32, b ...byte) []byte {
		return wt.Cat([]byte{0}, i32(off), wt.ULEB(uint64(len(b))), b)
	}
	data := wt.Module(
		wt.Section(wt.SecMemory, wt.Vec(limits(1, -1))),
		wt.Section(wt.SecData, wt.Vec(
			seg(10, 1, 2, 3, 4),
			seg(12, 9, 9), // overlaps the first: applied later, it wins
			wt.Cat([]byte{1}, wt.ULEB(2), []byte{7, 7}), // passive: stays for memory.init
			seg(65530, 5, 5, 5, 5, 5, 5),
		)),
	)
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	img := store.NewImage(m)
	require.NotNil(t, img)
	with, err := store.Instantiate(context.Background(), store.New(), m, nil, store.NewCode(m, 0), nil, store.Options{Image: img})
	require.NoError(t, err)
	without, err := store.Instantiate(context.Background(), store.New(), m, nil, store.NewCode(m, 0), nil, store.Options{})
	require.NoError(t, err)
	require.Equal(t, without.Memories[0].Bytes, with.Memories[0].Bytes)
	require.Equal(t, []byte{1, 2, 9, 9}, with.Memories[0].Bytes[10:14])
	require.Equal(t, datas(without), datas(with))
	require.Equal(t, []byte{7, 7}, with.Data(2), "the passive segment is kept")

	// Cases the image cannot cover fall back to applying segments.
	outOfRange := wt.Module(wt.Section(wt.SecMemory, wt.Vec(limits(1, -1))),
		wt.Section(wt.SecData, wt.Vec(seg(65535, 1, 2))))
	m, err = wasm.Parse(outOfRange, wasm.Features2_0)
	require.NoError(t, err)
	require.Nil(t, store.NewImage(m), "a segment that does not fit must trap at instantiation")
	v1, err := wasm.Parse(data, wasm.Features1_0)
	if err == nil {
		require.Nil(t, store.NewImage(v1), "1.0 checks every segment before writing")
	}
}

// datas lists the bytes of every data segment of inst, nil for dropped ones.
func datas(inst *store.Instance) [][]byte {
	d := make([][]byte, len(inst.Module.Data))
	for i := range d {
		d[i] = inst.Data(uint32(i))
	}
	return d
}

// TestRecycledInstanceStorage instantiates a module with a table of its own
// functions, releases it and instantiates again from the same Recycler:
// the new instance reuses the storage, the old handles resolve to nothing,
// and the old instance's table reads as empty.
func TestRecycledInstanceStorage(t *testing.T) {
	m, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0}, []byte{0})),
		wt.Section(wt.SecTable, wt.Vec([]byte{byte(wasm.FuncRef), 0, 3})),
		wt.Section(wt.SecElement, wt.Vec([]byte{0, 0x41, 1, opEnd, 2, 0, 1})),
		wt.Section(wt.SecCode, wt.Vec(wt.Body(nil, opEnd), wt.Body(nil, opEnd))),
	), wasm.Features2_0)
	require.NoError(t, err)
	s := store.New()
	var r store.Recycler
	opts := store.Options{Recycler: &r}
	a, err := store.Instantiate(context.Background(), s, m, externs{}, store.NewCode(m, 0), callHost, opts)
	require.NoError(t, err)
	table, old := a.Tables[0], append([]uint64(nil), a.Tables[0].Elems...)
	require.Zero(t, old[0])
	require.Same(t, a.Funcs[1], s.Func(old[2]))
	record := a.Funcs[0]
	a.Release()
	require.Empty(t, table.Elems, "a released instance's table reads as empty")
	require.Equal(t, int64(-1), table.Grow(store.New(), 1, 0), "and does not grow")

	b, err := store.Instantiate(context.Background(), s, m, externs{}, store.NewCode(m, 0), callHost, opts)
	require.NoError(t, err)
	require.Same(t, record, b.Funcs[0], "the function records were reused")
	require.Same(t, b, b.Funcs[0].Instance)
	for _, h := range old[1:] {
		require.Nil(t, s.Func(h), "an old handle never reaches the new tenant")
	}
	require.Zero(t, b.Tables[0].Elems[0])
	require.Same(t, b.Funcs[0], s.Func(b.Tables[0].Elems[1]))
	require.Same(t, b.Funcs[1], s.Func(b.Tables[0].Elems[2]))
}

// TestHostInstanceOutlivesItsImporters checks that an importer's release
// ends only its own use of a host instance: the host's functions stay
// registered until the host instance itself is released.
func TestHostInstanceOutlivesItsImporters(t *testing.T) {
	s := store.New()
	host := store.NewHostInstance(s, "env")
	f := &store.Function{Type: &wasm.FuncType{}, Instance: host, Module: "env", Name: "f",
		Host: func(context.Context, *store.Instance, []uint64) error { return nil }}
	host.Funcs = append(host.Funcs, f)
	require.NoError(t, host.RegisterFuncs())
	m, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(importFunc("env", "f", 0))),
	), wasm.Features2_0)
	require.NoError(t, err)
	resolver := externs{{"env", "f"}: {Kind: wasm.ExternFunc, Func: f}}
	for range 2 {
		inst, err := store.Instantiate(context.Background(), s, m, resolver, store.NewCode(m, 0), callHost, store.Options{})
		require.NoError(t, err)
		inst.Release()
		require.Same(t, f, s.Func(f.Handle), "still the host's")
	}
	h := f.Handle
	host.Release()
	require.Nil(t, s.Func(h))
}

// TestImportedTableOutlivesItsInstance checks that an instance importing
// only a table keeps that table whole after its definer is released, and
// that the definer's storage is recycled only after the importer is gone.
func TestImportedTableOutlivesItsInstance(t *testing.T) {
	a, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0})),
		wt.Section(wt.SecTable, wt.Vec([]byte{byte(wasm.FuncRef), 0, 2})),
		wt.Section(wt.SecExport, wt.Vec(wt.Export("t", wt.KindTable, 0))),
		wt.Section(wt.SecElement, wt.Vec([]byte{0, 0x41, 1, opEnd, 1, 0})),
		wt.Section(wt.SecCode, wt.Vec(wt.Body(nil, opEnd))),
	), wasm.Features2_0)
	require.NoError(t, err)
	b, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecImport, wt.Vec(wt.Cat(wt.Name("a"), wt.Name("t"), []byte{1, byte(wasm.FuncRef)}, limits(2, -1)))),
	), wasm.Features2_0)
	require.NoError(t, err)
	s := store.New()
	var r store.Recycler
	ai, err := store.Instantiate(context.Background(), s, a, externs{}, store.NewCode(a, 0), callHost, store.Options{Recycler: &r})
	require.NoError(t, err)
	table := ai.Tables[0]
	bi, err := store.Instantiate(context.Background(), s, b, externs{{"a", "t"}: ai.Exports["t"]}, nil, callHost, store.Options{})
	require.NoError(t, err)
	want := append([]uint64(nil), table.Elems...)
	require.NotZero(t, want[1])

	ai.Release()
	require.Equal(t, want, bi.Tables[0].Elems, "the importer keeps the table")
	again, err := store.Instantiate(context.Background(), s, a, externs{}, store.NewCode(a, 0), callHost, store.Options{Recycler: &r})
	require.NoError(t, err)
	require.Equal(t, want, table.Elems, "nothing was recycled from under the importer")
	require.NotSame(t, table, again.Tables[0])

	bi.Release()
	require.Empty(t, table.Elems, "released with its last user")
}

// TestImportersKeepFunctionsRegistered checks that an instance's function
// handles stay valid while an instance importing one of its functions
// lives, and only that long.
func TestImportersKeepFunctionsRegistered(t *testing.T) {
	a, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecFunction, wt.Vec([]byte{0})),
		wt.Section(wt.SecExport, wt.Vec(wt.Export("f", wt.KindFunc, 0))),
		wt.Section(wt.SecCode, wt.Vec(wt.Body(nil, opEnd))),
	), wasm.Features2_0)
	require.NoError(t, err)
	b, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType)),
		wt.Section(wt.SecImport, wt.Vec(importFunc("a", "f", 0))),
	), wasm.Features2_0)
	require.NoError(t, err)
	s := store.New()
	ai, err := store.Instantiate(context.Background(), s, a, externs{}, store.NewCode(a, 0), callHost, store.Options{})
	require.NoError(t, err)
	f := ai.Funcs[0]
	bi, err := store.Instantiate(context.Background(), s, b, externs{{"a", "f"}: ai.Exports["f"]}, nil, callHost, store.Options{})
	require.NoError(t, err)
	ai.Release()
	require.Same(t, f, s.Func(f.Handle), "still imported")
	bi.Release()
	require.Nil(t, s.Func(f.Handle))
}
