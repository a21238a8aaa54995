package wasm

import (
	"encoding/binary"
	"unicode/utf8"
)

// reader reads the binary format from a byte slice. Errors are sticky: after
// the first one, reads return zero values and err stays set, so callers
// check it once per construct instead of after every read.
type reader struct {
	data    []byte
	pos     int
	base    int // offset of data[0] in the module
	section string
	fn      int // function index when reading a body, else -1
	err     error
}

func (r *reader) offset() int { return r.base + r.pos }

func (r *reader) fail(format string) {
	if r.err == nil {
		r.err = &MalformedError{Position{Section: r.section, Offset: r.offset(), Func: r.fn}, format}
	}
}

func (r *reader) eof() bool { return r.pos >= len(r.data) }

func (r *reader) remaining() int { return len(r.data) - r.pos }

func (r *reader) byte() byte {
	if r.pos >= len(r.data) {
		r.fail("unexpected end")
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.data)-r.pos {
		r.fail("unexpected end")
		r.pos = len(r.data)
		return nil
	}
	b := r.data[r.pos : r.pos+n]
	r.pos += n
	return b
}

// u32 reads an unsigned LEB128 of at most 32 bits.
func (r *reader) u32() uint32 {
	// Fast path: one byte.
	if r.pos < len(r.data) && r.data[r.pos] < 0x80 {
		v := uint32(r.data[r.pos])
		r.pos++
		return v
	}
	var v uint32
	for shift := uint(0); ; shift += 7 {
		b := r.byte()
		if r.err != nil {
			return 0
		}
		if shift == 28 {
			if b&0x80 != 0 {
				r.fail("integer representation too long")
				return 0
			}
			if b&0x70 != 0 {
				r.fail("integer too large")
				return 0
			}
		}
		v |= uint32(b&0x7F) << shift
		if b&0x80 == 0 {
			return v
		}
	}
}

// signed reads a signed LEB128 of at most n bits (32, 33 or 64).
func (r *reader) signed(n uint) int64 {
	var v int64
	maxBytes := (n + 6) / 7
	for i := uint(0); ; i++ {
		b := r.byte()
		if r.err != nil {
			return 0
		}
		shift := 7 * i
		if i == maxBytes-1 {
			if b&0x80 != 0 {
				r.fail("integer representation too long")
				return 0
			}
			// The unused high bits of the last byte must all equal the sign bit.
			used := n - shift // value bits in this byte, sign included
			signBit := (b >> (used - 1)) & 1
			mask := byte(0x7F) &^ (1<<used - 1)
			if (signBit == 0 && b&mask != 0) || (signBit == 1 && b&mask != mask) {
				r.fail("integer too large")
				return 0
			}
		}
		v |= int64(b&0x7F) << shift
		if b&0x80 == 0 {
			if shift+7 < 64 && b&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			return v
		}
	}
}

func (r *reader) s32() int32 { return int32(r.signed(32)) }

func (r *reader) s64() int64 { return r.signed(64) }

func (r *reader) u32le() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) u64le() uint64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// count reads a vector length, rejecting lengths that cannot fit in the
// remaining bytes (every element takes at least one byte).
func (r *reader) count() int {
	n := r.u32()
	if r.err == nil && int64(n) > int64(r.remaining()) {
		r.fail("length out of bounds")
		return 0
	}
	return int(n)
}

func (r *reader) name() string {
	n := r.u32()
	if r.err != nil {
		return ""
	}
	if int64(n) > int64(r.remaining()) {
		r.fail("length out of bounds")
		return ""
	}
	b := r.bytes(int(n))
	if !utf8.Valid(b) {
		r.fail("malformed UTF-8 encoding")
		return ""
	}
	return string(b)
}
