package asm

import (
	"encoding/binary"
	"sync"
	"testing"
)

// fuzzInput reads a fuzzer's bytes as a stream of choices, zeros once they
// run out.
type fuzzInput []byte

func (in *fuzzInput) byte() byte {
	if len(*in) == 0 {
		return 0
	}
	b := (*in)[0]
	*in = (*in)[1:]
	return b
}

func (in *fuzzInput) u64() uint64 {
	var b [8]byte
	for i := range b {
		b[i] = in.byte()
	}
	return binary.LittleEndian.Uint64(b[:])
}

// fuzzImm maps raw to a valid immediate of class k, favouring small
// magnitudes about half the time so that every encoding size is reached.
func fuzzImm(k, op int, w Width, raw uint64) int64 {
	if raw&1 != 0 {
		raw = uint64(int64(raw) >> (raw >> 58)) // arithmetic shift: keeps sign
	}
	v := int64(raw)
	unsigned := raw&2 != 0
	narrow := func(w Width) int64 {
		switch {
		case w == W8 && unsigned:
			return int64(uint8(v))
		case w == W16 && unsigned:
			return int64(uint16(v))
		case w == W32 && unsigned:
			return int64(uint32(v))
		case w == W64:
			return v
		}
		return truncImm(v, w)
	}
	switch k {
	case immArith:
		if w >= W32 {
			return int64(int32(v))
		}
		return narrow(w)
	case immMov:
		return narrow(w)
	case immU8:
		return int64(uint8(v))
	case immXOp:
		return int64(raw % (uint64(xforms[op].immMax) + 1))
	}
	return 0
}

func fuzzMem(in *fuzzInput) Mem {
	k := in.byte()
	if k%16 == 0 {
		return RIP(1)
	}
	var m Mem
	if b := in.byte() % 17; b != 0 {
		m.Base = Reg(b)
	}
	if x := in.byte() % 17; x != 0 && Reg(x) != RSP {
		m.Index = Reg(x)
		m.Scale = []uint8{1, 2, 4, 8}[in.byte()&3]
	}
	raw := in.u64()
	switch k >> 6 {
	case 0:
	case 1:
		m.Disp = int32(int8(raw))
	default:
		m.Disp = int32(raw)
	}
	return m
}

// fuzzOperands decodes a form and its operands.
func fuzzOperands(data []byte) (*form, operands, bool) {
	in := fuzzInput(data)
	f := &forms[int(in.byte())%len(forms)]
	pick := func(n int) int { return int(in.byte()) % n }
	var o operands
	if len(f.ops) > 0 {
		o.op = f.ops[pick(len(f.ops))]
	}
	if len(f.widths) > 0 {
		o.w = f.widths[pick(len(f.widths))]
	}
	if len(f.w2s) > 0 {
		o.w2 = f.w2s[pick(len(f.w2s))]
	}
	if f.gp >= 1 {
		o.r1 = allRegs[pick(16)]
	}
	if f.gp >= 2 {
		o.r2 = allRegs[pick(16)]
	}
	if f.gp >= 3 {
		o.r3 = allRegs[pick(16)]
	}
	if f.xr >= 1 {
		o.x1 = allXRegs[pick(16)]
	}
	if f.xr >= 2 {
		o.x2 = allXRegs[pick(16)]
	}
	if f.mem {
		o.m = fuzzMem(&in)
	}
	if f.cond {
		o.cc = Cond(pick(16))
	}
	o.imm = fuzzImm(f.imm, o.op, o.w, in.u64())
	return f, o, f.skip == nil || !f.skip(o)
}

var checkers = sync.Pool{New: func() any { return new(checker) }}

// FuzzCrossCheck draws a directly encoded form and operands and compares
// the two encoders, as TestCrossCheck does for enumerated operands.
//
//	go test -run NONE -fuzz FuzzCrossCheck -fuzztime 10m ./jit/amd64/asm/
func FuzzCrossCheck(f *testing.F) {
	for i := range forms {
		f.Add([]byte{byte(i)})
		f.Add([]byte{byte(i), 1, 2, 3, 12, 13, 0x40, 13, 5, 2, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0x81, 0x34, 0x12})
		f.Add([]byte{byte(i), 7, 3, 1, 5, 4, 0x80, 6, 14, 3, 0x80, 0, 0, 0, 1, 0, 0, 0, 0x10, 0x20, 0x30})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		form, o, ok := fuzzOperands(data)
		if !ok {
			t.Skip("no such operand combination")
		}
		c := checkers.Get().(*checker)
		defer checkers.Put(c)
		if err := c.check(form, o); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzAnyOperands calls the forms with unconstrained operands (any op,
// width, register number, condition, immediate) and checks the invariant
// behind "never silently wrong": each call either emits an instruction or
// records an error, never both and never neither, and never panics.
func FuzzAnyOperands(f *testing.F) {
	for i := range forms {
		f.Add([]byte{byte(i), 9, 3, 0, 17, 16, 200, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzInput(data)
		fm := &forms[int(in.byte())%len(forms)]
		if fm.name == "Nullary" {
			t.Skip("no operands; op indexes the test's own table")
		}
		o := operands{
			op: int(in.byte()), w: Width(in.byte() % 10), w2: Width(in.byte() % 10),
			r1: Reg(in.byte() % 20), r2: Reg(in.byte() % 20), r3: Reg(in.byte() % 20),
			x1: XReg(in.byte() % 20), x2: XReg(in.byte() % 20),
			cc: Cond(in.byte() % 20), imm: int64(in.u64()),
		}
		o.m = Mem{Base: Reg(in.byte() % 20), Index: Reg(in.byte() % 20), Scale: in.byte() % 10, Disp: int32(in.u64())}
		var a Assembler
		l := a.NewLabel()
		if in.byte()%8 == 0 {
			o.m = RIP(l)
		}
		fm.emit(&a, o)
		emitted, failed := a.Offset() > 0, a.Err() != nil
		if emitted == failed {
			t.Fatalf("%s %v: emitted %v, error %v", fm.name, o, emitted, a.Err())
		}
	})
}
