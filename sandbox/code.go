package sandbox

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"
)

// ErrClosed reports the use of closed code or a closed stack pool.
var ErrClosed = errors.New("sandbox: closed")

// ErrBadRun reports a Run whose arguments cannot be used: a nil code,
// context or stack, a released stack, or an entry address outside the code.
var ErrBadRun = errors.New("sandbox: invalid run")

// ErrEmptyCode reports an attempt to load no machine code.
var ErrEmptyCode = errors.New("sandbox: no machine code to load")

// Executable is machine code in executable memory, registered with the trap
// handler. It is safe for concurrent use: any number of goroutines may Run
// it, and Close may come while they do.
type Executable struct {
	mem  []byte // the whole mapping, readable and executable
	addr uintptr
	len  uintptr
	// state is the number of runs in progress times two, plus codeClosed
	// once Close was called. The mapping is released when it drops to
	// exactly codeClosed, which happens once: after Close no run starts.
	state atomic.Int64
}

const codeClosed = 1

// LoadCode copies texts, one after another, into memory that is executable
// and never writable, and registers it so that faults it causes in guard
// regions become traps. Together the texts are position-independent
// machine code for this platform; taking them in pieces spares a caller
// that assembled them in parallel the copy into one slice.
func LoadCode(texts ...[]byte) (*Executable, error) {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	if n == 0 {
		return nil, ErrEmptyCode
	}
	if err := installHandler(); err != nil {
		return nil, err
	}
	mem, addr, err := mapCode(n, texts)
	if err != nil {
		return nil, err
	}
	if err := addSpan(span{lo: addr, hi: addr + uintptr(len(mem)), kind: uint64(TrapNone)}); err != nil {
		_ = unmap(mem)
		return nil, err
	}
	return &Executable{mem: mem, addr: addr, len: uintptr(n)}, nil
}

// Addr returns the address of the first byte of the code.
func (c *Executable) Addr() uintptr { return c.addr }

// Len returns the length of the code in bytes.
func (c *Executable) Len() int { return int(c.len) }

// Close releases the code. Runs in progress finish first: the memory is
// unregistered and unmapped when the last of them returns.
func (c *Executable) Close() error {
	for {
		s := c.state.Load()
		if s&codeClosed != 0 {
			return fmt.Errorf("%w: code at %#x closed twice", ErrClosed, c.addr)
		}
		if c.state.CompareAndSwap(s, s|codeClosed) {
			if s == 0 {
				return c.release()
			}
			return nil
		}
	}
}

// acquire counts a run in progress; it fails once Close was called.
func (c *Executable) acquire() error {
	for {
		s := c.state.Load()
		if s&codeClosed != 0 {
			return fmt.Errorf("%w: code at %#x", ErrClosed, c.addr)
		}
		if c.state.CompareAndSwap(s, s+2) {
			return nil
		}
	}
}

// done ends a run that acquire started. The last run after Close releases
// the code; the error, which Close would have returned, has no one to go to
// and only means that address space leaks.
func (c *Executable) done() {
	if c.state.Add(-2) == codeClosed {
		_ = c.release()
	}
}

func (c *Executable) release() error {
	if err := removeSpan(c.addr, c.addr+uintptr(len(c.mem)), true); err != nil {
		return err
	}
	if err := unmap(c.mem); err != nil {
		return fmt.Errorf("sandbox: unmap code: %w", err)
	}
	return nil
}

func addrOf(mem []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(mem))) }

func roundToPage(n int) int {
	page := os.Getpagesize()
	return (n + page - 1) &^ (page - 1)
}
