//go:build linux && (amd64 || arm64)

package sandbox

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	golangasm "github.com/twitchyliquid64/golang-asm"
	"github.com/twitchyliquid64/golang-asm/obj"
)

// testContext is what the test functions receive: Context first, then their
// own fields, as a compiler's context would be.
type testContext struct {
	Context
	base   uintptr   // linear memory
	index  uintptr   // offset of the access in it
	result [2]uint64 // loaded, or to store
	depth  uint64    // recursion so far
	limit  uint64    // recursion limit
	fn     uintptr   // what the recursion calls
	trap   uint64    // kind of the explicit trap
	flag   uint32    // the spin loop ends when it is non-zero
	spins  uint32    // the spin loop sets it to 1 before looping
}

var tc testContext

// Offsets of testContext fields for the generators.
var (
	offBase   = int64(unsafe.Offsetof(tc.base))
	offIndex  = int64(unsafe.Offsetof(tc.index))
	offResult = int64(unsafe.Offsetof(tc.result))
	offDepth  = int64(unsafe.Offsetof(tc.depth))
	offLimit  = int64(unsafe.Offsetof(tc.limit))
	offFn     = int64(unsafe.Offsetof(tc.fn))
	offTrap   = int64(unsafe.Offsetof(tc.trap))
	offFlag   = int64(unsafe.Offsetof(tc.flag))
	offSpins  = int64(unsafe.Offsetof(tc.spins))
)

// trapPCMarker is what the explicit trap passes as its PC.
const trapPCMarker = 0x1234

// gen assembles one test function with golang-asm.
type gen struct {
	t testing.TB
	b *golangasm.Builder
}

func newGen(t testing.TB) *gen {
	b, err := golangasm.NewBuilder(runtime.GOARCH, 64)
	require.NoError(t, err)
	g := &gen{t: t, b: b}
	g.start()
	return g
}

// prog returns an instruction without adding it, so that branches can
// target it before it is placed with add.
func (g *gen) prog(as obj.As, from, to obj.Addr) *obj.Prog {
	p := g.b.NewProg()
	p.As, p.From, p.To = as, from, to
	return p
}

func (g *gen) add(p *obj.Prog) *obj.Prog {
	g.b.AddInstruction(p)
	return p
}

func (g *gen) op(as obj.As, from, to obj.Addr) *obj.Prog { return g.add(g.prog(as, from, to)) }

// op3 adds an instruction with a second source register.
func (g *gen) op3(as obj.As, from obj.Addr, reg int16, to obj.Addr) *obj.Prog {
	p := g.prog(as, from, to)
	p.Reg = reg
	return g.add(p)
}

func (g *gen) branch(as obj.As, target *obj.Prog) *obj.Prog {
	p := g.prog(as, obj.Addr{}, obj.Addr{Type: obj.TYPE_BRANCH})
	p.To.SetTarget(target)
	return g.add(p)
}

func (g *gen) assemble() []byte {
	text := g.b.Assemble()
	require.NotEmpty(g.t, text)
	return text
}

func reg(r int16) obj.Addr            { return obj.Addr{Type: obj.TYPE_REG, Reg: r} }
func mem(r int16, off int64) obj.Addr { return obj.Addr{Type: obj.TYPE_MEM, Reg: r, Offset: off} }
func imm(v int64) obj.Addr            { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }
