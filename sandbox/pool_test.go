package sandbox

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPoolStats(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	require.Equal(t, PoolStats{Limit: 3}, p.Stats())
	a, err := p.Get(1, 1, nil)
	require.NoError(t, err)
	b, err := p.Get(1, 1, nil)
	require.NoError(t, err)
	require.Equal(t, PoolStats{InUse: 2, Limit: 3}, p.Stats())
	p.Put(a)
	require.Equal(t, PoolStats{InUse: 1, Idle: 1, Limit: 3}, p.Stats())
	p.Put(b)
	p.Trim()
	require.Equal(t, PoolStats{Limit: 3}, p.Stats())
}

func TestPoolSetLimit(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	a, err := p.Get(1, 1, nil)
	require.NoError(t, err)
	b, err := p.Get(1, 1, nil)
	require.NoError(t, err)
	p.Put(b)

	p.SetLimit(1)
	require.Equal(t, PoolStats{InUse: 1, Limit: 1}, p.Stats(), "the idle reservation beyond the limit is released")
	_, err = p.Get(1, 1, nil)
	require.True(t, errors.Is(err, ErrAddressSpace), "got %v", err)
	p.Put(a)
	a, err = p.Get(1, 1, nil)
	require.NoError(t, err, "a returned memory is reused")
	p.Put(a)

	p.SetLimit(0)
	require.Equal(t, DefaultReservations, p.Stats().Limit)
}

func TestPoolForgetsImages(t *testing.T) {
	for _, mapped := range []bool{false, true} {
		data := pattern(2*PageSize + 10)
		img, err := newImage(data, mapped)
		require.NoError(t, err)
		p := NewPool(2)
		idle, err := p.Get(3, 3, img)
		require.NoError(t, err)
		inUse, err := p.Get(3, 3, img)
		require.NoError(t, err)
		p.Put(idle)

		p.Forget(img)
		require.Empty(t, p.imaged, "no idle memory keeps the forgotten image")
		require.Len(t, p.free, 1)
		require.Nil(t, p.free[0].image)
		requireImage(t, inUse, data) // a tenant keeps its contents
		p.Put(inUse)
		require.Empty(t, p.imaged, "a memory coming back drops the forgotten image")
		require.NoError(t, img.Close())
		require.NoError(t, img.Close(), "closing twice does nothing")

		for range 2 {
			m, err := p.Get(3, 3, nil)
			require.NoError(t, err)
			require.Equal(t, make([]byte, 3*PageSize), m.Bytes(), "nothing of the image is left")
			defer p.Put(m)
		}
		require.Equal(t, PoolStats{InUse: 2, Limit: 2}, p.Stats())
		p.Close()
	}
}
