package terra_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	. "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/sandbox"
)

// imageWasm exports a memory of pages pages whose first len(data) bytes are
// data, written by one active segment at offset 0.
func imageWasm(pages uint32, data []byte) []byte {
	return Module(
		Section(SecMemory, Vec(Cat([]byte{0}, ULEB(uint64(pages))))),
		Section(SecExport, Vec(Export("memory", KindMemory, 0))),
		Section(SecData, Vec(Cat([]byte{0, 0x41, 0, 0x0B}, ULEB(uint64(len(data))), data))),
	)
}

// TestReusedMemoryHoldsOnlyTheImage fills an instance's memory, closes it
// and checks that the next instances see the data segment and zeros only,
// with images copied and mapped.
func TestReusedMemoryHoldsOnlyTheImage(t *testing.T) {
	for _, size := range []int{1, 1 << 20} {
		t.Run(fmt.Sprintf("data=%d", size), func(t *testing.T) {
			data := bytes.Repeat([]byte{0x5A}, size)
			rt := newRuntime(t, terra.Config{})
			cm, err := rt.Compile(ctx, imageWasm(20, data))
			require.NoError(t, err)
			want := make([]byte, 20*65536)
			copy(want, data)
			for range 3 {
				inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
				require.NoError(t, err)
				mem := inst.Memory("memory")
				require.Equal(t, want, mem.Bytes(), "nothing of the previous tenant")
				for i := range mem.Bytes() {
					mem.Bytes()[i] = 0xEE
				}
				_, ok := mem.Grow(1)
				require.True(t, ok)
				require.True(t, mem.WriteUint8(20*65536, 0xEE))
				require.NoError(t, inst.Close())
			}
		})
	}
}

// reimportWasm imports a memory of at least one page as a.memory and
// exports it as "memory".
var reimportWasm = Module(
	Section(SecImport, Vec(Cat(Name("a"), Name("memory"), []byte{KindMemory, 0, 1}))),
	Section(SecExport, Vec(Export("memory", KindMemory, 0))),
)

func TestImportedMemoryOutlivesItsInstance(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	a, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	cm, err = rt.Compile(ctx, reimportWasm)
	require.NoError(t, err)
	b, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: map[string]*terra.Instance{"a": a}})
	require.NoError(t, err)

	require.NoError(t, a.Close())
	mem := b.Memory("memory")
	v, ok := mem.ReadUint8(0)
	require.True(t, ok, "the importer keeps the memory")
	require.Equal(t, byte('x'), v)
	require.True(t, mem.WriteUint8(1, 'y'))

	require.NoError(t, b.Close())
	_, ok = mem.ReadUint8(0)
	require.False(t, ok, "released with its last user")
	_, ok = mem.Grow(1)
	require.False(t, ok, "a released memory does not grow")
	require.Empty(t, mem.Bytes())
}

// TestFailedInstantiationsReleaseMemory instantiates a module whose start
// function traps more often than the process's budget of memory
// reservations: each failure must give its memory back.
func TestFailedInstantiationsReleaseMemory(t *testing.T) {
	if !sandbox.Guarded {
		t.Skip("memories are Go slices on this platform")
	}
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, Module(
		Section(SecType, Vec(FuncType(nil, nil))),
		Section(SecFunction, Vec([]byte{0})),
		Section(SecMemory, Vec([]byte{0, 1})),
		Section(SecStart, []byte{0}),
		Section(SecCode, Vec(Body(nil, 0x00, 0x0B))), // unreachable
	))
	require.NoError(t, err)
	for range sandbox.DefaultReservations + 10 {
		_, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		var trap *terra.Trap
		require.ErrorAs(t, err, &trap)
		require.Equal(t, terra.TrapUnreachable, trap.Kind)
	}
}
