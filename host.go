package terra

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Caller is the instance whose code called a host function. It is the zero
// Caller when no WebAssembly code made the call: when the host calls the
// function through Function.Call, or it is a module's start function.
type Caller struct {
	inst *store.Instance
}

// Memory returns the caller's memory (memory 0, whether it defines or
// imports it), or nil if it has none or there is no calling instance.
func (c Caller) Memory() *Memory {
	if c.inst == nil || len(c.inst.Memories) == 0 {
		return nil
	}
	return &Memory{mem: c.inst.Memories[0]}
}

// HostFunc is the low-level form of a host function. stack holds the
// arguments on entry, one cell each (two for a v128); the function writes
// its results over them from index 0. It is at least as long as the
// arguments and as the results. A returned error ends the whole call,
// wasm frames included, and the outermost Function.Call returns it
// wrapped; returning ctx.Err() once ctx is done (as a function blocked on
// I/O should) ends it with a *Trap of kind TrapInterrupted, as when
// WebAssembly code is interrupted. A panic ends the call with a
// *HostPanicError.
type HostFunc func(ctx context.Context, caller Caller, stack []uint64) error

// GoFunc is a host function with its signature, ready to be exported by
// HostModuleBuilder.Func. Func0 to Func4 and Proc0 to Proc4 make GoFuncs
// from typed Go functions.
type GoFunc struct {
	params, results []wasm.ValueType
	fn              HostFunc
}

// Number is the set of Go types that host functions made by Func0 to
// Func4 and Proc0 to Proc4 take and return: 32-bit integers are i32,
// 64-bit integers i64, float32 is f32 and float64 f64. Signed and unsigned
// integers of a size have the same bits.
type Number interface {
	~int32 | ~uint32 | ~int64 | ~uint64 | ~float32 | ~float64
}

// valueType returns the WebAssembly type that T maps to.
func valueType[T Number]() wasm.ValueType {
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Int32, reflect.Uint32:
		return wasm.I32
	case reflect.Int64, reflect.Uint64:
		return wasm.I64
	case reflect.Float32:
		return wasm.F32
	}
	return wasm.F64
}

// fromCell converts a cell holding a value of type t to T, t being
// valueType[T]().
func fromCell[T Number](t wasm.ValueType, c uint64) T {
	switch t {
	case wasm.I32:
		return T(int32(c))
	case wasm.F32:
		return T(math.Float32frombits(uint32(c)))
	case wasm.F64:
		return T(math.Float64frombits(c))
	}
	return T(int64(c))
}

// toCell converts v to a cell of type t, t being valueType[T]().
func toCell[T Number](t wasm.ValueType, v T) uint64 {
	switch t {
	case wasm.I32:
		return uint64(uint32(v))
	case wasm.F32:
		return uint64(math.Float32bits(float32(v)))
	case wasm.F64:
		return math.Float64bits(float64(v))
	}
	return uint64(v)
}

// goFunc makes a GoFunc of fn, or one without implementation, which
// HostModuleBuilder.Compile reports, if the typed function it adapts is
// nil.
func goFunc(isNil bool, params, results []wasm.ValueType, fn HostFunc) GoFunc {
	if isNil {
		fn = nil
	}
	return GoFunc{params: params, results: results, fn: fn}
}

// Func0 makes a host function of no parameters and one result.
func Func0[R Number](fn func(context.Context, Caller) R) GoFunc {
	r := valueType[R]()
	return goFunc(fn == nil, nil, []wasm.ValueType{r}, func(ctx context.Context, c Caller, s []uint64) error {
		s[0] = toCell(r, fn(ctx, c))
		return nil
	})
}

// Func1 makes a host function of one parameter and one result.
func Func1[P1, R Number](fn func(context.Context, Caller, P1) R) GoFunc {
	p1, r := valueType[P1](), valueType[R]()
	return goFunc(fn == nil, []wasm.ValueType{p1}, []wasm.ValueType{r}, func(ctx context.Context, c Caller, s []uint64) error {
		s[0] = toCell(r, fn(ctx, c, fromCell[P1](p1, s[0])))
		return nil
	})
}

// Func2 makes a host function of two parameters and one result.
func Func2[P1, P2, R Number](fn func(context.Context, Caller, P1, P2) R) GoFunc {
	p1, p2, r := valueType[P1](), valueType[P2](), valueType[R]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2}, []wasm.ValueType{r}, func(ctx context.Context, c Caller, s []uint64) error {
		s[0] = toCell(r, fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1])))
		return nil
	})
}

// Func3 makes a host function of three parameters and one result.
func Func3[P1, P2, P3, R Number](fn func(context.Context, Caller, P1, P2, P3) R) GoFunc {
	p1, p2, p3, r := valueType[P1](), valueType[P2](), valueType[P3](), valueType[R]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2, p3}, []wasm.ValueType{r}, func(ctx context.Context, c Caller, s []uint64) error {
		s[0] = toCell(r, fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1]), fromCell[P3](p3, s[2])))
		return nil
	})
}

// Func4 makes a host function of four parameters and one result.
func Func4[P1, P2, P3, P4, R Number](fn func(context.Context, Caller, P1, P2, P3, P4) R) GoFunc {
	p1, p2, p3, p4, r := valueType[P1](), valueType[P2](), valueType[P3](), valueType[P4](), valueType[R]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2, p3, p4}, []wasm.ValueType{r}, func(ctx context.Context, c Caller, s []uint64) error {
		s[0] = toCell(r, fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1]), fromCell[P3](p3, s[2]), fromCell[P4](p4, s[3])))
		return nil
	})
}

// Proc0 makes a host function of no parameters and no results.
func Proc0(fn func(context.Context, Caller)) GoFunc {
	return goFunc(fn == nil, nil, nil, func(ctx context.Context, c Caller, _ []uint64) error {
		fn(ctx, c)
		return nil
	})
}

// Proc1 makes a host function of one parameter and no results.
func Proc1[P1 Number](fn func(context.Context, Caller, P1)) GoFunc {
	p1 := valueType[P1]()
	return goFunc(fn == nil, []wasm.ValueType{p1}, nil, func(ctx context.Context, c Caller, s []uint64) error {
		fn(ctx, c, fromCell[P1](p1, s[0]))
		return nil
	})
}

// Proc2 makes a host function of two parameters and no results.
func Proc2[P1, P2 Number](fn func(context.Context, Caller, P1, P2)) GoFunc {
	p1, p2 := valueType[P1](), valueType[P2]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2}, nil, func(ctx context.Context, c Caller, s []uint64) error {
		fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1]))
		return nil
	})
}

// Proc3 makes a host function of three parameters and no results.
func Proc3[P1, P2, P3 Number](fn func(context.Context, Caller, P1, P2, P3)) GoFunc {
	p1, p2, p3 := valueType[P1](), valueType[P2](), valueType[P3]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2, p3}, nil, func(ctx context.Context, c Caller, s []uint64) error {
		fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1]), fromCell[P3](p3, s[2]))
		return nil
	})
}

// Proc4 makes a host function of four parameters and no results.
func Proc4[P1, P2, P3, P4 Number](fn func(context.Context, Caller, P1, P2, P3, P4)) GoFunc {
	p1, p2, p3, p4 := valueType[P1](), valueType[P2](), valueType[P3](), valueType[P4]()
	return goFunc(fn == nil, []wasm.ValueType{p1, p2, p3, p4}, nil, func(ctx context.Context, c Caller, s []uint64) error {
		fn(ctx, c, fromCell[P1](p1, s[0]), fromCell[P2](p2, s[1]), fromCell[P3](p3, s[2]), fromCell[P4](p4, s[3]))
		return nil
	})
}

// HostModuleBuilder defines a module implemented in Go: functions, and
// globals, tables and memories that each instance gets fresh. Its methods
// record definitions and return the builder, for chaining; Compile checks
// them.
type HostModuleBuilder struct {
	rt *Runtime
	m  hostModule
}

// hostModule is the definition of a host module.
type hostModule struct {
	name     string
	funcs    []hostFunc
	tables   []hostTable
	memories []hostMemory
	globals  []hostGlobal
}

type hostFunc struct {
	name string
	typ  wasm.FuncType
	fn   HostFunc
}

type hostTable struct {
	name string
	typ  wasm.TableType
}

type hostMemory struct {
	name string
	typ  wasm.MemoryType
}

type hostGlobal struct {
	name   string
	typ    wasm.GlobalType
	lo, hi uint64
}

// NewHostModule starts the definition of a host module whose instances
// Instantiate registers under name.
func (r *Runtime) NewHostModule(name string) *HostModuleBuilder {
	return &HostModuleBuilder{rt: r, m: hostModule{name: name}}
}

// Func exports fn under name.
func (b *HostModuleBuilder) Func(name string, fn GoFunc) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	return b.FuncRaw(name, fn.params, fn.results, fn.fn)
}

// FuncRaw exports under name a function of the given signature,
// implemented by fn.
func (b *HostModuleBuilder) FuncRaw(name string, params, results []wasm.ValueType, fn HostFunc) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	t := wasm.FuncType{Params: slices.Clone(params), Results: slices.Clone(results)}
	b.m.funcs = append(b.m.funcs, hostFunc{name: name, typ: t, fn: fn})
	return b
}

// Global exports under name a global of type t, initially value; a v128
// global gets value as its low half and zero as its high half.
func (b *HostModuleBuilder) Global(name string, t wasm.GlobalType, value uint64) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	b.m.globals = append(b.m.globals, hostGlobal{name: name, typ: t, lo: value})
	return b
}

// GlobalV128 exports under name a v128 global, initially the 128 bits
// hi:lo.
func (b *HostModuleBuilder) GlobalV128(name string, mutable bool, lo, hi uint64) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	t := wasm.GlobalType{Type: wasm.V128, Mutable: mutable}
	b.m.globals = append(b.m.globals, hostGlobal{name: name, typ: t, lo: lo, hi: hi})
	return b
}

// Table exports under name a table of type t, of its minimum size, with
// null elements.
func (b *HostModuleBuilder) Table(name string, t wasm.TableType) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	b.m.tables = append(b.m.tables, hostTable{name: name, typ: t})
	return b
}

// Memory exports under name a memory of type t, of its minimum size,
// zeroed.
func (b *HostModuleBuilder) Memory(name string, t wasm.MemoryType) *HostModuleBuilder {
	if b == nil {
		return nil
	}
	b.m.memories = append(b.m.memories, hostMemory{name: name, typ: t})
	return b
}

// Compile checks the definitions and returns a module that
// Runtime.Instantiate can instantiate any number of times, under any
// name. Later changes to the builder do not affect it.
func (b *HostModuleBuilder) Compile() (*CompiledModule, error) {
	if b == nil {
		return nil, fmt.Errorf("terra: host module: nil HostModuleBuilder: %w", ErrNil)
	}
	if err := b.rt.check(context.Background()); err != nil {
		return nil, fmt.Errorf("terra: host module %q: %w", b.m.name, err)
	}
	if err := b.m.check(b.rt.store); err != nil {
		return nil, fmt.Errorf("terra: host module %q: %w", b.m.name, err)
	}
	m := b.m
	m.funcs = slices.Clone(m.funcs)
	m.tables = slices.Clone(m.tables)
	m.memories = slices.Clone(m.memories)
	m.globals = slices.Clone(m.globals)
	return &CompiledModule{rt: b.rt, host: &m}, nil
}

// Instantiate compiles the module and instantiates it under the builder's
// name, as Runtime.Instantiate does.
func (b *HostModuleBuilder) Instantiate(ctx context.Context) (*Instance, error) {
	cm, err := b.Compile()
	if err != nil {
		return nil, err
	}
	return b.rt.Instantiate(ctx, cm, InstanceConfig{Name: b.m.name})
}

// check validates the definitions: unique export names, known value types,
// limits as the specification allows, and initial references that exist.
func (h *hostModule) check(s *store.Store) error {
	seen := make(map[string]bool)
	var errs []error
	export := func(kind wasm.ExternKind, name string, err error) {
		if seen[name] {
			err = errors.Join(err, errors.New("duplicate export name"))
		}
		seen[name] = true
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", kind, name, err))
		}
	}
	for _, f := range h.funcs {
		var err error
		if f.fn == nil {
			err = errors.New("nil function")
		}
		for _, t := range slices.Concat(f.typ.Params, f.typ.Results) {
			if !knownType(t) {
				err = errors.Join(err, fmt.Errorf("unknown value type %s", t))
			}
		}
		export(wasm.ExternFunc, f.name, err)
	}
	for _, t := range h.tables {
		var err error
		if !t.typ.Elem.IsRef() {
			err = fmt.Errorf("element type %s is not a reference type", t.typ.Elem)
		}
		export(wasm.ExternTable, t.name, errors.Join(err, checkLimits(t.typ.Limits, math.MaxUint32)))
	}
	for _, m := range h.memories {
		export(wasm.ExternMemory, m.name, checkLimits(m.typ.Limits, wasm.MaxPages))
	}
	for _, g := range h.globals {
		var err error
		if !knownType(g.typ.Type) {
			err = fmt.Errorf("unknown value type %s", g.typ.Type)
		} else {
			err = checkRef(s, g.typ.Type, g.lo)
		}
		export(wasm.ExternGlobal, g.name, err)
	}
	return errors.Join(errs...)
}

func knownType(t wasm.ValueType) bool {
	switch t {
	case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
		return true
	}
	return false
}

func checkLimits(l wasm.Limits, bound uint64) error {
	switch {
	case uint64(l.Min) > bound || (l.HasMax && uint64(l.Max) > bound):
		return fmt.Errorf("size must be at most %d", bound)
	case l.HasMax && l.Max < l.Min:
		return errors.New("size minimum must not be greater than maximum")
	}
	return nil
}

// exports describes the module's exports.
func (h *hostModule) exports() []Export {
	var exports []Export
	for _, f := range h.funcs {
		exports = append(exports, Export{Name: f.name, Type: ExternType{Kind: wasm.ExternFunc, Func: f.typ}})
	}
	for _, t := range h.tables {
		exports = append(exports, Export{Name: t.name, Type: ExternType{Kind: wasm.ExternTable, Table: t.typ}})
	}
	for _, m := range h.memories {
		exports = append(exports, Export{Name: m.name, Type: ExternType{Kind: wasm.ExternMemory, Memory: m.typ}})
	}
	for _, g := range h.globals {
		exports = append(exports, Export{Name: g.name, Type: ExternType{Kind: wasm.ExternGlobal, Global: g.typ}})
	}
	return exports
}

// instantiateHost creates an instance of a host module, named name.
func (r *Runtime) instantiateHost(h *hostModule, name string) (*store.Instance, error) {
	inst := store.NewHostInstance(r.store, name)
	for _, m := range h.memories {
		if r.memLimit != 0 && m.typ.Limits.Min > r.memLimit {
			return nil, fmt.Errorf("memory %q: minimum of %d pages: %w of %d pages",
				m.name, m.typ.Limits.Min, ErrMemoryLimit, r.memLimit)
		}
	}
	funcs := make([]store.Function, len(h.funcs))
	for i := range h.funcs {
		def := &h.funcs[i]
		f := &funcs[i]
		f.Type, f.Module, f.Name, f.Instance = &def.typ, h.name, def.name, inst
		f.Host = hostCall(h.name, def.name, def.fn)
		inst.Funcs = append(inst.Funcs, f)
		inst.Exports[def.name] = store.Extern{Kind: wasm.ExternFunc, Func: f}
	}
	if err := inst.RegisterFuncs(); err != nil {
		return nil, err
	}
	for _, t := range h.tables {
		tab, err := store.NewTable(t.typ, 0)
		if err != nil {
			inst.Release()
			return nil, fmt.Errorf("table %q: %w", t.name, err)
		}
		inst.DefineTable(tab)
		inst.Exports[t.name] = store.Extern{Kind: wasm.ExternTable, Table: tab}
	}
	for _, m := range h.memories {
		// Host memories are sandboxed like a module's: generated code that
		// imports one relies on its guard pages.
		mem := store.NewMemory(m.typ, r.memLimit)
		if r.hostMemory != nil {
			var err error
			if mem, err = store.AllocateMemory(r.hostMemory, m.typ, r.memLimit, false); err != nil {
				inst.Release()
				return nil, fmt.Errorf("memory %q: %w", m.name, err)
			}
		}
		inst.DefineMemory(mem)
		inst.Exports[m.name] = store.Extern{Kind: wasm.ExternMemory, Memory: mem}
	}
	for _, g := range h.globals {
		glob := &store.Global{Type: g.typ, Lo: g.lo, Hi: g.hi}
		inst.Globals = append(inst.Globals, glob)
		inst.Exports[g.name] = store.Extern{Kind: wasm.ExternGlobal, Global: glob}
	}
	return inst, nil
}
