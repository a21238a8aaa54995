package sandbox

import (
	"errors"
	"fmt"
	"sync"
)

// DefaultStackSize is the usable size of a native stack unless a pool says
// otherwise: at 64 to 128 bytes a frame, room for 8,000 to 16,000 calls.
const DefaultStackSize = 1 << 20

// DefaultStacks is a stack pool's default limit on stacks, mapped or in
// use: 1,024 stacks of the default size are about 1 GiB of address space,
// committed only as far as code has reached down.
const DefaultStacks = 1024

// ErrStacksExhausted reports a stack pool at its limit.
var ErrStacksExhausted = errors.New("sandbox: stack pool exhausted")

// Stack is a native stack for generated code: Size usable bytes above
// GuardSize inaccessible ones whose faults are TrapStackExhausted. It is not
// safe for concurrent use: one Run at a time may use it.
type Stack struct {
	mem []byte // guard region, then the usable stack
	top uintptr
}

// Size returns the usable size of the stack in bytes.
func (s *Stack) Size() int { return len(s.mem) - GuardSize }

// Bottom returns the lowest usable address of the stack, just above its
// guard region.
func (s *Stack) Bottom() uintptr { return addrOf(s.mem) + GuardSize }

// StackPool hands out native stacks and takes them back for reuse. Stacks
// are not cleared between users: generated code initializes every slot it
// reads. It is safe for concurrent use.
type StackPool struct {
	size int

	mu     sync.Mutex
	free   []*Stack
	live   int // stacks mapped and not released
	limit  int
	closed bool
}

// NewStackPool returns a pool of stacks of size usable bytes, rounded up to
// whole pages (0 means DefaultStackSize), that keeps at most limit stacks (0
// means DefaultStacks).
func NewStackPool(size, limit int) *StackPool {
	if size <= 0 {
		size = DefaultStackSize
	}
	if limit <= 0 {
		limit = DefaultStacks
	}
	return &StackPool{size: roundToPage(size), limit: limit}
}

// Get returns a stack, reusing a returned one when it can.
func (p *StackPool) Get() (*Stack, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return s, nil
	}
	switch {
	case p.closed:
		p.mu.Unlock()
		return nil, fmt.Errorf("%w: stack pool", ErrClosed)
	case p.live >= p.limit:
		p.mu.Unlock()
		return nil, fmt.Errorf("%w (%d stacks)", ErrStacksExhausted, p.limit)
	}
	p.live++
	p.mu.Unlock()
	s, err := newStack(p.size)
	if err != nil {
		p.mu.Lock()
		p.live--
		p.mu.Unlock()
		return nil, err
	}
	return s, nil
}

// Put returns s to the pool, or releases it if the pool is closed.
func (p *StackPool) Put(s *Stack) {
	p.mu.Lock()
	if !p.closed {
		p.free = append(p.free, s)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.release(s)
}

func (p *StackPool) release(s *Stack) {
	_ = s.unmap()
	p.mu.Lock()
	p.live--
	p.mu.Unlock()
}

// Close releases the stacks the pool holds; stacks in use are released when
// they are put back.
func (p *StackPool) Close() {
	p.mu.Lock()
	free := p.free
	p.free, p.closed = nil, true
	p.mu.Unlock()
	for _, s := range free {
		p.release(s)
	}
}

// newStack maps a stack of size usable bytes and registers its guard.
func newStack(size int) (*Stack, error) {
	if err := installHandler(); err != nil {
		return nil, err
	}
	mem, err := mapStack(size)
	if err != nil {
		return nil, err
	}
	lo := addrOf(mem)
	if err := addSpan(span{lo: lo, hi: lo + GuardSize, kind: uint64(TrapStackExhausted)}); err != nil {
		_ = unmap(mem)
		return nil, err
	}
	return &Stack{mem: mem, top: lo + uintptr(len(mem))}, nil
}

// unmap unregisters the guard and releases the memory; Run refuses the
// stack afterwards.
func (s *Stack) unmap() error {
	lo := addrOf(s.mem)
	if err := removeSpan(lo, lo+GuardSize, false); err != nil {
		return err
	}
	s.top = 0
	if err := unmap(s.mem); err != nil {
		return fmt.Errorf("sandbox: unmap a stack: %w", err)
	}
	s.mem = nil
	return nil
}
