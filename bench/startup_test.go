package bench

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

// tiers lists terra's execution tiers in the order BenchmarkStartup runs
// them. Tiers that this build does not provide are skipped, so the list can
// name tiers before they exist.
var tiers = []terra.Tier{terra.TierInterp, terra.TierJIT, terra.TierTiered}

// BenchmarkStartup measures how fast terra starts a fresh instance, in every
// tier of the list tiers, with the measures that Startup describes: decode,
// compile, instantiate (pooled), instantiate-fresh, first-instruction,
// first-call, warm-call and process (cmd/terra-run in a new process), on a
// tiny module, the tiny module with a 64 KiB data segment, the 2.5 MB Go
// hello world and a C hello world. Each
// sub-benchmark, named measure=M/module=X/impl=terra-TIER, reports p50-ns and
// p99-ns over its iterations besides ns/op. Decode does not depend on the
// tier, so it is only measured once, under terra-interp.
//
// Run it with few iterations of the slow modules (the Go hello world and the
// process measure take milliseconds each):
//
//	go test -run=NONE -bench='Startup//module=tiny' -benchtime=200x ./bench/
//	go test -run=NONE -bench='Startup//module=(gohello|c-hello)' -benchtime=20x ./bench/
//
// bench/peers runs the same measures on wazero beside terra.
func BenchmarkStartup(b *testing.B) {
	var impls []Impl
	for i, tier := range tiers {
		impl := TerraImpl(tier)
		if i > 0 {
			impl.Decode = nil
		}
		impls = append(impls, impl)
	}
	Startup(b, "..", impls)
}

// TestTinyModule checks the modules that the startup benchmarks instantiate:
// add adds, and the data segment, if any, is in memory.
func TestTinyModule(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{0, 1, 65536} {
		rt, err := terra.NewRuntime(terra.Config{})
		require.NoError(t, err)
		cm, err := rt.Compile(ctx, TinyModule(size))
		require.NoError(t, err)
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		res, err := inst.ExportedFunction("add").Call(ctx, 2, 3)
		require.NoError(t, err)
		require.Equal(t, []uint64{5}, res)
		res, err = inst.ExportedFunction("add").Call(ctx, 0xFFFFFFFF, 2)
		require.NoError(t, err)
		require.Equal(t, []uint64{1}, res, "i32 wraps")
		mem := inst.Memory("memory")
		require.NotNil(t, mem)
		require.Equal(t, uint32(1), mem.Pages())
		require.NoError(t, inst.Close())
	}
	require.Panics(t, func() { TinyModule(65537) })
}

// TestTinyModuleData checks the data segment's bytes through the harness's
// own adapter, which the benchmarks use.
func TestTinyModuleData(t *testing.T) {
	ctx := context.Background()
	rt, err := TerraImpl(terra.TierInterp).New(ctx, false)
	require.NoError(t, err)
	defer rt.Close(ctx)
	cm, err := rt.Compile(ctx, TinyModule(65536))
	require.NoError(t, err)
	inst, err := cm.Instantiate(ctx)
	require.NoError(t, err)
	defer inst.Close(ctx)
	mem := inst.(terraInstance).inst.Memory("memory")
	require.NotNil(t, mem)
	for _, addr := range []uint32{0, 250, 251, 65535} {
		got, ok := mem.ReadUint8(addr)
		require.True(t, ok, "address %d", addr)
		require.Equal(t, byte(addr%251+1), got, "address %d", addr)
	}
}

// TestTerraImplWASI checks that the Go hello world instantiates with the
// adapter's WASI, and that unavailable tiers report ErrTierUnavailable,
// which BenchmarkStartup skips on.
func TestTerraImplWASI(t *testing.T) {
	ctx := context.Background()
	rt, err := TerraImpl(terra.TierInterp).New(ctx, true)
	require.NoError(t, err)
	defer rt.Close(ctx)
	data, err := os.ReadFile(gohelloPath)
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, data)
	require.NoError(t, err)
	for range 2 {
		inst, err := cm.Instantiate(ctx)
		require.NoError(t, err)
		require.NotNil(t, inst.Func("_start"))
		require.NoError(t, inst.Close(ctx))
	}
	for _, tier := range tiers {
		_, err := TerraImpl(tier).New(ctx, true)
		if err != nil {
			require.True(t, errors.Is(err, terra.ErrTierUnavailable), "%v", err)
		}
	}
}

// freshRuntime is a Runtime whose compiled modules and instances count
// what is open, for TestFresh.
type freshRuntime struct {
	compiled, instances, trims int
}

func (r *freshRuntime) Compile(context.Context, []byte) (Compiled, error) {
	r.compiled++
	return freshCompiled{r}, nil
}

func (r *freshRuntime) Close(context.Context) error { return nil }

type freshCompiled struct{ r *freshRuntime }

func (c freshCompiled) Instantiate(context.Context) (Instance, error) {
	c.r.instances++
	return freshInstance{c.r}, nil
}

func (c freshCompiled) Close(context.Context) error {
	c.r.compiled--
	return nil
}

type freshInstance struct{ r *freshRuntime }

func (freshInstance) Func(string) Func { return nil }

func (i freshInstance) Close(context.Context) error {
	i.r.instances--
	return nil
}

// TestFresh checks that instantiate-fresh keeps its instances open up to
// FreshCap, and that each start, restart and close leaves one compiled
// module or none, trimmed after what was closed.
func TestFresh(t *testing.T) {
	ctx := context.Background()
	r := &freshRuntime{}
	impl := Impl{Trim: func() {
		require.Zero(t, r.instances, "trimmed with instances open")
		r.trims++
	}}
	f, err := NewFresh(ctx, impl, r, nil)
	require.NoError(t, err)
	require.Equal(t, freshRuntime{compiled: 1, trims: 1}, *r)
	for range FreshCap {
		require.False(t, f.Full())
		_, err := f.Instantiate(ctx)
		require.NoError(t, err)
	}
	require.True(t, f.Full())
	require.Equal(t, FreshCap, r.instances)
	_, err = f.Instantiate(ctx)
	require.Error(t, err, "past FreshCap without a restart")
	require.NoError(t, f.Restart(ctx))
	require.Equal(t, freshRuntime{compiled: 1, trims: 2}, *r)
	_, err = f.Instantiate(ctx)
	require.NoError(t, err)
	require.NoError(t, f.Close(ctx))
	require.Equal(t, freshRuntime{trims: 3}, *r)
}

// TestLatencies checks the nearest-rank percentiles.
func TestLatencies(t *testing.T) {
	var l Latencies
	require.Zero(t, l.Percentile(50))
	for i := 100; i >= 1; i-- {
		l.Add(time.Duration(i))
	}
	require.Equal(t, 100, l.Len())
	require.Equal(t, time.Duration(50), l.Percentile(50))
	require.Equal(t, time.Duration(99), l.Percentile(99))
	require.Equal(t, time.Duration(100), l.Percentile(100))
	require.Equal(t, time.Duration(1), l.Percentile(0.1))

	var one Latencies
	one.Add(7)
	require.Equal(t, time.Duration(7), one.Percentile(50))
	require.Equal(t, time.Duration(7), one.Percentile(99))

	var three Latencies
	for _, d := range []time.Duration{30, 10, 20} {
		three.Add(d)
	}
	require.Equal(t, time.Duration(20), three.Percentile(50))
	require.Equal(t, time.Duration(30), three.Percentile(99))
}

// BenchmarkIdleInstance measures what an idle instance costs beyond its
// linear memory: Go heap per instance (its functions, tables, globals,
// exports and bookkeeping) for the tiny module and the Go hello world, with
// b.N instances alive at once. The memory itself is a reservation from the
// sandbox pool: address space, plus resident pages only where a tenant
// wrote.
func BenchmarkIdleInstance(b *testing.B) {
	ctx := context.Background()
	gohello, err := os.ReadFile(gohelloPath)
	require.NoError(b, err)
	for _, m := range []struct {
		name string
		wasm []byte
	}{{"tiny", TinyModule(0)}, {"gohello", gohello}} {
		b.Run("module="+m.name, func(b *testing.B) {
			rt, err := TerraImpl(terra.TierInterp).New(ctx, true)
			require.NoError(b, err)
			defer rt.Close(ctx)
			cm, err := rt.Compile(ctx, m.wasm)
			require.NoError(b, err)
			insts := make([]Instance, 0, b.N)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range b.N {
				inst, err := cm.Instantiate(ctx)
				require.NoError(b, err)
				insts = append(insts, inst)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heap-B/instance")
			for _, inst := range insts {
				require.NoError(b, inst.Close(ctx))
			}
		})
	}
}
