package store_test

// Helpers that assemble small binary modules for tests, after those in
// wasm/builder_test.go.

import "github.com/terra-runtime/terra/wasm"

// Section identifiers.
const (
	secType     = 1
	secImport   = 2
	secFunction = 3
	secTable    = 4
	secMemory   = 5
	secGlobal   = 6
	secExport   = 7
	secStart    = 8
	secElement  = 9
	secCode     = 10
	secData     = 11
)

// Instruction bytes used in constant expressions and bodies.
const (
	opEnd       = 0x0b
	opGlobalGet = 0x23
	opI32Const  = 0x41
	opI64Const  = 0x42
	opF32Const  = 0x43
	opF64Const  = 0x44
	opRefNull   = 0xd0
	opRefFunc   = 0xd2
)

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

func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
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

func name(s string) []byte { return cat(uleb(uint64(len(s))), []byte(s)) }

// funcType encodes a function type.
func funcType(params, results []wasm.ValueType) []byte {
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

// limits encodes limits; a negative max means none.
func limits(min, max int64) []byte {
	if max < 0 {
		return cat([]byte{0}, uleb(uint64(min)))
	}
	return cat([]byte{1}, uleb(uint64(min)), uleb(uint64(max)))
}

// i32 is the constant expression i32.const v.
func i32(v int32) []byte { return constExpr(opI32Const, sleb(int64(v))...) }

// constExpr encodes one instruction and its immediates followed by end.
func constExpr(op byte, imm ...byte) []byte { return cat([]byte{op}, imm, []byte{opEnd}) }

// body encodes a code entry without locals.
func body(instrs ...byte) []byte {
	c := cat([]byte{0}, instrs)
	return cat(uleb(uint64(len(c))), c)
}
