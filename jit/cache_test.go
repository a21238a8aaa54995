package jit_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/bench/kernels"
	"github.com/terra-runtime/terra/internal/store"
	. "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64"
	"github.com/terra-runtime/terra/wasm"
)

// cacheModule imports a function and defines four: one whose division
// traps, one that uses SIMD (the JIT leaves it to the interpreter), one
// that loads from memory and calls the import after two loops (OSR
// entries), one with a br_table.
var cacheModule = Module(
	Section(SecType, Vec(
		FuncType([]byte{I32, I32}, []byte{I32}),
		FuncType(nil, []byte{I32}),
		FuncType([]byte{I32}, []byte{I32}))),
	Section(SecImport, Vec(Cat(Name("env"), Name("f"), []byte{KindFunc, 2}))),
	Section(SecFunction, Vec([]byte{0}, []byte{1}, []byte{2}, []byte{2})),
	Section(SecMemory, Vec([]byte{0, 1})),
	Section(SecCode, Vec(
		Body(nil, 0x20, 0, 0x20, 1, 0x6D, 0x0B),                                              // i32.div_s
		Body(nil, Cat([]byte{0xFD, 0x0C}, make([]byte, 16), []byte{0xFD, 0x1B, 0, 0x0B})...), // v128.const, i32x4.extract_lane 0
		Body(nil, 0x03, 0x40, 0x03, 0x40, 0x0B, 0x0B, 0x20, 0, 0x28, 2, 0, 0x10, 0, 0x0B),    // loop (loop), i32.load, call 0
		Body(nil, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0E, 2, 0, 1, 2, 0x0B, // br_table
			0x41, 1, 0x0F, 0x0B, 0x41, 2, 0x0F, 0x0B, 0x41, 3, 0x0B),
	)),
)

var cacheKey = [32]byte{1, 2, 3}

// The entry's layout, as jit/cache.go describes it.
const (
	hdrFormat     = 8
	hdrFuncs      = 12
	hdrArch       = 16
	hdrFeatures   = 24
	hdrKey        = 32
	hdrDefined    = 64
	hdrSites      = 68
	hdrCodeOffset = 72
	hdrCodeSize   = 76
	hdrOSRs       = 80
	hdrSize       = 84
	rowSize       = 20 // index, start, end, sites, OSR entries
)

var le = binary.LittleEndian

func newTier(t testing.TB) *jit.Tier {
	t.Helper()
	tier, err := jit.NewTier(amd64.Arch{})
	if err != nil {
		t.Skip(err)
	}
	return tier
}

// compileEntry compiles data and returns its code and its cache entry.
func compileEntry(t testing.TB, tier *jit.Tier, data []byte) (*store.ModuleCode, []byte) {
	t.Helper()
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	code := store.NewCode(m, tier.InterpEntry())
	t.Cleanup(func() { _ = code.Close() })
	batch, err := tier.CompileWhole(code, 2, nil)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, tier.WriteCache(&buf, m, batch, cacheKey))
	require.NoError(t, tier.Install(code, batch))
	return code, buf.Bytes()
}

// writeLoaded writes the entry of code that LoadCache loaded.
func writeLoaded(t testing.TB, tier *jit.Tier, code *store.ModuleCode) []byte {
	t.Helper()
	var batch *jit.Module
	if b := jit.Batches(code); len(b) > 0 {
		require.Len(t, b, 1)
		batch = b[0]
	}
	var buf bytes.Buffer
	require.NoError(t, tier.WriteCache(&buf, code.Module, batch, cacheKey))
	return buf.Bytes()
}

// load reads and loads entry for m into fresh code.
func load(tier *jit.Tier, m *wasm.Module, entry []byte, key [32]byte) (*store.ModuleCode, error) {
	code := store.NewCode(m, tier.InterpEntry())
	e, err := tier.ReadCache(bytes.NewReader(entry), int64(len(entry)), key)
	if err != nil {
		return code, err
	}
	return code, tier.LoadCache(code, e)
}

// compileAndLoad compiles data, writes its entry and loads it into fresh
// code.
func compileAndLoad(t *testing.T, tier *jit.Tier, data []byte) (orig, code *store.ModuleCode, entry []byte) {
	t.Helper()
	orig, entry = compileEntry(t, tier, data)
	code, err := load(tier, orig.Module, entry, cacheKey)
	require.NoError(t, err)
	t.Cleanup(func() { _ = code.Close() })
	return orig, code, entry
}

// reseal recomputes the checksum of an entry changed on purpose.
func reseal(entry []byte) []byte {
	n := len(entry) - 4
	le.PutUint32(entry[n:], crc32.Checksum(entry[:n], crc32.MakeTable(crc32.Castagnoli)))
	return entry
}

// requireRejected checks that entry does not load: an ErrBadCacheEntry
// with reason in it, every function still interpreted.
func requireRejected(t *testing.T, tier *jit.Tier, m *wasm.Module, entry []byte, reason, what string) {
	t.Helper()
	code, err := load(tier, m, entry, cacheKey)
	require.ErrorIs(t, err, jit.ErrBadCacheEntry, what)
	require.Contains(t, err.Error(), reason, what)
	require.Nil(t, code.Tiers[store.TierNative], what)
	for i := range code.Entries {
		require.True(t, code.Interpreted(uint32(i)), "%s: func %d switched", what, i)
	}
}

// TestCacheRoundTrip loads entries into fresh code: the same functions are
// compiled, at other addresses, and the loaded code writes the same entry.
func TestCacheRoundTrip(t *testing.T) {
	tier := newTier(t)
	modules := map[string][]byte{"small": cacheModule, "kernels": kernels.Wasm}
	if data, err := os.ReadFile("../bench/workloads/gohello/gohello.wasm"); err == nil {
		modules["gohello"] = data
	}
	for name, data := range modules {
		t.Run(name, func(t *testing.T) {
			orig, code, entry := compileAndLoad(t, tier, data)
			require.NotNil(t, code.Tiers[store.TierNative])
			moved := false
			for i := range code.Entries {
				require.Equal(t, orig.Interpreted(uint32(i)), code.Interpreted(uint32(i)), "func %d", i)
				moved = moved || code.Entries[i] != orig.Entries[i]
			}
			require.True(t, moved, "loaded at the compiled code's address")
			require.Equal(t, entry, writeLoaded(t, tier, code))
		})
	}
}

// The SIMD function stays interpreted, after a load too.
func TestCacheKeepsSIMDInterpreted(t *testing.T) {
	tier := newTier(t)
	_, code, _ := compileAndLoad(t, tier, cacheModule)
	require.Equal(t, []bool{false, true, false, false},
		[]bool{code.Interpreted(0), code.Interpreted(1), code.Interpreted(2), code.Interpreted(3)})
}

// A module with no compiled function has an entry too, which loads as
// nothing.
func TestCacheNothingCompiled(t *testing.T) {
	tier := newTier(t)
	data := Module(
		Section(SecType, Vec(FuncType(nil, []byte{I32}))),
		Section(SecFunction, Vec([]byte{0})),
		Section(SecCode, Vec(Body(nil, Cat([]byte{0xFD, 0x0C}, make([]byte, 16), []byte{0xFD, 0x1B, 0, 0x0B})...))),
	)
	orig, entry := compileEntry(t, tier, data)
	code, err := load(tier, orig.Module, entry, cacheKey)
	require.NoError(t, err)
	require.Nil(t, code.Tiers[store.TierNative])
	require.True(t, code.Interpreted(0))
}

// Every change of one byte, every truncation and an extension are caught,
// and nothing is switched to the entry's code.
func TestCacheCorruptEntries(t *testing.T) {
	tier := newTier(t)
	orig, entry := compileEntry(t, tier, cacheModule)
	m := orig.Module
	for i := range entry {
		bad := bytes.Clone(entry)
		bad[i] ^= 0x41
		requireRejected(t, tier, m, bad, "", fmt.Sprintf("byte %d changed", i))
	}
	for n := range len(entry) {
		requireRejected(t, tier, m, entry[:n], "", fmt.Sprintf("truncated to %d", n))
	}
	requireRejected(t, tier, m, append(bytes.Clone(entry), 0), "do not add up", "a byte appended")
	requireRejected(t, tier, m, entry[:len(entry)-1:len(entry)-1], "", "the checksum cut")
}

// The header is checked for what it says, not only by the checksum: an
// entry of another format, architecture, CPU, key or module is refused
// with a checksum that matches.
func TestCacheStaleEntries(t *testing.T) {
	tier := newTier(t)
	orig, entry := compileEntry(t, tier, cacheModule)
	m := orig.Module
	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(entry)
		f(b)
		return reseal(b)
	}
	requireRejected(t, tier, m, edit(func(b []byte) { b[0] = 'T' }), "not a cache entry", "magic")
	requireRejected(t, tier, m, edit(func(b []byte) { le.PutUint32(b[hdrFormat:], jit.CacheFormat+1) }), "format 4, not 3", "format")
	requireRejected(t, tier, m, edit(func(b []byte) { copy(b[hdrArch:], "arm64\x00\x00\x00") }), "for arm64", "arch")
	requireRejected(t, tier, m, edit(func(b []byte) { b[hdrFeatures] ^= 1 }), "CPU features", "features")
	requireRejected(t, tier, m, edit(func(b []byte) { b[hdrKey+31] ^= 1 }), "another module or build", "key")

	_, err := load(tier, m, entry, [32]byte{9})
	require.ErrorIs(t, err, jit.ErrBadCacheEntry, "loaded under another key")

	// An entry of another module under this module's key (as if its key
	// were the same): the functions do not match.
	_, kernelsEntry := compileEntry(t, tier, kernels.Wasm)
	requireRejected(t, tier, m, kernelsEntry, "for a module that defines", "another module's entry")
	other := Module(
		Section(SecType, Vec(FuncType(nil, []byte{I32}))),
		Section(SecFunction, Vec([]byte{0}, []byte{0}, []byte{0}, []byte{0})),
		Section(SecCode, Vec(Body(nil, 0x41, 1, 0x0B), Body(nil, 0x41, 2, 0x0B), Body(nil, 0x41, 3, 0x0B), Body(nil, 0x41, 4, 0x0B))),
	)
	otherModule, err := wasm.Parse(other, wasm.Features2_0)
	require.NoError(t, err)
	requireRejected(t, tier, otherModule, entry, "", "an entry for a module of as many functions")
}

// A function table that lies is refused even with a checksum that matches:
// the loader does not trust the checksum to keep entries within the code.
func TestCacheForgedTables(t *testing.T) {
	tier := newTier(t)
	orig, entry := compileEntry(t, tier, cacheModule)
	m := orig.Module
	nfuncs := int(le.Uint32(entry[hdrFuncs:]))
	require.Equal(t, 3, nfuncs, "funcs 1, 3 and 4 compiled")
	codeSize := le.Uint32(entry[hdrCodeSize:])
	nsites := int(le.Uint32(entry[hdrSites:]))
	row := func(k, field int) int { return hdrSize + rowSize*k + 4*field } // index, start, end, sites, OSR entries
	site := func(j, field int) int { return hdrSize + rowSize*nfuncs + 8*j + 4*field }
	osr := func(j, field int) int { return site(nsites+j, field) }
	u32 := func(b []byte, at int) uint32 { return le.Uint32(b[at:]) }
	set := func(b []byte, at int, v uint32) { le.PutUint32(b[at:], v) }
	require.NotZero(t, u32(entry, row(0, 3)), "the first function has sites")
	require.Equal(t, []uint32{0, 2, 0}, []uint32{u32(entry, row(0, 4)), u32(entry, row(1, 4)), u32(entry, row(2, 4))}, "OSR entries")

	for _, c := range []struct {
		name, reason string
		edit         func(b []byte)
	}{
		{"end beyond the code", "is not after", func(b []byte) { set(b, row(nfuncs-1, 2), codeSize+16) }},
		{"start unaligned", "is not after", func(b []byte) { set(b, row(1, 1), u32(b, row(1, 1))+1) }},
		{"overlapping the previous function", "is not after", func(b []byte) { set(b, row(1, 1), u32(b, row(0, 1))) }},
		{"empty", "is not after", func(b []byte) { set(b, row(0, 2), u32(b, row(0, 1))) }},
		{"an import", "not a function the module defines", func(b []byte) { set(b, row(0, 0), 0) }},
		{"beyond the functions", "not a function the module defines", func(b []byte) { set(b, row(0, 0), 5) }},
		{"far beyond", "not a function the module defines", func(b []byte) { set(b, row(0, 0), 0xFFFFFFFF) }},
		{"twice", "twice", func(b []byte) { set(b, row(1, 0), u32(b, row(0, 0))) }},
		{"the SIMD function", "uses v128 values", func(b []byte) { set(b, row(0, 0), 2) }},
		{"sites moved between functions", "site", func(b []byte) {
			set(b, row(0, 3), u32(b, row(0, 3))+u32(b, row(1, 3)))
			set(b, row(1, 3), 0)
		}},
		{"more sites than there are", "sites, ", func(b []byte) { set(b, row(0, 3), u32(b, row(0, 3))+1000) }},
		{"fewer sites than there are", "the functions have", func(b []byte) { set(b, row(nfuncs-1, 3), u32(b, row(nfuncs-1, 3))-1) }},
		{"a site beyond its function", "beyond its", func(b []byte) { set(b, site(0, 0), u32(b, row(0, 2))-u32(b, row(0, 1))) }},
		{"a site outside its body", "outside the body", func(b []byte) { set(b, site(0, 1), 0) }},
		{"sites out of order", "before the previous", func(b []byte) {
			n := u32(b, row(0, 3))
			require.GreaterOrEqual(t, n, uint32(2))
			set(b, site(1, 0), u32(b, site(0, 0))-1)
		}},
		{"OSR entries moved between functions", "OSR entry", func(b []byte) {
			set(b, row(0, 4), 1)
			set(b, row(1, 4), 1)
		}},
		{"more OSR entries than there are", "OSR entries, ", func(b []byte) { set(b, row(1, 4), 3) }},
		{"fewer OSR entries than there are", "the functions have", func(b []byte) { set(b, row(1, 4), 1) }},
		{"an OSR entry beyond its function", "beyond its", func(b []byte) { set(b, osr(0, 0), u32(b, row(1, 2))-u32(b, row(1, 1))) }},
		{"an OSR entry outside its body", "not a loop", func(b []byte) { set(b, osr(0, 1), 0) }},
		{"an OSR entry for another instruction", "not a loop", func(b []byte) { set(b, osr(1, 1), u32(b, osr(1, 1))+2) }},
		{"OSR entries out of order", "not after the previous", func(b []byte) {
			first, second := u32(b, osr(0, 1)), u32(b, osr(1, 1))
			set(b, osr(0, 1), second)
			set(b, osr(1, 1), first)
		}},
		{"an OSR entry twice", "not after the previous", func(b []byte) { set(b, osr(1, 1), u32(b, osr(0, 1))) }},
		{"OSR entries count", "the functions have", func(b []byte) { set(b, hdrOSRs, u32(b, hdrOSRs)+1) }},
		{"fewer functions", "padding before the code", func(b []byte) { set(b, hdrFuncs, uint32(nfuncs-1)) }},
		{"more functions than defined", "5 functions of 4", func(b []byte) { set(b, hdrFuncs, 5) }},
		{"defined count", "for a module that defines 5 functions, not 4", func(b []byte) { set(b, hdrDefined, 5) }},
		{"sites count", "", func(b []byte) { set(b, hdrSites, u32(b, hdrSites)+1) }},
		{"code offset", "do not add up", func(b []byte) { set(b, hdrCodeOffset, u32(b, hdrCodeOffset)+16) }},
		{"code size", "do not add up", func(b []byte) { set(b, hdrCodeSize, codeSize-16) }},
	} {
		b := bytes.Clone(entry)
		c.edit(b)
		requireRejected(t, tier, m, reseal(b), c.reason, c.name)
	}

	// The last function (which has no OSR entries) left out, the entry
	// otherwise well formed.
	require.Zero(t, u32(entry, row(nfuncs-1, 4)))
	kept := nsites - int(u32(entry, row(nfuncs-1, 3)))
	nosr := int(u32(entry, hdrOSRs))
	tableEnd := hdrSize + rowSize*(nfuncs-1) + 8*(kept+nosr)
	codeOffset := (tableEnd + 4095) &^ 4095
	b := make([]byte, codeOffset, codeOffset+int(codeSize)+4)
	copy(b, entry[:hdrSize])
	set(b, hdrFuncs, uint32(nfuncs-1))
	set(b, hdrSites, uint32(kept))
	set(b, hdrCodeOffset, uint32(codeOffset))
	copy(b[hdrSize:], entry[row(0, 0):row(nfuncs-1, 0)])
	at := hdrSize + rowSize*(nfuncs-1)
	at += copy(b[at:], entry[site(0, 0):site(kept, 0)])
	copy(b[at:], entry[osr(0, 0):osr(nosr, 0)])
	b = append(b, entry[u32(entry, hdrCodeOffset):]...)
	requireRejected(t, tier, m, reseal(b), "func 4 missing", "a function left out")

	// The padding before the code is zeros: anything else is another
	// entry.
	pad := osr(nosr, 0)
	if pad < int(le.Uint32(entry[hdrCodeOffset:])) {
		b := bytes.Clone(entry)
		b[pad] = 1
		requireRejected(t, tier, m, reseal(b), "padding", "padding")
	}
}

// noPopcnt is amd64 on a CPU without POPCNT, as far as the backend
// knows: functions that count bits stay interpreted.
type noPopcnt struct{ amd64.Arch }

func (noPopcnt) NewBackend() jit.Backend { return popcntless{amd64.New()} }

type popcntless struct{ *amd64.Backend }

func (b popcntless) Op(c *jit.Compiler, op wasm.Opcode) bool {
	return op != wasm.OpI32Popcnt && b.Backend.Op(c, op)
}

// Modules whose functions the JIT left to the interpreter for another
// reason than SIMD cannot be cached: a loader could not tell which
// functions their entry must hold.
func TestCacheUncacheable(t *testing.T) {
	newTier(t)
	tier, err := jit.NewTier(noPopcnt{})
	require.NoError(t, err)
	data := Module(
		Section(SecType, Vec(FuncType([]byte{I32}, []byte{I32}))),
		Section(SecFunction, Vec([]byte{0}, []byte{0})),
		Section(SecCode, Vec(Body(nil, 0x20, 0, 0x69, 0x0B), Body(nil, 0x20, 0, 0x0B))), // i32.popcnt; local.get
	)
	m, err := wasm.Parse(data, wasm.Features2_0)
	require.NoError(t, err)
	code := store.NewCode(m, tier.InterpEntry())
	batch, err := tier.CompileWhole(code, 1, nil)
	require.NoError(t, err)
	require.NoError(t, tier.Install(code, batch))
	t.Cleanup(func() { _ = code.Close() })
	require.True(t, code.Interpreted(0))
	require.False(t, code.Interpreted(1))
	var buf bytes.Buffer
	require.ErrorIs(t, tier.WriteCache(&buf, m, batch, cacheKey), jit.ErrUncacheable)
}

// FuzzLoadCache gives the loader entries for cacheModule, most with a
// checksum that matches (sealed), so that the checks behind the checksum
// get the fuzzer's attention. It must refuse them with ErrBadCacheEntry,
// switching nothing, or accept exactly what WriteCache writes.
func FuzzLoadCache(f *testing.F) {
	tier := newTier(f)
	orig, entry := compileEntry(f, tier, cacheModule)
	m := orig.Module
	body := entry[:len(entry)-4]
	f.Add(body, true)
	f.Add(entry, false)
	short := bytes.Clone(body)
	le.PutUint32(short[hdrCodeSize:], 0)
	f.Add(short, true)
	f.Fuzz(func(t *testing.T, data []byte, sealed bool) {
		if sealed {
			data = reseal(append(bytes.Clone(data), 0, 0, 0, 0))
		}
		code, err := load(tier, m, data, cacheKey)
		if err != nil {
			require.ErrorIs(t, err, jit.ErrBadCacheEntry)
			require.Nil(t, code.Tiers[store.TierNative])
			for i := range code.Entries {
				require.True(t, code.Interpreted(uint32(i)))
			}
			return
		}
		defer code.Close()
		require.Equal(t, data, writeLoaded(t, tier, code))
	})
}

// OSR entries load with the code: every loop that had one in the compiled
// code has one at the same place in the loaded code.
func TestCacheKeepsOSREntries(t *testing.T) {
	tier := newTier(t)
	orig, code, _ := compileAndLoad(t, tier, cacheModule)
	const fn = 2 // func 3, the one with loops
	found := 0
	for off := range uint32(len(cacheModule)) {
		want := tier.OSREntry(orig.Entries[fn], off)
		got := tier.OSREntry(code.Entries[fn], off)
		if want == 0 {
			require.Zero(t, got, "offset %#x", off)
			continue
		}
		found++
		require.Equal(t, want-orig.Entries[fn], got-code.Entries[fn], "offset %#x", off)
	}
	require.Equal(t, 2, found, "OSR entries of the two loops")
}

// An entry read from a file has its code mapped from the file rather than
// copied: it loads as one read from memory does, and a byte changed in
// its code is caught all the same.
func TestCacheFromFile(t *testing.T) {
	tier := newTier(t)
	orig, entry := compileEntry(t, tier, kernels.Wasm)
	codeAt := int(le.Uint32(entry[hdrCodeOffset:]))
	require.Zero(t, codeAt%os.Getpagesize())
	bad := bytes.Clone(entry)
	bad[codeAt+100] ^= 1
	for name, data := range map[string][]byte{"good": entry, "bad": bad} {
		path := filepath.Join(t.TempDir(), "entry")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		code := store.NewCode(orig.Module, tier.InterpEntry())
		e, err := tier.ReadCache(f, int64(len(data)), cacheKey)
		if name == "bad" {
			require.ErrorIs(t, err, jit.ErrBadCacheEntry)
			require.Contains(t, err.Error(), "checksum")
			continue
		}
		require.NoError(t, err)
		require.NoError(t, tier.LoadCache(code, e))
		t.Cleanup(func() { _ = code.Close() })
		require.Equal(t, entry, writeLoaded(t, tier, code))
	}
}
