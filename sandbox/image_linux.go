//go:build amd64 || arm64

package sandbox

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapImageMin is the size from which an image is mapped rather than
// copied. A mapped image costs nothing to put back into a memory that held
// it (see restoreImage), where a copy costs time in proportion to its size;
// but finding the pages a tenant wrote takes a system call (about 1.5 µs on
// the VMs we measure on, the time to copy some 100 KiB), and each page a
// tenant writes first costs a fault (20-30 µs, BenchmarkPageFault), which
// restoring the page in place then spares later tenants.
const mapImageMin = 256 << 10

// imageFile is a sealed memfd holding an image, rounded up to whole host
// pages so that it can be mapped.
type imageFile struct {
	fd      int
	size    int
	cleanup runtime.Cleanup // closes fd once the image is unreachable
	closed  atomic.Bool
}

func (f *imageFile) close() error {
	if !f.ok() || f.closed.Swap(true) {
		return nil
	}
	f.cleanup.Stop()
	return os.NewSyscallError("close", unix.Close(f.fd))
}

func (f *imageFile) ok() bool { return f.size != 0 }

func newImage(data []byte, mapped bool) (*Image, error) {
	img := &Image{data: data}
	if !mapped || len(data) == 0 {
		return img, nil
	}
	fd, err := unix.MemfdCreate("terra-image", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("sandbox: image: memfd_create: %w", err)
	}
	page := unix.Getpagesize()
	size := (len(data) + page - 1) / page * page
	if err := fillSealed(fd, data, size); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("sandbox: image: %w", err)
	}
	img.mapped.fd, img.mapped.size = fd, size
	// Memories that map the image hold the Image, so the file is closed
	// only when nothing can map it any more; existing mappings keep the
	// file's pages alive by themselves.
	img.mapped.cleanup = runtime.AddCleanup(img, func(fd int) { unix.Close(fd) }, fd)
	return img, nil
}

// fillSealed writes data to the memfd, sizes it and seals it, so that no one
// holding the descriptor can change what later tenants start from.
func fillSealed(fd int, data []byte, size int) error {
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		return fmt.Errorf("ftruncate: %w", err)
	}
	for off := 0; off < len(data); {
		n, err := unix.Pwrite(fd, data[off:], int64(off))
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		off += n
	}
	seals := unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE | unix.F_SEAL_SEAL
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	return nil
}

// mapImage maps img copy-on-write over the first pages of a memory that
// holds no image. The mapped pages are readable and writable like the
// committed pages around them.
func (m *GuardedMemory) mapImage(img *Image) error {
	f := &img.mapped
	_, err := unix.MmapPtr(f.fd, 0, unsafe.Pointer(unsafe.SliceData(m.region)), uintptr(f.size),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED)
	if err != nil {
		return fmt.Errorf("sandbox: map image: %w", err)
	}
	m.image, m.resident = img, 0
	m.rw = max(m.rw, f.size)
	return nil
}

// unmapImage replaces the mapped image with zeroed anonymous pages. Images
// lie within the committed pages, so the replacement is committed too.
func (m *GuardedMemory) unmapImage() error {
	_, err := unix.MmapPtr(-1, 0, unsafe.Pointer(unsafe.SliceData(m.region)), uintptr(m.image.mapped.size),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED|unix.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("sandbox: unmap image: %w", err)
	}
	m.image, m.resident = nil, 0
	return nil
}

// pagemap is /proc/self/pagemap, opened at the first use, or the error
// that kept it from opening.
var pagemap = sync.OnceValues(func() (*os.File, error) { return os.Open("/proc/self/pagemap") })

// restoreImage puts the mapped image back into b, the memory's first pages.
// A page the tenant wrote is a private copy of the image's page: it is
// overwritten with the image, and stays resident, so the next tenant that
// writes it takes no fault. The other pages still map the image. Without
// /proc/self/pagemap, the private copies are dropped instead.
func (m *GuardedMemory) restoreImage(b []byte) error {
	f, err := pagemap()
	if err != nil {
		return unix.Madvise(b, unix.MADV_DONTNEED)
	}
	page := unix.Getpagesize()
	pages := len(b) / page
	if cap(m.pagemap) < pages*8 {
		m.pagemap = make([]byte, pages*8)
	}
	entries := m.pagemap[:pages*8]
	if _, err := f.ReadAt(entries, int64(addrOf(b)/uintptr(page)*8)); err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	data := m.image.data
	for i := range pages {
		// Bit 63: present; 62: swapped; 61: a file page (the image's).
		e := binary.LittleEndian.Uint64(entries[i*8:])
		if e&(1<<63|1<<62) == 0 || e&(1<<61) != 0 {
			continue
		}
		p := b[i*page : (i+1)*page]
		n := copy(p, data[min(i*page, len(data)):])
		clear(p[n:])
	}
	return nil
}
