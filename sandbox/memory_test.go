package sandbox

import (
	"errors"
	"runtime/debug"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestGrowKeepsContentsAndZeroesNewPages(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	m, err := p.Get(1, 4, nil)
	require.NoError(t, err)
	require.Len(t, m.Bytes(), PageSize)
	m.Bytes()[PageSize-1] = 7
	old, err := m.Grow(2)
	require.NoError(t, err)
	require.Equal(t, uint32(1), old)
	require.Equal(t, uint32(3), m.Pages())
	require.Equal(t, byte(7), m.Bytes()[PageSize-1])
	require.Equal(t, make([]byte, 2*PageSize), m.Bytes()[PageSize:])

	_, err = m.Grow(2)
	require.ErrorIs(t, err, ErrGrow)
	require.Equal(t, uint32(3), m.Pages(), "a failed grow changes nothing")
	p.Put(m)
}

// faults reports whether reading the byte at p faults.
func faults(p unsafe.Pointer) (faulted bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			faulted = true
		}
	}()
	_ = *(*byte)(p)
	return false
}

func TestReusedMemoryShowsNothingOfThePreviousTenant(t *testing.T) {
	p := NewPool(1)
	defer p.Close()
	m, err := p.Get(2, 2, nil)
	require.NoError(t, err)
	for i := range m.Bytes() {
		m.Bytes()[i] = 0xAB
	}
	region := unsafe.SliceData(m.region)
	p.Put(m)

	m, err = p.Get(3, 3, nil)
	require.NoError(t, err)
	if Guarded {
		require.Equal(t, region, unsafe.SliceData(m.region), "the reservation was reused")
	}
	require.Equal(t, make([]byte, 3*PageSize), m.Bytes())
	p.Put(m)
}

func TestAddressSpaceBudget(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	a, err := p.Get(0, 1, nil)
	require.NoError(t, err)
	b, err := p.Get(0, 1, nil)
	require.NoError(t, err)
	_, err = p.Get(0, 1, nil)
	require.True(t, errors.Is(err, ErrAddressSpace), "got %v", err)
	p.Put(a)
	c, err := p.Get(0, 1, nil)
	require.NoError(t, err, "a returned memory is reused")
	p.Put(b)
	p.Put(c)
	_, err = p.Get(2, 1, nil)
	require.ErrorIs(t, err, ErrGrow, "minimum above maximum")
}

func TestTrimReleasesIdleMemoriesOnly(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	img, err := NewImage(pattern(100))
	require.NoError(t, err)
	inUse, err := p.Get(1, 1, nil)
	require.NoError(t, err)
	idle, err := p.Get(1, 1, img)
	require.NoError(t, err)
	p.Put(idle)

	p.Trim()
	require.Equal(t, 1, p.live, "the idle memory's reservation is released")
	inUse.Bytes()[PageSize-1] = 1 // still committed
	m, err := p.Get(1, 1, img)
	require.NoError(t, err, "the pool stays open")
	requireImage(t, m, pattern(100))
	p.Put(m)
	p.Put(inUse)
	p.Trim()
	require.Zero(t, p.live)
}

func TestPoolConcurrentUse(t *testing.T) {
	p := NewPool(8)
	defer p.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				m, err := p.Get(1, 2, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if m.Bytes()[0] != 0 {
					t.Error("memory not reset")
				}
				m.Bytes()[0] = byte(g + 1)
				p.Put(m)
			}
		}(g)
	}
	wg.Wait()
}

// BenchmarkPoolGetPut measures taking a 1-page memory from the pool and
// returning it, against allocating the same memory as a Go slice.
func BenchmarkPoolGetPut(b *testing.B) {
	b.Run("pool", func(b *testing.B) {
		p := NewPool(0)
		defer p.Close()
		for b.Loop() {
			m, err := p.Get(1, MaxPages, nil)
			if err != nil {
				b.Fatal(err)
			}
			m.Bytes()[0] = 1 // touch it, as a tenant would
			p.Put(m)
		}
	})
	b.Run("slice", func(b *testing.B) {
		for b.Loop() {
			s := make([]byte, PageSize)
			s[0] = 1
		}
	})
}

func TestSmallerTenantGetsGuardPagesBack(t *testing.T) {
	if !Guarded {
		t.Skip("memories are plain slices on this platform")
	}
	p := NewPool(1)
	defer p.Close()
	m, err := p.Get(4, 4, nil)
	require.NoError(t, err)
	m.Bytes()[3*PageSize] = 9
	p.Put(m)
	m, err = p.Get(1, 4, nil)
	require.NoError(t, err)
	base := unsafe.Pointer(unsafe.SliceData(m.region))
	require.True(t, faults(unsafe.Add(base, PageSize)), "pages of a larger previous tenant are protected again")
	_, err = m.Grow(3)
	require.NoError(t, err)
	require.Equal(t, byte(0), m.Bytes()[3*PageSize], "and read as zero when committed again")
	p.Put(m)
}

// TestPrefaultKeepsContents checks that prefaulting a buffer, at any
// alignment and length, leaves what it holds untouched.
func TestPrefaultKeepsContents(t *testing.T) {
	b := make([]byte, 5*65536+123)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	for _, r := range [][2]int{{0, len(b)}, {7, len(b) - 9}, {100, 200}, {4096, 4096}, {0, 0}} {
		Prefault(b[r[0]:r[1]])
	}
	Prefault(nil)
	for i := range b {
		if b[i] != byte(i*7+1) {
			t.Fatalf("byte %d changed to %d", i, b[i])
		}
	}
}
