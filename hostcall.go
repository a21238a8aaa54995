package terra

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/terra-runtime/terra/internal/store"
)

// HostPanicError reports a host function that panicked. The panic is the
// host's, not the engine's: the call ends with this error, and the runtime
// stays usable. Errors of calls wrap it; get it with errors.As.
type HostPanicError struct {
	// Module and Name identify the host function: its host module's name
	// and its export name.
	Module, Name string
	// Value is what the function passed to panic.
	Value any
	// Stack is the goroutine's stack where the function panicked.
	Stack []byte
}

func (e *HostPanicError) Error() string {
	return fmt.Sprintf("host function %s.%s panicked: %v", e.Module, e.Name, e.Value)
}

// Unwrap returns the panic's value if it is an error.
func (e *HostPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// hostCall adapts a host function of module to the store's ABI, for every
// execution tier: whoever calls it, a panic in fn becomes a
// *HostPanicError, and an error that is the call's context ending (fn
// returning ctx.Err(), wrapped or not) becomes the same interrupted trap
// that a cancelled call of WebAssembly code gets.
func hostCall(module, name string, fn HostFunc) store.HostFunc {
	return func(ctx context.Context, caller *store.Instance, stack []uint64) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = &HostPanicError{Module: module, Name: name, Value: r, Stack: debug.Stack()}
			}
		}()
		if err = fn(ctx, Caller{inst: caller}, stack); err != nil {
			return interrupted(ctx, err)
		}
		return nil
	}
}

// interrupted returns an interrupted trap for err if it reports that ctx
// ended, and err otherwise.
func interrupted(ctx context.Context, err error) error {
	cause := ctx.Err()
	if cause == nil || !errors.Is(err, cause) {
		return err
	}
	var trap *Trap
	if errors.As(err, &trap) {
		return err
	}
	return &Trap{Kind: TrapInterrupted, Cause: cause}
}
