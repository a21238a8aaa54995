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
	b, err := NewCodeBuffer(n)
	if err != nil {
		return nil, err
	}
	at := 0
	for _, t := range texts {
		at += copy(b.mem[at:], t)
	}
	return b.Load()
}

// CodeBuffer is memory, writable for now, that becomes machine code: for
// code that a caller reads into place itself, such as code from a file,
// which LoadCode would take through a Go buffer and one more copy. One
// that MapCode made maps the file instead, and is read-only.
type CodeBuffer struct {
	mem []byte // the whole mapping
	n   int
}

// NewCodeBuffer maps n bytes, writable and not executable, for code.
func NewCodeBuffer(n int) (*CodeBuffer, error) {
	if n <= 0 {
		return nil, ErrEmptyCode
	}
	if err := installHandler(); err != nil {
		return nil, err
	}
	mem, err := mapWritable(n)
	if err != nil {
		return nil, err
	}
	return &CodeBuffer{mem: mem, n: n}, nil
}

// MapCode maps n bytes of the file f from offset off, a multiple of the
// page size, as a CodeBuffer whose bytes are read-only and executable,
// though registered as code only by Load: for code stored in a file, which
// then costs neither a copy nor fresh pages, only the page cache's. The
// mapping is private but shares the file's pages until they are written,
// which they never are here: a change to the file (as opposed to its
// replacement by a rename) while the code is in use changes the code, and
// truncating it makes the code fault. Use it only for files that no one
// else may write. It fails where the file system forbids executing files
// (noexec).
func MapCode(f *os.File, off int64, n int) (*CodeBuffer, error) {
	if n <= 0 {
		return nil, ErrEmptyCode
	}
	if err := installHandler(); err != nil {
		return nil, err
	}
	mem, err := mapFile(f.Fd(), off, n)
	if err != nil {
		return nil, err
	}
	return &CodeBuffer{mem: mem, n: n}, nil
}

// Bytes returns the buffer's n bytes, to write the code into (or to read,
// from MapCode). They stay writable until Load or Discard, after which the
// slice must not be used.
func (b *CodeBuffer) Bytes() []byte { return b.mem[:b.n] }

// Load makes the buffer's bytes executable and never again writable, and
// registers them as LoadCode does. The buffer is used up, also on error.
func (b *CodeBuffer) Load() (*Executable, error) {
	mem := b.mem
	b.mem = nil
	if mem == nil {
		return nil, fmt.Errorf("%w: code buffer used twice", ErrClosed)
	}
	addr := addrOf(mem)
	if err := seal(mem, b.n); err != nil {
		_ = unmapCode(mem)
		return nil, err
	}
	if err := addSpan(span{lo: addr, hi: addr + uintptr(len(mem)), kind: uint64(TrapNone)}); err != nil {
		_ = unmapCode(mem)
		return nil, err
	}
	return &Executable{mem: mem, addr: addr, len: uintptr(b.n)}, nil
}

// Discard releases a buffer that is not to be loaded; after Load it does
// nothing.
func (b *CodeBuffer) Discard() error {
	mem := b.mem
	b.mem = nil
	if mem == nil {
		return nil
	}
	if err := unmapCode(mem); err != nil {
		return fmt.Errorf("sandbox: unmap code buffer: %w", err)
	}
	return nil
}

// Addr returns the address of the first byte of the code.
func (c *Executable) Addr() uintptr { return c.addr }

// Len returns the length of the code in bytes.
func (c *Executable) Len() int { return int(c.len) }

// Code returns the code's bytes, to read (writing them faults) while the
// code is not closed.
func (c *Executable) Code() []byte { return c.mem[:c.len] }

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
	if err := unmapCode(c.mem); err != nil {
		return fmt.Errorf("sandbox: unmap code: %w", err)
	}
	return nil
}

func addrOf(mem []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(mem))) }

func roundToPage(n int) int {
	page := os.Getpagesize()
	return (n + page - 1) &^ (page - 1)
}
