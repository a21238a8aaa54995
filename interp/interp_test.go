package interp_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/internal/engine"
	"github.com/terra-runtime/terra/internal/store"
	. "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/interp"
	"github.com/terra-runtime/terra/wasm"
)

// testModule exports fac, sum, spin, deep, boom and div; see each body.
var testModule = Module(
	Section(SecType, Vec(
		FuncType([]byte{I64}, []byte{I64}),
		FuncType([]byte{I32}, []byte{I64}),
		FuncType(nil, nil),
		FuncType([]byte{I32}, []byte{I32}),
		FuncType([]byte{I32, I32}, []byte{I32}),
	)),
	Section(SecFunction, Vec([]byte{0}, []byte{1}, []byte{2}, []byte{3}, []byte{2}, []byte{2}, []byte{4})),
	Section(SecExport, Vec(
		Export("fac", KindFunc, 0), Export("sum", KindFunc, 1), Export("spin", KindFunc, 2),
		Export("deep", KindFunc, 3), Export("boom", KindFunc, 4), Export("div", KindFunc, 6),
	)),
	Section(SecCode, Vec(
		// fac(n) = n == 0 ? 1 : n * fac(n-1), recursively.
		Body(nil, 0x20, 0, 0x50, 0x04, I64, 0x42, 1, 0x05, 0x20, 0, 0x20, 0, 0x42, 1, 0x7D, 0x10, 0, 0x7E, 0x0B, 0x0B),
		// sum(n) = 0 + 1 + ... + n-1 as i64, in a loop.
		Body([]byte{2, 1, I64, 1, I32},
			0x02, 0x40, 0x03, 0x40,
			0x20, 2, 0x20, 0, 0x4F, 0x0D, 1,
			0x20, 1, 0x20, 2, 0xAD, 0x7C, 0x21, 1,
			0x20, 2, 0x41, 1, 0x6A, 0x21, 2,
			0x0C, 0, 0x0B, 0x0B, 0x20, 1, 0x0B),
		// spin loops forever.
		Body(nil, 0x03, 0x40, 0x0C, 0, 0x0B, 0x0B),
		// deep recurses forever.
		Body(nil, 0x20, 0, 0x10, 3, 0x0B),
		// boom calls inner, which traps.
		Body(nil, 0x10, 5, 0x0B),
		Body(nil, 0x00, 0x0B),
		// div is i32.div_s.
		Body(nil, 0x20, 0, 0x20, 1, 0x6D, 0x0B),
	)),
	FuncNames("fac", "sum", "spin", "deep", "boom", "inner", "div"),
)

type noImports struct{}

func (noImports) Resolve(module, name string) (store.Extern, bool) { return store.Extern{}, false }

// newEngine returns an engine of the interpreter alone.
func newEngine(tier interp.Tier, cfg engine.Config) *engine.Engine {
	return engine.New(cfg, &tier, nil, 0)
}

// instantiate compiles m on e and instantiates it in s.
func instantiate(t testing.TB, e *engine.Engine, s *store.Store, m *wasm.Module, imports store.Resolver, opts store.Options) *store.Instance {
	t.Helper()
	code, err := e.Compile(m)
	require.NoError(t, err)
	inst, err := store.Instantiate(context.Background(), s, m, imports, code, e.Call, opts)
	require.NoError(t, err)
	return inst
}

type fixture struct {
	engine *engine.Engine
	inst   *store.Instance
	code   *store.ModuleCode
}

func newFixture(t testing.TB, e *engine.Engine) *fixture {
	m, err := wasm.Parse(testModule, wasm.Features2_0)
	require.NoError(t, err)
	inst := instantiate(t, e, store.New(), m, noImports{}, store.Options{Name: "test"})
	return &fixture{engine: e, inst: inst, code: inst.Code}
}

func (f *fixture) call(ctx context.Context, name string, args ...uint64) ([]uint64, error) {
	return f.engine.Call(ctx, f.inst.Exports[name].Func, args)
}

func TestCallsAndLoops(t *testing.T) {
	f := newFixture(t, newEngine(interp.Tier{}, engine.Config{}))
	ctx := context.Background()
	r, err := f.call(ctx, "fac", 20)
	require.NoError(t, err)
	require.Equal(t, []uint64{2432902008176640000}, r)

	r, err = f.call(ctx, "sum", 100000)
	require.NoError(t, err)
	require.Equal(t, []uint64{4999950000}, r)

	r, err = f.call(ctx, "div", 7, uint64(uint32(math.MaxUint32-1))) // 7 / -2
	require.NoError(t, err)
	require.Equal(t, []uint64{uint64(uint32(0xFFFFFFFD))}, r)
}

func trapOf(t *testing.T, err error) *store.Trap {
	t.Helper()
	var trap *store.Trap
	require.True(t, errors.As(err, &trap), "want a trap, got %v", err)
	return trap
}

func TestTrapsCarryAStackTrace(t *testing.T) {
	f := newFixture(t, newEngine(interp.Tier{}, engine.Config{}))
	_, err := f.call(context.Background(), "boom")
	trap := trapOf(t, err)
	require.Equal(t, store.TrapUnreachable, trap.Kind)
	require.Len(t, trap.Frames, 2)
	require.Equal(t, "inner", trap.Frames[0].Name)
	require.Equal(t, "boom", trap.Frames[1].Name)
	require.Equal(t, "test", trap.Frames[0].Instance)
	require.Positive(t, trap.Frames[0].Offset)
	require.Contains(t, err.Error(), "unreachable")

	_, err = f.call(context.Background(), "div", 1, 0)
	require.Equal(t, store.TrapIntegerDivideByZero, trapOf(t, err).Kind)
	_, err = f.call(context.Background(), "div", 0x80000000, 0xFFFFFFFF)
	require.Equal(t, store.TrapIntegerOverflow, trapOf(t, err).Kind)
}

func TestRunawayRecursionExhaustsTheStack(t *testing.T) {
	for _, e := range []*engine.Engine{
		newEngine(interp.Tier{MaxCallDepth: 1000}, engine.Config{}),
		newEngine(interp.Tier{MaxStackCells: 4096}, engine.Config{}),
		newEngine(interp.Tier{}, engine.Config{}),
	} {
		f := newFixture(t, e)
		_, err := f.call(context.Background(), "deep", 1)
		require.Equal(t, store.TrapStackExhausted, trapOf(t, err).Kind)
	}
	// The engine is still usable afterwards.
	f := newFixture(t, newEngine(interp.Tier{MaxCallDepth: 1000}, engine.Config{}))
	r, err := f.call(context.Background(), "fac", 5)
	require.NoError(t, err)
	require.Equal(t, []uint64{120}, r)
}

func TestCancellationInterruptsALoop(t *testing.T) {
	f := newFixture(t, newEngine(interp.Tier{}, engine.Config{}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := f.call(ctx, "spin")
	trap := trapOf(t, err)
	require.Equal(t, store.TrapInterrupted, trap.Kind)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, "spin", trap.Frames[0].Name)

	// A context already done stops the call before it starts.
	_, err = f.call(ctx, "fac", 3)
	require.Equal(t, store.TrapInterrupted, trapOf(t, err).Kind)
}

// counting turns the tiering counters on, with no native tier to tier up
// to.
var counting = engine.Config{Tiering: engine.Tiering{Threshold: 1 << 62}}

func TestCounters(t *testing.T) {
	f := newFixture(t, newEngine(interp.Tier{}, counting))
	// The work credited is sampled, a poll period at a time, and weighs
	// each iteration by the loop's size: a run of twice the iterations
	// counts twice the work, within two periods.
	const n = 1000000
	_, err := f.call(context.Background(), "sum", n)
	require.NoError(t, err)
	once := f.code.Counters[1].Work.Load()
	_, err = f.call(context.Background(), "sum", 2*n)
	require.NoError(t, err)
	thrice := f.code.Counters[1].Work.Load()
	require.Greater(t, once, int64(n), "every iteration counts at least one instruction")
	require.InDelta(t, 3*once, thrice, 2*8192, "sampled work")

	g := newFixture(t, newEngine(interp.Tier{}, engine.Config{}))
	_, err = g.call(context.Background(), "sum", n)
	require.NoError(t, err)
	require.Zero(t, g.code.Counters[1].Work.Load(), "counting is off by default")
}

// BenchmarkCounters compares a loop with and without the tiering counters.
func BenchmarkCounters(b *testing.B) {
	for _, count := range []bool{false, true} {
		name := "off"
		if count {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			cfg := engine.Config{}
			if count {
				cfg = counting
			}
			f := newFixture(b, newEngine(interp.Tier{}, cfg))
			for b.Loop() {
				if _, err := f.call(context.Background(), "sum", 100000); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestSampling(t *testing.T) {
	var samples int
	var top string
	e := newEngine(interp.Tier{}, engine.Config{ProfileInterval: time.Microsecond, Profile: func(frames []store.Frame) {
		samples++
		top = frames[0].Name
	}})
	f := newFixture(t, e)
	_, err := f.call(context.Background(), "sum", 1000000)
	require.NoError(t, err)
	require.Positive(t, samples)
	require.Equal(t, "sum", top)
}

func TestI32ArgumentsAreNormalized(t *testing.T) {
	f := newFixture(t, newEngine(interp.Tier{}, engine.Config{}))
	// div(-7, 2) with -7 passed sign-extended to 64 bits, as a careless host
	// might: the result is still a zero-extended i32.
	r, err := f.call(context.Background(), "div", uint64(math.MaxUint64-6), 2)
	require.NoError(t, err)
	require.Equal(t, []uint64{uint64(uint32(0xFFFFFFFD))}, r)
}

// TestFusedCompareWithLargeConstant is a regression test: a compare of a
// local with a constant fused into br_if once read the constant's field as
// a frame slot, far outside the frame for constants like -1.
func TestFusedCompareWithLargeConstant(t *testing.T) {
	// f(x) = x == -1 ? 1 : 2, via block/br_if.
	data := Module(
		Section(SecType, Vec(FuncType([]byte{I32}, []byte{I32}))),
		Section(SecFunction, Vec([]byte{0})),
		Section(SecExport, Vec(Export("f", KindFunc, 0))),
		Section(SecCode, Vec(Body(nil,
			0x02, 0x40, 0x20, 0, 0x41, 0x7F, 0x46, 0x0D, 0, 0x41, 2, 0x0F, 0x0B, 0x41, 1, 0x0B))),
	)
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	e := newEngine(interp.Tier{}, engine.Config{})
	inst := instantiate(t, e, store.New(), m, noImports{}, store.Options{})
	for x, want := range map[uint64]uint64{0xFFFFFFFF: 1, 5: 2} {
		r, err := e.Call(context.Background(), inst.Exports["f"].Func, []uint64{x})
		require.NoError(t, err)
		require.Equal(t, []uint64{want}, r)
	}
}

func TestPanickingHostFunctionIsAnError(t *testing.T) {
	e := newEngine(interp.Tier{}, engine.Config{})
	f := &store.Function{Type: &wasm.FuncType{}, Host: func(context.Context, *store.Instance, []uint64) error {
		panic("boom")
	}}
	_, err := e.Call(context.Background(), f, nil)
	var ie *engine.InternalError
	require.True(t, errors.As(err, &ie), "got %v", err)
	require.Equal(t, "boom", ie.Value)
	// The engine keeps working.
	g := newFixture(t, e)
	r, err := g.call(context.Background(), "fac", 4)
	require.NoError(t, err)
	require.Equal(t, []uint64{24}, r)
}

// resolver serves imports from a map of "module.name" to externs.
type resolver map[string]store.Extern

func (r resolver) Resolve(module, name string) (store.Extern, bool) {
	e, ok := r[module+"."+name]
	return e, ok
}

func TestHostRecursionIsBounded(t *testing.T) {
	// f calls the host function env.h, which calls f again, forever.
	data := Module(
		Section(SecType, Vec(FuncType(nil, nil))),
		Section(SecImport, Vec(Cat(Name("env"), Name("h"), []byte{KindFunc, 0}))),
		Section(SecFunction, Vec([]byte{0})),
		Section(SecExport, Vec(Export("f", KindFunc, 1))),
		Section(SecCode, Vec(Body(nil, 0x10, 0, 0x0B))),
	)
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	e := newEngine(interp.Tier{}, engine.Config{})
	s := store.New()
	var f *store.Function
	h := &store.Function{Type: &wasm.FuncType{}, Host: func(ctx context.Context, _ *store.Instance, _ []uint64) error {
		_, err := e.Call(ctx, f, nil)
		return err
	}}
	s.Register(h)
	inst := instantiate(t, e, s, m, resolver{"env.h": {Kind: wasm.ExternFunc, Func: h}}, store.Options{})
	f = inst.Exports["f"].Func
	_, err = e.Call(context.Background(), f, nil)
	require.Equal(t, store.TrapStackExhausted, trapOf(t, err).Kind)
}
