//go:build !linux || !(amd64 || arm64)

package sandbox

// mapImageMin is never reached: images are always copied here.
const mapImageMin = int(^uint(0) >> 1)

type imageFile struct{}

func (*imageFile) ok() bool { return false }

func (*imageFile) close() error { return nil }

func newImage(data []byte, _ bool) (*Image, error) { return &Image{data: data}, nil }

func (m *GuardedMemory) mapImage(*Image) error {
	panic("sandbox: images are not mapped on this platform")
}

func (m *GuardedMemory) unmapImage() error { panic("sandbox: images are not mapped on this platform") }
