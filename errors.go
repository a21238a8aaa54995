package terra

import (
	"errors"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
)

// Errors that terra's errors wrap; test for them with errors.Is.
var (
	// ErrTierUnavailable reports an execution tier that this build of
	// terra does not provide.
	ErrTierUnavailable = errors.New("execution tier not available")
	// ErrNameInUse reports an instance name that another open instance of
	// the runtime has.
	ErrNameInUse = errors.New("name in use")
	// ErrClosed reports the use of a closed instance.
	ErrClosed = errors.New("instance closed")
	// ErrRuntimeClosed reports the use of a closed Runtime.
	ErrRuntimeClosed = errors.New("runtime closed")
	// ErrModuleClosed reports the instantiation of a closed CompiledModule.
	ErrModuleClosed = errors.New("compiled module closed")
	// ErrNil reports a nil argument or receiver, or a zero value that only
	// a constructor makes (a Runtime not made by NewRuntime).
	ErrNil = errors.New("nil argument")
	// ErrImmutable reports an attempt to set an immutable global.
	ErrImmutable = errors.New("global is immutable")
	// ErrMemoryLimit reports a memory whose minimum size exceeds
	// Config.MemoryLimitPages.
	ErrMemoryLimit = store.ErrMemoryLimit
	// ErrTableLimit reports a table whose minimum size exceeds the limit
	// on table elements (store.DefaultTableLimit).
	ErrTableLimit = store.ErrTableLimit
	// ErrAddressSpace reports that the process's budget of linear-memory
	// reservations (sandbox.DefaultReservations, shared by all runtimes)
	// is spent: instances that are not closed keep theirs.
	ErrAddressSpace = sandbox.ErrAddressSpace
)

// Trap is a WebAssembly trap: its Kind, and the WebAssembly frames active
// when it happened, innermost first. Errors of calls and instantiations
// wrap it; get it with errors.As.
type Trap = store.Trap

// MaxTrapFrames bounds the frames a Trap records: of a deeper stack it
// keeps the innermost and outermost halves (see Trap.Omitted).
const MaxTrapFrames = store.MaxTrapFrames

// TrapKind says why execution trapped.
type TrapKind = store.TrapKind

// Frame is one entry of a trap's stack trace.
type Frame = store.Frame

// LinkError reports why a module cannot be linked: an import that is
// missing or has the wrong type (Module and Name say which), or, in
// WebAssembly 1.0, a segment that does not fit its table or memory.
type LinkError = store.LinkError

// Trap kinds.
const (
	TrapUnreachable              = store.TrapUnreachable
	TrapMemoryOutOfBounds        = store.TrapMemoryOutOfBounds
	TrapTableOutOfBounds         = store.TrapTableOutOfBounds
	TrapUndefinedElement         = store.TrapUndefinedElement     // call_indirect past the end of the table
	TrapUninitializedElement     = store.TrapUninitializedElement // call_indirect of a null element
	TrapIndirectCallTypeMismatch = store.TrapIndirectCallTypeMismatch
	TrapIntegerDivideByZero      = store.TrapIntegerDivideByZero
	TrapIntegerOverflow          = store.TrapIntegerOverflow
	TrapInvalidConversion        = store.TrapInvalidConversion
	TrapStackExhausted           = store.TrapStackExhausted
	TrapInterrupted              = store.TrapInterrupted // the context was cancelled or its deadline passed
)
