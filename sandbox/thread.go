package sandbox

import (
	"errors"
	"fmt"
)

// ErrNotSuspended reports a Resume or Abandon with no code suspended in an
// exit.
var ErrNotSuspended = errors.New("sandbox: no code suspended in an exit")

// Thread runs generated code on one native stack with one Context. Go enters
// code with Enter; the code returns, traps, or exits to Go (TrapExit). After
// an exit Go does what the code asked and continues it with Resume, or gives
// it up with Abandon. While code is suspended in an exit, Go may Enter code
// again: it runs on the same stack below the suspended frames, and must
// finish (return, trap, or be abandoned) before the suspended code resumes.
// A Thread is not safe for concurrent use.
type Thread struct {
	ctx   *Context
	stack *Stack
	runs  []run // entered and not finished, innermost last
}

// run is code entered on a Thread and not finished.
type run struct {
	code *Executable
	// The exit the run is suspended in: kept here, because runs nested in
	// it overwrite the Context.
	exitSP, exitPC, fp uintptr
}

// NewThread returns a thread that runs code on s with ctx, which must be
// allocated in the Go heap and embedded as the first field of the context
// the code expects. It fills in ctx's stub addresses. The stack must not be
// used by another thread meanwhile.
func NewThread(ctx *Context, s *Stack) (*Thread, error) {
	switch {
	case ctx == nil || s == nil:
		return nil, fmt.Errorf("%w: nil context or stack", ErrBadRun)
	case s.top == 0:
		return nil, fmt.Errorf("%w: stack was released", ErrBadRun)
	}
	if err := installHandler(); err != nil {
		return nil, err
	}
	ctx.trapStub, ctx.exitStub = stubAddrs()
	return &Thread{ctx: ctx, stack: s}, nil
}

// Context returns the thread's context.
func (t *Thread) Context() *Context { return t.ctx }

// Depth returns how many entered runs have not finished: zero when no code
// is suspended.
func (t *Thread) Depth() int { return len(t.runs) }

// Enter calls the generated function at entry, an address inside code, and
// returns when it returns (TrapNone), exits (TrapExit) or traps (the kind;
// the Context has the details). Only invalid arguments make an error. With
// code suspended in an exit, the function runs below the suspended frames.
// The thread holds code open until the run finishes.
func (t *Thread) Enter(code *Executable, entry uintptr) (Trap, error) {
	switch {
	case code == nil:
		return TrapNone, fmt.Errorf("%w: nil code", ErrBadRun)
	case entry-code.addr >= code.len:
		return TrapNone, fmt.Errorf("%w: entry %#x outside the code at [%#x, %#x)", ErrBadRun, entry, code.addr, code.addr+code.len)
	case t.stack.top == 0:
		return TrapNone, fmt.Errorf("%w: stack was released", ErrBadRun)
	}
	sp := t.stack.top
	if n := len(t.runs); n > 0 {
		// Below the return address of the exit call (amd64) or the exiting
		// frame (arm64), 16-byte aligned.
		sp = t.runs[n-1].exitSP &^ 15
	}
	if err := code.acquire(); err != nil {
		return TrapNone, err
	}
	t.runs = append(t.runs, run{code: code})
	t.clear()
	enter(entry, t.ctx, sp)
	return t.stopped(), nil
}

// Resume continues the innermost run, suspended in an exit, by returning
// from its exit call, and returns as Enter does.
func (t *Thread) Resume() (Trap, error) {
	n := len(t.runs)
	if n == 0 {
		return TrapNone, ErrNotSuspended
	}
	r := &t.runs[n-1]
	t.ctx.exitSP, t.ctx.exitPC, t.ctx.FP = r.exitSP, r.exitPC, r.fp
	t.clear()
	resume(t.ctx)
	return t.stopped(), nil
}

// Abandon gives up the innermost run, suspended in an exit: its frames are
// dropped, and the run it is nested in, if any, is the innermost again.
func (t *Thread) Abandon() error {
	if len(t.runs) == 0 {
		return ErrNotSuspended
	}
	t.finish()
	return nil
}

// Suspension returns where run i (0 the outermost, up to Depth()-1) is
// suspended: the return address of its exit call and the frame pointer
// there, which heads the chain of its generated frames.
func (t *Thread) Suspension(i int) (pc, fp uintptr) {
	r := &t.runs[i]
	return r.exitPC, r.fp
}

func (t *Thread) clear() {
	t.ctx.Trap, t.ctx.FaultPC, t.ctx.FaultAddr = TrapNone, 0, 0
}

// stopped records an exit in the innermost run, or finishes the run when
// it returned or trapped.
func (t *Thread) stopped() Trap {
	trap := t.ctx.Trap
	if trap == TrapExit {
		r := &t.runs[len(t.runs)-1]
		r.exitSP, r.exitPC, r.fp = t.ctx.exitSP, t.ctx.exitPC, t.ctx.FP
	} else {
		t.finish()
	}
	return trap
}

func (t *Thread) finish() {
	n := len(t.runs) - 1
	code := t.runs[n].code
	t.runs[n] = run{}
	t.runs = t.runs[:n]
	code.done()
}
