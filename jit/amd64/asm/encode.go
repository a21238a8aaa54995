package asm

import "encoding/binary"

// This file is the encoder every directly encoded instruction goes through:
// an instruction is a table entry (prefix, opcode map, opcode byte) plus
// operands, and the functions below add the legacy prefixes, REX, ModRM,
// SIB, displacement and immediate.
//
// Layout of an encoded instruction:
//
//	[66] [F2|F3] [REX] [0F [38|3A]] opcode [ModRM [SIB] [disp8|disp32]] [imm]
//
// REX is 0100WRXB: W selects 64-bit operands, R extends ModRM.reg, X the SIB
// index, B ModRM.rm, the SIB base or the register in the opcode. A REX with
// no bit set still matters: in byte instructions it selects SPL, BPL, SIL
// and DIL instead of AH, CH, DH and BH for register numbers 4-7.

// Opcode maps.
const (
	map1    = iota // one-byte opcodes
	map0F          // 0F xx
	map0F38        // 0F 38 xx
	map0F3A        // 0F 3A xx
)

// opcode is the fixed part of an instruction form.
type opcode struct {
	pfx byte  // mandatory prefix: 0x66, 0xF2, 0xF3, or 0
	esc uint8 // opcode map
	op  byte
}

// eflags select the operand-size prefix, REX.W and byte-register handling.
type eflags uint8

const (
	eW       eflags = 1 << iota // REX.W: 64-bit operands
	e66                         // 66 prefix: 16-bit operands
	eRegByte                    // ModRM.reg (or the opcode's register) is a byte register
	eRMByte                     // ModRM.rm is a byte register
)

// sizeFlags returns the flags of operand width w for an instruction whose
// general-purpose register operands are all of that width.
func sizeFlags(w Width) eflags {
	switch w {
	case W8:
		return eRegByte | eRMByte
	case W16:
		return e66
	case W64:
		return eW
	}
	return 0
}

// extFlags are the flags of width w for forms whose ModRM.reg is an opcode
// extension rather than a register.
func extFlags(w Width) eflags { return sizeFlags(w) &^ eRegByte }

// memFlags are the flags of width w for forms with a memory operand and no
// register operand.
func memFlags(w Width) eflags { return sizeFlags(w) &^ (eRegByte | eRMByte) }

// escapes holds each opcode map's escape bytes, little-endian, with their
// count in the top byte.
var escapes = [4]uint32{
	map1:    0,
	map0F:   1<<24 | 0x0F,
	map0F38: 2<<24 | 0x380F,
	map0F3A: 2<<24 | 0x3A0F,
}

// head writes the prefixes, REX and opcode bytes and returns the next index.
// rex holds the R, X and B bits; W and the byte-register REX come from f and
// the register numbers reg and rm (use 0 for operands that are not byte
// registers).
func head(b *[maxInst]byte, f eflags, o opcode, rex byte, reg, rm uint8) int {
	i := 0
	if f&e66 != 0 {
		b[0] = 0x66
		i = 1
	}
	if o.pfx != 0 {
		b[i] = o.pfx
		i++
	}
	if f&eW != 0 {
		rex |= 8
	}
	if (f&eRegByte != 0 && reg-4 < 4) || (f&eRMByte != 0 && rm-4 < 4) {
		rex |= 0x40
	}
	if rex != 0 {
		b[i] = 0x40 | rex
		i++
	}
	// The escape and the opcode in one store: at most 3 of the 4 bytes
	// written belong to the instruction, the rest is overwritten next.
	e := escapes[o.esc&3]
	n := int(e >> 24)
	binary.LittleEndian.PutUint32(b[i:i+4], e&0xFFFF|uint32(o.op)<<(8*n))
	return i + n + 1
}

// putImm writes the n low bytes of v at b[i:] and returns the next index.
func putImm(b *[maxInst]byte, i int, v int64, n uint8) int {
	switch n {
	case 1:
		b[i] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b[i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b[i:], uint32(v))
	case 8:
		binary.LittleEndian.PutUint64(b[i:], uint64(v))
	}
	return i + int(n)
}

// rex bits.
func rexR(n uint8) byte { return (n >> 1) & 4 }
func rexX(n uint8) byte { return (n >> 2) & 2 }
func rexB(n uint8) byte { return (n >> 3) & 1 }

// encRR encodes a register-direct form: ModRM.reg = reg (a register or an
// opcode extension), ModRM.rm = rm, then an immediate of immLen bytes.
func (a *Assembler) encRR(f eflags, o opcode, reg, rm uint8, imm int64, immLen uint8) {
	b := a.room()
	i := head(b, f, o, rexR(reg)|rexB(rm), reg, rm)
	b[i] = 0xC0 | (reg&7)<<3 | rm&7
	a.commit(putImm(b, i+1, imm, immLen))
}

// encO encodes a form with the register in the opcode's low three bits
// (PUSH, POP, BSWAP, MOV r, imm, XCHG with the accumulator).
func (a *Assembler) encO(f eflags, o opcode, r uint8, imm int64, immLen uint8) {
	b := a.room()
	o.op |= r & 7
	a.commit(putImm(b, head(b, f, o, rexB(r), r, 0), imm, immLen))
}

// encM encodes a memory form: ModRM.reg = reg, ModRM.rm and SIB address m,
// then an immediate of immLen bytes. m is a pointer, and its fields are read
// one by one, because the operand does not fit in registers alongside the
// others: passed or copied by value, it was stored byte by byte and loaded
// back as a word, a store-forwarding stall that took most of MovRM's time.
func (a *Assembler) encM(f eflags, o opcode, reg uint8, m *Mem, imm int64, immLen uint8) {
	if !a.checkMem(m) {
		return
	}
	b := a.room()
	var rex byte = rexR(reg)
	if m.Index != NoReg {
		rex |= rexX(m.Index.num())
	}
	if m.Base != NoReg {
		rex |= rexB(m.Base.num())
	}
	i := head(b, f, o, rex, reg, 0)
	r := (reg & 7) << 3
	switch {
	case m.rip != 0:
		// mod 00, rm 101: disp32 from the end of the instruction.
		b[i] = r | 5
		at := len(a.buf) + i + 1
		binary.LittleEndian.PutUint32(b[i+1:], 0)
		i = putImm(b, i+5, imm, immLen)
		a.fixups = append(a.fixups, fixup{at: int32(at), end: int32(len(a.buf) + i), label: m.rip, kind: fixRel32})
		a.commit(i)
		return
	case m.Base == NoReg:
		// mod 00, rm 100, SIB base 101: [index*scale + disp32], or with no
		// index (SIB index 100) an absolute disp32.
		idx := uint8(4)
		if m.Index != NoReg {
			idx = m.Index.num() & 7
		}
		b[i], b[i+1] = r|4, scaleBits(m.Scale)|idx<<3|5
		binary.LittleEndian.PutUint32(b[i+2:], uint32(m.Disp))
		i += 6
	default:
		base := m.Base.num() & 7
		var mod, dispLen uint8
		switch {
		case m.Disp == 0 && base != 5:
			// RBP and R13 as a base with mod 00 would mean RIP or no
			// base: they take an explicit zero disp8.
		case m.Disp == int32(int8(m.Disp)):
			mod, dispLen = 0x40, 1
		default:
			mod, dispLen = 0x80, 4
		}
		if m.Index != NoReg || base == 4 {
			// RSP and R12 as a base need a SIB byte: rm 100 means SIB.
			idx := uint8(4)
			if m.Index != NoReg {
				idx = m.Index.num() & 7
			}
			b[i], b[i+1] = mod|r|4, scaleBits(m.Scale)|idx<<3|base
			i += 2
		} else {
			b[i] = mod | r | base
			i++
		}
		i = putImm(b, i, int64(m.Disp), dispLen)
	}
	a.commit(putImm(b, i, imm, immLen))
}

// scaleBits returns the SIB scale field for a valid scale (see checkMem).
func scaleBits(s uint8) uint8 {
	switch s {
	case 2:
		return 0x40
	case 4:
		return 0x80
	case 8:
		return 0xC0
	}
	return 0
}

// checkMem reports whether m can be encoded, recording an error if not.
func (a *Assembler) checkMem(m *Mem) bool {
	if m.rip == 0 && m.Index == NoReg && m.Base <= R15 {
		return true // the common case, inlined
	}
	return a.checkIndexMem(m)
}

// checkIndexMem is checkMem for operands with an index or a label.
func (a *Assembler) checkIndexMem(m *Mem) bool {
	switch {
	case m.rip != 0:
		if m.Base != NoReg || m.Index != NoReg || m.Disp != 0 {
			a.fail(ErrOperand, "RIP-relative operand with a base, index or displacement")
			return false
		}
		return a.checkLabel(m.rip)
	case m.Base != NoReg && !m.Base.valid():
		a.fail(ErrOperand, "memory operand %v: invalid base", *m)
		return false
	case m.Index == NoReg:
		return true
	case !m.Index.valid() || m.Index == RSP:
		a.fail(ErrOperand, "memory operand %v: invalid index", *m)
		return false
	}
	switch m.Scale {
	case 0, 1, 2, 4, 8:
		return true
	}
	a.fail(ErrOperand, "memory operand %v: scale %d", *m, m.Scale)
	return false
}
