package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
)

// The sandbox's trap kinds are store.TrapKind values, so that a compiler
// converts one to the other with a cast.
func TestTrapKindsAreStoreKinds(t *testing.T) {
	require.Equal(t, store.TrapMemoryOutOfBounds, store.TrapKind(sandbox.TrapOutOfBounds))
	require.Equal(t, store.TrapStackExhausted, store.TrapKind(sandbox.TrapStackExhausted))
}
