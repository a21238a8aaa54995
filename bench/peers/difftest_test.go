package peers

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/difftest"
	"github.com/terra-runtime/terra/internal/wasmgen"
	"github.com/terra-runtime/terra/wasm"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

var diffSeeds = flag.Int("difftest.seeds", 2000, "generated modules TestDifferentialWazero runs per engine")

// wazeroEngine runs modules on wazero: an implementation of WebAssembly
// independent of terra, as an oracle for terra's interpreter (which
// otherwise is compared only with itself until the JIT exists).
type wazeroEngine struct {
	name   string
	config func() wazero.RuntimeConfig
}

func (e wazeroEngine) String() string { return e.name }

// CoarseTableTraps: wazero reports every table trap as "invalid table
// access".
func (wazeroEngine) CoarseTableTraps() {}

func (e wazeroEngine) Load(ctx context.Context, module []byte) (difftest.Instance, error) {
	r := wazero.NewRuntimeWithConfig(ctx, e.config().WithCoreFeatures(api.CoreFeaturesV2).WithCloseOnContextDone(true))
	mod, err := r.InstantiateWithConfig(ctx, module, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		r.Close(ctx)
		return nil, wazeroError(err)
	}
	return wazeroDiffInstance{r, mod}, nil
}

// wazeroTraps maps wazero's messages to terra's trap kinds.
var wazeroTraps = map[string]terra.TrapKind{
	"unreachable":                   terra.TrapUnreachable,
	"out of bounds memory access":   terra.TrapMemoryOutOfBounds,
	"invalid table access":          terra.TrapTableOutOfBounds,
	"indirect call type mismatch":   terra.TrapIndirectCallTypeMismatch,
	"integer divide by zero":        terra.TrapIntegerDivideByZero,
	"integer overflow":              terra.TrapIntegerOverflow,
	"invalid conversion to integer": terra.TrapInvalidConversion,
	"stack overflow":                terra.TrapStackExhausted,
}

// wazeroError turns a wazero trap into a *terra.Trap (without frames).
func wazeroError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "wasm error: "); i >= 0 {
		msg = msg[i+len("wasm error: "):]
		msg, _, _ = strings.Cut(msg, "\n")
		if k, ok := wazeroTraps[msg]; ok {
			return &terra.Trap{Kind: k}
		}
	}
	return err
}

type wazeroDiffInstance struct {
	r   wazero.Runtime
	mod api.Module
}

func (i wazeroDiffInstance) Call(ctx context.Context, export string, args []uint64) ([]uint64, error) {
	fn := i.mod.ExportedFunction(export)
	if fn == nil {
		return nil, fmt.Errorf("no function exported as %q", export)
	}
	results, err := fn.Call(ctx, args...)
	if err != nil {
		return nil, wazeroError(err)
	}
	return results, nil
}

func (i wazeroDiffInstance) Memory(export string) []byte {
	m := i.mod.ExportedMemory(export)
	if m == nil {
		return nil
	}
	b, _ := m.Read(0, m.Size())
	return b
}

func (i wazeroDiffInstance) Global(export string) (lo, hi uint64, ok bool) {
	g := i.mod.ExportedGlobal(export)
	// v128 (0x7B), which api does not name: Get gives one half only.
	if g == nil || g.Type() == 0x7B {
		return 0, 0, false
	}
	return g.Get(), 0, true
}

// Table: wazero's API does not read tables.
func (i wazeroDiffInstance) Table(string) ([]uint64, bool) { return nil, false }

func (i wazeroDiffInstance) Close() error { return i.r.Close(context.Background()) }

// wazeroKnown reports a module that wazero 1.12 is known to run wrongly:
// it takes passive segments of externrefs to be empty, so table.init from
// them traps.
func wazeroKnown(module []byte) bool {
	m, err := wasm.Parse(module, wasm.Features2_0)
	return err == nil && slices.ContainsFunc(m.Elems, func(e wasm.ElemSegment) bool {
		return e.Mode == wasm.SegmentPassive && e.Type == wasm.ExternRef
	})
}

// TestDifferentialWazero runs generated modules on terra's interpreter and
// on wazero's interpreter and compiler, and compares them. The modules are
// safe ones (wasmgen.Config.Safe), since wazero 1.12 goes wrong on what
// only unsafe modules do: it does not drop active segments at
// instantiation (so memory.init and table.init from them do not trap), and
// table.grow by nearly 2^32 elements tries to allocate them.
func TestDifferentialWazero(t *testing.T) {
	defer func(d time.Duration) { difftest.CallTimeout = d }(difftest.CallTimeout)
	difftest.CallTimeout = 3 * time.Second
	for _, e := range []wazeroEngine{
		{"wazero-interpreter", wazero.NewRuntimeConfigInterpreter},
		{"wazero-compiler", wazero.NewRuntimeConfigCompiler},
	} {
		t.Run(e.name, func(t *testing.T) {
			var total difftest.Stats
			skipped := 0
			for seed := range uint64(*diffSeeds) {
				src := wasmgen.NewSeededSource(seed)
				cfg := wasmgen.Config{SIMD: seed%4 == 3, Safe: true}
				c := difftest.Case{Label: fmt.Sprintf("wasmgen.NewSeededSource(%d), SIMD %v", seed, cfg.SIMD),
					Module: wasmgen.Generate(src, cfg), Args: src}
				if wazeroKnown(c.Module) {
					skipped++
					continue
				}
				st, err := difftest.Run(context.Background(), c, difftest.Reference, e)
				var m *difftest.Mismatch
				switch {
				case errors.As(err, &m) && strings.Contains(m.Outcomes[1], "deadline exceeded"):
					// wazero's interpreter is slow on deep recursion.
					t.Logf("%s: wazero timed out", c.Label)
				case err != nil:
					t.Error(err)
				}
				total.Add(st)
			}
			t.Logf("%d calls: %d returned, traps %v; %d modules skipped (known wazero bug)",
				total.Calls, total.Returns, total.Traps, skipped)
		})
	}
}
