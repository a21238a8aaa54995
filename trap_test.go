package terra_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

// TestRunawayRecursionTrapIsBounded checks that a module recursing until
// the call stack is exhausted (100,000 frames by default) yields a trap
// whose message a person can read and whose frames stay bounded.
func TestRunawayRecursionTrapIsBounded(t *testing.T) {
	for _, tier := range tiers(t) {
		t.Run(string(tier), func(t *testing.T) { testRunawayRecursion(t, tier) })
	}
}

func testRunawayRecursion(t *testing.T, tier terra.Tier) {
	rt := newRuntime(t, terra.Config{Tier: tier})
	cm, err := rt.Compile(ctx, trapWasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{Name: "traps"})
	require.NoError(t, err)

	_, err = inst.ExportedFunction("recurse").Call(ctx)
	var trap *terra.Trap
	require.ErrorAs(t, err, &trap)
	require.Equal(t, terra.TrapStackExhausted, trap.Kind)
	msg := err.Error()
	require.Less(t, len(msg), 2000, "the message of a 100,000-frame trap")
	require.LessOrEqual(t, strings.Count(msg, "\n"), 64)
	require.Contains(t, msg, "\tat traps.func[2] at 0x")
	require.Contains(t, msg, "[previous frame repeated")
	require.Contains(t, msg, "frames not recorded]")

	require.Len(t, trap.Frames, terra.MaxTrapFrames)
	require.Greater(t, trap.Depth(), 99_000, "the depth of the stack")
}
