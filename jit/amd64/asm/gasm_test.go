package asm

import (
	"bytes"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// TestGoAsm checks the escape path on instructions the direct encoder does
// not cover, against encodings from the Intel manual, through a cold and a
// warm cache and from two Assemblers.
func TestGoAsm(t *testing.T) {
	for _, tc := range []struct {
		as   obj.As
		ops  []obj.Addr
		want []byte
	}{
		{x86.APSHUFD, []obj.Addr{GoImm(0x1B), GoXReg(X1), GoXReg(X0)}, []byte{0x66, 0x0F, 0x70, 0xC1, 0x1B}},
		{x86.AMFENCE, nil, []byte{0x0F, 0xAE, 0xF0}},
		{x86.APUSHQ, []obj.Addr{GoImm(0x100)}, []byte{0x68, 0x00, 0x01, 0x00, 0x00}},
		{x86.ACMPXCHGQ, []obj.Addr{GoReg(RCX), GoMem(Mem{Base: R8, Disp: 8})}, []byte{0x49, 0x0F, 0xB1, 0x48, 0x08}},
		{x86.ANEGQ, []obj.Addr{GoReg(R9)}, []byte{0x49, 0xF7, 0xD9}},
		{obj.AJMP, []obj.Addr{GoReg(RAX)}, []byte{0xFF, 0xE0}},
	} {
		for round := range 2 {
			var a Assembler
			a.Nop(1)
			a.GoAsm(tc.as, tc.ops...)
			code, err := a.Bytes()
			if err != nil {
				t.Fatalf("%v round %d: %v", tc.as, round, err)
			}
			if !bytes.Equal(code[1:], tc.want) {
				t.Errorf("%v round %d: % x, want % x", tc.as, round, code[1:], tc.want)
			}
		}
	}
}

// TestCacheKey checks that instructions that differ in any field the key
// holds get different keys, and that operands the key cannot hold are not
// cached.
func TestCacheKey(t *testing.T) {
	base := []obj.Addr{GoImm(5), GoReg(RAX)}
	variants := [][]obj.Addr{
		{GoImm(6), GoReg(RAX)},
		{GoImm(5), GoReg(RCX)},
		{{Type: obj.TYPE_MEM, Offset: 5}, GoReg(RAX)},
		{GoImm(5), GoMem(Mem{Base: RAX})},
		{GoImm(5), GoMem(Mem{Index: RAX, Scale: 1})},
		{GoImm(5), GoMem(Mem{Index: RAX, Scale: 2})},
		{GoImm(5)},
		{GoImm(5), GoReg(RAX), GoReg(RAX)},
	}
	k0, ok := cacheKey(x86.AADDQ, base)
	if !ok {
		t.Fatal("register and constant operands not cacheable")
	}
	if k, _ := cacheKey(x86.ASUBQ, base); k == k0 {
		t.Error("ADDQ and SUBQ share a key")
	}
	for _, v := range variants {
		if k, _ := cacheKey(x86.AADDQ, v); k == k0 {
			t.Errorf("%v and %v share a key", v, base)
		}
	}
	sym := &obj.LSym{Name: "x"}
	for _, ops := range [][]obj.Addr{
		{{Type: obj.TYPE_MEM, Name: obj.NAME_EXTERN, Sym: sym}, GoReg(RAX)},
		{{Type: obj.TYPE_FCONST, Val: 1.5}, GoXReg(X0)},
		{{Type: obj.TYPE_BRANCH}},
		{GoReg(RAX), GoReg(RAX), GoReg(RAX), GoReg(RAX), GoReg(RAX)},
	} {
		if _, ok := cacheKey(x86.AADDQ, ops); ok {
			t.Errorf("%v cacheable", ops)
		}
	}
}

// TestNoAllocs checks that an Assembler reused with Reset assembles a
// function without allocating: compile speed depends on it.
func TestNoAllocs(t *testing.T) {
	bmix, nLabels := benchMix()
	mix := directMix(bmix)
	labels := make([]Label, nLabels)
	var a Assembler
	if _, err := emitDirect(&a, mix, labels); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := emitDirect(&a, mix, labels); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per function", allocs)
	}
}
