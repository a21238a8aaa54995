// Package host is the ABI shared by terra's host modules: the Go side of
// the imports that WebAssembly programs call, such as WASI (package
// host/wasi).
//
// A host module is a Module: a named set of host functions with state of
// its own (open files, a request being served), instantiated in a
// terra.Runtime and closed when its guest is done. Its functions reach the
// guest's linear memory through a Memory, whose accessors fail with a
// *FaultError instead of a boolean when the guest passes a pointer out of
// bounds, so that a function can check every access and map the failure to
// its own error code (WASI's EFAULT) in one place.
package host

import (
	"context"
	"errors"
	"fmt"

	"github.com/terra-runtime/terra"
)

// Module is a host module: its functions and the state they share.
type Module interface {
	// Name is the module name that guests import from, and that
	// Instantiate registers the instance under.
	Name() string
	// Instantiate adds the module's functions to rt under Name.
	Instantiate(ctx context.Context, rt *terra.Runtime) (*terra.Instance, error)
	// Close releases the module's resources, such as open files. The
	// functions of instances made from it must not be called afterwards.
	Close() error
}

// ErrNoMemory reports a host function called by an instance without a
// memory, or by no instance at all: host functions that take pointers
// need the caller's memory 0.
var ErrNoMemory = errors.New("host: caller has no memory")

// FaultError reports a guest memory access out of bounds: Len bytes at
// Offset, the sum of both possibly overflowing 32 bits.
type FaultError struct {
	Offset uint32
	Len    uint64
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("host: memory access of %d bytes at 0x%x out of bounds", e.Len, e.Offset)
}

// GuestMemory is a view of a guest's linear memory for host functions. Slices
// that Slice returns alias the memory, and are invalid once it grows (the
// guest can only grow it while running, so not during a host call unless
// the host calls back into the guest).
type GuestMemory struct {
	mem *terra.Memory
}

// CallerMemory returns the memory of the instance that called a host
// function, or ErrNoMemory and the zero Memory, whose every access fails
// with ErrNoMemory.
func CallerMemory(c terra.Caller) (GuestMemory, error) {
	m := c.Memory()
	if m == nil {
		return GuestMemory{}, ErrNoMemory
	}
	return GuestMemory{mem: m}, nil
}

// NewMemory returns a view of m, for host functions that get their memory
// otherwise than from a Caller, and for tests.
func NewMemory(m *terra.Memory) GuestMemory { return GuestMemory{mem: m} }

// Slice returns the n bytes at offset, aliasing the memory.
func (m GuestMemory) Slice(offset, n uint32) ([]byte, error) {
	if m.mem == nil {
		return nil, ErrNoMemory
	}
	b, ok := m.mem.Read(offset, n)
	if !ok {
		return nil, &FaultError{Offset: offset, Len: uint64(n)}
	}
	return b, nil
}

// String returns a copy of the n bytes at offset as a string.
func (m GuestMemory) String(offset, n uint32) (string, error) {
	b, err := m.Slice(offset, n)
	return string(b), err
}

// Write copies data to offset.
func (m GuestMemory) Write(offset uint32, data []byte) error {
	if m.mem == nil {
		return ErrNoMemory
	}
	if !m.mem.Write(offset, data) {
		return &FaultError{Offset: offset, Len: uint64(len(data))}
	}
	return nil
}

// Uint8 returns the byte at offset.
func (m GuestMemory) Uint8(offset uint32) (uint8, error) {
	if m.mem == nil {
		return 0, ErrNoMemory
	}
	v, ok := m.mem.ReadUint8(offset)
	if !ok {
		return 0, &FaultError{Offset: offset, Len: 1}
	}
	return v, nil
}

// Uint16 returns the little-endian uint16 at offset.
func (m GuestMemory) Uint16(offset uint32) (uint16, error) {
	b, err := m.Slice(offset, 2)
	if err != nil {
		return 0, err
	}
	return uint16(b[0]) | uint16(b[1])<<8, nil
}

// Uint32 returns the little-endian uint32 at offset.
func (m GuestMemory) Uint32(offset uint32) (uint32, error) {
	if m.mem == nil {
		return 0, ErrNoMemory
	}
	v, ok := m.mem.ReadUint32Le(offset)
	if !ok {
		return 0, &FaultError{Offset: offset, Len: 4}
	}
	return v, nil
}

// Uint64 returns the little-endian uint64 at offset.
func (m GuestMemory) Uint64(offset uint32) (uint64, error) {
	if m.mem == nil {
		return 0, ErrNoMemory
	}
	v, ok := m.mem.ReadUint64Le(offset)
	if !ok {
		return 0, &FaultError{Offset: offset, Len: 8}
	}
	return v, nil
}

// PutUint8 writes v at offset.
func (m GuestMemory) PutUint8(offset uint32, v uint8) error {
	if m.mem == nil {
		return ErrNoMemory
	}
	if !m.mem.WriteUint8(offset, v) {
		return &FaultError{Offset: offset, Len: 1}
	}
	return nil
}

// PutUint16 writes v at offset, little-endian.
func (m GuestMemory) PutUint16(offset uint32, v uint16) error {
	return m.Write(offset, []byte{byte(v), byte(v >> 8)})
}

// PutUint32 writes v at offset, little-endian.
func (m GuestMemory) PutUint32(offset, v uint32) error {
	if m.mem == nil {
		return ErrNoMemory
	}
	if !m.mem.WriteUint32Le(offset, v) {
		return &FaultError{Offset: offset, Len: 4}
	}
	return nil
}

// PutUint64 writes v at offset, little-endian.
func (m GuestMemory) PutUint64(offset uint32, v uint64) error {
	if m.mem == nil {
		return ErrNoMemory
	}
	if !m.mem.WriteUint64Le(offset, v) {
		return &FaultError{Offset: offset, Len: 8}
	}
	return nil
}
