package wasm

import "fmt"

// unknown is the type of an operand popped from the polymorphic stack of
// unreachable code; it matches every type.
const unknown ValueType = 0

var (
	emptyBlockType FuncType
	// valueBlockTypes[t] is the block type [] -> [t].
	valueBlockTypes [256]FuncType
)

func init() {
	for _, t := range []ValueType{I32, I64, F32, F64, V128, FuncRef, ExternRef} {
		valueBlockTypes[t] = FuncType{Results: []ValueType{t}}
	}
}

type ctrlFrame struct {
	op          Opcode
	typ         *FuncType
	height      int // operand stack height below the block's parameters
	slots       int // the same height in 64-bit cells
	block       int // index of the frame's BlockInfo in funcValidator.blocks
	unreachable bool
	hasElse     bool
}

// funcValidator types function bodies. One is reused for all the bodies of
// a module so that its stacks are allocated once.
type funcValidator struct {
	m         *Module
	features  Features
	r         reader
	pc        int    // offset in the body of the instruction being validated
	op        Opcode // the instruction being validated
	err       error  // first validation error
	refs      []bool // functions that ref.func may name
	hasMemory bool

	vals      []ValueType
	slots     int
	height    int // height of the innermost frame, cached from ctrls
	ctrls     []ctrlFrame
	locals    []ValueType
	maxHeight int
	maxSlots  int
	labels    []uint32
	popped    []ValueType

	blocks       []BlockInfo // side tables of all functions, sliced per function at the end
	operandTypes []ValueType
	bodyTypes    []FuncType // per type index, the function body's block type
}

// validateBodies validates every function body and fills m.FuncInfo. It
// returns the first encoding error if any body has one, else the first
// validation error. With syntaxOnly, module declarations are known to be
// invalid and only encoding errors matter.
func (mv *moduleValidator) validateBodies(syntaxOnly bool) error {
	m := mv.m
	v := &funcValidator{m: m, features: m.Features, hasMemory: len(m.AllMemories) > 0}
	if !syntaxOnly {
		v.refs = mv.declaredRefs()
	}
	// Compiled code averages about one block per 30 bytes (Go: 31); sizing the arena
	// up front saves the copies of repeated growth.
	codeBytes := 0
	for i := range m.Code {
		codeBytes += len(m.Code[i].Body)
	}
	v.blocks = make([]BlockInfo, 0, len(m.Code)+codeBytes/24)
	v.bodyTypes = make([]FuncType, len(m.Types))
	for i, t := range m.Types {
		v.bodyTypes[i].Results = t.Results
	}
	infos := make([]FuncInfo, len(m.Code))
	spans := make([][4]int, len(m.Code))
	var invalid error
	for i := range m.Code {
		v.err = nil
		spans[i][0], spans[i][2] = len(v.blocks), len(v.operandTypes)
		if err := v.function(i, &infos[i]); err != nil {
			return err
		}
		spans[i][1], spans[i][3] = len(v.blocks), len(v.operandTypes)
		if invalid == nil {
			invalid = v.err
		}
	}
	for i := range infos {
		s := spans[i]
		infos[i].Blocks = v.blocks[s[0]:s[1]:s[1]]
		infos[i].OperandTypes = v.operandTypes[s[2]:s[3]:s[3]]
	}
	if invalid == nil && !syntaxOnly {
		m.FuncInfo = infos
	}
	return invalid
}

// function validates body i. It returns a *MalformedError if the body's
// encoding is broken; validation errors are left in v.err.
func (v *funcValidator) function(i int, info *FuncInfo) error {
	m := v.m
	code := &m.Code[i]
	fn := int(m.NumImportedFuncs) + i
	v.r = reader{data: code.Body, base: code.Offset, section: "code", fn: fn}
	v.pc, v.op = 0, OpBlock
	typ := &emptyBlockType
	body := &emptyBlockType
	if ti := m.Funcs[i]; int(ti) < len(m.Types) {
		typ, body = &m.Types[ti], &v.bodyTypes[ti]
	} else {
		v.fail("unknown type %d", ti)
	}
	n := len(typ.Params)
	for _, d := range code.Locals {
		n += int(d.Count)
	}
	locals := make([]ValueType, 0, n)
	locals = append(locals, typ.Params...)
	for _, d := range code.Locals {
		for j := uint32(0); j < d.Count; j++ {
			locals = append(locals, d.Type)
		}
	}
	v.locals = locals
	v.vals, v.ctrls = v.vals[:0], v.ctrls[:0]
	v.slots, v.maxHeight, v.maxSlots = 0, 0, 0
	v.pushCtrl(OpBlock, body)

	r := &v.r
	for len(v.ctrls) > 0 {
		if r.eof() {
			r.fail("unexpected end of section or function")
			return r.err
		}
		v.pc = r.pos
		if v.fast() {
			continue
		}
		var op Opcode
		if b := r.data[r.pos]; b < 0xFC && opsMVP[b].name != "" && v.features.Has(opsMVP[b].feature) {
			op = Opcode(b)
			r.pos++
		} else {
			op = readOpcode(r, v.features)
			if r.err != nil {
				return r.err
			}
		}
		v.op = op
		v.instr(op)
		if r.err != nil {
			return r.err
		}
	}
	if !r.eof() {
		r.fail("section size mismatch: bytes after the function's final end")
		return r.err
	}
	*info = FuncInfo{
		Type:      typ,
		Locals:    locals,
		MaxHeight: uint32(v.maxHeight),
		MaxSlots:  uint32(v.maxSlots),
	}
	return nil
}

func (v *funcValidator) fail(format string, args ...any) {
	if v.err == nil {
		v.err = &InvalidError{
			Position{Section: "code", Offset: v.r.base + v.pc, Func: v.r.fn, Op: v.op.String()},
			fmt.Sprintf(format, args...),
		}
	}
}

func (v *funcValidator) push(t ValueType) {
	v.vals = append(v.vals, t)
	v.slots += slotsOf(t)
	if len(v.vals) > v.maxHeight {
		v.maxHeight = len(v.vals)
	}
	if v.slots > v.maxSlots {
		v.maxSlots = v.slots
	}
}

func slotsOf(t ValueType) int {
	if t == V128 {
		return 2
	}
	return 1
}

func (v *funcValidator) pushVals(ts []ValueType) {
	for _, t := range ts {
		v.push(t)
	}
}

func (v *funcValidator) pop() ValueType {
	n := len(v.vals)
	if n == v.height {
		if !v.ctrls[len(v.ctrls)-1].unreachable {
			v.fail("type mismatch: operand stack underflow")
		}
		return unknown
	}
	t := v.vals[n-1]
	v.vals = v.vals[:n-1]
	v.slots -= slotsOf(t)
	return t
}

func (v *funcValidator) popExpect(want ValueType) ValueType {
	n := len(v.vals)
	if n > v.height && v.vals[n-1] == want {
		v.vals = v.vals[:n-1]
		v.slots -= slotsOf(want)
		return want
	}
	got := v.pop()
	if got != want && got != unknown && want != unknown {
		v.fail("type mismatch: expected %s, found %s", want, got)
	}
	return got
}

func (v *funcValidator) popVals(ts []ValueType) {
	for i := len(ts) - 1; i >= 0; i-- {
		v.popExpect(ts[i])
	}
}

func (v *funcValidator) pushCtrl(op Opcode, typ *FuncType) {
	if len(v.ctrls) > maxNesting {
		v.r.fail(fmt.Sprintf("blocks nested deeper than %d: implementation limit", maxNesting))
		return
	}
	h := len(v.vals)
	s := v.slots
	ps, rs := 0, 0
	for _, t := range typ.Params {
		ps += slotsOf(t)
	}
	for _, t := range typ.Results {
		rs += slotsOf(t)
	}
	v.blocks = append(v.blocks, BlockInfo{
		Op: op, Start: uint32(v.pc),
		Params: uint32(len(typ.Params)), Results: uint32(len(typ.Results)),
		ParamSlots: uint32(ps), ResultSlots: uint32(rs),
		Height: uint32(h), Slots: uint32(s),
	})
	v.ctrls = append(v.ctrls, ctrlFrame{op: op, typ: typ, height: h, slots: s, block: len(v.blocks) - 1})
	v.height = h
	v.pushVals(typ.Params)
}

// popCtrl checks the innermost frame's results and removes it.
func (v *funcValidator) popCtrl() ctrlFrame {
	f := v.ctrls[len(v.ctrls)-1]
	v.popVals(f.typ.Results)
	if len(v.vals) != f.height {
		v.fail("type mismatch: %d values left on the stack at the end of a block", len(v.vals)-f.height)
		v.vals = v.vals[:f.height]
		v.slots = f.slots
	}
	v.ctrls = v.ctrls[:len(v.ctrls)-1]
	if len(v.ctrls) > 0 {
		v.height = v.ctrls[len(v.ctrls)-1].height
	}
	return f
}

func labelTypes(f *ctrlFrame) []ValueType {
	if f.op == OpLoop {
		return f.typ.Params
	}
	return f.typ.Results
}

// setUnreachable makes the rest of the current block stack-polymorphic.
func (v *funcValidator) setUnreachable() {
	f := &v.ctrls[len(v.ctrls)-1]
	v.vals = v.vals[:f.height]
	v.slots = f.slots
	f.unreachable = true
}

// label resolves a branch depth, or fails and returns nil.
func (v *funcValidator) label(depth uint32) *ctrlFrame {
	if int64(depth) >= int64(len(v.ctrls)) {
		v.fail("unknown label %d", depth)
		return nil
	}
	return &v.ctrls[len(v.ctrls)-1-int(depth)]
}

func (v *funcValidator) blockType() *FuncType {
	r := &v.r
	if r.pos < len(r.data) {
		switch b := r.data[r.pos]; b {
		case 0x40:
			r.pos++
			return &emptyBlockType
		case byte(I32), byte(I64), byte(F32), byte(F64), byte(V128), byte(FuncRef), byte(ExternRef):
			t := valueTypeChecked(r, v.features)
			return &valueBlockTypes[t]
		}
	}
	idx := r.signed(33)
	if r.err != nil {
		return &emptyBlockType
	}
	if idx < 0 || !v.features.Has(FeatureMultiValue) {
		r.fail("malformed block type")
		return &emptyBlockType
	}
	if idx >= int64(len(v.m.Types)) {
		v.fail("unknown type %d", idx)
		return &emptyBlockType
	}
	return &v.m.Types[idx]
}

// valueTypeChecked reads a value type, failing on types whose feature is off.
func valueTypeChecked(r *reader, f Features) ValueType {
	t := ValueType(r.byte())
	switch t {
	case I32, I64, F32, F64:
		return t
	case V128:
		if f.Has(FeatureSIMD) {
			return t
		}
	case FuncRef, ExternRef:
		if f.Has(FeatureReferenceTypes) {
			return t
		}
	}
	if r.err == nil {
		r.pos--
		r.fail("malformed value type")
	}
	return I32
}

func (v *funcValidator) zeroByte() {
	if v.r.byte() != 0 && v.r.err == nil {
		v.r.pos--
		v.r.fail("zero byte expected")
	}
}

func (v *funcValidator) memory() {
	if len(v.m.AllMemories) == 0 {
		v.fail("unknown memory 0")
	}
}

func (v *funcValidator) table(idx uint32) *TableType {
	if int64(idx) >= int64(len(v.m.AllTables)) {
		v.fail("unknown table %d", idx)
		return nil
	}
	return &v.m.AllTables[idx]
}

func (v *funcValidator) funcSig(idx uint32) *FuncType {
	m := v.m
	if int64(idx) >= int64(len(m.FuncSigs)) {
		v.fail("unknown function %d", idx)
		return nil
	}
	if ti := m.FuncSigs[idx]; int(ti) < len(m.Types) {
		return &m.Types[ti]
	}
	v.fail("unknown type of function %d", idx)
	return nil
}

func (v *funcValidator) memarg(maxAlign uint8) {
	align := v.r.u32()
	v.r.u32() // offset
	v.memory()
	if align > uint32(maxAlign) {
		v.fail("alignment must not be larger than natural (2^%d > %d bytes)", align, 1<<maxAlign)
	}
}

func (v *funcValidator) applySig(s *signature) {
	v.popVals(s.in)
	v.pushVals(s.out)
}

// requireDataCount enforces the binary format's rule that code naming a data
// segment needs the data count section. A module without data segments is
// exempt: its data indices are all unknown, so it is rejected as invalid
// instead. Text-format tests of the spec suite rely on that, as encoders omit
// the section when there is no data.
func (v *funcValidator) requireDataCount() {
	if !v.m.HasDataCount && len(v.m.Data) > 0 {
		v.r.fail("data count section required")
	}
}

// instr validates one instruction whose opcode has been read.
func (v *funcValidator) instr(op Opcode) {
	r := &v.r
	in := op.info()
	if in.sig != nil && in.imm == immNone {
		v.applySig(in.sig)
		return
	}
	switch op {
	case OpUnreachable:
		v.setUnreachable()
	case OpBlock, OpLoop, OpIf:
		bt := v.blockType()
		if op == OpIf {
			v.popExpect(I32)
		}
		v.popVals(bt.Params)
		v.pushCtrl(op, bt)
	case OpElse:
		f := &v.ctrls[len(v.ctrls)-1]
		if f.op != OpIf || f.hasElse {
			r.pos--
			r.fail("else without matching if")
			return
		}
		v.popVals(f.typ.Results)
		if len(v.vals) != f.height {
			v.fail("type mismatch: %d values left on the stack at else", len(v.vals)-f.height)
		}
		v.vals = v.vals[:f.height]
		v.slots = f.slots
		f.hasElse = true
		f.unreachable = false
		v.blocks[f.block].Else = uint32(v.pc)
		v.pushVals(f.typ.Params)
	case OpEnd:
		top := &v.ctrls[len(v.ctrls)-1]
		if top.op == OpIf && !top.hasElse && !sameTypes(top.typ.Params, top.typ.Results) {
			v.fail("type mismatch: if without else must leave its parameters as results")
		}
		f := v.popCtrl()
		v.blocks[f.block].End = uint32(v.pc)
		v.pushVals(f.typ.Results)
	case OpBr:
		if f := v.label(r.u32()); f != nil {
			v.popVals(labelTypes(f))
		}
		v.setUnreachable()
	case OpBrIf:
		depth := r.u32()
		v.popExpect(I32)
		if f := v.label(depth); f != nil {
			lt := labelTypes(f)
			v.popVals(lt)
			v.pushVals(lt)
		}
	case OpBrTable:
		v.brTable()
	case OpReturn:
		v.popVals(v.ctrls[0].typ.Results)
		v.setUnreachable()
	case OpCall:
		if t := v.funcSig(r.u32()); t != nil {
			v.popVals(t.Params)
			v.pushVals(t.Results)
		}
	case OpCallIndirect:
		ti := r.u32()
		var tab uint32
		if v.features.Has(FeatureReferenceTypes) {
			tab = r.u32()
		} else {
			v.zeroByte()
		}
		t := v.table(tab)
		if t != nil && t.Elem != FuncRef {
			v.fail("type mismatch: call_indirect through a table of %s", t.Elem)
		}
		v.popExpect(I32)
		if int64(ti) >= int64(len(v.m.Types)) {
			v.fail("unknown type %d", ti)
			return
		}
		ft := &v.m.Types[ti]
		v.popVals(ft.Params)
		v.pushVals(ft.Results)
	case OpDrop:
		t := v.pop()
		if t == unknown {
			t = I32
		}
		v.operandTypes = append(v.operandTypes, t)
	case OpSelect:
		v.popExpect(I32)
		t1, t2 := v.pop(), v.pop()
		if t1.IsRef() || t2.IsRef() {
			v.fail("type mismatch: select without a type operates on numbers and vectors only")
		}
		if t1 != unknown && t2 != unknown && t1 != t2 {
			v.fail("type mismatch: select of %s and %s", t2, t1)
		}
		t := t1
		if t == unknown {
			t = t2
		}
		v.push(t)
		if t == unknown {
			t = I32
		}
		v.operandTypes = append(v.operandTypes, t)
	case OpSelectT:
		n := r.count()
		var t ValueType
		for i := 0; i < n && r.err == nil; i++ {
			t = valueTypeChecked(r, v.features)
		}
		if n != 1 {
			v.fail("invalid result arity: select takes one type, not %d", n)
			t = I32
		}
		v.popExpect(I32)
		v.popExpect(t)
		v.popExpect(t)
		v.push(t)
		v.operandTypes = append(v.operandTypes, t)
	case OpLocalGet, OpLocalSet, OpLocalTee:
		x := r.u32()
		if int64(x) >= int64(len(v.locals)) {
			v.fail("unknown local %d", x)
			return
		}
		t := v.locals[x]
		if op != OpLocalGet {
			v.popExpect(t)
		}
		if op != OpLocalSet {
			v.push(t)
		}
	case OpGlobalGet, OpGlobalSet:
		x := r.u32()
		if int64(x) >= int64(len(v.m.AllGlobals)) {
			v.fail("unknown global %d", x)
			return
		}
		g := v.m.AllGlobals[x]
		if op == OpGlobalGet {
			v.push(g.Type)
			return
		}
		if !g.Mutable {
			v.fail("global is immutable: global.set of global %d", x)
		}
		v.popExpect(g.Type)
	case OpTableGet, OpTableSet, OpTableGrow, OpTableSize, OpTableFill:
		t := v.table(r.u32())
		if t == nil {
			return
		}
		switch op {
		case OpTableGet:
			v.popExpect(I32)
			v.push(t.Elem)
		case OpTableSet:
			v.popExpect(t.Elem)
			v.popExpect(I32)
		case OpTableGrow:
			v.popExpect(I32)
			v.popExpect(t.Elem)
			v.push(I32)
		case OpTableSize:
			v.push(I32)
		case OpTableFill:
			v.popExpect(I32)
			v.popExpect(t.Elem)
			v.popExpect(I32)
		}
	case OpMemorySize, OpMemoryGrow, OpMemoryFill:
		v.zeroByte()
		v.memory()
		v.applySig(in.sig)
	case OpI32Const:
		r.s32()
		v.push(I32)
	case OpI64Const:
		r.s64()
		v.push(I64)
	case OpF32Const:
		r.bytes(4)
		v.push(F32)
	case OpF64Const:
		r.bytes(8)
		v.push(F64)
	case OpV128Const:
		r.bytes(16)
		v.push(V128)
	case OpRefNull:
		t := ValueType(r.byte())
		if !t.IsRef() || (t == ExternRef && !v.features.Has(FeatureReferenceTypes)) {
			if r.err == nil {
				r.pos--
				r.fail("malformed reference type")
			}
			return
		}
		v.push(t)
	case OpRefIsNull:
		if t := v.pop(); t != unknown && !t.IsRef() {
			v.fail("type mismatch: ref.is_null of %s", t)
		}
		v.push(I32)
	case OpRefFunc:
		x := r.u32()
		if v.funcSig(x) == nil {
			return
		}
		if v.refs != nil && !v.refs[x] {
			v.fail("undeclared function reference %d", x)
		}
		v.push(FuncRef)
	case OpMemoryInit, OpDataDrop:
		x := r.u32()
		if op == OpMemoryInit {
			v.zeroByte()
		}
		v.requireDataCount()
		if op == OpMemoryInit {
			v.memory()
		}
		if int64(x) >= int64(len(v.m.Data)) {
			v.fail("unknown data segment %d", x)
		}
		v.applySig(in.sig)
	case OpMemoryCopy:
		v.zeroByte()
		v.zeroByte()
		v.memory()
		v.applySig(in.sig)
	case OpTableInit:
		x, tab := r.u32(), r.u32()
		t := v.table(tab)
		if int64(x) >= int64(len(v.m.Elems)) {
			v.fail("unknown elem segment %d", x)
		} else if t != nil && t.Elem != v.m.Elems[x].Type {
			v.fail("type mismatch: table.init of %s segment into table of %s", v.m.Elems[x].Type, t.Elem)
		}
		v.applySig(in.sig)
	case OpElemDrop:
		if x := r.u32(); int64(x) >= int64(len(v.m.Elems)) {
			v.fail("unknown elem segment %d", x)
		}
	case OpTableCopy:
		dst, src := v.table(r.u32()), v.table(r.u32())
		if dst != nil && src != nil && dst.Elem != src.Elem {
			v.fail("type mismatch: table.copy from table of %s to table of %s", src.Elem, dst.Elem)
		}
		v.applySig(in.sig)
	default:
		v.typedWithImmediates(op, in)
	}
}

// typedWithImmediates validates the instructions with a fixed signature and
// immediates to check: memory accesses and SIMD lane instructions.
func (v *funcValidator) typedWithImmediates(op Opcode, in *opInfo) {
	r := &v.r
	switch in.imm {
	case immMemarg:
		v.memarg(in.align)
	case immMemargLane:
		v.memarg(in.align)
		if lane := r.byte(); lane >= 16>>in.align {
			v.fail("invalid lane index %d", lane)
		}
	case immLane:
		if lane := r.byte(); lane >= laneCount(op) {
			v.fail("invalid lane index %d", lane)
		}
	case immShuffle:
		for _, lane := range r.bytes(16) {
			if lane >= 32 {
				v.fail("invalid lane index %d", lane)
			}
		}
	default:
		// Unreachable for the opcode tables as defined; TestEveryOpcodeHasARule
		// keeps it so.
		v.fail("no validation rule for %s", op)
		return
	}
	v.applySig(in.sig)
}

// laneCount is the number of lanes addressed by an extract_lane or
// replace_lane instruction.
func laneCount(op Opcode) byte {
	switch {
	case op <= OpI8x16ReplaceLane:
		return 16
	case op <= OpI16x8ReplaceLane:
		return 8
	case op <= OpI32x4ReplaceLane:
		return 4
	case op <= OpI64x2ReplaceLane:
		return 2
	case op <= OpF32x4ReplaceLane:
		return 4
	}
	return 2
}

func sameTypes(a, b []ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (v *funcValidator) brTable() {
	r := &v.r
	n := r.count()
	v.labels = v.labels[:0]
	for i := 0; i <= n && r.err == nil; i++ {
		v.labels = append(v.labels, r.u32())
	}
	if r.err != nil {
		return
	}
	v.popExpect(I32)
	def := v.label(v.labels[n])
	if def == nil {
		return
	}
	arity := len(labelTypes(def))
	for _, l := range v.labels[:n] {
		f := v.label(l)
		if f == nil {
			return
		}
		lt := labelTypes(f)
		if len(lt) != arity {
			v.fail("type mismatch: br_table targets of arities %d and %d", len(lt), arity)
			return
		}
		// 1.0 requires identical label types; 2.0 only that the operands fit each.
		if !v.features.Has(FeatureReferenceTypes) && !sameTypes(lt, labelTypes(def)) {
			v.fail("type mismatch: br_table targets of types %v and %v", lt, labelTypes(def))
			return
		}
		// Pop and push back what was found, so that polymorphic operands stay
		// polymorphic for the next target.
		v.popped = v.popped[:0]
		for i := len(lt) - 1; i >= 0; i-- {
			v.popped = append(v.popped, v.popExpect(lt[i]))
		}
		for i := len(v.popped) - 1; i >= 0; i-- {
			v.push(v.popped[i])
		}
	}
	v.popVals(labelTypes(def))
	v.setUnreachable()
}

// skipImmediates reads and discards the immediates of op, for instructions
// that are decoded but not typed (non-constant instructions in a constant
// expression).
func skipImmediates(r *reader, op Opcode) {
	switch op.info().imm {
	case immBlockType:
		r.signed(33)
	case immLabel, immFunc, immLocal, immGlobal, immTable, immData, immElem:
		r.u32()
	case immBrTable:
		n := r.count()
		for i := 0; i <= n && r.err == nil; i++ {
			r.u32()
		}
	case immCallIndirect, immElemTable, immTableTable, immMemarg:
		r.u32()
		r.u32()
	case immSelectT:
		r.bytes(r.count())
	case immMemory:
		r.byte()
	case immI32:
		r.s32()
	case immI64:
		r.s64()
	case immF32:
		r.bytes(4)
	case immF64:
		r.bytes(8)
	case immRefType, immLane:
		r.byte()
	case immDataMemory:
		r.u32()
		r.byte()
	case immMemoryMemory:
		r.bytes(2)
	case immV128, immShuffle:
		r.bytes(16)
	case immMemargLane:
		r.u32()
		r.u32()
		r.byte()
	}
}
