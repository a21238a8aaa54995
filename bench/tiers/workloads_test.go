package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/bench/kernels"
)

// TestWorkloads checks that every workload has sizes of growing work, and
// that the kernels' come from their ladders.
func TestWorkloads(t *testing.T) {
	ps, err := programWorkloads("../workloads")
	require.NoError(t, err)
	ws := append(kernelWorkloads(), ps...)
	require.Len(t, ws, len(kernels.All)+len(programLadders))
	for _, w := range ws {
		require.NotEmpty(t, w.Wasm, w.Name)
		require.NotEmpty(t, w.Unit, w.Name)
		require.GreaterOrEqual(t, len(w.Sizes), 6, "%s: too few sizes for a curve", w.Name)
		for i := 1; i < len(w.Sizes); i++ {
			require.Greater(t, w.Sizes[i].Work, w.Sizes[i-1].Work, "%s: work not growing", w.Name)
		}
	}
	fib := ws[0]
	require.Equal(t, "fib", fib.Name)
	require.Equal(t, kernels.Ladders["fib"].Points[3].Want, fib.Sizes[3].Want)
	require.Equal(t, "gojson 4 checksum c2eef0dd7f5e9469\n", ps[0].Sizes[2].Output)

	_, err = programWorkloads(t.TempDir())
	require.ErrorContains(t, err, "-workloads")
}

// TestProgramLadders builds the programs natively and checks that they
// print, at every size, what programLadders records, which is what the
// WebAssembly builds must print. -short skips it: it builds three Go
// programs.
func TestProgramLadders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the programs natively; skipped in -short mode")
	}
	dir := t.TempDir()
	for _, p := range programLadders {
		bin := filepath.Join(dir, p.name)
		build := exec.Command("go", "build", "-o", bin, "./"+p.name)
		if p.lang == "c" {
			build = exec.Command("cc", "-O2", "-o", bin, filepath.Join(p.name, p.name+".c"))
		}
		build.Dir = "../workloads"
		out, err := build.CombinedOutput()
		require.NoError(t, err, "go build %s: %s", p.name, out)
		for _, pt := range p.points {
			out, err := exec.Command(bin, strconv.FormatUint(uint64(pt.arg), 10)).Output()
			require.NoError(t, err, "%s %d", p.name, pt.arg)
			require.Equal(t, p.output(pt.arg, pt.checksum), string(out), "%s %d", p.name, pt.arg)
		}
	}
}
