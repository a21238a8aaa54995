package wasmgen

import (
	"github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/wasm"
)

// Limits of nesting inside one function: expressions, and labels (the
// function's own included).
const (
	maxDepth  = 10
	maxLabels = 7
)

// label is an enclosing block, loop or if, or the function body.
type label struct {
	types   []slot // what a branch to it carries
	loop    bool
	counter uint32 // a loop's counter local
}

// local is a parameter or declared local. Reserved locals (loop counters,
// scratch for canonicalization) are never assigned by random code, and
// scratch ones never read: they hold values that are not canonicalized
// yet, whatever their class says.
type local struct {
	slot
	reserved, scratch bool
}

// fgen generates one function body. Its code is typed by construction:
// values pushes exactly the slots asked for, statements leave the operand
// stack as they find it, and every branch is preceded by the values its
// label takes.
type fgen struct {
	g       *gen
	src     *Source
	fn      *funcDef
	self    int
	b       []byte
	locals  []local
	labels  []label
	budget  int
	depth   int
	scratch map[wasm.ValueType]uint32
}

func (g *gen) funcBody(i int) {
	fn := g.funcs[i]
	f := &fgen{g: g, src: g.src, fn: fn, self: i, scratch: map[wasm.ValueType]uint32{}}
	f.budget = g.src.Range(g.cfg.Budget/4, g.cfg.Budget)
	for _, p := range fn.sig.params {
		// The host passes exact bits to entries.
		f.locals = append(f.locals, local{slot: mkSlot(p.t, p.exact || fn.entry)})
	}
	for range g.src.Pick(1, 3, 3, 2, 2) * 4 {
		f.newLocal(mkSlot(g.valType(), g.src.OneIn(2)), false)
	}
	if fn.entry {
		f.i32Const(uint64(g.cfg.Fuel))
		f.op(wasm.OpGlobalSet)
		f.u32(g.fuel)
	} else {
		f.fuelCheck()
	}
	f.labels = []label{{types: fn.sig.results}}
	f.body(nil, fn.sig.results)
	f.op(wasm.OpEnd)
	fn.body = f.b
}

// Emission.

func (f *fgen) op(o wasm.Opcode) {
	if o < 0x100 {
		f.b = append(f.b, byte(o))
	} else {
		f.b = append(f.b, byte(o>>8))
		f.b = append(f.b, wasmtest.ULEB(uint64(o&0xFF))...)
	}
	f.g.ops[o]++
	f.budget--
}

func (f *fgen) u32(v uint32) { f.b = append(f.b, wasmtest.ULEB(uint64(v))...) }

func (f *fgen) i32Const(v uint64) {
	f.g.ops[wasm.OpI32Const]++
	f.budget--
	f.b = constInstr(f.b, wasm.OpI32Const, v)
}

func (f *fgen) constOf(t wasm.ValueType, v uint64) {
	f.g.ops[constOp(t)]++
	f.budget--
	f.b = constInstr(f.b, constOp(t), v)
}

func (f *fgen) blockType(params, results []slot) {
	switch {
	case len(params) == 0 && len(results) == 0:
		f.b = append(f.b, 0x40)
	case len(params) == 0 && len(results) == 1:
		f.b = append(f.b, byte(results[0].t))
	default:
		_, idx := f.g.sigFor(types(params), types(results))
		f.b = append(f.b, wasmtest.SLEB(int64(idx))...)
	}
}

func (f *fgen) newLocal(s slot, reserved bool) uint32 {
	f.locals = append(f.locals, local{slot: s, reserved: reserved})
	f.fn.locals = append(f.fn.locals, s.t)
	return uint32(len(f.locals) - 1)
}

func (f *fgen) leafOnly() bool { return f.budget <= 0 || f.depth >= maxDepth }

func (f *fgen) depthOf(i int) uint32 { return uint32(len(f.labels) - 1 - i) }

// push and pop bracket code inside a new control frame.
func (f *fgen) push(l label) { f.labels = append(f.labels, l) }
func (f *fgen) pop()         { f.labels = f.labels[:len(f.labels)-1] }

// fuelCheck traps once the fuel is spent, and spends one unit.
func (f *fgen) fuelCheck() {
	fuel := f.g.fuel
	f.op(wasm.OpGlobalGet)
	f.u32(fuel)
	f.op(wasm.OpI32Eqz)
	f.op(wasm.OpIf)
	f.b = append(f.b, 0x40)
	f.op(wasm.OpUnreachable)
	f.op(wasm.OpEnd)
	f.op(wasm.OpGlobalGet)
	f.u32(fuel)
	f.i32Const(1)
	f.op(wasm.OpI32Sub)
	f.op(wasm.OpGlobalSet)
	f.u32(fuel)
}

// fuelGuard pushes whether the fuel is above a random threshold: calls
// that may close a cycle run only then, so recursion mostly ends having
// spent at most a quarter of the fuel, which leaves the rest for loops.
func (f *fgen) fuelGuard() {
	fuel := int(f.g.cfg.Fuel)
	f.op(wasm.OpGlobalGet)
	f.u32(f.g.fuel)
	f.i32Const(uint64(f.src.Range(fuel*3/4, fuel-fuel/16)))
	f.op(wasm.OpI32GtU)
}

// contCond decrements a loop's counter and pushes whether it is still
// positive; once it is not, it stays so, whichever back edge tests it.
func (f *fgen) contCond(counter uint32) {
	f.op(wasm.OpLocalGet)
	f.u32(counter)
	f.i32Const(1)
	f.op(wasm.OpI32Sub)
	f.op(wasm.OpLocalTee)
	f.u32(counter)
	f.i32Const(0)
	f.op(wasm.OpI32GtS)
}

// loopCond pushes the condition of a branch back to loop l: its counter's
// test, sometimes combined with a random condition.
func (f *fgen) loopCond(l label) {
	if f.src.OneIn(2) {
		f.contCond(l.counter)
		return
	}
	f.expr(mkSlot(wasm.I32, true))
	f.i32Const(0)
	f.contCond(l.counter)
	f.op(wasm.OpSelect)
}

// cond pushes the condition of a branch to label i.
func (f *fgen) cond(i int) {
	if f.labels[i].loop {
		f.loopCond(f.labels[i])
	} else {
		f.expr(mkSlot(wasm.I32, true))
	}
}

// canon replaces a NaN on top of the stack by the canonical NaN, making
// the value exact.
func (f *fgen) canon(t wasm.ValueType) {
	s := f.scratchLocal(t)
	f.op(wasm.OpLocalTee)
	f.u32(s)
	if t == wasm.F32 {
		f.constOf(t, 0x7FC00000)
	} else {
		f.constOf(t, 0x7FF8000000000000)
	}
	f.op(wasm.OpLocalGet)
	f.u32(s)
	f.op(wasm.OpLocalGet)
	f.u32(s)
	if t == wasm.F32 {
		f.op(wasm.OpF32Eq)
	} else {
		f.op(wasm.OpF64Eq)
	}
	f.op(wasm.OpSelect)
}

func (f *fgen) scratchLocal(t wasm.ValueType) uint32 {
	if s, ok := f.scratch[t]; ok {
		return s
	}
	s := f.newLocal(mkSlot(t, false), true)
	f.locals[s].scratch = true
	f.scratch[t] = s
	return s
}

// Bodies and control.

// body generates the code of a block whose stack starts with params and
// must end with results.
func (f *fgen) body(params, results []slot) {
	f.stmts()
	f.finish(params, results)
}

// finish ends a body whose stack holds have: it falls through with want,
// or branches away.
func (f *fgen) finish(have, want []slot) {
	switch f.src.Pick(14, 3, 1, 1, f.g.risk(1)) {
	case 0:
		f.shape(have, want)
		return
	case 1:
		i := f.nonLoopLabel()
		f.values(f.labels[i].types)
		f.op(wasm.OpBr)
		f.u32(f.depthOf(i))
	case 2:
		f.brTable()
	case 3:
		f.values(f.labels[0].types)
		f.op(wasm.OpReturn)
	case 4:
		f.op(wasm.OpUnreachable)
	}
	// Code after an unconditional branch is dead, but compiled.
	if f.src.OneIn(3) {
		f.stmt()
		f.values(want)
	}
}

func (f *fgen) nonLoopLabel() int {
	var cands []int
	for i, l := range f.labels {
		if !l.loop {
			cands = append(cands, i)
		}
	}
	return cands[f.src.Intn(len(cands))]
}

// brTable branches to one of labels of equal types; a loop among them
// (at most one) is reached only while its counter allows.
func (f *fgen) brTable() {
	def := f.nonLoopLabel()
	want := f.labels[def].types
	var targets []int
	loop := -1
	for range f.src.Range(0, 5) {
		i := f.src.Intn(len(f.labels))
		l := f.labels[i]
		if !sameTypes(l.types, want) || (l.loop && loop >= 0 && loop != i) {
			continue
		}
		if l.loop {
			loop = i
		}
		targets = append(targets, i)
	}
	vals := append([]slot(nil), want...)
	for _, i := range targets {
		for k, s := range f.labels[i].types {
			vals[k].exact = vals[k].exact || s.exact
		}
	}
	f.values(vals)
	switch f.src.Pick(2, 3, 1) {
	case 0:
		f.i32Const(uint64(f.src.Intn(len(targets) + 2)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(7)
		f.op(wasm.OpI32And)
	case 2:
		f.expr(mkSlot(wasm.I32, true))
	}
	if loop >= 0 {
		f.i32Const(uint64(len(targets)))
		f.contCond(f.labels[loop].counter)
		f.op(wasm.OpSelect)
	}
	f.op(wasm.OpBrTable)
	f.u32(uint32(len(targets)))
	for _, i := range targets {
		f.u32(f.depthOf(i))
	}
	f.u32(f.depthOf(def))
}

// shape turns the values have on the stack into want: it keeps a common
// prefix, folds or consumes the rest, and generates what is missing.
func (f *fgen) shape(have, want []slot) {
	k := 0
	for k < len(have) && k < len(want) && have[k].fits(want[k]) {
		k++
	}
	if k > 0 && f.src.OneIn(4) {
		k = f.src.Intn(k)
	}
	extra := append([]slot(nil), have[k:]...)
	for len(extra) >= 2 && f.src.OneIn(2) {
		a, b := extra[len(extra)-2], extra[len(extra)-1]
		ops := mergeOps[a.t]
		if a.t != b.t || ops == nil {
			break
		}
		f.op(ops[f.src.Intn(len(ops))])
		extra = extra[:len(extra)-1]
		extra[len(extra)-1] = mkSlot(a.t, false)
	}
	for len(extra) > 0 {
		top := extra[len(extra)-1]
		if len(extra) == 1 && k < len(want) && f.src.OneIn(2) && f.convert(top, want[k]) {
			k++
			break
		}
		f.consume(top)
		extra = extra[:len(extra)-1]
	}
	f.values(want[k:])
}

// convert turns the value on top of the stack, of class have, into one of
// class want with a unary instruction, if there is one.
func (f *fgen) convert(have, want slot) bool {
	if have.t.IsRef() {
		if want.t != wasm.I32 {
			return false
		}
		f.op(wasm.OpRefIsNull)
		return true
	}
	var cands []numOp
	for _, o := range opsByResult[want.t] {
		if len(o.in) == 1 && o.in[0] == have.t && o.kind != kindTrunc && (o.kind != kindReinterpret || have.exact) {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 {
		return false
	}
	o := cands[f.src.Intn(len(cands))]
	f.op(o.op)
	if want.exact && !resultExact(o, have.exact) {
		f.canon(want.t)
	}
	return true
}

// resultExact reports whether op gives an exact result from operands that
// are exact or not.
func resultExact(o numOp, operandsExact bool) bool {
	switch o.kind {
	case kindBits:
		return operandsExact
	case kindPlain:
		return o.out != wasm.F32 && o.out != wasm.F64
	}
	return true
}

// pick returns the index of a random element of xs that satisfies ok, or
// false if none does.
func pick[T any](src *Source, xs []T, ok func(T) bool) (uint32, bool) {
	var cands []uint32
	for i, x := range xs {
		if ok(x) {
			cands = append(cands, uint32(i))
		}
	}
	if len(cands) == 0 {
		return 0, false
	}
	return cands[src.Intn(len(cands))], true
}

// pickLocal picks a local that satisfies ok, never a scratch one.
func (f *fgen) pickLocal(ok func(local) bool) (uint32, bool) {
	return pick(f.src, f.locals, func(l local) bool { return !l.scratch && ok(l) })
}

// fitsAll reports whether values of classes have may stand where want is
// needed.
func fitsAll(have, want []slot) bool {
	if len(have) != len(want) {
		return false
	}
	for k := range want {
		if !have[k].fits(want[k]) {
			return false
		}
	}
	return true
}

// consume removes the value on top of the stack.
func (f *fgen) consume(s slot) {
	if f.src.OneIn(2) {
		if l, ok := f.pickLocal(func(l local) bool { return !l.reserved && s.fits(l.slot) }); ok {
			f.op(wasm.OpLocalSet)
			f.u32(l)
			return
		}
	}
	f.op(wasm.OpDrop)
}

func (f *fgen) consumeAll(ss []slot) {
	for i := len(ss) - 1; i >= 0; i-- {
		f.consume(ss[i])
	}
}

// randSlot returns a random slot.
func (f *fgen) randSlot() slot { return mkSlot(f.g.valType(), f.src.OneIn(2)) }

// randSlots returns up to max random slots.
func (f *fgen) randSlots(max int) []slot {
	ts := f.g.randTypes(max, true)
	ss := make([]slot, len(ts))
	for i, t := range ts {
		ss[i] = mkSlot(t, f.src.OneIn(2))
	}
	return ss
}

// blockParams chooses the parameters of a block that produces want.
func (f *fgen) blockParams(want []slot) []slot {
	switch f.src.Pick(5, 3, 2) {
	case 1:
		if len(want) > 0 {
			return want[:f.src.Range(1, len(want))]
		}
	case 2:
		return f.randSlots(2)
	}
	return nil
}

// values pushes values of the slots want.
func (f *fgen) values(want []slot) {
	if len(want) == 0 {
		return
	}
	if f.leafOnly() || len(f.labels) >= maxLabels {
		for _, s := range want {
			f.expr(s)
		}
		return
	}
	switch f.src.Pick(8, 3, 2, 3, 3, 2, 1) {
	case 0:
		for _, s := range want {
			f.expr(s)
		}
	case 1:
		f.block(want)
	case 2:
		f.loop(want)
	case 3:
		f.ifElse(want)
	case 4:
		if !f.call(want, false) {
			f.block(want)
		}
	case 5:
		if !f.indirect(want, false) {
			f.block(want)
		}
	case 6:
		f.brIfValues(want)
	}
}

func (f *fgen) block(want []slot) {
	params := f.blockParams(want)
	f.values(params)
	f.op(wasm.OpBlock)
	f.blockType(params, want)
	f.push(label{types: want})
	f.body(params, want)
	f.pop()
	f.op(wasm.OpEnd)
}

func (f *fgen) loop(want []slot) {
	params := f.blockParams(want)
	counter := f.newLocal(mkSlot(wasm.I32, true), true)
	f.i32Const(uint64(f.src.Pick(1, 6, 4, 3, 2, 0, 0, 0, 1)))
	f.op(wasm.OpLocalSet)
	f.u32(counter)
	f.values(params)
	f.op(wasm.OpLoop)
	f.blockType(params, want)
	f.push(label{types: params, loop: true, counter: counter})
	f.fuelCheck()
	f.stmts()
	if f.src.OneIn(4) {
		f.finish(params, want)
	} else {
		f.shape(params, nil)
		f.stmts()
		f.values(params)
		f.loopCond(f.labels[len(f.labels)-1])
		f.op(wasm.OpBrIf)
		f.u32(0)
		f.finish(params, want)
	}
	f.pop()
	f.op(wasm.OpEnd)
}

func (f *fgen) ifElse(want []slot) {
	params := f.blockParams(want)
	f.values(params)
	f.expr(mkSlot(wasm.I32, true))
	f.op(wasm.OpIf)
	f.blockType(params, want)
	f.push(label{types: want})
	f.body(params, want)
	if !fitsAll(params, want) || f.src.OneIn(2) {
		f.op(wasm.OpElse)
		f.body(params, want)
	}
	f.pop()
	f.op(wasm.OpEnd)
}

// brIfValues pushes want through a br_if to an enclosing label of the same
// types, not taken or taken.
func (f *fgen) brIfValues(want []slot) {
	var cands []int
	for i, l := range f.labels {
		if sameTypes(l.types, want) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		f.block(want)
		return
	}
	i := cands[f.src.Intn(len(cands))]
	vals := append([]slot(nil), want...)
	for k, s := range f.labels[i].types {
		vals[k].exact = vals[k].exact || s.exact
	}
	f.values(vals)
	f.cond(i)
	f.op(wasm.OpBrIf)
	f.u32(f.depthOf(i))
}

// guarded generates "if (fuel above a threshold) then call else
// fallback", or in hazardous modules sometimes the call alone; call pushes
// want (nil in statements).
func (f *fgen) guarded(want []slot, call func()) {
	if f.src.Pick(12, f.g.risk(1)) == 1 {
		call()
		return
	}
	f.fuelGuard()
	f.op(wasm.OpIf)
	f.blockType(nil, want)
	f.push(label{types: want})
	call()
	f.op(wasm.OpElse)
	f.values(want)
	f.pop()
	f.op(wasm.OpEnd)
}

// call calls a function whose results fit want, or in a statement any
// function, consuming its results; it reports whether there was one.
func (f *fgen) call(want []slot, stmt bool) bool {
	var cands []int
	for i := range f.g.internals {
		if stmt || fitsAll(f.g.funcs[i].sig.results, want) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return false
	}
	c := cands[f.src.Intn(len(cands))]
	callee := f.g.funcs[c]
	emit := func() {
		f.values(callee.sig.params)
		f.op(wasm.OpCall)
		f.u32(uint32(c))
		if stmt {
			f.consumeAll(callee.sig.results)
		}
	}
	// Calls that go down the function order cannot close a cycle.
	if f.fn.entry || c < f.self {
		emit()
	} else {
		f.guarded(want, emit)
	}
	return true
}

// indirect calls through a table, with results that fit want or, in a
// statement, any results, which it consumes; it reports whether it could.
// It mostly aims at an index where a segment put a function of the type
// (the type or a structural duplicate), and in unsafe modules otherwise
// anywhere: past the end, at a null, at a function of another type.
func (f *fgen) indirect(want []slot, stmt bool) bool {
	ti := f.src.Intn(len(f.g.tables))
	if f.g.tables[ti].elem != wasm.FuncRef || f.g.hazard == 0 {
		// Safe modules leave table 0 as its segments made it.
		ti = 0
	}
	typeIdx, index := -1, -1
	if f.src.Pick(f.g.risk(1), 3) == 1 {
		// Aim at an element of an active segment.
		var segs []elemDef
		for _, e := range f.g.elems {
			if e.mode == wasm.SegmentActive && e.table == uint32(ti) {
				segs = append(segs, e)
			}
		}
		if len(segs) > 0 {
			e := segs[f.src.Intn(len(segs))]
			k := f.src.Intn(len(e.funcs))
			if fi := e.funcs[k]; fi >= 0 {
				typeIdx, index = f.typeLike(f.g.funcs[fi].typeIdx), int(e.offset)+k
			}
		}
	}
	fits := func(t int) bool { return stmt || fitsAll(f.g.types[t].results, want) }
	if typeIdx < 0 || !fits(typeIdx) {
		if f.g.hazard == 0 {
			// Indices other than those of segments likely trap.
			return false
		}
		typeIdx, index = -1, -1
		var cands []int
		for t := range f.g.types {
			if fits(t) {
				cands = append(cands, t)
			}
		}
		if len(cands) == 0 {
			return false
		}
		typeIdx = cands[f.src.Intn(len(cands))]
	}
	s := f.g.types[typeIdx]
	f.guarded(want, func() {
		f.values(s.params)
		if index >= 0 {
			f.i32Const(uint64(index))
		} else {
			f.tableIndex(uint32(ti))
		}
		f.op(wasm.OpCallIndirect)
		f.u32(uint32(typeIdx))
		f.u32(uint32(ti))
		if stmt {
			f.consumeAll(s.results)
		}
	})
	return true
}

// typeLike returns a type index structurally equal to that of t: t itself
// or a duplicate.
func (f *fgen) typeLike(t uint32) int {
	var cands []int
	for i, s := range f.g.types {
		if s == f.g.types[t] {
			cands = append(cands, i)
		}
	}
	return cands[f.src.Intn(len(cands))]
}

// Statements: each leaves the operand stack as it found it.

func (f *fgen) stmts() {
	if f.budget <= 0 {
		return
	}
	for range f.src.Pick(2, 3, 3, 2, 2, 1) {
		f.stmt()
	}
}

func (f *fgen) stmt() {
	if f.leafOnly() {
		return
	}
	mem := 0
	if f.g.hasMem {
		mem = 1
	}
	nested, simd := 1, 0
	if len(f.labels) >= maxLabels {
		nested = 0
	}
	if f.g.cfg.SIMD {
		simd = 1
	}
	switch f.src.Pick(6, 2, 4*mem, 2, 3, 2, 3*nested, 2*nested, 3*nested, 2*mem, 3, 1, 3*mem, 3*simd) {
	case 0:
		if l, ok := f.pickLocal(func(l local) bool { return !l.reserved }); ok {
			f.expr(f.locals[l].slot)
			f.op(wasm.OpLocalSet)
			f.u32(l)
		}
	case 1:
		fuel := f.g.globals[f.g.fuel]
		if g, ok := pick(f.src, f.g.globals, func(g *globalDef) bool { return g.mutable && g != fuel }); ok {
			f.expr(f.g.globals[g].slot)
			f.op(wasm.OpGlobalSet)
			f.u32(g)
		}
	case 2:
		f.store()
	case 3:
		f.expr(f.randSlot())
		f.op(wasm.OpDrop)
	case 4:
		f.call(nil, true)
	case 5:
		f.indirect(nil, true)
	case 6:
		want := f.randSlots(2)
		switch f.src.Intn(3) {
		case 0:
			f.block(want)
		case 1:
			f.loop(want)
		case 2:
			f.ifElse(want)
		}
		f.consumeAll(want)
	case 7:
		i := f.src.Intn(len(f.labels))
		ts := f.labels[i].types
		f.values(ts)
		f.cond(i)
		f.op(wasm.OpBrIf)
		f.u32(f.depthOf(i))
		f.consumeAll(ts)
	case 8:
		// A conditional branch or return out of an if.
		i := f.src.Intn(len(f.labels))
		f.cond(i)
		f.op(wasm.OpIf)
		f.b = append(f.b, 0x40)
		f.push(label{})
		f.values(f.labels[i].types)
		if i == 0 && f.src.OneIn(2) {
			f.op(wasm.OpReturn)
		} else {
			f.op(wasm.OpBr)
			f.u32(f.depthOf(i))
		}
		f.pop()
		f.op(wasm.OpEnd)
	case 9:
		f.memoryGrowOrSize()
		f.op(wasm.OpDrop)
	case 10:
		f.tableStmt()
	case 11:
		f.op(wasm.OpNop)
	case 12:
		f.bulkMemory()
	case 13:
		f.simdStmt()
	}
}
