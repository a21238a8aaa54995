package asm

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

// This file is the escape path: any instruction the direct encoder does not
// cover is assembled by golang-asm, one instruction at a time, and appended
// to the buffer like any other. golang-asm is also the reference the tests
// compare the direct encoder with.
//
// golang-asm was written for a single-threaded command-line assembler, which
// shows in three places that this file works around:
//   - Its instruction tables (ycover, opindex, reg, regrex) are package
//     globals that the first assembly fills in without synchronization; a
//     second goroutine assembling meanwhile reads half-built tables. They are
//     built once here, under sync.Once, before any Assembler uses them.
//   - It reports an operand combination it cannot encode through the
//     context's DiagFunc (which Builder points at fmt.Printf) and still
//     returns bytes, with zeros where the instruction should be. Here every
//     diagnostic becomes an error of the Assembler.
//   - Some malformed operands make it panic; that becomes an error too.

var gasmOnce sync.Once

// initGasm builds golang-asm's global amd64 tables. Every path into
// golang-asm calls it first.
func initGasm() {
	gasmOnce.Do(func() {
		ctxt := newGasmLink()
		var diags []string
		ctxt.DiagFunc = func(format string, args ...any) {
			diags = append(diags, fmt.Sprintf(format, args...))
		}
		x86.Linkamd64.Init(ctxt)
		if len(diags) > 0 {
			// instinit only diagnoses inconsistencies in its own static
			// tables: a broken dependency, not a run-time condition.
			panic("asm: golang-asm amd64 tables: " + strings.Join(diags, "; "))
		}
	})
}

func newGasmLink() *obj.Link {
	ctxt := obj.Linknew(&x86.Linkamd64)
	ctxt.Headtype = objabi.Hlinux
	// IsAsm turns off the padding that golang-asm inserts to keep jumps off
	// 32-byte boundaries: it assembles one instruction at a time here, at
	// offset 0, so the padding would be computed for the wrong address.
	ctxt.IsAsm = true
	return ctxt
}

// gasm is one Assembler's golang-asm context, created at its first escape.
// A context is not safe for concurrent use, hence one per Assembler.
type gasm struct {
	ctxt  *obj.Link
	diags []string
}

func newGasm() *gasm {
	initGasm()
	g := &gasm{ctxt: newGasmLink()}
	g.ctxt.DiagFunc = func(format string, args ...any) {
		g.diags = append(g.diags, fmt.Sprintf(format, args...))
	}
	return g
}

// errGasm marks errors that golang-asm reported.
var errGasm = errors.New("golang-asm")

// assemble encodes one instruction. ops are in the order Go assembly writes
// them: sources first, destination last; a single operand is the destination
// for the instructions golang-asm lists as unary-destination (NEGQ AX) and the
// source otherwise (PUSHQ AX); JMP and CALL take theirs as the target, as Go
// assembly does.
func (g *gasm) assemble(as obj.As, ops []obj.Addr) ([]byte, error) {
	for i := range ops {
		switch {
		case ops[i].Type == obj.TYPE_BRANCH:
			return nil, fmt.Errorf("%w: %v: branch operands need Labels", errGasm, as)
		case ops[i].Sym != nil:
			return nil, fmt.Errorf("%w: %v: symbols cannot be resolved here", errGasm, as)
		}
	}
	code, relocs, err := g.assembleRelocs(as, ops)
	if err == nil && needsReloc(relocs) {
		err = fmt.Errorf("%w: %v: needs a relocation", errGasm, as)
	}
	return code, err
}

// assembleRelocs is assemble without the operand checks, returning
// golang-asm's relocations.
func (g *gasm) assembleRelocs(as obj.As, ops []obj.Addr) (code []byte, relocs []obj.Reloc, err error) {
	p := &obj.Prog{Ctxt: g.ctxt, As: as}
	switch n := len(ops); {
	case n == 1 && (x86.Linkamd64.UnaryDst[as] || as == obj.AJMP || as == obj.ACALL):
		p.To = ops[0]
	case n == 1:
		p.From = ops[0]
	case n >= 2:
		p.From = ops[0]
		p.To = ops[n-1]
		if n > 2 {
			p.RestArgs = append([]obj.Addr(nil), ops[1:n-1]...)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			code, relocs, err = nil, nil, fmt.Errorf("%w: %v: panic: %v", errGasm, p, r)
		}
	}()
	g.diags = g.diags[:0]
	s := &obj.LSym{Func: &obj.FuncInfo{Text: p}}
	x86.Linkamd64.Assemble(g.ctxt, s, g.ctxt.NewProg)
	switch {
	case len(g.diags) > 0:
		return nil, nil, fmt.Errorf("%w: %v: %s", errGasm, p, strings.Join(g.diags, "; "))
	case len(s.P) == 0:
		return nil, nil, fmt.Errorf("%w: %v: no bytes emitted", errGasm, p)
	}
	return s.P, s.R, nil
}

// needsReloc reports whether any relocation patches bytes: golang-asm also
// records size-0 markers (R_CALLIND on indirect calls) that change nothing.
func needsReloc(rs []obj.Reloc) bool {
	for _, r := range rs {
		if r.Siz > 0 {
			return true
		}
	}
	return false
}

// gasmKey identifies an instruction whose encoding depends on nothing but
// its operands' scalar fields, so that it can be cached across Assemblers:
// the opcode and operand count, then two words per operand. An array of
// words has no padding, which lets the map hash it as plain memory (a struct
// with padding is hashed field by field, several times slower).
type gasmKey [1 + 2*gasmKeyOps]uint64

const gasmKeyOps = 4

// gasmCacheMax bounds the cache so that a compiler that escapes with ever
// different immediates or displacements cannot grow it without limit.
const gasmCacheMax = 1 << 14

var (
	gasmCache     sync.Map // gasmKey -> []byte, never modified once stored
	gasmCacheSize atomic.Int32
)

// cacheKey returns the cache key of an instruction, or false when its
// encoding may depend on more than the key holds (symbols, branches,
// constants carried in Val, more operands than the key has room for).
func cacheKey(as obj.As, ops []obj.Addr) (gasmKey, bool) {
	var k gasmKey
	if len(ops) > gasmKeyOps {
		return k, false
	}
	k[0] = uint64(uint16(as)) | uint64(len(ops))<<16
	for i, o := range ops {
		if o.Sym != nil || o.Val != nil || o.Name != obj.NAME_NONE || o.Type == obj.TYPE_BRANCH {
			return k, false
		}
		// Name is NAME_NONE, as checked above.
		k[1+2*i] = uint64(uint16(o.Reg)) | uint64(uint16(o.Index))<<16 | uint64(uint16(o.Scale))<<32 |
			uint64(uint8(o.Type))<<48 | uint64(uint8(o.Class))<<56
		k[2+2*i] = uint64(o.Offset)
	}
	return k, true
}

// gasmEncode returns the encoding of one instruction, from the cache when
// possible; g is created on demand and stored through gp.
func gasmEncode(gp **gasm, as obj.As, ops []obj.Addr) ([]byte, error) {
	k, cacheable := cacheKey(as, ops)
	if cacheable {
		if code, ok := gasmCache.Load(k); ok {
			return code.([]byte), nil
		}
	}
	if *gp == nil {
		*gp = newGasm()
	}
	code, err := (*gp).assemble(as, ops)
	if err != nil {
		return nil, err
	}
	if cacheable && gasmCacheSize.Load() < gasmCacheMax {
		if _, loaded := gasmCache.LoadOrStore(k, code); !loaded {
			gasmCacheSize.Add(1)
		}
	}
	return code, nil
}

// GoAsm emits one instruction assembled by golang-asm: the escape for every
// instruction the direct encoder lacks. ops are obj.Addr operands in the
// order Go assembly writes them, sources first and destination last (see
// GoReg, GoXReg, GoMem and GoImm); an instruction with a single operand
// takes it as the destination where Go assembly does (NEGQ AX, JMP AX) and
// as the source otherwise (PUSHQ AX). Branches, symbols and RIP-relative operands
// are refused: use the Assembler's labels and relocations instead.
//
// golang-asm costs about a microsecond per instruction, so encodings are
// cached, across Assemblers, for instructions whose operands are only
// registers, constants and register-based memory.
func (a *Assembler) GoAsm(as obj.As, ops ...obj.Addr) {
	code, err := gasmEncode(&a.g, as, ops)
	if err != nil {
		a.fail(ErrGasm, "%v", err)
		return
	}
	if len(code) > maxInst {
		a.fail(ErrGasm, "%v: %d bytes for one instruction", as, len(code))
		return
	}
	b := a.room()
	a.commit(copy(b[:], code))
}

// GoReg returns the golang-asm operand for r.
func GoReg(r Reg) obj.Addr {
	if !r.valid() {
		return obj.Addr{Type: obj.TYPE_REG, Reg: -1}
	}
	return obj.Addr{Type: obj.TYPE_REG, Reg: x86.REG_AX + int16(r.num())}
}

// GoXReg returns the golang-asm operand for x.
func GoXReg(x XReg) obj.Addr {
	if !x.valid() {
		return obj.Addr{Type: obj.TYPE_REG, Reg: -1}
	}
	return obj.Addr{Type: obj.TYPE_REG, Reg: x86.REG_X0 + int16(x)}
}

// GoImm returns the golang-asm operand for the constant v.
func GoImm(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }

// GoMem returns the golang-asm operand for m. RIP-relative operands have
// none: golang-asm would need a symbol.
func GoMem(m Mem) obj.Addr {
	o := obj.Addr{Type: obj.TYPE_MEM, Offset: int64(m.Disp)}
	if m.rip != 0 {
		o.Reg = -1 // golang-asm rejects it
		return o
	}
	if m.Base != NoReg {
		o.Reg = GoReg(m.Base).Reg
	}
	if m.Index != NoReg {
		o.Index = GoReg(m.Index).Reg
		o.Scale = int16(max(m.Scale, 1))
	}
	return o
}
