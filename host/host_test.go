package host_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, wt.Module(
		wt.Section(wt.SecMemory, wt.Vec([]byte{0, 1})),
		wt.Section(wt.SecExport, wt.Vec(wt.Export("memory", wt.KindMemory, 0))),
	))
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	m := host.NewMemory(inst.Memory("memory"))

	require.NoError(t, m.PutUint8(0, 1))
	require.NoError(t, m.PutUint16(1, 0x0302))
	require.NoError(t, m.PutUint32(3, 0x07060504))
	require.NoError(t, m.PutUint64(7, 0x0f0e0d0c0b0a0908))
	require.NoError(t, m.Write(15, []byte{16}))
	b, err := m.Slice(0, 16)
	require.NoError(t, err)
	require.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, b)
	v8, _ := m.Uint8(0)
	v16, _ := m.Uint16(1)
	v32, _ := m.Uint32(3)
	v64, _ := m.Uint64(7)
	s, _ := m.String(0, 2)
	require.Equal(t, []uint64{1, 0x0302, 0x07060504, 0x0f0e0d0c0b0a0908}, []uint64{uint64(v8), uint64(v16), uint64(v32), v64})
	require.Equal(t, "\x01\x02", s)

	var fault *host.FaultError
	_, err = m.Uint64(65530)
	require.ErrorAs(t, err, &fault)
	require.Equal(t, host.FaultError{Offset: 65530, Len: 8}, *fault)
	require.ErrorAs(t, m.Write(65535, []byte{1, 2}), &fault)
	_, err = m.Slice(1, 0xFFFFFFFF)
	require.ErrorAs(t, err, &fault)
	require.ErrorAs(t, m.PutUint16(65535, 0), &fault)

	none, err := host.CallerMemory(terra.Caller{})
	require.ErrorIs(t, err, host.ErrNoMemory)
	_, err = none.Uint32(0)
	require.ErrorIs(t, err, host.ErrNoMemory)
	require.ErrorIs(t, none.Write(0, nil), host.ErrNoMemory)
}
