package wasm

import wt "github.com/terra-runtime/terra/internal/wasmtest"

// Helpers that assemble small binary modules for tests.

// funcType encodes a function type.
func funcType(params, results []ValueType) []byte {
	p := make([][]byte, len(params))
	for i, t := range params {
		p[i] = []byte{byte(t)}
	}
	r := make([][]byte, len(results))
	for i, t := range results {
		r[i] = []byte{byte(t)}
	}
	return wt.Cat([]byte{0x60}, wt.Vec(p...), wt.Vec(r...))
}

// body encodes a code entry with the given local declarations and
// instruction bytes (which must include the final end).
func body(locals []byte, instrs ...byte) []byte {
	if locals == nil {
		locals = []byte{0}
	}
	c := wt.Cat(locals, instrs)
	return wt.Cat(wt.ULEB(uint64(len(c))), c)
}

// oneFunc builds a module with one function of type params -> results.
func oneFunc(params, results []ValueType, b []byte, extra ...[]byte) []byte {
	secs := [][]byte{
		wt.Section(secType, wt.Vec(funcType(params, results))),
		wt.Section(secFunction, wt.Vec([]byte{0})),
	}
	secs = append(secs, extra...)
	secs = append(secs, wt.Section(secCode, wt.Vec(b)))
	return wt.Module(secs...)
}
