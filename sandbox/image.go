package sandbox

import "sync/atomic"

// Image is the initial contents of a memory's first bytes, typically a
// module's data segments applied once, shared read-only by every memory made
// from it (see Pool.Get). Small images are copied into each memory. On linux,
// large ones live in a sealed memfd that Get maps copy-on-write over the
// memory's first pages: instantiation then costs one mmap, or nothing when
// the memory held the same image before, whatever the image's size, and a
// page is copied only when a tenant writes it.
type Image struct {
	data   []byte
	mapped imageFile // zero when the image is copied
	// forgotten is set by Pool.Forget: memories drop the image when they
	// come back to the pool.
	forgotten atomic.Bool
}

// NewImage returns an image of data, which the caller must not modify
// afterwards. The choice between copying and mapping is made by size (see
// mapImageMin).
func NewImage(data []byte) (*Image, error) {
	return newImage(data, len(data) >= mapImageMin)
}

// Len returns the image's size in bytes.
func (img *Image) Len() int { return len(img.data) }

// Mapped reports whether Get maps the image instead of copying it.
func (img *Image) Mapped() bool { return img.mapped.ok() }

// Close releases the image's file now rather than when the image is
// collected. Call it once every pool has forgotten the image (see
// Pool.Forget): memories that map it keep their pages, but none can map it
// again. Closing twice does nothing.
func (img *Image) Close() error { return img.mapped.close() }
