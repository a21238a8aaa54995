package peers

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/terra-runtime/terra/bench"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// WazeroImpl adapts a wazero runtime configuration to the startup harness
// (bench.Impl); runFlags are passed to "wazero run" for the process measure.
func WazeroImpl(name string, config func() wazero.RuntimeConfig, runFlags ...string) bench.Impl {
	return bench.Impl{
		Name: name,
		New: func(ctx context.Context, wasi bool) (bench.Runtime, error) {
			r := wazero.NewRuntimeWithConfig(ctx, config())
			if wasi {
				if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
					r.Close(ctx)
					return nil, err
				}
			}
			return wazeroRuntime{r}, nil
		},
		Command: func(root, dir string) ([]string, error) {
			bin := filepath.Join(dir, "wazero")
			cmd := exec.Command("go", "build", "-o", bin, "github.com/tetratelabs/wazero/cmd/wazero")
			cmd.Dir = filepath.Join(root, "bench/peers")
			if out, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("go build github.com/tetratelabs/wazero/cmd/wazero: %v\n%s", err, out)
			}
			return append([]string{bin, "run"}, runFlags...), nil
		},
	}
}

// anonymous instantiates a module without a name, so that instances of one
// module can coexist, and without calling _start, which instantiation calls
// by default: instantiate measures making the instance, not running it.
var anonymous = wazero.NewModuleConfig().WithName("").WithStartFunctions()

// wazeroRuntime, wazeroCompiled and wazeroInstance adapt wazero to
// bench.Runtime, bench.Compiled and bench.Instance.
type wazeroRuntime struct{ r wazero.Runtime }

func (w wazeroRuntime) Compile(ctx context.Context, data []byte) (bench.Compiled, error) {
	cm, err := w.r.CompileModule(ctx, data)
	if err != nil {
		return nil, err
	}
	return wazeroCompiled{r: w.r, cm: cm}, nil
}

func (w wazeroRuntime) Close(ctx context.Context) error { return w.r.Close(ctx) }

type wazeroCompiled struct {
	r  wazero.Runtime
	cm wazero.CompiledModule
}

func (c wazeroCompiled) Instantiate(ctx context.Context) (bench.Instance, error) {
	mod, err := c.r.InstantiateModule(ctx, c.cm, anonymous)
	if err != nil {
		return nil, err
	}
	return wazeroInstance{mod}, nil
}

// Close closes the compiled module, which evicts it from the runtime's
// cache of compiled code once no other copy is open.
func (c wazeroCompiled) Close(ctx context.Context) error { return c.cm.Close(ctx) }

type wazeroInstance struct{ mod api.Module }

func (i wazeroInstance) Func(name string) bench.Func {
	f := i.mod.ExportedFunction(name)
	if f == nil {
		return nil
	}
	return f.Call
}

func (i wazeroInstance) Close(ctx context.Context) error { return i.mod.Close(ctx) }
