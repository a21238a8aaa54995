package spectest

import (
	"math"

	"github.com/terra-runtime/terra/wasm"
)

// HostModule is a module implemented by the host, described in terms any
// tier can instantiate. Tables start with null elements and memories with
// zeroed pages.
type HostModule struct {
	Funcs    []HostFunc
	Globals  []HostGlobal
	Tables   []HostTable
	Memories []HostMemory
}

// HostFunc is an exported host function. Call receives arguments of the
// types in Type.Params and returns results of the types in Type.Results.
type HostFunc struct {
	Name string
	Type wasm.FuncType
	Call func(args []Value) []Value
}

// HostGlobal is an exported global with its initial value.
type HostGlobal struct {
	Name  string
	Type  wasm.GlobalType
	Value Value
}

// HostTable is an exported table.
type HostTable struct {
	Name string
	Type wasm.TableType
}

// HostMemory is an exported memory.
type HostMemory struct {
	Name string
	Type wasm.MemoryType
}

// Host returns the "spectest" module that the scripts import from. Each
// script gets its own instance, because scripts write to its table and
// memory. The print functions discard their arguments: the scripts only
// check that they can be imported and called.
func Host() *HostModule {
	printFunc := func(name string, params ...wasm.ValueType) HostFunc {
		return HostFunc{
			Name: name,
			Type: wasm.FuncType{Params: params},
			Call: func([]Value) []Value { return nil },
		}
	}
	global := func(name string, t wasm.ValueType, bits uint64) HostGlobal {
		return HostGlobal{Name: name, Type: wasm.GlobalType{Type: t}, Value: Value{Type: t, Lo: bits}}
	}
	return &HostModule{
		Funcs: []HostFunc{
			printFunc("print"),
			printFunc("print_i32", wasm.I32),
			printFunc("print_i64", wasm.I64),
			printFunc("print_f32", wasm.F32),
			printFunc("print_f64", wasm.F64),
			printFunc("print_i32_f32", wasm.I32, wasm.F32),
			printFunc("print_f64_f64", wasm.F64, wasm.F64),
		},
		Globals: []HostGlobal{
			global("global_i32", wasm.I32, 666),
			global("global_i64", wasm.I64, 666),
			global("global_f32", wasm.F32, uint64(math.Float32bits(666.6))),
			global("global_f64", wasm.F64, math.Float64bits(666.6)),
		},
		Tables: []HostTable{{
			Name: "table",
			Type: wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 10, Max: 20, HasMax: true}},
		}},
		Memories: []HostMemory{{
			Name: "memory",
			Type: wasm.MemoryType{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}},
		}},
	}
}
