package jit

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// callState is the tier's state in one engine.Call: the native stack and
// the thread on it, reused by every entry of the call, nested ones
// included.
type callState struct {
	tier  *Tier
	call  *engine.Call
	stack *sandbox.Stack
	th    *sandbox.Thread
	// entryBufs holds the argument buffers of the runs in progress, by
	// run: the entry stub keeps a pointer to its buffer across exits,
	// during which Go's stacks may move, so buffers live in the heap.
	// exitBufs holds the arguments of each run's current exit.
	entryBufs, exitBufs [][]uint64
	sampler             *time.Timer
}

var states = sync.Pool{New: func() any { return new(callState) }}

// Release implements engine.State.
func (s *callState) Release() {
	if s.sampler != nil {
		s.sampler.Stop()
		s.sampler = nil
	}
	s.tier.stacks.Put(s.stack)
	s.stack, s.th, s.call, s.tier = nil, nil, nil, nil
	states.Put(s)
}

func (t *Tier) state(c *engine.Call) (*callState, error) {
	if s, ok := c.State(store.TierNative).(*callState); ok {
		return s, nil
	}
	stack, err := t.stacks.Get()
	if err != nil {
		return nil, err
	}
	th, err := sandbox.NewThread(&c.Native.Context, stack)
	if err != nil {
		t.stacks.Put(stack)
		return nil, err
	}
	c.Native.StackLimit = stack.Bottom() + stackMargin
	s := states.Get().(*callState)
	s.tier, s.call, s.stack, s.th = t, c, stack, th
	if cfg := c.Engine().Config(); cfg.Profile != nil {
		s.startSampler(cfg.ProfileInterval)
	}
	c.SetState(store.TierNative, s)
	return s, nil
}

// startSampler asks generated code to exit every interval, for profile
// samples.
func (s *callState) startSampler(interval time.Duration) {
	poll := &s.call.Native.Poll
	var tick func()
	tick = func() {
		atomic.OrUint32(poll, abi.PollSample)
		s.sampler.Reset(interval)
	}
	s.sampler = time.AfterFunc(interval, tick)
}

// buffer returns bufs[run], at least n cells long (and never empty).
func buffer(bufs *[][]uint64, run, n int) []uint64 {
	for len(*bufs) <= run {
		*bufs = append(*bufs, nil)
	}
	b := &(*bufs)[run]
	if cap(*b) < max(n, 1) {
		*b = make([]uint64, max(n, 8))
	}
	return (*b)[:max(n, 1)]
}

// Invoke implements engine.Tier: it enters f's machine code through the
// entry stub and serves its exits until it returns or traps.
func (t *Tier) Invoke(c *engine.Call, caller *store.Instance, f *store.Function, stack []uint64) error {
	return t.enter(c, f, atomic.LoadUintptr(f.Entry), nil, stack)
}

// InvokeOSR replaces a frame of f that the interpreter is running with
// machine code: it enters f's code at entry, an OSR entry (see OSREntry),
// with the interpreter's frame slots, and runs the rest of f there, writing
// its results to results.
func (t *Tier) InvokeOSR(c *engine.Call, f *store.Function, entry uintptr, slots, results []uint64) error {
	return t.enter(c, f, entry, slots, results)
}

// enter runs f from target, with the arguments in stack, or, for an OSR
// entry, with its frame's slots in slots, and writes f's results to stack.
func (t *Tier) enter(c *engine.Call, f *store.Function, target uintptr, slots, stack []uint64) error {
	s, err := t.state(c)
	if err != nil {
		return err
	}
	np, nr := len(f.Type.Params), len(f.Type.Results)
	cells := max(np, nr)
	buf := buffer(&s.entryBufs, s.th.Depth(), cells)
	cc := &c.Native
	cc.EnterSlots = 0
	if slots != nil {
		// The entry copies the slots before it can exit to Go, whose
		// code may move the interpreter's stack.
		cc.EnterSlots = uintptr(unsafe.Pointer(unsafe.SliceData(slots)))
	} else {
		copy(buf, stack[:np])
	}
	cc.EnterTarget = target
	cc.EnterContext = uintptr(f.Context)
	cc.EnterFunc = uintptr(unsafe.Pointer(f))
	cc.ExitArgs = uintptr(unsafe.Pointer(&buf[0]))
	cc.EnterCells, cc.EnterResults = uint32(cells), uint32(nr)
	seg := &segment{state: s, run: s.th.Depth()}
	c.Push(seg)
	defer c.Pop()
	trap, err := s.th.Enter(t.stubs.code, t.stubs.entry)
	for err == nil && trap == sandbox.TrapExit {
		if err = s.exit(); err != nil {
			_ = s.th.Abandon()
			return err
		}
		trap, err = s.th.Resume()
	}
	switch {
	case err != nil:
		return fmt.Errorf("jit: %w", err)
	case trap != sandbox.TrapNone:
		return s.trap(store.TrapKind(trap))
	}
	for j, rt := range f.Type.Results {
		stack[j] = normalize(rt, buf[j])
	}
	return nil
}

// normalize zero-extends i32 and f32 cells, whose high halves machine code
// leaves undefined.
func normalize(t wasm.ValueType, v uint64) uint64 {
	if t == wasm.I32 || t == wasm.F32 {
		return v & 0xFFFFFFFF
	}
	return v
}

// pointer converts an address that generated code handed to Go back into a
// pointer: the objects behind such addresses are kept alive by Go.
func pointer(addr *uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(addr)) }

// cellsAt returns the n cells at address addr of a native stack.
func cellsAt(addr *uintptr, n int) []uint64 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(pointer(addr)), n)
}

// exit serves the request of code that exited.
func (s *callState) exit() error {
	cc := &s.call.Native
	switch cc.Exit {
	case abi.ExitCall:
		f := (*store.Function)(pointer(&cc.ExitFunc))
		caller := store.InstanceOf(pointer(&cc.ExitContext))
		np, nr := len(f.Type.Params), len(f.Type.Results)
		cells := max(np, nr)
		area := cellsAt(&cc.ExitArgs, cells)
		args := buffer(&s.exitBufs, s.th.Depth()-1, cells)
		for i, pt := range f.Type.Params {
			args[i] = normalize(pt, area[cells-1-i])
		}
		// The call may enter machine code again, whose exits change the
		// context: the area's address is read before.
		if err := s.call.Invoke(caller, f, args); err != nil {
			return s.hostTrap(err, f)
		}
		for j := range nr {
			area[cells-1-j] = args[j]
		}
		return nil
	case abi.ExitPoll:
		return s.poll()
	case abi.ExitRare:
		return s.rare()
	}
	return fmt.Errorf("jit: unknown exit %d", cc.Exit)
}

// hostTrap gives a trap that a host function returned without frames (an
// interruption while it waited) the stack trace of its call: the host
// function, then the frames that called it.
func (s *callState) hostTrap(err error, f *store.Function) error {
	t, ok := err.(*store.Trap)
	if !ok || len(t.Frames) > 0 || f.Host == nil {
		return err
	}
	c := *t
	host := store.Frame{Instance: f.Module, Name: f.Name, Offset: -1}
	c.SetFrames(append([]store.Frame{host}, s.exitFrames()...))
	return &c
}

// poll serves an exit for the poll flag: interruption, profiling,
// preemption.
func (s *callState) poll() error {
	cc := &s.call.Native
	bits := atomic.AndUint32(&cc.Poll, 0)
	if s.call.Interrupted() {
		return s.call.Trap(store.TrapInterrupted, s.exitFrames())
	}
	if bits&abi.PollSample != 0 && s.call.SampleDue() {
		s.call.Sample(s.exitFrames())
	}
	if bits&sandbox.PollPreempt != 0 {
		runtime.Gosched()
	}
	return nil
}

// exitFrames returns the stack trace at the current exit.
func (s *callState) exitFrames() []store.Frame {
	pc, fp := s.th.Suspension(s.th.Depth() - 1)
	frames := s.tier.walk(nil, pc, fp)
	return s.call.AppendOuterFrames(frames)
}

// trap builds the trap of a run that trapped, with its stack trace: at
// most the innermost and outermost halves of store.MaxTrapFrames, for a
// runaway recursion fills a native stack with hundreds of thousands.
func (s *callState) trap(kind store.TrapKind) *store.Trap {
	cc := &s.call.Native
	var w walker
	s.tier.walkInto(&w, cc.FaultPC, cc.FP)
	inner, omitted, tail := w.result()
	return s.call.TrapOmitting(kind, inner, omitted, s.call.AppendOuterFrames(tail))
}

// walker keeps the frames of a walk: all of them up to
// store.MaxTrapFrames, then the innermost half and, in a ring, the most
// recent half, counting the frames between.
type walker struct {
	frames []store.Frame
	n      int // frames walked
	ring   int // the ring's oldest entry
}

func (w *walker) add(f store.Frame) {
	half := store.MaxTrapFrames / 2
	if len(w.frames) < store.MaxTrapFrames {
		w.frames = append(w.frames, f)
	} else {
		w.frames[half+w.ring] = f
		w.ring = (w.ring + 1) % half
	}
	w.n++
}

// result returns the frames in order: the innermost ones, how many were
// skipped after them, and the rest.
func (w *walker) result() (inner []store.Frame, omitted int, rest []store.Frame) {
	if w.n <= store.MaxTrapFrames {
		return w.frames, 0, nil
	}
	half := store.MaxTrapFrames / 2
	ring := w.frames[half:]
	rest = append(slices.Clone(ring[w.ring:]), ring[:w.ring]...)
	return w.frames[:half], w.n - store.MaxTrapFrames, rest
}

// segment is a run of machine code within a call, for stack traces.
type segment struct {
	state *callState
	run   int // its index among the thread's runs
}

// AppendFrames implements engine.Segment.
func (g *segment) AppendFrames(frames []store.Frame) []store.Frame {
	if g.run >= g.state.th.Depth() {
		return frames
	}
	pc, fp := g.state.th.Suspension(g.run)
	return g.state.tier.walk(frames, pc, fp)
}

// maxWalk bounds a stack walk, against a corrupt frame chain.
const maxWalk = 1 << 20

// walk appends the WebAssembly frames of machine code from pc, in the
// function whose frame pointer is fp, outward along the frame-pointer
// chain, up to the entry stub.
func (t *Tier) walk(frames []store.Frame, pc, fp uintptr) []store.Frame {
	w := walker{frames: frames}
	t.walkInto(&w, pc, fp)
	return w.frames
}

// walkInto walks as walk does, into w.
func (t *Tier) walkInto(w *walker, pc, fp uintptr) {
	// Consecutive frames of one instance share its context: one lookup.
	var lastCtx uintptr
	var lastName string
	for range maxWalk {
		if m, f, site := t.lookup(pc); f != nil {
			fr := store.Frame{Func: f.index, Name: m.module.FuncName(f.index), Offset: -1}
			if site != nil {
				fr.Offset = int(site.Offset)
			}
			if fp != 0 {
				ctx := word(fp - 8)
				if ctx != lastCtx {
					lastCtx, lastName = ctx, ""
					if inst := store.InstanceOf(pointer(&ctx)); inst != nil {
						lastName = inst.Name
					}
				}
				fr.Instance = lastName
			}
			w.add(fr)
		} else if pc < t.stubs.callOut || pc >= t.stubs.callOutEnd {
			// The entry stub, or anything else: the end of the run.
			break
		}
		if fp == 0 {
			break
		}
		pc, fp = word(fp+8), word(fp)
	}
}

// word reads a word of a native stack.
func word(addr uintptr) uintptr { return *(*uintptr)(unsafe.Add(nil, addr)) }
