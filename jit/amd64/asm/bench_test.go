package asm

import (
	"math/rand/v2"
	"testing"

	golangasm "github.com/twitchyliquid64/golang-asm"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// The benchmarks assemble one function of benchLen instructions in a mix
// like a baseline compiler's output (frame loads and stores, ALU with
// registers and immediates, compares and branches to labels, constants,
// LEA, shifts, SETcc, CMOV, multiplies, SSE, calls), with the direct encoder
// and with golang-asm, and report the CPU time of the benchmark's thread
// per instruction (cpu-ns/inst; ns/op is wall-clock time per function,
// which other load on a shared machine inflates):
//
//	go test -run NONE -bench . -benchmem ./jit/amd64/asm/

const benchLen = 1000

// benchInst is one instruction of the mix: a form with operands, or a
// branch to a label, or a label's binding. emit calls the Assembler's method
// for the form directly, as a compiler would.
type benchInst struct {
	f     *form
	o     operands
	emit  func(a *Assembler)
	kind  int // benchForm, benchJcc, benchBind, benchCall
	label int
}

const (
	benchForm = iota
	benchJcc
	benchBind
	benchCall
)

func formNamed(name string) *form {
	for i := range forms {
		if forms[i].name == name {
			return &forms[i]
		}
	}
	panic("no form " + name)
}

// benchMix returns the mix and its number of labels.
func benchMix() ([]benchInst, int) {
	rng := rand.New(rand.NewPCG(3, 4))
	reg := func() Reg { return allRegs[[]int{0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14}[rng.IntN(13)]] }
	xreg := func() XReg { return XReg(rng.IntN(16)) }
	frame := func() Mem { return Mem{Base: RBP, Disp: -8 * int32(1+rng.IntN(40))} }
	w := func() Width { return []Width{W32, W64}[rng.IntN(2)] }
	type choice struct {
		weight int
		make   func() benchInst
	}
	var mix []benchInst
	labels, bound := 0, 0
	inst := func(name string, o operands, emit func(a *Assembler)) benchInst {
		return benchInst{f: formNamed(name), o: o, emit: emit}
	}
	choices := []choice{
		{20, func() benchInst {
			w, r, m := w(), reg(), frame()
			return inst("MovRM", operands{w: w, r1: r, m: m}, func(a *Assembler) { a.MovRM(w, r, m) })
		}},
		{10, func() benchInst {
			w, r, m := w(), reg(), frame()
			return inst("MovMR", operands{w: w, r1: r, m: m}, func(a *Assembler) { a.MovMR(w, m, r) })
		}},
		{14, func() benchInst {
			op, w, r1, r2 := Arith(rng.IntN(8)), w(), reg(), reg()
			return inst("ArithRR", operands{op: int(op), w: w, r1: r1, r2: r2}, func(a *Assembler) { a.ArithRR(op, w, r1, r2) })
		}},
		{10, func() benchInst {
			op, w, r, imm := Arith(rng.IntN(8)), w(), reg(), int32(rng.IntN(2000)-1000)
			return inst("ArithRI", operands{op: int(op), w: w, r1: r, imm: int64(imm)}, func(a *Assembler) { a.ArithRI(op, w, r, imm) })
		}},
		{8, func() benchInst {
			r, imm := reg(), int64(rng.Uint32())-1<<20
			return inst("MovRI", operands{w: W64, r1: r, imm: imm}, func(a *Assembler) { a.MovRI(W64, r, imm) })
		}},
		{4, func() benchInst {
			r, m := reg(), Mem{Base: reg(), Index: R9, Scale: 8, Disp: 16}
			return inst("Lea", operands{w: W64, r1: r, m: m}, func(a *Assembler) { a.Lea(W64, r, m) })
		}},
		{3, func() benchInst {
			w, r, n := w(), reg(), uint8(rng.IntN(31))
			return inst("ShiftRI", operands{op: int(SHL), w: w, r1: r, imm: int64(n)}, func(a *Assembler) { a.ShiftRI(SHL, w, r, n) })
		}},
		{2, func() benchInst {
			r, cc := reg(), Cond(rng.IntN(16))
			return inst("Setcc", operands{r1: r, cc: cc}, func(a *Assembler) { a.Setcc(cc, r) })
		}},
		{2, func() benchInst {
			w, r1, r2, cc := w(), reg(), reg(), Cond(rng.IntN(16))
			return inst("CmovRR", operands{w: w, r1: r1, r2: r2, cc: cc}, func(a *Assembler) { a.CmovRR(cc, w, r1, r2) })
		}},
		{2, func() benchInst {
			w, r1, r2 := w(), reg(), reg()
			return inst("ImulRR", operands{w: w, r1: r1, r2: r2}, func(a *Assembler) { a.ImulRR(w, r1, r2) })
		}},
		{2, func() benchInst {
			r1, r2 := reg(), reg()
			return inst("MovzxRR", operands{w: W32, w2: W8, r1: r1, r2: r2}, func(a *Assembler) { a.MovzxRR(W32, W8, r1, r2) })
		}},
		{6, func() benchInst {
			op, x1, x2 := []XOp{ADDSD, MULSD, SUBSS, UCOMISD, MOVAPS}[rng.IntN(5)], xreg(), xreg()
			return inst("XX", operands{op: int(op), x1: x1, x2: x2}, func(a *Assembler) { a.XX(op, x1, x2) })
		}},
		{4, func() benchInst {
			op, x, m := []XOp{MOVSD, MOVSS, ADDSD}[rng.IntN(3)], xreg(), frame()
			return inst("XM", operands{op: int(op), x1: x, m: m}, func(a *Assembler) { a.XM(op, x, m) })
		}},
		{2, func() benchInst { return benchInst{kind: benchCall} }},
		{6, func() benchInst {
			// A compare, then a branch to a label bound shortly before or
			// after.
			w, r, imm := w(), reg(), int32(rng.IntN(100))
			return inst("ArithRI", operands{op: int(CMP), w: w, r1: r, imm: int64(imm)}, func(a *Assembler) { a.ArithRI(CMP, w, r, imm) })
		}},
	}
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	for len(mix) < benchLen {
		if rng.IntN(15) == 0 {
			mix = append(mix, benchInst{kind: benchBind, label: bound})
			bound++
			continue
		}
		n := rng.IntN(total)
		for _, c := range choices {
			if n -= c.weight; n < 0 {
				in := c.make()
				mix = append(mix, in)
				if in.f != nil && in.f.name == "ArithRI" && Arith(in.o.op) == CMP {
					l := max(bound+rng.IntN(5)-2, 0)
					mix = append(mix, benchInst{kind: benchJcc, label: l, o: operands{cc: Cond(rng.IntN(16))}})
					labels = max(labels, l+1)
				}
				break
			}
		}
	}
	for ; bound < labels; bound++ {
		mix = append(mix, benchInst{kind: benchBind, label: bound})
	}
	return mix, bound
}

// directInst is a benchInst reduced to what emitDirect needs, so that the
// loop over the mix stays small in the cache.
type directInst struct {
	emit  func(a *Assembler)
	kind  uint8
	cc    Cond
	label int32
}

func directMix(mix []benchInst) []directInst {
	out := make([]directInst, len(mix))
	for i, in := range mix {
		out[i] = directInst{emit: in.emit, kind: uint8(in.kind), cc: in.o.cc, label: int32(in.label)}
	}
	return out
}

// emitDirect assembles the mix with the Assembler.
func emitDirect(a *Assembler, mix []directInst, labels []Label) ([]byte, error) {
	a.Reset()
	for i := range labels {
		labels[i] = a.NewLabel()
	}
	for i := range mix {
		in := &mix[i]
		switch in.kind {
		case benchForm:
			in.emit(a)
		case benchJcc:
			a.Jcc(in.cc, labels[in.label])
		case benchBind:
			a.Bind(labels[in.label])
		case benchCall:
			a.CallReloc(i)
		}
	}
	return a.Bytes()
}

func BenchmarkDirect(b *testing.B) {
	bmix, nLabels := benchMix()
	mix := directMix(bmix)
	labels := make([]Label, nLabels)
	var a Assembler
	code, err := emitDirect(&a, mix, labels)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(code)))
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		_, _ = emitDirect(&a, mix, labels)
	}
	c.report(b, len(mix))
}

// BenchmarkDirectFresh is BenchmarkDirect with a new Assembler per
// function: the cost of growing its buffers every time.
func BenchmarkDirectFresh(b *testing.B) {
	bmix, nLabels := benchMix()
	mix := directMix(bmix)
	labels := make([]Label, nLabels)
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		var a Assembler
		if _, err := emitDirect(&a, mix, labels); err != nil {
			b.Fatal(err)
		}
	}
	c.report(b, len(mix))
}

// gasmMix converts the mix to golang-asm instructions: mnemonic and
// operands, or a branch or label marker.
type gasmInst struct {
	as    obj.As
	ops   []obj.Addr
	kind  int
	label int
}

func gasmMix(mix []benchInst) []gasmInst {
	out := make([]gasmInst, len(mix))
	for i, in := range mix {
		out[i] = gasmInst{kind: in.kind, label: in.label}
		switch in.kind {
		case benchForm:
			name, ops, _, _ := in.f.ref(in.o)
			out[i].as, out[i].ops = goAs[name], ops
		case benchJcc:
			out[i].as = goAs["J"+goCond[in.o.cc]]
		}
	}
	return out
}

// buildProgs appends the mix to a golang-asm instruction list through add,
// with branch targets resolved to the Progs that labels stand for.
func buildProgs(mix []gasmInst, nLabels int, newProg func() *obj.Prog, add func(*obj.Prog), sym *obj.LSym) {
	labels := make([]*obj.Prog, nLabels)
	var pending []*obj.Prog // branches whose label is bound later
	for _, in := range mix {
		p := newProg()
		switch in.kind {
		case benchForm:
			p.As = in.as
			switch n := len(in.ops); {
			case n == 1 && (x86.Linkamd64.UnaryDst[in.as] || in.as == obj.AJMP || in.as == obj.ACALL):
				p.To = in.ops[0]
			case n == 1:
				p.From = in.ops[0]
			case n >= 2:
				p.From, p.To = in.ops[0], in.ops[n-1]
				if n > 2 {
					p.RestArgs = in.ops[1 : n-1]
				}
			}
		case benchJcc:
			p.As = in.as
			p.To.Type = obj.TYPE_BRANCH
			p.To.Offset = int64(in.label)
			if t := labels[in.label]; t != nil {
				p.To.SetTarget(t)
			} else {
				pending = append(pending, p)
			}
		case benchBind:
			p.As = obj.ANOP
			labels[in.label] = p
		case benchCall:
			p.As = obj.ACALL
			p.To = obj.Addr{Type: obj.TYPE_MEM, Name: obj.NAME_EXTERN, Sym: sym}
		}
		add(p)
	}
	for _, p := range pending {
		p.To.SetTarget(labels[p.To.Offset])
	}
}

// BenchmarkGolangAsm assembles the mix with golang-asm through one context
// reused across functions, and Progs from a reused slice: golang-asm at its
// cheapest.
func BenchmarkGolangAsm(b *testing.B) {
	mix, nLabels := benchMix()
	gmix := gasmMix(mix)
	g := newGasm()
	sym := g.ctxt.Lookup("callee")
	progs := make([]obj.Prog, len(gmix))
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		n := 0
		var first, last *obj.Prog
		buildProgs(gmix, nLabels, func() *obj.Prog {
			p := &progs[n]
			*p = obj.Prog{Ctxt: g.ctxt}
			n++
			return p
		}, func(p *obj.Prog) {
			if first == nil {
				first = p
			} else {
				last.Link = p
			}
			last = p
		}, sym)
		s := &obj.LSym{Func: &obj.FuncInfo{Text: first}}
		x86.Linkamd64.Assemble(g.ctxt, s, g.ctxt.NewProg)
		if len(g.diags) > 0 {
			b.Fatal(g.diags)
		}
	}
	c.report(b, len(mix))
}

// BenchmarkGolangAsmBuilder assembles the mix with golang-asm's Builder,
// one per function, as a compiler using golang-asm directly would.
func BenchmarkGolangAsmBuilder(b *testing.B) {
	mix, nLabels := benchMix()
	gmix := gasmMix(mix)
	initGasm()
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		bl, err := golangasm.NewBuilder("amd64", len(gmix))
		if err != nil {
			b.Fatal(err)
		}
		sym := &obj.LSym{Name: "callee"}
		buildProgs(gmix, nLabels, bl.NewProg, bl.AddInstruction, sym)
		if len(bl.Assemble()) == 0 {
			b.Fatal("no code")
		}
	}
	c.report(b, len(mix))
}

// BenchmarkGoAsmCached measures the escape path when the encoding is in the
// cache, as it is for repeated register-only instructions.
func BenchmarkGoAsmCached(b *testing.B) {
	var a Assembler
	ops := []obj.Addr{GoImm(0x1B), GoXReg(X1), GoXReg(X0)}
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		a.Reset()
		for range 100 {
			a.GoAsm(x86.APSHUFD, ops...)
		}
	}
	c.report(b, 100)
}
