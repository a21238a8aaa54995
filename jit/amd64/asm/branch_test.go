package asm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

// decodeBranch decodes the JMP, Jcc or CALL with a relative displacement at
// code[at:] and returns its target offset and its length.
func decodeBranch(t *testing.T, code []byte, at int) (target, size int) {
	t.Helper()
	b := code[at:]
	switch {
	case b[0] == 0xEB || b[0]&0xF0 == 0x70:
		return at + 2 + int(int8(b[1])), 2
	case b[0] == 0xE9 || b[0] == 0xE8:
		return at + 5 + int(int32(binary.LittleEndian.Uint32(b[1:]))), 5
	case b[0] == 0x0F && b[1]&0xF0 == 0x80:
		return at + 6 + int(int32(binary.LittleEndian.Uint32(b[2:]))), 6
	}
	t.Fatalf("no branch at %#x: % x", at, b[:min(len(b), 8)])
	return 0, 0
}

func mustBytes(t *testing.T, a *Assembler) []byte {
	t.Helper()
	code, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestBackwardBranchBoundary checks that a backward branch takes rel8 up to
// a displacement of -128 and rel32 from -129 on, for JMP and Jcc.
func TestBackwardBranchBoundary(t *testing.T) {
	for _, tc := range []struct {
		name  string
		emit  func(a *Assembler, l Label)
		short []byte // opcode of the rel8 form
		near  []byte // opcode of the rel32 form
	}{
		{"Jmp", func(a *Assembler, l Label) { a.Jmp(l) }, []byte{0xEB}, []byte{0xE9}},
		{"Jcc", func(a *Assembler, l Label) { a.Jcc(CondNE, l) }, []byte{0x75}, []byte{0x0F, 0x85}},
	} {
		for _, gap := range []int{0, 1, 125, 126, 127, 128, 1000} {
			var a Assembler
			l := a.NewLabel()
			a.Bind(l)
			a.Nop(gap)
			tc.emit(&a, l)
			code := mustBytes(t, &a)
			// From the end of a 2-byte branch, the label is gap+2 back.
			wantShort := gap+2 <= 128
			op := tc.near
			if wantShort {
				op = tc.short
			}
			if !bytes.HasPrefix(code[gap:], op) {
				t.Errorf("%s back over %d bytes: % x, want opcode % x", tc.name, gap, code[gap:], op)
				continue
			}
			if target, _ := decodeBranch(t, code, gap); target != 0 {
				t.Errorf("%s back over %d bytes: target %#x, want 0", tc.name, gap, target)
			}
		}
	}
}

// TestForwardBranch checks that forward branches take rel32 whatever the
// distance and land on the label.
func TestForwardBranch(t *testing.T) {
	for _, gap := range []int{0, 1, 127, 128, 129, 100000} {
		var a Assembler
		l := a.NewLabel()
		a.Jmp(l)
		a.Jcc(CondL, l)
		a.Call(l)
		a.Nop(gap)
		a.Bind(l)
		a.Ret()
		code := mustBytes(t, &a)
		at := 0
		for _, op := range [][]byte{{0xE9}, {0x0F, 0x8C}, {0xE8}} {
			if !bytes.HasPrefix(code[at:], op) {
				t.Fatalf("gap %d: at %#x: % x, want opcode % x", gap, at, code[at:at+6], op)
			}
			target, size := decodeBranch(t, code, at)
			if want := 16 + gap; target != want {
				t.Errorf("gap %d: branch at %#x goes to %#x, want %#x", gap, at, target, want)
			}
			at += size
		}
	}
}

// TestShortBranch checks JmpShort and JccShort at the edges of rel8, both
// directions, and that out-of-range ones are errors, not wrapped bytes.
func TestShortBranch(t *testing.T) {
	for _, tc := range []struct {
		gap     int
		forward bool
		ok      bool
	}{
		{127, true, true}, {128, true, false},
		{126, false, true}, {127, false, false}, // back: the 2-byte branch adds its own length
	} {
		for _, jcc := range []bool{false, true} {
			var a Assembler
			l := a.NewLabel()
			emit := func() {
				if jcc {
					a.JccShort(CondB, l)
				} else {
					a.JmpShort(l)
				}
			}
			at := 0
			if tc.forward {
				emit()
				a.Nop(tc.gap)
				a.Bind(l)
			} else {
				a.Bind(l)
				a.Nop(tc.gap)
				at = a.Offset()
				emit()
			}
			code, err := a.Bytes()
			if !tc.ok {
				if !errors.Is(err, ErrShortBranch) || code != nil {
					t.Errorf("gap %d forward %v jcc %v: got %v, % x; want ErrShortBranch", tc.gap, tc.forward, jcc, err, code)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tc.gap + 2
			if !tc.forward {
				want = 0
			}
			if target, size := decodeBranch(t, code, at); target != want || size != 2 {
				t.Errorf("gap %d forward %v jcc %v: target %#x size %d, want %#x size 2", tc.gap, tc.forward, jcc, target, size, want)
			}
		}
	}
}

// TestManyLabels emits thousands of branches to random labels, some bound
// before and some after, with code of random length between, and checks
// that every branch lands on its label.
func TestManyLabels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a Assembler
	const n = 5000
	labels := make([]Label, n)
	for i := range labels {
		labels[i] = a.NewLabel()
	}
	type ref struct {
		at int
		l  Label
	}
	var refs []ref
	bound := 0
	for bound < n {
		switch rng.IntN(4) {
		case 0:
			a.Bind(labels[bound])
			bound++
		case 1:
			a.Nop(rng.IntN(40))
		default:
			// Half the branches go to a label near the current position.
			i := rng.IntN(n)
			if rng.IntN(2) == 0 {
				i = min(max(bound+rng.IntN(9)-4, 0), n-1)
			}
			l := labels[i]
			refs = append(refs, ref{a.Offset(), l})
			switch rng.IntN(3) {
			case 0:
				a.Jmp(l)
			case 1:
				a.Jcc(Cond(rng.IntN(16)), l)
			case 2:
				a.Call(l)
			}
		}
	}
	code := mustBytes(t, &a)
	shorts := 0
	for _, r := range refs {
		want, _ := a.LabelOffset(r.l)
		target, size := decodeBranch(t, code, r.at)
		if target != want {
			t.Fatalf("branch at %#x to label %d: target %#x, want %#x", r.at, r.l, target, want)
		}
		if size == 2 {
			shorts++
		}
	}
	if shorts == 0 {
		t.Error("no branch took rel8")
	}
	t.Logf("%d branches, %d rel8, %d bytes", len(refs), shorts, len(code))
}

func TestJumpTable(t *testing.T) {
	var a Assembler
	table, l1, l2 := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Bind(l1)
	a.Nop(10)
	a.Bind(table)
	a.JumpTableEntry(l1, table)
	a.JumpTableEntry(l2, table)
	a.Nop(3)
	a.Bind(l2)
	code := mustBytes(t, &a)
	got := []int32{int32(binary.LittleEndian.Uint32(code[10:])), int32(binary.LittleEndian.Uint32(code[14:]))}
	if got[0] != -10 || got[1] != 11 {
		t.Errorf("entries %v, want [-10 11]", got)
	}
}

func TestRelocs(t *testing.T) {
	var a Assembler
	a.Nop(3)
	a.CallReloc(7)
	a.JmpReloc(8)
	a.MovReloc(R11, 9)
	code := mustBytes(t, &a)
	want := []Reloc{{4, RelocRel32, 7}, {9, RelocRel32, 8}, {15, RelocAbs64, 9}}
	rs := a.Relocs()
	if len(rs) != len(want) {
		t.Fatalf("relocs %v, want %v", rs, want)
	}
	for i := range want {
		if rs[i] != want[i] {
			t.Errorf("reloc %d: %+v, want %+v", i, rs[i], want[i])
		}
	}
	if !bytes.Equal(code[3:4], []byte{0xE8}) || !bytes.Equal(code[8:9], []byte{0xE9}) || !bytes.Equal(code[13:15], []byte{0x49, 0xBB}) {
		t.Errorf("code % x", code)
	}
	const base = 0x10000
	if err := rs[0].Apply(code, base, base+0x1000); err != nil {
		t.Fatal(err)
	}
	if err := rs[1].Apply(code, base, base-0x20); err != nil {
		t.Fatal(err)
	}
	if err := rs[2].Apply(code, base, 0x1122334455667788); err != nil {
		t.Fatal(err)
	}
	if target, _ := decodeBranch(t, code, 3); target != 0x1000 {
		t.Errorf("call target %#x, want 0x1000", target)
	}
	if target, _ := decodeBranch(t, code, 8); target != -0x20 {
		t.Errorf("jmp target %#x, want -0x20", target)
	}
	if v := binary.LittleEndian.Uint64(code[15:]); v != 0x1122334455667788 {
		t.Errorf("movabs %#x", v)
	}
	if err := rs[0].Apply(code, base, base+1<<40); err == nil {
		t.Error("rel32 relocation beyond 2 GiB applied")
	}
	if err := (Reloc{Offset: len(code) - 2, Kind: RelocRel32}).Apply(code, 0, 0); err == nil {
		t.Error("relocation past the end applied")
	}
}

// TestConstPool checks that pooled constants are deduplicated, aligned to
// their size and addressed by the RIP-relative displacements that refer to
// them.
func TestConstPool(t *testing.T) {
	var a Assembler
	type use struct {
		disp, end int // offsets of the displacement and of the instruction's end
		size      int
		want      []byte
	}
	var uses []use
	load := func(m Mem, size int, want []byte, imm bool) {
		if imm {
			a.XMI(ROUNDSD, X3, m, RoundFloor)
		} else {
			a.XM(MOVSD, X3, m)
		}
		end := a.Offset()
		disp := end - 4
		if imm {
			disp-- // the imm8 follows the displacement
		}
		uses = append(uses, use{disp, end, size, want})
	}
	load(a.ConstF64(1.5), 8, []byte{0, 0, 0, 0, 0, 0, 0xF8, 0x3F}, false)
	load(a.Const32(0xDEADBEEF), 4, []byte{0xEF, 0xBE, 0xAD, 0xDE}, true)
	load(a.Const128(0x0706050403020100, 0x0F0E0D0C0B0A0908), 16, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, false)
	load(a.ConstF64(1.5), 8, []byte{0, 0, 0, 0, 0, 0, 0xF8, 0x3F}, true)
	load(a.ConstF32(-2), 4, []byte{0, 0, 0, 0xC0}, false)
	codeLen := a.Offset()
	code := mustBytes(t, &a)
	if want := (codeLen+15)&^15 + 16 + 8 + 4 + 4; len(code) != want {
		t.Errorf("%d bytes with the pool, want %d (deduplicated)", len(code), want)
	}
	for _, pad := range code[codeLen : (codeLen+15)&^15] {
		if pad != 0xCC {
			t.Errorf("padding % x, want INT3", code[codeLen:])
			break
		}
	}
	for i, u := range uses {
		at := u.end + int(int32(binary.LittleEndian.Uint32(code[u.disp:])))
		if at%u.size != 0 || at < codeLen {
			t.Errorf("use %d: constant at %#x, misaligned or inside the code", i, at)
		}
		if got := code[at : at+u.size]; !bytes.Equal(got, u.want) {
			t.Errorf("use %d: constant % x, want % x", i, got, u.want)
		}
	}
}

func TestAlign(t *testing.T) {
	for start := range 40 {
		var a Assembler
		a.Nop(start)
		if a.Offset() != start {
			t.Fatalf("Nop(%d) emitted %d bytes", start, a.Offset())
		}
		a.Align(16)
		code := mustBytes(t, &a)
		if len(code)%16 != 0 || len(code)-start >= 16 {
			t.Errorf("Align(16) after %d bytes: %d bytes", start, len(code))
		}
		// Every byte must belong to one of the recommended NOPs.
		for i := 0; i < len(code); {
			n := 0
			for k := len(nops) - 1; k > 0; k-- {
				if bytes.HasPrefix(code[i:], []byte(nops[k])) {
					n = k
					break
				}
			}
			if n == 0 {
				t.Fatalf("not a NOP at %d: % x", i, code[i:])
			}
			i += n
		}
	}
}
