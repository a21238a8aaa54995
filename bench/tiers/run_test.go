package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

// TestRunOnceChecks checks that a wrong result fails a run instead of being
// timed, for a kernel and for a program.
func TestRunOnceChecks(t *testing.T) {
	ctx := context.Background()
	fib := kernelWorkloads()[0]
	require.Equal(t, "fib", fib.Name)
	s := fib.Sizes[1] // fib(5) = 5
	_, err := runOnce(ctx, terra.Config{}, fib, s, 1)
	require.NoError(t, err)
	s.Want++
	_, err = runOnce(ctx, terra.Config{}, fib, s, 1)
	require.ErrorContains(t, err, "fib(5), call 1: got [0x5], want 0x6")

	missing := fib
	missing.Name = "no-such-kernel"
	_, err = runOnce(ctx, terra.Config{}, missing, fib.Sizes[0], 1)
	require.ErrorContains(t, err, `no exported function "no-such-kernel"`)

	if testing.Short() {
		return // the program takes a fraction of a second
	}
	ps, err := programWorkloads("../workloads")
	require.NoError(t, err)
	s = ps[0].Sizes[0]
	s.Output = "gojson 1 checksum 0\n"
	_, err = runOnce(ctx, terra.Config{}, ps[0], s, 1)
	require.ErrorContains(t, err, `gojson 1: printed "gojson 1 checksum a76e2e08399221c1\n", want "gojson 1 checksum 0\n"`)
}

func TestSampleJSON(t *testing.T) {
	tiered := sample{Ready: 1, First: 20, Total: 300, Tiering: &tierSample{
		Queued: 3, Compiled: 2, OSR: 1, Hot: 4, Wait: 5, CodeReady: 6, Compile: 7}}
	data, err := json.Marshal(map[string][]sample{"jit": {{Ready: 1, First: 20, Total: 300}}, "tiered": {tiered}})
	require.NoError(t, err)
	require.Equal(t, `{"jit":[[1,20,300]],"tiered":[[1,20,300,3,2,1,4,5,6,7]]}`, string(data))
	var back map[string][]sample
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, sample{Ready: 1, First: 20, Total: 300}, back["jit"][0])
	require.Equal(t, tiered, back["tiered"][0])
	require.Error(t, json.Unmarshal([]byte(`[1,"x",3]`), &sample{}))
	require.ErrorContains(t, json.Unmarshal([]byte(`[1,2,3,4]`), &sample{}), "a run of 4 numbers")
}

// TestTierStats runs mainloop, whose one call spends its time in one loop
// of main, on the tiered engine at a low threshold: main turns hot, is
// compiled, and the running call moves to its code at the loop's header.
// The size is a third of a second on the interpreter, thirty times the
// machine code's time, so that the move happens even on a loaded machine.
// -short skips it.
func TestTierStats(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a program on the tiered engine; skipped in -short mode")
	}
	c := configs([]int{1000})[3]
	if err := c.check(); err != nil {
		t.Skipf("%s: %v", c.Name, err)
	}
	ps, err := programWorkloads("../workloads")
	require.NoError(t, err)
	mainloop := ps[len(ps)-1]
	require.Equal(t, "mainloop", mainloop.Name)
	s := mainloop.Sizes[len(mainloop.Sizes)-1]
	smp, err := runOnce(context.Background(), c.terraConfig(), mainloop, s, 1)
	require.NoError(t, err)
	tr := smp.Tiering
	require.NotNil(t, tr)
	require.GreaterOrEqual(t, tr.Queued, 1)
	require.GreaterOrEqual(t, tr.Compiled, 1)
	require.GreaterOrEqual(t, tr.OSR, int64(1), "main's call moved to machine code")
	require.Positive(t, tr.Hot)
	require.Positive(t, tr.Compile)
	require.Greater(t, tr.CodeReady, tr.Hot+tr.Wait)
	require.Less(t, tr.CodeReady, smp.Total)

	smp, err = runOnce(context.Background(), terra.Config{Tier: terra.TierInterp}, mainloop, mainloop.Sizes[0], 1)
	require.NoError(t, err)
	require.Nil(t, smp.Tiering, "a pure tier")
}
