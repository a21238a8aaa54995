package terra

import (
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// CompiledModule is a decoded and validated module, or a host module,
// ready to be instantiated any number of times by the runtime that made it.
// It is safe for concurrent use; its instances share its code.
type CompiledModule struct {
	rt     *Runtime
	module *wasm.Module      // nil for a host module
	code   *store.ModuleCode // nil for a host module
	image  *store.Image      // the data segments applied at once, when possible
	// memory allocates the module's memory; nil for Go slices.
	memory store.MemoryAllocator
	// recycler keeps the storage of closed instances for new ones.
	recycler store.Recycler
	host     *hostModule // nil for a WebAssembly module
	state    moduleState // open instances, and whether Close was called
}

// ExternType is the type of an import or export: its kind and the type
// of that kind.
type ExternType struct {
	Kind   wasm.ExternKind
	Func   wasm.FuncType   // for wasm.ExternFunc
	Table  wasm.TableType  // for wasm.ExternTable
	Memory wasm.MemoryType // for wasm.ExternMemory
	Global wasm.GlobalType // for wasm.ExternGlobal
}

// Import describes an import of a module.
type Import struct {
	Module, Name string
	Type         ExternType
}

// Export describes an export of a module.
type Export struct {
	Name string
	Type ExternType
}

// Imports lists the module's imports in order. A host module has none.
func (c *CompiledModule) Imports() []Import {
	if c == nil || c.module == nil {
		return nil
	}
	m := c.module
	imports := make([]Import, len(m.Imports))
	for i, imp := range m.Imports {
		t := ExternType{Kind: imp.Kind}
		switch imp.Kind {
		case wasm.ExternFunc:
			t.Func = m.Types[imp.Func]
		case wasm.ExternTable:
			t.Table = imp.Table
		case wasm.ExternMemory:
			t.Memory = imp.Memory
		case wasm.ExternGlobal:
			t.Global = imp.Global
		}
		imports[i] = Import{Module: imp.Module, Name: imp.Name, Type: t}
	}
	return imports
}

// Exports lists the module's exports in order; a host module's in the order
// of their kinds (functions, tables, memories, globals), each in the order
// they were defined.
func (c *CompiledModule) Exports() []Export {
	switch {
	case c == nil:
		return nil
	case c.host != nil:
		return c.host.exports()
	case c.module == nil:
		return nil
	}
	m := c.module
	exports := make([]Export, len(m.Exports))
	for i, e := range m.Exports {
		t := ExternType{Kind: e.Kind}
		switch e.Kind {
		case wasm.ExternFunc:
			t.Func = *m.FuncType(e.Index)
		case wasm.ExternTable:
			t.Table = m.AllTables[e.Index]
		case wasm.ExternMemory:
			t.Memory = m.AllMemories[e.Index]
		case wasm.ExternGlobal:
			t.Global = m.AllGlobals[e.Index]
		}
		exports[i] = Export{Name: e.Name, Type: t}
	}
	return exports
}
