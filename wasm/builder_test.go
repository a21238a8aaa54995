package wasm

// Helpers that assemble small binary modules for tests.

func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// section frames a section's contents with its id and size.
func section(id byte, contents ...[]byte) []byte {
	c := cat(contents...)
	return cat([]byte{id}, uleb(uint64(len(c))), c)
}

// vec prefixes items with their count.
func vec(items ...[]byte) []byte {
	return cat(uleb(uint64(len(items))), cat(items...))
}

func module(sections ...[]byte) []byte {
	return cat([]byte{0, 'a', 's', 'm', 1, 0, 0, 0}, cat(sections...))
}

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
	return cat([]byte{0x60}, vec(p...), vec(r...))
}

// body encodes a code entry with the given local declarations and
// instruction bytes (which must include the final end).
func body(locals []byte, instrs ...byte) []byte {
	if locals == nil {
		locals = []byte{0}
	}
	c := cat(locals, instrs)
	return cat(uleb(uint64(len(c))), c)
}

// oneFunc builds a module with one function of type params -> results.
func oneFunc(params, results []ValueType, b []byte, extra ...[]byte) []byte {
	secs := [][]byte{
		section(secType, vec(funcType(params, results))),
		section(secFunction, vec([]byte{0})),
	}
	secs = append(secs, extra...)
	secs = append(secs, section(secCode, vec(b)))
	return module(secs...)
}
