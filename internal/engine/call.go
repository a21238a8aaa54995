package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/abi"
	"github.com/terra-runtime/terra/internal/store"
)

// Call is one call from Go into WebAssembly, with everything its tiers share
// while it runs: a call that starts on the interpreter and reaches machine
// code, or the reverse, stays one Call. It is used by one goroutine.
type Call struct {
	engine  *Engine
	ctx     context.Context
	hostCtx context.Context
	nesting int
	// gen numbers the calls a pooled Call served. Interruption stores the
	// generation it interrupts, because context.AfterFunc may run after the
	// call has ended and the Call serves another.
	gen         uint64
	interrupted atomic.Uint64
	stop        func() bool
	lastSample  time.Time
	samples     []store.Frame

	// Native is the context generated code receives (see package abi). Its
	// Poll word is how interruption and profiling reach generated code.
	Native abi.CallContext

	states   [store.NumTiers]State
	segments []Segment
}

// State is a tier's state for one call, such as the interpreter's value
// stack, kept from the tier's first Invoke in the call to its end.
type State interface {
	// Release gives the state back for reuse once the call has ended
	// normally; after a panic the state is dropped instead.
	Release()
}

// Segment is a run of one tier within a call: the frames it has pushed.
// Tiers push a segment when they start running and pop it when they return,
// so that a stack trace covers every tier.
type Segment interface {
	// AppendFrames appends the segment's frames, innermost first. It is
	// called while the segment is suspended in a call to another segment.
	AppendFrames(frames []store.Frame) []store.Frame
}

var calls = sync.Pool{New: func() any { return new(Call) }}

func (e *Engine) newCall(ctx context.Context, nesting int) *Call {
	c := calls.Get().(*Call)
	c.engine, c.ctx, c.nesting = e, ctx, nesting
	c.gen++
	if ctx.Done() != nil {
		gen := c.gen
		c.stop = context.AfterFunc(ctx, func() { c.interrupt(gen) })
	}
	return c
}

// interrupt marks call gen interrupted and asks generated code to poll.
func (c *Call) interrupt(gen uint64) {
	c.interrupted.Store(gen)
	atomic.OrUint32(&c.Native.Poll, abi.PollInterrupt)
}

// release ends the call and returns it, and the tiers' states, for reuse.
func (c *Call) release() {
	c.end()
	for i, s := range c.states {
		if s != nil {
			s.Release()
			c.states[i] = nil
		}
	}
	c.engine, c.ctx, c.hostCtx = nil, nil, nil
	clear(c.segments)
	c.segments = c.segments[:0]
	// An interruption that context.AfterFunc started before stop may still
	// set Poll: clear it atomically, and leave the rest of the sandbox's
	// head, which every entry sets, alone. A late bit only makes the next
	// call's machine code exit once, and find itself not interrupted.
	atomic.StoreUint32(&c.Native.Poll, 0)
	n := &c.Native
	n.Exit, n.ExitFunc, n.ExitArgs, n.ExitArg, n.ExitResult, n.ExitContext = 0, 0, 0, 0, 0, 0
	n.StackLimit, n.EnterTarget, n.EnterContext, n.EnterFunc, n.EnterCells, n.EnterResults, n.EnterSlots = 0, 0, 0, 0, 0, 0, 0
	calls.Put(c)
}

// abandon ends a call that panicked: its state may be inconsistent, so
// nothing of it is reused.
func (c *Call) abandon() { c.end() }

func (c *Call) end() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}

// Engine returns the engine running the call.
func (c *Call) Engine() *Engine { return c.engine }

// Context returns the context the call was made with.
func (c *Call) Context() context.Context { return c.ctx }

// HostContext returns the context for host functions: the call's, marked
// with the nesting depth, made at the first host call (most calls never
// reach the host).
func (c *Call) HostContext() context.Context {
	if c.hostCtx == nil {
		c.hostCtx = context.WithValue(c.ctx, nestingKey{}, c.nesting+1)
	}
	return c.hostCtx
}

// Interrupted reports whether the call's context is done. Tiers check it
// when they poll.
func (c *Call) Interrupted() bool { return c.interrupted.Load() == c.gen }

// Trap returns a trap of the given kind with frames (at most
// store.MaxTrapFrames of them kept), setting the cause of an interruption.
func (c *Call) Trap(kind store.TrapKind, frames []store.Frame) *store.Trap {
	return c.TrapOmitting(kind, frames, 0, nil)
}

// TrapOmitting is Trap for a tier whose walk of its frames skipped omitted
// of them between inner and outer (see store.Trap.SetFramesOmitting).
func (c *Call) TrapOmitting(kind store.TrapKind, inner []store.Frame, omitted int, outer []store.Frame) *store.Trap {
	t := &store.Trap{Kind: kind}
	t.SetFramesOmitting(inner, omitted, outer)
	if kind == store.TrapInterrupted {
		t.Cause = c.ctx.Err()
	}
	return t
}

// State returns tier t's state for the call, or nil before SetState.
func (c *Call) State(t store.Tier) State { return c.states[t] }

// SetState records tier t's state for the call.
func (c *Call) SetState(t store.Tier, s State) { c.states[t] = s }

// Invoke runs f as part of the call on the tier its entry selects, or as a
// host function. caller is the calling instance, nil when Go calls. stack
// holds the arguments and receives the results.
func (c *Call) Invoke(caller *store.Instance, f *store.Function, stack []uint64) error {
	if f.Host != nil {
		return f.Host(c.HostContext(), caller, stack)
	}
	e := c.engine
	if e.native == nil || atomic.LoadUintptr(f.Entry) == e.interpEntry || (e.cfg.Tiering.ForceOSR && caller == nil) {
		return e.interp.Invoke(c, caller, f, stack)
	}
	return e.native.Invoke(c, caller, f, stack)
}

// Push records that a tier started running within the call.
func (c *Call) Push(s Segment) { c.segments = append(c.segments, s) }

// Pop records that the innermost segment returned.
func (c *Call) Pop() {
	n := len(c.segments) - 1
	c.segments[n] = nil
	c.segments = c.segments[:n]
}

// AppendOuterFrames appends the frames of the segments enclosing the
// innermost one, innermost first: a tier building a stack trace appends its
// own frames, then these.
func (c *Call) AppendOuterFrames(frames []store.Frame) []store.Frame {
	for i := len(c.segments) - 2; i >= 0; i-- {
		frames = c.segments[i].AppendFrames(frames)
	}
	return frames
}

// SampleDue reports whether a profile sample should be taken now.
func (c *Call) SampleDue() bool {
	if c.engine.cfg.Profile == nil {
		return false
	}
	now := time.Now()
	if now.Sub(c.lastSample) < c.engine.cfg.ProfileInterval {
		return false
	}
	c.lastSample = now
	return true
}

// Sample hands a profile sample, built by the innermost tier with its own
// frames in a buffer from SampleBuffer, to the profiler.
func (c *Call) Sample(frames []store.Frame) {
	c.samples = frames
	c.engine.cfg.Profile(frames)
}

// SampleBuffer returns an empty buffer for the frames of a sample.
func (c *Call) SampleBuffer() []store.Frame { return c.samples[:0] }

// Counting reports whether tiers should credit the tiering counters.
func (c *Call) Counting() bool { return c.engine.cfg.Tiering.Threshold > 0 }
