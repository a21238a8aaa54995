package kernels

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

// TestModule checks that the committed module and All agree: no imports, an
// exported memory, and exactly the kernels of All, each taking an i32 and
// returning an i32 or an i64. A module rebuilt without updating All fails
// here.
func TestModule(t *testing.T) {
	m, err := wasm.Parse(Wasm, wasm.Features2_0)
	require.NoError(t, err)
	require.Empty(t, m.Imports, "the kernels must run without a host")

	var funcs []string
	hasMemory := false
	for _, e := range m.Exports {
		switch e.Kind {
		case wasm.ExternMemory:
			hasMemory = true
		case wasm.ExternFunc:
			funcs = append(funcs, e.Name)
			ft := m.FuncType(e.Index)
			require.Equal(t, []wasm.ValueType{wasm.I32}, ft.Params, "%s: parameters", e.Name)
			require.Len(t, ft.Results, 1, "%s: results", e.Name)
			require.Contains(t, []wasm.ValueType{wasm.I32, wasm.I64}, ft.Results[0], "%s: result", e.Name)
		}
	}
	require.True(t, hasMemory, "no exported memory")

	var listed []string
	for _, k := range All {
		listed = append(listed, k.Name)
	}
	slices.Sort(funcs)
	slices.Sort(listed)
	require.Equal(t, listed, funcs, "exported functions and All")
}

// TestTerra runs every kernel at its benchmark argument in terra's
// interpreter and checks the result against the native one recorded in
// All: compiled C, as opposed to the spec suite's hand-written modules.
// It takes a few seconds; -short skips it.
func TestTerra(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every kernel at full size; skipped in -short mode")
	}
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, Wasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	for _, k := range All {
		t.Run(k.Name, func(t *testing.T) {
			got, err := inst.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
			require.NoError(t, err)
			require.Equal(t, []uint64{k.Want}, got, "%s(%d)", k.Name, k.Arg)
		})
	}
}
