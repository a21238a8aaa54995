package engine

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// fakeNative records the batches it is asked to compile; a batch blocks
// while gate is held, and fails for a module in fail.
type fakeNative struct {
	gate    sync.RWMutex
	mu      sync.Mutex
	batches [][]int
	codes   []*store.ModuleCode
	fail    *store.ModuleCode
}

func (n *fakeNative) Compile(*store.ModuleCode) error { return nil }

func (n *fakeNative) Invoke(*Call, *store.Instance, *store.Function, []uint64) error { return nil }

func (n *fakeNative) CompileFunctions(code *store.ModuleCode, indexes []int) error {
	n.gate.RLock()
	defer n.gate.RUnlock()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.batches = append(n.batches, append([]int(nil), indexes...))
	n.codes = append(n.codes, code)
	if code == n.fail {
		return errors.New("fake: cannot compile")
	}
	return nil
}

func (n *fakeNative) OSREntry(uintptr, uint32) uintptr { return 0 }

func (n *fakeNative) InvokeOSR(*Call, *store.Function, uintptr, []uint64, []uint64) error {
	return nil
}

// moduleCode returns the code of a module with bodies of the given sizes.
func moduleCode(sizes ...int) *store.ModuleCode {
	m := &wasm.Module{}
	for _, n := range sizes {
		m.Code = append(m.Code, wasm.FuncBody{Body: make([]byte, n)})
	}
	return store.NewCode(m, 1)
}

// TestTiererBatches: functions queued while the only worker is busy are
// compiled in batches of one module each, at most maxBatch long, oldest
// first; a failed batch counts its functions as failed.
func TestTiererBatches(t *testing.T) {
	n := &fakeNative{}
	tr := newTierer(n, nil, 1)
	a, b := moduleCode(make([]int, maxBatch+50)...), moduleCode(10, 10, 10)
	n.fail = b
	n.gate.Lock() // hold the first batch, so that the rest queues
	tr.enqueue(a, 0)
	waitTaken(tr)
	for i := 1; i < maxBatch+50; i++ {
		tr.enqueue(a, i)
		if i%100 == 0 {
			tr.enqueue(b, i/100-1)
		}
	}
	n.gate.Unlock()
	waitIdle(tr)
	s := tr.snapshot()
	require.Equal(t, maxBatch+53, s.Queued)
	require.Equal(t, maxBatch+50, s.Compiled)
	require.Equal(t, 3, s.Failed)
	require.Len(t, s.TierUps, maxBatch+53)
	// The first batch held [0]; then the oldest request's module, a, up to
	// maxBatch functions; then b's three; then the rest of a.
	require.Equal(t, []*store.ModuleCode{a, a, b, a}, n.codes)
	require.Equal(t, []int{0}, n.batches[0])
	require.Len(t, n.batches[1], maxBatch)
	require.Equal(t, 1, n.batches[1][0])
	require.Equal(t, []int{0, 1, 2}, n.batches[2])
	require.Len(t, n.batches[3], 49)
	for _, u := range s.TierUps {
		require.Equal(t, u.Code == b, u.Err != nil)
		require.GreaterOrEqual(t, u.Wait, time.Duration(0))
	}
}

// waitTaken waits until a worker took everything queued.
func waitTaken(tr *tierer) {
	for {
		tr.mu.Lock()
		taken := len(tr.queue) == 0
		tr.mu.Unlock()
		if taken {
			return
		}
		runtime.Gosched()
	}
}

// waitIdle waits until no worker runs and nothing is queued.
func waitIdle(tr *tierer) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for tr.running > 0 || len(tr.queue) > 0 {
		tr.cond.Wait()
	}
}

// TestTiererInline: a small function that turns hot alone compiles before
// hot returns; a large one, or any while a compile is pending or right
// after a compile on the spot, goes to the background.
func TestTiererInline(t *testing.T) {
	n := &fakeNative{}
	tr := newTierer(n, nil, 1)
	code := moduleCode(100, 10000, 100)
	tr.hot(code, 0, false, 4096)
	require.Equal(t, [][]int{{0}}, n.batches, "a small function compiles on the spot")
	require.Equal(t, 1, tr.snapshot().Inline)

	n.gate.Lock()
	tr.hot(code, 1, false, 4096) // too large: the background
	tr.hot(code, 2, false, 4096) // small, but a compile is pending
	n.gate.Unlock()
	waitIdle(tr)
	s := tr.snapshot()
	require.Equal(t, 1, s.Inline)
	require.Equal(t, 3, s.Compiled)

	// Right after a compile on the spot, a small function goes to the
	// background, until as much time passed as that compile took.
	tr.mu.Lock()
	tr.inlineEnd, tr.inlineTook = time.Now(), time.Hour
	tr.mu.Unlock()
	tr.hot(code, 0, false, 4096)
	waitIdle(tr)
	require.Equal(t, 1, tr.snapshot().Inline)
	tr.mu.Lock()
	tr.inlineTook = 0
	tr.mu.Unlock()
	tr.hot(code, 2, false, 4096) // alone again
	require.Equal(t, 2, tr.snapshot().Inline)

	tr.hot(code, 1, true, 0) // sync: on the spot whatever its size
	require.Equal(t, 3, tr.snapshot().Inline)
	tr.close()
	tr.hot(code, 0, true, 4096) // closed: nothing
	require.Equal(t, 6, tr.snapshot().Queued)
}

// TestTiererClose: close drops what is queued and waits for the batch
// being compiled; later requests are ignored.
func TestTiererClose(t *testing.T) {
	n := &fakeNative{}
	tr := newTierer(n, nil, 1)
	code := moduleCode(10, 10, 10)
	n.gate.Lock()
	tr.enqueue(code, 0)
	waitTaken(tr)
	tr.enqueue(code, 1)
	done := make(chan struct{})
	go func() { tr.close(); close(done) }()
	for {
		tr.mu.Lock()
		closed := tr.closed
		tr.mu.Unlock()
		if closed {
			break
		}
		runtime.Gosched()
	}
	runtime.Gosched()
	select {
	case <-done:
		t.Fatal("close returned while a batch was compiling")
	default:
	}
	n.gate.Unlock()
	<-done
	tr.enqueue(code, 2)
	require.Equal(t, [][]int{{0}}, n.batches)
	require.Equal(t, 2, tr.snapshot().Queued)
}

// blockingNative compiles a batch when release lets it.
type blockingNative struct {
	started chan struct{}
	release chan struct{}
}

func (n *blockingNative) Compile(*store.ModuleCode) error { return nil }
func (n *blockingNative) Invoke(*Call, *store.Instance, *store.Function, []uint64) error {
	return nil
}
func (n *blockingNative) OSREntry(uintptr, uint32) uintptr { return 0 }
func (n *blockingNative) InvokeOSR(*Call, *store.Function, uintptr, []uint64, []uint64) error {
	return nil
}
func (n *blockingNative) CompileFunctions(*store.ModuleCode, []int) error {
	n.started <- struct{}{}
	<-n.release
	return nil
}

// A background job's pause holds it while a hot batch is being compiled
// or waits for a compiler; close waits for the job.
func TestBackgroundGivesWay(t *testing.T) {
	n := &blockingNative{started: make(chan struct{}), release: make(chan struct{})}
	tr := newTierer(n, nil, 1)
	code := &store.ModuleCode{}
	tr.enqueue(code, 0)
	<-n.started // a worker compiles the batch
	tr.enqueue(code, 1)

	var steps atomic.Int32
	paused := make(chan struct{})
	require.True(t, tr.background(func(pause func()) {
		close(paused)
		pause()
		steps.Add(1)
	}))
	<-paused
	time.Sleep(10 * time.Millisecond) // the job would step now if pause let it
	require.Zero(t, steps.Load(), "a hot batch is being compiled")

	n.release <- struct{}{} // the first batch is done; the second starts
	<-n.started
	require.Zero(t, steps.Load(), "a hot batch is being compiled")
	n.release <- struct{}{}

	tr.close()
	require.Equal(t, int32(1), steps.Load(), "close waited for the job")
	require.False(t, tr.background(func(func()) { t.Error("ran after close") }))
}

// close lets a paused job go on, without the batches it dropped.
func TestCloseReleasesPausedJobs(t *testing.T) {
	n := &blockingNative{started: make(chan struct{}), release: make(chan struct{})}
	tr := newTierer(n, nil, 1)
	code := &store.ModuleCode{}
	tr.enqueue(code, 0)
	<-n.started
	tr.enqueue(code, 1) // queued, dropped by close
	done := make(chan struct{})
	tr.background(func(pause func()) {
		pause()
		close(done)
	})
	go func() { n.release <- struct{}{} }()
	tr.close()
	<-done
}

// TestCreditInlineOnlyAtLoops: a function that turns hot at its own loop's
// back edge compiles on the spot, since the running call moves to its code
// by OSR; one that a call turns hot compiles in the background, and so
// does one whose loop turns it hot when OSR is off.
func TestCreditInlineOnlyAtLoops(t *testing.T) {
	for _, c := range []struct {
		name       string
		loop, osr  bool
		wantInline int
	}{
		{"loop", true, true, 1},
		{"call", false, true, 0},
		{"loop without OSR", true, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := &fakeNative{}
			e := New(Config{Tiering: Tiering{Threshold: 100, Workers: 1, OSR: c.osr, InlineBytes: 4096}}, n, n, 1)
			defer e.Close()
			call := &Call{engine: e}
			code := moduleCode(100)
			call.Credit(code, 0, 99, c.loop)
			require.Zero(t, e.TieringStats().Queued, "below the threshold")
			call.Credit(code, 0, 1, c.loop)
			waitIdle(e.tierer)
			s := e.TieringStats()
			require.Equal(t, 1, s.Compiled)
			require.Equal(t, c.wantInline, s.Inline)
		})
	}
}
