package bench

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
)

// BenchmarkCodeCache measures the start-up of a WASI command, Compile then
// Instantiate (everything before _start runs), for workloads of different
// sizes (hostcalls, a C program of 32 KB; gohello and gojson, Go programs
// of 2.6 and 3.3 MB), five ways interleaved within each iteration so that
// all see the same load on a shared machine: the interpreter ("interp"),
// the tiered engine without a cache ("tiered"), the JIT compiling
// ("jit"), and TierJIT and TierTiered with the code a previous Compile
// left in Config.CacheDir ("jit-cached", "tiered-cached"). Each start
// takes a fresh runtime, as a second process would, and closes it
// untimed, which waits for its work in the background, so that no start
// runs beside another's. TierJIT's Compile reads the entry while the
// module parses and loads it; TierTiered's returns after the parse, and
// reads and loads the entry in the background. It reports each one's
// median (interp-p50-ns, ...) and the ratios of the medians:
//
//	go test -run=NONE -bench=CodeCache -benchtime=30x ./bench/
func BenchmarkCodeCache(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"hostcalls", "gohello", "gojson"} {
		data, err := os.ReadFile("workloads/" + name + "/" + name + ".wasm")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("module="+name, func(b *testing.B) {
			dir := b.TempDir()
			ways := []struct {
				name string
				cfg  terra.Config
				lat  Latencies
			}{
				{name: "interp", cfg: terra.Config{Tier: terra.TierInterp}},
				{name: "tiered", cfg: terra.Config{Tier: terra.TierTiered}},
				{name: "jit", cfg: terra.Config{Tier: terra.TierJIT}},
				{name: "jit-cached", cfg: terra.Config{Tier: terra.TierJIT, CacheDir: dir}},
				{name: "tiered-cached", cfg: terra.Config{Tier: terra.TierTiered, CacheDir: dir}},
			}
			// start starts the module on a fresh runtime of cfg and
			// returns the runtime's cache statistics.
			start := func(cfg terra.Config, lat *Latencies) terra.CacheStats {
				rt, err := terra.NewRuntime(cfg)
				if errors.Is(err, terra.ErrTierUnavailable) {
					b.Skip(err)
				}
				if err != nil {
					b.Fatal(err)
				}
				defer rt.Close()
				w, err := wasi.Instantiate(ctx, rt, wasi.Config{Args: []string{name}})
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				t0 := time.Now()
				cm, err := rt.Compile(ctx, data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{}); err != nil {
					b.Fatal(err)
				}
				if lat != nil {
					lat.Add(time.Since(t0))
				}
				if err := rt.Close(); err != nil {
					b.Fatal(err)
				}
				return rt.Stats().Cache
			}
			start(ways[3].cfg, nil) // stores the entry
			for b.Loop() {
				for i := range ways {
					s := start(ways[i].cfg, &ways[i].lat)
					if ways[i].cfg.CacheDir != "" && (s.Hits != 1 || s.Errors != 0) {
						b.Fatalf("%s: cache: %+v", ways[i].name, s)
					}
				}
			}
			p50 := make(map[string]float64)
			for _, w := range ways {
				p50[w.name] = float64(w.lat.Percentile(50).Nanoseconds())
				b.ReportMetric(p50[w.name], w.name+"-p50-ns")
			}
			b.ReportMetric(p50["tiered-cached"]/p50["interp"], "tiered-cached/interp")
			b.ReportMetric(p50["jit-cached"]/p50["interp"], "jit-cached/interp")
			b.ReportMetric(p50["tiered"]/p50["interp"], "tiered/interp")
			b.ReportMetric(p50["jit"]/p50["jit-cached"], "jit/jit-cached")
		})
	}
}
