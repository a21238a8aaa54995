package terra

import (
	"fmt"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
)

// pooledMemory allocates a compiled module's memory from the process's
// sandbox pool: a reservation behind guard pages, reused across instances
// and reset between tenants, with the module's data segments as an image.
type pooledMemory struct {
	pool  *sandbox.Pool
	image *sandbox.Image // nil when the module has no precomputed image
	life  *runtimeLife   // the runtime's, which counts its memories
}

// newPooledMemory returns the allocator for a module whose data segments
// make img (nil for none), or nil where memories are plain Go slices.
func newPooledMemory(life *runtimeLife, img *store.Image) (*pooledMemory, error) {
	if !sandbox.Guarded {
		return nil, nil
	}
	a := &pooledMemory{pool: sandbox.Shared(), life: life}
	if img != nil {
		var err error
		if a.image, err = sandbox.NewImage(img.Bytes()); err != nil {
			return nil, fmt.Errorf("memory image: %w", err)
		}
	}
	return a, nil
}

// AllocateMemory implements store.MemoryAllocator.
func (a *pooledMemory) AllocateMemory(min, max uint32, image bool) (store.LinearMemory, error) {
	var img *sandbox.Image
	if image {
		img = a.image
	}
	if err := a.life.reserveMemory(); err != nil {
		return nil, err
	}
	m, err := a.pool.Get(min, max, img)
	if err != nil {
		a.life.memories.Add(-1)
		return nil, err
	}
	return &countedMemory{Memory: m, life: a.life}, nil
}
