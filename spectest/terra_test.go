package spectest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

func TestInterp(t *testing.T) {
	for _, v := range []Version{V1, V2} {
		t.Run(string(v), func(t *testing.T) {
			tier, err := NewTerraTier(terra.TierInterp)
			require.NoError(t, err)
			Run(t, v, tier)
		})
	}
}

func TestJIT(t *testing.T) {
	for _, v := range []Version{V1, V2} {
		t.Run(string(v), func(t *testing.T) {
			tier, err := NewTerraTier(terra.TierJIT)
			if errors.Is(err, terra.ErrTierUnavailable) {
				t.Skipf("the JIT tier: %v", err)
			}
			require.NoError(t, err)
			Run(t, v, tier)
		})
	}
}

// TestTiered runs the suite on the tiered engine twice: with every function
// compiled before its module runs (Tiering.Eager, waiting for the
// compiler: the threshold at 0, in effect), and with the threshold at 1, so
// that a function called or looping turns hot at once and compiles in the
// background while calls go on: frames of both tiers mix in one call, and
// loops move to machine code while they run.
func TestTiered(t *testing.T) {
	for _, c := range []struct {
		name   string
		tiers  terra.Tiering
		settle bool
	}{
		{"tiered/eager", terra.Tiering{Eager: true}, true},
		{"tiered/threshold=1", terra.Tiering{Threshold: 1}, false},
		{"tiered/sync", terra.Tiering{Threshold: 1, Sync: true}, false},
	} {
		for _, v := range []Version{V1, V2} {
			t.Run(c.name+"/"+string(v), func(t *testing.T) {
				tier, err := NewTerraConfig(c.name, terra.Config{Tier: terra.TierTiered, Tiering: c.tiers}, c.settle)
				if errors.Is(err, terra.ErrTierUnavailable) {
					t.Skipf("the tiered engine: %v", err)
				}
				require.NoError(t, err)
				// After the scripts, which run as parallel subtests.
				t.Cleanup(func() {
					s := tier.(*terraTier).rt.Stats().Tiering
					t.Logf("%d functions queued, %d compiled, %d failed, %d OSR entries", s.Queued, s.Compiled, s.Failed, s.OSR)
					require.Positive(t, s.Compiled, "no function tiered up")
				})
				Run(t, v, tier)
			})
		}
	}
}
