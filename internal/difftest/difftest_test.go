package difftest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/difftest"
	"github.com/terra-runtime/terra/internal/wasmgen"
)

var (
	seeds   = flag.Int("difftest.seeds", 200, "number of generated modules TestDifferential runs per side")
	onlyOne = flag.Int("difftest.seed", -1, "run only this seed (to reproduce a mismatch)")
)

// available returns the sides of difftest.Sides that this build can run,
// logging why the others are skipped.
func available(tb testing.TB) []difftest.Side {
	var sides []difftest.Side
	for _, s := range difftest.Sides {
		if err := difftest.Available(s); err != nil {
			if !errors.Is(err, terra.ErrTierUnavailable) {
				tb.Fatalf("side %s: %v", s.Name, err)
			}
			tb.Logf("skipping side %s: %v", s.Name, err)
			continue
		}
		sides = append(sides, s)
	}
	return sides
}

// genConfig derives the generator's settings from a case number: one case
// in four uses SIMD.
func genConfig(n uint64) wasmgen.Config { return wasmgen.Config{SIMD: n%4 == 3} }

// TestDifferential runs generated modules on every available side and
// compares each with the reference.
func TestDifferential(t *testing.T) {
	for _, side := range difftest.Sides {
		t.Run(side.Name, func(t *testing.T) {
			if err := difftest.Available(side); err != nil {
				if errors.Is(err, terra.ErrTierUnavailable) {
					t.Skipf("%s is not available in this build: %v", side.Name, err)
				}
				t.Fatal(err)
			}
			var total difftest.Stats
			for seed := range uint64(*seeds) {
				if *onlyOne >= 0 {
					if seed > 0 {
						break
					}
					seed = uint64(*onlyOne)
				}
				src := wasmgen.NewSeededSource(seed)
				cfg := genConfig(seed)
				c := difftest.Case{Label: fmt.Sprintf("wasmgen.NewSeededSource(%d), SIMD %v", seed, cfg.SIMD),
					Module: wasmgen.Generate(src, cfg), Args: src}
				st, err := difftest.Run(context.Background(), c, difftest.Reference, side)
				if err != nil {
					t.Fatal(err)
				}
				total.Add(st)
			}
			t.Logf("%d calls: %d returned, traps %v; %d instantiations trapped; %d tier-ups, %d OSR entries",
				total.Calls, total.Returns, total.Traps, total.InstantiateTraps, total.TierUps, total.OSR)
			if *onlyOne >= 0 {
				return
			}
			if side.Config.Tiering.Sync && total.TierUps == 0 {
				t.Error("no function tiered up on a side that tiers up on the spot")
			}
			// The generator must keep most calls going: a run where nearly
			// everything traps compares little.
			if total.Returns < total.Calls/3 {
				t.Errorf("only %d of %d calls returned", total.Returns, total.Calls)
			}
			for _, k := range []terra.TrapKind{terra.TrapUnreachable, terra.TrapMemoryOutOfBounds,
				terra.TrapTableOutOfBounds, terra.TrapIndirectCallTypeMismatch, terra.TrapIntegerDivideByZero} {
				if total.Traps[k] == 0 && *seeds >= 200 {
					t.Errorf("no call trapped with %q", k)
				}
			}
		})
	}
}

// TestSafe: safe modules keep their promise of hardly trapping, so that
// their calls compare results rather than traps.
func TestSafe(t *testing.T) {
	var total difftest.Stats
	for seed := range uint64(100) {
		src := wasmgen.NewSeededSource(seed)
		c := difftest.Case{Module: wasmgen.Generate(src, wasmgen.Config{Safe: true}), Args: src}
		st, err := difftest.Run(context.Background(), c, difftest.Reference, difftest.Sides[1])
		if err != nil {
			t.Fatal(err)
		}
		total.Add(st)
	}
	if total.Returns < total.Calls*9/10 {
		t.Errorf("%d of %d calls of safe modules returned; traps %v", total.Returns, total.Calls, total.Traps)
	}
}

// FuzzDifferential generates a module from the fuzzer's input, and call
// arguments from what remains of it, and compares every available side
// with the reference.
func FuzzDifferential(f *testing.F) {
	sides := available(f)
	f.Add([]byte{})
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5})
	for seed := range uint64(8) {
		// Seed the corpus with the bytes a seeded source would give.
		src := wasmgen.NewSeededSource(seed)
		b := make([]byte, 512)
		for i := range b {
			b[i] = src.Byte()
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := wasmgen.Config{}
		if len(data) > 0 {
			cfg.SIMD = data[0]%4 == 3
		}
		src := wasmgen.NewSource(data)
		label := "the fuzz input (go test saves a failing one under testdata/fuzz)"
		if len(data) <= 256 {
			label = fmt.Sprintf("wasmgen.NewSource(%q) with %+v", data, cfg)
		}
		c := difftest.Case{Label: label, Module: wasmgen.Generate(src, cfg), Args: src}
		for _, side := range sides {
			// Each side gets the same arguments.
			c.Args = src.Clone()
			if _, err := difftest.Run(context.Background(), c, difftest.Reference, side); err != nil {
				t.Fatal(err)
			}
		}
	})
}
