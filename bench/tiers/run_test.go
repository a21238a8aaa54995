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
	data, err := json.Marshal(map[string][]sample{"jit": {{Ready: 1, First: 20, Total: 300}}})
	require.NoError(t, err)
	require.Equal(t, `{"jit":[[1,20,300]]}`, string(data))
	var back map[string][]sample
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, sample{Ready: 1, First: 20, Total: 300}, back["jit"][0])
	require.Error(t, json.Unmarshal([]byte(`[1,"x",3]`), &sample{}))
}
