package sandbox

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// pattern returns n bytes that differ from zero and from their neighbours'
// pages, so that misplaced or stale pages show.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i%251 + 1)
	}
	return b
}

// requireImage checks that m holds img's bytes and zeros after them.
func requireImage(t *testing.T, m *GuardedMemory, data []byte) {
	t.Helper()
	require.Equal(t, data, m.Bytes()[:len(data)])
	require.Equal(t, make([]byte, len(m.Bytes())-len(data)), m.Bytes()[len(data):])
}

func TestImages(t *testing.T) {
	for _, mapped := range []bool{false, true} {
		t.Run(fmt.Sprintf("mapped=%v", mapped), func(t *testing.T) {
			data := pattern(3*PageSize + 100) // not a whole number of pages
			img, err := newImage(data, mapped)
			require.NoError(t, err)
			require.Equal(t, mapped && Guarded, img.Mapped())
			other, err := newImage(pattern(PageSize)[7:], mapped)
			require.NoError(t, err)

			p := NewPool(1)
			defer p.Close()
			m, err := p.Get(5, 8, img)
			require.NoError(t, err)
			region := unsafe.SliceData(m.region)
			requireImage(t, m, data)
			for i := range m.Bytes() {
				m.Bytes()[i] = 0xEE
			}
			_, err = m.Grow(1)
			require.NoError(t, err)
			m.Bytes()[5*PageSize] = 0xEE
			p.Put(m)

			m, err = p.Get(5, 8, img)
			require.NoError(t, err)
			requireImage(t, m, data)
			_, err = m.Grow(1)
			require.NoError(t, err)
			require.Zero(t, m.Bytes()[5*PageSize], "a grown page of the previous tenant")
			m.Bytes()[0] = 0xEE
			p.Put(m)

			m, err = p.Get(4, 4, other)
			require.NoError(t, err)
			requireImage(t, m, other.data)
			p.Put(m)

			m, err = p.Get(6, 6, nil)
			require.NoError(t, err)
			require.Equal(t, make([]byte, 6*PageSize), m.Bytes(), "no image left behind")
			if Guarded {
				require.Equal(t, region, unsafe.SliceData(m.region), "one reservation served every tenant")
			}
			p.Put(m)
		})
	}
}

func TestImageLargerThanMemory(t *testing.T) {
	img, err := NewImage(pattern(PageSize + 1))
	require.NoError(t, err)
	p := NewPool(1)
	defer p.Close()
	_, err = p.Get(1, 2, img)
	require.ErrorContains(t, err, "larger than the 1 pages")
}

// BenchmarkImage compares copying an image into a pooled memory with mapping
// it, at several sizes: get-put takes a memory holding the image and returns
// it, as instantiating and closing an instance does; touch-all also writes
// one byte per 4 KiB page in between, the worst case for mapping, which
// copies every page on first write.
func BenchmarkImage(b *testing.B) {
	for _, size := range []int{16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20} {
		for _, mapped := range []bool{false, true} {
			if mapped && !Guarded {
				continue
			}
			img, err := newImage(pattern(size), mapped)
			if err != nil {
				b.Fatal(err)
			}
			pages := uint32((size + PageSize - 1) / PageSize)
			for _, touch := range []bool{false, true} {
				name := fmt.Sprintf("size=%dKiB/mapped=%v/touch-all=%v", size>>10, mapped, touch)
				b.Run(name, func(b *testing.B) {
					p := NewPool(0)
					defer p.Close()
					for b.Loop() {
						m, err := p.Get(pages, pages, img)
						if err != nil {
							b.Fatal(err)
						}
						if touch {
							for i := 0; i < size; i += 4096 {
								m.Bytes()[i]++
							}
						}
						p.Put(m)
					}
				})
			}
		}
	}
}
