//go:build linux && (amd64 || arm64)

package sandbox

import "testing"

// benchRun runs code in a loop, checking the trap of the first run.
func benchRun(b *testing.B, code *Executable, ctx *testContext, want Trap) {
	s := stack(b)
	trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
	if err != nil || trap != want {
		b.Fatalf("trap %d, error %v; want trap %d", trap, err, want)
	}
	for b.Loop() {
		_, _ = runOnce(code, code.Addr(), &ctx.Context, s)
	}
}

// BenchmarkRun is the trampoline's round trip: into code that returns at
// once, and back.
func BenchmarkRun(b *testing.B) {
	benchRun(b, load(b, genReturn(newGen(b))), &testContext{}, TrapNone)
}

// BenchmarkExplicitTrap is a round trip through the trap-exit stub without
// a signal.
func BenchmarkExplicitTrap(b *testing.B) {
	benchRun(b, load(b, genTrap(newGen(b))), &testContext{trap: 1}, 1)
}

// BenchmarkSignalTrap is a round trip through an out-of-bounds fault: the
// kernel's signal delivery, the handler, the stub.
func BenchmarkSignalTrap(b *testing.B) {
	r := reserveMemory(b)
	text, _ := genAccess(newGen(b), 8, false)
	benchRun(b, load(b, text), &testContext{base: addrOf(r), index: memorySize}, TrapOutOfBounds)
}
