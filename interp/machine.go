package interp

import (
	"fmt"
	"sync"

	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

func cells(ts []wasm.ValueType) int {
	n := 0
	for _, t := range ts {
		n += t.Slots()
	}
	return n
}

// pollPeriod is how much work runs between two polls for interruption: a
// loop iteration counts the loop's size in instructions, a call the
// callee's size. A poll also credits the tiering counters, which are thus
// sampled: each adds the work since the last poll to the function that was
// running (or being called) when the budget ran out, as V8's interpreter
// charges its tiering budget.
const pollPeriod = 8192

// callOutWork is the work a call from another tier into the interpreter
// counts beyond the callee's size: such calls cost an exit from machine
// code, so their callees should follow their callers there soon.
const callOutWork = 1000

// frame is a suspended caller.
type frame struct {
	fn   *function
	inst *store.Instance
	pc   int // the instruction after the call
	fp   int
}

// machine is the interpreter's state in one call (an engine.Call): the value
// stack shared by all its frames, and the suspended frames.
type machine struct {
	call   *engine.Call
	tier   *Tier
	stack  []uint64
	frames []frame
	budget int
	runs   []*run // the invokes in progress, innermost last
	state
}

// state is the state of the current run's current call: function, instance
// and its code, frame position, memory, and the frames pushed (depth,
// bounded by maxFrames). enter sets called to the callee, or nil after a
// host call, and pc to where to resume.
type state struct {
	fn        *function
	inst      *store.Instance
	mcode     *LoweredModule
	fp        int
	mem       []byte
	depth     int
	maxFrames int
	called    *function
	pc        int
	// interpEntry is the entry word of interpreted functions: a callee
	// with another runs on another tier.
	interpEntry uintptr
	// results receives the results of an on-stack replacement.
	results []uint64
	// backErr is what run returns after backEdgeAt left the loop.
	backErr error
	// period is the budget a poll restores: pollPeriod, or 1 to force
	// on-stack replacement, with forceOSR set.
	period   int
	forceOSR bool
}

var machines = sync.Pool{New: func() any {
	return &machine{stack: make([]uint64, 1<<14), frames: make([]frame, 0, 64)}
}}

func (t *Tier) newMachine(c *engine.Call) *machine {
	m := machines.Get().(*machine)
	m.call, m.tier, m.period = c, t, pollPeriod
	// Forcing on-stack replacement: calls start here even for compiled
	// functions, and every back edge polls, to move to machine code.
	m.forceOSR = c.Engine().Config().Tiering.ForceOSR
	if m.forceOSR {
		m.period = 1
	}
	m.budget = m.period
	return m
}

// Release implements engine.State: the machine goes back to the pool.
func (m *machine) Release() {
	m.call, m.tier = nil, nil
	m.frames = m.frames[:0]
	m.state = state{}
	machines.Put(m)
}

func (m *machine) maxDepth() int {
	if m.tier.MaxCallDepth > 0 {
		return m.tier.MaxCallDepth
	}
	return DefaultMaxCallDepth
}

func (m *machine) maxCells() int {
	if m.tier.MaxStackCells > 0 {
		return m.tier.MaxStackCells
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

// invoke runs f, a function of a module the interpreter compiled, with its
// arguments in stack, and writes its results there. It may run while an
// outer run of the machine is suspended in a call to another tier: the new
// run's frame starts after the outer one's, and its frames are counted
// against what the outer run left of the depth limit.
func (m *machine) invoke(f *store.Function, stack []uint64) error {
	fn, err := functionOf(f)
	if err != nil {
		return err
	}
	saved := m.state
	base, maxFrames := 0, m.maxDepth()
	if saved.fn != nil {
		base = saved.fp + int(saved.fn.frame)
		maxFrames = saved.maxFrames - saved.depth
		if maxFrames <= 0 {
			return m.call.Trap(store.TrapStackExhausted, m.stackTrace(nil, saved.fn, saved.inst, saved.pc))
		}
	}
	if !m.ensure(base + int(fn.frame) + len(stack) + 1) {
		return m.call.Trap(store.TrapStackExhausted, nil)
	}
	if m.call.Counting() {
		m.call.Credit(f.Instance.Code, int(f.Index-f.Instance.Module.NumImportedFuncs), int64(len(fn.code)+callOutWork), false)
	}
	copy(m.stack[base:], stack)
	clear(m.stack[base+int(fn.params) : base+int(fn.locals)])
	r := m.pushRun()
	m.call.Push(r)
	m.interpEntry = f.Instance.Code.InterpEntry
	m.maxFrames = maxFrames
	err = m.run(fn, f.Instance, base)
	m.call.Pop()
	m.popRun()
	if err == nil {
		copy(stack, m.stack[base:base+int(fn.results)])
	}
	m.state = saved
	return err
}

// run is one invoke of the machine, an engine.Segment: its frames are
// m.frames[base:], and while it is suspended in a call to another tier,
// at pc of fn in inst, with frames up to end.
type run struct {
	m         *machine
	base, end int
	fn        *function
	inst      *store.Instance
	pc        int
}

func (m *machine) pushRun() *run {
	// Runs popped earlier stay in the slice's spare capacity for reuse.
	if n := len(m.runs); n < cap(m.runs) && m.runs[:n+1][n] != nil {
		m.runs = m.runs[:n+1]
	} else {
		m.runs = append(m.runs, &run{m: m})
	}
	r := m.runs[len(m.runs)-1]
	r.base, r.fn, r.inst = len(m.frames), nil, nil
	return r
}

func (m *machine) popRun() { m.runs = m.runs[:len(m.runs)-1] }

// suspend records where the current run is when it calls another tier.
func (m *machine) suspend(pc int) {
	r := m.runs[len(m.runs)-1]
	r.fn, r.inst, r.pc, r.end = m.fn, m.inst, pc, len(m.frames)
}

// suspendCaller records where the current run is when another tier takes
// over its current frame: at its caller, so that stack traces show the
// frame once, as the other tier's.
func (m *machine) suspendCaller() {
	r := m.runs[len(m.runs)-1]
	r.fn = nil
	if n := len(m.frames); n > r.base {
		f := m.frames[n-1]
		r.fn, r.inst, r.pc, r.end = f.fn, f.inst, f.pc, n-1
	}
}

// AppendFrames implements engine.Segment.
func (r *run) AppendFrames(frames []store.Frame) []store.Frame {
	if r.fn == nil {
		return frames
	}
	frames = append(frames, frameOf(r.fn, r.inst, r.pc))
	for i := r.end - 1; i >= r.base; i-- {
		f := r.m.frames[i]
		frames = append(frames, frameOf(f.fn, f.inst, f.pc))
	}
	return frames
}

// functionOf returns the lowered code of a wasm function, lowering it on
// first use.
func functionOf(f *store.Function) (*function, error) {
	code := codeOf(f.Instance)
	if code == nil {
		return nil, fmt.Errorf("interp: instance %q has no interpreter code", f.Instance.Name)
	}
	return code.function(int(f.Index - code.module.NumImportedFuncs))
}

// function returns defined function i, lowering it if needed. Two callers
// may race to lower the same function; both results are equivalent and the
// first published wins. The tiered engine may retire the function (store
// nil) at any moment, so the result never comes from a second load, and a
// function that machine code runs now is not published again, which would
// bring direct calls back to the interpreter.
func (c *LoweredModule) function(i int) (*function, error) {
	if fn := c.funcs[i].Load(); fn != nil {
		return fn, nil
	}
	fn, err := lower(c.module, i)
	if err != nil {
		return nil, err
	}
	if !c.code.Interpreted(uint32(i)) {
		return fn, nil
	}
	if !c.funcs[i].CompareAndSwap(nil, fn) {
		if won := c.funcs[i].Load(); won != nil {
			return won, nil
		}
		return fn, nil
	}
	// The entry may have switched, and Retire run, between the check and
	// the publication: take it back then.
	if !c.code.Interpreted(uint32(i)) {
		c.funcs[i].CompareAndSwap(fn, nil)
	}
	return fn, nil
}

// poll is called when the budget runs out, about every pollPeriod of work:
// it credits the work to function index (in the function index space) of
// inst, takes a profile sample when one is due, and reports whether the
// call was interrupted. pc is the position in the current function; loop
// says that the poll is at a back edge of the current function's loop.
func (m *machine) poll(pc int, inst *store.Instance, index uint32, loop bool) bool {
	work := int64(m.period - m.budget)
	m.budget = m.period
	c := m.call
	if c.SampleDue() {
		c.Sample(m.stackTrace(c.SampleBuffer(), m.fn, m.inst, pc))
	}
	if c.Counting() {
		c.Credit(inst.Code, int(index-inst.Module.NumImportedFuncs), work, loop)
	}
	return c.Interrupted()
}

// backEdge polls at a branch back to the loop header at pc, when the budget
// ran out there, and returns where to go on: pc, or, when the function's
// machine code took over the frame at the loop (on-stack replacement) and
// ran it to its end, the function's return, or -1 if the call was
// interrupted.
func (m *machine) backEdge(pc int) (int, error) {
	if m.poll(pc, m.inst, m.fn.index, true) {
		return -1, nil
	}
	if !m.call.CanOSR() {
		return pc, nil
	}
	fn := m.fn
	loop, ok := fn.loopAt(pc)
	if !ok {
		return pc, nil
	}
	f := m.inst.Funcs[fn.index]
	slots := m.stack[m.fp : m.fp+int(fn.frame)]
	results := m.resultBuf(int(fn.results))
	m.suspendCaller()
	done, err := m.call.OSR(f, loop, slots, results)
	if !done || err != nil {
		return pc, err
	}
	// A nested run on this machine may have grown the stack.
	copy(m.stack[m.fp:], results)
	m.mem = memOf(m.inst)
	return fn.ret, nil
}

// backEdgeAt is backEdge for the dispatch loop, at a branch back to the
// loop header at pc whose work ran the budget out (a loop iteration's work
// is the loop's size): it returns where to go on, or -1 with m.backErr set
// to the error to return (an interruption's trap, or what the rest of the
// call did in machine code). Kept out of the loop, so that the loop's
// registers stay as they are on its hot paths.
func (m *machine) backEdgeAt(pc int) int {
	next, err := m.backEdge(pc)
	switch {
	case err != nil:
		m.backErr = err
		return -1
	case next < 0:
		m.backErr = m.trap(store.TrapInterrupted, m.fn, m.inst, pc)
		return -1
	}
	return next
}

// resultBuf returns a buffer of n cells for the results of an OSR.
func (m *machine) resultBuf(n int) []uint64 {
	if cap(m.results) < n {
		m.results = make([]uint64, n)
	}
	return m.results[:n]
}

// stackTrace appends the wasm frames of the current call, innermost first:
// the current run's, then those of the runs and tiers it was called from.
func (m *machine) stackTrace(frames []store.Frame, fn *function, inst *store.Instance, pc int) []store.Frame {
	frames = append(frames, frameOf(fn, inst, pc))
	base := 0
	if n := len(m.runs); n > 0 {
		base = m.runs[n-1].base
	}
	for i := len(m.frames) - 1; i >= base; i-- {
		f := m.frames[i]
		frames = append(frames, frameOf(f.fn, f.inst, f.pc))
	}
	return m.call.AppendOuterFrames(frames)
}

// trap builds a trap with the stack trace of the current frames.
func (m *machine) trap(kind store.TrapKind, fn *function, inst *store.Instance, pc int) *store.Trap {
	return m.call.Trap(kind, m.stackTrace(nil, fn, inst, pc))
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
	host := store.Frame{Instance: f.Module, Name: f.Name, Offset: -1}
	c.SetFrames(m.stackTrace([]store.Frame{host}, m.fn, m.inst, pc))
	return &c
}

func frameOf(fn *function, inst *store.Instance, pc int) store.Frame {
	f := store.Frame{Instance: inst.Name, Func: fn.index, Name: inst.Module.FuncName(fn.index), Offset: -1}
	if pc > 0 && pc <= len(fn.offsets) {
		f.Offset = int(fn.offsets[pc-1])
	}
	return f
}
