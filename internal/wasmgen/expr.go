package wasmgen

import (
	"github.com/terra-runtime/terra/wasm"
)

// expr pushes one value of slot s.
func (f *fgen) expr(s slot) {
	if f.leafOnly() {
		f.leaf(s)
		return
	}
	f.depth++
	defer func() { f.depth-- }()
	switch s.t {
	case wasm.FuncRef, wasm.ExternRef:
		f.refExpr(s)
	case wasm.V128:
		f.v128Expr(s)
	default:
		f.numExpr(s)
	}
}

// leaf pushes a value with a single instruction: a local, a global or a
// constant.
func (f *fgen) leaf(s slot) {
	switch f.src.Pick(3, 4, 1) {
	case 1:
		if l, ok := f.pickLocal(func(l local) bool { return l.fits(s) }); ok {
			f.op(wasm.OpLocalGet)
			f.u32(l)
			return
		}
	case 2:
		if g, ok := pick(f.src, f.g.globals, func(g *globalDef) bool { return g.fits(s) }); ok {
			f.op(wasm.OpGlobalGet)
			f.u32(g)
			return
		}
	}
	f.constant(s.t)
}

func (f *fgen) constant(t wasm.ValueType) {
	switch t {
	case wasm.FuncRef:
		if f.src.OneIn(2) {
			f.op(wasm.OpRefFunc)
			f.u32(uint32(f.src.Intn(f.g.internals)))
			return
		}
		f.op(wasm.OpRefNull)
		f.b = append(f.b, byte(t))
	case wasm.ExternRef:
		f.op(wasm.OpRefNull)
		f.b = append(f.b, byte(t))
	case wasm.V128:
		f.v128Const()
	default:
		f.constOf(t, Value(f.src, t))
	}
}

func (f *fgen) numExpr(s slot) {
	mem, i32 := 0, 0
	if f.g.hasMem {
		mem = 1
	}
	if s.t == wasm.I32 {
		i32 = 1
	}
	simd := 0
	if f.g.cfg.SIMD {
		simd = 1
	}
	switch f.src.Pick(3, 12, 3*mem, 2, 1, 3, 1, 3*i32, simd) {
	case 0:
		f.leaf(s)
	case 1:
		f.numOp(s)
	case 2:
		f.load(s)
	case 3:
		f.selectExpr(s)
	case 4:
		f.teeExpr(s)
	case 5:
		f.values([]slot{s})
	case 6:
		f.wide(s)
	case 7:
		f.i32Special()
	case 8:
		f.extractLane(s)
	}
}

// numOp applies a numeric instruction with result type s.t.
func (f *fgen) numOp(s slot) {
	ops := opsByResult[s.t]
	o := ops[f.src.Intn(len(ops))]
	exact := true
	switch o.kind {
	case kindDivide:
		f.expr(mkSlot(o.in[0], true))
		if f.src.Pick(8, f.g.risk(1)) == 1 {
			f.expr(mkSlot(o.in[1], true))
		} else {
			f.safeDivisor(o.in[1])
		}
	case kindTrunc:
		if f.src.Pick(6, f.g.risk(1)) == 1 {
			f.expr(mkSlot(o.in[0], false))
		} else {
			f.safeTruncOperand(o.in[0])
		}
	case kindReinterpret:
		f.expr(mkSlot(o.in[0], true))
	case kindBits:
		f.expr(mkSlot(o.in[0], s.exact))
		if len(o.in) == 2 {
			// Copysign's sign reaches non-NaN results: it must be exact.
			f.expr(mkSlot(o.in[1], true))
		}
		exact = s.exact
	default:
		for _, t := range o.in {
			f.expr(mkSlot(t, false))
		}
		exact = resultExact(o, false)
	}
	f.op(o.op)
	if s.exact && !exact {
		f.canon(s.t)
	}
}

// safeDivisor pushes a positive, non-zero divisor.
func (f *fgen) safeDivisor(t wasm.ValueType) {
	f.expr(mkSlot(t, true))
	if t == wasm.I32 {
		f.i32Const(0x7FFF)
		f.op(wasm.OpI32And)
		f.i32Const(1)
		f.op(wasm.OpI32Or)
		return
	}
	f.constOf(wasm.I64, 0x7FFF)
	f.op(wasm.OpI64And)
	f.constOf(wasm.I64, 1)
	f.op(wasm.OpI64Or)
}

// safeTruncOperand pushes a float that every truncation to an integer
// takes: a small integer plus a fraction above -1.
func (f *fgen) safeTruncOperand(t wasm.ValueType) {
	f.expr(mkSlot(wasm.I32, true))
	f.i32Const(0xFFFFFF)
	f.op(wasm.OpI32And)
	fracs := []float64{0.5, 0.25, 0.75, -0.5, -0.75, 0.999}
	if t == wasm.F32 {
		f.op(wasm.OpF32ConvertI32S)
		if f.src.OneIn(2) {
			f.constOf(t, uint64(f32bits(float32(fracs[f.src.Intn(len(fracs))]))))
			f.op(wasm.OpF32Add)
		}
		return
	}
	f.op(wasm.OpF64ConvertI32S)
	if f.src.OneIn(2) {
		f.constOf(t, f64bits(fracs[f.src.Intn(len(fracs))]))
		f.op(wasm.OpF64Add)
	}
}

func (f *fgen) selectExpr(s slot) {
	f.expr(s)
	f.expr(s)
	f.expr(mkSlot(wasm.I32, true))
	if s.t.IsRef() || f.src.OneIn(3) {
		f.op(wasm.OpSelectT)
		f.b = append(f.b, 1, byte(s.t))
		return
	}
	f.op(wasm.OpSelect)
}

// teeExpr assigns a value to a local and keeps it.
func (f *fgen) teeExpr(s slot) {
	l, ok := f.pickLocal(func(l local) bool { return !l.reserved && l.t == s.t })
	if !ok {
		f.leaf(s)
		return
	}
	f.expr(mkSlot(s.t, s.exact || f.locals[l].exact))
	f.op(wasm.OpLocalTee)
	f.u32(l)
}

// wide pushes several values before folding them, so that many are live
// at once.
func (f *fgen) wide(s slot) {
	ops := mergeOps[s.t]
	n := f.src.Range(3, 10)
	for range n {
		f.expr(mkSlot(s.t, false))
	}
	for range n - 1 {
		f.op(ops[f.src.Intn(len(ops))])
	}
	if s.exact && (s.t == wasm.F32 || s.t == wasm.F64) {
		f.canon(s.t)
	}
}

// i32Special pushes an i32 from memory, table or reference instructions.
func (f *fgen) i32Special() {
	switch f.src.Intn(4) {
	case 0:
		if f.g.hasMem {
			f.memoryGrowOrSize()
			return
		}
		f.i32Const(0)
	case 1:
		t := uint32(f.src.Intn(len(f.g.tables)))
		f.op(wasm.OpTableSize)
		f.u32(t)
	case 2:
		t := uint32(f.src.Intn(len(f.g.tables)))
		f.expr(mkSlot(f.g.tables[t].elem, true))
		f.tableLen()
		f.op(wasm.OpTableGrow)
		f.u32(t)
	case 3:
		f.expr(mkSlot([]wasm.ValueType{wasm.FuncRef, wasm.ExternRef}[f.src.Intn(2)], true))
		f.op(wasm.OpRefIsNull)
	}
}

func (f *fgen) refExpr(s slot) {
	var tables []uint32
	for i, t := range f.g.tables {
		if t.elem == s.t {
			tables = append(tables, uint32(i))
		}
	}
	switch f.src.Pick(3, 3, 1, 1) {
	case 0:
		f.leaf(s)
	case 1:
		if len(tables) == 0 {
			f.constant(s.t)
			return
		}
		t := tables[f.src.Intn(len(tables))]
		f.tableIndex(t)
		f.op(wasm.OpTableGet)
		f.u32(t)
	case 2:
		f.selectExpr(s)
	case 3:
		f.values([]slot{s})
	}
}

// Memory.

// memarg writes an alignment up to natural and an offset, mostly small.
func (f *fgen) memarg(natural uint32) {
	f.u32(uint32(f.src.Intn(int(natural) + 1)))
	switch f.src.Pick(20, 8, f.g.risk(1)) {
	case 0:
		f.u32(0)
	case 1:
		f.u32(uint32(f.src.Range(1, 64)))
	case 2:
		f.u32([]uint32{65535, 65536, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFF8}[f.src.Intn(5)])
	}
}

// address pushes a memory address: mostly in a small window at the
// start of memory, so that loads see stores; sometimes at the end of
// memory, or anywhere.
func (f *fgen) address() {
	switch f.src.Pick(12, 24, f.g.risk(2), f.g.risk(1), f.g.risk(1)) {
	case 0:
		f.i32Const(uint64(f.src.Intn(1024)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(1023)
		f.op(wasm.OpI32And)
	case 2:
		f.op(wasm.OpMemorySize)
		f.b = append(f.b, 0)
		f.i32Const(16)
		f.op(wasm.OpI32Shl)
		f.i32Const(uint64(f.src.Intn(17)))
		f.op(wasm.OpI32Sub)
	case 3:
		f.expr(mkSlot(wasm.I32, true))
	case 4:
		f.i32Const(uint64(f.src.Uint32()))
	}
}

// length pushes the length of a bulk operation: mostly small, sometimes
// anything.
func (f *fgen) length(window uint32) {
	switch f.src.Pick(8, 8, f.g.risk(1), f.g.risk(1)) {
	case 0:
		f.i32Const(uint64(f.src.Intn(65)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(uint64(window))
		f.op(wasm.OpI32And)
	case 2:
		f.i32Const([]uint64{65536, 0xFFFFFFFF, 0x80000000, 1024}[f.src.Intn(4)])
	case 3:
		f.expr(mkSlot(wasm.I32, true))
	}
}

func (f *fgen) load(s slot) {
	var cands []memOp
	for _, l := range loads {
		if l.t == s.t {
			cands = append(cands, l)
		}
	}
	l := cands[f.src.Intn(len(cands))]
	f.address()
	f.op(l.op)
	f.memarg(l.align)
}

func (f *fgen) store() {
	s := stores[f.src.Intn(len(stores))]
	f.address()
	f.expr(mkSlot(s.t, true))
	f.op(s.op)
	f.memarg(s.align)
}

func (f *fgen) memoryGrowOrSize() {
	if f.src.OneIn(2) {
		f.op(wasm.OpMemorySize)
		f.b = append(f.b, 0)
		return
	}
	switch f.src.Pick(3, 2, 1) {
	case 0:
		f.i32Const(uint64(f.src.Intn(3)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(3)
		f.op(wasm.OpI32And)
	case 2:
		f.i32Const([]uint64{0x10000, 0xFFFFFFFF, 0x8000}[f.src.Intn(3)])
	}
	f.op(wasm.OpMemoryGrow)
	f.b = append(f.b, 0)
}

func (f *fgen) bulkMemory() {
	hz := f.g.hazard
	var segs []uint32
	for i, d := range f.g.datas {
		// Active segments are dropped once the module is instantiated.
		if hz > 0 || !d.active {
			segs = append(segs, uint32(i))
		}
	}
	n := len(f.g.datas)
	switch f.src.Pick(3, 3, 2*min(1, len(segs)), f.g.risk(min(1, n))) {
	case 0:
		f.address()
		f.expr(mkSlot(wasm.I32, true))
		f.length(0x1FF)
		f.op(wasm.OpMemoryFill)
		f.b = append(f.b, 0)
	case 1:
		f.address()
		f.address()
		f.length(0x1FF)
		f.op(wasm.OpMemoryCopy)
		f.b = append(f.b, 0, 0)
	case 2:
		// Safe modules drop no segment, and stay within it.
		seg := segs[f.src.Intn(len(segs))]
		size := len(f.g.datas[seg].init)
		f.address()
		if hz > 0 {
			f.i32Const(uint64(f.src.Intn(size + 2)))
			f.length(0x1F)
		} else {
			from := f.src.Intn(size + 1)
			f.i32Const(uint64(from))
			f.i32Const(uint64(f.src.Intn(size - from + 1)))
		}
		f.op(wasm.OpMemoryInit)
		f.u32(seg)
		f.b = append(f.b, 0)
	case 3:
		f.op(wasm.OpDataDrop)
		f.u32(uint32(f.src.Intn(n)))
	}
}

// Tables.

// tableIndex pushes an element index of table t: mostly within its
// initial size, sometimes just past it or anywhere.
func (f *fgen) tableIndex(t uint32) {
	size := int(f.g.tables[t].min)
	in := min(size, 1)
	switch f.src.Pick(12*in, 4*in, f.g.risk(2), f.g.risk(1)) {
	case 0:
		f.i32Const(uint64(f.src.Intn(size)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(uint64(size))
		f.op(wasm.OpI32RemU)
	case 2:
		f.i32Const(uint64(size + f.src.Intn(3)))
	case 3:
		f.expr(mkSlot(wasm.I32, true))
	}
}

func (f *fgen) tableLen() {
	switch f.src.Pick(8, 4, f.g.risk(1)) {
	case 0:
		f.i32Const(uint64(f.src.Intn(5)))
	case 1:
		f.expr(mkSlot(wasm.I32, true))
		f.i32Const(7)
		f.op(wasm.OpI32And)
	case 2:
		// Growth past the 32-bit index space fails on every engine;
		// below it, where growth fails is up to each.
		f.i32Const([]uint64{0xFFFFFFFF, 0xFFFFFFF0, 100}[f.src.Intn(3)])
	}
}

// span pushes the start of a range of table t and returns the room after
// it: in safe modules within its initial size (tables only grow), and
// otherwise anywhere near it, with room -1.
func (f *fgen) span(t uint32) (start, length int) {
	if f.g.hazard > 0 {
		f.tableIndex(t)
		return -1, -1
	}
	size := int(f.g.tables[t].min)
	start = f.src.Intn(size + 1)
	f.i32Const(uint64(start))
	return start, size - start
}

// spanLength pushes the length of a range that may be as long as room.
func (f *fgen) spanLength(room int) {
	if room < 0 {
		f.tableLen()
		return
	}
	f.i32Const(uint64(f.src.Intn(room + 1)))
}

func (f *fgen) tableStmt() {
	t := uint32(f.src.Intn(len(f.g.tables)))
	if f.g.hazard == 0 && t == 0 {
		// Safe modules change table 0 only by growing it, so that
		// call_indirect finds what its segments put there.
		f.expr(mkSlot(f.g.tables[0].elem, true))
		f.tableLen()
		f.op(wasm.OpTableGrow)
		f.u32(0)
		f.op(wasm.OpDrop)
		return
	}
	elem := f.g.tables[t].elem
	var segs []uint32
	for i, e := range f.g.elems {
		// Active and declarative segments are dropped once the module
		// is instantiated.
		if e.elem == elem && (f.g.hazard > 0 || e.mode == wasm.SegmentPassive) {
			segs = append(segs, uint32(i))
		}
	}
	switch f.src.Pick(4, 2, 2, 2*min(1, len(segs)), f.g.risk(1), 2) {
	case 0:
		f.tableIndex(t)
		f.expr(mkSlot(elem, true))
		f.op(wasm.OpTableSet)
		f.u32(t)
	case 1:
		_, room := f.span(t)
		f.expr(mkSlot(elem, true))
		f.spanLength(room)
		f.op(wasm.OpTableFill)
		f.u32(t)
	case 2:
		var srcs []uint32
		for i, u := range f.g.tables {
			if u.elem == elem {
				srcs = append(srcs, uint32(i))
			}
		}
		from := srcs[f.src.Intn(len(srcs))]
		_, room := f.span(t)
		_, room2 := f.span(from)
		f.spanLength(min(room, room2))
		f.op(wasm.OpTableCopy)
		f.u32(t)
		f.u32(from)
	case 3:
		seg := segs[f.src.Intn(len(segs))]
		size := len(f.g.elems[seg].funcs)
		_, room := f.span(t)
		if room < 0 {
			f.i32Const(uint64(f.src.Intn(size + 2)))
		} else {
			from := f.src.Intn(size + 1)
			f.i32Const(uint64(from))
			room = min(room, size-from)
		}
		f.spanLength(room)
		f.op(wasm.OpTableInit)
		f.u32(seg)
		f.u32(t)
	case 4:
		f.op(wasm.OpElemDrop)
		f.u32(uint32(f.src.Intn(len(f.g.elems))))
	case 5:
		f.expr(mkSlot(elem, true))
		f.tableLen()
		f.op(wasm.OpTableGrow)
		f.u32(t)
		f.op(wasm.OpDrop)
	}
}
