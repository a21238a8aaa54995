package wasmgen

import "math/rand/v2"

// Source is the stream of choices that drives generation. It reads its
// bytes from a slice (so that a fuzzer steers every decision) or from a
// seeded PRNG. An exhausted slice yields zeros forever, and choice zero is
// always the smallest option, so a short input makes a small module rather
// than an error. Equal inputs yield equal streams.
type Source struct {
	data []byte
	pos  int
	pcg  *rand.PCG // nil when reading data
	bits uint64    // unread bytes of the last PCG output
	n    int       // how many
}

// NewSource returns a source that reads data, then zeros.
func NewSource(data []byte) *Source { return &Source{data: data} }

// NewSeededSource returns an endless source drawn from a PRNG seeded with
// seed.
func NewSeededSource(seed uint64) *Source {
	return &Source{pcg: rand.NewPCG(seed, 0x7465727261)}
}

// Clone returns a source that yields the same stream as s from here on,
// independently of s.
func (s *Source) Clone() *Source {
	c := *s
	if s.pcg != nil {
		p := *s.pcg
		c.pcg = &p
	}
	return &c
}

// Exhausted reports whether a slice-backed source has run out of input.
// A seeded source never does.
func (s *Source) Exhausted() bool { return s.pcg == nil && s.pos >= len(s.data) }

// Byte returns the next byte of the stream.
func (s *Source) Byte() byte {
	if s.pcg != nil {
		if s.n == 0 {
			s.bits, s.n = s.pcg.Uint64(), 8
		}
		b := byte(s.bits)
		s.bits >>= 8
		s.n--
		return b
	}
	if s.pos >= len(s.data) {
		return 0
	}
	b := s.data[s.pos]
	s.pos++
	return b
}

// Uint32 returns the next four bytes, little-endian.
func (s *Source) Uint32() uint32 {
	return uint32(s.Byte()) | uint32(s.Byte())<<8 | uint32(s.Byte())<<16 | uint32(s.Byte())<<24
}

// Uint64 returns the next eight bytes, little-endian.
func (s *Source) Uint64() uint64 { return uint64(s.Uint32()) | uint64(s.Uint32())<<32 }

// Intn returns a number in [0, n), zero once the input is exhausted. It
// reads as few bytes as n needs: one up to 256, two up to 65536, else four.
func (s *Source) Intn(n int) int {
	switch {
	case n <= 1:
		return 0
	case n <= 1<<8:
		return int(s.Byte()) % n
	case n <= 1<<16:
		return (int(s.Byte()) | int(s.Byte())<<8) % n
	}
	return int(s.Uint32() % uint32(n))
}

// Range returns a number in [lo, hi].
func (s *Source) Range(lo, hi int) int { return lo + s.Intn(hi-lo+1) }

// OneIn reports true with probability 1/n; false once the input is
// exhausted.
func (s *Source) OneIn(n int) bool { return s.Intn(n) == n-1 }

// Pick returns an index into weights, each chosen with probability
// proportional to its weight; index 0 once the input is exhausted, unless
// its weight is zero, in which case the first non-zero weight.
func (s *Source) Pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	if total == 0 {
		return 0
	}
	r := s.Intn(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}
