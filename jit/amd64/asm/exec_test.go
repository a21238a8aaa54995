//go:build linux && amd64

package asm

import (
	"math"
	"testing"
	"unsafe"

	"github.com/terra-runtime/terra/sandbox"
	"golang.org/x/sys/cpu"
)

// execCtx is what the functions below receive in R15 (see sandbox/abi.go):
// the sandbox's context, then arguments and results.
type execCtx struct {
	sandbox.Context
	args [4]uint64
	res  uint64
}

var (
	offArgs = int32(unsafe.Offsetof(execCtx{}.args))
	offRes  = int32(unsafe.Offsetof(execCtx{}.res))
)

func arg(i int) Mem { return Mem{Base: R15, Disp: offArgs + 8*int32(i)} }

var res = Mem{Base: R15, Disp: offRes}

// TestExecute runs a few assembled functions that use branches in both
// directions, a jump table, a local call, the constant pool, division,
// shifts, SETcc, CMOVcc and SSE, and checks their results against Go.
func TestExecute(t *testing.T) {
	var a Assembler
	entries := map[string]Label{}
	fn := func(name string) {
		l := a.NewLabel()
		a.Align(16)
		a.Bind(l)
		entries[name] = l
	}

	// sum(n) = 0 + 1 + ... + n-1, with a loop.
	fn("sum")
	loop, done := a.NewLabel(), a.NewLabel()
	a.MovRM(W64, RCX, arg(0))
	a.ArithRR(XOR, W32, RAX, RAX)
	a.TestRR(W64, RCX, RCX)
	a.Jcc(CondE, done)
	a.Bind(loop)
	a.UnaryR(DEC, W64, RCX)
	a.ArithRR(ADD, W64, RAX, RCX)
	a.TestRR(W64, RCX, RCX)
	a.Jcc(CondNE, loop)
	a.Bind(done)
	a.MovMR(W64, res, RAX)
	a.Ret()

	// divmod(x, y) = (x / y) << 32 | (x % y) & 0xFFFFFFFF, signed 32-bit,
	// computed in a local function reached with Call.
	fn("divmod")
	div := a.NewLabel()
	a.MovRM(W32, RAX, arg(0))
	a.MovRM(W32, R9, arg(1))
	a.Call(div)
	a.ShiftRI(SHL, W64, RAX, 32)
	a.MovzxRR(W64, W32, RDX, RDX)
	a.ArithRR(OR, W64, RAX, RDX)
	a.MovMR(W64, res, RAX)
	a.Ret()
	a.Bind(div)
	a.Cdq()
	a.UnaryR(IDIV, W32, R9)
	a.Ret()

	// sel(k) through a jump table: 0 -> 100, 1 -> 0x123456789-5, 2 -> 2<<3
	// (by CL), anything else -> 7.
	fn("sel")
	table, c0, c1, c2, other, out := a.NewLabel(), a.NewLabel(), a.NewLabel(), a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.MovRM(W64, RAX, arg(0))
	a.ArithRI(CMP, W64, RAX, 2)
	a.Jcc(CondA, other)
	a.Lea(W64, RDX, RIP(table))
	a.MovsxRM(W64, W32, RAX, Mem{Base: RDX, Index: RAX, Scale: 4})
	a.ArithRR(ADD, W64, RAX, RDX)
	a.JmpR(RAX)
	a.Align(4)
	a.Bind(table)
	a.JumpTableEntry(c0, table)
	a.JumpTableEntry(c1, table)
	a.JumpTableEntry(c2, table)
	a.Bind(c0)
	a.MovRI(W64, RAX, 100)
	a.Jmp(out)
	a.Bind(c1)
	a.MovRI(W64, RAX, -5)
	a.MovRI(W64, RCX, 0x123456789)
	a.ArithRR(ADD, W64, RAX, RCX)
	a.Jmp(out)
	a.Bind(c2)
	a.MovRI(W32, RCX, 3)
	a.MovRI(W64, RAX, 2)
	a.ShiftRCL(SHL, W64, RAX)
	a.JmpShort(out)
	a.Bind(other)
	a.MovRI(W64, RAX, 7)
	a.Bind(out)
	a.MovMR(W64, res, RAX)
	a.Ret()

	// cmp(x, y) = (x < y signed) | (max unsigned(x, y) << 8), 32-bit.
	fn("cmp")
	a.MovRM(W32, RAX, arg(0))
	a.MovRM(W32, RCX, arg(1))
	a.ArithRR(XOR, W32, RDX, RDX)
	a.ArithRR(CMP, W32, RAX, RCX)
	a.Setcc(CondL, RDX)
	a.CmovRR(CondB, W32, RAX, RCX)
	a.ShiftRI(SHL, W64, RAX, 8)
	a.ArithRR(OR, W64, RAX, RDX)
	a.MovMR(W64, res, RAX)
	a.Ret()

	// flt(x) = bits(floor(sqrt(x) * 1.5) + |-2.25|), float64.
	fn("flt")
	a.XM(MOVSD, X0, arg(0))
	a.XX(SQRTSD, X0, X0)
	a.XM(MULSD, X0, a.ConstF64(1.5))
	if cpu.X86.HasSSE41 {
		a.XXI(ROUNDSD, X0, X0, RoundFloor)
	} else {
		a.RX(CVTTSD2SI, W64, RAX, X0) // the argument is positive: trunc is floor
		a.XR(CVTSI2SD, W64, X0, RAX)
	}
	a.XM(MOVSD, X1, a.ConstF64(-2.25))
	a.XM(ANDPD, X1, a.Const128(math.MaxInt64, math.MaxInt64))
	a.XX(ADDSD, X0, X1)
	a.RX(MOVD, W64, RAX, X0)
	a.MovMR(W64, res, RAX)
	a.Ret()

	// bmi(x, y) = ^(x << y) & x, 64-bit, with SHLX and ANDN when the
	// processor has BMI1 and BMI2.
	bmi := cpu.X86.HasBMI1 && cpu.X86.HasBMI2
	if bmi {
		fn("bmi")
		a.MovRM(W64, R8, arg(0))
		a.MovRM(W64, R11, arg(1))
		a.VexRRR(SHLX, W64, R10, R8, R11)
		a.VexRRR(ANDN, W64, R10, R10, R8)
		a.MovMR(W64, res, R10)
		a.Ret()
	}

	code, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := sandbox.LoadCode(code)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	stacks := sandbox.NewStackPool(64<<10, 1)
	defer stacks.Close()
	stack, err := stacks.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer stacks.Put(stack)

	call := func(name string, args ...uint64) uint64 {
		t.Helper()
		off, ok := a.LabelOffset(entries[name])
		if !ok {
			t.Fatalf("%s not bound", name)
		}
		ctx := new(execCtx)
		copy(ctx.args[:], args)
		th, err := sandbox.NewThread(&ctx.Context, stack)
		if err != nil {
			t.Fatal(err)
		}
		trap, err := th.Enter(loaded, loaded.Addr()+uintptr(off))
		if err != nil || trap != sandbox.TrapNone {
			t.Fatalf("%s%v: trap %v, %v", name, args, trap, err)
		}
		return ctx.res
	}
	for _, n := range []uint64{0, 1, 2, 10, 1000} {
		if got, want := call("sum", n), n*(n-1)/2; got != want {
			t.Errorf("sum(%d) = %d, want %d", n, got, want)
		}
	}
	for _, xy := range [][2]int32{{7, 2}, {-7, 2}, {100, -3}, {math.MinInt32, 7}} {
		x, y := xy[0], xy[1]
		want := uint64(uint32(x/y))<<32 | uint64(uint32(x%y))
		if got := call("divmod", uint64(uint32(x)), uint64(uint32(y))); got != want {
			t.Errorf("divmod(%d, %d) = %#x, want %#x", x, y, got, want)
		}
	}
	for k, want := range []uint64{100, 0x123456784, 16, 7, 7} {
		if got := call("sel", uint64(k)); got != want {
			t.Errorf("sel(%d) = %#x, want %#x", k, got, want)
		}
	}
	for _, xy := range [][2]int32{{1, 2}, {2, 1}, {-1, 1}, {1, -1}, {5, 5}} {
		x, y := xy[0], xy[1]
		want := uint64(max(uint32(x), uint32(y))) << 8
		if x < y {
			want |= 1
		}
		if got := call("cmp", uint64(uint32(x)), uint64(uint32(y))); got != want {
			t.Errorf("cmp(%d, %d) = %#x, want %#x", x, y, got, want)
		}
	}
	for _, xy := range [][2]uint64{{0xFF, 4}, {0xF0F0, 1}, {1, 63}, {^uint64(0), 65}} {
		if !bmi {
			t.Log("no BMI1 and BMI2: SHLX and ANDN not executed")
			break
		}
		x, y := xy[0], xy[1]
		if got, want := call("bmi", x, y), ^(x<<(y&63))&x; got != want {
			t.Errorf("bmi(%#x, %d) = %#x, want %#x", x, y, got, want)
		}
	}
	for _, x := range []float64{0, 2, 10, 12345.678} {
		want := math.Floor(math.Sqrt(x)*1.5) + 2.25
		if got := math.Float64frombits(call("flt", math.Float64bits(x))); got != want {
			t.Errorf("flt(%v) = %v, want %v", x, got, want)
		}
	}
}
