package serve

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
)

func benchProg(b *testing.B, path string, env []string) {
	ctx := context.Background()
	rt, _ := terra.NewRuntime(terra.Config{})
	wasi.ContextBuilder(rt, wasi.Preview1).Instantiate(ctx)
	bin, _ := os.ReadFile(path)
	cm, _ := rt.Compile(ctx, bin)
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		m, _ := wasi.New(wasi.Config{Stdout: &out, Env: env})
		c := wasi.WithModule(ctx, m)
		inst, err := rt.Instantiate(c, cm, terra.InstanceConfig{})
		if err != nil {
			b.Fatal(err)
		}
		_, err = inst.ExportedFunction("_start").Call(c)
		var ee *wasi.ExitError
		if err != nil && !errors.As(err, &ee) {
			b.Fatal(err)
		}
		inst.Close()
		m.Close()
	}
}

func BenchmarkZZHello(b *testing.B) { benchProg(b, "../../testdata/programs/c/hello.wasm", nil) }
func BenchmarkZZCGI(b *testing.B)   { benchProg(b, "../../examples/wasm/hello.wasm", nil) }
func BenchmarkZZCGIEnv(b *testing.B) {
	benchProg(b, "../../examples/wasm/hello.wasm", []string{"REQUEST_METHOD=GET", "PATH_INFO=/", "QUERY_STRING=", "A=1", "B=2", "C=3", "D=4", "E=5", "F=6", "G=7", "H=8", "I=9", "J=10"})
}
