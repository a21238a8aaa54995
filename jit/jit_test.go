package jit_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	. "github.com/terra-runtime/terra/internal/wasmtest"
)

// spinModule exports spin, which loops forever, and count(n), which loops n
// times and returns n.
var spinModule = Module(
	Section(SecType, Vec(FuncType(nil, nil), FuncType([]byte{I32}, []byte{I32}))),
	Section(SecFunction, Vec([]byte{0}, []byte{1})),
	Section(SecExport, Vec(Export("spin", KindFunc, 0), Export("count", KindFunc, 1))),
	Section(SecCode, Vec(
		Body(nil, 0x03, 0x40, 0x0C, 0, 0x0B, 0x0B),
		// local 1 counts up to local 0.
		Body([]byte{1, 1, I32},
			0x03, 0x40,
			0x20, 1, 0x41, 1, 0x6A, 0x22, 1,
			0x20, 0, 0x49, 0x0D, 0,
			0x0B, 0x20, 1, 0x0B),
	)),
)

func jitInstance(t *testing.T) *terra.Instance {
	t.Helper()
	rt, err := terra.NewRuntime(terra.Config{Tier: terra.TierJIT})
	if errors.Is(err, terra.ErrTierUnavailable) {
		t.Skipf("no JIT here: %v", err)
	}
	require.NoError(t, err)
	ctx := context.Background()
	cm, err := rt.Compile(ctx, spinModule)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	return inst
}

func requireInterrupted(t *testing.T, err error, cause error) {
	t.Helper()
	var trap *terra.Trap
	require.True(t, errors.As(err, &trap), "want a trap, got %v", err)
	require.Equal(t, terra.TrapInterrupted, trap.Kind)
	require.ErrorIs(t, err, cause)
	require.NotEmpty(t, trap.Frames)
	require.Equal(t, "func[0]", trap.Frames[0].String()[:7])
}

// A deadline stops machine code that loops forever; the loop header polls.
// How long after the deadline it stops is a benchmark's figure
// (BenchmarkInterruptLatency), not this test's.
func TestDeadlineStopsASpinningGuest(t *testing.T) {
	inst := jitInstance(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := inst.ExportedFunction("spin").Call(ctx)
	requireInterrupted(t, err, context.DeadlineExceeded)
}

func TestCancelStopsASpinningGuest(t *testing.T) {
	inst := jitInstance(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := inst.ExportedFunction("spin").Call(ctx)
	requireInterrupted(t, err, context.Canceled)
	// The instance keeps working.
	res, err := inst.ExportedFunction("count").Call(context.Background(), 1000)
	require.NoError(t, err)
	require.Equal(t, []uint64{1000}, res)
}

// The garbage collector stops the world while machine code spins: the
// scheduler's preemption signal makes the loop's poll exit to Go.
func TestGCCompletesWhileAGuestSpins(t *testing.T) {
	inst := jitInstance(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := inst.ExportedFunction("spin").Call(ctx)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
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
		t.Error("the garbage collector could not stop the world while a guest spun")
	}
	cancel()
	requireInterrupted(t, <-done, context.Canceled)
}

// BenchmarkInterruptLatency reports how long after its deadline a spinning
// guest stops (ns/op is the overshoot).
func BenchmarkInterruptLatency(b *testing.B) {
	rt, err := terra.NewRuntime(terra.Config{Tier: terra.TierJIT})
	if err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	cm, err := rt.Compile(ctx, spinModule)
	require.NoError(b, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(b, err)
	spin := inst.ExportedFunction("spin")
	var over time.Duration
	for b.Loop() {
		deadline := time.Now().Add(5 * time.Millisecond)
		dctx, cancel := context.WithDeadline(ctx, deadline)
		_, err := spin.Call(dctx)
		over += time.Since(deadline)
		cancel()
		if err == nil {
			b.Fatal("spin returned")
		}
	}
	b.ReportMetric(float64(over.Nanoseconds())/float64(b.N), "overshoot-ns/op")
}
