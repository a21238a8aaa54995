package amd64

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/jit"
)

// The register classes: what the front end allocates, the pinned locals'
// and the backend's fixed registers are disjoint, and every register is in
// the class of its number.
func TestRegisters(t *testing.T) {
	fixed := map[jit.Reg]string{rSP: "RSP", rBP: "RBP", r11: "scratch", r13: "memory base", r14: "instance", r15: "call context", x0 + 15: "float scratch"}
	seen := map[jit.Reg]string{}
	r := New().Registers()
	for cl := jit.GP; cl <= jit.FP; cl++ {
		for _, set := range [][]jit.Reg{r.Alloc[cl], r.Locals[cl]} {
			for _, reg := range set {
				require.NotContains(t, fixed, reg, "fixed register %d allocated", reg)
				require.NotContains(t, seen, reg, "register %d twice", reg)
				seen[reg] = "used"
				require.Equal(t, cl, r.Class[reg], "register %d's class", reg)
				require.Equal(t, cl == jit.FP, reg >= x0)
			}
		}
	}
	// Division and shifts claim RAX, RDX and RCX: no local may live there.
	for _, reg := range r.Locals[jit.GP] {
		require.NotContains(t, []jit.Reg{rAX, rCX, rDX}, reg)
	}
}

// The shared stubs assemble, with the entry and call-out stubs inside the
// code and the call-out stub after the entry.
func TestStubs(t *testing.T) {
	code, entry, callOut, callOutEnd, err := Arch{}.Stubs()
	require.NoError(t, err)
	require.Zero(t, entry)
	require.Less(t, entry, callOut)
	require.Less(t, callOut, callOutEnd)
	require.LessOrEqual(t, callOutEnd, len(code))
	require.Zero(t, callOut%16, "aligned")
}

// A slot's operand: parameters above RBP in reverse order, other slots
// below the saved instance context.
func TestSlots(t *testing.T) {
	b := New()
	b.f = &jit.Frame{Locals: 4, Params: 2, Cells: 3}
	require.Equal(t, int32(16+8*2), b.slot(0).Disp)
	require.Equal(t, int32(16+8*1), b.slot(1).Disp)
	require.Equal(t, int32(-16), b.slot(2).Disp)
	require.Equal(t, int32(-24), b.slot(3).Disp)
	require.Equal(t, int32(-32), b.slot(4).Disp, "the first operand-stack slot")
	// A call whose two-cell area starts at slot 5: RSP at its last cell,
	// slot 6, so that the callee finds argument 0 at RSP+8.
	require.Equal(t, b.slot(6).Disp, b.argArea(5, 2).Disp)
	// An empty area: RSP at slot 4, the callee's return address in slot 5,
	// the first free one.
	require.Equal(t, b.slot(4).Disp, b.argArea(5, 0).Disp)
}

// Each feature that gates an instruction has its own bit in Features, so
// that code compiled with it is never taken for code compiled without.
func TestFeatures(t *testing.T) {
	defer func(p, s bool) { hasPOPCNT, hasSSE41 = p, s }(hasPOPCNT, hasSSE41)
	seen := map[uint64]string{}
	for _, c := range []struct {
		name        string
		popcnt, sse bool
	}{{"none", false, false}, {"POPCNT", true, false}, {"SSE4.1", false, true}, {"both", true, true}} {
		hasPOPCNT, hasSSE41 = c.popcnt, c.sse
		f := Arch{}.Features()
		require.NotContains(t, seen, f, "%s has the word of %s", c.name, seen[f])
		seen[f] = c.name
	}
}
