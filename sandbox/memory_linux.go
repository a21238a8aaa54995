//go:build amd64 || arm64

package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// reservation is the address space reserved per memory: every 32-bit index
// plus every 32-bit offset, plus one page for the widest access past them.
const reservation = 1<<33 + PageSize

// Guarded reports whether memories are guard-page reservations, so that
// out-of-bounds accesses fault instead of needing explicit checks.
const Guarded = true

// reserve maps a reservation and, where generated code runs, registers it
// as an out-of-bounds guard region: a fault of generated code anywhere in it
// lies past the committed pages, and is a trap.
func reserve() ([]byte, error) {
	r, err := unix.Mmap(-1, 0, reservation, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reserve %d bytes of address space: %w", reservation, err)
	}
	if Native {
		lo := addrOf(r)
		if err := RegisterGuard(lo, lo+reservation, TrapOutOfBounds); err != nil {
			_ = unix.Munmap(r)
			return nil, err
		}
	}
	return r, nil
}

// unreserve unregisters a reservation, then unmaps it: the other way round,
// the address space could be mapped again while still a guard region.
func unreserve(r []byte) error {
	if Native {
		lo := addrOf(r)
		if err := UnregisterGuard(lo, lo+reservation); err != nil {
			return err
		}
	}
	return unix.Munmap(r)
}

// keepResident is how much of a memory reset keeps in place: the pages a
// tenant touched there are cleared, not given back to the kernel. On the
// Firecracker VMs we measure on, faulting in a fresh page costs 12-15 µs
// (BenchmarkPageFault), clearing a resident one about 0.1 µs, so a tenant
// that finds its pages resident starts far faster; the price is the idle
// pool's resident memory, bounded by this.
const keepResident = 64 << 20

// commit makes exactly the first n bytes accessible: pages beyond n that an
// earlier tenant had committed are protected again, so that accesses past
// the memory's size still fault.
func (m *GuardedMemory) commit(n int) error {
	switch {
	case n > m.rw:
		if err := unix.Mprotect(m.region[m.rw:n], unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return fmt.Errorf("sandbox: commit memory: %w", err)
		}
	case n < m.rw:
		if err := unix.Mprotect(m.region[n:m.rw], unix.PROT_NONE); err != nil {
			return fmt.Errorf("sandbox: protect memory: %w", err)
		}
	}
	m.rw = n
	m.bytes = m.region[:n]
	return nil
}

// reset discards the contents: everything a tenant could have written lies
// in bytes, which reads as zero afterwards, except for a mapped image's
// pages, which read as the image again. Pages stay committed for the next
// tenant.
func (m *GuardedMemory) reset() error {
	b := m.bytes
	switch img := m.image; {
	case img != nil && img.Mapped():
		n := min(img.mapped.size, len(b))
		if err := m.restoreImage(b[:n]); err != nil {
			return fmt.Errorf("sandbox: reset memory: %w", err)
		}
		b = b[n:]
	case img != nil:
		// The image's whole pages get the image again or are cleared
		// when the memory is next taken (see init).
		m.kept = min(len(img.data)/unix.Getpagesize()*unix.Getpagesize(), len(b))
		b = b[m.kept:]
	}
	n := min(len(b), keepResident)
	from := len(m.bytes) - len(b)
	if err := m.clearTouched(from, from+n); err != nil {
		return fmt.Errorf("sandbox: reset memory: %w", err)
	}
	if len(b) > n {
		if err := unix.Madvise(b[n:], unix.MADV_DONTNEED); err != nil {
			return fmt.Errorf("sandbox: reset memory: %w", err)
		}
	}
	m.bytes = m.region[:0]
	return nil
}

// smallMemory is the size up to which reset keeps every committed page
// resident, so that clearing needs no system call: finding the resident
// pages with mincore costs more than clearing them all (one system call is
// about 1.5 µs here, 64 KiB clear in about 1 µs).
const smallMemory = 256 << 10

// clearTouched zeroes what a tenant may have written in region[from:to]
// (page-aligned from), without faulting in pages it never touched: they read
// as zero already, and a fault costs far more than clearing (see
// keepResident). Below smallMemory, the pages are made resident once and
// cleared in full from then on.
func (m *GuardedMemory) clearTouched(from, to int) error {
	switch {
	case to <= m.resident:
	case to <= smallMemory && (m.image == nil || !m.image.Mapped()):
		// (Populating a mapped image's pages would copy them all.)
		prefault(m.region[m.resident:to])
		m.resident = to
	default:
		return m.clearResident(m.region[from:to])
	}
	clear(m.region[from:to])
	return nil
}

// clearResident zeroes the pages of b (page-aligned) that are resident and
// leaves the others alone.
func (m *GuardedMemory) clearResident(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	page := unix.Getpagesize()
	pages := (len(b) + page - 1) / page
	if cap(m.mincore) < pages {
		m.mincore = make([]byte, pages)
	}
	vec := m.mincore[:pages]
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if errno != 0 {
		return fmt.Errorf("mincore: %w", errno)
	}
	for i := 0; i < pages; {
		if vec[i]&1 == 0 {
			i++
			continue
		}
		j := i + 1
		for j < pages && vec[j]&1 != 0 {
			j++
		}
		clear(b[i*page : min(j*page, len(b))])
		i = j
	}
	return nil
}

// prefault makes b's pages resident and writable in one call, before they
// are all written: on the VMs we measure on, that costs 1.4 µs a page
// against 20-30 µs for each page fault (BenchmarkPageFault). Failure (a
// kernel before 5.14) only leaves the pages to fault one by one.
func prefault(b []byte) {
	_ = unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}
