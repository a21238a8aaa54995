//go:build amd64 || arm64

package sandbox

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Native reports whether this platform runs generated code: LoadCode, Run
// and stacks work, and faults in guard regions become traps.
const Native = true

// Run calls the generated function at entry, an address inside code, on
// stack s with ctx in the context register (see abi.go), and returns when it
// returns or traps. The trap is also in ctx, with the faulting PC and
// address. Only invalid arguments make an error; a trap is not one. The
// stack must not be in use by another Run: its owner, who took it from a
// StackPool, runs one call at a time on it.
func Run(code *Code, entry uintptr, ctx *Context, s *Stack) (Trap, error) {
	switch {
	case code == nil || ctx == nil || s == nil:
		return TrapNone, fmt.Errorf("%w: nil code, context or stack", ErrBadRun)
	case entry-code.addr >= code.len:
		return TrapNone, fmt.Errorf("%w: entry %#x outside the code at [%#x, %#x)", ErrBadRun, entry, code.addr, code.addr+code.len)
	case s.top == 0:
		return TrapNone, fmt.Errorf("%w: stack was released", ErrBadRun)
	}
	if err := code.acquire(); err != nil {
		return TrapNone, err
	}
	ctx.Trap, ctx.FaultPC, ctx.FaultAddr = TrapNone, 0, 0
	enter(entry, ctx, s.top)
	code.done()
	return ctx.Trap, nil
}

// TrapExitAddr returns the address generated code jumps to in order to
// trap (see abi.go).
func TrapExitAddr() uintptr { return trapExitAddr() }

// The assembly in native_linux_*.s.

// enter switches to the native stack whose top is sp and calls entry with
// ctx in the context register, as abi.go describes.
//
//go:noescape
func enter(entry uintptr, ctx *Context, sp uintptr)

// trapExit is where traps resume: it stores the trap registers in the
// context and returns from enter. Never called from Go.
func trapExit()

// sigHandler is the SIGSEGV and SIGBUS handler. The kernel calls it with the
// C calling convention; never called from Go.
func sigHandler()

func trapExitAddr() uintptr

func sigHandlerAddr() uintptr

// Handlers the signal handler forwards to: the Go runtime's.
var forwardSEGV, forwardBUS uintptr

// sigaction is the kernel's struct sigaction on amd64 and arm64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const saSiginfo = 0x4

func rtSigaction(sig unix.Signal, act, old *sigaction) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), unsafe.Sizeof(act.mask), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// installHandler puts sigHandler in front of the Go runtime's SIGSEGV and
// SIGBUS handlers, once per process: installed twice, it would forward to
// itself. Only the handler changes; the runtime's flags, restorer and mask
// stay.
var installHandler = sync.OnceValue(func() error {
	for _, h := range []struct {
		sig     unix.Signal
		forward *uintptr
	}{{unix.SIGSEGV, &forwardSEGV}, {unix.SIGBUS, &forwardBUS}} {
		var act sigaction
		if err := rtSigaction(h.sig, nil, &act); err != nil {
			return fmt.Errorf("sandbox: read the %v handler: %w", h.sig, err)
		}
		if act.handler <= 1 || act.flags&saSiginfo == 0 {
			return fmt.Errorf("sandbox: no Go runtime handler for %v to forward to", h.sig)
		}
		*h.forward = act.handler
		act.handler = sigHandlerAddr()
		if err := rtSigaction(h.sig, &act, nil); err != nil {
			return fmt.Errorf("sandbox: install the %v handler: %w", h.sig, err)
		}
	}
	return nil
})

func mapCode(text []byte) ([]byte, uintptr, error) {
	mem, err := unix.Mmap(-1, 0, roundToPage(len(text)), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: map %d bytes for code: %w", len(text), err)
	}
	copy(mem, text)
	addr := addrOf(mem)
	flushICache(addr, uintptr(len(text)))
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, 0, fmt.Errorf("sandbox: make code executable: %w", err)
	}
	return mem, addr, nil
}

// mapStack maps GuardSize inaccessible bytes below size usable ones.
func mapStack(size int) ([]byte, error) {
	mem, err := unix.Mmap(-1, 0, GuardSize+size, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE|unix.MAP_STACK)
	if err != nil {
		return nil, fmt.Errorf("sandbox: map a %d-byte stack: %w", size, err)
	}
	if err := unix.Mprotect(mem[GuardSize:], unix.PROT_READ|unix.PROT_WRITE); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("sandbox: make a stack writable: %w", err)
	}
	return mem, nil
}

func unmap(mem []byte) error { return unix.Munmap(mem) }
