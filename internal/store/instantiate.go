package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/terra-runtime/terra/wasm"
)

// Resolver finds the externs a module imports.
type Resolver interface {
	// Resolve returns what module exports under name, and whether it
	// exists.
	Resolve(module, name string) (Extern, bool)
}

// Options are the embedder's settings for one instantiation.
type Options struct {
	// Name is the instance's name, for traces.
	Name string
	// MemoryLimitPages bounds every memory the instance defines, in
	// pages: a larger minimum fails instantiation with ErrMemoryLimit and
	// growth stops there. Zero means no limit beyond the module's own.
	MemoryLimitPages uint32
	// Image, if not nil, is NewImage of the module: the data segments
	// applied at once.
	Image *Image
	// TableLimit bounds every table the instance defines, in elements:
	// a larger minimum fails instantiation with ErrTableLimit and
	// table.grow fails beyond it. Zero means DefaultTableLimit.
	TableLimit uint32
	// Memory, if not nil, allocates the memory the module defines, with
	// Image applied when Image is set; otherwise memories are Go slices.
	Memory MemoryAllocator
	// Recycler, if not nil, is the module's: instantiation reuses storage
	// of released instances of the module, and Release gives it back.
	Recycler *Recycler
}

// Invoker runs a function, as an execution tier's Call does; Instantiate
// uses it for the start function.
type Invoker func(ctx context.Context, f *Function, args []uint64) ([]uint64, error)

// LinkError reports why a module cannot be linked: an import that is
// missing or of the wrong type, or, in WebAssembly 1.0, a segment that does
// not fit its table or memory. Module and Name identify the import, and are
// empty for a segment.
type LinkError struct {
	Module, Name string
	Msg          string
}

func (e *LinkError) Error() string {
	if e.Module == "" && e.Name == "" {
		return "link error: " + e.Msg
	}
	return fmt.Sprintf("link error: import %q %q: %s", e.Module, e.Name, e.Msg)
}

// ErrMemoryLimit reports a memory whose minimum size exceeds
// Options.MemoryLimitPages.
var ErrMemoryLimit = errors.New("memory exceeds the embedder's limit")

// Instantiate instantiates the validated module m in s, following the
// WebAssembly specification: it resolves m's imports with imports,
// allocates the module's functions (registered in s, so that they have
// handles), tables, memories and globals, applies the active element and
// data segments, and runs the start function with call. code is m's
// compiled code, stored in Instance.Code; its entry table becomes the own
// functions' entry words.
//
// Segment semantics follow m.Features. With bulk memory (2.0), segments
// are applied in order, and one that does not fit traps with
// TrapTableOutOfBounds or TrapMemoryOutOfBounds (the error names the
// segment and wraps the *Trap); segments applied before it
// stay applied, which is visible through imported tables and memories.
// Without it (1.0), every segment is checked before any is written, and one
// that does not fit is a *LinkError.
//
// Errors are a *LinkError, an error wrapping ErrMemoryLimit or ErrTableLimit, a *Trap from
// segment initialisation, or whatever call returns for the start function.
func Instantiate(ctx context.Context, s *Store, m *wasm.Module, imports Resolver, code *ModuleCode, call Invoker, opts Options) (*Instance, error) {
	inst := &Instance{
		Store:    s,
		Module:   m,
		Name:     opts.Name,
		Tables:   make([]*Table, 0, len(m.AllTables)),
		Memories: make([]*MemoryInstance, 0, len(m.AllMemories)),
		Globals:  make([]*Global, 0, len(m.AllGlobals)),
		Exports:  make(map[string]Extern, len(m.Exports)),
		Code:     code,
		recycler: opts.Recycler,
	}
	st := opts.Recycler.get()
	if st != nil {
		inst.Funcs = st.index
	} else {
		inst.Funcs = make([]*Function, 0, len(m.FuncSigs))
	}
	if err := inst.link(imports); err != nil {
		if st != nil {
			opts.Recycler.put(st)
		}
		return nil, err
	}
	inst.use()
	if err := inst.allocate(opts, st); err != nil {
		inst.Release()
		return nil, err
	}
	var ctxBuf []uint64
	if st != nil {
		ctxBuf = st.ctx
	}
	inst.buildContext(ctxBuf)
	inst.export()
	inst.evalSegments()
	var err error
	if m.Features.Has(wasm.FeatureBulkMemory) {
		err = inst.initSegments(opts.Image)
	} else if err = inst.initSegments1(); err != nil {
		inst.Release() // 1.0 checks every segment before writing any
		return nil, err
	}
	if err == nil && m.HasStart {
		_, err = call(ctx, inst.Funcs[m.Start], nil)
	}
	if err != nil {
		// A failed instance that may be referenced from elsewhere must
		// stay whole; otherwise nothing can reach it any more.
		if !mayEscape(m) {
			inst.Release()
		}
		return nil, err
	}
	return inst, nil
}

// NewHostInstance returns an empty instance for an embedder to fill with
// host functions (registered with RegisterFuncs), tables, memories and globals,
// and to end with Release like any other.
func NewHostInstance(s *Store, name string) *Instance {
	return &Instance{Store: s, Name: name, Exports: make(map[string]Extern), users: 1}
}

// mayEscape reports whether an instantiation of m that failed after
// allocation can have left references to the instance behind: element
// segments written into an imported table before the failure stay written,
// and a start function can hand references to what it imports.
func mayEscape(m *wasm.Module) bool {
	if m.NumImportedTables > 0 && len(m.Elems) > 0 {
		return true
	}
	return m.HasStart && m.NumImportedFuncs+m.NumImportedTables+m.NumImportedGlobals > 0
}

// use records the instance's users: the embedder, until Release, and the
// instance itself among the users of every instance whose functions, tables
// or memories it imports, which keeps those registered.
func (inst *Instance) use() {
	s := inst.Store
	s.mu.Lock()
	defer s.mu.Unlock()
	inst.users = 1
	add := func(o *Instance) {
		if o == nil || slices.Contains(inst.owners, o) {
			return
		}
		o.users++
		inst.owners = append(inst.owners, o)
	}
	for _, f := range inst.Funcs {
		add(f.Instance)
	}
	for _, t := range inst.Tables {
		add(t.owner)
	}
	for _, mem := range inst.Memories {
		add(mem.owner)
	}
}

// link resolves the imports and appends them to the index spaces.
func (inst *Instance) link(imports Resolver) error {
	m := inst.Module
	for i := range m.Imports {
		imp := &m.Imports[i]
		ext, ok := imports.Resolve(imp.Module, imp.Name)
		if !ok {
			return &LinkError{Module: imp.Module, Name: imp.Name, Msg: "unknown import"}
		}
		if msg := mismatch(m, imp, ext); msg != "" {
			return &LinkError{Module: imp.Module, Name: imp.Name, Msg: "incompatible import type: " + msg}
		}
		switch imp.Kind {
		case wasm.ExternFunc:
			inst.Funcs = append(inst.Funcs, ext.Func)
		case wasm.ExternTable:
			inst.Tables = append(inst.Tables, ext.Table)
		case wasm.ExternMemory:
			inst.Memories = append(inst.Memories, ext.Memory)
		case wasm.ExternGlobal:
			inst.Globals = append(inst.Globals, ext.Global)
		}
	}
	return nil
}

// mismatch says why ext cannot satisfy imp, or returns "" if it can.
// Tables and memories match by their current size, as the specification's
// external typing of instances prescribes.
func mismatch(m *wasm.Module, imp *wasm.Import, ext Extern) string {
	if ext.Kind != imp.Kind {
		return fmt.Sprintf("%s imported as %s", ext.Kind, imp.Kind)
	}
	switch imp.Kind {
	case wasm.ExternFunc:
		if ext.Func == nil {
			return "no function"
		}
		if want := m.Types[imp.Func]; !want.Equal(*ext.Func.Type) {
			return fmt.Sprintf("function %v imported as %v", *ext.Func.Type, want)
		}
	case wasm.ExternTable:
		if ext.Table == nil {
			return "no table"
		}
		have, want := ext.Table.Type, imp.Table
		if have.Elem != want.Elem {
			return fmt.Sprintf("table of %s imported as table of %s", have.Elem, want.Elem)
		}
		if msg := limitsMismatch(uint64(len(ext.Table.Elems)), have.Limits, want.Limits, "elements"); msg != "" {
			return "table " + msg
		}
	case wasm.ExternMemory:
		if ext.Memory == nil {
			return "no memory"
		}
		if msg := limitsMismatch(uint64(ext.Memory.Pages()), ext.Memory.Type.Limits, imp.Memory.Limits, "pages"); msg != "" {
			return "memory " + msg
		}
	case wasm.ExternGlobal:
		if ext.Global == nil {
			return "no global"
		}
		if have, want := ext.Global.Type, imp.Global; have != want {
			return fmt.Sprintf("global %s imported as %s", globalTypeString(have), globalTypeString(want))
		}
	}
	return ""
}

// limitsMismatch checks that an entity of size n and declared limits have
// satisfies the import's limits want.
func limitsMismatch(n uint64, have, want wasm.Limits, unit string) string {
	switch {
	case n < uint64(want.Min):
		return fmt.Sprintf("of %d %s imported with minimum %d", n, unit, want.Min)
	case want.HasMax && !have.HasMax:
		return fmt.Sprintf("without maximum imported with maximum %d", want.Max)
	case want.HasMax && have.Max > want.Max:
		return fmt.Sprintf("of maximum %d %s imported with maximum %d", have.Max, unit, want.Max)
	}
	return ""
}

func globalTypeString(t wasm.GlobalType) string {
	if t.Mutable {
		return "mut " + t.Type.String()
	}
	return t.Type.String()
}

// allocate creates the module's own functions, tables, memories and
// globals.
// st, if not nil, is recycled storage to build them in.
func (inst *Instance) allocate(opts Options, st *storage) error {
	m, memoryLimit := inst.Module, opts.MemoryLimitPages
	if st != nil {
		// Every field but these four is zero for a function of a
		// module, or set by register.
		inst.funcs, inst.typeIDs = st.funcs, st.typeIDs
	} else {
		inst.funcs = make([]Function, len(m.Funcs))
		inst.typeIDs = inst.Store.typeIDs(m.Types)
	}
	for i, ti := range m.Funcs {
		f := &inst.funcs[i]
		f.Type, f.TypeID, f.Instance, f.Index = &m.Types[ti], inst.typeIDs[ti], inst, m.NumImportedFuncs+uint32(i)
		f.Entry = &inst.Code.Entries[i]
		inst.Funcs = append(inst.Funcs, f)
	}
	block, base, err := inst.Store.register(inst.Funcs[m.NumImportedFuncs:])
	if err != nil {
		return err
	}
	inst.block, inst.handleBase = block+1, base
	for i, t := range m.Tables {
		var buf []uint64
		var funcs []*Function
		if st != nil && i < len(st.tables) {
			buf, funcs = st.tables[i], st.tableFuncs[i]
		}
		tab, err := newTable(t, opts.TableLimit, buf, funcs)
		if err != nil {
			return fmt.Errorf("table %d: %w", len(inst.Tables), err)
		}
		tab.owner = inst
		inst.Tables = append(inst.Tables, tab)
	}
	for _, t := range m.Memories {
		if memoryLimit != 0 && t.Limits.Min > memoryLimit {
			return fmt.Errorf("memory %d: minimum of %d pages: %w of %d pages",
				len(inst.Memories), t.Limits.Min, ErrMemoryLimit, memoryLimit)
		}
		var mem *MemoryInstance
		if opts.Memory == nil {
			mem = NewMemory(t, memoryLimit)
		} else {
			var err error
			if mem, err = AllocateMemory(opts.Memory, t, memoryLimit, opts.Image != nil); err != nil {
				return fmt.Errorf("memory %d: %w", len(inst.Memories), err)
			}
		}
		mem.owner = inst
		inst.Memories = append(inst.Memories, mem)
	}
	globals := make([]Global, len(m.Globals))
	for i, g := range m.Globals {
		// Initialisers read imported globals only, all in place by now.
		lo, hi := inst.eval(g.Init)
		globals[i] = Global{Type: g.Type, Lo: lo, Hi: hi}
		inst.Globals = append(inst.Globals, &globals[i])
	}
	return nil
}

// evalRef evaluates a validated constant expression of a reference type,
// returning the function it names too (nil for null and externrefs).
func (inst *Instance) evalRef(e wasm.ConstExpr) (uint64, *Function) {
	switch e.Op {
	case wasm.OpRefFunc:
		if n := uint64(inst.Module.NumImportedFuncs); e.Value >= n {
			return inst.handleBase | (e.Value-n)<<slotBits, &inst.funcs[e.Value-n]
		}
		f := inst.Funcs[e.Value]
		return f.Handle, f
	case wasm.OpGlobalGet:
		h := inst.Globals[e.Value].Lo
		return h, inst.Store.Func(h)
	}
	return 0, nil
}

// eval evaluates a validated constant expression.
func (inst *Instance) eval(e wasm.ConstExpr) (lo, hi uint64) {
	switch e.Op {
	case wasm.OpGlobalGet:
		g := inst.Globals[e.Value]
		return g.Lo, g.Hi
	case wasm.OpRefFunc:
		// Element segments of compiled programs reference thousands of
		// functions: own handles are computed, not loaded.
		if n := uint64(inst.Module.NumImportedFuncs); e.Value >= n {
			return inst.handleBase | (e.Value-n)<<slotBits, 0
		}
		return inst.Funcs[e.Value].Handle, 0
	}
	// Constants hold their bits in Value and Hi; ref.null holds zeros.
	return e.Value, e.Hi
}

// export fills the exports map.
func (inst *Instance) export() {
	for _, e := range inst.Module.Exports {
		x := Extern{Kind: e.Kind}
		switch e.Kind {
		case wasm.ExternFunc:
			x.Func = inst.Funcs[e.Index]
		case wasm.ExternTable:
			x.Table = inst.Tables[e.Index]
		case wasm.ExternMemory:
			x.Memory = inst.Memories[e.Index]
		case wasm.ExternGlobal:
			x.Global = inst.Globals[e.Index]
		}
		inst.Exports[e.Name] = x
	}
}

// evalSegments evaluates the passive element segments' references, for
// table.init. Active segments are evaluated straight into their tables as
// they are applied (evaluation has no effects), and are dropped afterwards,
// like declarative ones.
func (inst *Instance) evalSegments() {
	m := inst.Module
	inst.Elems = make([][]uint64, len(m.Elems))
	for i := range m.Elems {
		seg := &m.Elems[i]
		if seg.Mode != wasm.SegmentPassive {
			continue
		}
		refs := make([]uint64, len(seg.Init))
		for j, e := range seg.Init {
			refs[j], _ = inst.eval(e)
		}
		inst.Elems[i] = refs
	}
	inst.dropped = make([]uint64, (len(m.Data)+63)/64)
}

// evalElems evaluates seg's references into table t from off on, which
// fits.
func (inst *Instance) evalElems(t *Table, off uint64, seg *wasm.ElemSegment) {
	elems := t.Elems[off : off+uint64(len(seg.Init))]
	if !t.funcref() {
		for j, e := range seg.Init {
			elems[j], _ = inst.eval(e)
		}
		return
	}
	funcs := t.Funcs[off : off+uint64(len(seg.Init))]
	for j, e := range seg.Init {
		elems[j], funcs[j] = inst.evalRef(e)
	}
}

// initSegments applies the active segments with the semantics of
// table.init and memory.init followed by elem.drop and data.drop.
func (inst *Instance) initSegments(img *Image) error {
	m := inst.Module
	for i := range m.Elems {
		seg := &m.Elems[i]
		if seg.Mode != wasm.SegmentActive {
			continue
		}
		t := inst.Tables[seg.Table]
		off, _ := inst.eval(seg.Offset)
		if !fits(off, len(seg.Init), len(t.Elems)) {
			return fmt.Errorf("elements segment %d (%d elements at %d) does not fit in table %d of %d elements: %w",
				i, len(seg.Init), off, seg.Table, len(t.Elems), &Trap{Kind: TrapTableOutOfBounds})
		}
		inst.evalElems(t, off, seg)
	}
	if img != nil {
		// Every active segment fits in the fresh memory (NewImage checked),
		// so applying them in order is the same as copying the image. An
		// allocated memory starts with it already.
		if mem := inst.Memories[0]; mem.lin == nil {
			copy(mem.Bytes, img.bytes)
		}
		copy(inst.dropped, img.dropped)
		return nil
	}
	for i := range m.Data {
		seg := &m.Data[i]
		if seg.Mode != wasm.SegmentActive {
			continue
		}
		mem := inst.Memories[seg.Memory]
		off, _ := inst.eval(seg.Offset)
		if !fits(off, len(seg.Init), len(mem.Bytes)) {
			return fmt.Errorf("data segment %d (%d bytes at %d) does not fit in memory %d of %d bytes: %w",
				i, len(seg.Init), off, seg.Memory, len(mem.Bytes), &Trap{Kind: TrapMemoryOutOfBounds})
		}
		copy(mem.Bytes[off:], seg.Init)
		inst.DropData(uint32(i))
	}
	return nil
}

// initSegments1 applies the segments with the semantics of WebAssembly
// 1.0, where all are active: each must fit, or none is written.
func (inst *Instance) initSegments1() error {
	m := inst.Module
	elemOffsets := make([]uint64, len(m.Elems))
	for i := range m.Elems {
		off, _ := inst.eval(m.Elems[i].Offset)
		if !fits(off, len(m.Elems[i].Init), len(inst.Tables[m.Elems[i].Table].Elems)) {
			return &LinkError{Msg: fmt.Sprintf("elements segment %d does not fit", i)}
		}
		elemOffsets[i] = off
	}
	dataOffsets := make([]uint64, len(m.Data))
	for i := range m.Data {
		off, _ := inst.eval(m.Data[i].Offset)
		if !fits(off, len(m.Data[i].Init), len(inst.Memories[m.Data[i].Memory].Bytes)) {
			return &LinkError{Msg: fmt.Sprintf("data segment %d does not fit", i)}
		}
		dataOffsets[i] = off
	}
	for i := range m.Elems {
		inst.evalElems(inst.Tables[m.Elems[i].Table], elemOffsets[i], &m.Elems[i])
	}
	for i := range m.Data {
		copy(inst.Memories[m.Data[i].Memory].Bytes[dataOffsets[i]:], m.Data[i].Init)
		inst.DropData(uint32(i))
	}
	return nil
}

// fits reports whether n items at offset off (an i32, zero-extended) lie
// within size.
func fits(off uint64, n, size int) bool {
	return off+uint64(n) <= uint64(size)
}

// Release ends the embedder's use of the instance: call it when the
// instance will run no more. Once no instance that imports from it remains
// either, its functions' handles resolve to nil (a call through one held in
// a table or global traps as an uninitialized element), the memories it
// defines read as empty (nil Bytes) and cannot grow, and those its allocator
// made (see Options.Memory) go back to it.
func (inst *Instance) Release() {
	s := inst.Store
	s.mu.Lock()
	defer s.mu.Unlock()
	if !inst.released {
		inst.released = true
		inst.unuse()
	}
}

// RegisterFuncs registers the functions of an instance built by the
// embedder (see NewHostInstance), all of them its own.
func (inst *Instance) RegisterFuncs() error {
	block, err := inst.Store.Register(inst.Funcs...)
	if err != nil {
		return err
	}
	inst.block = block + 1
	return nil
}

// unuse drops one user; the last one gives the memories back and stops
// using the instances this one imports from. s.mu is held.
func (inst *Instance) unuse() {
	if inst.users--; inst.users > 0 {
		return
	}
	if inst.block != 0 {
		inst.Store.unregisterLocked(inst.block - 1)
		inst.block = 0
		// Records that a table elsewhere still holds no longer match its
		// handles: generated code checks that before calling.
		for i := range inst.funcs {
			inst.funcs[i].Handle = 0
		}
	}
	inst.dropContext()
	for _, mem := range inst.Memories {
		if mem.owner == inst {
			// Nothing to read and no growth, whoever still holds it.
			mem.Release()
		}
	}
	for _, o := range inst.owners {
		o.unuse()
	}
	inst.recycle()
}

// DefineTable adds a table that a host instance (see NewHostInstance)
// defines: instances importing it keep the host instance in use.
func (inst *Instance) DefineTable(t *Table) {
	t.owner = inst
	inst.Tables = append(inst.Tables, t)
}

// DefineMemory adds a memory that a host instance defines: instances
// importing it keep the host instance in use, and the memory goes back to
// its allocator when no user is left.
func (inst *Instance) DefineMemory(m *MemoryInstance) {
	m.owner = inst
	inst.Memories = append(inst.Memories, m)
}
