package jit

// Arch is an architecture the JIT compiles for: it makes backends and the
// stubs that every module's code shares.
type Arch interface {
	// NewBackend returns a backend; each compiling goroutine has its own.
	NewBackend() Backend
	// Stubs assembles the shared stubs and returns their code and the
	// offsets in it of: the entry stub, which Go enters to call a
	// function (its target, instance context, record and argument area
	// come from the call context); the call-out stub, the entry of host
	// functions and of functions the interpreter runs, which exits to Go
	// with ExitCall; and the end of the call-out stub. Both stubs keep a
	// frame whose instance-context slot is where a compiled function
	// keeps its own.
	Stubs() (code []byte, entry, callOut, callOutEnd int, err error)
	// Features returns the CPU features that the code of its backends
	// depends on, one bit each: code compiled where the word has one value
	// runs only where it has the same (a compiled-code cache keys on it).
	Features() uint64
}
