package jit_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/jit"
	"github.com/terra-runtime/terra/jit/amd64"
	"github.com/terra-runtime/terra/wasm"
)

// BenchmarkCompile compiles the Go programs of bench/workloads (2.5 to 3.2
// MB, 1,800 to 2,600 functions each) on the amd64 backend; MB/s counts
// function-body bytes, as does MB/cpu-s, which divides by the process's CPU
// time instead of the wall time.
func BenchmarkCompile(b *testing.B) {
	tier, err := jit.NewTier(amd64.Arch{})
	if err != nil {
		b.Skip(err)
	}
	for _, name := range []string{"gohello", "gojson", "goregexp", "goflate"} {
		b.Run("module="+name, func(b *testing.B) {
			data, err := os.ReadFile("../bench/workloads/" + name + "/" + name + ".wasm")
			if err != nil {
				b.Skip(err)
			}
			m, err := wasm.Parse(data, wasm.Features2_0)
			if err != nil {
				b.Fatal(err)
			}
			var bodies int64
			for _, c := range m.Code {
				bodies += int64(len(c.Body))
			}
			b.SetBytes(bodies)
			before := cpuTime()
			for b.Loop() {
				code := store.NewCode(m, tier.InterpEntry())
				if err := tier.Compile(code); err != nil {
					b.Fatal(err)
				}
				_ = code.Close()
			}
			// The machine is shared: the process's CPU time says what the
			// compiler costs whatever else runs.
			cpu := (cpuTime() - before).Seconds()
			b.ReportMetric(float64(bodies)*float64(b.N)/cpu/1e6, "MB/cpu-s")
		})
	}
}

// cpuTime returns the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
