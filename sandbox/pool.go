package sandbox

import (
	"fmt"
	"sync"
)

// DefaultReservations is the pool's default budget: 1,024 reservations of
// 8 GiB are 8 TiB of a 47-bit (128 TiB) address space, leaving room for the
// rest of the process.
const DefaultReservations = 1024

// Pool hands out memories and takes them back, reusing reservations: a
// returned memory is reset, so its next user sees zeros, or its image, and
// nothing of the previous one. It is safe for concurrent use.
type Pool struct {
	mu   sync.Mutex
	free []*GuardedMemory // reset memories without an image
	// imaged holds reset memories by the image at their front, so that a
	// memory goes back to a tenant starting from the same image when one
	// asks.
	imaged map[*Image][]*GuardedMemory
	live   int // reservations made and not released
	limit  int
	closed bool
}

// Shared returns the process's pool, with the default budget: address
// space is a resource of the whole process, so runtimes share one budget.
var Shared = sync.OnceValue(func() *Pool { return NewPool(0) })

// NewPool returns a pool that keeps at most limit reservations (0 means
// DefaultReservations).
func NewPool(limit int) *Pool {
	if limit <= 0 {
		limit = DefaultReservations
	}
	return &Pool{limit: limit, imaged: make(map[*Image][]*GuardedMemory)}
}

// Get returns a memory with min pages committed that may grow to max pages
// (at most MaxPages), holding img's bytes at offset 0 if img is not nil and
// zeros elsewhere.
func (p *Pool) Get(min, max uint32, img *Image) (*GuardedMemory, error) {
	if max > MaxPages {
		max = MaxPages
	}
	if min > max {
		return nil, fmt.Errorf("%w: minimum %d pages above maximum %d", ErrGrow, min, max)
	}
	if img != nil && img.Len() > int(min)*PageSize {
		return nil, fmt.Errorf("sandbox: image of %d bytes larger than the %d pages of memory", img.Len(), min)
	}
	m, err := p.take(img)
	if err != nil {
		return nil, err
	}
	m.max = max
	if err := m.init(int(min)*PageSize, img); err != nil {
		p.Put(m)
		return nil, err
	}
	return m, nil
}

// init commits n bytes of a reset memory and puts img there.
func (m *GuardedMemory) init(n int, img *Image) error {
	fresh := m.image != img // the image's pages may not be resident
	if fresh {
		if err := m.dropImage(); err != nil {
			return err
		}
		if img != nil && img.Mapped() {
			if err := m.mapImage(img); err != nil {
				return err
			}
		}
	}
	if err := m.commit(n); err != nil {
		return err
	}
	if img != nil && !img.Mapped() {
		if fresh {
			prefault(m.bytes[:len(img.data)])
		}
		copy(m.bytes, img.data)
		m.image = img
	}
	return nil
}

// take returns a reset memory, preferring one that already holds img, then
// one without an image, then any; it makes a new reservation only when none
// is free.
func (p *Pool) take(img *Image) (*GuardedMemory, error) {
	p.mu.Lock()
	if img != nil {
		if m := p.popImaged(img); m != nil {
			p.mu.Unlock()
			return m, nil
		}
	}
	if n := len(p.free); n > 0 {
		m := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return m, nil
	}
	for other := range p.imaged {
		m := p.popImaged(other)
		p.mu.Unlock()
		return m, nil
	}
	if p.closed {
		p.mu.Unlock()
		return nil, fmt.Errorf("sandbox: pool is closed")
	}
	if p.live >= p.limit {
		p.mu.Unlock()
		return nil, fmt.Errorf("%w (%d reservations)", ErrAddressSpace, p.limit)
	}
	p.live++
	p.mu.Unlock()
	r, err := reserve()
	if err != nil {
		p.mu.Lock()
		p.live--
		p.mu.Unlock()
		return nil, err
	}
	return &GuardedMemory{region: r, bytes: r[:0], pool: p}, nil
}

// Put resets m and keeps it for reuse. A memory that cannot be reset, or
// that comes back to a closed pool, is released instead.
func (p *Pool) Put(m *GuardedMemory) {
	err := m.reset()
	if err == nil && m.image != nil && m.image.forgotten.Load() {
		err = m.dropImage()
	}
	if err != nil {
		p.release(m)
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.release(m)
		return
	}
	if m.image != nil {
		p.imaged[m.image] = append(p.imaged[m.image], m)
	} else {
		p.free = append(p.free, m)
	}
	p.mu.Unlock()
}

// popImaged takes a free memory holding img, or returns nil; p.mu is held.
func (p *Pool) popImaged(img *Image) *GuardedMemory {
	ms := p.imaged[img]
	n := len(ms)
	if n == 0 {
		return nil
	}
	m := ms[n-1]
	if n == 1 {
		delete(p.imaged, img)
	} else {
		p.imaged[img] = ms[:n-1]
	}
	return m
}

func (p *Pool) release(m *GuardedMemory) {
	_ = unreserve(m.region)
	p.mu.Lock()
	p.live--
	p.mu.Unlock()
}

// Trim releases the reservations of the memories the pool keeps for reuse,
// giving their address space and resident pages back to the system; the
// next Get makes a new reservation, whose pages fault in as they are
// touched. Memories in use are unaffected.
func (p *Pool) Trim() { p.trim(false) }

// Close releases the reservations the pool holds; memories still in use
// stay valid until they are released by Put on a closed pool.
func (p *Pool) Close() { p.trim(true) }

// trim releases the idle memories and, if closing, closes the pool in the
// same critical section, so that no Get takes an idle memory from a closed
// pool.
func (p *Pool) trim(closing bool) {
	p.mu.Lock()
	idle := p.free
	for _, ms := range p.imaged {
		idle = append(idle, ms...)
	}
	p.free = nil
	clear(p.imaged)
	p.closed = p.closed || closing
	p.mu.Unlock()
	for _, m := range idle {
		p.release(m)
	}
}

// Forget drops img from the pool, for an owner that will ask for it no
// more: the idle memories holding it lose it now, the memories in use that
// hold it lose it when they come back, and img's resources can be released
// (see Image.Close).
func (p *Pool) Forget(img *Image) {
	img.forgotten.Store(true)
	p.mu.Lock()
	ms := p.imaged[img]
	delete(p.imaged, img)
	p.mu.Unlock()
	for _, m := range ms {
		if err := m.dropImage(); err != nil {
			p.release(m)
			continue
		}
		p.mu.Lock()
		closed := p.closed
		if !closed {
			p.free = append(p.free, m)
		}
		p.mu.Unlock()
		if closed {
			p.release(m)
		}
	}
}

// PoolStats describes a pool's reservations.
type PoolStats struct {
	// InUse counts the reservations of memories handed out and not yet put
	// back.
	InUse int
	// Idle counts the reservations kept for reuse.
	Idle int
	// Limit is the budget: InUse plus Idle never exceeds it.
	Limit int
}

// Stats returns the pool's current numbers.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	idle := len(p.free)
	for _, ms := range p.imaged {
		idle += len(ms)
	}
	return PoolStats{InUse: p.live - idle, Idle: idle, Limit: p.limit}
}

// SetLimit changes the budget to limit reservations (0 means
// DefaultReservations). Lowering it below the reservations made releases
// idle ones; memories in use keep theirs, and no new reservation is made
// until the pool is back under the limit.
func (p *Pool) SetLimit(limit int) {
	if limit <= 0 {
		limit = DefaultReservations
	}
	p.mu.Lock()
	p.limit = limit
	var excess []*GuardedMemory
	for p.live-len(excess) > limit && len(p.free) > 0 {
		excess = append(excess, p.free[len(p.free)-1])
		p.free = p.free[:len(p.free)-1]
	}
	for img, ms := range p.imaged {
		for p.live-len(excess) > limit && len(ms) > 0 {
			excess = append(excess, ms[len(ms)-1])
			ms = ms[:len(ms)-1]
		}
		if len(ms) == 0 {
			delete(p.imaged, img)
		} else {
			p.imaged[img] = ms
		}
	}
	p.mu.Unlock()
	for _, m := range excess {
		p.release(m)
	}
}
