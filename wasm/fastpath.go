package wasm

// The fast path: function bodies are mostly scalar arithmetic, local access,
// constants and memory accesses. validateBody checks those inline against this
// table and falls back to the general rules (instr) whenever anything is
// unusual, so every error is still reported by one piece of code.

type fastKind uint8

const (
	fastNone fastKind = iota
	fastUnary
	fastBinary
	fastLocalGet
	fastLocalSet
	fastLocalTee
	fastConst
	fastLoad
	fastStore
)

type fastOp struct {
	kind          fastKind
	in0, in1, out ValueType
	// align is the largest alignment exponent of a memory access; for
	// constants it is the longest LEB128 encoding that needs no range check.
	align uint8
}

var fastOps [256]fastOp

func init() {
	for b := range opsMVP {
		in := &opsMVP[b]
		if in.name == "" || in.feature != 0 || in.sig == nil {
			continue
		}
		s := in.sig
		switch {
		case in.imm == immNone && len(s.in) == 1 && len(s.out) == 1:
			fastOps[b] = fastOp{kind: fastUnary, in0: s.in[0], out: s.out[0]}
		case in.imm == immNone && len(s.in) == 2 && len(s.out) == 1:
			fastOps[b] = fastOp{kind: fastBinary, in0: s.in[0], in1: s.in[1], out: s.out[0]}
		case in.imm == immMemarg && len(s.out) == 1:
			fastOps[b] = fastOp{kind: fastLoad, out: s.out[0], align: in.align}
		case in.imm == immMemarg:
			fastOps[b] = fastOp{kind: fastStore, in1: s.in[1], align: in.align}
		}
	}
	fastOps[OpLocalGet] = fastOp{kind: fastLocalGet}
	fastOps[OpLocalSet] = fastOp{kind: fastLocalSet}
	fastOps[OpLocalTee] = fastOp{kind: fastLocalTee}
	// LEB128s shorter than the maximum length cannot overflow.
	fastOps[OpI32Const] = fastOp{kind: fastConst, out: I32, align: 4}
	fastOps[OpI64Const] = fastOp{kind: fastConst, out: I64, align: 9}
}

// shortLEB returns the length of the LEB128 at data[p:] if it is at most max
// bytes long, else 0.
func shortLEB(data []byte, p, max int) int {
	for i := 0; i < max && p+i < len(data); i++ {
		if data[p+i] < 0x80 {
			return i + 1
		}
	}
	return 0
}

// fast validates the instruction at r.pos if it is a common case the fast
// table covers, and reports whether it did. It changes nothing otherwise.
func (v *funcValidator) fast() bool {
	r := &v.r
	data, pos := r.data, r.pos
	f := &fastOps[data[pos]]
	n := len(v.vals)
	switch f.kind {
	case fastUnary:
		if n > v.height && v.vals[n-1] == f.in0 {
			v.vals[n-1] = f.out
			r.pos++
			return true
		}
	case fastBinary:
		if n >= v.height+2 && v.vals[n-1] == f.in1 && v.vals[n-2] == f.in0 {
			v.vals[n-2] = f.out
			v.vals = v.vals[:n-1]
			v.slots--
			r.pos++
			return true
		}
	case fastLocalGet, fastLocalSet, fastLocalTee:
		p := pos + 1
		if p >= len(data) || data[p] >= 0x80 || int(data[p]) >= len(v.locals) {
			return false
		}
		t := v.locals[data[p]]
		if f.kind == fastLocalGet {
			v.push(t)
		} else if n > v.height && v.vals[n-1] == t {
			if f.kind == fastLocalSet {
				v.vals = v.vals[:n-1]
				v.slots -= slotsOf(t)
			}
		} else {
			return false
		}
		r.pos = p + 1
		return true
	case fastConst:
		if l := shortLEB(data, pos+1, int(f.align)); l > 0 {
			v.push(f.out)
			r.pos = pos + 1 + l
			return true
		}
	case fastLoad, fastStore:
		p := pos + 1
		if !v.hasMemory || p >= len(data) || data[p] > f.align {
			return false
		}
		l := shortLEB(data, p+1, 4)
		if l == 0 {
			return false
		}
		if f.kind == fastLoad {
			if n > v.height && v.vals[n-1] == I32 {
				v.vals[n-1] = f.out
				r.pos = p + 1 + l
				return true
			}
		} else if n >= v.height+2 && v.vals[n-1] == f.in1 && v.vals[n-2] == I32 {
			v.vals = v.vals[:n-2]
			v.slots -= 2
			r.pos = p + 1 + l
			return true
		}
	}
	return false
}
