package wasm

import "fmt"

// Position locates a problem in a module's bytes.
type Position struct {
	// Section is the name of the section being read ("type", "code", ...),
	// or "header" for the preamble.
	Section string
	// Offset is the byte offset in the module.
	Offset int
	// Func is the index, in the function index space, of the function whose
	// body is at fault, or -1 outside code.
	Func int
	// Op names the instruction at fault inside code, or is empty.
	Op string
}

func (p Position) String() string {
	s := fmt.Sprintf("%s section at offset 0x%x", p.Section, p.Offset)
	if p.Func >= 0 {
		s += fmt.Sprintf(", func %d", p.Func)
	}
	if p.Op != "" {
		s += ", " + p.Op
	}
	return s
}

// MalformedError reports bytes that do not follow the binary format.
type MalformedError struct {
	Position
	Msg string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("malformed module: %s: %s", e.Position, e.Msg)
}

// InvalidError reports a well-formed module that fails validation.
type InvalidError struct {
	Position
	Msg string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("invalid module: %s: %s", e.Position, e.Msg)
}

// Features selects which proposals beyond WebAssembly 1.0 are accepted.
type Features uint32

// Feature flags. Mutable-global import/export is part of 1.0 and always on.
const (
	FeatureSignExt Features = 1 << iota
	FeatureSatConv
	FeatureMultiValue
	FeatureBulkMemory
	FeatureReferenceTypes
	FeatureSIMD
)

// Feature sets of the standard's releases.
const (
	Features1_0 Features = 0
	Features2_0          = FeatureSignExt | FeatureSatConv | FeatureMultiValue |
		FeatureBulkMemory | FeatureReferenceTypes | FeatureSIMD
)

// Has reports whether all features in g are enabled in f.
func (f Features) Has(g Features) bool { return f&g == g }
