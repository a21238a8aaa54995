// Package sandbox provides the isolation primitives the execution tiers
// share. This file and its platform halves implement linear memory.
//
// On linux a Memory is one reservation of address space large enough that
// base + any 32-bit index + any 32-bit offset + the largest access lands
// either in committed pages or in PROT_NONE pages: generated code needs no
// bounds checks, since an out-of-bounds access faults. The interpreter sees
// the committed prefix as an ordinary slice. Reservations are pooled (see
// Pool): address space is a budget, and resetting a used memory is cheaper
// than mapping a new one. Elsewhere a Memory is a plain Go slice.
package sandbox

import (
	"errors"
	"fmt"
	"os"
)

// PageSize is the WebAssembly page size.
const PageSize = 65536

// MaxPages is the largest number of pages a 32-bit memory may have.
const MaxPages = 65536

// ErrAddressSpace reports that the pool's budget of reservations is spent.
var ErrAddressSpace = errors.New("sandbox: address-space budget for linear memories exhausted")

// ErrGrow reports a grow beyond the memory's maximum.
var ErrGrow = errors.New("sandbox: memory cannot grow beyond its maximum")

// GuardedMemory is one linear memory. It is not safe for concurrent use.
type GuardedMemory struct {
	// region is the whole reservation on platforms that reserve; its first
	// len(bytes) bytes are committed.
	region []byte
	bytes  []byte
	// rw is how much of region is readable and writable, at least
	// len(bytes): pages stay committed across reuse, so that taking a
	// memory from the pool needs no system call when sizes match.
	rw  int
	max uint32 // pages
	// image is the image at the front of the memory, if any: mapped
	// there, in which case resetting restores it and the next tenant of
	// the same image needs no system call, or copied there by Get, in
	// which case resetting leaves its first kept bytes alone, for the next
	// tenant of the same image gets it copied over them again and any
	// other gets them cleared (see init).
	image *Image
	kept  int
	pool  *Pool // the pool it came from
	// resident is how many bytes from the start are known to be resident
	// anonymous pages, which reset clears without asking the kernel.
	resident int
	// mincore is reset's buffer for the residency of larger memories.
	mincore []byte
	// pagemap is reset's buffer for the state of a mapped image's pages.
	pagemap []byte
}

// Release gives the memory back to its pool (see Pool.Put).
func (m *GuardedMemory) Release() { m.pool.Put(m) }

// Bytes returns the committed memory. The slice is invalidated by Grow.
func (m *GuardedMemory) Bytes() []byte { return m.bytes }

// Pages returns the committed size in pages.
func (m *GuardedMemory) Pages() uint32 { return uint32(len(m.bytes) / PageSize) }

// Max returns the largest size Grow allows, in pages.
func (m *GuardedMemory) Max() uint32 { return m.max }

// Grow commits delta more pages and returns the previous size in pages. The
// new pages read as zero.
func (m *GuardedMemory) Grow(delta uint32) (uint32, error) {
	old := m.Pages()
	if uint64(old)+uint64(delta) > uint64(m.max) {
		return old, fmt.Errorf("%w: %d + %d pages > %d", ErrGrow, old, delta, m.max)
	}
	if delta == 0 {
		return old, nil
	}
	if err := m.commit(int(old+delta) * PageSize); err != nil {
		return old, err
	}
	return old, nil
}

// dropImage removes what an image left at the front: a mapping is replaced
// by zero pages, a copy's kept bytes are cleared.
func (m *GuardedMemory) dropImage() error {
	if m.image == nil {
		return nil
	}
	if m.image.Mapped() {
		return m.unmapImage()
	}
	err := m.clearTouched(0, m.kept)
	m.image, m.kept = nil, 0
	return err
}

// Prefault makes the pages that lie wholly within b resident and writable
// in one call, for a fresh buffer about to be written from end to end (the
// JIT's code buffers): on the VMs we measure on, a page fault costs 20-30 µs
// and prefaulting 1.4 µs a page (BenchmarkPageFault). It does nothing where
// it cannot.
func Prefault(b []byte) {
	page := uintptr(os.Getpagesize())
	lo := addrOf(b)
	start := (lo + page - 1) &^ (page - 1)
	end := (lo + uintptr(len(b))) &^ (page - 1)
	if end > start {
		prefault(b[start-lo : end-lo])
	}
}
