package terra_test

import (
	"context"
	"errors"
	"github.com/terra-runtime/terra/internal/wasmtest"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

var ctx = context.Background()

// wasmModule prefixes sections with the magic and version.
func wasmModule(sections ...[]byte) []byte {
	b := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	for _, s := range sections {
		b = append(b, s...)
	}
	return b
}

// section frames a section's contents, of fewer than 128 bytes.
func section(id byte, contents ...byte) []byte {
	return append([]byte{id, byte(len(contents))}, contents...)
}

// reexportWasm imports env.f: () -> i32 and exports it as "f", so that
// calling the export calls the host function directly.
var reexportWasm = wasmModule(
	section(1, 0x01, 0x60, 0x00, 0x01, 0x7f),                     // type 0: () -> i32
	section(2, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00), // import env.f: type 0
	section(7, 0x01, 0x01, 'f', 0x00, 0x00),                      // export "f": func 0
)

// dataWasm exports a memory of minPages pages with "x" at offset 0.
func dataWasm(minPages byte) []byte {
	return wasmModule(
		section(5, 0x01, 0x00, minPages),                                 // memory: min minPages
		section(7, 0x01, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00), // export "memory": memory 0
		section(11, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 'x'),             // data: "x" at i32.const 0
	)
}

// trapWasm exports three functions of type () -> (): "trap" runs
// unreachable, "spin" loops forever and "recurse" calls itself.
var trapWasm = wasmModule(
	section(1, 0x01, 0x60, 0x00, 0x00), // type 0: () -> ()
	section(3, 0x03, 0x00, 0x00, 0x00), // 3 functions of type 0
	section(7, 0x03,
		0x04, 't', 'r', 'a', 'p', 0x00, 0x00,
		0x04, 's', 'p', 'i', 'n', 0x00, 0x01,
		0x07, 'r', 'e', 'c', 'u', 'r', 's', 'e', 0x00, 0x02),
	section(10, 0x03,
		0x03, 0x00, 0x00, 0x0b, // unreachable
		0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // loop br 0 end
		0x04, 0x00, 0x10, 0x02, 0x0b), // call 2
)

func newRuntime(t *testing.T, cfg terra.Config) *terra.Runtime {
	t.Helper()
	rt, err := terra.NewRuntime(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { rt.Close() })
	return rt
}

func TestNewRuntime(t *testing.T) {
	for _, tier := range []terra.Tier{"", terra.TierInterp} {
		_, err := terra.NewRuntime(terra.Config{Tier: tier})
		require.NoError(t, err, "tier %q", tier)
	}
	_, err := terra.NewRuntime(terra.Config{Tier: terra.TierJIT})
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		require.NoError(t, err)
	} else {
		require.ErrorIs(t, err, terra.ErrTierUnavailable)
	}
	_, err = terra.NewRuntime(terra.Config{Tier: terra.TierTiered})
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		require.NoError(t, err)
	} else {
		require.ErrorIs(t, err, terra.ErrTierUnavailable)
		require.ErrorContains(t, err, string(terra.TierTiered))
	}
	_, err = terra.NewRuntime(terra.Config{Tier: terra.TierTiered, Tiering: terra.Tiering{Workers: -1}})
	require.Error(t, err)
	_, err = terra.NewRuntime(terra.Config{Tier: "fast"})
	require.ErrorContains(t, err, `unknown tier "fast"`)
	_, err = terra.NewRuntime(terra.Config{Core: "3.0"})
	require.ErrorContains(t, err, `unknown core version "3.0"`)
	_, err = terra.NewRuntime(terra.Config{MaxCallDepth: -1})
	require.Error(t, err)
}

func TestCompileErrors(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	_, err := rt.Compile(ctx, []byte("\x00asm"))
	var malformed *wasm.MalformedError
	require.ErrorAs(t, err, &malformed)
	require.ErrorContains(t, err, "terra: compile: ")

	// An export of a function that does not exist.
	_, err = rt.Compile(ctx, wasmModule(section(7, 0x01, 0x01, 'f', 0x00, 0x00)))
	var invalid *wasm.InvalidError
	require.ErrorAs(t, err, &invalid)

	// SIMD is 2.0; disabled, the v128 type is malformed.
	simd := wasmModule(section(1, 0x01, 0x60, 0x00, 0x01, 0x7b))
	_, err = rt.Compile(ctx, simd)
	require.NoError(t, err)
	_, err = newRuntime(t, terra.Config{DisabledFeatures: wasm.FeatureSIMD}).Compile(ctx, simd)
	require.ErrorAs(t, err, &malformed)
	_, err = newRuntime(t, terra.Config{Core: terra.CoreV1}).Compile(ctx, simd)
	require.ErrorAs(t, err, &malformed)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = rt.Compile(cancelled, simd)
	require.ErrorIs(t, err, context.Canceled)
}

func TestCompileModule(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	m, err := wasm.Decode(addWasm, wasm.Features2_0)
	require.NoError(t, err)
	_, err = rt.CompileModule(m)
	require.ErrorContains(t, err, "not validated")

	// A 1.0 module in a 2.0 runtime keeps 1.0 semantics: a segment that
	// does not fit is a link error.
	m, err = wasm.Parse(dataWasm(0), wasm.Features1_0)
	require.NoError(t, err)
	cm, err := rt.CompileModule(m)
	require.NoError(t, err)
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	var linkErr *terra.LinkError
	require.ErrorAs(t, err, &linkErr)
}

func TestImportsExports(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, addWasm)
	require.NoError(t, err)
	i32 := []wasm.ValueType{wasm.I32}
	require.Equal(t, []terra.Import{{Module: "env", Name: "log",
		Type: terra.ExternType{Kind: wasm.ExternFunc, Func: wasm.FuncType{Params: i32}}}},
		cm.Imports())
	require.Equal(t, []terra.Export{{Name: "add",
		Type: terra.ExternType{Kind: wasm.ExternFunc, Func: wasm.FuncType{Params: []wasm.ValueType{wasm.I32, wasm.I32}, Results: i32}}}},
		cm.Exports())

	cm, err = rt.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	require.Empty(t, cm.Imports())
	require.Equal(t, []terra.Export{{Name: "memory",
		Type: terra.ExternType{Kind: wasm.ExternMemory, Memory: wasm.MemoryType{Limits: wasm.Limits{Min: 1}}}}}, cm.Exports())

	host, err := rt.NewHostModule("env").
		Global("g", wasm.GlobalType{Type: wasm.I64}, 1).
		Memory("m", wasm.MemoryType{}).
		Func("f", terra.Func1(func(_ context.Context, _ terra.Caller, x int32) int64 { return int64(x) })).
		Table("t", wasm.TableType{Elem: wasm.ExternRef}).
		Compile()
	require.NoError(t, err)
	require.Empty(t, host.Imports())
	require.Equal(t, []terra.Export{
		{Name: "f", Type: terra.ExternType{Kind: wasm.ExternFunc, Func: wasm.FuncType{Params: i32, Results: []wasm.ValueType{wasm.I64}}}},
		{Name: "t", Type: terra.ExternType{Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.ExternRef}}},
		{Name: "m", Type: terra.ExternType{Kind: wasm.ExternMemory}},
		{Name: "g", Type: terra.ExternType{Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I64}}},
	}, host.Exports())
}

// constHost returns a host module exporting f: () -> i32 returning v.
func constHost(rt *terra.Runtime, name string, v int32) *terra.HostModuleBuilder {
	return rt.NewHostModule(name).Func("f", terra.Func0(func(context.Context, terra.Caller) int32 { return v }))
}

func callI32(t *testing.T, inst *terra.Instance, name string, args ...uint64) int32 {
	t.Helper()
	f := inst.ExportedFunction(name)
	require.NotNil(t, f, "export %q", name)
	results, err := f.Call(ctx, args...)
	require.NoError(t, err)
	require.Len(t, results, 1)
	return int32(results[0])
}

func TestNamespace(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, reexportWasm)
	require.NoError(t, err)

	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	var linkErr *terra.LinkError
	require.ErrorAs(t, err, &linkErr, "nothing named env yet")
	require.Equal(t, terra.LinkError{Module: "env", Name: "f", Msg: "unknown import"}, *linkErr)

	env, err := constHost(rt, "env", 1).Instantiate(ctx)
	require.NoError(t, err)
	require.Equal(t, "env", env.Name())
	require.Same(t, env, rt.Module("env"))
	_, err = constHost(rt, "env", 2).Instantiate(ctx)
	require.ErrorIs(t, err, terra.ErrNameInUse)

	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Name: "user"})
	require.NoError(t, err)
	require.Equal(t, int32(1), callI32(t, inst, "f"))
	require.Same(t, inst, rt.Module("user"))

	// Explicit imports take precedence over names.
	other, err := constHost(rt, "ignored", 2).Compile()
	require.NoError(t, err)
	anon, err := rt.Instantiate(ctx, other, terra.InstanceConfig{})
	require.NoError(t, err)
	require.Equal(t, "", anon.Name())
	require.Nil(t, rt.Module("ignored"), "anonymous instances have no name")
	inst2, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: map[string]*terra.Instance{"env": anon}})
	require.NoError(t, err)
	require.Equal(t, int32(2), callI32(t, inst2, "f"))

	// Closing frees the name and stops calls through the instance.
	f := env.ExportedFunction("f")
	require.NoError(t, env.Close())
	require.NoError(t, env.Close())
	require.Nil(t, rt.Module("env"))
	_, err = f.Call(ctx)
	require.ErrorIs(t, err, terra.ErrClosed)
	require.Equal(t, int32(1), callI32(t, inst, "f"), "the importer keeps the function")
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: map[string]*terra.Instance{"env": env}})
	require.ErrorIs(t, err, terra.ErrClosed)
	env, err = constHost(rt, "env", 3).Instantiate(ctx)
	require.NoError(t, err)
	require.Equal(t, int32(3), callI32(t, env, "f"))

	// Instances and modules of another runtime do not mix.
	rt2 := newRuntime(t, terra.Config{})
	_, err = rt2.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.ErrorContains(t, err, "another runtime")
	cm2, err := rt2.Compile(ctx, reexportWasm)
	require.NoError(t, err)
	_, err = rt2.Instantiate(ctx, cm2, terra.InstanceConfig{Imports: map[string]*terra.Instance{"env": env}})
	require.ErrorContains(t, err, "another runtime")

	// A failed instantiation frees its name.
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{Name: "failed", Imports: map[string]*terra.Instance{"env": nil}})
	require.Error(t, err)
	cm3, err := rt.Compile(ctx, dataWasm(0))
	require.NoError(t, err)
	_, err = rt.Instantiate(ctx, cm3, terra.InstanceConfig{Name: "failed"})
	require.Error(t, err)
	require.Nil(t, rt.Module("failed"))
	_, err = constHost(rt, "failed", 0).Instantiate(ctx)
	require.NoError(t, err)
}

func TestConcurrentNames(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := constHost(rt, "", 0).Compile()
	require.NoError(t, err)
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		won, lost, bad int
	)
	for range 16 {
		wg.Go(func() {
			_, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Name: "one"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, terra.ErrNameInUse):
				lost++
			default:
				bad++
			}
		})
	}
	wg.Wait()
	require.Equal(t, []int{1, 15, 0}, []int{won, lost, bad})
}

func TestLinkTypes(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	_, err := rt.NewHostModule("env").
		Func("f", terra.Func0(func(context.Context, terra.Caller) int64 { return 0 })).
		Instantiate(ctx)
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, reexportWasm)
	require.NoError(t, err)
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	var linkErr *terra.LinkError
	require.ErrorAs(t, err, &linkErr)
	require.Equal(t, "f", linkErr.Name)
	require.Contains(t, linkErr.Msg, "incompatible import type")
}

func TestSegmentTrap(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, dataWasm(0))
	require.NoError(t, err)
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	var trap *terra.Trap
	require.ErrorAs(t, err, &trap)
	require.Equal(t, terra.TrapMemoryOutOfBounds, trap.Kind)
	require.ErrorContains(t, err, "data segment 0 (1 bytes at 0) does not fit in memory 0 of 0 bytes: wasm trap: out of bounds memory access")

	rt1 := newRuntime(t, terra.Config{Core: terra.CoreV1})
	cm, err = rt1.Compile(ctx, dataWasm(0))
	require.NoError(t, err)
	_, err = rt1.Instantiate(ctx, cm, terra.InstanceConfig{})
	var linkErr *terra.LinkError
	require.ErrorAs(t, err, &linkErr)
	require.Equal(t, "data segment 0 does not fit", linkErr.Msg)
}

// errno is a named integer type, as host code often has.
type errno uint32

func TestTypedHostFuncs(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	var procArgs []any
	env, err := rt.NewHostModule("env").
		Func("sub", terra.Func2(func(_ context.Context, _ terra.Caller, a, b int32) int32 { return a - b })).
		Func("half32", terra.Func1(func(_ context.Context, _ terra.Caller, x float32) float32 { return x / 2 })).
		Func("half64", terra.Func1(func(_ context.Context, _ terra.Caller, x float64) float64 { return x / 2 })).
		Func("neg64", terra.Func1(func(_ context.Context, _ terra.Caller, x int64) uint64 { return uint64(-x) })).
		Func("errno", terra.Func0(func(context.Context, terra.Caller) errno { return 76 })).
		Func("sum4", terra.Func4(func(_ context.Context, _ terra.Caller, a uint32, b int64, c float32, d float64) float64 {
			return float64(a) + float64(b) + float64(c) + d
		})).
		Func("sum3", terra.Func3(func(_ context.Context, _ terra.Caller, a, b, c int32) int32 { return a + b + c })).
		Func("proc0", terra.Proc0(func(context.Context, terra.Caller) { procArgs = append(procArgs, "proc0") })).
		Func("proc1", terra.Proc1(func(_ context.Context, _ terra.Caller, a int32) { procArgs = append(procArgs, a) })).
		Func("proc2", terra.Proc2(func(_ context.Context, _ terra.Caller, a int32, b int64) { procArgs = append(procArgs, a, b) })).
		Func("proc3", terra.Proc3(func(_ context.Context, _ terra.Caller, a, b, c uint32) { procArgs = append(procArgs, a, b, c) })).
		Func("proc4", terra.Proc4(func(_ context.Context, c terra.Caller, a, b, _, _ float64) {
			procArgs = append(procArgs, a, b, c.Memory() == nil)
		})).
		Instantiate(ctx)
	require.NoError(t, err)

	call := func(name string, args ...uint64) []uint64 {
		t.Helper()
		f := env.ExportedFunction(name)
		require.NotNil(t, f, name)
		results, err := f.Call(ctx, args...)
		require.NoError(t, err)
		return results
	}
	minus1 := uint64(math.MaxUint32)
	require.Equal(t, []uint64{minus1}, call("sub", 2, 3), "i32 results are zero-extended")
	require.Equal(t, []uint64{5}, call("sub", 2, minus1-2), "i32 arguments are truncated to 32 bits")
	require.Equal(t, []uint64{uint64(math.Float32bits(-1.25))}, call("half32", uint64(math.Float32bits(-2.5))))
	require.Equal(t, []uint64{math.Float64bits(0.75)}, call("half64", math.Float64bits(1.5)))
	require.Equal(t, []uint64{math.MaxUint64}, call("neg64", 1))
	require.Equal(t, []uint64{76}, call("errno"))
	require.Equal(t, []uint64{math.Float64bits(10)}, call("sum4", 1, 2, uint64(math.Float32bits(3)), math.Float64bits(4)))
	require.Equal(t, []uint64{6}, call("sum3", 1, 2, 3))
	require.Empty(t, call("proc0"))
	call("proc1", minus1)
	call("proc2", 1, math.MaxUint64)
	call("proc3", 1, 2, 3)
	call("proc4", math.Float64bits(1), math.Float64bits(2), 0, 0)
	require.Equal(t, []any{"proc0", int32(-1), int32(1), int64(-1), uint32(1), uint32(2), uint32(3), 1.0, 2.0, true}, procArgs,
		"a direct call has no calling instance and so no caller memory")

	types := map[string]wasm.FuncType{
		"errno": {Results: []wasm.ValueType{wasm.I32}},
		"sum4":  {Params: []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64}, Results: []wasm.ValueType{wasm.F64}},
		"proc2": {Params: []wasm.ValueType{wasm.I32, wasm.I64}},
	}
	for name, want := range types {
		require.True(t, want.Equal(env.ExportedFunction(name).Type()), name)
	}

	_, err = env.ExportedFunction("sub").Call(ctx, 1)
	require.ErrorContains(t, err, `terra: call "sub": 1 argument cells, want 2`)
}

func TestRawHostFunc(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	errHost := errors.New("host failure")
	v128 := []wasm.ValueType{wasm.V128}
	env, err := rt.NewHostModule("env").
		FuncRaw("swap", v128, v128, func(_ context.Context, _ terra.Caller, stack []uint64) error {
			stack[0], stack[1] = stack[1], stack[0]
			return nil
		}).
		FuncRaw("fail", nil, nil, func(context.Context, terra.Caller, []uint64) error { return errHost }).
		FuncRaw("ref", []wasm.ValueType{wasm.FuncRef}, []wasm.ValueType{wasm.ExternRef}, func(_ context.Context, _ terra.Caller, stack []uint64) error {
			stack[0] = 7
			return nil
		}).
		Instantiate(ctx)
	require.NoError(t, err)
	results, err := env.ExportedFunction("swap").Call(ctx, 1, 2)
	require.NoError(t, err)
	require.Equal(t, []uint64{2, 1}, results)

	_, err = env.ExportedFunction("fail").Call(ctx)
	require.ErrorIs(t, err, errHost)
	require.ErrorContains(t, err, `terra: call "fail": host failure`)

	results, err = env.ExportedFunction("ref").Call(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, []uint64{7}, results)
	_, err = env.ExportedFunction("ref").Call(ctx, 1<<40)
	require.ErrorContains(t, err, "names no function")
}

func TestHostModuleChecks(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	_, err := rt.NewHostModule("bad").
		Func("f", terra.Proc0(func(context.Context, terra.Caller) {})).
		Memory("f", wasm.MemoryType{}).
		FuncRaw("nil", nil, nil, nil).
		FuncRaw("type", []wasm.ValueType{0x40}, nil, func(context.Context, terra.Caller, []uint64) error { return nil }).
		Table("table", wasm.TableType{Elem: wasm.I32}).
		Table("limits", wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2, Max: 1, HasMax: true}}).
		Memory("big", wasm.MemoryType{Limits: wasm.Limits{Min: wasm.MaxPages + 1}}).
		Global("ref", wasm.GlobalType{Type: wasm.FuncRef}, 99).
		Compile()
	for _, msg := range []string{
		`host module "bad"`,
		`memory "f": duplicate export name`,
		`func "nil": nil function`,
		`func "type": unknown value type`,
		`table "table": element type i32 is not a reference type`,
		`table "limits": size minimum must not be greater than maximum`,
		`memory "big": size must be at most 65536`,
		`global "ref": funcref 0x63 names no function`,
	} {
		require.ErrorContains(t, err, msg)
	}
}

func TestMemory(t *testing.T) {
	rt := newRuntime(t, terra.Config{MemoryLimitPages: 3})
	_, err := rt.NewHostModule("big").Memory("m", wasm.MemoryType{Limits: wasm.Limits{Min: 4}}).Instantiate(ctx)
	require.ErrorIs(t, err, terra.ErrMemoryLimit)

	env, err := rt.NewHostModule("env").Memory("m", wasm.MemoryType{Limits: wasm.Limits{Min: 1}}).Instantiate(ctx)
	require.NoError(t, err)
	require.Nil(t, env.Memory("missing"))
	mem := env.Memory("m")
	require.Equal(t, wasm.MemoryType{Limits: wasm.Limits{Min: 1}}, mem.Type())
	require.Equal(t, uint32(1), mem.Pages())
	end := uint32(wasm.PageSize)

	require.True(t, mem.Write(end-3, []byte("abc")))
	require.False(t, mem.Write(end-2, []byte("abc")))
	b, ok := mem.Read(end-3, 3)
	require.True(t, ok)
	require.Equal(t, "abc", string(b))
	_, ok = mem.Read(end-3, 4)
	require.False(t, ok)
	_, ok = mem.Read(math.MaxUint32, 2)
	require.False(t, ok, "offset+n overflows 32 bits")

	require.True(t, mem.WriteUint8(end-1, 'z'))
	require.False(t, mem.WriteUint8(end, 'z'))
	v8, ok := mem.ReadUint8(end - 1)
	require.True(t, ok)
	require.Equal(t, byte('z'), v8)
	_, ok = mem.ReadUint8(end)
	require.False(t, ok)

	require.True(t, mem.WriteUint32Le(end-4, 0x01020304))
	require.False(t, mem.WriteUint32Le(end-3, 0))
	v32, ok := mem.ReadUint32Le(end - 4)
	require.True(t, ok)
	require.Equal(t, uint32(0x01020304), v32)
	require.Equal(t, []byte{4, 3, 2, 1}, mem.Bytes()[end-4:])
	_, ok = mem.ReadUint32Le(end - 3)
	require.False(t, ok)

	require.True(t, mem.WriteUint64Le(0, 0x0102030405060708))
	require.False(t, mem.WriteUint64Le(end-7, 0))
	v64, ok := mem.ReadUint64Le(0)
	require.True(t, ok)
	require.Equal(t, uint64(0x0102030405060708), v64)
	_, ok = mem.ReadUint64Le(end - 7)
	require.False(t, ok)

	prev, ok := mem.Grow(2)
	require.True(t, ok)
	require.Equal(t, uint32(1), prev)
	require.Equal(t, 3*wasm.PageSize, len(mem.Bytes()))
	require.Equal(t, []byte{4, 3, 2, 1}, mem.Bytes()[end-4:end], "growing keeps the contents")
	_, ok = mem.Grow(1)
	require.False(t, ok, "the runtime's limit bounds growth")
}

func TestCompiledModuleOwnsItsBytes(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	bin := dataWasm(1)
	cm, err := rt.Compile(ctx, bin)
	require.NoError(t, err)
	clear(bin)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	b, ok := inst.Memory("memory").Read(0, 1)
	require.True(t, ok)
	require.Equal(t, "x", string(b))
	require.Nil(t, inst.Global("memory"), "exports are found by kind too")
	require.Nil(t, inst.ExportedFunction("memory"))
	require.Nil(t, inst.Table("memory"))
}

func TestGlobal(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	env, err := rt.NewHostModule("env").
		Global("const", wasm.GlobalType{Type: wasm.I32}, 666).
		Global("var", wasm.GlobalType{Type: wasm.I64, Mutable: true}, 1).
		Global("ref", wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}, 0).
		GlobalV128("v", true, 1, 2).
		Instantiate(ctx)
	require.NoError(t, err)

	c := env.Global("const")
	require.Equal(t, wasm.GlobalType{Type: wasm.I32}, c.Type())
	require.Equal(t, uint64(666), c.Get())
	require.ErrorIs(t, c.Set(1), terra.ErrImmutable)
	require.Equal(t, uint64(666), c.Get())

	v := env.Global("var")
	require.NoError(t, v.Set(math.MaxUint64))
	require.Equal(t, uint64(math.MaxUint64), v.Get())
	require.ErrorContains(t, v.SetV128(1, 1), "high half must be zero")

	require.ErrorContains(t, env.Global("ref").Set(12345), "names no function")

	g := env.Global("v")
	lo, hi := g.GetV128()
	require.Equal(t, []uint64{1, 2}, []uint64{lo, hi})
	require.NoError(t, g.SetV128(3, 4))
	lo, hi = g.GetV128()
	require.Equal(t, []uint64{3, 4}, []uint64{lo, hi})
	require.NoError(t, g.Set(5))
	lo, hi = g.GetV128()
	require.Equal(t, []uint64{5, 0}, []uint64{lo, hi})
}

func TestTable(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	typ := wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2}}
	env, err := rt.NewHostModule("env").
		Table("funcs", typ).
		Table("externs", wasm.TableType{Elem: wasm.ExternRef, Limits: wasm.Limits{Min: 1}}).
		Instantiate(ctx)
	require.NoError(t, err)
	funcs := env.Table("funcs")
	require.Equal(t, typ, funcs.Type())
	require.Equal(t, uint32(2), funcs.Size())
	ref, ok := funcs.Get(1)
	require.True(t, ok)
	require.Zero(t, ref)
	_, ok = funcs.Get(2)
	require.False(t, ok)
	require.ErrorContains(t, funcs.Set(0, 99), "names no function")
	require.ErrorContains(t, funcs.Set(2, 0), "out of bounds")
	require.NoError(t, funcs.Set(0, 0))

	externs := env.Table("externs")
	require.NoError(t, externs.Set(0, 99), "externref handles are the host's choice")
	ref, _ = externs.Get(0)
	require.Equal(t, uint64(99), ref)
}

func TestTraps(t *testing.T) {
	rt := newRuntime(t, terra.Config{MaxCallDepth: 100})
	cm, err := rt.Compile(ctx, trapWasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Name: "traps"})
	require.NoError(t, err)

	_, err = inst.ExportedFunction("trap").Call(ctx)
	var trap *terra.Trap
	require.ErrorAs(t, err, &trap)
	require.Equal(t, terra.TrapUnreachable, trap.Kind)
	require.ErrorContains(t, err, `terra: call "trap": wasm trap: unreachable`)

	_, err = inst.ExportedFunction("recurse").Call(ctx)
	require.ErrorAs(t, err, &trap)
	require.Equal(t, terra.TrapStackExhausted, trap.Kind)

	deadline, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = inst.ExportedFunction("spin").Call(deadline)
	require.ErrorAs(t, err, &trap)
	require.Equal(t, terra.TrapInterrupted, trap.Kind)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestProfileHookSeesGuestFrames(t *testing.T) {
	// spin(n) counts down from n in a loop.
	data := wasmtest.Module(
		wasmtest.Section(wasmtest.SecType, wasmtest.Vec(wasmtest.FuncType([]byte{wasmtest.I32}, nil))),
		wasmtest.Section(wasmtest.SecFunction, wasmtest.Vec([]byte{0})),
		wasmtest.Section(wasmtest.SecExport, wasmtest.Vec(wasmtest.Export("spin", wasmtest.KindFunc, 0))),
		wasmtest.Section(wasmtest.SecCode, wasmtest.Vec(wasmtest.Body(nil,
			0x03, 0x40, 0x20, 0, 0x41, 1, 0x6B, 0x22, 0, 0x0D, 0, 0x0B, 0x0B))),
		wasmtest.FuncNames("spin"),
	)
	var names []string
	rt, err := terra.NewRuntime(terra.Config{
		ProfileInterval: time.Microsecond,
		Profile: func(frames []terra.Frame) {
			names = append(names, frames[0].Name)
		},
	})
	require.NoError(t, err)
	ctx := context.Background()
	cm, err := rt.Compile(ctx, data)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	_, err = inst.ExportedFunction("spin").Call(ctx, 1000000)
	require.NoError(t, err)
	require.NotEmpty(t, names)
	require.Equal(t, "spin", names[0])
}

func TestClosedInstancesAreFreed(t *testing.T) {
	// A module with a 64 KiB data segment: 2,000 leaked instances would
	// hold 128 MiB of memory.
	data := wasmtest.Module(
		wasmtest.Section(wasmtest.SecType, wasmtest.Vec(wasmtest.FuncType(nil, nil))),
		wasmtest.Section(wasmtest.SecFunction, wasmtest.Vec([]byte{0})),
		wasmtest.Section(wasmtest.SecMemory, wasmtest.Vec([]byte{0, 2})),
		wasmtest.Section(wasmtest.SecExport, wasmtest.Vec(wasmtest.Export("f", wasmtest.KindFunc, 0))),
		wasmtest.Section(wasmtest.SecCode, wasmtest.Vec(wasmtest.Body(nil, 0x0B))),
		wasmtest.Section(wasmtest.SecData, wasmtest.Vec(wasmtest.Cat([]byte{0, 0x41, 0, 0x0B}, wasmtest.ULEB(65536), make([]byte, 65536)))),
	)
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, data)
	require.NoError(t, err)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := 0; i < 2000; i++ {
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		_, err = inst.ExportedFunction("f").Call(ctx)
		require.NoError(t, err)
		require.NoError(t, inst.Close())
	}
	grown := int64(heap()) - int64(before)
	runtime.KeepAlive(rt) // the runtime lives on; only the instances may go
	require.Less(t, grown, int64(16<<20), "heap grew by %d bytes over 2,000 closed instances", grown)
}
