package spectest

import (
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
