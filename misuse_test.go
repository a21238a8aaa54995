package terra_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

// TestMisuseNeverPanics calls the public API with nil and zero values, on
// closed runtimes, modules and instances, and with wrong arguments: each
// call returns an error (or a zero result), never panics.
func TestMisuseNeverPanics(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, trapWasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	trap := inst.ExportedFunction("trap")

	closedRT := newRuntime(t, terra.Config{})
	closedCM, err := closedRT.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	closedInst, err := closedRT.Instantiate(ctx, closedCM, terra.InstanceConfig{})
	require.NoError(t, err)
	closedMem := closedInst.Memory("memory")
	closedTraps, err := closedRT.Compile(ctx, trapWasm)
	require.NoError(t, err)
	trapsInst, err := closedRT.Instantiate(ctx, closedTraps, terra.InstanceConfig{})
	require.NoError(t, err)
	closedTrap := trapsInst.ExportedFunction("trap")
	require.NoError(t, closedRT.Close())

	closedModule, err := rt.Compile(ctx, trapWasm)
	require.NoError(t, err)
	require.NoError(t, closedModule.Close())

	var (
		nilRT     *terra.Runtime
		zeroRT    = &terra.Runtime{}
		nilCM     *terra.CompiledModule
		nilInst   *terra.Instance
		zeroInst  = &terra.Instance{}
		nilFunc   *terra.Function
		nilMem    *terra.Memory
		nilGlobal *terra.Global
		nilTable  *terra.Table
		nilCtx    context.Context
		nilHost   *terra.HostModuleBuilder
	)
	fails := map[string]func() error{
		"Compile on nil Runtime":  func() error { _, err := nilRT.Compile(ctx, trapWasm); return err },
		"Compile on zero Runtime": func() error { _, err := zeroRT.Compile(ctx, trapWasm); return err },
		"Compile with nil ctx":    func() error { _, err := rt.Compile(nilCtx, trapWasm); return err },
		"Compile nil bytes":       func() error { _, err := rt.Compile(ctx, nil); return err },
		"CompileModule nil":       func() error { _, err := rt.CompileModule(nil); return err },
		"CompileModule unvalidated": func() error {
			_, err := rt.CompileModule(&wasm.Module{Code: make([]wasm.FuncBody, 1)})
			return err
		},
		"Instantiate nil module": func() error { _, err := rt.Instantiate(ctx, nil, terra.InstanceConfig{}); return err },
		"Instantiate nil ctx":    func() error { _, err := rt.Instantiate(nilCtx, cm, terra.InstanceConfig{}); return err },
		"Instantiate on nil":     func() error { _, err := nilRT.Instantiate(ctx, cm, terra.InstanceConfig{}); return err },
		"Instantiate zero module": func() error {
			_, err := rt.Instantiate(ctx, &terra.CompiledModule{}, terra.InstanceConfig{})
			return err
		},
		"Instantiate other's": func() error { _, err := closedRT.Instantiate(ctx, cm, terra.InstanceConfig{}); return err },
		"Instantiate closed":  func() error { _, err := rt.Instantiate(ctx, closedModule, terra.InstanceConfig{}); return err },
		"Compile on closed":   func() error { _, err := closedRT.Compile(ctx, trapWasm); return err },
		"nil import": func() error {
			_, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: map[string]*terra.Instance{"env": nil}})
			return err
		},
		"closed import": func() error {
			_, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: map[string]*terra.Instance{"env": closedInst}})
			return err
		},
		"Call nil Function":       func() error { _, err := nilFunc.Call(ctx); return err },
		"Call missing export":     func() error { _, err := inst.ExportedFunction("missing").Call(ctx); return err },
		"Call nil ctx":            func() error { _, err := trap.Call(nilCtx); return err },
		"Call wrong arg count":    func() error { _, err := trap.Call(ctx, 1, 2); return err },
		"Call closed instance":    func() error { _, err := closedTrap.Call(ctx); return err },
		"Call zero Function":      func() error { _, err := (&terra.Function{}).Call(ctx); return err },
		"Global.Set nil":          func() error { return nilGlobal.Set(1) },
		"Table.Set nil":           func() error { return nilTable.Set(0, 0) },
		"host Compile nil":        func() error { _, err := nilHost.Func("f", terra.Proc0(nil)).Compile(); return err },
		"host on nil Runtime":     func() error { _, err := nilRT.NewHostModule("x").Compile(); return err },
		"host Instantiate nilctx": func() error { _, err := rt.NewHostModule("x").Instantiate(nilCtx); return err },
		"host nil typed func": func() error {
			_, err := rt.NewHostModule("x").Func("f", terra.Func1[int32, int32](nil)).Compile()
			return err
		},
	}
	for name, f := range fails {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = f() })
			require.Error(t, err)
		})
	}

	zero := map[string]func() any{
		"nil Instance export":   func() any { return nilInst.ExportedFunction("f") },
		"zero Instance export":  func() any { return zeroInst.Memory("m") },
		"nil Instance name":     func() any { return nilInst.Name() },
		"nil Instance close":    func() any { return nilInst.Close() },
		"zero Instance close":   func() any { return zeroInst.Close() },
		"nil Runtime close":     func() any { return nilRT.Close() },
		"nil Runtime module":    func() any { return nilRT.Module("env") },
		"nil Runtime stats":     func() any { return nilRT.Stats().Instances },
		"nil module imports":    func() any { return nilCM.Imports() },
		"nil module exports":    func() any { return nilCM.Exports() },
		"zero module exports":   func() any { return (&terra.CompiledModule{}).Exports() },
		"nil module close":      func() any { return nilCM.Close() },
		"nil Function type":     func() any { return len(nilFunc.Type().Params) },
		"nil Memory bytes":      func() any { return nilMem.Bytes() },
		"nil Memory pages":      func() any { return nilMem.Pages() },
		"nil Memory read":       func() any { _, ok := nilMem.ReadUint32Le(0); return ok },
		"nil Memory write":      func() any { return nilMem.WriteUint64Le(0, 1) },
		"nil Memory grow":       func() any { _, ok := nilMem.Grow(1); return ok },
		"closed Memory read":    func() any { _, ok := closedMem.Read(0, 1); return ok },
		"closed Memory grow":    func() any { _, ok := closedMem.Grow(1); return ok },
		"nil Global get":        func() any { return nilGlobal.Get() },
		"nil Table get":         func() any { _, ok := nilTable.Get(0); return ok },
		"nil Table size":        func() any { return nilTable.Size() },
		"nil Caller memory":     func() any { return terra.Caller{}.Memory() },
		"closed Instance twice": func() any { return closedInst.Close() },
	}
	for name, f := range zero {
		t.Run(name, func(t *testing.T) {
			var v any
			require.NotPanics(t, func() { v = f() })
			require.Zero(t, v)
		})
	}
}
