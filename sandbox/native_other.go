//go:build !linux || !(amd64 || arm64)

package sandbox

import (
	"errors"
	"fmt"
	"runtime"
)

// Native reports whether this platform runs generated code. Here it does
// not: LoadCode, NewThread, stacks and guard registration fail with an error
// that wraps errors.ErrUnsupported.
const Native = false

var errUnsupported = fmt.Errorf("sandbox: native code on %s/%s: %w", runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)

// Threads cannot be made here (installHandler fails), so these are never
// called.
func enter(uintptr, *Context, uintptr) {}

func resume(*Context) {}

func stubAddrs() (trap, exit uintptr) { return 0, 0 }

func installHandler() error { return errUnsupported }

func mapWritable(int) ([]byte, error) { return nil, errUnsupported }

func mapFile(uintptr, int64, int) ([]byte, error) { return nil, errUnsupported }

func seal([]byte, int) error { return errUnsupported }

func mapStack(int) ([]byte, error) { return nil, errUnsupported }

func unmap([]byte) error { return nil }

func unmapCode([]byte) error { return nil }
