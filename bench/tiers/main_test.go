package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runReport runs the command with args and -out a temporary directory, and
// returns the directory and the report it wrote.
func runReport(t *testing.T, args ...string) (string, *report) {
	t.Helper()
	dir := t.TempDir()
	var stderr bytes.Buffer
	require.NoError(t, run(append(args, "-out", dir), &stderr), "stderr:\n%s", stderr.String())
	require.Contains(t, stderr.String(), "wrote "+filepath.Join(dir, fileMarkdown))
	data, err := os.ReadFile(filepath.Join(dir, fileJSON))
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(data, &rep))
	return dir, &rep
}

// TestSmoke runs the smallest size of fib in every configuration, end to
// end, in a few milliseconds: each configuration this build has is
// measured (interp at least), the others are named in a note, every run
// has its times in order, and the report's files are there and whole.
func TestSmoke(t *testing.T) {
	dir, rep := runReport(t, "-run", "^fib$", "-sizes", "1", "-count", "2", "-calls", "2", "-thresholds", "1e3")
	require.Contains(t, rep.Configs, nameInterp)
	for _, c := range configs([]int{1000}) {
		if c.check() == nil {
			require.Contains(t, rep.Configs, c.Name, "available, so measured")
			require.NotContains(t, rep.Unavailable, c.Name)
		} else {
			require.Contains(t, rep.Unavailable, c.Name)
			require.True(t, slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, c.Name) }),
				"%s: unavailable, so noted: %q", c.Name, rep.Notes)
		}
	}
	require.Equal(t, 2, rep.Calls)
	require.Len(t, rep.Workloads, 1)
	w := rep.Workloads[0]
	require.Equal(t, "fib", w.Name)
	require.Len(t, w.Sizes, 1)
	require.Equal(t, uint32(2), w.Sizes[0].Arg)
	for _, name := range rep.Configs {
		runs := w.Sizes[0].Runs[name]
		require.Len(t, runs, 2, name)
		for _, s := range runs {
			require.True(t, 0 < s.Ready && s.Ready <= s.First && s.First < s.Total, "%s: %+v", name, s)
			require.Equal(t, name != nameInterp && name != nameJIT, s.Tiering != nil, "%s: tiering statistics", name)
		}
	}

	md, err := os.ReadFile(filepath.Join(dir, fileMarkdown))
	require.NoError(t, err)
	for _, s := range []string{"## Summary", "| fib | 2 to 2 (3 to 3 recursive calls) |", "## Ready", "| kernels.wasm |",
		"### fib", "Time to first result:", "](" + fileChartTotal + ")", "](" + fileChartFirst + ")",
		"**total ÷ better pure tier: geometric mean**", "**first result ÷ interp: sizes over 1.1x**"} {
		require.Contains(t, string(md), s)
	}
	if slices.Contains(rep.Configs, nameTiered) {
		require.Contains(t, string(md), "What *tiered* did")
	}
	for _, f := range []string{fileChartTotal, fileChartFirst} {
		svg, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		root := parseSVG(t, string(svg))
		lines := 0
		root.walk(func(n svgNode) {
			if n.attr("class") == "line" {
				lines++
			}
		})
		require.Equal(t, len(rep.Configs), lines, "%s: a line per configuration measured", f)
	}
}

// TestSmokeProgram runs the smallest size of gojson on the interpreter,
// the path of the programs, whose first result is their first output.
// -short skips it: the Go runtime's start-up takes a fraction of a second
// on the interpreter.
func TestSmokeProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a Go program on the interpreter; skipped in -short mode")
	}
	_, rep := runReport(t, "-run", "^gojson$", "-configs", "^interp$", "-sizes", "1", "-count", "1",
		"-workloads", "../workloads")
	require.Equal(t, []string{nameInterp}, rep.Configs)
	s := rep.Workloads[0].Sizes[0].Runs[nameInterp][0]
	require.True(t, 0 < s.Ready && s.Ready < s.First && s.First <= s.Total, "%+v", s)
}

// TestQuick runs -quick over a kernel and mainloop: one run of each of the
// three smallest sizes in every configuration.
func TestQuick(t *testing.T) {
	_, rep := runReport(t, "-quick", "-run", "^(sieve|mainloop)$", "-workloads", "../workloads")
	require.Equal(t, 1, rep.Count)
	require.Len(t, rep.Workloads, 2)
	for _, w := range rep.Workloads {
		require.Len(t, w.Sizes, 3, w.Name)
		for _, n := range rep.Configs {
			require.Len(t, w.Sizes[0].Runs[n], 1, "%s in %s", w.Name, n)
		}
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-count", "0"},
		{"-calls", "0"},
		{"-sizes", "-1"},
		{"-run", "("},
		{"-configs", "("},
		{"-thresholds", "fast"},
		{"-run", "no-such-workload"},
		{"-configs", "no-such-config"},
		{"extra"},
	} {
		var stderr bytes.Buffer
		require.Error(t, run(append(args, "-out", t.TempDir()), &stderr), "%q", args)
	}
}
