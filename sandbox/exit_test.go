//go:build linux && (amd64 || arm64)

package sandbox

import (
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// growGoStack recurses with large frames, so that the goroutine's stack is
// copied to a larger one while generated code is suspended on its own.
//
//go:noinline
func growGoStack(n int) byte {
	var pad [4096]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return pad[0]
	}
	return growGoStack(n-1) + pad[n%len(pad)]
}

func newThread(t *testing.T, ctx *testContext) *Thread {
	t.Helper()
	th, err := NewThread(&ctx.Context, stack(t))
	require.NoError(t, err)
	return th
}

// requireSuspendedIn checks that the innermost run is suspended in an exit
// whose return address is inside code.
func requireSuspendedIn(t *testing.T, th *Thread, code *Executable) {
	t.Helper()
	pc, fp := th.Suspension(th.Depth() - 1)
	require.Greater(t, pc, code.Addr())
	require.Less(t, pc, code.Addr()+uintptr(code.Len()))
	require.NotZero(t, fp)
}

func TestExitAndResume(t *testing.T) {
	code := load(t, genExiter(newGen(t)))
	ctx := &testContext{limit: 5}
	th := newThread(t, ctx)
	trap, err := th.Enter(code, code.Addr())
	for i := 1; i <= 5; i++ {
		require.NoError(t, err)
		require.Equal(t, TrapExit, trap, "exit %d", i)
		require.Equal(t, uint64(i), ctx.depth)
		require.Equal(t, 1, th.Depth())
		requireSuspendedIn(t, th, code)
		// Go moves its own stack and collects garbage meanwhile; the
		// suspended frame keeps its marker (or the code traps with 77).
		growGoStack(64)
		runtime.GC()
		trap, err = th.Resume()
	}
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Zero(t, th.Depth())
	_, err = th.Resume()
	require.ErrorIs(t, err, ErrNotSuspended)
	require.ErrorIs(t, th.Abandon(), ErrNotSuspended)

	// The thread serves a new run from the top of the stack.
	ctx.depth, ctx.limit = 0, 1
	trap, err = th.Enter(code, code.Addr())
	require.NoError(t, err)
	require.Equal(t, TrapExit, trap)
	trap, err = th.Resume()
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
}

// Go enters code again while code is suspended in an exit: returns, traps,
// exits that are resumed and exits that are abandoned, all below the
// suspended frames, which keep their contents (genExiter checks its marker
// after every exit).
func TestNestedRuns(t *testing.T) {
	exiter := load(t, genExiter(newGen(t)))
	recurse := load(t, genRecurse(newGen(t)))
	trapper := load(t, genTrap(newGen(t)))
	ctx := &testContext{limit: 2, fn: recurse.Addr()}
	th := newThread(t, ctx)
	trap, err := th.Enter(exiter, exiter.Addr())
	require.NoError(t, err)
	require.Equal(t, TrapExit, trap)
	outerPC, outerFP := th.Suspension(0)

	// nested runs the code with its own depth and limit, then restores the
	// outer run's.
	nested := func(code *Executable, limit uint64) Trap {
		t.Helper()
		depth, outerLimit := ctx.depth, ctx.limit
		ctx.depth, ctx.limit = 0, limit
		trap, err := th.Enter(code, code.Addr())
		require.NoError(t, err)
		if code == recurse && trap == TrapNone {
			require.Equal(t, limit, ctx.depth, "nested recursion")
		}
		ctx.depth, ctx.limit = depth, outerLimit
		return trap
	}
	require.Equal(t, TrapNone, nested(recurse, 500))
	require.Equal(t, 1, th.Depth())

	ctx.trap = 9
	require.Equal(t, Trap(9), nested(trapper, 0))
	require.Equal(t, 1, th.Depth())

	require.Equal(t, TrapExit, nested(exiter, 1))
	require.Equal(t, 2, th.Depth())
	requireSuspendedIn(t, th, exiter)
	innerPC, innerFP := th.Suspension(1)
	require.Less(t, innerFP, outerFP, "the nested run is below")
	require.Equal(t, outerPC, innerPC, "the same exit call")
	// Deeper still, while two runs are suspended.
	require.Equal(t, TrapNone, nested(recurse, 300))
	require.Equal(t, 2, th.Depth())
	// The inner exiter, resumed, finds its limit reached and returns.
	outerDepth := ctx.depth
	ctx.depth = ctx.limit
	trap, err = th.Resume()
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Equal(t, 1, th.Depth())
	ctx.depth = outerDepth

	require.Equal(t, TrapExit, nested(exiter, 5))
	require.NoError(t, th.Abandon())
	require.Equal(t, 1, th.Depth())
	pc, fp := th.Suspension(0)
	require.Equal(t, outerPC, pc)
	require.Equal(t, outerFP, fp)

	// The outer run resumes, exits once more and returns.
	trap, err = th.Resume()
	require.NoError(t, err)
	require.Equal(t, TrapExit, trap)
	require.Equal(t, uint64(2), ctx.depth)
	require.Equal(t, TrapNone, nested(recurse, 10))
	trap, err = th.Resume()
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Zero(t, th.Depth())
}

// A run that exits holds its code open until it finishes.
func TestSuspendedRunHoldsCode(t *testing.T) {
	code, err := LoadCode(genExiter(newGen(t)))
	require.NoError(t, err)
	ctx := &testContext{limit: 1}
	th := newThread(t, ctx)
	trap, err := th.Enter(code, code.Addr())
	require.NoError(t, err)
	require.Equal(t, TrapExit, trap)
	require.NoError(t, code.Close())
	require.Equal(t, "r-xp", mappingPerms(t, code.Addr()), "still mapped while suspended")
	trap, err = th.Resume()
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Equal(t, "", mappingPerms(t, code.Addr()), "released when the run finished")
}

// Generated code that polls lets the garbage collector stop the world: the
// SIGURG that asks its goroutine to yield sets PollPreempt, the code exits,
// and Go preempts the goroutine before resuming it.
func TestPollLetsTheWorldStop(t *testing.T) {
	code := load(t, genPoller(newGen(t)))
	ctx := &testContext{}
	th := newThread(t, ctx)
	var preempts atomic.Int64
	done := make(chan Trap, 1)
	go func() {
		trap, err := th.Enter(code, code.Addr())
		for err == nil && trap == TrapExit {
			if atomic.SwapUint32(&ctx.Poll, 0)&PollPreempt != 0 {
				preempts.Add(1)
			}
			trap, err = th.Resume()
		}
		if err != nil {
			t.Error(err)
		}
		done <- trap
	}()
	for atomic.LoadUint32(&ctx.spins) == 0 {
		time.Sleep(time.Millisecond)
	}
	collected := make(chan struct{})
	go func() {
		for range 3 {
			runtime.GC()
		}
		close(collected)
	}()
	select {
	case <-collected:
	case <-time.After(time.Minute):
		t.Error("the garbage collector could not stop the world while generated code ran")
	}
	atomic.StoreUint32(&ctx.flag, 1)
	require.Equal(t, TrapNone, <-done)
	require.NotZero(t, preempts.Load(), "exits for PollPreempt")
}

// A SIGURG that reaches generated code sets PollPreempt and still reaches
// the Go runtime, which delivers it to Notify.
func TestSIGURGSetsPollAndReachesGo(t *testing.T) {
	code := load(t, genSpin(newGen(t)))
	c := make(chan os.Signal, 1)
	signal.Notify(c, unix.SIGURG)
	defer signal.Stop(c)
	ctx := &testContext{}
	tid, done := runSpinning(t, code, ctx, stack(t))
	require.NoError(t, unix.Tgkill(os.Getpid(), tid, unix.SIGURG))
	select {
	case <-c:
	case <-time.After(time.Minute):
		t.Error("SIGURG not delivered")
	}
	for atomic.LoadUint32(&ctx.Poll)&PollPreempt == 0 {
		time.Sleep(time.Millisecond)
	}
	atomic.StoreUint32(&ctx.flag, 1)
	require.Equal(t, TrapNone, <-done)
}
