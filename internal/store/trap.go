package store

import (
	"fmt"
	"strings"
)

// TrapKind says why execution trapped.
type TrapKind uint8

// Trap kinds. Their messages are the spec interpreter's.
const (
	TrapUnreachable TrapKind = iota + 1
	TrapMemoryOutOfBounds
	TrapTableOutOfBounds
	TrapUndefinedElement     // call_indirect past the end of the table
	TrapUninitializedElement // call_indirect of a null entry
	TrapIndirectCallTypeMismatch
	TrapIntegerDivideByZero
	TrapIntegerOverflow
	TrapInvalidConversion
	TrapStackExhausted
	TrapInterrupted // context cancelled or deadline passed
)

var trapMessages = [...]string{
	TrapUnreachable:              "unreachable",
	TrapMemoryOutOfBounds:        "out of bounds memory access",
	TrapTableOutOfBounds:         "out of bounds table access",
	TrapUndefinedElement:         "undefined element",
	TrapUninitializedElement:     "uninitialized element",
	TrapIndirectCallTypeMismatch: "indirect call type mismatch",
	TrapIntegerDivideByZero:      "integer divide by zero",
	TrapIntegerOverflow:          "integer overflow",
	TrapInvalidConversion:        "invalid conversion to integer",
	TrapStackExhausted:           "call stack exhausted",
	TrapInterrupted:              "interrupted",
}

func (k TrapKind) String() string {
	if int(k) < len(trapMessages) && trapMessages[k] != "" {
		return trapMessages[k]
	}
	return fmt.Sprintf("trap(%d)", uint8(k))
}

// Frame is one entry of a WebAssembly stack trace.
type Frame struct {
	Instance string // the instance's name, or the host module's
	Func     uint32 // index in the module's function index space
	Name     string // from the name section, or empty
	// Offset is the byte offset in the module of the instruction executing
	// in this frame, or -1 if unknown.
	Offset int
}

func (f Frame) String() string {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("func[%d]", f.Func)
	}
	if f.Instance != "" {
		name = f.Instance + "." + name
	}
	if f.Offset >= 0 {
		return fmt.Sprintf("%s at 0x%x", name, f.Offset)
	}
	return name
}

// Trap is a WebAssembly trap: the kind and the stack of wasm frames,
// innermost first. Cause holds the context's error for TrapInterrupted.
type Trap struct {
	Kind   TrapKind
	Frames []Frame
	Cause  error
}

func (t *Trap) Error() string {
	var b strings.Builder
	b.WriteString("wasm trap: ")
	b.WriteString(t.Kind.String())
	if t.Cause != nil {
		b.WriteString(": ")
		b.WriteString(t.Cause.Error())
	}
	for _, f := range t.Frames {
		b.WriteString("\n\tat ")
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the cause of an interrupted trap.
func (t *Trap) Unwrap() error { return t.Cause }
