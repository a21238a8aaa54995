package store_test

// Helpers that assemble small binary modules for tests, on top of
// internal/wasmtest.

import (
	wt "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/wasm"
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
	return wt.Cat([]byte{0x60}, wt.Vec(p...), wt.Vec(r...))
}

// limits encodes limits; a negative max means none.
func limits(min, max int64) []byte {
	if max < 0 {
		return wt.Cat([]byte{0}, wt.ULEB(uint64(min)))
	}
	return wt.Cat([]byte{1}, wt.ULEB(uint64(min)), wt.ULEB(uint64(max)))
}

// i32 is the constant expression i32.const v.
func i32(v int32) []byte { return constExpr(opI32Const, wt.SLEB(int64(v))...) }

// constExpr encodes one instruction and its immediates followed by end.
func constExpr(op byte, imm ...byte) []byte { return wt.Cat([]byte{op}, imm, []byte{opEnd}) }

// body encodes a code entry without locals.
func body(instrs ...byte) []byte {
	c := wt.Cat([]byte{0}, instrs)
	return wt.Cat(wt.ULEB(uint64(len(c))), c)
}
