package sandbox

import (
	_ "embed"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

//go:embed abi.h
var abiH string

// TestContextLayout checks the offsets the assembly takes from abi.h
// against the Go types.
func TestContextLayout(t *testing.T) {
	defines := map[string]uintptr{}
	for line := range strings.Lines(abiH) {
		fields := strings.Fields(line)
		if len(fields) == 3 && fields[0] == "#define" {
			v, err := strconv.ParseUint(fields[2], 0, 64)
			require.NoError(t, err, fields[1])
			defines[fields[1]] = uintptr(v)
		}
	}

	var c Context
	var tbl spanTable
	var s span
	for name, want := range map[string]uintptr{
		"ctx_goSP":      unsafe.Offsetof(c.goSP),
		"ctx_resume":    unsafe.Offsetof(c.resume),
		"ctx_trap":      unsafe.Offsetof(c.Trap),
		"ctx_faultPC":   unsafe.Offsetof(c.FaultPC),
		"ctx_faultAddr": unsafe.Offsetof(c.FaultAddr),
		"ctx_poll":      unsafe.Offsetof(c.Poll),
		"ctx_fp":        unsafe.Offsetof(c.FP),
		"ctx_exitSP":    unsafe.Offsetof(c.exitSP),
		"ctx_exitPC":    unsafe.Offsetof(c.exitPC),
		"TrapExit":      uintptr(TrapExit),
		"PollPreempt":   uintptr(PollPreempt),
		"table_data":    unsafe.Offsetof(tbl.spans),
		"table_len":     unsafe.Offsetof(tbl.spans) + unsafe.Sizeof(uintptr(0)),
		"span_hi":       unsafe.Offsetof(s.hi),
		"span_kind":     unsafe.Offsetof(s.kind),
		"span_size":     unsafe.Sizeof(s),
	} {
		got, ok := defines[name]
		require.True(t, ok, "abi.h defines %s", name)
		require.Equal(t, want, got, name)
	}
	require.Equal(t, uintptr(ContextSize), unsafe.Sizeof(c))
	require.Equal(t, uintptr(ContextPoll), unsafe.Offsetof(c.Poll))
	require.Equal(t, uintptr(ContextTrapStub), unsafe.Offsetof(c.trapStub))
	require.Equal(t, uintptr(ContextExitStub), unsafe.Offsetof(c.exitStub))
	require.Equal(t, uintptr(4), unsafe.Sizeof(c.Trap), "the assembly stores 32 bits")
}
