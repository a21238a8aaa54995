package wasmgen

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/terra-runtime/terra/wasm"
)

var seeds = flag.Int("wasmgen.seeds", 500, "number of seeds TestValid generates")

// parse validates a generated module and, on failure, keeps it in a file
// for wasm2wat.
func parse(t *testing.T, what string, data []byte, features wasm.Features) {
	t.Helper()
	if _, err := wasm.Parse(data, features); err != nil {
		dir, _ := os.MkdirTemp("", "wasmgen-")
		path := filepath.Join(dir, "invalid.wasm")
		_ = os.WriteFile(path, data, 0o644)
		t.Fatalf("%s: %v\nmodule: %s (wasm2wat --no-check %s)", what, err, path, path)
	}
}

func TestValid(t *testing.T) {
	for _, simd := range []bool{false, true} {
		features := wasm.Features2_0
		if !simd {
			// Without the option, modules must not need SIMD.
			features &^= wasm.FeatureSIMD
		}
		for seed := range uint64(*seeds) {
			data := Generate(NewSeededSource(seed), Config{SIMD: simd})
			parse(t, fmt.Sprintf("seed %d (SIMD %v)", seed, simd), data, features)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for seed := range uint64(20) {
		a := Generate(NewSeededSource(seed), Config{SIMD: seed%2 == 1})
		b := Generate(NewSeededSource(seed), Config{SIMD: seed%2 == 1})
		if !bytes.Equal(a, b) {
			t.Fatalf("seed %d: two generations differ", seed)
		}
	}
	input := []byte("some fuzzer input, not very long")
	if !bytes.Equal(Generate(NewSource(input), Config{}), Generate(NewSource(input), Config{})) {
		t.Fatal("equal byte input gave different modules")
	}
	if bytes.Equal(Generate(NewSeededSource(1), Config{}), Generate(NewSeededSource(2), Config{})) {
		t.Fatal("seeds 1 and 2 gave the same module")
	}
}

// TestEmptyInput: an exhausted source still yields a valid (small) module.
func TestEmptyInput(t *testing.T) {
	data := Generate(NewSource(nil), Config{})
	parse(t, "empty input", data, wasm.Features2_0)
	if len(data) > 2000 {
		t.Errorf("empty input gave %d bytes, want a small module", len(data))
	}
}

// TestCoverage checks that a few hundred seeds emit every instruction the
// package documentation promises.
func TestCoverage(t *testing.T) {
	counts := map[wasm.Opcode]int{}
	for seed := range uint64(300) {
		g := generate(NewSeededSource(seed), Config{SIMD: true})
		for op, n := range g.ops {
			counts[op] += n
		}
	}
	var want []wasm.Opcode
	for _, o := range numOps {
		want = append(want, o.op)
	}
	for _, l := range append(loads, stores...) {
		want = append(want, l.op)
	}
	want = append(want, wasm.OpUnreachable, wasm.OpNop, wasm.OpBlock, wasm.OpLoop, wasm.OpIf, wasm.OpElse,
		wasm.OpBr, wasm.OpBrIf, wasm.OpBrTable, wasm.OpReturn, wasm.OpCall, wasm.OpCallIndirect, wasm.OpDrop,
		wasm.OpSelect, wasm.OpSelectT, wasm.OpLocalGet, wasm.OpLocalSet, wasm.OpLocalTee, wasm.OpGlobalGet,
		wasm.OpGlobalSet, wasm.OpTableGet, wasm.OpTableSet, wasm.OpMemorySize, wasm.OpMemoryGrow,
		wasm.OpI32Const, wasm.OpI64Const, wasm.OpF32Const, wasm.OpF64Const, wasm.OpRefNull, wasm.OpRefIsNull,
		wasm.OpRefFunc, wasm.OpMemoryInit, wasm.OpDataDrop, wasm.OpMemoryCopy, wasm.OpMemoryFill,
		wasm.OpTableInit, wasm.OpElemDrop, wasm.OpTableCopy, wasm.OpTableGrow, wasm.OpTableSize,
		wasm.OpTableFill)
	want = append(want, simdBinary...)
	want = append(want, simdUnary...)
	want = append(want, simdShifts...)
	want = append(want, simdToI32...)
	for _, a := range simdArith {
		want = append(want, a.op)
	}
	for _, l := range simdLoads {
		want = append(want, l.op)
	}
	for _, l := range append(simdLaneLoads, simdLaneStores...) {
		want = append(want, l.op)
	}
	for _, sc := range simdScalar {
		want = append(want, sc.splat...)
		want = append(want, sc.replace...)
		want = append(want, sc.extract...)
	}
	want = append(want, wasm.OpV128Const, wasm.OpV128Store, wasm.OpI8x16Shuffle, wasm.OpV128Bitselect)
	for op := wasm.OpI8x16Eq; op <= wasm.OpF64x2Ge; op++ {
		want = append(want, op)
	}
	var missing []string
	for _, op := range want {
		if counts[op] == 0 {
			missing = append(missing, op.String())
		}
	}
	if len(missing) > 0 {
		t.Errorf("never generated in 300 seeds: %v", missing)
	}
}

// TestWasm2Wat cross-checks a few modules with wabt's decoder and
// validator, an implementation independent of terra's.
func TestWasm2Wat(t *testing.T) {
	tool, err := exec.LookPath("wasm2wat")
	if err != nil {
		if os.Getenv("TERRA_REQUIRE_ALL") == "1" {
			t.Fatal("wasm2wat not found (TERRA_REQUIRE_ALL=1 forbids skipping): apt-get install wabt")
		}
		t.Skip("wasm2wat not found: apt-get install wabt")
	}
	dir := t.TempDir()
	for seed := range uint64(30) {
		path := filepath.Join(dir, "m.wasm")
		if err := os.WriteFile(path, Generate(NewSeededSource(seed), Config{SIMD: seed%3 == 0}), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "-o", os.DevNull, path).CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("seed %d: wasm2wat rejects the module: %s", seed, out)
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzGenerate: every input yields a valid module.
func FuzzGenerate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x05\x03\x02\x01\xff\xfe\x80\x40"))
	f.Add(bytes.Repeat([]byte{0xFF}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		parse(t, "input", Generate(NewSource(data), Config{SIMD: len(data) > 0 && data[0]&1 == 1}), wasm.Features2_0)
	})
}
