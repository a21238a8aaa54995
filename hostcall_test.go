package terra_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/engine"
	w "github.com/terra-runtime/terra/internal/wasmtest"
)

// callsHost imports env.f: () -> () and exports "run", which calls it.
var callsHost = w.Module(
	w.Section(w.SecType, w.Vec(w.FuncType(nil, nil))),
	w.Section(w.SecImport, w.Vec(w.Cat(w.Name("env"), w.Name("f"), []byte{w.KindFunc, 0}))),
	w.Section(w.SecFunction, w.Vec([]byte{0})),
	w.Section(w.SecExport, w.Vec(w.Export("run", w.KindFunc, 1))),
	w.Section(w.SecCode, w.Vec(w.Body(nil, 0x10, 0x00, 0x0B))), // call 0
	w.FuncNames("f", "run"),
)

// tiers are the execution tiers this build and platform have.
func tiers(t *testing.T) []terra.Tier {
	var have []terra.Tier
	for _, tier := range []terra.Tier{terra.TierInterp, terra.TierJIT} {
		rt, err := terra.NewRuntime(terra.Config{Tier: tier})
		if errors.Is(err, terra.ErrTierUnavailable) {
			continue
		}
		require.NoError(t, err)
		rt.Close()
		have = append(have, tier)
	}
	return have
}

// runWithHost instantiates callsHost on tier with fn as env.f and calls
// "run".
func runWithHost(t *testing.T, tier terra.Tier, ctx context.Context, fn terra.HostFunc) error {
	t.Helper()
	rt := newRuntime(t, terra.Config{Tier: tier})
	_, err := rt.NewHostModule("env").FuncRaw("f", nil, nil, fn).Instantiate(context.Background())
	require.NoError(t, err)
	cm, err := rt.Compile(context.Background(), callsHost)
	require.NoError(t, err)
	inst, err := rt.Instantiate(context.Background(), cm, terra.InstanceConfig{Name: "guest"})
	require.NoError(t, err)
	_, err = inst.ExportedFunction("run").Call(ctx)
	return err
}

func TestHostPanicIsTheHosts(t *testing.T) {
	for _, tier := range tiers(t) {
		t.Run(string(tier), func(t *testing.T) { testHostPanic(t, tier) })
	}
}

func testHostPanic(t *testing.T, tier terra.Tier) {
	err := runWithHost(t, tier, ctx, func(context.Context, terra.Caller, []uint64) error {
		panic("host bug")
	})
	var hp *terra.HostPanicError
	require.ErrorAs(t, err, &hp)
	require.Equal(t, "env", hp.Module)
	require.Equal(t, "f", hp.Name)
	require.Equal(t, "host bug", hp.Value)
	require.Contains(t, string(hp.Stack), "testHostPanic", "the stack of the panic")
	require.Equal(t, `terra: call "run": host function env.f panicked: host bug`, err.Error(),
		"one line, naming the function, with no stack dump")
	var internal *engine.InternalError
	require.False(t, errors.As(err, &internal), "not an engine fault")

	// A panic with an error keeps it in the chain.
	errBug := errors.New("bug")
	err = runWithHost(t, tier, ctx, func(context.Context, terra.Caller, []uint64) error { panic(errBug) })
	require.ErrorIs(t, err, errBug)
	require.ErrorAs(t, err, &hp)
}

func TestHostPanicWhenCalledDirectly(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	env, err := rt.NewHostModule("env").
		Func("boom", terra.Proc0(func(context.Context, terra.Caller) { panic(42) })).
		Instantiate(ctx)
	require.NoError(t, err)
	_, err = env.ExportedFunction("boom").Call(ctx)
	var hp *terra.HostPanicError
	require.ErrorAs(t, err, &hp)
	require.Equal(t, 42, hp.Value)
	require.Equal(t, "boom", hp.Name)
}

// TestHostCallInterrupted checks that a host function that returns because
// the call's context ended ends the call with the interrupted trap, as
// WebAssembly code does, with the host function and the wasm frames in its
// stack trace (in the interpreter).
func TestHostCallInterrupted(t *testing.T) {
	for _, tier := range tiers(t) {
		t.Run(string(tier), func(t *testing.T) { testHostCallInterrupted(t, tier) })
	}
}

func testHostCallInterrupted(t *testing.T, tier terra.Tier) {
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 20*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(ctx)
			time.AfterFunc(20*time.Millisecond, cancel)
			return c, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, cancel := tc.ctx()
			defer cancel()
			err := runWithHost(t, tier, c, func(ctx context.Context, _ terra.Caller, _ []uint64) error {
				<-ctx.Done()
				return ctx.Err()
			})
			var trap *terra.Trap
			require.ErrorAs(t, err, &trap)
			require.Equal(t, terra.TrapInterrupted, trap.Kind)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, []string{"env.f", "guest.run at 0x"}, frameNames(trap))
		})
	}

	// A host error that merely wraps a context error of its own, while the
	// call's context is live, is the host's error.
	errOwn := errors.New("own")
	err := runWithHost(t, tier, ctx, func(context.Context, terra.Caller, []uint64) error {
		return errors.Join(errOwn, context.DeadlineExceeded)
	})
	var trap *terra.Trap
	require.False(t, errors.As(err, &trap))
	require.ErrorIs(t, err, errOwn)
}

// frameNames returns the trap's frames as strings, offsets cut after "0x".
func frameNames(trap *terra.Trap) []string {
	var names []string
	for _, f := range trap.Frames {
		s := f.String()
		if i := strings.Index(s, "0x"); i >= 0 {
			s = s[:i+2]
		}
		names = append(names, s)
	}
	return names
}
