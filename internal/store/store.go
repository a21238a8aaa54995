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

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/wasm"
)

// Store is a set of instances that may share functions, tables, memories
// and globals. Function handles are valid within one store.
//
// An instance's functions are registered together, as one block, and a
// handle names the block's registry slot, the function's index in the block
// and the slot's generation (see handle). The block stays registered while
// its instance is in use (by the embedder or by instances importing from
// it); then its slot serves later blocks under a new generation, so a stale
// handle resolves to nil, and a call through it traps. Registering and
// releasing cost the same for one function or thousands.
type Store struct {
	mu     sync.Mutex
	blocks atomic.Pointer[[]*block] // published registry; read without locks
	list   []*block                 // the registry, written under mu
	free   []uint32                 // indexes of empty slots
	types  map[string]uint32        // canonical signature IDs
}

// A handle is, from the low bits up: the block's slot plus one (so that 0
// is the null reference), the function's index in the block, and the slot's
// generation.
const (
	slotBits  = abi.HandleIndexShift
	indexBits = 24
	genBits   = 64 - slotBits - indexBits

	// MaxBlocks is how many instances (and host modules) can have their
	// functions registered in a store at once.
	MaxBlocks = 1<<slotBits - 1
	// MaxFuncs is how many functions one instance can define.
	MaxFuncs = 1 << indexBits
	// maxGen is the generation at which a slot retires instead of being
	// reused, so that a stale handle can never match again.
	maxGen = 1<<genBits - 1
)

// ErrTooManyFunctions reports a store or an instance past MaxBlocks or
// MaxFuncs.
var ErrTooManyFunctions = errors.New("too many functions in the store")

// block is a registry slot: the functions registered in it, with the
// generation they were registered under, replaced as a whole so that a
// lock-free reader sees both consistently.
type block struct {
	cur atomic.Pointer[blockState]
	gen uint64 // registrations so far; guarded by Store.mu
}

type blockState struct {
	gen   uint64
	funcs []*Function
}

// New returns an empty store.
func New() *Store {
	s := &Store{types: make(map[string]uint32)}
	s.blocks.Store(new([]*block))
	return s
}

// Register registers fs as one block, assigning their handles and
// signature IDs, and returns the block, for Unregister. Functions without an
// entry word (host functions) get HostEntry.
func (s *Store) Register(fs ...*Function) (uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		f.TypeID = s.typeIDLocked(f.Type)
		if f.Entry == nil {
			f.Entry = &HostEntry
		}
	}
	return s.registerLocked(fs)
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

// register is Register for functions whose TypeID is set. It returns the
// block and the handle of its function 0, to which the handle of function i
// adds i<<slotBits.
func (s *Store) register(fs []*Function) (uint32, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.registerLocked(fs)
	if err != nil {
		return 0, 0, err
	}
	return b, uint64(b+1) | s.list[b].gen<<(slotBits+indexBits), nil
}

func (s *Store) registerLocked(fs []*Function) (uint32, error) {
	if len(fs) > MaxFuncs {
		return 0, fmt.Errorf("%w: %d functions in one instance, at most %d", ErrTooManyFunctions, len(fs), MaxFuncs)
	}
	var i uint32
	if n := len(s.free); n > 0 {
		i = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		if len(s.list) == MaxBlocks {
			return 0, fmt.Errorf("%w: %d instances at once", ErrTooManyFunctions, MaxBlocks)
		}
		i = uint32(len(s.list))
		s.list = append(s.list, &block{})
		list := s.list
		s.blocks.Store(&list)
	}
	b := s.list[i]
	b.gen++
	base := uint64(i+1) | b.gen<<(slotBits+indexBits)
	for k, f := range fs {
		f.Handle = base | uint64(k)<<slotBits
	}
	b.cur.Store(&blockState{gen: b.gen, funcs: fs})
	return i, nil
}

// Unregister ends block's registration: its functions' handles resolve to
// nil from now on.
func (s *Store) Unregister(block uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unregisterLocked(block)
}

func (s *Store) unregisterLocked(block uint32) {
	b := s.list[block]
	if b.cur.Load() == nil {
		return
	}
	b.cur.Store(nil)
	if b.gen < maxGen {
		s.free = append(s.free, block)
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
// handle, or one whose block was unregistered. It takes no lock.
func (s *Store) Func(h uint64) *Function {
	list := *s.blocks.Load()
	i := h & (1<<slotBits - 1)
	if i == 0 || i > uint64(len(list)) {
		return nil
	}
	b := list[i-1]
	st := b.cur.Load()
	k := h >> slotBits & (1<<indexBits - 1)
	if st == nil || st.gen != h>>(slotBits+indexBits) || k >= uint64(len(st.funcs)) {
		return nil
	}
	f := st.funcs[k]
	// Still registered after reading f: the record was not yet recycled
	// for another instance when it was read.
	if b.cur.Load() != st {
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
// function. Its record (signature ID, handle, entry word, instance context)
// comes first, where generated code reads it.
type Function struct {
	abi.FuncRecord
	Type     *wasm.FuncType
	Instance *Instance
	// Index is the function's index in the module's function index space
	// when the function is defined by Instance's module.
	Index uint32
	Host  HostFunc // non-nil for host functions
	// Module and Name identify a host function in traces.
	Module, Name string
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

// Table is a table instance of reference handles. Funcref tables also hold
// each element's function record, which generated code calls through; every
// write goes through the methods below, which keep the two arrays and the
// views of the table in instance contexts in step.
type Table struct {
	Type  wasm.TableType
	Elems []uint64
	// Funcs holds, for a funcref table, the function each element names
	// (nil for null); it is empty for an externref table.
	Funcs []*Function
	// Max is the largest size Grow allows: the declared maximum, further
	// bounded by the embedder's limit.
	Max uint32

	// owner is the instance that defined the table, nil for a host's.
	owner *Instance
	// views are the instance contexts' views of the table.
	views []*abi.TableView
}

// NewTable allocates a table of t's minimum size, all null. limit (in
// elements, 0 for DefaultTableLimit) bounds it; a minimum above the limit is
// an error wrapping ErrTableLimit.
func NewTable(t wasm.TableType, limit uint32) (*Table, error) {
	return newTable(t, limit, nil, nil)
}

// newTable is NewTable, reusing buf's and funcs' arrays when they are large
// enough.
func newTable(t wasm.TableType, limit uint32, buf []uint64, funcs []*Function) (*Table, error) {
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
	n := int(t.Limits.Min)
	tab := &Table{Type: t, Max: max}
	if cap(buf) >= n {
		tab.Elems = buf[:n]
		clear(tab.Elems)
	} else {
		tab.Elems = make([]uint64, n)
	}
	if t.Elem == wasm.FuncRef {
		if cap(funcs) >= n {
			tab.Funcs = funcs[:n]
			clear(tab.Funcs)
		} else {
			tab.Funcs = make([]*Function, n)
		}
	}
	return tab, nil
}

// ErrTableLimit reports a table whose minimum size exceeds the embedder's
// limit.
var ErrTableLimit = errors.New("table exceeds the embedder's limit")

// Size returns the number of elements.
func (t *Table) Size() uint32 { return uint32(len(t.Elems)) }

// funcref reports whether the table holds function references, and so
// keeps Funcs.
func (t *Table) funcref() bool { return t.Type.Elem == wasm.FuncRef }

// Get returns element i, or false if i is out of bounds.
func (t *Table) Get(i uint32) (uint64, bool) {
	if uint64(i) >= uint64(len(t.Elems)) {
		return 0, false
	}
	return t.Elems[i], true
}

// Call returns the function that element i names for call_indirect, with
// the trap kind when there is none: i out of bounds, a null element, or the
// function of a released instance.
func (t *Table) Call(i uint32) (*Function, TrapKind) {
	if uint64(i) >= uint64(len(t.Funcs)) {
		return nil, TrapUndefinedElement
	}
	f := t.Funcs[i]
	if f == nil || f.Handle != t.Elems[i] {
		return nil, TrapUninitializedElement
	}
	return f, 0
}

// Set sets element i to ref, whose function (for a funcref table) s
// resolves. It reports false if i is out of bounds.
func (t *Table) Set(s *Store, i uint32, ref uint64) bool {
	if uint64(i) >= uint64(len(t.Elems)) {
		return false
	}
	t.Elems[i] = ref
	if t.funcref() {
		t.Funcs[i] = s.Func(ref)
	}
	return true
}

// Fill sets n elements from d to ref; it reports false, writing nothing, if
// they do not fit.
func (t *Table) Fill(s *Store, d, n uint32, ref uint64) bool {
	if uint64(d)+uint64(n) > uint64(len(t.Elems)) {
		return false
	}
	elems := t.Elems[d : d+n]
	for i := range elems {
		elems[i] = ref
	}
	if t.funcref() {
		f := s.Func(ref)
		funcs := t.Funcs[d : d+n]
		for i := range funcs {
			funcs[i] = f
		}
	}
	return true
}

// Copy copies n elements from src at s to t at d, as table.copy does
// (the ranges may overlap); it reports false, writing nothing, if either
// range does not fit.
func (t *Table) Copy(d uint32, src *Table, s, n uint32) bool {
	if uint64(s)+uint64(n) > uint64(len(src.Elems)) || uint64(d)+uint64(n) > uint64(len(t.Elems)) {
		return false
	}
	copy(t.Elems[d:d+n], src.Elems[s:s+n])
	if t.funcref() {
		copy(t.Funcs[d:d+n], src.Funcs[s:s+n])
	}
	return true
}

// Init copies n references of refs from s to t at d, as table.init does;
// it reports false, writing nothing, if either range does not fit.
func (t *Table) Init(st *Store, d uint32, refs []uint64, s, n uint32) bool {
	if uint64(s)+uint64(n) > uint64(len(refs)) || uint64(d)+uint64(n) > uint64(len(t.Elems)) {
		return false
	}
	copy(t.Elems[d:d+n], refs[s:s+n])
	if t.funcref() {
		for i, ref := range refs[s : s+n] {
			t.Funcs[d+uint32(i)] = st.Func(ref)
		}
	}
	return true
}

// Grow adds delta elements initialised to ref and returns the old size, or
// -1 if the table would exceed its maximum.
func (t *Table) Grow(s *Store, delta uint32, ref uint64) int64 {
	old := uint64(len(t.Elems))
	if old+uint64(delta) > uint64(t.Max) {
		return -1
	}
	if delta == 0 {
		return int64(old)
	}
	t.Elems = grow(t.Elems, delta, ref)
	if t.funcref() {
		t.Funcs = grow(t.Funcs, delta, s.Func(ref))
	}
	t.updateViews()
	return int64(old)
}

// grow appends delta copies of v to a.
func grow[T any](a []T, delta uint32, v T) []T {
	a = append(a, make([]T, delta)...)
	tail := a[len(a)-int(delta):]
	for i := range tail {
		tail[i] = v
	}
	return a
}

// addView fills v with the table's state and keeps it up to date.
func (t *Table) addView(v *abi.TableView) {
	t.views = append(t.views, v)
	t.fillView(v)
}

// removeView stops updating v.
func (t *Table) removeView(v *abi.TableView) {
	for i, w := range t.views {
		if w == v {
			t.views[i] = t.views[len(t.views)-1]
			t.views[len(t.views)-1] = nil
			t.views = t.views[:len(t.views)-1]
			return
		}
	}
}

func (t *Table) updateViews() {
	for _, v := range t.views {
		t.fillView(v)
	}
}

func (t *Table) fillView(v *abi.TableView) {
	v.Funcs, v.Elems, v.Len = sliceAddr(t.Funcs), sliceAddr(t.Elems), uint64(len(t.Elems))
}

// MemoryInstance is a linear memory instance. Bytes is the whole memory; its length
// is a multiple of the page size. Bytes comes first: generated code reads its
// length at abi.MemoryLen.
type MemoryInstance struct {
	Bytes []byte
	Type  wasm.MemoryType
	// Max is the largest size in pages that Grow allows: the declared
	// maximum, further bounded by the embedder's limit.
	Max uint32

	// lin provides Bytes when the embedder allocated the memory (see
	// MemoryAllocator); nil for a Go slice.
	lin MemoryBacking
	// owner is the instance that defined the memory, nil for a host's.
	owner *Instance
	// views are the instance contexts that have the memory as memory 0,
	// whose base address they hold.
	views []*abi.InstanceContext
}

// MemoryBacking is linear memory that an embedder provides, such as a
// reservation behind guard pages.
type MemoryBacking interface {
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
	AllocateMemory(min, max uint32, image bool) (MemoryBacking, error)
}

// NewMemory allocates a memory of t's minimum size as a Go slice. limit (in
// pages, 0 for none) bounds growth beyond the declared maximum.
func NewMemory(t wasm.MemoryType, limit uint32) *MemoryInstance {
	return &MemoryInstance{Type: t, Bytes: make([]byte, int(t.Limits.Min)*wasm.PageSize), Max: memoryMax(t, limit)}
}

// AllocateMemory allocates a memory of t's minimum size with a, which may
// apply an image (see MemoryAllocator). limit is as for NewMemory.
func AllocateMemory(a MemoryAllocator, t wasm.MemoryType, limit uint32, image bool) (*MemoryInstance, error) {
	mem := &MemoryInstance{Type: t, Max: memoryMax(t, limit)}
	lin, err := a.AllocateMemory(t.Limits.Min, mem.Max, image)
	if err != nil {
		return nil, err
	}
	mem.lin, mem.Bytes = lin, lin.Bytes()
	return mem, nil
}

// Release gives a memory that no instance defines (a host's) back to its
// allocator; it reads as empty afterwards.
func (m *MemoryInstance) Release() {
	if m.lin != nil {
		m.lin.Release()
	}
	m.lin, m.Bytes, m.Max = nil, nil, 0
	m.updateViews()
}

// Guarded reports whether the memory lies in a reservation behind guard
// pages (an allocator's), so that generated code needs no bounds checks.
func (m *MemoryInstance) Guarded() bool { return m.lin != nil }

// Base returns the address of the memory's first byte, 0 when it is empty.
func (m *MemoryInstance) Base() uintptr { return sliceAddr(m.Bytes) }

func (m *MemoryInstance) addView(v *abi.InstanceContext) {
	m.views = append(m.views, v)
	v.MemBase = m.Base()
}

func (m *MemoryInstance) removeView(v *abi.InstanceContext) {
	for i, w := range m.views {
		if w == v {
			m.views[i] = m.views[len(m.views)-1]
			m.views[len(m.views)-1] = nil
			m.views = m.views[:len(m.views)-1]
			return
		}
	}
}

func (m *MemoryInstance) updateViews() {
	base := m.Base()
	for _, v := range m.views {
		v.MemBase = base
	}
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
func (m *MemoryInstance) Pages() uint32 { return uint32(len(m.Bytes) / wasm.PageSize) }

// Grow adds delta pages and returns the old size in pages, or -1 if the
// memory would exceed its maximum.
func (m *MemoryInstance) Grow(delta uint32) int64 {
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
	m.updateViews()
	return int64(old)
}

// ModuleCode is what the instances of a module share of its compiled form: the
// entry table and each execution tier's code.
type ModuleCode struct {
	Module *wasm.Module
	// Entries holds one word per function the module defines: the address
	// of the machine code that runs it when called from machine code. A
	// function still interpreted has InterpEntry, the address of a stub
	// that exits to Go (or 0 where there is no machine code at all). A
	// tier switches a function's code with one atomic store here, for every
	// instance at once.
	Entries []uintptr
	// InterpEntry is the entry of functions that the interpreter runs.
	InterpEntry uintptr
	// Tiers holds each tier's code for the module, by Tier; nil for a tier
	// that did not compile it. A tier that compiles in the background sets
	// its own through TierCodeOf.
	Tiers [NumTiers]TierCode
	// Counters count each defined function's activity, for tiering.
	Counters []Counters
	mu       sync.Mutex // guards Tiers after compilation
}

// TierCodeOf returns tier t's code for the module, made by make on first
// use. It is safe for concurrent use, with Close too.
func (c *ModuleCode) TierCodeOf(t Tier, make func() TierCode) TierCode {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Tiers[t] == nil {
		c.Tiers[t] = make()
	}
	return c.Tiers[t]
}

// Counters counts a function's activity for tiering decisions.
type Counters struct {
	// Work is the activity the interpreter credited to the function: its
	// loop iterations weighted by the size of the loop, its calls by the
	// size of the function, sampled (see package interp).
	Work atomic.Int64
	// Hot is set once the function's work reached the threshold and it
	// was queued for compilation.
	Hot atomic.Bool
}

// Close releases every tier's code; instances of the module must not run
// any more.
func (c *ModuleCode) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for i, t := range c.Tiers {
		if t != nil {
			errs = append(errs, t.Close())
			c.Tiers[i] = nil
		}
	}
	return errors.Join(errs...)
}

// Tier indexes Code.Tiers.
type Tier int

// Execution tiers.
const (
	TierInterp Tier = iota
	TierNative
	NumTiers
)

// TierCode is a tier's code for one module.
type TierCode interface {
	// Close releases the code (executable memory, for a native tier).
	Close() error
}

// NewCode returns the code of m with every function interpreted, its entry
// interpEntry.
func NewCode(m *wasm.Module, interpEntry uintptr) *ModuleCode {
	c := &ModuleCode{Module: m, Entries: make([]uintptr, len(m.Code)), InterpEntry: interpEntry, Counters: make([]Counters, len(m.Code))}
	for i := range c.Entries {
		c.Entries[i] = interpEntry
	}
	return c
}

// Interpreted reports whether defined function i runs on the interpreter.
func (c *ModuleCode) Interpreted(i uint32) bool {
	return atomic.LoadUintptr(&c.Entries[i]) == c.InterpEntry
}

// HostEntry is the entry word of every host function: the address of a stub
// that exits to Go, set once by the native tier before it loads any code.
var HostEntry uintptr

// Extern is an exported or imported entity; Kind says which field is set.
type Extern struct {
	Kind   wasm.ExternKind
	Func   *Function
	Table  *Table
	Memory *MemoryInstance
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
	Memories []*MemoryInstance
	Globals  []*Global

	// Elems holds each element segment's references until it is dropped
	// (nil then).
	Elems [][]uint64
	// dropped marks the data segments dropped (by data.drop or by being
	// applied as active segments): one bit each, since compilers emit tens
	// of thousands of segments and most instances never look at them again.
	dropped []uint64

	Exports map[string]Extern

	// Code is the module's compiled code, shared by all its instances;
	// nil for a host instance.
	Code *ModuleCode

	// ctx holds the instance context (see package abi), laid out by
	// layout; the instance's functions run with its address.
	ctx    []uint64
	layout abi.Layout

	// users counts the embedder's hold on the instance (one, until
	// Release) and the instances that import its functions, tables or
	// memories;
	// the memories it allocated go back to their allocator when it drops
	// to zero. Guarded by Store.mu.
	users    int
	released bool // by Release
	// block is the registry slot of its functions plus one, 0 when they
	// are not registered; handleBase is the handle of a module's first
	// own function, from which eval computes the others.
	block      uint32
	handleBase uint64
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
