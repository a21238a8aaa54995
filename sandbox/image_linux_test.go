//go:build amd64 || arm64

package sandbox

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestMappedImageIsSealed(t *testing.T) {
	img, err := newImage(pattern(PageSize), true)
	require.NoError(t, err)
	_, err = unix.Pwrite(img.mapped.fd, []byte{0}, 0)
	require.Error(t, err, "the image's file takes no writes")
	p := NewPool(1)
	defer p.Close()
	m, err := p.Get(1, 1, img)
	require.NoError(t, err)
	m.Bytes()[0] = 0
	p.Put(m)
	m, err = p.Get(1, 1, img)
	require.NoError(t, err)
	require.Equal(t, byte(1), m.Bytes()[0], "a tenant's write stays private")
	p.Put(m)
}
