package asm

import (
	"fmt"
	"strings"
)

// Reg is a general-purpose register. The zero Reg is NoReg, so that a Mem
// literal names only the registers it uses.
type Reg uint8

// The general-purpose registers. Byte-sized instructions address their low
// bytes (AL, CL, ..., SPL, BPL, SIL, DIL, R8B, ...); AH, CH, DH and BH are not
// reachable, which is what lets the encoder add the REX prefix that SPL..DIL
// need without checking for a conflict.
const (
	NoReg Reg = iota
	RAX
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

var regNames = [...]string{"NoReg", "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"}

func (r Reg) String() string {
	if int(r) < len(regNames) {
		return regNames[r]
	}
	return fmt.Sprintf("Reg(%d)", uint8(r))
}

// valid reports whether r is one of RAX..R15.
func (r Reg) valid() bool { return r-1 < 16 }

// num is the register's 4-bit hardware number.
func (r Reg) num() uint8 { return uint8(r-1) & 15 }

// XReg is an SSE register, X0 to X15.
type XReg uint8

// The SSE registers.
const (
	X0 XReg = iota
	X1
	X2
	X3
	X4
	X5
	X6
	X7
	X8
	X9
	X10
	X11
	X12
	X13
	X14
	X15
)

func (x XReg) String() string {
	if x < 16 {
		return fmt.Sprintf("X%d", uint8(x))
	}
	return fmt.Sprintf("XReg(%d)", uint8(x))
}

func (x XReg) valid() bool { return x < 16 }

// Width is an operand size in bytes.
type Width uint8

// The operand sizes.
const (
	W8  Width = 1
	W16 Width = 2
	W32 Width = 4
	W64 Width = 8
)

func (w Width) String() string {
	switch w {
	case W8, W16, W32, W64:
		return fmt.Sprintf("W%d", 8*int(w))
	}
	return fmt.Sprintf("Width(%d)", uint8(w))
}

// Cond is a condition code, numbered as the hardware numbers them in Jcc,
// SETcc and CMOVcc, so that its low bit negates it.
type Cond uint8

// The condition codes, named by Intel's mnemonics. After CMP a, b: the
// unsigned comparisons are CondB, CondAE, CondBE, CondA; the signed ones
// CondL, CondGE, CondLE, CondG. After UCOMISS/UCOMISD, CondP means unordered.
const (
	CondO  Cond = iota // overflow
	CondNO             // no overflow
	CondB              // below (unsigned <), carry set
	CondAE             // above or equal (unsigned >=), carry clear
	CondE              // equal, zero
	CondNE             // not equal, not zero
	CondBE             // below or equal (unsigned <=)
	CondA              // above (unsigned >)
	CondS              // sign
	CondNS             // no sign
	CondP              // parity (unordered after UCOMISx)
	CondNP             // no parity
	CondL              // less (signed <)
	CondGE             // greater or equal (signed >=)
	CondLE             // less or equal (signed <=)
	CondG              // greater (signed >)
)

var condNames = [...]string{"O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"}

func (c Cond) String() string {
	if c < 16 {
		return "Cond" + condNames[c]
	}
	return fmt.Sprintf("Cond(%d)", uint8(c))
}

// Not returns the negated condition.
func (c Cond) Not() Cond { return c ^ 1 }

// Mem is a memory operand: Base + Index*Scale + Disp, or a RIP-relative
// reference to a Label or a pool constant (see RIP and Assembler.Const64).
// Base and Index are optional (NoReg); Index cannot be RSP. Scale is 1, 2, 4
// or 8; 0 means 1.
type Mem struct {
	Base  Reg
	Index Reg
	Scale uint8
	Disp  int32
	// rip is the Label addressed relative to the instruction pointer, zero
	// for a register-based address.
	rip Label
}

// RIP returns the RIP-relative memory operand that addresses label l.
func RIP(l Label) Mem { return Mem{rip: l} }

func (m Mem) String() string {
	if m.rip != 0 {
		return fmt.Sprintf("[rip+L%d]", int32(m.rip))
	}
	var s strings.Builder
	s.WriteByte('[')
	if m.Base != NoReg {
		s.WriteString(m.Base.String())
	}
	if m.Index != NoReg {
		if m.Base != NoReg {
			s.WriteByte('+')
		}
		fmt.Fprintf(&s, "%v*%d", m.Index, max(m.Scale, 1))
	}
	if m.Disp != 0 || (m.Base == NoReg && m.Index == NoReg) {
		fmt.Fprintf(&s, "%+d", m.Disp)
	}
	s.WriteByte(']')
	return s.String()
}
