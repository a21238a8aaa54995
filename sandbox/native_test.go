//go:build linux && (amd64 || arm64)

package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// load loads text and closes it when the test ends.
func load(t testing.TB, text []byte) *Executable {
	t.Helper()
	c, err := LoadCode(text)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// stack takes a stack of the default size from a pool of its own.
func stack(t testing.TB) *Stack {
	t.Helper()
	p := NewStackPool(0, 1)
	t.Cleanup(p.Close)
	s, err := p.Get()
	require.NoError(t, err)
	t.Cleanup(func() { p.Put(s) })
	return s
}

// runOnce enters code at entry on a thread of its own.
func runOnce(code *Executable, entry uintptr, ctx *Context, s *Stack) (Trap, error) {
	th, err := NewThread(ctx, s)
	if err != nil {
		return TrapNone, err
	}
	return th.Enter(code, entry)
}

// memorySize is the committed prefix of the memory reserveMemory maps.
const memorySize = 64 << 10

// memoryReservation is the address space a 32-bit linear memory reserves.
const memoryReservation = 8 << 30

// reserveMemory maps a linear memory as the memory pool does: 8 GiB of
// address space with memorySize bytes accessible, the whole registered as an
// out-of-bounds guard region.
func reserveMemory(t testing.TB) []byte {
	t.Helper()
	r, err := unix.Mmap(-1, 0, memoryReservation, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	require.NoError(t, err)
	require.NoError(t, unix.Mprotect(r[:memorySize], unix.PROT_READ|unix.PROT_WRITE))
	lo := addrOf(r)
	require.NoError(t, RegisterGuard(lo, lo+memoryReservation, TrapOutOfBounds))
	t.Cleanup(func() {
		require.NoError(t, UnregisterGuard(lo, lo+memoryReservation))
		require.NoError(t, unix.Munmap(r))
	})
	return r
}

func TestReturn(t *testing.T) {
	code := load(t, genReturn(newGen(t)))
	ctx := &testContext{}
	ctx.Trap, ctx.FaultPC = TrapStackExhausted, 1 // a previous run's
	trap, err := runOnce(code, code.Addr(), &ctx.Context, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Equal(t, Context{goSP: ctx.goSP, resume: ctx.resume, trapStub: ctx.trapStub, exitStub: ctx.exitStub}, ctx.Context, "trap fields cleared")
}

func TestExplicitTrap(t *testing.T) {
	code := load(t, genTrap(newGen(t)))
	s := stack(t)
	for _, kind := range []Trap{1, TrapOutOfBounds, 11, 0xffffffff} {
		ctx := &testContext{trap: uint64(kind), index: 0xdead0000 + uintptr(kind)}
		trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
		require.NoError(t, err)
		require.Equal(t, kind, trap)
		require.Equal(t, kind, ctx.Trap)
		require.Equal(t, uintptr(trapPCMarker), ctx.FaultPC)
		require.Equal(t, ctx.index, ctx.FaultAddr)
	}
}

func TestMemoryAccess(t *testing.T) {
	r := reserveMemory(t)
	base := addrOf(r)
	s := stack(t)
	for _, width := range []int{1, 2, 4, 8, 16} {
		for _, store := range []bool{false, true} {
			name := fmt.Sprintf("load%d", width*8)
			if store {
				name = fmt.Sprintf("store%d", width*8)
			}
			t.Run(name, func(t *testing.T) {
				text, accessPC := genAccess(newGen(t), width, store)
				code := load(t, text)

				last := memorySize - width
				want := make([]byte, 16)
				for i := range want[:width] {
					want[i] = byte(0xa0 + i)
				}
				clear(r[last:memorySize])
				if !store {
					copy(r[last:], want[:width])
				}
				ctx := &testContext{base: base, index: uintptr(last)}
				ctx.result[0] = binary.LittleEndian.Uint64(want[:8])
				ctx.result[1] = binary.LittleEndian.Uint64(want[8:])
				if !store {
					ctx.result = [2]uint64{}
				}
				trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
				require.NoError(t, err)
				require.Equal(t, TrapNone, trap, "access ending at the last byte")
				require.Equal(t, want[:width], r[last:memorySize])
				got := binary.LittleEndian.AppendUint64(nil, ctx.result[0])
				got = binary.LittleEndian.AppendUint64(got, ctx.result[1])
				require.Equal(t, want[:width], got[:width])

				beyond := []uintptr{memorySize, 1<<32 + 12345, memoryReservation - uintptr(width)}
				if width > 1 {
					beyond = append(beyond, uintptr(last)+1)
				}
				for _, index := range beyond {
					ctx.index = index
					trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
					require.NoError(t, err)
					require.Equal(t, TrapOutOfBounds, trap, "index %#x", index)
					require.Equal(t, code.Addr()+uintptr(accessPC), ctx.FaultPC, "index %#x", index)
					// A partly accessible access faults at its first
					// inaccessible byte, or at its start.
					first := base + max(index, memorySize)
					require.GreaterOrEqual(t, ctx.FaultAddr, base+index, "index %#x", index)
					require.LessOrEqual(t, ctx.FaultAddr, first, "index %#x", index)
				}
			})
		}
	}
}

func TestStackExhausted(t *testing.T) {
	code := load(t, genRecurse(newGen(t)))
	s := stack(t)
	ctx := &testContext{limit: 100, fn: code.Addr()}
	trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Equal(t, uint64(100), ctx.depth)

	ctx.depth, ctx.limit = 0, 1<<40
	trap, err = runOnce(code, code.Addr(), &ctx.Context, s)
	require.NoError(t, err)
	require.Equal(t, TrapStackExhausted, trap)
	guard := addrOf(s.mem)
	require.GreaterOrEqual(t, ctx.FaultAddr, guard)
	require.Less(t, ctx.FaultAddr, guard+GuardSize)
	require.GreaterOrEqual(t, ctx.FaultPC, code.Addr())
	require.Less(t, ctx.FaultPC, code.Addr()+uintptr(code.Len()))
	// 64-byte frames: the depth reached says the whole stack was used.
	require.InDelta(t, s.Size()/64, int(ctx.depth), 2)

	ctx.depth, ctx.limit = 0, 1000
	trap, err = runOnce(code, code.Addr(), &ctx.Context, s)
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap, "the stack is usable after overflowing")
	require.Equal(t, uint64(1000), ctx.depth)
}

func TestRunArguments(t *testing.T) {
	code := load(t, genReturn(newGen(t)))
	s := stack(t)
	ctx := &Context{}
	for _, tc := range []struct {
		name  string
		code  *Executable
		entry uintptr
		ctx   *Context
		s     *Stack
	}{
		{"nil code", nil, 0, ctx, s},
		{"nil context", code, code.Addr(), nil, s},
		{"nil stack", code, code.Addr(), ctx, nil},
		{"entry before the code", code, code.Addr() - 1, ctx, s},
		{"entry after the code", code, code.Addr() + uintptr(code.Len()), ctx, s},
		{"zero code", &Executable{}, 0, ctx, s},
		{"zero stack", code, code.Addr(), ctx, &Stack{}},
	} {
		_, err := runOnce(tc.code, tc.entry, tc.ctx, tc.s)
		require.ErrorIs(t, err, ErrBadRun, tc.name)
	}

	require.NoError(t, code.Close())
	_, err := runOnce(code, code.Addr(), ctx, s)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, code.Close(), ErrClosed)
}

func TestLoadCodeErrors(t *testing.T) {
	_, err := LoadCode(nil)
	require.ErrorIs(t, err, ErrEmptyCode)
	_, err = LoadCode([]byte{})
	require.True(t, errors.Is(err, ErrEmptyCode))
	_, err = LoadCode()
	require.ErrorIs(t, err, ErrEmptyCode)
	_, err = LoadCode(nil, []byte{})
	require.ErrorIs(t, err, ErrEmptyCode)
}

// TestLoadCodePieces checks that texts given in pieces are laid out one
// after another, with nothing between them.
func TestLoadCodePieces(t *testing.T) {
	a, b, c := []byte{1, 2, 3}, []byte{}, []byte{4, 5, 6, 7, 8}
	code, err := LoadCode(a, b, c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = code.Close() })
	require.Equal(t, 8, code.Len())
	require.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8}, code.mem[:8])
}

// TestCodeBuffer checks code written in place: it runs once loaded, its
// bytes are readable and no longer writable, and a buffer is used once.
func TestCodeBuffer(t *testing.T) {
	_, err := NewCodeBuffer(0)
	require.ErrorIs(t, err, ErrEmptyCode)

	text := genReturn(newGen(t))
	b, err := NewCodeBuffer(len(text))
	require.NoError(t, err)
	require.Len(t, b.Bytes(), len(text))
	copy(b.Bytes(), text)
	code, err := b.Load()
	require.NoError(t, err)
	t.Cleanup(func() { _ = code.Close() })
	require.Equal(t, text, code.Code())
	trap, err := runOnce(code, code.Addr(), &Context{}, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.Equal(t, "r-xp", mappingPerms(t, code.Addr()))

	_, err = b.Load()
	require.ErrorIs(t, err, ErrClosed)
	require.NoError(t, b.Discard(), "a loaded buffer has nothing to discard")

	// Megabytes of code start on a huge-page boundary, and are unmapped
	// whole.
	big, err := NewCodeBuffer(3<<20 + 5)
	require.NoError(t, err)
	copy(big.Bytes(), text)
	bigCode, err := big.Load()
	require.NoError(t, err)
	require.Zero(t, bigCode.Addr()%hugePage)
	require.Equal(t, 3<<20+5, bigCode.Len())
	require.Equal(t, "r-xp", mappingPerms(t, bigCode.Addr()))
	trap, err = runOnce(bigCode, bigCode.Addr(), &Context{}, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.NoError(t, bigCode.Close())
	require.Equal(t, "", mappingPerms(t, bigCode.Addr()))

	d, err := NewCodeBuffer(100)
	require.NoError(t, err)
	require.NoError(t, d.Discard())
	_, err = d.Load()
	require.ErrorIs(t, err, ErrClosed)
}

var sinkArray *[8]uint64

// Generated code may use the registers abi.go gives it, Go's reserved ones
// on amd64 included: Go runs on correctly afterwards.
func TestClobberedRegisters(t *testing.T) {
	code := load(t, genClobber(newGen(t)))
	s := stack(t)
	for range 3 {
		trap, err := runOnce(code, code.Addr(), &Context{}, s)
		require.NoError(t, err)
		require.Equal(t, TrapNone, trap)
		sinkArray = &[8]uint64{} // zeroed with X15 on amd64
		require.Equal(t, [8]uint64{}, *sinkArray)
		m := map[string]int{"a": 1}
		m[fmt.Sprint(len(m))] = 2
		require.Len(t, m, 2)
	}
}

// guarded reports whether addr lies in a registered guard region.
func guarded(addr uintptr) bool {
	for _, s := range currentTable().spans {
		if s.lo <= addr && addr < s.hi && s.kind != uint64(TrapNone) {
			return true
		}
	}
	return false
}

// TestPoolMemoryIsAGuardRegion runs generated loads against a memory of the
// pool: past its committed pages they trap, after a grow they do not, and
// the reservation stops being a guard region when the pool releases it.
func TestPoolMemoryIsAGuardRegion(t *testing.T) {
	p := NewPool(1)
	m, err := p.Get(1, 2, nil)
	require.NoError(t, err)
	base := addrOf(m.region)
	require.True(t, guarded(base+reservation-1))
	text, _ := genAccess(newGen(t), 8, false)
	code := load(t, text)
	s := stack(t)
	run := func(index uintptr) Trap {
		ctx := &testContext{base: base, index: index}
		trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
		require.NoError(t, err)
		return trap
	}
	require.Equal(t, TrapNone, run(PageSize-8))
	require.Equal(t, TrapOutOfBounds, run(PageSize-4))
	require.Equal(t, TrapOutOfBounds, run(1<<33-8))
	_, err = m.Grow(1)
	require.NoError(t, err)
	require.Equal(t, TrapNone, run(PageSize-4), "committed by grow")
	p.Put(m)
	p.Close()
	require.False(t, guarded(base), "released with the reservation")
}

// MapCode maps code from a file at a page offset: it runs once loaded,
// is never writable, and unmaps on Close; an offset off a page fails.
func TestMapCode(t *testing.T) {
	text := genReturn(newGen(t))
	page := os.Getpagesize()
	path := filepath.Join(t.TempDir(), "code")
	require.NoError(t, os.WriteFile(path, append(make([]byte, page), text...), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	_, err = MapCode(f, int64(page), 0)
	require.ErrorIs(t, err, ErrEmptyCode)
	_, err = MapCode(f, 1, len(text))
	require.Error(t, err, "offset off a page")

	b, err := MapCode(f, int64(page), len(text))
	require.NoError(t, err)
	require.Equal(t, text, b.Bytes())
	code, err := b.Load()
	require.NoError(t, err)
	require.Equal(t, "r-xp", mappingPerms(t, code.Addr()))
	trap, err := runOnce(code, code.Addr(), &Context{}, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapNone, trap)
	require.NoError(t, code.Close())
	require.Equal(t, "", mappingPerms(t, code.Addr()))

	d, err := MapCode(f, int64(page), len(text))
	require.NoError(t, err)
	require.NoError(t, d.Discard())
}
