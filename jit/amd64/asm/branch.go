package asm

import "encoding/binary"

// Branches, calls and relocations. The Assembler makes one pass: a branch
// to a bound label (backward) takes rel8 when the distance fits, else rel32;
// a branch to a label not yet bound (forward) takes rel32, patched by Bytes.
// Without a second pass there is no relaxation of forward branches; JmpShort
// and JccShort are the caller's promise that a forward target is near, which
// Bytes checks.

// Jmp jumps to l.
func (a *Assembler) Jmp(l Label) { a.branch(opcode{op: 0xEB}, opcode{op: 0xE9}, l, false) }

// Jcc jumps to l if c holds.
func (a *Assembler) Jcc(c Cond, l Label) {
	if a.cond(c) {
		a.branch(opcode{op: 0x70 | byte(c)}, opcode{esc: map0F, op: 0x80 | byte(c)}, l, false)
	}
}

// JmpShort jumps to l with a rel8 displacement: l must lie within -128 to
// +127 bytes of the end of the jump, or Bytes reports ErrShortBranch.
func (a *Assembler) JmpShort(l Label) { a.branch(opcode{op: 0xEB}, opcode{}, l, true) }

// JccShort is Jcc with a rel8 displacement, under the rule of JmpShort.
func (a *Assembler) JccShort(c Cond, l Label) {
	if a.cond(c) {
		a.branch(opcode{op: 0x70 | byte(c)}, opcode{}, l, true)
	}
}

// Call calls l, a label of this Assembler, with a rel32 displacement.
func (a *Assembler) Call(l Label) {
	a.branch(opcode{}, opcode{op: 0xE8}, l, false)
}

// branch emits a jump or call to l: short (op8, rel8) or near (op32,
// rel32); an empty opcode rules a form out.
func (a *Assembler) branch(op8, op32 opcode, l Label, short bool) {
	if !a.checkLabel(l) {
		return
	}
	at := len(a.buf)
	target := int(a.labels[l])
	if target >= 0 && op8.op != 0 && fitsInt8(int64(target-(at+2))) || short {
		b := a.room()
		i := head(b, 0, op8, 0, 0, 0)
		b[i] = byte(target - (at + 2))
		if target < 0 {
			a.fixups = append(a.fixups, fixup{at: int32(at + i), end: int32(at + i + 1), label: l, kind: fixRel8})
		} else if short && !fitsInt8(int64(target-(at+2))) {
			a.fail(ErrShortBranch, "short branch to label %d: distance %d", l, target-(at+2))
			return
		}
		a.commit(i + 1)
		return
	}
	b := a.room()
	i := head(b, 0, op32, 0, 0, 0)
	end := at + i + 4
	binary.LittleEndian.PutUint32(b[i:], uint32(target-end))
	if target < 0 {
		a.fixups = append(a.fixups, fixup{at: int32(at + i), end: int32(end), label: l, kind: fixRel32})
	}
	a.commit(i + 4)
}

// CallReloc calls the function the caller names target, whose address is
// known only once the code is placed: the rel32 field is left zero and
// listed by Relocs as a RelocRel32.
func (a *Assembler) CallReloc(target int) { a.relocRel32(0xE8, target) }

// JmpReloc jumps (a tail call) to target, as CallReloc calls it.
func (a *Assembler) JmpReloc(target int) { a.relocRel32(0xE9, target) }

func (a *Assembler) relocRel32(op byte, target int) {
	b := a.room()
	b[0] = op
	binary.LittleEndian.PutUint32(b[1:], 0)
	a.relocs = append(a.relocs, Reloc{Offset: len(a.buf) + 1, Kind: RelocRel32, Target: target})
	a.commit(5)
}

// MovReloc loads the absolute address of target into dst (MOVABS with a
// zero imm64 that Relocs lists as a RelocAbs64).
func (a *Assembler) MovReloc(dst Reg, target int) {
	if a.gp("MOVABS", W64, wAny, dst, dst) {
		a.relocs = append(a.relocs, Reloc{Offset: len(a.buf) + 2, Kind: RelocAbs64, Target: target})
		a.encO(eW, opcode{op: 0xB8}, dst.num(), 0, 8)
	}
}

// JmpR jumps to the address in r.
func (a *Assembler) JmpR(r Reg) {
	if a.gp("JMP", W64, wAny, r, r) {
		a.encRR(0, opcode{op: 0xFF}, 4, r.num(), 0, 0)
	}
}

// JmpM jumps to the address stored at m.
func (a *Assembler) JmpM(m Mem) { a.encM(0, opcode{op: 0xFF}, 4, &m, 0, 0) }

// CallR calls the address in r.
func (a *Assembler) CallR(r Reg) {
	if a.gp("CALL", W64, wAny, r, r) {
		a.encRR(0, opcode{op: 0xFF}, 2, r.num(), 0, 0)
	}
}

// CallM calls the address stored at m.
func (a *Assembler) CallM(m Mem) { a.encM(0, opcode{op: 0xFF}, 2, &m, 0, 0) }

// JumpTableEntry emits 4 bytes of data: the offset of target minus the
// offset of base, for a jump table that adds its entries to base's address
// (LEA of RIP(base), MOVSXD of the entry, ADD, JMP).
func (a *Assembler) JumpTableEntry(target, base Label) {
	if !a.checkLabel(target) || !a.checkLabel(base) {
		return
	}
	b := a.room()
	binary.LittleEndian.PutUint32(b[:], 0)
	a.fixups = append(a.fixups, fixup{at: int32(len(a.buf)), end: int32(base), label: target, kind: fixData32})
	a.commit(4)
}
