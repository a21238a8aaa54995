package terra_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/bench/kernels"
	"github.com/terra-runtime/terra/internal/codecache"
	w "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/wasm"
)

// cachedRuntime returns a JIT runtime with the compiled-code cache in dir,
// skipping where there is no JIT.
func cachedRuntime(t *testing.T, dir string) *terra.Runtime {
	t.Helper()
	return cachedRuntimeOn(t, terra.TierJIT, dir)
}

// cachedRuntimeOn returns a runtime on tier with the compiled-code cache
// in dir, skipping where there is no such tier. On TierTiered, Compile
// waits for a cache entry, so that a hit is one when Compile returns.
func cachedRuntimeOn(t *testing.T, tier terra.Tier, dir string) *terra.Runtime {
	t.Helper()
	return cachedRuntimeOf(t, terra.WithCacheWaits(terra.Config{Tier: tier, CacheDir: dir}))
}

// cachedRuntimeOf returns a runtime of cfg, skipping where its tier is
// missing.
func cachedRuntimeOf(t *testing.T, cfg terra.Config) *terra.Runtime {
	t.Helper()
	rt, err := terra.NewRuntime(cfg)
	if errors.Is(err, terra.ErrTierUnavailable) {
		t.Skipf("no JIT here: %v", err)
	}
	require.NoError(t, err)
	t.Cleanup(func() { rt.Close() })
	return rt
}

func compile(t *testing.T, rt *terra.Runtime, data []byte) *terra.Instance {
	t.Helper()
	cm, err := rt.Compile(ctx, data)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	return inst
}

// entries lists the cache's entries.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.code"))
	require.NoError(t, err)
	return names
}

// A second runtime loads what the first compiled and stored, and runs
// every kernel as a runtime that compiled them does. The first runtime's
// code stays loaded, so the second's runs at another address.
func TestCodeCacheKernels(t *testing.T) {
	dir := t.TempDir()
	first := cachedRuntime(t, dir)
	a := compile(t, first, kernels.Wasm)
	require.Equal(t, terra.CacheStats{Misses: 1, Stores: 1}, first.Stats().Cache)
	require.Len(t, entries(t, dir), 1)

	second := cachedRuntime(t, dir)
	b := compile(t, second, kernels.Wasm)
	require.Equal(t, terra.CacheStats{Hits: 1}, second.Stats().Cache)
	require.Zero(t, second.Stats().JIT.Compiled, "nothing compiled")

	for _, k := range kernels.All {
		want, err := a.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
		require.NoError(t, err, k.Name)
		require.Equal(t, []uint64{k.Want}, want, k.Name)
		got, err := b.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
		require.NoError(t, err, k.Name)
		require.Equal(t, want, got, k.Name)
	}
}

// trapper divides by its second argument in func 0, called by func 1
// ("run"); func 2 ("load") reads memory at its argument.
var trapper = w.Module(
	w.Section(w.SecType, w.Vec(w.FuncType([]byte{w.I32, w.I32}, []byte{w.I32}), w.FuncType([]byte{w.I32}, []byte{w.I32}))),
	w.Section(w.SecFunction, w.Vec([]byte{0}, []byte{0}, []byte{1})),
	w.Section(w.SecMemory, w.Vec([]byte{0, 1})),
	w.Section(w.SecExport, w.Vec(w.Export("run", w.KindFunc, 1), w.Export("load", w.KindFunc, 2))),
	w.Section(w.SecCode, w.Vec(
		w.Body(nil, 0x20, 0, 0x20, 1, 0x6D, 0x0B),                            // i32.div_s
		w.Body(nil, 0x20, 0, 0x20, 1, 0x10, 0, 0x41, 1, 0x6A, 0x0B),          // call 0, i32.add 1
		w.Body(nil, 0x41, 0, 0x20, 0, 0x6A, 0x28, 2, 0, 0x41, 1, 0x6A, 0x0B), // i32.load, i32.add 1
	)),
	w.FuncNames("divide", "run", "load"),
)

// Loaded code traps as compiled code does, with the same stack traces:
// the sites came through the cache.
func TestCodeCacheTraps(t *testing.T) {
	dir := t.TempDir()
	compiled := compile(t, cachedRuntime(t, dir), trapper)
	rt := cachedRuntime(t, dir)
	loaded := compile(t, rt, trapper)
	require.Equal(t, 1, rt.Stats().Cache.Hits)
	for _, call := range []struct {
		name string
		args []uint64
		kind terra.TrapKind
	}{
		{"run", []uint64{7, 0}, terra.TrapIntegerDivideByZero},
		{"load", []uint64{1 << 16}, terra.TrapMemoryOutOfBounds},
	} {
		_, want := compiled.ExportedFunction(call.name).Call(ctx, call.args...)
		_, got := loaded.ExportedFunction(call.name).Call(ctx, call.args...)
		var wantTrap, gotTrap *terra.Trap
		require.ErrorAs(t, want, &wantTrap)
		require.ErrorAs(t, got, &gotTrap)
		require.Equal(t, call.kind, gotTrap.Kind)
		require.Equal(t, wantTrap.Frames, gotTrap.Frames, call.name)
		require.Positive(t, gotTrap.Frames[0].Offset, call.name)
	}
	res, err := loaded.ExportedFunction("run").Call(ctx, 42, 6)
	require.NoError(t, err)
	require.Equal(t, []uint64{8}, res)
}

// The layout of an entry's header (see jit/cache.go).
const (
	entryFormat   = 8
	entryFeatures = 24
	entryKey      = 32
)

// reseal gives an entry changed on purpose a checksum that matches.
func reseal(entry []byte) []byte {
	n := len(entry) - 4
	binary.LittleEndian.PutUint32(entry[n:], crc32.Checksum(entry[:n], crc32.MakeTable(crc32.Castagnoli)))
	return entry
}

// A damaged entry, a stale one or another module's is found, never run,
// compiled again and replaced: the next runtime loads the new entry. With
// TierTiered the module runs tiered meanwhile and the replacement is
// compiled in the background.
func TestCodeCacheBadEntries(t *testing.T) {
	for _, tier := range []terra.Tier{terra.TierJIT, terra.TierTiered} {
		t.Run(string(tier), func(t *testing.T) { testBadEntries(t, tier) })
	}
}

func testBadEntries(t *testing.T, tier terra.Tier) {
	dir := t.TempDir()
	rt := cachedRuntimeOn(t, tier, dir)
	compile(t, rt, trapper)
	require.NoError(t, rt.Close()) // waits for a background store
	names := entries(t, dir)
	require.Len(t, names, 1)
	entry, err := os.ReadFile(names[0])
	require.NoError(t, err)
	other := t.TempDir()
	compile(t, cachedRuntime(t, other), kernels.Wasm)
	otherEntry, err := os.ReadFile(entries(t, other)[0])
	require.NoError(t, err)

	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(entry)
		f(b)
		return b
	}
	le := binary.LittleEndian
	for name, bad := range map[string][]byte{
		"a flipped byte":        edit(func(b []byte) { b[len(b)/2] ^= 0xFF }),
		"truncated":             entry[:len(entry)-100],
		"empty":                 nil,
		"another module's code": otherEntry,
		"another format":        reseal(edit(func(b []byte) { le.PutUint32(b[entryFormat:], jit.CacheFormat+1) })),
		"other CPU features":    reseal(edit(func(b []byte) { b[entryFeatures] ^= 1 })),
		"another module's hash": reseal(edit(func(b []byte) { b[entryKey] ^= 1 })),
	} {
		require.NoError(t, os.WriteFile(names[0], bad, 0o600))
		rt := cachedRuntimeOn(t, tier, dir)
		cm, err := rt.Compile(ctx, trapper)
		require.NoError(t, err, name)
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err, name)
		s := rt.Stats().Cache
		require.Equal(t, 1, s.Misses, name)
		require.Equal(t, 1, s.Errors, name)
		require.ErrorIs(t, s.LastError, jit.ErrBadCacheEntry, name)
		res, err := inst.ExportedFunction("run").Call(ctx, 42, 6)
		require.NoError(t, err, name)
		require.Equal(t, []uint64{8}, res, name)
		require.NoError(t, rt.Close(), name)
		require.Equal(t, 1, rt.Stats().Cache.Stores, "%s: stored again", name)

		rt = cachedRuntimeOn(t, tier, dir)
		compile(t, rt, trapper)
		require.Equal(t, terra.CacheStats{Hits: 1}, rt.Stats().Cache, "%s: loaded the new entry", name)
	}
}

// A cache that cannot be used costs compilations and says why; Compile
// works.
func TestCodeCacheUnusable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	open := t.TempDir()
	require.NoError(t, os.Chmod(open, 0o777))
	for name, c := range map[string]struct {
		dir  string
		want error
	}{
		"below a file":           {filepath.Join(file, "cache"), nil},
		"writable by all":        {open, codecache.ErrUnsafeDir},
		"not a directory at all": {file, nil},
	} {
		rt := cachedRuntime(t, c.dir)
		for range 2 {
			inst := compile(t, rt, trapper)
			res, err := inst.ExportedFunction("run").Call(ctx, 42, 6)
			require.NoError(t, err, name)
			require.Equal(t, []uint64{8}, res, name)
		}
		s := rt.Stats().Cache
		require.Equal(t, 2, s.Misses, name)
		require.GreaterOrEqual(t, s.Errors, 2, name)
		require.Error(t, s.LastError, name)
		if c.want != nil {
			require.ErrorIs(t, s.LastError, c.want, name)
		}
	}
	require.Empty(t, entries(t, open), "nothing stored where others could change it")
}

// The features a module is parsed with are part of the key; CompileModule,
// which does not see the bytes, and the interpreter use no cache.
func TestCodeCacheScope(t *testing.T) {
	dir := t.TempDir()
	compile(t, cachedRuntime(t, dir), trapper)
	rt, err := terra.NewRuntime(terra.Config{Tier: terra.TierJIT, CacheDir: dir, DisabledFeatures: wasm.FeatureSIMD})
	require.NoError(t, err)
	defer rt.Close()
	compile(t, rt, trapper)
	require.Equal(t, terra.CacheStats{Misses: 1, Stores: 1}, rt.Stats().Cache)
	require.Len(t, entries(t, dir), 2)

	m, err := wasm.Parse(kernels.Wasm, wasm.Features2_0)
	require.NoError(t, err)
	_, err = rt.CompileModule(m)
	require.NoError(t, err)
	require.Len(t, entries(t, dir), 2)

	interp := newRuntime(t, terra.Config{CacheDir: dir})
	compile(t, interp, kernels.Wasm)
	require.Len(t, entries(t, dir), 2)
	require.Zero(t, interp.Stats().Cache)
}

// Runtimes that compile one module at once all get working code, and the
// cache one whole entry.
func TestCodeCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for range 4 {
		rt := cachedRuntime(t, dir)
		wg.Go(func() {
			for range 3 {
				cm, err := rt.Compile(ctx, trapper)
				if !assertNoError(t, err) {
					return
				}
				inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
				if !assertNoError(t, err) {
					return
				}
				res, err := inst.ExportedFunction("run").Call(ctx, 42, 6)
				if assertNoError(t, err) && res[0] != 8 {
					t.Errorf("run: %d, want 8", res[0])
				}
			}
		})
	}
	wg.Wait()
	require.Len(t, entries(t, dir), 1)
	rt := cachedRuntime(t, dir)
	compile(t, rt, trapper)
	require.Equal(t, terra.CacheStats{Hits: 1}, rt.Stats().Cache)
}

func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// With TierTiered, a miss runs tiered as usual while the whole module
// compiles in the background; once stored, its code is installed for the
// functions still interpreted. A hit then starts every function in
// machine code: nothing turns hot, nothing is compiled.
func TestCodeCacheTiered(t *testing.T) {
	dir := t.TempDir()
	jitCM, err := cachedRuntime(t, t.TempDir()).Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	left := terra.Interpreted(jitCM) // what the JIT leaves to the interpreter

	first := cachedRuntimeOn(t, terra.TierTiered, dir)
	cm, err := first.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	require.Equal(t, terra.CacheStats{Misses: 1}, first.Stats().Cache)
	run := func(rt *terra.Runtime, cm *terra.CompiledModule) {
		t.Helper()
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		defer inst.Close()
		for _, k := range kernels.All {
			res, err := inst.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
			require.NoError(t, err, k.Name)
			require.Equal(t, []uint64{k.Want}, res, k.Name)
		}
	}
	run(first, cm)
	for first.Stats().Cache.Stores == 0 {
		require.Zero(t, first.Stats().Cache.Errors)
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, left, terra.Interpreted(cm), "the background's code installed")
	run(first, cm)
	require.NoError(t, first.Close())
	require.Equal(t, terra.CacheStats{Misses: 1, Stores: 1}, first.Stats().Cache)

	second := cachedRuntimeOn(t, terra.TierTiered, dir)
	cm, err = second.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	require.Equal(t, terra.CacheStats{Hits: 1}, second.Stats().Cache)
	require.Equal(t, left, terra.Interpreted(cm), "every function the JIT compiles starts in machine code")
	run(second, cm)
	s := second.Stats()
	require.Zero(t, s.Tiering.Queued, "nothing turned hot")
	require.Zero(t, s.JIT.Compiled)
}

// A module closed while the background compiles it for the cache still
// gets its entry stored, and Close of the runtime waits for it.
func TestCodeCacheTieredClosed(t *testing.T) {
	dir := t.TempDir()
	rt := cachedRuntimeOn(t, terra.TierTiered, dir)
	cm, err := rt.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	require.NoError(t, cm.Close())
	require.NoError(t, rt.Close())
	require.Equal(t, terra.CacheStats{Misses: 1, Stores: 1}, rt.Stats().Cache)
	require.Len(t, entries(t, dir), 1)
}

// By default TierTiered loads entries in the background: the module
// starts in the interpreter, nothing is queued for compilation meanwhile,
// and then every function the JIT compiles switches to the entry's code.
// A bad one is a miss, compiled and stored.
func TestCodeCacheTieredLoadsLater(t *testing.T) {
	dir := t.TempDir()
	jitCM, err := cachedRuntime(t, dir).Compile(ctx, kernels.Wasm) // stores the entry
	require.NoError(t, err)
	left := terra.Interpreted(jitCM)
	later := terra.Config{Tier: terra.TierTiered, CacheDir: dir}

	rt := cachedRuntimeOf(t, later)
	cm, err := rt.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	for rt.Stats().Cache.Hits == 0 {
		require.Zero(t, rt.Stats().Cache.Misses)
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, left, terra.Interpreted(cm))
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	for _, k := range kernels.All {
		res, err := inst.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
		require.NoError(t, err, k.Name)
		require.Equal(t, []uint64{k.Want}, res, k.Name)
	}
	require.Zero(t, rt.Stats().Tiering.Queued)
	require.Zero(t, rt.Stats().JIT.Compiled)

	names := entries(t, dir)
	require.Len(t, names, 1)
	require.NoError(t, os.WriteFile(names[0], []byte("not an entry"), 0o600))
	rt = cachedRuntimeOf(t, later)
	cm, err = rt.Compile(ctx, kernels.Wasm)
	require.NoError(t, err)
	inst, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	for _, k := range kernels.All {
		res, err := inst.ExportedFunction(k.Name).Call(ctx, uint64(k.Arg))
		require.NoError(t, err, k.Name)
		require.Equal(t, []uint64{k.Want}, res, k.Name)
	}
	require.NoError(t, rt.Close())
	s := rt.Stats()
	require.Equal(t, 1, s.Cache.Misses)
	require.Equal(t, 1, s.Cache.Stores, "compiled and stored again")
	require.ErrorIs(t, s.Cache.LastError, jit.ErrBadCacheEntry)
}
