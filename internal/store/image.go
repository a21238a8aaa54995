package store

import "github.com/terra-runtime/terra/wasm"

// Image is the initial contents of a module's own memory, precomputed once
// per module: instantiation copies it in one move instead of applying each
// data segment. Compilers for wasip1 emit tens of thousands of small
// segments (30,840 in a Go hello world), which made instantiation cost
// milliseconds.
type Image struct {
	bytes []byte
	// dropped has the bit of every active segment set: the instance's
	// dropped segments once the image is applied.
	dropped []uint64
}

// Bytes returns the image, from offset 0 of the memory. The caller must
// not modify it.
func (img *Image) Bytes() []byte { return img.bytes }

// NewImage returns the image of m's data segments, or nil when they cannot
// be precomputed: the memory is imported (segments must leave the bytes
// between them alone), an offset is not a constant, or a segment does not
// fit in the memory's minimum size (instantiation must then trap, or the
// 1.0 rules apply).
func NewImage(m *wasm.Module) *Image {
	if len(m.Memories) != 1 || m.NumImportedMemories != 0 || !m.Features.Has(wasm.FeatureBulkMemory) {
		return nil
	}
	size := uint64(m.Memories[0].Limits.Min) * wasm.PageSize
	end := uint64(0)
	for i := range m.Data {
		s := &m.Data[i]
		if s.Mode != wasm.SegmentActive {
			continue
		}
		if s.Offset.Op != wasm.OpI32Const || s.Offset.Type != wasm.I32 {
			return nil
		}
		e := uint64(uint32(s.Offset.Value)) + uint64(len(s.Init))
		if e > size {
			return nil
		}
		end = max(end, e)
	}
	if end == 0 {
		return nil
	}
	img := &Image{bytes: make([]byte, end), dropped: make([]uint64, (len(m.Data)+63)/64)}
	for i := range m.Data {
		if s := &m.Data[i]; s.Mode == wasm.SegmentActive {
			copy(img.bytes[uint32(s.Offset.Value):], s.Init)
			img.dropped[i/64] |= 1 << (i % 64)
		}
	}
	return img
}
