package interp_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	. "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/interp"
	"github.com/terra-runtime/terra/wasm"
)

// FuzzExec runs arbitrary function bodies of type [i32] -> [i32] that
// validate, inside a module with a memory, tables, globals and segments. Any
// body must return or trap: lowering and the dispatch loop (which reads frame
// slots without bounds checks) must never panic or corrupt the process.
func FuzzExec(f *testing.F) {
	f.Add([]byte{0x20, 0x00, 0x0B})
	f.Add([]byte{0x20, 0x00, 0x41, 0x01, 0x6A, 0x10, 0x00, 0x0B})                                     // recursion
	f.Add([]byte{0x03, 0x40, 0x0C, 0x00, 0x0B, 0x20, 0x00, 0x0B})                                     // endless loop
	f.Add([]byte{0x02, 0x40, 0x20, 0, 0x41, 0x7F, 0x46, 0x0D, 0, 0x41, 2, 0x0F, 0x0B, 0x41, 1, 0x0B}) // fused compare with -1
	f.Add([]byte{0x20, 0x00, 0x28, 0x02, 0x00, 0x0B})                                                 // load
	f.Add([]byte{0x02, 0x7F, 0x41, 0x07, 0x20, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B, 0x0B})             // br_table
	// Bodies of the spec suite's functions of the same type.
	if m, err := filepath.Glob(filepath.Join("..", "..", "shared", "spectest", "v2", "*.wasm")); err == nil {
		for _, file := range m {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			mod, err := wasm.Parse(data, wasm.Features2_0)
			if err != nil {
				continue
			}
			for i, c := range mod.Code {
				t := mod.FuncType(mod.NumImportedFuncs + uint32(i))
				if len(t.Params) == 1 && t.Params[0] == wasm.I32 && len(t.Results) == 1 && t.Results[0] == wasm.I32 && len(c.Locals) == 0 {
					f.Add(c.Body)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		data := Module(
			Section(SecType, Vec(FuncType([]byte{I32}, []byte{I32}), FuncType(nil, nil))),
			Section(SecFunction, Vec([]byte{0}, []byte{1})),
			Section(SecTable, Vec([]byte{FuncRef, 0, 2})),
			Section(SecMemory, Vec([]byte{0, 1})),
			Section(SecGlobal, Vec([]byte{I32, 1, 0x41, 0, 0x0B}, []byte{V128, 1, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B})),
			Section(SecExport, Vec(Export("f", KindFunc, 0))),
			Section(SecElement, Vec([]byte{0, 0x41, 0, 0x0B, 2, 0, 1})),
			Section(SecCode, Vec(Body([]byte{2, 1, I64, 1, V128}, code...), Body(nil, 0x0B))),
			Section(SecData, Vec([]byte{0, 0x41, 0, 0x0B, 4, 1, 2, 3, 4})),
		)
		m, err := wasm.Parse(data, wasm.Features2_0)
		if err != nil {
			return
		}
		e := newEngine(interp.Tier{MaxCallDepth: 200, MaxStackCells: 1 << 14}, engine.Config{})
		// Limits keep one input from growing memory to 4 GiB and tables to
		// millions of entries: with two fuzz workers that exhausts a CI
		// machine's RAM and kills the worker, which proves nothing about
		// lowering or dispatch.
		opts := store.Options{MemoryLimitPages: 16, TableLimit: 1 << 12}
		compiled, err := e.Compile(m)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		inst, err := store.Instantiate(context.Background(), store.New(), m, noImports{}, compiled, e.Call, opts)
		if err != nil {
			t.Fatalf("instantiate: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err = e.Call(ctx, inst.Exports["f"].Func, []uint64{7})
		var trap *store.Trap
		if err != nil && !errors.As(err, &trap) {
			t.Fatalf("want a result or a trap, got %T: %v", err, err)
		}
	})
}
