package asm

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// TestErrors checks that every kind of operand the encoder cannot encode
// makes Bytes fail with the right sentinel and the offset of the bad
// instruction, that the bad instruction emits nothing, and that the
// instructions after it are still encoded (so that one error does not hide
// in a cascade).
func TestErrors(t *testing.T) {
	m := Mem{Base: RBX}
	for _, tc := range []struct {
		name string
		emit func(a *Assembler)
		want error
	}{
		{"no register", func(a *Assembler) { a.MovRR(W64, NoReg, RAX) }, ErrOperand},
		{"register out of range", func(a *Assembler) { a.MovRR(W64, RAX, Reg(17)) }, ErrOperand},
		{"width 3", func(a *Assembler) { a.MovRR(Width(3), RAX, RBX) }, ErrOperand},
		{"width 0", func(a *Assembler) { a.ArithRR(ADD, 0, RAX, RBX) }, ErrOperand},
		{"imm8 out of range", func(a *Assembler) { a.ArithRI(ADD, W8, RAX, 256) }, ErrOperand},
		{"imm8 below range", func(a *Assembler) { a.ArithMI(SUB, W8, m, -129) }, ErrOperand},
		{"imm16 out of range", func(a *Assembler) { a.TestRI(W16, RCX, 65536) }, ErrOperand},
		{"mov imm32 out of range", func(a *Assembler) { a.MovRI(W32, RAX, 1<<32) }, ErrOperand},
		{"mov imm8 out of range", func(a *Assembler) { a.MovRI(W8, RAX, -129) }, ErrOperand},
		{"store imm16 out of range", func(a *Assembler) { a.MovMI(W16, m, 70000) }, ErrOperand},
		{"arith op", func(a *Assembler) { a.ArithRR(Arith(8), W64, RAX, RBX) }, ErrOperand},
		{"unary op", func(a *Assembler) { a.UnaryR(Unary(8), W64, RAX) }, ErrOperand},
		{"shift 6", func(a *Assembler) { a.ShiftRI(Shift(6), W64, RAX, 3) }, ErrOperand},
		{"bit op", func(a *Assembler) { a.BitRR(BitOp(5), W64, RAX, RBX) }, ErrOperand},
		{"imul byte", func(a *Assembler) { a.ImulRR(W8, RAX, RBX) }, ErrOperand},
		{"lea byte", func(a *Assembler) { a.Lea(W8, RAX, m) }, ErrOperand},
		{"bswap word", func(a *Assembler) { a.Bswap(W16, RAX) }, ErrOperand},
		{"cmov byte", func(a *Assembler) { a.CmovRR(CondE, W8, RAX, RBX) }, ErrOperand},
		{"condition 16", func(a *Assembler) { a.Setcc(Cond(16), RAX) }, ErrOperand},
		{"push no register", func(a *Assembler) { a.Push(NoReg) }, ErrOperand},
		{"movzx same width", func(a *Assembler) { a.MovzxRR(W32, W32, RAX, RBX) }, ErrOperand},
		{"movzx to 16 from 16", func(a *Assembler) { a.MovzxRM(W16, W16, RAX, m) }, ErrOperand},
		{"movsx 32 to 32", func(a *Assembler) { a.MovsxRR(W32, W32, RAX, RBX) }, ErrOperand},
		{"movsx from 64", func(a *Assembler) { a.MovsxRR(W64, W64, RAX, RBX) }, ErrOperand},
		{"index RSP", func(a *Assembler) { a.MovRM(W64, RAX, Mem{Base: RAX, Index: RSP}) }, ErrOperand},
		{"scale 3", func(a *Assembler) { a.MovRM(W64, RAX, Mem{Base: RAX, Index: RCX, Scale: 3}) }, ErrOperand},
		{"base out of range", func(a *Assembler) { a.MovMR(W64, Mem{Base: Reg(20)}, RAX) }, ErrOperand},
		{"index out of range", func(a *Assembler) { a.Lea(W64, RAX, Mem{Index: Reg(20)}) }, ErrOperand},
		{"RIP with base", func(a *Assembler) { a.XM(MOVSD, X0, Mem{Base: RAX, rip: a.NewLabel()}) }, ErrOperand},
		{"xmm out of range", func(a *Assembler) { a.XX(ADDSD, X0, XReg(16)) }, ErrOperand},
		{"xop out of range", func(a *Assembler) { a.XX(XOp(200), X0, X1) }, ErrOperand},
		{"no xmm-xmm form", func(a *Assembler) { a.XX(CVTSI2SD, X0, X1) }, ErrOperand},
		{"no store form", func(a *Assembler) { a.MX(ADDSD, m, X1) }, ErrOperand},
		{"no gp form", func(a *Assembler) { a.XR(ADDSD, W64, X1, RAX) }, ErrOperand},
		{"no imm form", func(a *Assembler) { a.XXI(ADDSD, X0, X1, 0) }, ErrOperand},
		{"imm needed", func(a *Assembler) { a.XX(ROUNDSD, X0, X1) }, ErrOperand},
		{"reserved predicate", func(a *Assembler) { a.XXI(CMPSD, X0, X1, 8) }, ErrOperand},
		{"reserved rounding bits", func(a *Assembler) { a.XMI(ROUNDSS, X0, m, 0x10) }, ErrOperand},
		{"movd word", func(a *Assembler) { a.RX(MOVD, W16, RAX, X0) }, ErrOperand},
		{"align 3", func(a *Assembler) { a.Align(3) }, ErrOperand},
		{"vex imm op without imm", func(a *Assembler) { a.VexRRR(RORX, W64, RAX, RBX, RCX) }, ErrOperand},
		{"vex op with imm", func(a *Assembler) { a.VexRRI(SHLX, W64, RAX, RBX, 3) }, ErrOperand},
		{"vex word", func(a *Assembler) { a.VexRRR(ANDN, W16, RAX, RBX, RCX) }, ErrOperand},
		{"vex third register", func(a *Assembler) { a.VexRRR(SARX, W32, RAX, RBX, NoReg) }, ErrOperand},
		{"vex op out of range", func(a *Assembler) { a.VexRRR(VexOp(9), W32, RAX, RBX, RCX) }, ErrOperand},
		{"label 0", func(a *Assembler) { a.Jmp(0) }, ErrLabel},
		{"label not created", func(a *Assembler) { a.Jcc(CondE, 99) }, ErrLabel},
		{"RIP label not created", func(a *Assembler) { a.XM(MOVSD, X0, RIP(5)) }, ErrLabel},
		{"bind not created", func(a *Assembler) { a.Bind(7) }, ErrLabel},
		{"bind twice", func(a *Assembler) {
			l := a.NewLabel()
			a.Bind(l)
			a.Bind(l)
		}, ErrLabel},
		{"short back out of range", func(a *Assembler) {
			l := a.NewLabel()
			a.Bind(l)
			a.Nop(127)
			a.JmpShort(l)
		}, ErrShortBranch},
		{"golang-asm invalid instruction", func(a *Assembler) {
			a.GoAsm(x86.AADDQ, GoXReg(X0), GoReg(RAX))
		}, ErrGasm},
		{"golang-asm bad address", func(a *Assembler) {
			// golang-asm diagnoses this and emits a zero byte.
			a.GoAsm(x86.AMOVQ, obj.Addr{Type: obj.TYPE_MEM, Reg: x86.REG_AX, Index: x86.REG_SP, Scale: 1}, GoReg(RBX))
		}, ErrGasm},
		{"golang-asm panic", func(a *Assembler) { a.GoAsm(x86.AADDQ, GoReg(RAX), GoMem(RIP(1))) }, ErrGasm},
		{"golang-asm invalid register", func(a *Assembler) { a.GoAsm(x86.AADDQ, GoReg(RAX), GoReg(NoReg)) }, ErrGasm},
		{"golang-asm branch", func(a *Assembler) {
			a.GoAsm(obj.AJMP, obj.Addr{Type: obj.TYPE_BRANCH})
		}, ErrGasm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Assembler
			a.Nop(3)
			tc.emit(&a)
			emitted := a.Offset() - 3
			a.Ret()
			code, err := a.Bytes()
			var e *Error
			if !errors.Is(err, tc.want) || !errors.As(err, &e) || code != nil {
				t.Fatalf("got %v, % x; want %v and no code", err, code, tc.want)
			}
			if tc.want == ErrOperand || tc.want == ErrGasm {
				if e.Offset != 3 || emitted != 0 {
					t.Errorf("error at %#x after emitting %d bytes; want at 0x3, nothing emitted: %v", e.Offset, emitted, err)
				}
			}
			if !strings.HasPrefix(err.Error(), "amd64 asm: offset ") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestUnboundLabel(t *testing.T) {
	var a Assembler
	l := a.NewLabel()
	a.Jmp(l)
	if _, err := a.Bytes(); !errors.Is(err, ErrLabel) {
		t.Errorf("branch to an unbound label: %v, want ErrLabel", err)
	}
	a.Reset()
	base, target := a.NewLabel(), a.NewLabel()
	a.Bind(target)
	a.JumpTableEntry(target, base)
	if _, err := a.Bytes(); !errors.Is(err, ErrLabel) {
		t.Errorf("jump table with an unbound base: %v, want ErrLabel", err)
	}
}

// TestAfterBytes checks that Bytes ends the assembly: it is idempotent, and
// an instruction emitted afterwards is an error, not silently lost.
func TestAfterBytes(t *testing.T) {
	var a Assembler
	a.Ret()
	code1, err1 := a.Bytes()
	code2, err2 := a.Bytes()
	if err1 != nil || err2 != nil || string(code1) != "\xc3" || string(code2) != "\xc3" {
		t.Fatalf("Bytes twice: % x %v, % x %v", code1, err1, code2, err2)
	}
	a.Ret()
	if _, err := a.Bytes(); !errors.Is(err, ErrFinished) {
		t.Errorf("instruction after Bytes: %v, want ErrFinished", err)
	}
	a.Reset()
	a.Ud2()
	if code, err := a.Bytes(); err != nil || string(code) != "\x0f\x0b" {
		t.Errorf("after Reset: % x %v", code, err)
	}
}

// TestGasmSilent checks that golang-asm's diagnostics reach the error and
// not the standard output, where golang-asm's own Builder prints them.
func TestGasmSilent(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	var a Assembler
	a.GoAsm(x86.ALZCNTQ, GoImm(1), GoReg(RAX))
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if len(out) > 0 {
		t.Errorf("golang-asm printed %q", out)
	}
	if _, err := a.Bytes(); !errors.Is(err, ErrGasm) || !strings.Contains(err.Error(), "invalid instruction") {
		t.Errorf("got %v, want golang-asm's diagnostic", err)
	}
}
