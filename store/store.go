// Package store holds the runtime state of WebAssembly instances, shared by
// every execution tier: function, table, memory and global instances, the
// registry that gives function references their handles, and traps.
//
// Values cross tiers as uint64 cells: i32 and f32 zero-extended, i64 and f64
// as their bits, v128 as two cells (low half first), and references as
// handles, 0 being null. A funcref handle names a function in its Store; an
// externref handle is chosen by the host.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/terra-runtime/terra/wasm"
)

// Store is a set of instances that may share functions, tables, memories
// and globals. Function handles are valid within one store.
//
// A handle names a registry slot (low 32 bits, from 1) and the slot's
// generation (high 32 bits), which moves on at every registration in the
// slot. Each function counts the instances that use it: the one defining
// it, and every instance importing it. When the last releases it, its
// handle becomes 0 and its slot serves later functions: a stale handle
// resolves to nil, because it is no longer the handle of the function its
// slot points to, and a call through it traps.
type Store struct {
	mu    sync.Mutex
	slots atomic.Pointer[[]*slot] // published registry; read without locks
	list  []*slot                 // the registry, written under mu
	free  []uint32                // indexes of empty slots, in release order
	types map[string]uint32       // canonical signature IDs
}

// slot points to the function last registered in it. After that function
// is released the pointer stays (the handle check rejects it), so releasing
// writes no pointers, and a recycled function registered again in the same
// slot needs none either.
type slot struct {
	f   atomic.Pointer[Function]
	gen uint32 // registrations so far; guarded by Store.mu
}

// New returns an empty store.
func New() *Store {
	s := &Store{types: make(map[string]uint32)}
	s.slots.Store(new([]*slot))
	return s
}

// Register adds functions to the store and assigns their handles and
// signature IDs.
func (s *Store) Register(fs ...*Function) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		f.TypeID = s.typeIDLocked(f.Type)
	}
	s.registerLocked(fs)
}

// typeIDs returns the IDs of a module's signatures.
func (s *Store) typeIDs(types []wasm.FuncType) []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]uint32, len(types))
	for i := range types {
		ids[i] = s.typeIDLocked(&types[i])
	}
	return ids
}

// register is Register for functions whose TypeID is set.
func (s *Store) register(fs []*Function) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerLocked(fs)
}

func (s *Store) registerLocked(fs []*Function) {
	grew := false
	// Free slots are taken in the order they were released, so that the
	// recycled functions of an instance land in the slots they had.
	n := min(len(fs), len(s.free))
	reuse := s.free[len(s.free)-n:]
	s.free = s.free[:len(s.free)-n]
	for k, f := range fs {
		var i uint32
		if k < n {
			i = reuse[k]
		} else {
			i = uint32(len(s.list))
			s.list = append(s.list, &slot{})
			grew = true
		}
		sl := s.list[i]
		sl.gen++
		if sl.f.Load() != f {
			sl.f.Store(f)
		}
		atomic.StoreUint64(&f.Handle, uint64(i+1)|uint64(sl.gen)<<32)
		f.refs = 1
	}
	if grew {
		list := s.list
		s.slots.Store(&list)
	}
}

// Retain records one more instance using each of fs (an importer).
func (s *Store) Retain(fs ...*Function) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		if f.Handle != 0 {
			f.refs++
		}
	}
}

// Release records one instance fewer using each of fs. A function no
// instance uses leaves the store: its handle resolves to nil from now on,
// and its slot serves later functions.
func (s *Store) Release(fs ...*Function) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		if f.Handle == 0 {
			continue
		}
		if f.refs--; f.refs > 0 {
			continue
		}
		s.free = append(s.free, uint32(f.Handle)-1)
		atomic.StoreUint64(&f.Handle, 0)
	}
}

// TypeID returns the store-wide ID of a signature: equal signatures have
// equal IDs, so call_indirect compares integers.
func (s *Store) TypeID(t *wasm.FuncType) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.typeIDLocked(t)
}

func (s *Store) typeIDLocked(t *wasm.FuncType) uint32 {
	key := make([]byte, 0, len(t.Params)+len(t.Results)+1)
	for _, p := range t.Params {
		key = append(key, byte(p))
	}
	key = append(key, 0)
	for _, r := range t.Results {
		key = append(key, byte(r))
	}
	id, ok := s.types[string(key)]
	if !ok {
		id = uint32(len(s.types))
		s.types[string(key)] = id
	}
	return id
}

// Func returns the function with handle h, or nil for null, an unknown
// handle, or one whose function was released. It takes no lock.
func (s *Store) Func(h uint64) *Function {
	list := *s.slots.Load()
	i := uint32(h)
	if i == 0 || int(i) > len(list) {
		return nil
	}
	f := list[i-1].f.Load()
	if f == nil || atomic.LoadUint64(&f.Handle) != h {
		return nil
	}
	return f
}

// HostFunc is the ABI of functions implemented in Go. stack holds the
// arguments on entry, and the function writes its results over it from index
// 0; it is at least as long as the larger of the two. The caller is the
// instance whose code made the call, or nil when the host calls directly. A
// returned error ends the whole call with that error.
type HostFunc func(ctx context.Context, caller *Instance, stack []uint64) error

// Function is a function instance: code of a module instance, or a host
// function.
type Function struct {
	Type   *wasm.FuncType
	TypeID uint32 // store-wide signature ID
	// Handle is the funcref handle, set by Register, 0 once released; the
	// store reads it atomically, since Func may run during a Release.
	Handle   uint64
	Instance *Instance
	// Index is the function's index in the module's function index space
	// when the function is defined by Instance's module.
	Index uint32
	Host  HostFunc // non-nil for host functions
	// Module and Name identify a host function in traces.
	Module, Name string

	refs int // instances using the function; guarded by the store's mutex
}

// Global is a global instance. Lo holds the value; Hi the upper half of a
// v128.
type Global struct {
	Type   wasm.GlobalType
	Lo, Hi uint64
}

// DefaultTableLimit bounds the elements of a table when the embedder sets no
// limit: without one, a few bytes declaring (table 0xffffffff funcref) would
// demand 32 GiB. V8 uses the same bound.
const DefaultTableLimit = 10_000_000

// Table is a table instance of reference handles.
type Table struct {
	Type  wasm.TableType
	Elems []uint64
	// Max is the largest size Grow allows: the declared maximum, further
	// bounded by the embedder's limit.
	Max uint32

	// owner is the instance that defined the table, nil for a host's.
	owner *Instance
}

// NewTable allocates a table of t's minimum size, all null. limit (in
// elements, 0 for DefaultTableLimit) bounds it; a minimum above the limit is
// an error wrapping ErrTableLimit.
func NewTable(t wasm.TableType, limit uint32) (*Table, error) {
	return newTable(t, limit, nil)
}

// newTable is NewTable, reusing buf's array when it is large enough.
func newTable(t wasm.TableType, limit uint32, buf []uint64) (*Table, error) {
	if limit == 0 {
		limit = DefaultTableLimit
	}
	if t.Limits.Min > limit {
		return nil, fmt.Errorf("table of %d elements: %w of %d", t.Limits.Min, ErrTableLimit, limit)
	}
	max := limit
	if t.Limits.HasMax && t.Limits.Max < max {
		max = t.Limits.Max
	}
	var elems []uint64
	if cap(buf) >= int(t.Limits.Min) {
		elems = buf[:t.Limits.Min]
		clear(elems)
	} else {
		elems = make([]uint64, t.Limits.Min)
	}
	return &Table{Type: t, Elems: elems, Max: max}, nil
}

// ErrTableLimit reports a table whose minimum size exceeds the embedder's
// limit.
var ErrTableLimit = errors.New("table exceeds the embedder's limit")

// Grow adds delta elements initialised to init and returns the old size, or
// -1 if the table would exceed its maximum.
func (t *Table) Grow(delta uint32, init uint64) int64 {
	old := uint64(len(t.Elems))
	if old+uint64(delta) > uint64(t.Max) {
		return -1
	}
	for i := uint32(0); i < delta; i++ {
		t.Elems = append(t.Elems, init)
	}
	return int64(old)
}

// Memory is a linear memory instance. Bytes is the whole memory; its length
// is a multiple of the page size.
type Memory struct {
	Type  wasm.MemoryType
	Bytes []byte
	// Max is the largest size in pages that Grow allows: the declared
	// maximum, further bounded by the embedder's limit.
	Max uint32

	// lin provides Bytes when the embedder allocated the memory (see
	// MemoryAllocator); nil for a Go slice.
	lin LinearMemory
	// owner is the instance that defined the memory, nil for a host's.
	owner *Instance
}

// LinearMemory is linear memory that an embedder provides, such as a
// reservation behind guard pages.
type LinearMemory interface {
	// Bytes returns the memory's current contents.
	Bytes() []byte
	// Grow adds delta pages, which read as zero, and returns the previous
	// size in pages, or fails.
	Grow(delta uint32) (uint32, error)
	// Release gives the memory back; Bytes must not be used afterwards.
	Release()
}

// MemoryAllocator allocates the memory a module defines.
type MemoryAllocator interface {
	// AllocateMemory returns a memory of min pages that may grow to max
	// pages. With image, it starts with the module's Image (the one in
	// Options), otherwise with zeros.
	AllocateMemory(min, max uint32, image bool) (LinearMemory, error)
}

// NewMemory allocates a memory of t's minimum size. limit (in pages, 0 for
// none) bounds growth beyond the declared maximum.
func NewMemory(t wasm.MemoryType, limit uint32) *Memory {
	return &Memory{Type: t, Bytes: make([]byte, int(t.Limits.Min)*wasm.PageSize), Max: memoryMax(t, limit)}
}

// memoryMax is the largest size in pages of a memory of type t under the
// embedder's limit (0 for none).
func memoryMax(t wasm.MemoryType, limit uint32) uint32 {
	max := uint32(wasm.MaxPages)
	if t.Limits.HasMax {
		max = t.Limits.Max
	}
	if limit != 0 && limit < max {
		max = limit
	}
	return max
}

// Pages returns the current size in pages.
func (m *Memory) Pages() uint32 { return uint32(len(m.Bytes) / wasm.PageSize) }

// Grow adds delta pages and returns the old size in pages, or -1 if the
// memory would exceed its maximum.
func (m *Memory) Grow(delta uint32) int64 {
	old := m.Pages()
	if uint64(old)+uint64(delta) > uint64(m.Max) {
		return -1
	}
	if delta == 0 {
		return int64(old)
	}
	n := (int(old) + int(delta)) * wasm.PageSize
	if m.lin != nil {
		if _, err := m.lin.Grow(delta); err != nil {
			return -1
		}
		m.Bytes = m.lin.Bytes()
	} else if n <= cap(m.Bytes) {
		m.Bytes = m.Bytes[:n]
	} else {
		b := make([]byte, n)
		copy(b, m.Bytes)
		m.Bytes = b
	}
	return int64(old)
}

// Extern is an exported or imported entity; Kind says which field is set.
type Extern struct {
	Kind   wasm.ExternKind
	Func   *Function
	Table  *Table
	Memory *Memory
	Global *Global
}

// Instance is a module instance.
type Instance struct {
	Store  *Store
	Module *wasm.Module
	Name   string // the name it was instantiated under, for traces

	// Index spaces, imports first.
	Funcs    []*Function
	Tables   []*Table
	Memories []*Memory
	Globals  []*Global

	// Elems holds each element segment's references until it is dropped
	// (nil then).
	Elems [][]uint64
	// dropped marks the data segments dropped (by data.drop or by being
	// applied as active segments): one bit each, since compilers emit tens
	// of thousands of segments and most instances never look at them again.
	dropped []uint64

	Exports map[string]Extern

	// Code is the execution tier's compiled code for the module, shared by
	// all instances of it (for the interpreter, *interp.Code).
	Code any

	// users counts the embedder's hold on the instance (one, until
	// Release) and the instances that import its functions, tables or
	// memories;
	// the memories it allocated go back to their allocator when it drops
	// to zero. Guarded by Store.mu.
	users    int
	released bool // by Release
	// funcs holds the records of the module's own functions.
	funcs []Function
	// typeIDs are the store's IDs of the module's signatures.
	typeIDs []uint32
	// recycler, if not nil, takes the instance's storage back when its
	// last user is gone.
	recycler *Recycler
	// owners are the distinct instances whose functions, tables or
	// memories this one imports, each counting this one among its users.
	owners []*Instance
}

// Data returns data segment i's bytes, or nil once it is dropped.
func (inst *Instance) Data(i uint32) []byte {
	if inst.dropped[i/64]&(1<<(i%64)) != 0 {
		return nil
	}
	return inst.Module.Data[i].Init
}

// DropData drops data segment i.
func (inst *Instance) DropData(i uint32) { inst.dropped[i/64] |= 1 << (i % 64) }
