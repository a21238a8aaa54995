package jit_test

import (
	"os"
	"testing"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64"
	"github.com/terra-runtime/terra/wasm"
)

// BenchmarkCompile compiles the Go hello world (2.5 MB, 1,805 functions)
// on the amd64 backend; MB/s counts function-body bytes.
func BenchmarkCompile(b *testing.B) {
	data, err := os.ReadFile("../bench/workloads/gohello/gohello.wasm")
	if err != nil {
		b.Skip(err)
	}
	m, err := wasm.Parse(data, wasm.Features2_0)
	if err != nil {
		b.Fatal(err)
	}
	tier, err := jit.NewTier(amd64.Arch{})
	if err != nil {
		b.Skip(err)
	}
	var bodies int64
	for _, c := range m.Code {
		bodies += int64(len(c.Body))
	}
	b.SetBytes(bodies)
	for b.Loop() {
		code := store.NewCode(m, tier.InterpEntry())
		if err := tier.Compile(code); err != nil {
			b.Fatal(err)
		}
		_ = code.Close()
	}
}
