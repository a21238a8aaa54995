package bench

import (
	"os"
	"testing"

	"github.com/terra-runtime/terra/wasm"
)

// gohelloPath is the Go hello-world built for wasip1 by workloads/build.sh.
const gohelloPath = "workloads/gohello/gohello.wasm"

// BenchmarkDecodeValidate measures wasm.Parse, decoding and validating with
// the 2.0 feature set, on a Go-compiled module of about 2.5 MB. Throughput is
// reported in module bytes per second.
func BenchmarkDecodeValidate(b *testing.B) {
	data, err := os.ReadFile(gohelloPath)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wasm.Parse(data, wasm.Features2_0); err != nil {
			b.Fatal(err)
		}
	}
}
