package bench

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/terra-runtime/terra"
)

// BenchmarkCodeCache measures Runtime.Compile of the Go programs of
// workloads three ways, interleaved within each iteration so that all three
// see the same load on a shared machine: the interpreter (decode and
// validate: "interp"), the JIT compiling ("jit"), and the JIT loading the
// code a previous Compile left in Config.CacheDir ("cached", what a second
// process does). It reports each one's median (interp-p50-ns, jit-p50-ns,
// cached-p50-ns) and the ratios of the medians:
//
//	go test -run=NONE -bench=CodeCache -benchtime=30x ./bench/
func BenchmarkCodeCache(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"gohello", "gojson"} {
		data, err := os.ReadFile("workloads/" + name + "/" + name + ".wasm")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("module="+name, func(b *testing.B) {
			newRuntime := func(cfg terra.Config) *terra.Runtime {
				rt, err := terra.NewRuntime(cfg)
				if errors.Is(err, terra.ErrTierUnavailable) {
					b.Skip(err)
				}
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { rt.Close() })
				return rt
			}
			interp := newRuntime(terra.Config{Tier: terra.TierInterp})
			jit := newRuntime(terra.Config{Tier: terra.TierJIT})
			cached := newRuntime(terra.Config{Tier: terra.TierJIT, CacheDir: b.TempDir()})
			compile := func(rt *terra.Runtime, lat *Latencies) {
				start := time.Now()
				cm, err := rt.Compile(ctx, data)
				if lat != nil {
					lat.Add(time.Since(start))
				}
				if err != nil {
					b.Fatal(err)
				}
				if err := cm.Close(); err != nil {
					b.Fatal(err)
				}
			}
			compile(cached, nil) // stores the entry
			var interpLat, jitLat, cachedLat Latencies
			for b.Loop() {
				compile(interp, &interpLat)
				compile(cached, &cachedLat)
				compile(jit, &jitLat)
			}
			if s := cached.Stats().Cache; s.Misses != 1 || s.Hits != b.N || s.Errors != 0 {
				b.Fatalf("cache: %+v", s)
			}
			i, j, c := interpLat.Percentile(50), jitLat.Percentile(50), cachedLat.Percentile(50)
			b.ReportMetric(float64(i.Nanoseconds()), "interp-p50-ns")
			b.ReportMetric(float64(j.Nanoseconds()), "jit-p50-ns")
			b.ReportMetric(float64(c.Nanoseconds()), "cached-p50-ns")
			b.ReportMetric(float64(c)/float64(i), "cached/interp")
			b.ReportMetric(float64(j)/float64(c), "jit/cached")
		})
	}
}
