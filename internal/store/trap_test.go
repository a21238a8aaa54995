package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/internal/store"
)

// stack returns a trap whose stack is n frames deep, frame(i) being the
// i-th innermost.
func stack(n int, frame func(i int) store.Frame) *store.Trap {
	frames := make([]store.Frame, n)
	for i := range frames {
		frames[i] = frame(i)
	}
	t := &store.Trap{Kind: store.TrapStackExhausted}
	t.SetFrames(frames)
	return t
}

func named(name string) store.Frame { return store.Frame{Name: name, Offset: -1} }

func TestTrapRecordsBoundedFrames(t *testing.T) {
	shallow := stack(3, func(i int) store.Frame { return store.Frame{Func: uint32(i), Offset: -1} })
	require.Len(t, shallow.Frames, 3)
	require.Zero(t, shallow.Omitted)
	require.Equal(t, 3, shallow.Depth())

	const depth = 100_000
	deep := stack(depth, func(i int) store.Frame { return store.Frame{Func: uint32(i), Offset: -1} })
	require.Len(t, deep.Frames, store.MaxTrapFrames)
	require.Equal(t, depth-store.MaxTrapFrames, deep.Omitted)
	require.Equal(t, depth, deep.Depth())
	half := store.MaxTrapFrames / 2
	require.Equal(t, uint32(half-1), deep.Frames[half-1].Func, "innermost half")
	require.Equal(t, uint32(depth-half), deep.Frames[half].Func, "outermost half")
	require.Equal(t, uint32(depth-1), deep.Frames[len(deep.Frames)-1].Func, "the outermost frame")
}

func TestTrapErrorCollapsesRecursion(t *testing.T) {
	// recurse calls itself 99,998 times below main.
	const depth = 100_000
	trap := stack(depth, func(i int) store.Frame {
		if i == depth-1 {
			return named("main")
		}
		return store.Frame{Name: "recurse", Offset: 0x25}
	})
	msg := trap.Error()
	require.Less(t, len(msg), 1000, msg)
	require.Equal(t, `wasm trap: call stack exhausted
	at recurse at 0x25
	[previous frame repeated 511 more times]
	[98976 frames not recorded]
	at recurse at 0x25
	[previous frame repeated 510 more times]
	at main`, msg)
}

func TestTrapErrorCollapsesCycles(t *testing.T) {
	// even and odd call each other 10 times, below main.
	trap := stack(21, func(i int) store.Frame {
		switch {
		case i == 20:
			return named("main")
		case i%2 == 0:
			return named("even")
		}
		return named("odd")
	})
	require.Equal(t, `wasm trap: call stack exhausted
	at even
	at odd
	[previous 2 frames repeated 9 more times]
	at main`, trap.Error())

	twice := stack(3, func(i int) store.Frame { return named([]string{"f", "f", "main"}[i]) })
	require.Equal(t, "wasm trap: call stack exhausted\n\tat f\n\t[previous frame repeated once more]\n\tat main", twice.Error())
}

func TestTrapErrorKeepsBothEnds(t *testing.T) {
	// 500 distinct frames: nothing repeats.
	trap := stack(500, func(i int) store.Frame { return named(fmt.Sprintf("f%d", i)) })
	lines := strings.Split(trap.Error(), "\n")
	require.Len(t, lines, 1+30+1+30)
	require.Equal(t, "\tat f0", lines[1], "the innermost frame first")
	require.Equal(t, "\tat f29", lines[30])
	require.Equal(t, "\t[440 more frames]", lines[31])
	require.Equal(t, "\tat f470", lines[32])
	require.Equal(t, "\tat f499", lines[61], "the outermost frame last")

	// A short trace is shown whole.
	short := stack(60, func(i int) store.Frame { return named(fmt.Sprintf("f%d", i)) })
	require.Len(t, strings.Split(short.Error(), "\n"), 61)
}

func TestSetFramesOmitting(t *testing.T) {
	frames := func(from, n int) []store.Frame {
		var fs []store.Frame
		for i := range n {
			fs = append(fs, store.Frame{Func: uint32(from + i)})
		}
		return fs
	}
	half := store.MaxTrapFrames / 2
	// The same as SetFrames of the whole stack, for what a walker passes:
	// all it walked, or the innermost half and at least a half more.
	for _, c := range []struct{ inner, omitted, outer int }{
		{10, 0, 20}, {half, 100, half}, {half, 1, 2 * half}, {half, 7, half + 3}, {half, 0, half + 1}, {900, 0, 900},
	} {
		var whole, got store.Trap
		all := append(frames(0, c.inner), frames(c.inner, c.omitted)...)
		all = append(all, frames(c.inner+c.omitted, c.outer)...)
		whole.SetFrames(all)
		got.SetFramesOmitting(frames(0, c.inner), c.omitted, frames(c.inner+c.omitted, c.outer))
		require.True(t, slices.Equal(whole.Frames, got.Frames), "%+v", c)
		require.Equal(t, whole.Omitted, got.Omitted, "%+v", c)
		require.Equal(t, c.inner+c.omitted+c.outer, got.Depth())
	}
}
