package terra

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
)

// runtimeLife is what Runtime.Close releases and Runtime.Stats counts.
// Its fields but the atomic ones are guarded by Runtime.mu.
type runtimeLife struct {
	closed atomic.Bool // set under Runtime.mu
	// instances lists the open instances, through Instance.prev and next.
	instances *Instance
	count     int
	modules   map[*CompiledModule]struct{}
	// memories counts the memory reservations the runtime's instances
	// hold; maxMemories bounds it (0: no bound but the process's).
	memories    atomic.Int64
	maxMemories int64
}

// Close closes every instance of the runtime and every module it compiled,
// releasing their memory reservations (back to the process's pool, for
// other runtimes) and code. It must not race with calls into the
// runtime's instances. Afterwards Compile, Instantiate and calls through
// Functions fail with ErrRuntimeClosed or ErrClosed. It waits for the
// compilations in the background: the hot functions' batches being
// compiled (those queued are dropped) and, with Config.CacheDir on
// TierTiered, the whole modules being compiled for the cache, which it
// lets finish so that their entries are stored. Closing twice does
// nothing.
func (r *Runtime) Close() error {
	if r == nil || r.store == nil {
		return nil
	}
	r.mu.Lock()
	if r.life.closed.Swap(true) {
		r.mu.Unlock()
		return nil
	}
	var insts []*Instance
	for i := r.life.instances; i != nil; i = i.next {
		insts = append(insts, i)
	}
	mods := make([]*CompiledModule, 0, len(r.life.modules))
	for cm := range r.life.modules {
		mods = append(mods, cm)
	}
	r.mu.Unlock()
	// No compilation may install code into modules being closed, nor run
	// on after the runtime.
	r.engine.Close()
	var errs []error
	for _, i := range insts {
		errs = append(errs, i.Close())
	}
	for _, cm := range mods {
		errs = append(errs, cm.Close())
	}
	return errors.Join(errs...)
}

// check returns an error wrapping ErrNil or ErrRuntimeClosed if r cannot
// be used, or ctx is nil.
func (r *Runtime) check(ctx context.Context) error {
	switch {
	case r == nil || r.store == nil:
		return fmt.Errorf("Runtime not made by NewRuntime: %w", ErrNil)
	case ctx == nil:
		return fmt.Errorf("nil Context: %w", ErrNil)
	}
	if r.life.closed.Load() {
		return ErrRuntimeClosed
	}
	return nil
}

// track records a new instance as open, or closes it if the runtime was
// closed meanwhile.
func (r *Runtime) track(i *Instance) error {
	r.mu.Lock()
	if r.life.closed.Load() {
		r.mu.Unlock()
		i.Close()
		return ErrRuntimeClosed
	}
	i.next = r.life.instances
	if i.next != nil {
		i.next.prev = i
	}
	r.life.instances = i
	r.life.count++
	r.mu.Unlock()
	return nil
}

// untrack removes a closing instance from the open ones.
func (r *Runtime) untrack(i *Instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i.prev == nil && r.life.instances != i {
		return // never tracked: its instantiation failed
	}
	if i.prev != nil {
		i.prev.next = i.next
	} else {
		r.life.instances = i.next
	}
	if i.next != nil {
		i.next.prev = i.prev
	}
	i.prev, i.next = nil, nil
	r.life.count--
}

// addModule records a compiled module, for Close; it fails if the runtime
// is closed.
func (r *Runtime) addModule(cm *CompiledModule) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.life.closed.Load() {
		return ErrRuntimeClosed
	}
	if r.life.modules == nil {
		r.life.modules = make(map[*CompiledModule]struct{})
	}
	r.life.modules[cm] = struct{}{}
	return nil
}

// moduleState packs a compiled module's life in one word, so that
// instantiation takes and returns its hold without a lock: the count of
// its instances that are open or being made, and a bit set by Close.
type moduleState struct{ v atomic.Int64 }

const moduleClosed = 1 << 62

// acquire takes a hold on the module for an instance, unless it is closed.
func (s *moduleState) acquire() bool {
	for {
		v := s.v.Load()
		if v&moduleClosed != 0 {
			return false
		}
		if s.v.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// release returns a hold, and reports whether it was the last of a closed
// module.
func (s *moduleState) release() bool { return s.v.Add(-1) == moduleClosed }

// close marks the module closed, and reports whether no hold remains (and
// it was not closed before).
func (s *moduleState) close() bool {
	v := s.v.Or(moduleClosed)
	return v == 0
}

// Close closes the module: Instantiate refuses it from now on (with
// ErrModuleClosed), and what it owns is released once its open instances
// are closed, at once if there are none: its code, the storage kept for
// its instances, its data image and the idle memory reservations that hold
// it. Instances stay usable until their own Close (or Runtime.Close).
// Closing twice does nothing.
func (c *CompiledModule) Close() error {
	if c == nil || c.rt == nil {
		return nil
	}
	if c.state.close() {
		return c.free()
	}
	return nil
}

// instanceClosed returns an instance's hold on the module, freeing the
// module if it was the last one of a closed module.
func (c *CompiledModule) instanceClosed() {
	if c.state.release() {
		c.free()
	}
}

// free releases what the module owns; it runs once, when the module is
// closed and has no instance.
func (c *CompiledModule) free() error {
	r := c.rt
	r.mu.Lock()
	delete(r.life.modules, c)
	r.mu.Unlock()
	var errs []error
	if a, ok := c.memory.(*countingAllocator); ok {
		errs = append(errs, a.pooled.Close())
	}
	if c.code != nil {
		errs = append(errs, c.code.Close())
	}
	c.recycler.Drain()
	c.code, c.memory = nil, nil
	return errors.Join(errs...)
}

// RuntimeStats describes what a runtime holds, and the process's budget of
// memory reservations, which every runtime shares.
type RuntimeStats struct {
	// Instances counts the runtime's open instances, host modules
	// included.
	Instances int
	// Modules counts the WebAssembly modules the runtime compiled that are
	// not yet closed and freed (host modules hold nothing to free).
	Modules int
	// Memories counts the memory reservations the runtime's instances
	// hold, and MaxMemories is the runtime's bound on them
	// (Config.MaxMemories; 0 for none). Instances closed while others
	// import their memory keep it until those close too.
	Memories, MaxMemories int
	// Reservations is the process's pool of reservations, shared by every
	// runtime: in use, idle (kept for reuse), and the limit (see
	// SetReservationLimit). Free = Limit - InUse can still be handed out.
	// All zero on platforms whose memories are not reserved (see
	// sandbox.Guarded).
	Reservations sandbox.PoolStats
	// JIT sums what the runtime's JIT compiled; zero without one.
	JIT JITStats
	// Tiering says what TierTiered did; zero for other tiers.
	Tiering TieringStats
	// Cache counts what the compiled-code cache did; zero without one.
	Cache CacheStats
}

// TieringStats says what TierTiered did.
type TieringStats struct {
	// Queued counts the functions that turned hot (every function, with
	// Tiering.Eager), Compiled those whose code is ready, Failed those
	// whose compilation failed (they stay interpreted).
	Queued, Compiled, Failed int
	// Inline counts the compiled functions that compiled on the goroutine
	// of the call that made them hot, because they were small and no
	// other compile was pending: a background worker's wake-up would have
	// taken as long.
	Inline int
	// OSR counts the calls that moved from the interpreter to machine
	// code at a loop header.
	OSR int64
	// TierUps lists the functions compiled (or failed), in order, up to
	// 100,000 of them.
	TierUps []TierUp
}

// TierUp is a function's move from the interpreter to machine code.
type TierUp struct {
	// Module is the module's name from its name section, if any; Func and
	// Name the function's index and name.
	Module string
	Func   uint32
	Name   string
	// Hot is when the function turned hot, Wait how long it then waited
	// for a compiler, Compile how long its batch took to compile.
	Hot           time.Time
	Wait, Compile time.Duration
	// Err is why the compilation failed, if it did.
	Err error
}

// JITStats sums what a JIT tier compiled.
type JITStats struct {
	// Compiled counts the functions compiled to machine code, Interpreted
	// those left on the interpreter (they use SIMD).
	Compiled, Interpreted int
	// BodyBytes is the size of the compiled functions' WebAssembly bodies;
	// CodeBytes of the machine code made of them.
	BodyBytes, CodeBytes int
	// Time is the time spent compiling, summed over modules.
	Time time.Duration
}

// Stats returns the runtime's current numbers.
func (r *Runtime) Stats() RuntimeStats {
	if r == nil || r.store == nil {
		return RuntimeStats{}
	}
	r.mu.Lock()
	s := RuntimeStats{Instances: r.life.count, Modules: len(r.life.modules)}
	r.mu.Unlock()
	s.Memories, s.MaxMemories = int(r.life.memories.Load()), int(r.life.maxMemories)
	if sandbox.Guarded {
		s.Reservations = sandbox.Shared().Stats()
	}
	if r.native != nil {
		j := r.native.Stats()
		s.JIT = JITStats{Compiled: j.Compiled, Interpreted: j.Interpreted, BodyBytes: j.BodyBytes, CodeBytes: j.CodeBytes, Time: j.Time}
	}
	t := r.engine.TieringStats()
	s.Tiering = TieringStats{Queued: t.Queued, Compiled: t.Compiled, Failed: t.Failed, Inline: t.Inline, OSR: t.OSR}
	for _, u := range t.TierUps {
		m := u.Code.Module
		fn := m.NumImportedFuncs + uint32(u.Index)
		s.Tiering.TierUps = append(s.Tiering.TierUps, TierUp{
			Module: m.Names.Module, Func: fn, Name: m.FuncName(fn),
			Hot: u.Hot, Wait: u.Wait, Compile: u.Compile, Err: u.Err,
		})
	}
	s.Cache = r.cache.Stats()
	return s
}

// SetReservationLimit sets the process's budget of memory reservations,
// which every Runtime shares (sandbox.DefaultReservations, 1,024, unless
// set; 0 restores it). Each reservation is 8 GiB of address space. Below
// the reservations in use, new memories fail with ErrAddressSpace until
// enough are released. Config.MaxMemories bounds one runtime's share.
func SetReservationLimit(n int) {
	if sandbox.Guarded {
		sandbox.Shared().SetLimit(n)
	}
}

// reserveMemory counts a memory against the runtime's bound.
func (l *runtimeLife) reserveMemory() error {
	n := l.memories.Add(1)
	if l.maxMemories > 0 && n > l.maxMemories {
		l.memories.Add(-1)
		return fmt.Errorf("%w: the runtime's %d memories (Config.MaxMemories) are in use", ErrAddressSpace, l.maxMemories)
	}
	return nil
}

// countingAllocator allocates pooled memories counted against a
// runtime's bound.
type countingAllocator struct {
	pooled *engine.PooledMemory
	life   *runtimeLife
}

func (l *runtimeLife) counted(a *engine.PooledMemory) *countingAllocator {
	return &countingAllocator{pooled: a, life: l}
}

// AllocateMemory implements store.MemoryAllocator.
func (a *countingAllocator) AllocateMemory(min, max uint32, image bool) (store.MemoryBacking, error) {
	if err := a.life.reserveMemory(); err != nil {
		return nil, err
	}
	m, err := a.pooled.AllocateMemory(min, max, image)
	if err != nil {
		a.life.memories.Add(-1)
		return nil, err
	}
	return &countedMemory{MemoryBacking: m, life: a.life}, nil
}

// countedMemory is a memory counted against its runtime's bound until it
// is released.
type countedMemory struct {
	store.MemoryBacking
	life *runtimeLife
}

func (m *countedMemory) Release() {
	m.MemoryBacking.Release()
	m.life.memories.Add(-1)
}
