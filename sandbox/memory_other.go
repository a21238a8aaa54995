//go:build !linux || !(amd64 || arm64)

package sandbox

// Guarded reports whether memories are guard-page reservations; elsewhere
// they are plain slices and every access needs an explicit check.
const Guarded = false

func reserve() ([]byte, error) { return nil, nil }

func unreserve([]byte) error { return nil }

// commit sets the size to n bytes, copying when the slice must grow.
func (m *GuardedMemory) commit(n int) error {
	if n <= cap(m.bytes) {
		m.bytes = m.bytes[:n]
		return nil
	}
	b := make([]byte, n)
	copy(b, m.bytes)
	m.bytes = b
	return nil
}

func (m *GuardedMemory) reset() error {
	clear(m.bytes)
	m.bytes = m.bytes[:0]
	return nil
}

// clearTouched zeroes bytes[from:to]. Reset clears every byte here, so
// nothing is kept beyond bytes.
func (m *GuardedMemory) clearTouched(from, to int) error {
	clear(m.bytes[from:to])
	return nil
}

// prefault does nothing: memories are Go slices here.
func prefault([]byte) {}
