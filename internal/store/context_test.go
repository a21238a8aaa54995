package store_test

import (
	"context"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/store"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/wasm"
)

// word reads the instance context word at off.
func word(inst *store.Instance, off uint32) uint64 {
	return *(*uint64)(unsafe.Add(inst.Context(), off))
}

func addr[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }

// TestInstanceContext checks every word of an instance context against the
// instance it describes, and that tables and memories keep the views of
// them current.
func TestInstanceContext(t *testing.T) {
	e := newEnv()
	m, err := wasm.Parse(wt.Module(
		wt.Section(wt.SecType, wt.Vec(voidType, wt.FuncType([]byte{wt.I32}, nil))),
		wt.Section(wt.SecImport, wt.Vec(
			importFunc("env", "f", 0),
			wt.Cat(wt.Name("env"), wt.Name("table_no_max"), []byte{wt.KindTable, byte(wasm.FuncRef), 0, 1}),
			wt.Cat(wt.Name("env"), wt.Name("memory_no_max"), []byte{wt.KindMemory, 0, 1}),
			wt.Cat(wt.Name("env"), wt.Name("global"), []byte{wt.KindGlobal, wt.I32, 0}),
		)),
		wt.Section(wt.SecFunction, wt.Vec([]byte{1}, []byte{0})),
		wt.Section(wt.SecTable, wt.Vec([]byte{byte(wasm.FuncRef), 0, 2})),
		wt.Section(wt.SecGlobal, wt.Vec([]byte{wt.I64, 1, 0x42, 7, opEnd})),
		// Into table 1, the module's own: functions 2 and 1.
		wt.Section(wt.SecElement, wt.Vec([]byte{2, 1, 0x41, 0, opEnd, 0, 2, 2, 1})),
		wt.Section(wt.SecCode, wt.Vec(wt.Body(nil, opEnd), wt.Body(nil, opEnd))),
	), wasm.Features2_0)
	require.NoError(t, err)
	code := store.NewCode(m, 0x1234)
	inst, err := store.Instantiate(context.Background(), e.s, m, e.resolver(), code, callHost, store.Options{})
	require.NoError(t, err)
	l := inst.Layout()
	require.Equal(t, abi.NewLayout(2, 2, 1), l)

	mem := inst.Memories[0]
	require.Equal(t, addr(&mem.Bytes[0]), word(inst, abi.CtxMemBase))
	require.Equal(t, addr(mem), word(inst, abi.CtxMemory))
	require.Equal(t, addr(&code.Entries[0]), word(inst, abi.CtxEntries))
	require.Equal(t, addr(&inst.Funcs[0]), word(inst, abi.CtxFuncs))
	require.Equal(t, inst.Funcs[1].Handle, word(inst, abi.CtxHandleBase))
	require.Equal(t, addr(inst), word(inst, abi.CtxInstance))
	require.Same(t, inst, store.InstanceOf(inst.Context()))
	require.Equal(t, addr(&inst.TypeIDs()[0]), word(inst, abi.CtxTypeIDs))
	require.Equal(t, inst.Funcs[2].TypeID, inst.TypeIDs()[0])
	require.Equal(t, inst.Funcs[1].TypeID, inst.TypeIDs()[1])

	for i, g := range inst.Globals {
		require.Equal(t, addr(&g.Lo), word(inst, l.Global(uint32(i))), "global %d", i)
	}
	require.Equal(t, addr(&e.global.Lo), word(inst, l.Global(0)), "the imported global itself")

	imp := l.Import(0)
	require.Equal(t, addr(e.fn.Entry), word(inst, imp+abi.ImportEntry))
	require.Equal(t, addr(&store.HostEntry), word(inst, imp+abi.ImportEntry), "a host function's entry")
	require.Zero(t, word(inst, imp+abi.ImportContext))
	require.Equal(t, addr(e.fn), word(inst, imp+abi.ImportFunc))

	for i, f := range inst.Funcs[1:] {
		require.Equal(t, &code.Entries[i], f.Entry)
		require.Equal(t, uintptr(0x1234), *f.Entry)
		require.Equal(t, inst.Context(), f.Context)
	}

	view := func(i uint32) (funcs, elems, n uint64) {
		off := l.Table(i)
		return word(inst, off+abi.TableFuncs), word(inst, off+abi.TableElems), word(inst, off+abi.TableLen)
	}
	checkView := func(i uint32) {
		t.Helper()
		tab := inst.Tables[i]
		funcs, elems, n := view(i)
		require.Equal(t, addr(&tab.Funcs[0]), funcs)
		require.Equal(t, addr(&tab.Elems[0]), elems)
		require.Equal(t, uint64(len(tab.Elems)), n)
	}
	checkView(0)
	checkView(1)
	own := inst.Tables[1]
	require.Same(t, inst.Funcs[2], own.Funcs[0], "an element's function")
	require.Same(t, inst.Funcs[1], own.Funcs[1])
	f, kind := own.Call(1)
	require.Same(t, inst.Funcs[1], f)
	require.Zero(t, kind)

	// Growth moves the arrays; the views follow, the importer's too.
	require.Equal(t, int64(2), own.Grow(e.s, 100, inst.Funcs[1].Handle))
	checkView(1)
	require.Same(t, inst.Funcs[1], own.Funcs[101])
	require.Equal(t, int64(2), e.tableNoMax.Grow(e.s, 2, 0))
	checkView(0)
	require.Equal(t, int64(1), mem.Grow(3))
	require.Equal(t, addr(&mem.Bytes[0]), word(inst, abi.CtxMemBase), "a Go slice memory moved")

	// Released, the instance's records no longer match the handles that
	// tables hold, and the imported table stops updating its view.
	require.True(t, e.tableNoMax.Set(e.s, 0, inst.Funcs[1].Handle))
	inst.Release()
	f, kind = e.tableNoMax.Call(0)
	require.Nil(t, f)
	require.Equal(t, store.TrapUninitializedElement, kind)
	_, _, before := view(0)
	require.Equal(t, int64(4), e.tableNoMax.Grow(e.s, 1, 0))
	_, _, after := view(0)
	require.Equal(t, before, after, "no longer a view of the table")
}

// The offsets abi declares for store's types.
func TestStoreTypesLayout(t *testing.T) {
	var f store.Function
	require.Zero(t, unsafe.Offsetof(f.FuncRecord), "the record comes first")
	var m store.MemoryInstance
	require.Equal(t, uintptr(abi.MemoryLen), unsafe.Offsetof(m.Bytes)+unsafe.Sizeof(uintptr(0)))
	var g store.Global
	require.Equal(t, uintptr(8), unsafe.Offsetof(g.Hi)-unsafe.Offsetof(g.Lo), "a v128's high half follows")
}
