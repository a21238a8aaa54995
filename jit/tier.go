// Package jit compiles WebAssembly to machine code: a single-pass front end
// shared by the backends (jit/amd64), the code of compiled modules, and the
// Tier that runs it within the engine, exiting to Go for host functions,
// functions the interpreter runs, and rare instructions.
package jit

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// Tier runs compiled code: an engine.Tier. It is safe for concurrent use.
type Tier struct {
	arch  Arch
	stubs *stubs
	// stacks holds the native stacks calls run on, shared by the process's
	// tiers.
	stacks *sandbox.StackPool
	// modules lists the loaded modules by address, for stack traces.
	modules atomic.Pointer[[]*Module]
	mu      sync.Mutex
	stats   Stats
}

// Stats sums what a tier compiled.
type Stats struct {
	// Functions compiled, and left on the interpreter (they use SIMD).
	Compiled, Interpreted int
	// BodyBytes is the size of the compiled functions' WebAssembly bodies;
	// CodeBytes of the machine code made of them.
	BodyBytes, CodeBytes int
	// Time spent compiling.
	Time time.Duration
}

// StackSize is the usable size of the native stacks calls run on: deep
// enough for the recursion of Go's standard library under wasip1 (more than
// 2,000 frames), committed only as far as code reaches.
const StackSize = 16 << 20

// stackMargin keeps the last bytes of a native stack for the stubs: a
// function's frame must end above Bottom()+stackMargin.
const stackMargin = 16 << 10

// stubs is the process's copy of the shared stubs.
type stubs struct {
	code                     *sandbox.Executable
	entry, callOut, stubsEnd uintptr
	callOutEnd               uintptr
}

var (
	sharedStubs    *stubs
	sharedStubsErr error
	stubsOnce      sync.Once
)

// loadStubs loads the architecture's stubs once per process and makes the
// call-out stub every host function's entry.
func loadStubs(arch Arch) (*stubs, error) {
	stubsOnce.Do(func() {
		code, entry, callOut, callOutEnd, err := arch.Stubs()
		if err != nil {
			sharedStubsErr = fmt.Errorf("jit: assemble stubs: %w", err)
			return
		}
		loaded, err := sandbox.LoadCode(code)
		if err != nil {
			sharedStubsErr = fmt.Errorf("jit: load stubs: %w", err)
			return
		}
		base := loaded.Addr()
		sharedStubs = &stubs{
			code:       loaded,
			entry:      base + uintptr(entry),
			callOut:    base + uintptr(callOut),
			callOutEnd: base + uintptr(callOutEnd),
			stubsEnd:   base + uintptr(len(code)),
		}
		store.HostEntry = sharedStubs.callOut
	})
	return sharedStubs, sharedStubsErr
}

// sharedStacks is the process's pool of native stacks: the address space
// they take is a budget of the process, as linear memories' is.
var sharedStacks = sync.OnceValue(func() *sandbox.StackPool {
	return sandbox.NewStackPool(StackSize, 0)
})

// ErrUnavailable reports a platform without native code.
var ErrUnavailable = errors.New("jit: native code is not supported on this platform")

// NewTier returns a tier that compiles for arch.
func NewTier(arch Arch) (*Tier, error) {
	if !sandbox.Native {
		return nil, ErrUnavailable
	}
	s, err := loadStubs(arch)
	if err != nil {
		return nil, err
	}
	t := &Tier{arch: arch, stubs: s, stacks: sharedStacks()}
	t.modules.Store(new([]*Module))
	return t, nil
}

// InterpEntry returns the entry word of functions the interpreter runs.
func (t *Tier) InterpEntry() uintptr { return t.stubs.callOut }

// Stats returns what the tier compiled so far.
func (t *Tier) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// Module is a batch of machine code for a module's functions: all of them
// when the module was compiled at once, or those that turned hot together.
type Module struct {
	tier   *Tier
	module *wasm.Module
	code   *sandbox.Executable
	lo, hi uintptr
	funcs  []compiledFunc // by start address
}

// compiledFunc is one function in a Module.
type compiledFunc struct {
	start, end uintptr
	index      uint32 // in the module's function index space
	sites      []Site
	osr        []Site // by loop offset
}

// close releases the machine code once no call runs it.
func (m *Module) close() error {
	m.tier.unregister(m)
	return m.code.Close()
}

// Code is the tier's code for one module (a store.TierCode): the batches
// compiled for it so far.
type Code struct {
	mu      sync.Mutex
	batches []*Module
	closed  bool
}

// Close releases every batch once no call runs it. Batches compiled later
// are released at once.
func (c *Code) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, m := range c.batches {
		errs = append(errs, m.close())
	}
	c.batches = nil
	return errors.Join(errs...)
}

// codeOf returns the tier's code for code's module, made on first use.
func codeOf(code *store.ModuleCode) *Code {
	return code.TierCodeOf(store.TierNative, func() store.TierCode { return new(Code) }).(*Code)
}

// Compile implements engine.Tier: it compiles every function it can, on
// one goroutine per processor, and switches their entries to the machine
// code.
func (t *Tier) Compile(code *store.ModuleCode) error {
	batch, err := t.CompileWhole(code, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		return err
	}
	return t.Install(code, batch)
}

// CompileWhole compiles every function of code's module that the tier
// compiles into one batch, on at most workers goroutines, and returns it
// loaded but not in use (see Install and WriteCache); nil if no function
// compiled. Each goroutine calls pause, if not nil, before each function,
// so that a caller can hold back a compilation in the background.
func (t *Tier) CompileWhole(code *store.ModuleCode, workers int, pause func()) (*Module, error) {
	all := make([]int, len(code.Module.Code))
	for i := range all {
		all[i] = i
	}
	return t.compile(code.Module, all, workers, pause)
}

// Install switches the entries of batch's functions that still run in the
// interpreter to it, and keeps it as part of code's machine code until
// code is closed; if code was closed already, it releases batch. A nil
// batch is nothing to install.
func (t *Tier) Install(code *store.ModuleCode, batch *Module) error {
	if batch == nil {
		return nil
	}
	c := codeOf(code)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return batch.code.Close()
	}
	t.register(batch)
	c.batches = append(c.batches, batch)
	for _, f := range batch.funcs {
		entry := &code.Entries[f.index-code.Module.NumImportedFuncs]
		// Under c.mu, no other batch of the module switches it meanwhile.
		if atomic.LoadUintptr(entry) == code.InterpEntry {
			atomic.StoreUintptr(entry, f.start)
		}
	}
	return nil
}

// CompileFunctions compiles the module's defined functions indexes (in the
// module's list of bodies) that still run in the interpreter, as one batch
// on the calling goroutine, and switches their entries to the machine code.
// Functions the tier cannot compile keep their entries; the number compiled
// is in the tier's Stats.
func (t *Tier) CompileFunctions(code *store.ModuleCode, indexes []int) error {
	todo := make([]int, 0, len(indexes))
	for _, i := range indexes {
		if atomic.LoadUintptr(&code.Entries[i]) == code.InterpEntry {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	batch, err := t.compile(code.Module, todo, 1, nil)
	if err != nil {
		return err
	}
	return t.Install(code, batch)
}

// compile compiles the defined functions indexes of m on at most workers
// goroutines into one batch and loads it; nil if no function compiled.
func (t *Tier) compile(m *wasm.Module, indexes []int, workers int, pause func()) (*Module, error) {
	start := time.Now()
	workers = min(workers, max(1, len(indexes)/16))
	parts := make([]part, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	// Machine code is about 2.4 times the size of the bodies: reserve four
	// times, so that appending rarely copies.
	bodyBytes := 0
	for _, i := range indexes {
		bodyBytes += len(m.Code[i].Body)
	}
	for w := range parts {
		parts[w].text = getText(4*bodyBytes/workers + 4096)
	}
	defer func() {
		for w := range parts {
			putText(parts[w].text)
		}
	}()
	for w := range parts {
		wg.Go(func() { parts[w].compile(t.arch.NewBackend(), m, indexes, &next, pause) })
	}
	wg.Wait()
	var stats Stats
	size := 0
	texts := make([][]byte, len(parts))
	for i := range parts {
		p := &parts[i]
		if p.err != nil {
			return nil, p.err
		}
		stats.Compiled += len(p.funcs)
		stats.Interpreted += p.interpreted
		stats.BodyBytes += p.bodyBytes
		p.base = size
		size += len(p.text) // a multiple of 16
		texts[i] = p.text
	}
	stats.CodeBytes = size
	if size == 0 {
		t.record(stats, start)
		return nil, nil
	}
	loaded, err := sandbox.LoadCode(texts...)
	if err != nil {
		return nil, fmt.Errorf("jit: %w", err)
	}
	mod := &Module{tier: t, module: m, code: loaded, lo: loaded.Addr(), hi: loaded.Addr() + uintptr(size)}
	for i := range parts {
		for _, f := range parts[i].funcs {
			f.start += loaded.Addr() + uintptr(parts[i].base)
			f.end += loaded.Addr() + uintptr(parts[i].base)
			mod.funcs = append(mod.funcs, f)
		}
	}
	slices.SortFunc(mod.funcs, func(a, b compiledFunc) int { return cmp.Compare(a.start, b.start) })
	t.record(stats, start)
	return mod, nil
}

// Discard releases a batch that CompileWhole returned and that is not to
// be installed.
func (m *Module) Discard() error {
	if m == nil {
		return nil
	}
	return m.code.Close()
}

// part is what one compiling goroutine made: its functions' code, one after
// another, 16-byte aligned and padded to a multiple of 16 bytes, with
// offsets relative to its text.
type part struct {
	text        []byte
	funcs       []compiledFunc
	interpreted int
	bodyBytes   int
	base        int // the text's offset in the module's code
	err         error
}

// compile compiles the functions of indexes that it takes, by position,
// from next until none is left.
func (p *part) compile(b Backend, m *wasm.Module, indexes []int, next *atomic.Int64, pause func()) {
	c := NewCompiler(b)
	for {
		if pause != nil {
			pause()
		}
		k := int(next.Add(1) - 1)
		if k >= len(indexes) || p.err != nil {
			return
		}
		i := indexes[k]
		out, err := c.Compile(m, i)
		switch {
		case errors.Is(err, ErrUnsupported):
			p.interpreted++
			continue
		case err != nil:
			p.err = fmt.Errorf("jit: func %d: %w", m.NumImportedFuncs+uint32(i), err)
			return
		}
		start := uintptr(len(p.text))
		p.text = append(p.text, out.Code...)
		for len(p.text)%16 != 0 {
			p.text = append(p.text, 0xCC) // int3
		}
		osr := slices.Clone(out.OSR)
		slices.SortFunc(osr, func(a, b Site) int { return int(a.Offset) - int(b.Offset) })
		p.funcs = append(p.funcs, compiledFunc{
			start: start, end: start + uintptr(len(out.Code)),
			index: m.NumImportedFuncs + uint32(i), sites: slices.Clone(out.Sites), osr: osr,
		})
		p.bodyBytes += len(m.Code[i].Body)
	}
}

// OSREntry returns the address of the entry for on-stack replacement into
// the loop at module offset loop of the function whose machine code starts
// at entry, or 0 when there is none.
func (t *Tier) OSREntry(entry uintptr, loop uint32) uintptr {
	_, f, _ := t.lookup(entry)
	if f == nil || f.start != entry {
		return 0
	}
	k, found := slices.BinarySearchFunc(f.osr, loop, func(s Site, off uint32) int { return int(s.Offset) - int(off) })
	if !found {
		return 0
	}
	return f.start + uintptr(f.osr[k].PC)
}

// texts recycles the buffers that parts assemble into: they are megabytes,
// and a fresh one costs the zeroing of every page and the garbage
// collector's attention.
var texts sync.Pool

// getText returns an empty buffer with room for at least n bytes. A new one
// has the part that code usually fills prefaulted (code is about 2.4 times
// the size of the bodies, and n reserves 4 times).
func getText(n int) []byte {
	if b, ok := texts.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:0]
	}
	b := make([]byte, 0, n)
	sandbox.Prefault(b[: n*3/4 : n])
	return b
}

// putText gives a buffer from getText back once its contents are copied.
func putText(b []byte) { texts.Put(&b) }

func (t *Tier) record(s Stats, start time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats.Compiled += s.Compiled
	t.stats.Interpreted += s.Interpreted
	t.stats.BodyBytes += s.BodyBytes
	t.stats.CodeBytes += s.CodeBytes
	t.stats.Time += time.Since(start)
}

func (t *Tier) register(m *Module) {
	t.mu.Lock()
	defer t.mu.Unlock()
	mods := slices.Clone(*t.modules.Load())
	i, _ := slices.BinarySearchFunc(mods, m.lo, func(x *Module, lo uintptr) int { return cmp.Compare(x.lo, lo) })
	mods = slices.Insert(mods, i, m)
	t.modules.Store(&mods)
}

func (t *Tier) unregister(m *Module) {
	t.mu.Lock()
	defer t.mu.Unlock()
	mods := slices.DeleteFunc(slices.Clone(*t.modules.Load()), func(x *Module) bool { return x == m })
	t.modules.Store(&mods)
}

// lookup finds the compiled function containing pc and the site at pc.
func (t *Tier) lookup(pc uintptr) (*Module, *compiledFunc, *Site) {
	mods := *t.modules.Load()
	i, found := slices.BinarySearchFunc(mods, pc, func(m *Module, pc uintptr) int { return cmp.Compare(m.lo, pc) })
	if !found {
		i--
	}
	if i < 0 || pc >= mods[i].hi {
		return nil, nil, nil
	}
	m := mods[i]
	j, found := slices.BinarySearchFunc(m.funcs, pc, func(f compiledFunc, pc uintptr) int { return cmp.Compare(f.start, pc) })
	if !found {
		j--
	}
	if j < 0 || pc >= m.funcs[j].end {
		return nil, nil, nil
	}
	f := &m.funcs[j]
	off := uint32(pc - f.start)
	k, found := slices.BinarySearchFunc(f.sites, off, func(s Site, off uint32) int { return int(s.PC) - int(off) })
	if !found {
		return m, f, nil
	}
	return m, f, &f.sites[k]
}
