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
