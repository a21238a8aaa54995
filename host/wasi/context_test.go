package wasi

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
)

// TestContextBuilder runs one compiled program twice against one
// instance of ContextBuilder's module, each run with a Module of its own:
// each sees its own arguments and environment and writes to its own
// output, and a call without a Module fails with ErrNoModule.
func TestContextBuilder(t *testing.T) {
	ctx := context.Background()
	wasm, err := os.ReadFile("../../testdata/programs/c/args.wasm")
	require.NoError(t, err)
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	w, err := ContextBuilder(rt, Preview1).Instantiate(ctx)
	require.NoError(t, err)
	defer w.Close()
	cm, err := rt.Compile(ctx, wasm)
	require.NoError(t, err)

	run := func(ctx context.Context) error {
		inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
		require.NoError(t, err)
		defer inst.Close()
		_, err = inst.ExportedFunction("_start").Call(ctx)
		return err
	}
	for _, greeting := range []string{"one", "two"} {
		var out bytes.Buffer
		m, err := New(Config{Args: []string{"args", greeting}, Env: []string{"GREETING=" + greeting, "EXIT_CODE=3"}, Stdout: &out})
		require.NoError(t, err)
		err = run(WithModule(ctx, m))
		var exit *ExitError
		require.ErrorAs(t, err, &exit)
		require.Equal(t, uint32(3), exit.Code)
		require.Equal(t, "argc=2\nargv[0]=args\nargv[1]="+greeting+"\nGREETING="+greeting+"\n", out.String())
		require.NoError(t, m.Close())
	}
	require.ErrorIs(t, run(ctx), ErrNoModule)
}
