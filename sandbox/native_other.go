//go:build !linux || !(amd64 || arm64)

package sandbox

import (
	"errors"
	"fmt"
	"runtime"
)

// Native reports whether this platform runs generated code. Here it does
// not: LoadCode, Run, stacks and guard registration fail with an error that
// wraps errors.ErrUnsupported.
const Native = false

var errUnsupported = fmt.Errorf("sandbox: native code on %s/%s: %w", runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)

// Run calls generated code; it is not supported on this platform.
func Run(code *Code, entry uintptr, ctx *Context, s *Stack) (Trap, error) {
	return TrapNone, errUnsupported
}

// TrapExitAddr returns the address generated code jumps to in order to
// trap; there is none on this platform.
func TrapExitAddr() uintptr { return 0 }

func installHandler() error { return errUnsupported }

func mapCode([]byte) ([]byte, uintptr, error) { return nil, 0, errUnsupported }

func mapStack(int) ([]byte, error) { return nil, errUnsupported }

func unmap([]byte) error { return nil }
