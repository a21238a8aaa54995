package kernels

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

// TestLaddersShape checks that every kernel has a ladder whose arguments
// and work grow geometrically, in steps of 1.5 to 10 times the work
// (fannkuch's last is 9x), and that a point at the kernel's benchmark
// argument agrees with All.
func TestLaddersShape(t *testing.T) {
	require.Len(t, Ladders, len(All), "a ladder per kernel, no more")
	for _, k := range All {
		l, ok := Ladders[k.Name]
		require.True(t, ok, "%s: no ladder", k.Name)
		require.NotEmpty(t, l.Unit, "%s: unit", k.Name)
		require.GreaterOrEqual(t, len(l.Points), 6, "%s: too few points for a curve", k.Name)
		for i, p := range l.Points {
			require.Greater(t, l.Work(p.Arg), 0.0, "%s(%d): work", k.Name, p.Arg)
			if p.Arg == k.Arg {
				require.Equal(t, k.Want, p.Want, "%s(%d): the ladder and All disagree", k.Name, p.Arg)
			}
			if i == 0 {
				continue
			}
			prev := l.Points[i-1]
			require.Greater(t, p.Arg, prev.Arg, "%s: arguments not increasing", k.Name)
			step := l.Work(p.Arg) / l.Work(prev.Arg)
			require.True(t, step >= 1.5 && step <= 10, "%s: work grows %.2fx from %d to %d", k.Name, step, prev.Arg, p.Arg)
		}
	}
}

func TestFibCalls(t *testing.T) {
	// fib_rec(n) calls itself for n-1 and n-2 when n >= 2: 1, 1, 3, 5, 9, 15.
	calls := []float64{1, 1}
	for n := 2; n <= 20; n++ {
		calls = append(calls, 1+calls[n-1]+calls[n-2])
	}
	for n, want := range calls {
		require.Equal(t, want, fibCalls(uint32(n)), "fibCalls(%d)", n)
	}
}

func TestWork(t *testing.T) {
	require.Equal(t, 8000.0, cube(20))
	require.Equal(t, 400.0, square(20))
	require.InDelta(t, 362880, factorial(9), 1e-6)
	require.Equal(t, 7.0, linear(7))
}

// TestLaddersTerra runs every point of every ladder in terra's
// interpreter and checks its result. In -short mode it runs the lower half
// of each ladder, a few milliseconds in all.
func TestLaddersTerra(t *testing.T) {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	defer rt.Close()
	cm, err := rt.Compile(ctx, Wasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	for _, k := range All {
		points := Ladders[k.Name].Points
		if testing.Short() {
			points = points[:len(points)/2]
		}
		fn := inst.ExportedFunction(k.Name)
		for _, p := range points {
			got, err := fn.Call(ctx, uint64(p.Arg))
			require.NoError(t, err)
			require.Equal(t, []uint64{p.Want}, got, "%s(%d)", k.Name, p.Arg)
		}
	}
}
