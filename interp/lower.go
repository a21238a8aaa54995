package interp

import (
	"fmt"

	"github.com/terra-runtime/terra/internal/simd"
	"github.com/terra-runtime/terra/wasm"
)

// entry is a value on the lowering's virtual operand stack. Its home is the
// frame slot the value occupies on the operand stack; slot is where it is
// now, which differs from home only for a deferred local.get, whose value is
// still in the local's slot.
type entry struct {
	typ  wasm.ValueType
	slot uint32
	home uint32
	// konst marks a constant not yet written anywhere; val is its bits.
	konst bool
	val   uint64
}

// noSlot is the slot of a constant entry: it is in no slot until
// materialized.
const noSlot = ^uint32(0)

func (e entry) cells() uint32 { return uint32(e.typ.Slots()) }

type control struct {
	op        wasm.Opcode
	typ       *wasm.FuncType
	height    int    // virtual stack length below the block's parameters
	cells     uint32 // home slot of the first value above that height
	loopPC    uint32 // branch target of a loop
	patches   []int  // forward branches to the end: inst index, or ^table entry
	elseFix   int    // the if's branch to the else arm, or -1
	block     *wasm.BlockInfo
	inElse    bool
	dead      bool
	hasElseOp bool
}

type lowerer struct {
	m      *wasm.Module
	info   *wasm.FuncInfo
	r      wasm.CodeReader
	base   uint32 // module offset of the body's first byte
	fn     *function
	stack  []entry
	ctls   []control
	nblock int      // next entry of info.Blocks to open
	local  []uint32 // slot of each local
	opPos  int      // body offset of the instruction being lowered
	// producer is the index of the last instruction that wrote the value now
	// on top of the stack to its home through field a, or -1.
	producer int
	// labelPC is the latest position that became a branch target. An
	// instruction before it cannot be rewritten on behalf of a later one,
	// since paths that join at the label would not see the rewrite.
	labelPC int
}

// lower translates defined function i of m.
func lower(m *wasm.Module, i int) (fn *function, err error) {
	info := &m.FuncInfo[i]
	code := &m.Code[i]
	l := &lowerer{m: m, info: info, r: wasm.CodeReader{Body: code.Body}, base: uint32(code.Offset), producer: -1}
	fn = &function{typ: info.Type, index: m.NumImportedFuncs + uint32(i)}
	l.fn = fn
	l.local = make([]uint32, len(info.Locals))
	cells := uint32(0)
	for j, t := range info.Locals {
		if j == len(info.Type.Params) {
			fn.params = cells
		}
		l.local[j] = cells
		cells += uint32(t.Slots())
	}
	if len(info.Type.Params) == len(info.Locals) {
		fn.params = cells
	}
	fn.locals = cells
	fn.frame = cells + info.MaxSlots
	for _, t := range info.Type.Results {
		fn.results += uint32(t.Slots())
	}
	// Size the growing slices from what validation knows, so that lowering
	// a function (on the first call's path) allocates each once.
	n := len(code.Body)/2 + 2
	fn.code = make([]inst, 0, n)
	fn.offsets = make([]uint32, 0, n)
	l.stack = make([]entry, 0, info.MaxHeight+1)
	l.ctls = make([]control, 0, len(info.Blocks))
	l.run()
	// Where a call continues when machine code ran the rest of it and left
	// the results in the first slots.
	fn.ret = l.emit(inst{op: opReturn, b: 0, c: fn.results})
	if err := verifySlots(fn); err != nil {
		return nil, fmt.Errorf("interp: func %d: %w", fn.index, err)
	}
	return fn, nil
}

// verifySlots checks that every frame slot an instruction of the dispatch
// loop's main switch addresses lies within the frame: that loop reads
// slots without bounds checks.
func verifySlots(fn *function) error {
	for i, in := range fn.code {
		var used [4]uint32 // slots read or written; frame-relative
		n := 0
		add := func(s ...uint32) {
			for _, x := range s {
				used[n] = x
				n++
			}
		}
		switch o := in.op; {
		case wasm.Opcode(o).IsNumeric():
			add(in.a, in.b, in.c)
		case o >= immFirst, o >= opF64AddImm && o <= opF32DivImm:
			add(in.a, in.b)
		case wasm.Opcode(o).IsScalarMemory():
			add(in.a, in.b)
		case o == opCopy, o == opRefIsNull:
			add(in.a, in.b)
		case o == opCopy2:
			add(in.a+1, in.b+1)
		case o == opConst, o == opGlobalGet, o == opRefFunc:
			add(in.a)
		case o == opGlobalGet2:
			add(in.a + 1)
		case o == opGlobalSet:
			add(in.b)
		case o == opGlobalSet2:
			add(in.b + 1)
		case o == opSelect:
			add(in.a, in.b, in.c, uint32(in.imm))
		case o == opSelect2:
			add(in.a+1, in.b+1, in.c+1, uint32(in.imm))
		case o == opBrIf, o == opBrIfNot, o == opBrTable:
			add(in.b)
		case o == opBrCmp:
			add(in.b)
			if op(in.imm) < immFirst {
				add(in.c)
			}
		case o == opReturn:
			if in.c > 0 {
				add(in.b + in.c - 1)
			}
		case o == opCallInd:
			add(uint32(in.imm))
		}
		for _, s := range used[:n] {
			if s >= fn.frame {
				return fmt.Errorf("instruction %d (op %#x) addresses slot %d of a %d-slot frame", i, in.op, s, fn.frame)
			}
		}
		if (in.op == opCall || in.op == opCallLocal || in.op == opCallInd) && in.b > fn.frame {
			return fmt.Errorf("instruction %d calls with base %d beyond a %d-slot frame", i, in.b, fn.frame)
		}
	}
	return nil
}

func (l *lowerer) emit(in inst) int {
	l.fn.code = append(l.fn.code, in)
	l.fn.offsets = append(l.fn.offsets, l.base+uint32(l.opPos))
	return len(l.fn.code) - 1
}

func (l *lowerer) pc() uint32 { return uint32(len(l.fn.code)) }

// cellTop is the home slot of the next value pushed.
func (l *lowerer) cellTop() uint32 {
	if n := len(l.stack); n > 0 {
		e := l.stack[n-1]
		return e.home + e.cells()
	}
	return l.fn.locals
}

func (l *lowerer) push(t wasm.ValueType) entry {
	h := l.cellTop()
	e := entry{typ: t, slot: h, home: h}
	l.stack = append(l.stack, e)
	return e
}

// pop pops an operand whose value is in a slot: its home, or the local a
// deferred local.get reads. Only a constant has to be written first.
func (l *lowerer) pop() entry {
	if e := &l.stack[len(l.stack)-1]; e.konst {
		l.place(e)
	}
	return l.popRaw()
}

// popRaw pops an entry that may be an unwritten constant.
func (l *lowerer) popRaw() entry {
	e := l.stack[len(l.stack)-1]
	l.stack = l.stack[:len(l.stack)-1]
	return e
}

func (l *lowerer) copyOp(t wasm.ValueType) op {
	if t == wasm.V128 {
		return opCopy2
	}
	return opCopy
}

// materialize moves deferred values of stack entries from index i up to
// their home slots.
func (l *lowerer) materialize(from int) {
	for j := from; j < len(l.stack); j++ {
		l.place(&l.stack[j])
	}
}

// place puts one entry's value in its home slot.
func (l *lowerer) place(e *entry) {
	switch {
	case e.konst:
		l.emit(inst{op: opConst, a: e.home, imm: e.val})
		e.konst, e.slot = false, e.home
	case e.slot != e.home:
		l.emit(inst{op: l.copyOp(e.typ), a: e.home, b: e.slot})
		e.slot = e.home
	}
}

// pushConst pushes a scalar constant without emitting anything: it is
// folded into the instruction that uses it, or written when it must be.
func (l *lowerer) pushConst(t wasm.ValueType, v uint64) {
	h := l.cellTop()
	l.stack = append(l.stack, entry{typ: t, slot: noSlot, home: h, konst: true, val: v})
}

// result pushes an instruction's result and emits it with field a set to
// the result's home.
func (l *lowerer) result(in inst, t wasm.ValueType) {
	in.a = l.push(t).home
	l.producer = l.emit(in)
}

// bind records that the current position is a branch target.
func (l *lowerer) bind() { l.labelPC = len(l.fn.code) }

// fresh reports whether the top-of-stack value e was just written by the
// last instruction, with no label between: that instruction may then be
// rewritten to deliver the value elsewhere.
func (l *lowerer) fresh(e entry) bool {
	last := len(l.fn.code) - 1
	return l.producer == last && last >= l.labelPC && !e.konst && e.slot == e.home &&
		l.fn.code[last].a == e.home
}

// materializeLocal moves deferred reads of the local at slot s home, before
// the local is written.
func (l *lowerer) materializeLocal(s uint32) {
	for j := range l.stack {
		if e := &l.stack[j]; e.slot == s && e.slot != e.home {
			l.emit(inst{op: l.copyOp(e.typ), a: e.home, b: e.slot})
			e.slot = e.home
		}
	}
}

func (l *lowerer) pushCtl(op wasm.Opcode, t *wasm.FuncType) *control {
	blk := &l.info.Blocks[l.nblock]
	l.nblock++
	h := len(l.stack) - len(t.Params)
	c := control{op: op, typ: t, height: h, elseFix: -1, block: blk}
	if h > 0 {
		c.cells = l.stack[h-1].home + l.stack[h-1].cells()
	} else {
		c.cells = l.fn.locals
	}
	l.ctls = append(l.ctls, c)
	return &l.ctls[len(l.ctls)-1]
}

// labelTypes are the values a branch to c carries.
func labelTypes(c *control) []wasm.ValueType {
	if c.op == wasm.OpLoop {
		return c.typ.Params
	}
	return c.typ.Results
}

// moves emits the copies that put the top values for a branch to c into
// c's label slots, and reports whether there were any.
func (l *lowerer) moves(c *control, emit bool) bool {
	n := len(labelTypes(c))
	dst := c.cells
	any := false
	for _, e := range l.stack[len(l.stack)-n:] {
		switch {
		case e.konst:
			any = true
			if emit {
				l.emit(inst{op: opConst, a: dst, imm: e.val})
			}
		case e.slot != dst:
			any = true
			if emit {
				l.emit(inst{op: l.copyOp(e.typ), a: dst, b: e.slot})
			}
		}
		dst += e.cells()
	}
	return any
}

// jump emits a branch to c (after any moves) and records it for patching.
// Branches back to a loop poll for interruption.
func (l *lowerer) jump(c *control, br inst) {
	if c.op == wasm.OpLoop {
		br.a = c.loopPC
		br.imm |= backEdge
		if br.op == opBr {
			br.op = opBrBack
		}
		l.emit(br)
		return
	}
	c.patches = append(c.patches, l.emit(br))
}

func (l *lowerer) label(depth uint32) *control { return &l.ctls[len(l.ctls)-1-int(depth)] }

// skipDead moves past the unreachable code that follows an unconditional
// branch, to the else or end that closes the current block.
func (l *lowerer) skipDead() {
	c := &l.ctls[len(l.ctls)-1]
	c.dead = true
	target := c.block.End
	if c.op == wasm.OpIf && !c.inElse && c.block.Else != 0 {
		target = c.block.Else
	}
	l.r.Pos = int(target)
	for l.nblock < len(l.info.Blocks) && l.info.Blocks[l.nblock].Start < target {
		l.nblock++
	}
}

// resetTo drops the stack to c's height and pushes types at home.
func (l *lowerer) resetTo(c *control, types []wasm.ValueType) {
	l.stack = l.stack[:c.height]
	for _, t := range types {
		l.push(t)
	}
}

func (l *lowerer) patch(c *control, target uint32) {
	for _, p := range c.patches {
		if p >= 0 {
			l.fn.code[p].a = target
		} else {
			l.fn.tables[^p] = target
		}
	}
}

func (l *lowerer) run() {
	l.opPos = 0
	l.pushCtl(wasm.OpBlock, &wasm.FuncType{Results: l.info.Type.Results})
	for len(l.ctls) > 0 {
		l.opPos = l.r.Pos
		l.instr(l.r.Opcode())
	}
}

func (l *lowerer) instr(op wasm.Opcode) {
	switch {
	case op.IsNumeric():
		l.numeric(op)
		return
	case op.IsScalarMemory():
		l.memoryAccess(op)
		return
	case op.IsSIMD():
		l.simd(op)
		return
	}
	switch op {
	case wasm.OpUnreachable:
		l.emit(inst{op: opUnreachable})
		l.skipDead()
	case wasm.OpNop:
	case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
		t := l.r.BlockType(l.m)
		var cond entry
		if op == wasm.OpIf {
			cond = l.popRaw()
		}
		l.materialize(0)
		c := l.pushCtl(op, t)
		switch op {
		case wasm.OpLoop:
			c.loopPC = l.pc()
			l.bind()
			l.fn.loops = append(l.fn.loops, loopHeader{pc: int(c.loopPC), offset: l.base + uint32(l.opPos)})
		case wasm.OpIf:
			c.elseFix = l.emit(l.branchOn(cond, true))
		}
	case wasm.OpElse:
		c := &l.ctls[len(l.ctls)-1]
		if !c.dead {
			l.materialize(c.height)
			l.jump(c, inst{op: opBr})
		}
		l.fn.code[c.elseFix].a = l.pc()
		l.bind()
		c.elseFix = -1
		c.inElse, c.dead = true, false
		l.resetTo(c, c.typ.Params)
	case wasm.OpEnd:
		c := &l.ctls[len(l.ctls)-1]
		if !c.dead {
			l.materialize(c.height)
		}
		if len(l.ctls) == 1 {
			if c.dead {
				l.resetTo(c, c.typ.Results)
			}
			l.ret()
			l.patch(c, l.pc()-1)
			// Branches to the function's block return: they land on the
			// return just emitted, whose operands are the label slots.
			l.ctls = l.ctls[:0]
			return
		}
		end := l.pc()
		l.bind()
		if c.elseFix >= 0 {
			l.fn.code[c.elseFix].a = end
		}
		l.patch(c, end)
		l.ctls = l.ctls[:len(l.ctls)-1]
		l.stack = l.stack[:c.height]
		for _, t := range c.typ.Results {
			l.push(t)
		}
	case wasm.OpBr:
		c := l.label(l.r.U32())
		l.moves(c, true)
		l.jump(c, inst{op: opBr})
		l.skipDead()
	case wasm.OpBrIf:
		c := l.label(l.r.U32())
		cond := l.popRaw()
		if !l.moves(c, false) {
			l.jump(c, l.branchOn(cond, false))
			return
		}
		skip := l.emit(l.branchOn(cond, true))
		l.moves(c, true)
		l.jump(c, inst{op: opBr})
		l.fn.code[skip].a = l.pc()
		l.bind()
	case wasm.OpBrTable:
		l.brTable()
	case wasm.OpReturn:
		l.materialize(len(l.stack) - len(l.info.Type.Results))
		l.ret()
		l.skipDead()
	case wasm.OpCall:
		x := l.r.U32()
		in := inst{op: opCall, a: x}
		if n := l.m.NumImportedFuncs; x >= n {
			in.op, in.c = opCallLocal, x-n
		}
		l.call(in, l.m.FuncType(x))
	case wasm.OpCallIndirect:
		ti, table := l.r.U32(), l.r.U32()
		idx := l.pop()
		l.call(inst{op: opCallInd, a: ti, c: table, imm: uint64(idx.slot)}, &l.m.Types[ti])
	case wasm.OpDrop:
		l.pop()
	case wasm.OpSelect, wasm.OpSelectT:
		if op == wasm.OpSelectT {
			l.r.Pos += int(l.r.U32()) // the vector of (one) value types
		}
		cond, b := l.pop(), l.pop()
		a := l.pop()
		o := opSelect
		if a.typ == wasm.V128 {
			o = opSelect2
		}
		l.result(inst{op: o, b: a.slot, c: b.slot, imm: uint64(cond.slot)}, a.typ)
	case wasm.OpLocalGet:
		x := l.r.U32()
		h := l.cellTop()
		l.stack = append(l.stack, entry{typ: l.info.Locals[x], slot: l.local[x], home: h})
	case wasm.OpLocalSet, wasm.OpLocalTee:
		x := l.r.U32()
		s := l.local[x]
		e := l.popRaw()
		if e.typ != wasm.V128 && l.fresh(e) && !l.readsLocal(s) {
			// Deliver the value straight into the local.
			l.fn.code[len(l.fn.code)-1].a = s
			e.slot = s
		} else {
			l.materializeLocal(s)
			switch {
			case e.konst:
				l.emit(inst{op: opConst, a: s, imm: e.val})
			case e.slot != s:
				l.emit(inst{op: l.copyOp(e.typ), a: s, b: e.slot})
			}
		}
		l.producer = -1
		if op == wasm.OpLocalTee {
			l.stack = append(l.stack, e)
		}
	case wasm.OpGlobalGet:
		x := l.r.U32()
		t := l.m.AllGlobals[x].Type
		o := opGlobalGet
		if t == wasm.V128 {
			o = opGlobalGet2
		}
		l.result(inst{op: o, b: x}, t)
	case wasm.OpGlobalSet:
		x := l.r.U32()
		e := l.pop()
		o := opGlobalSet
		if e.typ == wasm.V128 {
			o = opGlobalSet2
		}
		l.emit(inst{op: o, a: x, b: e.slot})
	case wasm.OpTableGet:
		x := l.r.U32()
		i := l.pop()
		d := l.push(l.m.AllTables[x].Elem)
		l.emit(inst{op: opTableGet, a: d.home, b: i.slot, c: x})
	case wasm.OpTableSet:
		x := l.r.U32()
		v, i := l.pop(), l.pop()
		l.emit(inst{op: opTableSet, a: i.slot, b: v.slot, c: x})
	case wasm.OpMemorySize:
		l.r.Pos++
		d := l.push(wasm.I32)
		l.emit(inst{op: opMemorySize, a: d.home})
	case wasm.OpMemoryGrow:
		l.r.Pos++
		n := l.pop()
		d := l.push(wasm.I32)
		l.emit(inst{op: opMemoryGrow, a: d.home, b: n.slot})
	case wasm.OpI32Const:
		l.pushConst(wasm.I32, l.r.I32())
	case wasm.OpI64Const:
		l.pushConst(wasm.I64, uint64(l.r.S64()))
	case wasm.OpF32Const:
		l.pushConst(wasm.F32, l.r.F32())
	case wasm.OpF64Const:
		l.pushConst(wasm.F64, l.r.F64())
	case wasm.OpRefNull:
		l.pushConst(wasm.ValueType(l.r.Byte()), 0)
	case wasm.OpRefIsNull:
		e := l.pop()
		d := l.push(wasm.I32)
		l.emit(inst{op: opRefIsNull, a: d.home, b: e.slot})
	case wasm.OpRefFunc:
		x := l.r.U32()
		d := l.push(wasm.FuncRef)
		l.emit(inst{op: opRefFunc, a: d.home, b: x})
	default:
		l.misc(op)
	}
}

// operands3 pops three i32 operands into consecutive home slots and returns
// the first.
func (l *lowerer) operands3() uint32 {
	l.materialize(len(l.stack) - 3)
	l.stack = l.stack[:len(l.stack)-3]
	return l.cellTop()
}

func (l *lowerer) misc(op wasm.Opcode) {
	switch op {
	case wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF32U, wasm.OpI32TruncSatF64S, wasm.OpI32TruncSatF64U,
		wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF32U, wasm.OpI64TruncSatF64S, wasm.OpI64TruncSatF64U:
		e := l.pop()
		t := wasm.I32
		if op >= wasm.OpI64TruncSatF32S {
			t = wasm.I64
		}
		d := l.push(t)
		l.emit(inst{op: opTruncSat, a: d.home, b: e.slot, imm: uint64(op & 0xFF)})
	case wasm.OpMemoryInit:
		x := l.r.U32()
		l.r.Pos++
		l.emit(inst{op: opMemoryInit, b: l.operands3(), c: x})
	case wasm.OpDataDrop:
		l.emit(inst{op: opDataDrop, c: l.r.U32()})
	case wasm.OpMemoryCopy:
		l.r.Pos += 2
		l.emit(inst{op: opMemoryCopy, b: l.operands3()})
	case wasm.OpMemoryFill:
		l.r.Pos++
		l.emit(inst{op: opMemoryFill, b: l.operands3()})
	case wasm.OpTableInit:
		x, t := l.r.U32(), l.r.U32()
		l.emit(inst{op: opTableInit, b: l.operands3(), c: x, imm: uint64(t)})
	case wasm.OpElemDrop:
		l.emit(inst{op: opElemDrop, c: l.r.U32()})
	case wasm.OpTableCopy:
		dst, src := l.r.U32(), l.r.U32()
		l.emit(inst{op: opTableCopy, b: l.operands3(), c: dst, imm: uint64(src)})
	case wasm.OpTableGrow:
		x := l.r.U32()
		l.materialize(len(l.stack) - 2)
		l.pop()
		init := l.pop()
		d := l.push(wasm.I32)
		l.emit(inst{op: opTableGrow, a: d.home, b: init.home, c: x})
	case wasm.OpTableSize:
		x := l.r.U32()
		d := l.push(wasm.I32)
		l.emit(inst{op: opTableSize, a: d.home, c: x})
	case wasm.OpTableFill:
		x := l.r.U32()
		l.emit(inst{op: opTableFill, b: l.operands3(), c: x})
	default:
		panic(fmt.Sprintf("interp: cannot lower %s", op))
	}
}

func (l *lowerer) numeric(op wasm.Opcode) {
	params, results, _ := op.Signature()
	if len(params) == 2 {
		b := l.popRaw()
		if io, ok := immForm[op]; ok && b.konst {
			a := l.pop()
			l.result(inst{op: io, b: a.slot, imm: b.val}, results[0])
			return
		}
		if fo, ok := floatImm[op]; ok && b.konst {
			a := l.pop()
			l.result(inst{op: fo, b: a.slot, imm: b.val}, results[0])
			return
		}
		l.stack = append(l.stack, b)
		b = l.pop()
		a := l.pop()
		l.result(inst{op: byte(op), b: a.slot, c: b.slot}, results[0])
		return
	}
	a := l.pop()
	l.result(inst{op: byte(op), b: a.slot}, results[0])
}

// readsLocal reports whether a stack entry still defers a read of the local
// at slot s.
func (l *lowerer) readsLocal(s uint32) bool {
	for _, e := range l.stack {
		if e.slot == s && e.slot != e.home {
			return true
		}
	}
	return false
}

// branchOn returns a conditional branch on cond, taken when cond is nonzero
// (or zero, with ifZero). A comparison computed just before is fused into the
// branch.
func (l *lowerer) branchOn(cond entry, ifZero bool) inst {
	neg := uint64(0)
	if ifZero {
		neg = negate
	}
	if l.fresh(cond) {
		last := l.fn.code[len(l.fn.code)-1]
		if fusable(last) {
			l.fn.code = l.fn.code[:len(l.fn.code)-1]
			l.fn.offsets = l.fn.offsets[:len(l.fn.offsets)-1]
			l.producer = -1
			c := last.c
			if last.op >= immFirst {
				c = uint32(last.imm)
			}
			return inst{op: opBrCmp, b: last.b, c: c, imm: uint64(last.op) | neg}
		}
	}
	if cond.konst {
		// A constant condition still needs a slot: branches are rare enough
		// on constants that folding them is not worth a case.
		l.emit(inst{op: opConst, a: cond.home, imm: cond.val})
		cond.slot = cond.home
	}
	if ifZero {
		return inst{op: opBrIfNot, b: cond.slot}
	}
	return inst{op: opBrIf, b: cond.slot}
}

func (l *lowerer) memarg() uint64 {
	_, off := l.r.MemArg()
	return off
}

func (l *lowerer) memoryAccess(op wasm.Opcode) {
	off := l.memarg()
	_, results, _ := op.Signature()
	if len(results) == 1 {
		base, add := l.address(len(l.stack) - 1)
		l.pop()
		l.result(inst{op: byte(op), b: base, c: add, imm: off}, results[0])
		return
	}
	base, add := l.address(len(l.stack) - 2)
	v := l.pop()
	l.pop()
	l.emit(inst{op: byte(op), a: v.slot, b: base, c: add, imm: off})
}

// address returns the base slot and 32-bit addend of the address operand at
// stack index i of a memory access. An address computed by an i32.add of a
// constant just before (common: a base plus a field or array offset) is
// folded into the access, which adds with the same 32-bit wrap-around; the
// add is dropped. Its result is only the address if nothing else uses it:
// the entry must be fresh, and anything above it (a store's value) must not
// have emitted code since.
func (l *lowerer) address(i int) (base, add uint32) {
	e := l.stack[i]
	if l.fresh(e) {
		last := l.fn.code[len(l.fn.code)-1]
		if last.op == immI32Add {
			l.fn.code = l.fn.code[:len(l.fn.code)-1]
			l.fn.offsets = l.fn.offsets[:len(l.fn.offsets)-1]
			l.producer = -1
			return last.b, uint32(last.imm)
		}
	}
	if e.konst {
		return l.place2(i), 0
	}
	return e.slot, 0
}

// place2 writes a constant at stack index i to its home and returns the slot.
func (l *lowerer) place2(i int) uint32 {
	l.place(&l.stack[i])
	return l.stack[i].slot
}

// call lowers a direct or indirect call: the arguments are moved home, where
// they become the callee's first locals, and the results come back there.
func (l *lowerer) call(in inst, t *wasm.FuncType) {
	n := len(t.Params)
	l.materialize(len(l.stack) - n)
	base := l.cellTop()
	if n > 0 {
		base = l.stack[len(l.stack)-n].home
	}
	l.stack = l.stack[:len(l.stack)-n]
	in.b = base
	l.emit(in)
	for _, r := range t.Results {
		l.push(r)
	}
}

// ret emits a return of the function's results, which are at home on top of
// the stack.
func (l *lowerer) ret() {
	n := len(l.info.Type.Results)
	first := l.cellTop()
	if n > 0 {
		first = l.stack[len(l.stack)-n].home
	}
	l.emit(inst{op: opReturn, b: first, c: l.fn.results})
}

func (l *lowerer) brTable() {
	n := int(l.r.U32())
	depths := make([]uint32, n+1)
	for i := range depths {
		depths[i] = l.r.U32()
	}
	idx := l.pop()
	start := len(l.fn.tables)
	l.fn.tables = append(l.fn.tables, make([]uint32, n+1)...)
	l.emit(inst{op: opBrTable, a: uint32(start), b: idx.slot, c: uint32(n + 1)})
	// Targets needing moves get a stub after the br_table: moves, then a
	// branch. Stubs are shared per depth.
	stubs := map[uint32]uint32{}
	for i, d := range depths {
		c := l.label(d)
		entry := start + i
		// Forward targets without moves are patched in place; others get a
		// stub: moves, then a branch (which polls when it goes back to a loop).
		if c.op != wasm.OpLoop && !l.moves(c, false) {
			c.patches = append(c.patches, ^entry)
			continue
		}
		pc, ok := stubs[d]
		if !ok {
			pc = l.pc()
			stubs[d] = pc
			l.moves(c, true)
			l.jump(c, inst{op: opBr})
		}
		l.fn.tables[entry] = pc
	}
	l.skipDead()
}

// simd lowers a 0xFD-prefixed instruction.
func (l *lowerer) simd(op wasm.Opcode) {
	sub := uint64(op & 0xFF)
	_, results, _ := op.Signature()
	switch {
	case op <= wasm.OpV128Load64Splat || op == wasm.OpV128Load32Zero || op == wasm.OpV128Load64Zero:
		off := l.memarg()
		addr := l.pop()
		d := l.push(wasm.V128)
		l.emit(inst{op: opV128Load, a: d.home, b: addr.slot, c: uint32(off), imm: sub})
		return
	case op == wasm.OpV128Store:
		off := l.memarg()
		v, addr := l.pop(), l.pop()
		l.emit(inst{op: opV128Store, a: v.slot, b: addr.slot, c: uint32(off)})
		return
	case op >= wasm.OpV128Load8Lane && op <= wasm.OpV128Store64Lane:
		off := l.memarg()
		lane := uint64(l.r.Byte())
		v, addr := l.pop(), l.pop()
		if op >= wasm.OpV128Store8Lane {
			l.emit(inst{op: opV128Lane, a: v.slot, b: addr.slot, c: uint32(off), imm: sub | lane<<8})
			return
		}
		d := l.push(wasm.V128)
		l.emit(inst{op: opV128Lane, a: d.home, b: addr.slot, c: uint32(off), imm: sub | lane<<8 | uint64(v.slot)<<16})
		return
	case op == wasm.OpV128Const:
		lo, hi := l.r.V128()
		d := l.push(wasm.V128)
		l.emit(inst{op: opV128Const, a: d.home, b: uint32(hi >> 32), c: uint32(hi), imm: lo})
		return
	case op == wasm.OpI8x16Shuffle:
		lanes := l.r.Lanes()
		b, a := l.pop(), l.pop()
		d := l.push(wasm.V128)
		l.fn.shuffles = append(l.fn.shuffles, lanes)
		l.emit(inst{op: opSIMDShuf, a: d.home, b: a.slot, c: b.slot, imm: uint64(len(l.fn.shuffles) - 1)})
		return
	case op == wasm.OpV128Bitselect:
		c, b := l.pop(), l.pop()
		a := l.pop()
		d := l.push(wasm.V128)
		l.emit(inst{op: opSIMDTern, a: d.home, b: a.slot, c: b.slot, imm: uint64(c.slot)})
		return
	}
	kind := uint64(simdUnary)
	var lane uint64
	switch {
	case op >= wasm.OpI8x16Splat && op <= wasm.OpF64x2Splat:
		kind = simdSplat
	case op >= wasm.OpI8x16ExtractLaneS && op <= wasm.OpF64x2ReplaceLane:
		lane = uint64(l.r.Byte())
		kind = simdExtract
		if params, _, _ := op.Signature(); len(params) == 2 {
			kind = simdReplace
		}
	case simd.Binary[sub] != nil:
		kind = simdBinary
	case simd.Shift[sub] != nil:
		kind = simdShift
	case simd.Test[sub] != nil:
		kind = simdTest
	}
	in := inst{op: opSIMD, imm: sub | kind<<8 | lane<<16}
	switch kind {
	case simdBinary, simdShift, simdReplace:
		y, x := l.pop(), l.pop()
		in.b, in.c = x.slot, y.slot
	default:
		in.b = l.pop().slot
	}
	in.a = l.push(results[0]).home
	l.emit(in)
}
