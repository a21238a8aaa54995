package sandbox

import (
	"cmp"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// lookupSpan returns the span containing addr, as the signal handler finds
// it.
func lookupSpan(addr uintptr) (span, bool) {
	spans := currentTable().spans
	i, found := slices.BinarySearchFunc(spans, addr, func(e span, a uintptr) int { return cmp.Compare(e.lo, a) })
	if !found {
		i--
	}
	if i < 0 || addr >= spans[i].hi {
		return span{}, false
	}
	return spans[i], true
}

// Addresses no process can map, so that these spans meet no real one.
const unmappable = ^uintptr(0) &^ (1<<24 - 1)

func TestSpanTable(t *testing.T) {
	a := span{lo: unmappable + 0x1000, hi: unmappable + 0x2000, kind: uint64(TrapOutOfBounds)}
	b := span{lo: unmappable + 0x3000, hi: unmappable + 0x4000}
	require.NoError(t, addSpan(b))
	require.NoError(t, addSpan(a))
	for _, s := range []span{
		{lo: a.lo, hi: a.hi},
		{lo: a.lo - 0x800, hi: a.lo + 1},
		{lo: a.hi - 1, hi: b.lo},
		{lo: a.lo - 1, hi: b.hi + 1},
		{lo: b.hi - 1, hi: b.hi + 0x1000},
	} {
		require.ErrorIs(t, addSpan(s), ErrOverlap, "%#x", s)
	}
	require.Error(t, addSpan(span{lo: a.hi, hi: a.hi}), "empty")

	for addr, want := range map[uintptr]span{a.lo: a, a.hi - 1: a, b.lo: b, b.lo + 5: b} {
		got, ok := lookupSpan(addr)
		require.True(t, ok, "%#x", addr)
		require.Equal(t, want, got)
	}
	for _, addr := range []uintptr{a.lo - 1, a.hi, b.lo - 1, b.hi, 0} {
		_, ok := lookupSpan(addr)
		require.False(t, ok, "%#x", addr)
	}
	spans := currentTable().spans
	require.True(t, slices.IsSortedFunc(spans, func(x, y span) int { return cmp.Compare(x.lo, y.lo) }))

	require.ErrorIs(t, removeSpan(a.lo, a.hi, true), ErrNotRegistered, "a guard is not code")
	require.ErrorIs(t, removeSpan(b.lo, b.hi, false), ErrNotRegistered, "code is not a guard")
	require.ErrorIs(t, removeSpan(a.lo, a.hi-1, false), ErrNotRegistered, "other bounds")
	require.NoError(t, removeSpan(a.lo, a.hi, false))
	require.NoError(t, removeSpan(b.lo, b.hi, true))
	_, ok := lookupSpan(a.lo)
	require.False(t, ok)
	require.ErrorIs(t, UnregisterGuard(a.lo, a.hi), ErrNotRegistered)
}

func TestRegisterGuardNeedsKind(t *testing.T) {
	require.Error(t, RegisterGuard(unmappable, unmappable+1, TrapNone))
}

// A table replaced while a handler may be reading it stays reachable until a
// writer sees no handler running.
func TestRetiredTables(t *testing.T) {
	s := span{lo: unmappable + 0x10000, hi: unmappable + 0x20000, kind: uint64(TrapOutOfBounds)}
	before := currentTable()
	atomic.AddUint64(&tableReaders, 1) // as a handler does
	require.NoError(t, addSpan(s))
	tableMu.Lock()
	require.Contains(t, retired, before)
	tableMu.Unlock()

	atomic.AddUint64(&tableReaders, ^uint64(0))
	require.NoError(t, removeSpan(s.lo, s.hi, false))
	tableMu.Lock()
	defer tableMu.Unlock()
	require.Empty(t, retired)
}
