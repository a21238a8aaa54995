package terra_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/sandbox"
)

// imageFiles counts the process's open memfds of mapped data images.
func imageFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	n := 0
	for _, fd := range fds {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if strings.HasPrefix(target, "/memfd:terra-image") {
			n++
		}
	}
	return n
}

func TestRuntimeCloseReleasesEverything(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	env, err := constHost(rt, "env", 7).Instantiate(ctx)
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	var insts []*terra.Instance
	for range 3 {
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		insts = append(insts, inst)
	}
	st := rt.Stats()
	require.Equal(t, 4, st.Instances, "three instances and the host module")
	require.Equal(t, 1, st.Modules)
	if sandbox.Guarded {
		require.Equal(t, 3, st.Memories)
		require.GreaterOrEqual(t, st.Reservations.InUse, 3)
	}
	inUse := st.Reservations.InUse
	f := env.ExportedFunction("f")

	require.NoError(t, rt.Close())
	st = rt.Stats()
	require.Equal(t, terra.RuntimeStats{Reservations: st.Reservations}, st, "nothing left")
	if sandbox.Guarded {
		require.Equal(t, inUse-3, st.Reservations.InUse, "the reservations went back to the process's pool")
	}
	require.Nil(t, insts[0].Memory("memory").Bytes(), "the memory is released")
	_, err = f.Call(ctx)
	require.ErrorIs(t, err, terra.ErrClosed)
	require.Nil(t, rt.Module("env"))

	_, err = rt.Compile(ctx, dataWasm(1))
	require.ErrorIs(t, err, terra.ErrRuntimeClosed)
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.ErrorIs(t, err, terra.ErrRuntimeClosed)
	_, err = constHost(rt, "env2", 1).Instantiate(ctx)
	require.ErrorIs(t, err, terra.ErrRuntimeClosed)
	require.NoError(t, rt.Close(), "closing twice does nothing")
}

func TestCompiledModuleClose(t *testing.T) {
	rt := newRuntime(t, terra.Config{})
	// 1 MiB of data: an image mapped from a memfd where memories are
	// reserved.
	cm, err := rt.Compile(ctx, imageWasm(20, bytes.Repeat([]byte{1}, 1<<20)))
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	idle, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	require.NoError(t, idle.Close()) // its memory waits in the pool, holding the image
	files := imageFiles(t)

	require.NoError(t, cm.Close())
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.ErrorIs(t, err, terra.ErrModuleClosed)
	require.Equal(t, byte(1), inst.Memory("memory").Bytes()[0], "open instances stay usable")
	require.Equal(t, 1, rt.Stats().Modules, "freed when its last instance closes")

	require.NoError(t, inst.Close())
	require.Equal(t, 0, rt.Stats().Modules)
	if sandbox.Guarded {
		require.Equal(t, files-1, imageFiles(t), "the image's memfd is closed")
	}
	require.NoError(t, cm.Close(), "closing twice does nothing")
}

// TestRuntimeMemoryBound checks that a runtime that leaks instances uses
// up its own bound, not the process's budget that other runtimes share.
func TestRuntimeMemoryBound(t *testing.T) {
	if !sandbox.Guarded {
		t.Skip("memories are Go slices here: no reservations to bound")
	}
	leaky := newRuntime(t, terra.Config{MaxMemories: 2})
	cm, err := leaky.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	for range 2 {
		_, err := leaky.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
	}
	_, err = leaky.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.ErrorIs(t, err, terra.ErrAddressSpace)
	require.ErrorContains(t, err, "the runtime's 2 memories (Config.MaxMemories) are in use")
	require.Equal(t, 2, leaky.Stats().Memories)
	require.Equal(t, 2, leaky.Stats().MaxMemories)

	other := newRuntime(t, terra.Config{})
	cm2, err := other.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	inst, err := other.Instantiate(ctx, cm2, terra.InstanceConfig{})
	require.NoError(t, err, "another runtime is not starved")
	require.NoError(t, inst.Close())

	_, err = terra.NewRuntime(terra.Config{MaxMemories: -1})
	require.Error(t, err)
}

func TestReservationLimit(t *testing.T) {
	if !sandbox.Guarded {
		t.Skip("memories are Go slices here: no reservations to limit")
	}
	t.Cleanup(func() { terra.SetReservationLimit(0) })
	rt := newRuntime(t, terra.Config{})
	cm, err := rt.Compile(ctx, dataWasm(1))
	require.NoError(t, err)
	inUse := rt.Stats().Reservations.InUse
	terra.SetReservationLimit(inUse + 1)
	require.Equal(t, inUse+1, rt.Stats().Reservations.Limit)

	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	require.Equal(t, inUse+1, rt.Stats().Reservations.InUse)
	_, err = rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.ErrorIs(t, err, terra.ErrAddressSpace)
	require.NoError(t, inst.Close())
	require.Equal(t, inUse, rt.Stats().Reservations.InUse)

	terra.SetReservationLimit(0)
	require.Equal(t, sandbox.DefaultReservations, rt.Stats().Reservations.Limit)
}
