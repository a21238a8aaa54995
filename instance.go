package terra

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// Instance is an instantiated module, or host module. It is not safe for
// concurrent use.
type Instance struct {
	rt     *Runtime
	inst   *store.Instance
	name   string
	closed atomic.Bool
	// cm is the module it instantiates; prev and next link the runtime's
	// open instances (see lifecycle.go).
	cm         *CompiledModule
	prev, next *Instance
}

// Name returns the name the instance is registered under, or "" if it is
// anonymous.
func (i *Instance) Name() string {
	if i == nil {
		return ""
	}
	return i.name
}

// Close frees the instance's name and its resources, and makes calls
// through the Functions it returned fail with ErrClosed. While other
// instances import from it (functions, tables or memories), its functions
// stay callable, through calls and tables alike, and its memory stays; once
// none remains, a reference to one of its functions that reached another
// instance without an import (a table.set of a funcref passed around) stops
// resolving, and calling it traps, and its memory goes back to the
// process's pool: slices from Memory.Bytes must not be used afterwards. Close must not race with calls
// into the instance. Closing twice does nothing. An instance that is never
// closed lives until Runtime.Close, and keeps its memory reservation
// (see ErrAddressSpace).
func (i *Instance) Close() error {
	if i == nil || i.inst == nil || i.closed.Swap(true) {
		return nil
	}
	i.rt.untrack(i)
	// Releasing the functions drops the runtime's last references to the
	// instance, so that its memory can be collected.
	i.inst.Release()
	if i.name != "" {
		i.rt.mu.Lock()
		if i.rt.names[i.name] == i {
			delete(i.rt.names, i.name)
		}
		i.rt.mu.Unlock()
	}
	i.cm.instanceClosed()
	return nil
}

// export returns the export name of the given kind, or false.
func (i *Instance) export(name string, kind wasm.ExternKind) (store.Extern, bool) {
	if i == nil || i.inst == nil {
		return store.Extern{}, false
	}
	ext, ok := i.inst.Exports[name]
	return ext, ok && ext.Kind == kind
}

// ExportedFunction returns the function exported under name, or nil if
// there is none.
func (i *Instance) ExportedFunction(name string) *Function {
	ext, ok := i.export(name, wasm.ExternFunc)
	if !ok {
		return nil
	}
	return &Function{f: ext.Func, inst: i, name: name, cells: cells(ext.Func.Type.Params)}
}

// Memory returns the memory exported under name, or nil if there is none.
func (i *Instance) Memory(name string) *Memory {
	ext, ok := i.export(name, wasm.ExternMemory)
	if !ok {
		return nil
	}
	return &Memory{mem: ext.Memory}
}

// Global returns the global exported under name, or nil if there is none.
func (i *Instance) Global(name string) *Global {
	ext, ok := i.export(name, wasm.ExternGlobal)
	if !ok {
		return nil
	}
	return &Global{g: ext.Global, s: i.rt.store}
}

// Table returns the table exported under name, or nil if there is none.
func (i *Instance) Table(name string) *Table {
	ext, ok := i.export(name, wasm.ExternTable)
	if !ok {
		return nil
	}
	return &Table{t: ext.Table, s: i.rt.store}
}

// cells returns how many cells values of types ts take.
func cells(ts []wasm.ValueType) int {
	n := 0
	for _, t := range ts {
		n += t.Slots()
	}
	return n
}

// checkRef checks that a value of type t is a valid reference: a funcref
// must be null or name a function of s.
func checkRef(s *store.Store, t wasm.ValueType, v uint64) error {
	if t == wasm.FuncRef && v != 0 && s.Func(v) == nil {
		return fmt.Errorf("funcref 0x%x names no function", v)
	}
	return nil
}

// Function is an exported function.
type Function struct {
	f     *store.Function
	inst  *Instance // the instance it was exported from
	name  string    // its export name
	cells int       // argument cells
}

// Type returns the function's signature. Its slices must not be modified.
func (f *Function) Type() wasm.FuncType {
	if f == nil || f.f == nil {
		return wasm.FuncType{}
	}
	return *f.f.Type
}

// Call calls the function with one cell per argument (two for a v128) and
// returns its results likewise. Errors wrap a *Trap if the function traps
// (TrapInterrupted when ctx is done, also while a host function waits),
// a *HostPanicError if a host function panics, or the error of a host
// function.
func (f *Function) Call(ctx context.Context, args ...uint64) ([]uint64, error) {
	if f == nil || f.f == nil {
		return nil, fmt.Errorf("terra: call of a nil Function (ExportedFunction returns nil for a missing export): %w", ErrNil)
	}
	if ctx == nil {
		return nil, fmt.Errorf("terra: call %q: nil Context: %w", f.name, ErrNil)
	}
	if f.inst.closed.Load() {
		return nil, fmt.Errorf("terra: call %q: %w", f.name, ErrClosed)
	}
	if len(args) != f.cells {
		return nil, fmt.Errorf("terra: call %q: %d argument cells, want %d for %v", f.name, len(args), f.cells, *f.f.Type)
	}
	at := 0
	for _, t := range f.f.Type.Params {
		if err := checkRef(f.inst.rt.store, t, args[at]); err != nil {
			return nil, fmt.Errorf("terra: call %q: %w", f.name, err)
		}
		at += t.Slots()
	}
	results, err := f.inst.rt.engine.Call(ctx, f.f, args)
	if err != nil {
		return nil, fmt.Errorf("terra: call %q: %w", f.name, err)
	}
	return results, nil
}

// Memory is a linear memory. Offsets are byte offsets; accessors report
// whether the access was within bounds. Slices that Bytes and Read return
// alias the memory, and are invalid once it grows.
type Memory struct {
	mem *store.MemoryInstance
}

// Type returns the memory's declared type.
func (m *Memory) Type() wasm.MemoryType {
	if m == nil {
		return wasm.MemoryType{}
	}
	return m.mem.Type
}

// Pages returns the current size in 64 KiB pages.
func (m *Memory) Pages() uint32 { return uint32(len(m.Bytes()) / wasm.PageSize) }

// Bytes returns the whole memory; nil for a nil Memory, or one whose
// instance is closed and freed.
func (m *Memory) Bytes() []byte {
	if m == nil {
		return nil
	}
	return m.mem.Bytes
}

// Grow adds delta pages and returns the previous size in pages. It fails
// if the memory would exceed its maximum or the runtime's limit.
func (m *Memory) Grow(delta uint32) (previous uint32, ok bool) {
	if m == nil {
		return 0, false
	}
	old := m.mem.Grow(delta)
	return uint32(old), old >= 0
}

// Read returns the n bytes at offset.
func (m *Memory) Read(offset, n uint32) ([]byte, bool) {
	b := m.Bytes()
	end := uint64(offset) + uint64(n)
	if end > uint64(len(b)) {
		return nil, false
	}
	return b[offset:end:end], true
}

// Write copies data to offset.
func (m *Memory) Write(offset uint32, data []byte) bool {
	b := m.Bytes()
	if uint64(offset)+uint64(len(data)) > uint64(len(b)) {
		return false
	}
	copy(b[offset:], data)
	return true
}

// ReadUint8 returns the byte at offset.
func (m *Memory) ReadUint8(offset uint32) (byte, bool) {
	b := m.Bytes()
	if uint64(offset) >= uint64(len(b)) {
		return 0, false
	}
	return b[offset], true
}

// WriteUint8 writes v at offset.
func (m *Memory) WriteUint8(offset uint32, v byte) bool {
	b := m.Bytes()
	if uint64(offset) >= uint64(len(b)) {
		return false
	}
	b[offset] = v
	return true
}

// ReadUint32Le returns the little-endian uint32 at offset.
func (m *Memory) ReadUint32Le(offset uint32) (uint32, bool) {
	b, ok := m.Read(offset, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// WriteUint32Le writes v at offset, little-endian.
func (m *Memory) WriteUint32Le(offset, v uint32) bool {
	b, ok := m.Read(offset, 4)
	if ok {
		binary.LittleEndian.PutUint32(b, v)
	}
	return ok
}

// ReadUint64Le returns the little-endian uint64 at offset.
func (m *Memory) ReadUint64Le(offset uint32) (uint64, bool) {
	b, ok := m.Read(offset, 8)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

// WriteUint64Le writes v at offset, little-endian.
func (m *Memory) WriteUint64Le(offset uint32, v uint64) bool {
	b, ok := m.Read(offset, 8)
	if ok {
		binary.LittleEndian.PutUint64(b, v)
	}
	return ok
}

// Global is a global variable. Its value is one cell, or two for a v128.
type Global struct {
	g *store.Global
	s *store.Store
}

// Type returns the global's type.
func (g *Global) Type() wasm.GlobalType {
	if g == nil {
		return wasm.GlobalType{}
	}
	return g.g.Type
}

// Get returns the value; of a v128, the low half.
func (g *Global) Get() uint64 {
	lo, _ := g.GetV128()
	return lo
}

// GetV128 returns both halves of the value; the high half is zero unless
// the global is a v128.
func (g *Global) GetV128() (lo, hi uint64) {
	if g == nil {
		return 0, 0
	}
	return g.g.Lo, g.g.Hi
}

// Set sets the value of a mutable global; a v128 gets v as its low half
// and zero as its high half. It fails with ErrImmutable for an immutable
// global, and for a funcref that names no function.
func (g *Global) Set(v uint64) error {
	return g.SetV128(v, 0)
}

// SetV128 sets both halves of the value of a mutable global; for a global
// that is not a v128, hi must be zero.
func (g *Global) SetV128(lo, hi uint64) error {
	if g == nil {
		return fmt.Errorf("terra: set global: nil Global: %w", ErrNil)
	}
	t := g.g.Type
	switch {
	case !t.Mutable:
		return fmt.Errorf("terra: set global: %w", ErrImmutable)
	case hi != 0 && t.Type != wasm.V128:
		return fmt.Errorf("terra: set global of type %s: high half must be zero", t.Type)
	}
	if err := checkRef(g.s, t.Type, lo); err != nil {
		return fmt.Errorf("terra: set global: %w", err)
	}
	g.g.Lo, g.g.Hi = lo, hi
	return nil
}

// Table is a table of references.
type Table struct {
	t *store.Table
	s *store.Store
}

// Type returns the table's declared type.
func (t *Table) Type() wasm.TableType {
	if t == nil {
		return wasm.TableType{}
	}
	return t.t.Type
}

// Size returns the number of elements.
func (t *Table) Size() uint32 {
	if t == nil {
		return 0
	}
	return t.t.Size()
}

// Get returns element i, or false if i is out of bounds.
func (t *Table) Get(i uint32) (ref uint64, ok bool) {
	if t == nil {
		return 0, false
	}
	return t.t.Get(i)
}

// Set sets element i. It fails if i is out of bounds, or for a funcref
// that names no function.
func (t *Table) Set(i uint32, ref uint64) error {
	if t == nil {
		return fmt.Errorf("terra: set table element %d: nil Table: %w", i, ErrNil)
	}
	if uint64(i) >= uint64(len(t.t.Elems)) {
		return fmt.Errorf("terra: set table element %d of %d: out of bounds", i, len(t.t.Elems))
	}
	if err := checkRef(t.s, t.t.Type.Elem, ref); err != nil {
		return fmt.Errorf("terra: set table element %d: %w", i, err)
	}
	t.t.Set(t.s, i, ref)
	return nil
}
