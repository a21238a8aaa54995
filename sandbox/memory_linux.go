//go:build linux

package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// reservation is the address space reserved per memory: every 32-bit index
// plus every 32-bit offset, plus one page for the widest access past them.
const reservation = 1<<33 + PageSize

// Guarded reports whether memories are guard-page reservations, so that
// out-of-bounds accesses fault instead of needing explicit checks.
const Guarded = true

func reserve() ([]byte, error) {
	r, err := unix.Mmap(-1, 0, reservation, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reserve %d bytes of address space: %w", reservation, err)
	}
	return r, nil
}

func unreserve(r []byte) error { return unix.Munmap(r) }

// clearLimit is the size up to which reset zeroes memory in place rather
// than returning the pages to the kernel: clearing 1 MiB costs tens of
// microseconds, madvise plus the page faults of the next tenant more.
const clearLimit = 1 << 20

// commit makes exactly the first n bytes accessible: pages beyond n that an
// earlier tenant had committed are protected again, so that accesses past
// the memory's size still fault.
func (m *Memory) commit(n int) error {
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
// in bytes, which reads as zero afterwards (cleared in place, or returned to
// the kernel when large). Pages stay committed for the next tenant.
func (m *Memory) reset() error {
	if len(m.bytes) <= clearLimit {
		clear(m.bytes)
	} else if err := unix.Madvise(m.bytes, unix.MADV_DONTNEED); err != nil {
		return fmt.Errorf("sandbox: reset memory: %w", err)
	}
	m.bytes = m.region[:0]
	return nil
}
