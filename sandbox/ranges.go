package sandbox

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// ErrOverlap reports a range that overlaps one already registered.
var ErrOverlap = errors.New("sandbox: range overlaps a registered one")

// ErrNotRegistered reports the removal of a range that is not registered.
var ErrNotRegistered = errors.New("sandbox: range not registered")

// span is one registered address range [lo, hi): loaded code when kind is
// TrapNone, a guard region whose faults are traps of that kind otherwise.
type span struct {
	lo, hi uintptr
	kind   uint64
}

// spanTable is what the signal handler searches: spans sorted by lo, never
// overlapping. A published table is never modified.
type spanTable struct {
	spans []span
}

var (
	// tableMu serializes writers of table.
	tableMu sync.Mutex
	// table points to the published spanTable. The signal handler loads it
	// without locks, between incrementing and decrementing tableReaders.
	table = unsafe.Pointer(&spanTable{})
	// tableReaders counts signal handlers that may be searching a table.
	tableReaders uint64
	// retired keeps superseded tables reachable while a handler may still
	// be searching them (see publish).
	retired []*spanTable
)

// publish replaces the table; tableMu must be held.
//
// A handler on another thread may have loaded the old table just before the
// swap and still be searching it, and the garbage collector does not see a
// signal handler's registers: the old table goes to retired. Every handler
// increments tableReaders before it loads the table and decrements it after
// its last read, so once a writer sees the count at zero after retiring a
// table, no handler can still hold it, and the retired tables are dropped.
func publish(t *spanTable) {
	old := (*spanTable)(atomic.SwapPointer(&table, unsafe.Pointer(t)))
	retired = append(retired, old)
	if atomic.LoadUint64(&tableReaders) == 0 {
		clear(retired)
		retired = retired[:0]
	}
}

func currentTable() *spanTable { return (*spanTable)(atomic.LoadPointer(&table)) }

// addSpan registers s, which must not overlap a registered span.
func addSpan(s span) error {
	if s.lo >= s.hi {
		return fmt.Errorf("sandbox: empty range [%#x, %#x)", s.lo, s.hi)
	}
	tableMu.Lock()
	defer tableMu.Unlock()
	spans := currentTable().spans
	i, _ := slices.BinarySearchFunc(spans, s.lo, func(e span, lo uintptr) int { return cmp.Compare(e.lo, lo) })
	if (i > 0 && spans[i-1].hi > s.lo) || (i < len(spans) && spans[i].lo < s.hi) {
		return fmt.Errorf("%w: [%#x, %#x)", ErrOverlap, s.lo, s.hi)
	}
	publish(&spanTable{spans: slices.Insert(slices.Clone(spans), i, s)})
	return nil
}

// removeSpan unregisters the span [lo, hi), which must be code when code is
// set and a guard region otherwise.
func removeSpan(lo, hi uintptr, code bool) error {
	tableMu.Lock()
	defer tableMu.Unlock()
	spans := currentTable().spans
	i, found := slices.BinarySearchFunc(spans, lo, func(e span, lo uintptr) int { return cmp.Compare(e.lo, lo) })
	if !found || spans[i].hi != hi || (spans[i].kind == uint64(TrapNone)) != code {
		return fmt.Errorf("%w: [%#x, %#x)", ErrNotRegistered, lo, hi)
	}
	publish(&spanTable{spans: slices.Delete(slices.Clone(spans), i, i+1)})
	return nil
}

// RegisterGuard makes a fault of generated code at an address in [lo, hi) a
// trap of the given kind. A linear memory registers its whole reservation
// with TrapOutOfBounds: its accessible pages never fault, and every other
// address in it is out of bounds. Faults of Go code there stay Go's. The
// range must not overlap a registered one.
func RegisterGuard(lo, hi uintptr, kind Trap) error {
	if kind == TrapNone {
		return fmt.Errorf("sandbox: guard [%#x, %#x) needs a trap kind", lo, hi)
	}
	if err := installHandler(); err != nil {
		return err
	}
	return addSpan(span{lo: lo, hi: hi, kind: uint64(kind)})
}

// UnregisterGuard removes the guard region [lo, hi) that RegisterGuard
// registered. Do it before the range is unmapped: the address space may be
// reused.
func UnregisterGuard(lo, hi uintptr) error {
	return removeSpan(lo, hi, false)
}
