//go:build amd64 || arm64

package sandbox

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// resident reports whether the host page holding b[i] is resident.
func resident(t *testing.T, b []byte, i int) bool {
	t.Helper()
	page := unix.Getpagesize()
	p := b[i/page*page:][:page]
	vec := []byte{0}
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(page), uintptr(unsafe.Pointer(&vec[0])))
	require.Zero(t, errno)
	return vec[0]&1 != 0
}

func TestResetClearsTouchedPagesInPlace(t *testing.T) {
	p := NewPool(1)
	defer p.Close()
	m, err := p.Get(32, 32, nil)
	require.NoError(t, err)
	m.Bytes()[0] = 1
	m.Bytes()[1<<20] = 1
	p.Put(m)
	m, err = p.Get(32, 32, nil)
	require.NoError(t, err)
	require.True(t, resident(t, m.Bytes(), 1<<20), "a touched page stays resident")
	require.False(t, resident(t, m.Bytes(), 2<<20-1), "an untouched page is not faulted in")
	require.Equal(t, make([]byte, 32*PageSize), m.Bytes())
	p.Put(m)
}

func TestResetReturnsPagesBeyondKeepResident(t *testing.T) {
	p := NewPool(1)
	defer p.Close()
	pages := uint32(keepResident/PageSize + 2)
	m, err := p.Get(pages, pages, nil)
	require.NoError(t, err)
	m.Bytes()[keepResident-1] = 1
	m.Bytes()[keepResident+PageSize] = 1
	p.Put(m)
	m, err = p.Get(pages, pages, nil)
	require.NoError(t, err)
	require.True(t, resident(t, m.Bytes(), keepResident-1))
	require.False(t, resident(t, m.Bytes(), keepResident+PageSize), "given back to the kernel")
	require.Zero(t, m.Bytes()[keepResident-1])
	require.Zero(t, m.Bytes()[keepResident+PageSize])
	p.Put(m)
}

// BenchmarkPageFault measures what reset's choice weighs, per 4 KiB page:
// writing to a page just returned to the kernel (a page fault), and clearing
// a resident page.
func BenchmarkPageFault(b *testing.B) {
	const n = 1 << 20
	mem, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Munmap(mem)
	page := unix.Getpagesize()
	b.Run("fault", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if err := unix.Madvise(mem, unix.MADV_DONTNEED); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for i := 0; i < n; i += page {
				mem[i] = 1
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n/page), "ns/page")
	})
	b.Run("clear", func(b *testing.B) {
		for b.Loop() {
			clear(mem)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n/page), "ns/page")
	})
}

func TestAccessPastCommittedPagesFaults(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	m, err := p.Get(1, 10, nil)
	require.NoError(t, err)
	base := unsafe.Pointer(unsafe.SliceData(m.region))
	require.False(t, faults(unsafe.Add(base, PageSize-1)), "last committed byte")
	require.True(t, faults(unsafe.Add(base, PageSize)), "first byte past the committed pages")
	// The farthest address an access can form: 2^32-1 index + 2^32-1 offset.
	require.True(t, faults(unsafe.Add(base, 1<<33-2)))
	require.True(t, faults(unsafe.Add(base, 1<<33-2+15)), "the last byte of a v128 access there")
	_, err = m.Grow(1)
	require.NoError(t, err)
	require.False(t, faults(unsafe.Add(base, PageSize)), "committed by grow")
	p.Put(m)
}
