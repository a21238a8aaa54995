package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/store"
)

// Native is a tier of machine code that can also compile functions a batch
// at a time, after the module, and take over a frame that the interpreter
// is running at a loop header (on-stack replacement).
type Native interface {
	Tier
	// CompileFunctions compiles the module's defined functions indexes
	// that still run in the interpreter and switches their entries.
	CompileFunctions(code *store.ModuleCode, indexes []int) error
	// OSREntry returns the address at which machine code whose function
	// starts at entry takes over a frame at the loop at module offset loop,
	// or 0 if it cannot.
	OSREntry(entry uintptr, loop uint32) uintptr
	// InvokeOSR runs the rest of a call of f from the OSR entry target with
	// the interpreter's frame slots, writing f's results to results.
	InvokeOSR(c *Call, f *store.Function, target uintptr, slots, results []uint64) error
}

// Tiering configures how functions move from the interpreter to the native
// tier. The zero value turns tiering off: modules compile on the native
// tier, if any, all at once.
type Tiering struct {
	// Threshold is the work (see store.Counters) at which a function is
	// queued for compilation; 0 turns tiering off.
	Threshold int64
	// Workers bounds the goroutines that compile in the background; at
	// least one.
	Workers int
	// Eager queues every function of a module when the module is compiled.
	Eager bool
	// Sync compiles a function that turns hot on the goroutine of the call
	// that made it hot, before that call goes on, instead of in the
	// background: where tiers change becomes reproducible, for tests and
	// measurements.
	Sync bool
	// InlineBytes is the largest body that compiles on the spot, as with
	// Sync, when it turns hot alone: no other compile queued or running,
	// and at least as long since the last compile on the spot ended as
	// that compile took, so that such compiles take at most about half of
	// a guest's time. Such a compile
	// takes about as long as waking a background worker does on an idle
	// machine (0.1 ms), and far less than waiting for a processor on a
	// busy one (a scheduler tick, 4 ms). Functions that turn hot in a
	// burst, as hundreds do while a Go program starts, batch in the
	// background instead of stalling the guest one by one.
	InlineBytes int
	// OSR lets a frame running in the interpreter continue in machine code
	// at a loop header once its function is compiled.
	OSR bool
	// ForceOSR is for testing on-stack replacement: modules compile to
	// machine code at once, as without tiering, but every call of a
	// WebAssembly function from Go or from the interpreter starts in the
	// interpreter, which moves the frame to machine code at the first back
	// edge of a loop. It implies OSR.
	ForceOSR bool
}

// Retirer is a tier that keeps its own path to functions that another tier
// took over, such as the interpreter's direct calls within a module, and
// must be told to give them up.
type Retirer interface {
	// Retire drops the tier's fast path to the module's defined functions
	// indexes whose entries no longer select the tier.
	Retire(code *store.ModuleCode, indexes []int)
}

// maxBatch bounds the functions one background compilation takes.
const maxBatch = 256

// TierUp is a function's move to machine code.
type TierUp struct {
	Code *store.ModuleCode
	// Index is the function's index among the module's defined functions.
	Index int
	// Hot is when it was queued; Wait how long it waited for a compiler,
	// Compile how long its batch took to compile.
	Hot           time.Time
	Wait, Compile time.Duration
	// Err is why the compilation failed, if it did.
	Err error
}

// TieringStats sums what tiering did.
type TieringStats struct {
	// Queued counts the functions queued, Compiled those whose batch
	// compiled, Failed those whose batch failed, Inline those compiled on
	// the goroutine that made them hot.
	Queued, Compiled, Failed, Inline int
	// OSR counts the frames that moved to machine code at a loop header.
	OSR int64
	// TierUps lists the functions compiled or failed, in order, up to
	// MaxTierUpRecords of them.
	TierUps []TierUp
}

// MaxTierUpRecords bounds TieringStats.TierUps.
const MaxTierUpRecords = 100000

// request is a function queued for compilation.
type request struct {
	code  *store.ModuleCode
	index int
	hot   time.Time
}

// tierer compiles hot functions in the background.
type tierer struct {
	native  Native
	retire  Retirer // nil if the interpreter needs no telling
	workers int
	mu      sync.Mutex
	cond    sync.Cond // signalled when running or jobs drop, for close and pause
	queue   []request
	running int
	// jobs counts the background jobs not finished (see Engine.Background).
	jobs   int
	closed bool
	// inlineEnd is when the last compile on the spot ended, inlineTook
	// how long it took.
	inlineEnd  time.Time
	inlineTook time.Duration

	stats TieringStats
	osr   atomic.Int64
}

func newTierer(native Native, retire Retirer, workers int) *tierer {
	t := &tierer{native: native, retire: retire, workers: max(workers, 1)}
	t.cond.L = &t.mu
	return t
}

// enqueue queues the functions indexes of code, starting a worker if fewer
// than the limit run.
func (t *tierer) enqueue(code *store.ModuleCode, indexes ...int) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	for _, i := range indexes {
		t.queue = append(t.queue, request{code: code, index: i, hot: now})
	}
	t.stats.Queued += len(indexes)
	for t.running < t.workers && t.running < len(t.queue) {
		t.running++
		go t.work()
	}
}

// work compiles batches until the queue is empty.
func (t *tierer) work() {
	for {
		t.mu.Lock()
		batch := t.take()
		if batch == nil {
			t.running--
			t.cond.Broadcast()
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		t.compile(batch)
	}
}

// hot compiles function index of code, which turned hot: on the calling
// goroutine if sync is set or the function is small and turned hot alone
// (see Tiering.InlineBytes), else in the background.
func (t *tierer) hot(code *store.ModuleCode, index int, sync bool, inlineBytes int) {
	now := time.Now()
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	alone := len(t.queue) == 0 && t.running == 0 && now.Sub(t.inlineEnd) >= t.inlineTook
	if !sync && (!alone || len(code.Module.Code[index].Body) > inlineBytes) {
		t.mu.Unlock()
		t.enqueue(code, index)
		return
	}
	t.stats.Queued++
	t.stats.Inline++
	t.running++
	t.mu.Unlock()
	t.compile([]request{{code: code, index: index, hot: now}})
	end := time.Now()
	t.mu.Lock()
	t.inlineEnd, t.inlineTook = end, end.Sub(now)
	t.running--
	t.cond.Broadcast()
	t.mu.Unlock()
}

// compile compiles a batch of one module's functions and records it.
func (t *tierer) compile(batch []request) {
	start := time.Now()
	indexes := make([]int, len(batch))
	for i, r := range batch {
		indexes[i] = r.index
	}
	err := t.native.CompileFunctions(batch[0].code, indexes)
	if err == nil && t.retire != nil {
		t.retire.Retire(batch[0].code, indexes)
	}
	took := time.Since(start)
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range batch {
		if err != nil {
			t.stats.Failed++
		} else {
			t.stats.Compiled++
		}
		if len(t.stats.TierUps) < MaxTierUpRecords {
			t.stats.TierUps = append(t.stats.TierUps, TierUp{
				Code: r.code, Index: r.index, Hot: r.hot, Wait: start.Sub(r.hot), Compile: took, Err: err,
			})
		}
	}
}

// take removes the next batch from the queue: the oldest request and the
// others of its module, up to maxBatch. It returns nil when the queue is
// empty. t.mu is held.
func (t *tierer) take() []request {
	if len(t.queue) == 0 {
		return nil
	}
	code := t.queue[0].code
	var batch []request
	rest := t.queue[:0]
	for _, r := range t.queue {
		if r.code == code && len(batch) < maxBatch {
			batch = append(batch, r)
		} else {
			rest = append(rest, r)
		}
	}
	clear(t.queue[len(rest):])
	t.queue = rest
	return batch
}

// close drops what is queued and waits for the batches being compiled
// and for the background jobs.
func (t *tierer) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	clear(t.queue)
	t.queue = nil
	t.cond.Broadcast() // paused jobs may go on
	for t.running > 0 || t.jobs > 0 {
		t.cond.Wait()
	}
}

// background runs job on a goroutine of its own, unless t is closed.
func (t *tierer) background(job func(pause func())) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.jobs++
	go func() {
		defer func() {
			t.mu.Lock()
			t.jobs--
			t.cond.Broadcast()
			t.mu.Unlock()
		}()
		job(t.pause)
	}()
	return true
}

// pause waits until no hot function waits for a compiler or is being
// compiled.
func (t *tierer) pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.queue) > 0 || t.running > 0 {
		t.cond.Wait()
	}
}

// snapshot returns a copy of the statistics.
func (t *tierer) snapshot() TieringStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.TierUps = append([]TierUp(nil), t.stats.TierUps...)
	s.OSR = t.osr.Load()
	return s
}

// Credit adds work to the counters of defined function index of code and
// queues the function for compilation when the work reaches the threshold.
// loop says that the work was a loop of the function that is running, at
// its back edge: only then may a small function compile on the spot (see
// Tiering.InlineBytes), since the running call moves to its code at once
// by OSR; a call that turns its callee hot goes on in the interpreter
// while the callee compiles in the background, which costs that call
// nothing when the call is short. Tiers call Credit only when Counting
// reports true.
func (c *Call) Credit(code *store.ModuleCode, index int, work int64, loop bool) {
	e := c.engine
	ctr := &code.Counters[index]
	if ctr.Work.Add(work) < e.cfg.Tiering.Threshold || e.tierer == nil || e.cfg.Tiering.ForceOSR ||
		!ctr.Hot.CompareAndSwap(false, true) {
		return
	}
	inline := 0
	if loop && c.CanOSR() {
		inline = e.cfg.Tiering.InlineBytes
	}
	e.tierer.hot(code, index, e.cfg.Tiering.Sync, inline)
}

// CanOSR reports whether OSR may move frames to machine code.
func (c *Call) CanOSR() bool {
	t := &c.engine.cfg.Tiering
	return c.engine.tierer != nil && (t.OSR || t.ForceOSR)
}

// OSR moves the frame of f that the interpreter runs, at the loop at
// module offset loop, to f's machine code, if f has some with an entry
// there: it runs the rest of the call there, with the frame's slots, and
// writes f's results to results. It reports whether it did.
func (c *Call) OSR(f *store.Function, loop uint32, slots, results []uint64) (bool, error) {
	e := c.engine
	if !c.CanOSR() {
		return false, nil
	}
	entry := atomic.LoadUintptr(f.Entry)
	if entry == e.interpEntry {
		return false, nil
	}
	target := e.native.OSREntry(entry, loop)
	if target == 0 {
		return false, nil
	}
	e.tierer.osr.Add(1)
	return true, e.native.InvokeOSR(c, f, target, slots, results)
}
