//go:build linux

package sandbox

import (
	"github.com/twitchyliquid64/golang-asm/asm/arch"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

// The context register, as abi.go says.
const ctxReg = arm64.REG_R19

// start adds the instruction golang-asm's arm64 back end skips, taking it
// for the function's TEXT.
func (g *gen) start() { g.op(obj.ANOP, obj.Addr{}, obj.Addr{}) }

func (g *gen) ret() { g.op(obj.ARET, obj.Addr{}, reg(arm64.REG_R30)) }

func regPair(a, b int16) obj.Addr {
	return obj.Addr{Type: obj.TYPE_REGREG, Reg: a, Offset: int64(b)}
}

// v0B16 is the register list [V0.B16]: one 16-byte vector register.
func v0B16() obj.Addr {
	arng, err := arch.ARM64RegisterArrangement(0, "V0", "B16")
	if err != nil {
		panic(err)
	}
	list, err := arch.ARM64RegisterListOffset(0, 1, arng)
	if err != nil {
		panic(err)
	}
	return obj.Addr{Type: obj.TYPE_REGLIST, Offset: list}
}

// genReturn returns at once.
func genReturn(g *gen) []byte {
	g.ret()
	return g.assemble()
}

// genAccess loads width bytes from base+index into result, or stores them
// from result there. It returns the code and the access's offset in it.
func genAccess(g *gen, width int, store bool) ([]byte, int64) {
	g.op(arm64.AMOVD, mem(ctxReg, offBase), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, mem(ctxReg, offIndex), reg(arm64.REG_R1))
	g.op3(arm64.AADD, reg(arm64.REG_R1), arm64.REG_R0, reg(arm64.REG_R0))
	var access *obj.Prog
	if width == 16 {
		// VLD1 and VST1 take no offset: R3 is the address of result.
		g.op3(arm64.AADD, imm(offResult), ctxReg, reg(arm64.REG_R3))
		if store {
			g.op(arm64.AVLD1, mem(arm64.REG_R3, 0), v0B16())
			access = g.op(arm64.AVST1, v0B16(), mem(arm64.REG_R0, 0))
		} else {
			access = g.op(arm64.AVLD1, mem(arm64.REG_R0, 0), v0B16())
			g.op(arm64.AVST1, v0B16(), mem(arm64.REG_R3, 0))
		}
	} else if store {
		g.op(arm64.AMOVD, mem(ctxReg, offResult), reg(arm64.REG_R2))
		as := map[int]obj.As{1: arm64.AMOVB, 2: arm64.AMOVH, 4: arm64.AMOVW, 8: arm64.AMOVD}[width]
		access = g.op(as, reg(arm64.REG_R2), mem(arm64.REG_R0, 0))
	} else {
		as := map[int]obj.As{1: arm64.AMOVBU, 2: arm64.AMOVHU, 4: arm64.AMOVWU, 8: arm64.AMOVD}[width]
		access = g.op(as, mem(arm64.REG_R0, 0), reg(arm64.REG_R2))
		g.op(arm64.AMOVD, reg(arm64.REG_R2), mem(ctxReg, offResult))
	}
	g.ret()
	text := g.assemble()
	return text, access.Pc
}

// genRecurse calls fn, normally itself, while depth < limit, incrementing
// depth, in 64-byte frames that keep the frame-pointer chain.
func genRecurse(g *gen) []byte {
	g.op3(arm64.ASUB, imm(64), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.op(arm64.ASTP, regPair(arm64.REG_R29, arm64.REG_R30), mem(arm64.REG_RSP, 0))
	g.op(arm64.AMOVD, reg(arm64.REG_RSP), reg(arm64.REG_R29))
	g.op(arm64.AMOVD, mem(ctxReg, offDepth), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, mem(ctxReg, offLimit), reg(arm64.REG_R1))
	g.op3(arm64.ACMP, reg(arm64.REG_R1), arm64.REG_R0, obj.Addr{})
	done := g.prog(arm64.ALDP, mem(arm64.REG_RSP, 0), regPair(arm64.REG_R29, arm64.REG_R30))
	g.branch(arm64.ABHS, done)
	g.op3(arm64.AADD, imm(1), arm64.REG_R0, reg(arm64.REG_R0))
	g.op(arm64.AMOVD, reg(arm64.REG_R0), mem(ctxReg, offDepth))
	g.op(arm64.AMOVD, mem(ctxReg, offFn), reg(arm64.REG_R2))
	g.op(obj.ACALL, obj.Addr{}, mem(arm64.REG_R2, 0))
	g.add(done)
	g.op3(arm64.AADD, imm(64), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.ret()
	return g.assemble()
}

// genTrap pushes a frame, then traps with kind trap, PC trapPCMarker and
// address index.
func genTrap(g *gen) []byte {
	g.op3(arm64.ASUB, imm(64), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.op(arm64.AMOVWU, mem(ctxReg, offTrap), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, imm(trapPCMarker), reg(arm64.REG_R1))
	g.op(arm64.AMOVD, mem(ctxReg, offIndex), reg(arm64.REG_R2))
	g.op(arm64.AMOVD, mem(ctxReg, ContextTrapStub), reg(arm64.REG_R3))
	g.op(obj.AJMP, obj.Addr{}, mem(arm64.REG_R3, 0))
	return g.assemble()
}

// genSpin sets spins, then returns once flag is non-zero.
func genSpin(g *gen) []byte {
	g.op(arm64.AMOVD, imm(1), reg(arm64.REG_R0))
	g.op(arm64.AMOVW, reg(arm64.REG_R0), mem(ctxReg, offSpins))
	loop := g.op(arm64.AMOVWU, mem(ctxReg, offFlag), reg(arm64.REG_R0))
	g.branch(arm64.ACBZW, loop).From = reg(arm64.REG_R0)
	g.ret()
	return g.assemble()
}

// genClobber writes to every register generated code may use and returns.
func genClobber(g *gen) []byte {
	g.op(arm64.AMOVD, imm(-1), reg(arm64.REG_R0))
	for r := int16(arm64.REG_R1); r <= arm64.REG_R27; r++ {
		if r != arm64.REG_R18 && r != ctxReg {
			g.op(arm64.AMOVD, reg(arm64.REG_R0), reg(r))
		}
	}
	for r := int16(arm64.REG_F0); r <= arm64.REG_F31; r++ {
		g.op(arm64.AFMOVD, reg(arm64.REG_R0), reg(r))
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
	g.op3(arm64.ASUB, imm(32), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.op(arm64.ASTP, regPair(arm64.REG_R29, arm64.REG_R30), mem(arm64.REG_RSP, 0))
	g.op(arm64.AMOVD, reg(arm64.REG_RSP), reg(arm64.REG_R29))
	g.op(arm64.AMOVD, imm(frameMarker), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, reg(arm64.REG_R0), mem(arm64.REG_RSP, 16))
	loop := g.op(arm64.AMOVD, mem(ctxReg, offDepth), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, mem(ctxReg, offLimit), reg(arm64.REG_R1))
	g.op3(arm64.ACMP, reg(arm64.REG_R1), arm64.REG_R0, obj.Addr{})
	done := g.prog(arm64.ALDP, mem(arm64.REG_RSP, 0), regPair(arm64.REG_R29, arm64.REG_R30))
	g.branch(arm64.ABHS, done)
	g.op3(arm64.AADD, imm(1), arm64.REG_R0, reg(arm64.REG_R0))
	g.op(arm64.AMOVD, reg(arm64.REG_R0), mem(ctxReg, offDepth))
	g.op(arm64.AMOVD, mem(ctxReg, ContextExitStub), reg(arm64.REG_R2))
	g.op(obj.ACALL, obj.Addr{}, mem(arm64.REG_R2, 0))
	g.op(arm64.AMOVD, mem(arm64.REG_R29, 16), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, imm(frameMarker), reg(arm64.REG_R1))
	g.op3(arm64.ACMP, reg(arm64.REG_R1), arm64.REG_R0, obj.Addr{})
	g.branch(arm64.ABEQ, loop)
	g.op(arm64.AMOVD, imm(77), reg(arm64.REG_R0))
	g.op(arm64.AMOVD, reg(arm64.REGZERO), reg(arm64.REG_R1))
	g.op(arm64.AMOVD, reg(arm64.REGZERO), reg(arm64.REG_R2))
	g.op(arm64.AMOVD, mem(ctxReg, ContextTrapStub), reg(arm64.REG_R3))
	g.op(obj.AJMP, obj.Addr{}, mem(arm64.REG_R3, 0))
	g.add(done)
	g.op3(arm64.AADD, imm(32), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.ret()
	return g.assemble()
}

// genPoller loops until flag is non-zero, setting spins, and exits whenever
// Poll is non-zero, counting the exits in depth.
func genPoller(g *gen) []byte {
	g.op3(arm64.ASUB, imm(16), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.op(arm64.ASTP, regPair(arm64.REG_R29, arm64.REG_R30), mem(arm64.REG_RSP, 0))
	g.op(arm64.AMOVD, reg(arm64.REG_RSP), reg(arm64.REG_R29))
	g.op(arm64.AMOVD, imm(1), reg(arm64.REG_R0))
	g.op(arm64.AMOVW, reg(arm64.REG_R0), mem(ctxReg, offSpins))
	loop := g.op(arm64.AMOVWU, mem(ctxReg, ContextPoll), reg(arm64.REG_R0))
	check := g.prog(arm64.AMOVWU, mem(ctxReg, offFlag), reg(arm64.REG_R0))
	g.branch(arm64.ACBZW, check).From = reg(arm64.REG_R0)
	g.op(arm64.AMOVD, mem(ctxReg, offDepth), reg(arm64.REG_R0))
	g.op3(arm64.AADD, imm(1), arm64.REG_R0, reg(arm64.REG_R0))
	g.op(arm64.AMOVD, reg(arm64.REG_R0), mem(ctxReg, offDepth))
	g.op(arm64.AMOVD, mem(ctxReg, ContextExitStub), reg(arm64.REG_R2))
	g.op(obj.ACALL, obj.Addr{}, mem(arm64.REG_R2, 0))
	g.add(check)
	g.branch(arm64.ACBZW, loop).From = reg(arm64.REG_R0)
	g.op(arm64.ALDP, mem(arm64.REG_RSP, 0), regPair(arm64.REG_R29, arm64.REG_R30))
	g.op3(arm64.AADD, imm(16), arm64.REG_RSP, reg(arm64.REG_RSP))
	g.ret()
	return g.assemble()
}
