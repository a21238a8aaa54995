package interp

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/wasm"
)

func TestImmediateForms(t *testing.T) {
	require.Equal(t, immI32Add, immForm[wasm.OpI32Add])
	require.Equal(t, immI32Sub, immForm[wasm.OpI32Sub])
	require.Equal(t, immI32And, immForm[wasm.OpI32And])
	require.Equal(t, immI32Shl, immForm[wasm.OpI32Shl])
	require.Equal(t, immI32ShrU, immForm[wasm.OpI32ShrU])
	require.Equal(t, immI64Add, immForm[wasm.OpI64Add])
	require.Equal(t, immI64And, immForm[wasm.OpI64And])
	require.Equal(t, immI32Mul, immForm[wasm.OpI32Mul])
	require.Equal(t, immI32Or, immForm[wasm.OpI32Or])
	require.Equal(t, immI32Xor, immForm[wasm.OpI32Xor])
	require.Equal(t, immI32ShrS, immForm[wasm.OpI32ShrS])
	require.Equal(t, immI64Mul, immForm[wasm.OpI64Mul])
	require.Equal(t, immI64Shl, immForm[wasm.OpI64Shl])
	require.Equal(t, immI64ShrU, immForm[wasm.OpI64ShrU])
	require.Len(t, immForm, 38)
	for o, f := range immForm {
		require.Equal(t, op(o), immBase[f])
		require.GreaterOrEqual(t, f, immFirst)
	}
}
