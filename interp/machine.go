package interp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// pollPeriod is how many loop iterations and calls run between two polls
// for interruption. A poll also credits the tiering counters, which are thus
// sampled: each poll adds pollPeriod to the counter of the event and
// function that triggered it.
const pollPeriod = 1024

// frame is a suspended caller.
type frame struct {
	fn   *function
	inst *store.Instance
	pc   int // the instruction after the call
	fp   int
}

// machine is the state of one call into the interpreter: the value stack
// shared by all its frames, and the suspended frames.
type machine struct {
	ctx context.Context
	// hostCtx is what host functions receive: ctx marked with the engine's
	// nesting depth, made at the first host call (see hostContext).
	hostCtx context.Context
	nesting int
	engine  *Engine
	stack   []uint64
	frames  []frame
	budget  int
	stop    func() bool
	// gen numbers the machine's calls. Interruption stores the generation of
	// the call it interrupts, because context.AfterFunc may run after the
	// call has ended and the pooled machine serves another.
	gen         uint64
	interrupted atomic.Uint64
	lastSample  time.Time
	samples     []store.Frame // reused sample buffer

	// The state of run's current call: function, instance and its code,
	// frame position, memory, and the frames pushed (depth, bounded by
	// maxFrames). enter sets called to the callee, or nil after a host
	// call, and pc to where to resume.
	fn        *function
	inst      *store.Instance
	mcode     *Code
	fp        int
	mem       []byte
	depth     int
	maxFrames int
	called    *function
	pc        int
}

var machines = sync.Pool{New: func() any {
	return &machine{stack: make([]uint64, 1<<14), frames: make([]frame, 0, 64)}
}}

func (e *Engine) newMachine(ctx context.Context) *machine {
	m := machines.Get().(*machine)
	m.ctx, m.engine, m.budget = ctx, e, pollPeriod
	m.gen++
	if ctx.Done() != nil {
		gen := m.gen
		m.stop = context.AfterFunc(ctx, func() { m.interrupted.Store(gen) })
	}
	return m
}

func (m *machine) release() {
	if m.stop != nil {
		m.stop()
		m.stop = nil
	}
	m.ctx, m.hostCtx, m.engine = nil, nil, nil
	m.frames = m.frames[:0]
	m.fn, m.inst, m.mcode, m.mem, m.called = nil, nil, nil, nil, nil
	machines.Put(m)
}

func (m *machine) maxDepth() int {
	if m.engine.MaxCallDepth > 0 {
		return m.engine.MaxCallDepth
	}
	return DefaultMaxCallDepth
}

func (m *machine) maxCells() int {
	if m.engine.MaxStackCells > 0 {
		return m.engine.MaxStackCells
	}
	return DefaultMaxStackCells
}

// ensure makes the stack at least n cells long, or reports false if that
// exceeds the limit. Callers ask for one cell more than a frame needs, so
// that a pointer to the frame's first slot is always inside the stack.
func (m *machine) ensure(n int) bool {
	if n <= len(m.stack) {
		return true
	}
	if n > m.maxCells() {
		return false
	}
	size := 2 * len(m.stack)
	for size < n {
		size *= 2
	}
	if size > m.maxCells() {
		size = m.maxCells()
	}
	s := make([]uint64, size)
	copy(s, m.stack)
	m.stack = s
	return true
}

func cells(ts []wasm.ValueType) int {
	n := 0
	for _, t := range ts {
		n += t.Slots()
	}
	return n
}

func (m *machine) call(f *store.Function, args []uint64) ([]uint64, error) {
	if err := m.ctx.Err(); err != nil {
		return nil, &store.Trap{Kind: store.TrapInterrupted, Cause: err}
	}
	nres := cells(f.Type.Results)
	n := max(len(args), nres)
	if f.Host != nil {
		s := make([]uint64, n)
		copy(s, args)
		if err := f.Host(m.hostContext(), nil, s); err != nil {
			return nil, err
		}
		return s[:nres], nil
	}
	fn, err := functionOf(f)
	if err != nil {
		return nil, err
	}
	if !m.ensure(int(fn.frame) + n + 1) {
		return nil, &store.Trap{Kind: store.TrapStackExhausted}
	}
	copy(m.stack, args)
	// The code keeps i32 and f32 cells zero-extended and relies on it (and,
	// or, xor and copies pass the upper half through): normalize what the
	// host passed.
	c := 0
	for _, t := range f.Type.Params {
		if t == wasm.I32 || t == wasm.F32 {
			m.stack[c] &= 0xFFFFFFFF
		}
		c += t.Slots()
	}
	clear(m.stack[fn.params:fn.locals])
	if err := m.run(fn, f.Instance); err != nil {
		return nil, err
	}
	return append([]uint64(nil), m.stack[:nres]...), nil
}

// hostContext returns the context for host functions, making it on first
// use: most calls never reach the host.
func (m *machine) hostContext() context.Context {
	if m.hostCtx == nil {
		m.hostCtx = context.WithValue(m.ctx, nestingKey{}, m.nesting+1)
	}
	return m.hostCtx
}

// functionOf returns the lowered code of a wasm function, lowering it on
// first use.
func functionOf(f *store.Function) (*function, error) {
	code, ok := f.Instance.Code.(*Code)
	if !ok {
		return nil, fmt.Errorf("interp: instance %q has no interpreter code", f.Instance.Name)
	}
	return code.function(int(f.Index - code.module.NumImportedFuncs))
}

// function returns defined function i, lowering it if needed. Two callers
// may race to lower the same function; both results are equivalent and the
// first published wins.
func (c *Code) function(i int) (*function, error) {
	if fn := c.funcs[i].Load(); fn != nil {
		return fn, nil
	}
	fn, err := lower(c.module, i)
	if err != nil {
		return nil, err
	}
	c.funcs[i].CompareAndSwap(nil, fn)
	return c.funcs[i].Load(), nil
}

// poll is called every pollPeriod loop iterations and calls: it credits the
// counters, takes a profile sample when one is due, and reports whether the
// call was interrupted. pc is the position in fn.
func (m *machine) poll(pc int, backEdge bool) bool {
	m.budget = pollPeriod
	inst, fn := m.inst, m.fn
	if m.engine.Sample != nil {
		m.sample(inst, fn, pc)
	}
	if m.engine.Count {
		if code, ok := inst.Code.(*Code); ok {
			c := &code.counters[fn.index-code.module.NumImportedFuncs]
			if backEdge {
				c.BackEdges.Add(pollPeriod)
			} else {
				c.Calls.Add(pollPeriod)
			}
		}
	}
	return m.interrupted.Load() == m.gen
}

func (m *machine) sample(inst *store.Instance, fn *function, pc int) {
	interval := m.engine.SampleInterval
	if interval <= 0 {
		interval = DefaultSampleInterval
	}
	now := time.Now()
	if now.Sub(m.lastSample) < interval {
		return
	}
	m.lastSample = now
	m.samples = m.stackTrace(m.samples[:0], fn, inst, pc)
	m.engine.Sample(m.samples)
}

// stackTrace appends the wasm frames of the current call, innermost first.
func (m *machine) stackTrace(frames []store.Frame, fn *function, inst *store.Instance, pc int) []store.Frame {
	frames = append(frames, frameOf(fn, inst, pc))
	for i := len(m.frames) - 1; i >= 0; i-- {
		f := m.frames[i]
		frames = append(frames, frameOf(f.fn, f.inst, f.pc))
	}
	return frames
}

// trap builds a trap with the stack trace of the current frames.
func (m *machine) trap(kind store.TrapKind, fn *function, inst *store.Instance, pc int) *store.Trap {
	t := &store.Trap{Kind: kind}
	if kind == store.TrapInterrupted {
		t.Cause = m.ctx.Err()
	}
	m.setFrames(t, nil, fn, inst, pc)
	return t
}

// hostTrap gives a trap that host function f returned without frames (an
// interrupted host call) the stack trace of the call: f, then the wasm
// frames. Other errors pass unchanged.
func (m *machine) hostTrap(err error, f *store.Function, pc int) error {
	t, ok := err.(*store.Trap)
	if !ok || len(t.Frames) > 0 {
		return err
	}
	c := *t
	m.setFrames(&c, f, m.fn, m.inst, pc)
	return &c
}

// setFrames records the current frames in t, innermost first: host's if
// it is not nil, then fn's at pc, then the suspended frames.
func (m *machine) setFrames(t *store.Trap, host *store.Function, fn *function, inst *store.Instance, pc int) {
	top := 0
	if host != nil {
		top = 1
	}
	t.SetFrames(top+len(m.frames)+1, func(i int) store.Frame {
		switch i -= top; {
		case i < 0:
			return store.Frame{Instance: host.Module, Name: host.Name, Offset: -1}
		case i == 0:
			return frameOf(fn, inst, pc)
		}
		f := &m.frames[len(m.frames)-i]
		return frameOf(f.fn, f.inst, f.pc)
	})
}

func frameOf(fn *function, inst *store.Instance, pc int) store.Frame {
	f := store.Frame{Instance: inst.Name, Func: fn.index, Name: inst.Module.FuncName(fn.index), Offset: -1}
	if pc > 0 && pc <= len(fn.offsets) {
		f.Offset = int(fn.offsets[pc-1])
	}
	return f
}
