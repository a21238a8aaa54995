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
// returned memory is reset, so its next user sees zeros and nothing of the
// previous one. It is safe for concurrent use.
type Pool struct {
	mu     sync.Mutex
	free   []*Memory
	live   int // reservations made and not released
	limit  int
	closed bool
}

// NewPool returns a pool that keeps at most limit reservations (0 means
// DefaultReservations).
func NewPool(limit int) *Pool {
	if limit <= 0 {
		limit = DefaultReservations
	}
	return &Pool{limit: limit}
}

// Get returns a memory with min pages committed that may grow to max pages
// (at most MaxPages).
func (p *Pool) Get(min, max uint32) (*Memory, error) {
	if max > MaxPages {
		max = MaxPages
	}
	if min > max {
		return nil, fmt.Errorf("%w: minimum %d pages above maximum %d", ErrGrow, min, max)
	}
	m, err := p.take()
	if err != nil {
		return nil, err
	}
	m.max = max
	if err := m.commit(int(min) * PageSize); err != nil {
		p.Put(m)
		return nil, err
	}
	return m, nil
}

func (p *Pool) take() (*Memory, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		m := p.free[n-1]
		p.free = p.free[:n-1]
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
	return &Memory{region: r, bytes: r[:0]}, nil
}

// Put resets m and keeps it for reuse. A memory that cannot be reset, or
// that comes back to a closed pool, is released instead.
func (p *Pool) Put(m *Memory) {
	if err := m.reset(); err != nil {
		p.release(m)
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.release(m)
		return
	}
	p.free = append(p.free, m)
	p.mu.Unlock()
}

func (p *Pool) release(m *Memory) {
	_ = unreserve(m.region)
	p.mu.Lock()
	p.live--
	p.mu.Unlock()
}

// Close releases the reservations the pool holds; memories still in use
// stay valid until they are released by Put on a closed pool.
func (p *Pool) Close() {
	p.mu.Lock()
	free := p.free
	p.free, p.closed = nil, true
	p.mu.Unlock()
	for _, m := range free {
		p.release(m)
	}
}
