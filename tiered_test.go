package terra_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench/kernels"
	"github.com/terra-runtime/terra/internal/difftest"
	"github.com/terra-runtime/terra/internal/wasmgen"
	. "github.com/terra-runtime/terra/internal/wasmtest"
)

// tieredRuntime returns a runtime of cfg on the tiered engine, or skips the
// test where there is none.
func tieredRuntime(t *testing.T, cfg terra.Config) *terra.Runtime {
	t.Helper()
	cfg.Tier = terra.TierTiered
	rt, err := terra.NewRuntime(cfg)
	if errors.Is(err, terra.ErrTierUnavailable) {
		t.Skipf("no tiered engine here: %v", err)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

// TestTieredKernels runs each compute kernel once on the tiered engine: one
// long call, which starts in the interpreter, whose hot functions compile in
// the background and whose running loops move to machine code (on-stack
// replacement) while it runs. The results must be the native build's.
func TestTieredKernels(t *testing.T) {
	rt := tieredRuntime(t, terra.Config{})
	ctx := context.Background()
	cm, err := rt.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	var osr int64
	for _, k := range kernels.All {
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		before := rt.Stats().Tiering.OSR
		res, err := inst.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
		require.NoError(t, err, k.Name)
		require.Equal(t, k.Want, res[0], k.Name)
		n := rt.Stats().Tiering.OSR - before
		t.Logf("%s: %d OSR entries", k.Name, n)
		osr += n
		require.NoError(t, inst.Close())
	}
	s := rt.Stats().Tiering
	require.Positive(t, s.Compiled, "no function tiered up")
	require.Positive(t, osr, "no loop moved to machine code while it ran")
}

// TestForcedOSRDifferential runs generated modules with every call starting
// in the interpreter and moving to machine code at its first loop
// iteration, against the interpreter alone: every loop a call reaches is
// entered through its OSR entry, with whatever values the generator left on
// the operand stack and in the locals.
func TestForcedOSRDifferential(t *testing.T) {
	tieredRuntime(t, terra.Config{}) // skips without the tiered engine
	side := difftest.Side{Name: "forced-osr", Config: terra.WithForcedOSR(terra.Config{})}
	n := uint64(300)
	if testing.Short() {
		n = 60
	}
	var total difftest.Stats
	for seed := range n {
		src := wasmgen.NewSeededSource(seed)
		c := difftest.Case{Label: fmt.Sprintf("wasmgen.NewSeededSource(%d)", seed), Module: wasmgen.Generate(src, wasmgen.Config{}), Args: src}
		st, err := difftest.Run(context.Background(), c, difftest.Reference, side)
		require.NoError(t, err)
		total.Add(st)
	}
	t.Logf("%d calls: %d returned, traps %v", total.Calls, total.Returns, total.Traps)
}

// osrModule exports outer(n), which calls inner(n): inner counts i up from
// 0 in a loop, with a value of the enclosing block on the operand stack,
// and executes unreachable when i reaches n, or returns 100 + i after ten
// iterations.
var osrModule = Module(
	Section(SecType, Vec(FuncType([]byte{I32}, []byte{I32}))),
	Section(SecFunction, Vec([]byte{0}, []byte{0})),
	Section(SecExport, Vec(Export("outer", KindFunc, 0))),
	Section(SecCode, Vec(
		Body(nil, 0x20, 0, 0x10, 1, 0x0B),
		Body([]byte{1, 1, I32},
			0x41, 0xE4, 0x00, // i32.const 100, below the loop
			0x03, 0x40, // loop
			0x20, 1, 0x20, 0, 0x46, // i == n
			0x04, 0x40, 0x00, 0x0B, // if: unreachable
			0x20, 1, 0x41, 1, 0x6A, 0x22, 1, // i = i + 1
			0x41, 10, 0x49, 0x0D, 0, // br_if 0 (i < 10)
			0x0B,
			0x20, 1, 0x6A, // 100 + i
			0x0B),
	)),
	FuncNames("outer", "inner"),
)

// TestOSRTrapStackTrace checks that a trap in machine code entered at a
// loop has the interpreter's stack trace: each frame once, in order.
func TestOSRTrapStackTrace(t *testing.T) {
	tieredRuntime(t, terra.Config{}) // skips without the tiered engine
	ctx := context.Background()
	run := func(cfg terra.Config, n uint64) ([]uint64, error, terra.TieringStats) {
		rt, err := terra.NewRuntime(cfg)
		require.NoError(t, err)
		defer rt.Close()
		cm, err := rt.Compile(ctx, osrModule)
		require.NoError(t, err)
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		res, err := inst.ExportedFunction("outer").Call(ctx, n)
		return res, err, rt.Stats().Tiering
	}
	forced := terra.WithForcedOSR(terra.Config{})
	res, err, st := run(forced, 1000)
	require.NoError(t, err)
	require.Equal(t, []uint64{110}, res)
	require.Equal(t, int64(1), st.OSR, "inner's loop entered once through its OSR entry")

	_, want, _ := run(terra.Config{Tier: terra.TierInterp}, 5)
	_, got, st := run(forced, 5)
	require.Equal(t, int64(1), st.OSR)
	var wt, gt *terra.Trap
	require.ErrorAs(t, want, &wt)
	require.ErrorAs(t, got, &gt)
	require.Equal(t, terra.TrapUnreachable, gt.Kind)
	require.Equal(t, []string{"inner", "outer"}, names(gt.Frames))
	require.Equal(t, names(wt.Frames), names(gt.Frames))
}

func names(frames []terra.Frame) []string {
	var ns []string
	for _, f := range frames {
		ns = append(ns, f.Name)
	}
	return ns
}
