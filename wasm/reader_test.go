package wasm

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLEB128(t *testing.T) {
	u32 := []struct {
		in   []byte
		want uint32
		err  string
	}{
		{[]byte{0x00}, 0, ""},
		{[]byte{0x7F}, 127, ""},
		{[]byte{0x80, 0x01}, 128, ""},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x00}, 0, ""}, // padded zero is allowed
		{[]byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFF, ""},
		{[]byte{0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, 0, "integer too large"},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, "integer representation too long"},
		{[]byte{0x80}, 0, "unexpected end"},
	}
	for _, c := range u32 {
		r := reader{data: c.in}
		got := r.u32()
		if c.err != "" {
			require.ErrorContains(t, r.err, c.err, "% x", c.in)
			continue
		}
		require.NoError(t, r.err, "% x", c.in)
		require.Equal(t, c.want, got, "% x", c.in)
	}

	signed := []struct {
		bits uint
		in   []byte
		want int64
		err  string
	}{
		{32, []byte{0x7F}, -1, ""},
		{32, []byte{0x3F}, 63, ""},
		{32, []byte{0x40}, -64, ""},
		{32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x07}, 0x7FFFFFFF, ""},
		{32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}, -0x80000000, ""},
		{32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0, "integer too large"}, // sign bit clear, unused bits set
		{32, []byte{0x80, 0x80, 0x80, 0x80, 0x70}, 0, "integer too large"}, // sign bit set, unused bits clear
		{32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1, ""},
		{33, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFF, ""},
		{33, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1, ""},
		{33, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, 0, "integer too large"}, // sign bit set, unused bits clear
		{33, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x2F}, 0, "integer too large"},
		{64, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, 0x7FFFFFFFFFFFFFFF, ""},
		{64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}, -0x8000000000000000, ""},
		{64, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 0, "integer too large"},
		{64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, "integer representation too long"},
	}
	for _, c := range signed {
		r := reader{data: c.in}
		got := r.signed(c.bits)
		if c.err != "" {
			require.ErrorContains(t, r.err, c.err, "s%d % x", c.bits, c.in)
			continue
		}
		require.NoError(t, r.err, "s%d % x", c.bits, c.in)
		require.Equal(t, c.want, got, "s%d % x", c.bits, c.in)
	}
}

func TestNameRejectsBadUTF8(t *testing.T) {
	r := reader{data: []byte{2, 0xC3, 0x28}}
	r.name()
	require.ErrorContains(t, r.err, "malformed UTF-8 encoding")
}

// TestCodeReaderSkip walks every function body of the spec suite's valid
// modules with Skip and checks that each ends exactly at its end.
func TestCodeReaderSkip(t *testing.T) {
	paths := specModules(t)
	if len(paths) == 0 {
		t.Skip("no spec suite (see TERRA_SPECTEST_DIR)")
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		m, err := Parse(data, Features2_0)
		if err != nil {
			continue
		}
		skipBodies(t, m)
	}
}

func skipBodies(t *testing.T, m *Module) {
	for i, c := range m.Code {
		r := CodeReader{Body: c.Body}
		depth := 1
		for depth > 0 {
			op := r.Opcode()
			switch op {
			case OpBlock, OpLoop, OpIf:
				depth++
			case OpEnd:
				depth--
			}
			r.Skip(op)
		}
		require.Equal(t, len(c.Body), r.Pos, "func %d", i)
	}
}
