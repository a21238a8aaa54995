//go:build linux

package sandbox

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// The context register, as abi.go says.
const ctxReg = x86.REG_R15

func (g *gen) start() {}

func (g *gen) ret() { g.op(obj.ARET, obj.Addr{}, obj.Addr{}) }

// genReturn returns at once.
func genReturn(g *gen) []byte {
	g.ret()
	return g.assemble()
}

// genAccess loads width bytes from base+index into result, or stores them
// from result there. It returns the code and the access's offset in it.
func genAccess(g *gen, width int, store bool) ([]byte, int64) {
	g.op(x86.AMOVQ, mem(ctxReg, offBase), reg(x86.REG_AX))
	g.op(x86.AADDQ, mem(ctxReg, offIndex), reg(x86.REG_AX))
	var access *obj.Prog
	if width == 16 {
		if store {
			g.op(x86.AMOVOU, mem(ctxReg, offResult), reg(x86.REG_X0))
			access = g.op(x86.AMOVOU, reg(x86.REG_X0), mem(x86.REG_AX, 0))
		} else {
			access = g.op(x86.AMOVOU, mem(x86.REG_AX, 0), reg(x86.REG_X0))
			g.op(x86.AMOVOU, reg(x86.REG_X0), mem(ctxReg, offResult))
		}
	} else if store {
		g.op(x86.AMOVQ, mem(ctxReg, offResult), reg(x86.REG_CX))
		as := map[int]obj.As{1: x86.AMOVB, 2: x86.AMOVW, 4: x86.AMOVL, 8: x86.AMOVQ}[width]
		access = g.op(as, reg(x86.REG_CX), mem(x86.REG_AX, 0))
	} else {
		as := map[int]obj.As{1: x86.AMOVBQZX, 2: x86.AMOVWQZX, 4: x86.AMOVL, 8: x86.AMOVQ}[width]
		access = g.op(as, mem(x86.REG_AX, 0), reg(x86.REG_CX))
		g.op(x86.AMOVQ, reg(x86.REG_CX), mem(ctxReg, offResult))
	}
	g.ret()
	text := g.assemble()
	return text, access.Pc
}

// genRecurse calls fn, normally itself, while depth < limit, incrementing
// depth, in 64-byte frames that keep the frame-pointer chain.
func genRecurse(g *gen) []byte {
	g.op(x86.APUSHQ, reg(x86.REG_BP), obj.Addr{})
	g.op(x86.AMOVQ, reg(x86.REG_SP), reg(x86.REG_BP))
	g.op(x86.ASUBQ, imm(48), reg(x86.REG_SP))
	g.op(x86.AMOVQ, mem(ctxReg, offDepth), reg(x86.REG_AX))
	g.op(x86.ACMPQ, reg(x86.REG_AX), mem(ctxReg, offLimit))
	done := g.prog(x86.AADDQ, imm(48), reg(x86.REG_SP))
	g.branch(x86.AJCC, done)
	g.op(x86.AINCQ, obj.Addr{}, reg(x86.REG_AX))
	g.op(x86.AMOVQ, reg(x86.REG_AX), mem(ctxReg, offDepth))
	g.op(x86.AMOVQ, mem(ctxReg, offFn), reg(x86.REG_AX))
	g.op(obj.ACALL, obj.Addr{}, reg(x86.REG_AX))
	g.add(done)
	g.op(x86.APOPQ, obj.Addr{}, reg(x86.REG_BP))
	g.ret()
	return g.assemble()
}

// genTrap pushes a frame, then traps with kind trap, PC trapPCMarker and
// address index.
func genTrap(g *gen) []byte {
	g.op(x86.APUSHQ, reg(x86.REG_BP), obj.Addr{})
	g.op(x86.ASUBQ, imm(64), reg(x86.REG_SP))
	g.op(x86.AMOVQ, mem(ctxReg, offTrap), reg(x86.REG_AX))
	g.op(x86.AMOVQ, imm(trapPCMarker), reg(x86.REG_BX))
	g.op(x86.AMOVQ, mem(ctxReg, offIndex), reg(x86.REG_CX))
	g.op(obj.AJMP, obj.Addr{}, mem(ctxReg, ContextTrapStub))
	return g.assemble()
}

// genSpin sets spins, then returns once flag is non-zero.
func genSpin(g *gen) []byte {
	g.op(x86.AMOVL, imm(1), mem(ctxReg, offSpins))
	loop := g.op(x86.APAUSE, obj.Addr{}, obj.Addr{})
	g.op(x86.AMOVL, mem(ctxReg, offFlag), reg(x86.REG_AX))
	g.op(x86.ATESTL, reg(x86.REG_AX), reg(x86.REG_AX))
	g.branch(x86.AJEQ, loop)
	g.ret()
	return g.assemble()
}

// genClobber writes to every register generated code may use, abi.go's R14
// and X15 among them, and returns.
func genClobber(g *gen) []byte {
	g.op(x86.AMOVQ, imm(-1), reg(x86.REG_AX))
	for r := int16(x86.REG_AX); r <= x86.REG_R14; r++ {
		if r != x86.REG_SP && r != x86.REG_BP {
			g.op(x86.AMOVQ, reg(x86.REG_AX), reg(r))
		}
	}
	for r := int16(x86.REG_X0); r <= x86.REG_X15; r++ {
		g.op(x86.AMOVQ, reg(x86.REG_AX), reg(r))
	}
	g.ret()
	return g.assemble()
}

// frameMarker is what genExiter keeps in its frame across exits.
const frameMarker = 0x5eed

// genExiter keeps frameMarker in its frame and exits while depth < limit,
// incrementing depth before each exit; after each it checks the marker
// through the frame pointer and traps with kind 77 if it changed.
func genExiter(g *gen) []byte {
	g.op(x86.APUSHQ, reg(x86.REG_BP), obj.Addr{})
	g.op(x86.AMOVQ, reg(x86.REG_SP), reg(x86.REG_BP))
	g.op(x86.ASUBQ, imm(16), reg(x86.REG_SP))
	g.op(x86.AMOVQ, imm(frameMarker), mem(x86.REG_BP, -8))
	loop := g.op(x86.AMOVQ, mem(ctxReg, offDepth), reg(x86.REG_AX))
	g.op(x86.ACMPQ, reg(x86.REG_AX), mem(ctxReg, offLimit))
	done := g.prog(x86.AMOVQ, reg(x86.REG_BP), reg(x86.REG_SP))
	g.branch(x86.AJCC, done)
	g.op(x86.AINCQ, obj.Addr{}, reg(x86.REG_AX))
	g.op(x86.AMOVQ, reg(x86.REG_AX), mem(ctxReg, offDepth))
	g.op(obj.ACALL, obj.Addr{}, mem(ctxReg, ContextExitStub))
	g.op(x86.ACMPQ, mem(x86.REG_BP, -8), imm(frameMarker))
	g.branch(x86.AJEQ, loop)
	g.op(x86.AMOVL, imm(77), reg(x86.REG_AX))
	g.op(x86.AXORL, reg(x86.REG_BX), reg(x86.REG_BX))
	g.op(x86.AXORL, reg(x86.REG_CX), reg(x86.REG_CX))
	g.op(obj.AJMP, obj.Addr{}, mem(ctxReg, ContextTrapStub))
	g.add(done)
	g.op(x86.APOPQ, obj.Addr{}, reg(x86.REG_BP))
	g.ret()
	return g.assemble()
}

// genPoller loops until flag is non-zero, setting spins, and exits whenever
// Poll is non-zero, counting the exits in depth.
func genPoller(g *gen) []byte {
	g.op(x86.APUSHQ, reg(x86.REG_BP), obj.Addr{})
	g.op(x86.AMOVQ, reg(x86.REG_SP), reg(x86.REG_BP))
	g.op(x86.AMOVL, imm(1), mem(ctxReg, offSpins))
	loop := g.op(x86.ACMPL, mem(ctxReg, ContextPoll), imm(0))
	check := g.prog(x86.ACMPL, mem(ctxReg, offFlag), imm(0))
	g.branch(x86.AJEQ, check)
	g.op(x86.AINCQ, obj.Addr{}, mem(ctxReg, offDepth))
	g.op(obj.ACALL, obj.Addr{}, mem(ctxReg, ContextExitStub))
	g.add(check)
	g.branch(x86.AJEQ, loop)
	g.op(x86.APOPQ, obj.Addr{}, reg(x86.REG_BP))
	g.ret()
	return g.assemble()
}
