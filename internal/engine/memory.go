package engine

import (
	"fmt"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
)

// PooledMemory allocates memories from the process's sandbox pool: each a
// reservation behind guard pages, reused across instances and reset between
// tenants, a module's with its data segments as an image.
type PooledMemory struct {
	pool  *sandbox.Pool
	image *sandbox.Image // nil when the module has no precomputed image
}

// NewPooledMemory returns the allocator for a module whose data segments
// make img (nil for none, and for host memories), or nil where memories are
// plain Go slices.
func NewPooledMemory(img *store.Image) (*PooledMemory, error) {
	if !sandbox.Guarded {
		return nil, nil
	}
	a := &PooledMemory{pool: sandbox.Shared()}
	if img != nil {
		var err error
		if a.image, err = sandbox.NewImage(img.Bytes()); err != nil {
			return nil, fmt.Errorf("memory image: %w", err)
		}
	}
	return a, nil
}

// AllocateMemory implements store.MemoryAllocator.
func (a *PooledMemory) AllocateMemory(min, max uint32, image bool) (store.MemoryBacking, error) {
	var img *sandbox.Image
	if image {
		img = a.image
	}
	m, err := a.pool.Get(min, max, img)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Close releases the allocator's image, for a module that will have no
// new instances: the pool forgets it (idle memories drop it, memories in
// use drop it when they come back) and its file is closed. Memories
// allocated before keep their contents. Closing twice does nothing.
func (a *PooledMemory) Close() error {
	if a == nil || a.image == nil {
		return nil
	}
	a.pool.Forget(a.image)
	return a.image.Close()
}
