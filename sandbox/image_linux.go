//go:build linux

package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapImageMin is the size from which an image is mapped rather than
// copied. Mapping costs one mmap (or nothing, for a memory that held the
// image before) but then a page fault for each page a tenant writes; copying
// costs time in proportion to the size. On the Firecracker VMs we measure on
// (BenchmarkImage, BenchmarkPageFault), a copy costs about 70 µs per MiB
// with the reset, and a written page of a mapped image 20-60 µs, so mapping
// pays only when a tenant writes fewer than about one page per MiB of image:
// the Go hello world (a 758 KB image) runs 20-30% faster copied. Only very
// large images are mapped.
const mapImageMin = 16 << 20

// imageFile is a sealed memfd holding an image, rounded up to whole host
// pages so that it can be mapped.
type imageFile struct {
	fd   int
	size int
}

func (f imageFile) ok() bool { return f.size != 0 }

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
	img.mapped = imageFile{fd: fd, size: size}
	// Memories that map the image hold the Image, so the file is closed
	// only when nothing can map it any more; existing mappings keep the
	// file's pages alive by themselves.
	runtime.AddCleanup(img, func(fd int) { unix.Close(fd) }, fd)
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
func (m *Memory) mapImage(img *Image) error {
	f := img.mapped
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
func (m *Memory) unmapImage() error {
	_, err := unix.MmapPtr(-1, 0, unsafe.Pointer(unsafe.SliceData(m.region)), uintptr(m.image.mapped.size),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED|unix.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("sandbox: unmap image: %w", err)
	}
	m.image, m.resident = nil, 0
	return nil
}
