package wasmgen

import (
	"slices"
	"testing"

	"github.com/terra-runtime/terra/wasm"
)

// TestShape checks that generated functions are deep enough to interest a
// compiler: tall operand stacks, many blocks and many locals, so that
// values live across branches and a register allocator must spill.
func TestShape(t *testing.T) {
	var heights, blocks, locals []int
	for seed := range uint64(200) {
		m, err := wasm.Parse(Generate(NewSeededSource(seed), Config{}), wasm.Features2_0)
		if err != nil {
			t.Fatal(err)
		}
		for _, fi := range m.FuncInfo {
			heights = append(heights, int(fi.MaxHeight))
			blocks = append(blocks, len(fi.Blocks))
			locals = append(locals, len(fi.Locals))
		}
	}
	for _, c := range []struct {
		what          string
		v             []int
		median, top10 int
	}{
		{"operand stack height", heights, 8, 14},
		{"blocks", blocks, 8, 14},
		{"locals", locals, 8, 16},
	} {
		slices.Sort(c.v)
		median, top10 := c.v[len(c.v)/2], c.v[len(c.v)*9/10]
		t.Logf("%s: median %d, 90th percentile %d, max %d", c.what, median, top10, c.v[len(c.v)-1])
		if median < c.median || top10 < c.top10 {
			t.Errorf("%s: median %d, 90th percentile %d; want at least %d and %d", c.what, median, top10, c.median, c.top10)
		}
	}
}
