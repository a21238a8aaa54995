package difftest

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/wasmgen"
	. "github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/wasm"
)

// module builds a test module: function 0, exported as "f", of type [] ->
// [result] (no result if result is 0) with the given body; function 1
// executes unreachable, function 2 divides by zero. It exports its memory
// "mem", a mutable i32 global "g" and a table "tab" of two funcrefs, and
// runs function start if start >= 0.
func module(result byte, start int, body ...byte) []byte {
	results := []byte{result}
	if result == 0 {
		results = nil
	}
	sections := [][]byte{
		Section(SecType, Vec(FuncType(nil, results), FuncType(nil, nil))),
		Section(SecFunction, Vec([]byte{0}, []byte{1}, []byte{1})),
		Section(SecTable, Vec([]byte{FuncRef, 0, 2})),
		Section(SecMemory, Vec([]byte{0, 1})),
		Section(SecGlobal, Vec([]byte{I32, 1, 0x41, 0, 0x0B})),
		Section(SecExport, Vec(Export("f", KindFunc, 0), Export("mem", KindMemory, 0),
			Export("g", KindGlobal, 0), Export("tab", KindTable, 0))),
	}
	if start >= 0 {
		sections = append(sections, Section(SecStart, ULEB(uint64(start))))
	}
	sections = append(sections,
		Section(SecElement, Vec([]byte{3, 0, 1, 0})), // declare function 0 for ref.func
		Section(SecCode, Vec(Body(nil, append(body, 0x0B)...), Body(nil, 0x00, 0x0B),
			Body(nil, 0x41, 0, 0x41, 0, 0x6D, 0x1A, 0x0B))))
	return Module(sections...)
}

var (
	i32_1     = module(I32, -1, 0x41, 1)
	f32NaN    = module(F32, -1, 0x43, 0x00, 0x00, 0xC0, 0x7F)
	f32NaNPay = module(F32, -1, 0x43, 0x01, 0x00, 0xA0, 0xFF)
	f32Zero   = module(F32, -1, 0x43, 0, 0, 0, 0)
	f32NegZ   = module(F32, -1, 0x43, 0, 0, 0, 0x80)
	callUnr   = module(0, -1, 0x10, 1)
	callDiv   = module(0, -1, 0x10, 2)
	unr       = module(0, -1, 0x00)
	store7    = module(0, -1, 0x41, 0, 0x41, 7, 0x36, 2, 0)
	global1   = module(0, -1, 0x41, 1, 0x24, 0)
	tableSet  = module(0, -1, 0x41, 1, 0xD2, 0, 0x26, 0)
	startTrap = module(0, 1)
)

func TestComparator(t *testing.T) {
	a, b := Side{Name: "left", Config: terra.Config{}}, Side{Name: "right", Config: terra.Config{MaxCallDepth: 100}}
	for _, c := range []struct {
		name   string
		a, b   []byte
		step   string // "" for no mismatch
		detail string
	}{
		{"equal", i32_1, i32_1, "", ""},
		{"result", i32_1, module(I32, -1, 0x41, 2), "call", "result 0 (i32) differs"},
		{"NaNs with other payloads", f32NaN, f32NaNPay, "", ""},
		{"signed zeros", f32Zero, f32NegZ, "call", "result 0 (f32) differs"},
		{"NaN and a number", f32NaN, f32Zero, "call", "result 0 (f32) differs"},
		{"trap kinds", callUnr, callDiv, "call", "traps differ"},
		{"stack traces", callUnr, unr, "call", "traps differ"},
		{"trap and return", unr, module(0, -1), "call", "one side trapped"},
		{"memory", store7, module(0, -1, 0x41, 0, 0x41, 8, 0x36, 2, 0), "state after call", `"mem": memory differs from offset 0x0: 07`},
		{"global", global1, module(0, -1, 0x41, 2, 0x24, 0), "state after call", `"g": global of type i32`},
		{"table", tableSet, module(0, -1, 0x41, 1, 0xD0, FuncRef, 0x26, 0), "state after call", `"tab": table element 1`},
		{"start traps", startTrap, module(0, -1), "load", ""},
		{"compile", i32_1, []byte("\x00asm\x01\x00\x00\x00\x01"), "load", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := Case{Label: "case " + c.name, Module: c.a}
			st, err := run(context.Background(), cs, [2]Engine{a, b}, [2][]byte{c.a, c.b})
			if c.step == "" {
				if err != nil {
					t.Fatalf("want no mismatch, got %v", err)
				}
				if st.Calls != 2 {
					t.Errorf("%d calls, want 2 (one export, two rounds)", st.Calls)
				}
				return
			}
			var m *Mismatch
			if !errors.As(err, &m) {
				t.Fatalf("want a *Mismatch at %s, got %v", c.step, err)
			}
			if m.Step != c.step || !strings.Contains(m.Detail, c.detail) {
				t.Errorf("got step %q detail %q, want %q containing %q", m.Step, m.Detail, c.step, c.detail)
			}
			report := m.Error()
			for _, want := range []string{"left vs right", "case " + c.name, "wasm2wat " + m.Path} {
				if !strings.Contains(report, want) {
					t.Errorf("report lacks %q:\n%s", want, report)
				}
			}
			if m.Step == "call" && !strings.Contains(report, `export: "f"`) {
				t.Errorf("report lacks the export:\n%s", report)
			}
			saved, err := os.ReadFile(m.Path)
			if err != nil || !bytes.Equal(saved, c.a) {
				t.Errorf("module file %s: %v, or not the module", m.Path, err)
			}
			os.RemoveAll(strings.TrimSuffix(m.Path, "/module.wasm"))
		})
	}
}

// TestStats checks what Run counts: two rounds of every export.
func TestStats(t *testing.T) {
	st, err := Run(context.Background(), Case{Module: callDiv}, Reference, Sides[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Calls != 2 || st.Returns != 0 || st.Traps[terra.TrapIntegerDivideByZero] != 2 {
		t.Errorf("got %+v, want 2 calls trapping with integer divide by zero", st)
	}
}

// TestArguments: arguments come from the stream and include the edge
// values of every type.
func TestArguments(t *testing.T) {
	ts := []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef}
	if got := arguments(nil, ts); len(got) != 7 || slices.ContainsFunc(got, func(v uint64) bool { return v != 0 }) {
		t.Errorf("no stream: got %x, want 7 zero cells", got)
	}
	seen := map[wasm.ValueType]map[uint64]bool{}
	src := wasmgen.NewSeededSource(1)
	for range 3000 {
		args := arguments(src, ts)
		for i, typ := range ts[:4] {
			if seen[typ] == nil {
				seen[typ] = map[uint64]bool{}
			}
			seen[typ][args[i]] = true
		}
	}
	for typ, vs := range map[wasm.ValueType][]uint64{
		wasm.I32: {0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF},
		wasm.I64: {0, 1, math.MaxUint64, 1 << 63, math.MaxInt64},
		wasm.F32: {0, 0x80000000, 0x7FC00000, 0x7F800000, 0xFF800000, 0x7FA00000},
		wasm.F64: {0, 1 << 63, 0x7FF8000000000000, 0x7FF0000000000000, 0xFFF0000000000000},
	} {
		for _, v := range vs {
			if !seen[typ][v] {
				t.Errorf("%s argument 0x%x never drawn", typ, v)
			}
		}
	}
	a, b := wasmgen.NewSeededSource(7), wasmgen.NewSeededSource(7)
	if !slices.Equal(arguments(a, ts), arguments(b, ts)) {
		t.Error("equal streams gave different arguments")
	}
}

// coarse is a side that claims not to tell table traps apart.
type coarse struct{ Side }

func (coarse) CoarseTableTraps() {}

func TestCoarseTableTraps(t *testing.T) {
	null := module(0, -1, 0x41, 0, 0x11, 1, 0)       // call_indirect of a null element
	outside := module(0, -1, 0x41, 5, 0x25, 0, 0x1A) // table.get past the end
	engines := [2]Engine{Reference, Sides[0]}
	if _, err := run(context.Background(), Case{Module: null}, engines, [2][]byte{null, outside}); err == nil {
		t.Error("uninitialized element and table out of bounds compared equal")
	}
	engines[1] = coarse{Sides[0]}
	if _, err := run(context.Background(), Case{Module: null}, engines, [2][]byte{null, outside}); err != nil {
		t.Errorf("with an engine of coarse table traps: %v", err)
	}
}
