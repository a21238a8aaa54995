package jit

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/terra-runtime/terra/wasm"
)

// This file is the front end shared by the backends: a single pass over a
// validated body that tracks each operand as a constant, a local, a
// register, a pending condition or a value in its slot, and emits code
// only when a value is consumed (as V8's Liftoff and Wasmtime's Winch do).
//
// Merge points (block ends, branch targets, loop headers) have one
// canonical state: every operand-stack value in its slot and every pinned
// local in its register. A loop header's state is thus the interpreter's
// frame-slot layout plus the pinned locals' registers, so that entering a
// loop from the interpreter is loading the slots and jumping.

// ErrUnsupported reports a function the JIT leaves to the interpreter (one
// that uses SIMD, for now).
var ErrUnsupported = errors.New("jit: instruction not compiled")

// Kind says where a value is.
type Kind uint8

// Value kinds.
const (
	InSlot  Kind = iota // in its slot (its height's)
	InReg               // in Value.Reg
	IsConst             // the constant Value.Imm
	IsLocal             // the current value of local Value.Local
	IsCond              // the condition Value.Cond holds: an i32 1 or 0
)

// Value is an operand-stack entry.
type Value struct {
	Kind  Kind
	Type  wasm.ValueType
	Reg   Reg
	Cond  Cond
	Local uint32
	Imm   uint64
	// Height is the value's stack height once popped: an InSlot value is
	// in slot Slot(Height).
	Height uint32
}

// LocKind says what a Loc is.
type LocKind uint8

// Location kinds.
const (
	LocReg LocKind = iota
	LocSlot
	LocConst
)

// Loc is a location for Backend.Move.
type Loc struct {
	Kind LocKind
	Reg  Reg
	Slot uint32
	Imm  uint64
}

// RegLoc, SlotLoc and ConstLoc make locations.
func RegLoc(r Reg) Loc       { return Loc{Kind: LocReg, Reg: r} }
func SlotLoc(s uint32) Loc   { return Loc{Kind: LocSlot, Slot: s} }
func ConstLoc(v uint64) Loc  { return Loc{Kind: LocConst, Imm: v} }
func (l Loc) IsReg() bool    { return l.Kind == LocReg }
func (l Loc) IsConst() bool  { return l.Kind == LocConst }
func (l Loc) IsSlot() bool   { return l.Kind == LocSlot }
func (l Loc) String() string { return fmt.Sprintf("%d:%d/%d/%#x", l.Kind, l.Reg, l.Slot, l.Imm) }

// owner says what a register holds.
type owner struct {
	kind  uint8 // ownFree, ownStack, ownLocal
	index int   // stack index or local
}

const (
	ownFree uint8 = iota
	ownStack
	ownLocal
)

// local is the state of a local.
type local struct {
	typ wasm.ValueType
	reg Reg // pinned register, or NoReg
	// inReg: the pinned register holds the value (else only the slot does);
	// dirty: the slot is older than the register.
	inReg, dirty bool
}

// control is a block, loop, if or the function body.
type control struct {
	op     wasm.Opcode
	typ    *wasm.FuncType
	block  *wasm.BlockInfo
	height uint32 // stack height below the block's parameters
	label  Label  // the end (block, if, body) or the header (loop)
	elseL  Label  // if: the start of the else arm
	// reachedEnd: some branch targets the end, so code after it runs.
	reachedEnd bool
	inElse     bool
	dead       bool  // the rest of the current arm is unreachable
	stub       Label // br_table: the stub that branches here, while one is made
}

// arity returns how many values a branch to c carries.
func (c *control) arity() uint32 {
	if c.op == wasm.OpLoop {
		return c.block.Params
	}
	return c.block.Results
}

// Compiler is the front end's state for one function. Backends use its
// methods to take operands and push results.
type Compiler struct {
	B      Backend
	R      wasm.CodeReader
	M      *wasm.Module
	Frame  Frame
	regs   *Registers
	base   uint32 // module offset of the body
	opPos  int    // body offset of the instruction being compiled
	stack  []Value
	locals []local
	ctls   []control
	owners [MaxRegs]owner
	pinned [MaxRegs]bool // registers an instruction in progress holds
	nblock int
	// pinnedLocals lists the locals that have a register.
	pinnedLocals []uint32
	// loops lists the loop headers compiled, for their OSR entries.
	loops []loopHeader
	// Buffers reused across instructions and functions.
	weights  []int
	loopBuf  []bool
	orderBuf []uint32
	localBuf []uint32
	labelBuf []Label
	ctlBuf   []*control
	err      error
}

// NewCompiler returns a front end that compiles with b.
func NewCompiler(b Backend) *Compiler {
	return &Compiler{B: b, regs: b.Registers()}
}

// Local returns local x's type and pinned register, and whether its value
// is in that register now.
func (c *Compiler) Local(x uint32) (t wasm.ValueType, r Reg, inReg bool) {
	l := &c.locals[x]
	return l.typ, l.reg, l.inReg
}

// PinnedLocals lists the locals that have a register.
func (c *Compiler) PinnedLocals() []uint32 { return c.pinnedLocals }

// Offset returns the module offset of the instruction being compiled.
func (c *Compiler) Offset() uint32 { return c.base + uint32(c.opPos) }

// Slot returns the slot of stack height h.
func (c *Compiler) Slot(h uint32) uint32 { return c.Frame.Locals + h }

// Height returns the operand stack's height.
func (c *Compiler) Height() uint32 { return uint32(len(c.stack)) }

// Fail stops the compilation with err.
func (c *Compiler) Fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Compile compiles defined function i of m.
func (c *Compiler) Compile(m *wasm.Module, i int) (Output, error) {
	body := &m.Code[i]
	info := &m.FuncInfo[i]
	c.M, c.err = m, nil
	c.R = wasm.CodeReader{Body: body.Body}
	c.base = uint32(body.Offset)
	c.opPos = 0 // the prologue's sites (stack check, poll) are the body's start
	c.stack = c.stack[:0]
	c.ctls = c.ctls[:0]
	c.loops = c.loops[:0]
	c.nblock = 0
	c.owners = [MaxRegs]owner{}
	c.pinned = [MaxRegs]bool{}
	c.pinnedLocals = c.pinnedLocals[:0]
	f := &c.Frame
	*f = Frame{
		Module:    m,
		Index:     m.NumImportedFuncs + uint32(i),
		Info:      info,
		Locals:    uint32(len(info.Locals)),
		Params:    uint32(len(info.Type.Params)),
		Results:   uint32(len(info.Type.Results)),
		MaxHeight: info.MaxHeight,
		Pinned:    f.Pinned[:0],
	}
	f.Cells = max(f.Params, f.Results)
	if info.MaxSlots != info.MaxHeight {
		return Output{}, ErrUnsupported // v128 values
	}
	c.locals = c.locals[:0]
	for li, t := range info.Locals {
		if t == wasm.V128 {
			return Output{}, ErrUnsupported
		}
		// The prologue loads pinned parameters and zeroes pinned locals;
		// parameters' slots hold them too.
		c.locals = append(c.locals, local{typ: t, reg: NoReg, dirty: li >= len(info.Type.Params)})
	}
	c.pinLocals()
	for li := range c.locals {
		f.Pinned = append(f.Pinned, c.locals[li].reg)
	}
	c.B.Begin(c)
	c.pushCtl(wasm.OpBlock, info.Type, &info.Blocks[0])
	c.nblock = 1
	for len(c.ctls) > 0 && c.err == nil {
		c.opPos = c.R.Pos
		c.pinned = [MaxRegs]bool{}
		c.instr(c.R.Opcode())
	}
	if c.err != nil {
		return Output{}, c.err
	}
	for _, l := range c.loops {
		c.B.OSREntry(l.label, l.slots, l.offset)
	}
	return c.B.End()
}

// loopHeader is a loop that an on-stack replacement may enter.
type loopHeader struct {
	label         Label
	slots, offset uint32
}

// pinLocals gives the locals used most (uses in loops count more, the more
// deeply nested) the registers for locals of their class.
func (c *Compiler) pinLocals() {
	// With no more locals of a class than registers for them, every local
	// gets one: no need to rank them.
	var count [2]int
	for i := range c.locals {
		count[ClassOf(c.locals[i].typ)]++
	}
	if count[GP] <= len(c.regs.Locals[GP]) && count[FP] <= len(c.regs.Locals[FP]) {
		var used [2]int
		for li := range c.locals {
			l := &c.locals[li]
			cl := ClassOf(l.typ)
			l.reg, l.inReg = c.regs.Locals[cl][used[cl]], true
			used[cl]++
			c.owners[l.reg] = owner{kind: ownLocal, index: li}
			c.pinnedLocals = append(c.pinnedLocals, uint32(li))
		}
		return
	}
	weights := c.weights[:0]
	for range c.locals {
		weights = append(weights, 0)
	}
	c.weights = weights
	r := wasm.CodeReader{Body: c.R.Body}
	loops := c.loopBuf[:0]
	for r.Pos < len(r.Body) {
		switch op := r.Opcode(); op {
		case wasm.OpLocalGet, wasm.OpLocalSet, wasm.OpLocalTee:
			weights[r.U32()] += 1 << min(3*len(loops), 30)
		case wasm.OpBlock, wasm.OpIf:
			r.Skip(op)
			loops = append(loops, false)
		case wasm.OpLoop:
			r.Skip(op)
			loops = append(loops, true)
		case wasm.OpEnd:
			if n := len(loops); n > 0 {
				loops = loops[:n-1]
			}
		default:
			r.Skip(op)
		}
	}
	c.loopBuf = loops
	order := c.orderBuf[:0]
	for li := range c.locals {
		if weights[li] > 0 {
			order = append(order, uint32(li))
		}
	}
	c.orderBuf = order
	slices.SortStableFunc(order, func(a, b uint32) int { return cmp.Compare(weights[b], weights[a]) })
	var used [2]int
	for _, li := range order {
		l := &c.locals[li]
		cl := ClassOf(l.typ)
		if used[cl] == len(c.regs.Locals[cl]) {
			continue
		}
		l.reg = c.regs.Locals[cl][used[cl]]
		l.inReg = true
		used[cl]++
		c.owners[l.reg] = owner{kind: ownLocal, index: int(li)}
	}
	for li := range c.locals {
		if c.locals[li].reg != NoReg {
			c.pinnedLocals = append(c.pinnedLocals, uint32(li))
		}
	}
}

func (c *Compiler) pushCtl(op wasm.Opcode, t *wasm.FuncType, blk *wasm.BlockInfo) *control {
	c.ctls = append(c.ctls, control{op: op, typ: t, block: blk, height: blk.Height, label: c.B.NewLabel()})
	return &c.ctls[len(c.ctls)-1]
}

// label returns the control frame a branch of depth d targets.
func (c *Compiler) label(d uint32) *control { return &c.ctls[len(c.ctls)-1-int(d)] }

func (c *Compiler) instr(op wasm.Opcode) {
	switch op {
	case wasm.OpUnreachable:
		c.B.Trap(trapUnreachable)
		c.skipDead()
	case wasm.OpNop:
	case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
		t := c.R.BlockType(c.M)
		blk := &c.Frame.Info.Blocks[c.nblock]
		c.nblock++
		var cond Value
		if op == wasm.OpIf {
			cond = c.Pop()
		}
		c.SpillAll()
		switch op {
		case wasm.OpBlock:
			c.pushCtl(op, t, blk)
		case wasm.OpLoop:
			c.canonLocals()
			// Back edges arrive with the registers newer than the slots.
			for _, li := range c.pinnedLocals {
				c.locals[li].dirty = true
			}
			ctl := c.pushCtl(op, t, blk)
			c.B.Bind(ctl.label)
			c.loops = append(c.loops, loopHeader{
				label: ctl.label, offset: c.Offset(),
				slots: c.Frame.Locals + blk.Height + uint32(len(t.Params)),
			})
			c.B.Poll()
		case wasm.OpIf:
			c.canonLocals()
			cc := c.condOf(cond)
			ctl := c.pushCtl(op, t, blk)
			ctl.elseL = c.B.NewLabel()
			c.B.Branch(cc, true, ctl.elseL)
		}
	case wasm.OpElse:
		ctl := &c.ctls[len(c.ctls)-1]
		if !ctl.dead {
			c.toLabel(ctl, ctl.block.Results)
			c.B.Jump(ctl.label)
			ctl.reachedEnd = true
		}
		ctl.inElse, ctl.dead = true, false
		c.B.Bind(ctl.elseL)
		c.resetTo(ctl, ctl.typ.Params)
	case wasm.OpEnd:
		c.end()
	case wasm.OpBr:
		ctl := c.label(c.R.U32())
		c.branch(ctl)
		c.skipDead()
	case wasm.OpBrIf:
		ctl := c.label(c.R.U32())
		cond := c.Pop()
		cc := c.condOf(cond)
		// Both paths get the pinned locals in their registers, so that
		// the fallthrough's state is the one the front end tracks.
		c.canonLocals()
		if c.atLabel(ctl) {
			c.B.Branch(cc, false, ctl.target())
			ctl.targeted()
			return
		}
		skip := c.B.NewLabel()
		c.B.Branch(cc, true, skip)
		c.branch(ctl)
		c.B.Bind(skip)
	case wasm.OpBrTable:
		c.brTable()
	case wasm.OpReturn:
		c.branch(&c.ctls[0])
		c.skipDead()
	case wasm.OpCall:
		fn := c.R.U32()
		t := c.M.FuncType(fn)
		argSlot, cells := c.beforeCall(t)
		c.B.Call(fn, argSlot, cells)
		c.afterCall(t)
	case wasm.OpCallIndirect:
		ti, table := c.R.U32(), c.R.U32()
		t := &c.M.Types[ti]
		idx := c.Pop()
		r := c.Take(idx)
		argSlot, cells := c.beforeCall(t)
		c.B.CallIndirect(ti, table, r, argSlot, cells)
		c.afterCall(t)
	case wasm.OpDrop:
		c.Pop()
	case wasm.OpLocalGet:
		x := c.R.U32()
		c.stack = append(c.stack, Value{Kind: IsLocal, Type: c.locals[x].typ, Local: x})
	case wasm.OpLocalSet, wasm.OpLocalTee:
		c.setLocal(c.R.U32(), op == wasm.OpLocalTee)
	case wasm.OpI32Const:
		c.PushConst(wasm.I32, c.R.I32())
	case wasm.OpI64Const:
		c.PushConst(wasm.I64, uint64(c.R.S64()))
	case wasm.OpF32Const:
		c.PushConst(wasm.F32, c.R.F32())
	case wasm.OpF64Const:
		c.PushConst(wasm.F64, c.R.F64())
	case wasm.OpRefNull:
		c.PushConst(wasm.ValueType(c.R.Byte()), 0)
	default:
		if op.IsSIMD() || !c.B.Op(c, op) {
			c.Fail(fmt.Errorf("%w: %s", ErrUnsupported, op))
		}
	}
}

// Trap kinds, as store.TrapKind values, for the front end's own traps.
const trapUnreachable = 1

// target returns where a branch to c jumps.
func (ctl *control) target() Label { return ctl.label }

// targeted records that a branch reaches c's label.
func (ctl *control) targeted() {
	if ctl.op != wasm.OpLoop {
		ctl.reachedEnd = true
	}
}

// atLabel reports whether the current state is already c's canonical state,
// so that a branch needs no moves: the values it carries in their slots at
// the label's heights and every pinned local in its register.
func (c *Compiler) atLabel(ctl *control) bool {
	n := ctl.arity()
	if c.Height() != ctl.height+n {
		return false
	}
	for _, v := range c.stack[ctl.height:] {
		if v.Kind != InSlot {
			return false
		}
	}
	for _, li := range c.pinnedLocals {
		if !c.locals[li].inReg {
			return false
		}
	}
	return true
}

// toLabel establishes ctl's canonical state for a branch that carries the
// top n values: they move to their slots at the label's heights, and every
// pinned local to its register. The values below the label's height are in
// their slots already (SpillAll ran when the block was entered).
func (c *Compiler) toLabel(ctl *control, n uint32) {
	from := c.Height() - n
	for i := range n {
		v := c.stack[from+i]
		dst := c.Slot(ctl.height + i)
		if v.Kind == InSlot && from+i == ctl.height+i {
			continue
		}
		c.B.Move(v.Type, SlotLoc(dst), c.locOf(v, from+i))
	}
	c.canonLocals()
}

// branch jumps to ctl's label from any state.
func (c *Compiler) branch(ctl *control) {
	c.toLabel(ctl, ctl.arity())
	c.B.Jump(ctl.target())
	ctl.targeted()
}

func (c *Compiler) brTable() {
	n := c.R.U32()
	ctls := c.ctlBuf[:0]
	for range n + 1 {
		ctls = append(ctls, c.label(c.R.U32()))
	}
	c.ctlBuf = ctls
	targets := c.labelBuf[:0]
	idx := c.Pop()
	r := c.Take(idx)
	if c.allAtLabels(ctls) {
		for _, ctl := range ctls {
			targets = append(targets, ctl.target())
			ctl.targeted()
		}
		c.labelBuf = targets
		c.B.BrTable(r, targets)
		c.skipDead()
		return
	}
	// Spill everything once; each distinct target then needs only the
	// moves of the values it carries, in a stub of its own.
	for _, ctl := range ctls {
		ctl.stub = -1
	}
	for _, ctl := range ctls {
		if ctl.stub < 0 {
			ctl.stub = c.B.NewLabel()
		}
		targets = append(targets, ctl.stub)
	}
	c.labelBuf = targets
	c.SpillAll()
	c.canonLocals()
	c.B.BrTable(r, targets)
	for _, ctl := range ctls {
		if ctl.stub >= 0 {
			c.B.Bind(ctl.stub)
			ctl.stub = -1
			c.branch(ctl)
		}
	}
	c.skipDead()
}

// allAtLabels reports whether a branch to each of ctls needs no moves.
func (c *Compiler) allAtLabels(ctls []*control) bool {
	for _, ctl := range ctls {
		if !c.atLabel(ctl) {
			return false
		}
	}
	return true
}

func (c *Compiler) end() {
	ctl := &c.ctls[len(c.ctls)-1]
	reached := !ctl.dead
	if reached {
		c.toLabel(ctl, ctl.block.Results)
	}
	if ctl.op == wasm.OpIf && !ctl.inElse {
		// The false branch reaches the end with the parameters, which are
		// the results.
		if reached {
			c.B.Jump(ctl.label)
		}
		c.B.Bind(ctl.elseL)
		c.resetTo(ctl, ctl.typ.Params)
		reached = true
	}
	if ctl.op != wasm.OpLoop {
		c.B.Bind(ctl.label)
		reached = reached || ctl.reachedEnd
	}
	c.resetTo(ctl, ctl.typ.Results)
	c.ctls = c.ctls[:len(c.ctls)-1]
	if len(c.ctls) == 0 {
		if reached {
			c.B.Return(c.Slot(0))
		}
		return
	}
	if !reached {
		c.skipDead()
	}
}

// resetTo sets the state at one of ctl's labels: the values below the
// block, then values of types top, every one in its slot, and the pinned
// locals in their registers (and possibly newer than their slots).
func (c *Compiler) resetTo(ctl *control, top []wasm.ValueType) {
	for len(c.stack) > int(ctl.height) {
		c.Pop()
	}
	for _, t := range top {
		c.stack = append(c.stack, Value{Kind: InSlot, Type: t})
	}
	for _, li := range c.pinnedLocals {
		l := &c.locals[li]
		l.inReg, l.dirty = true, true
	}
}

// skipDead skips the unreachable rest of the current arm, to its else or
// end.
func (c *Compiler) skipDead() {
	ctl := &c.ctls[len(c.ctls)-1]
	ctl.dead = true
	target := ctl.block.End
	if ctl.op == wasm.OpIf && !ctl.inElse && ctl.block.Else != 0 {
		target = ctl.block.Else
	}
	c.R.Pos = int(target)
	for c.nblock < len(c.Frame.Info.Blocks) && c.Frame.Info.Blocks[c.nblock].Start < target {
		c.nblock++
	}
}

// beforeCall prepares a call of type t: every value in its slot (the
// arguments among them, in place), the pinned locals saved. It returns the
// slot of the first argument and the cells of the argument area.
func (c *Compiler) beforeCall(t *wasm.FuncType) (argSlot, cells uint32) {
	np := uint32(len(t.Params))
	c.SpillAll()
	c.savePinned()
	h := c.Height() - np
	return c.Slot(h), max(np, uint32(len(t.Results)))
}

// afterCall pops the arguments and pushes the results, in their slots.
func (c *Compiler) afterCall(t *wasm.FuncType) {
	for range t.Params {
		c.Pop()
	}
	for _, r := range t.Results {
		c.stack = append(c.stack, Value{Kind: InSlot, Type: r})
	}
}

// savePinned stores the pinned locals whose slots are stale and marks every
// pinned local as in its slot only, before code that clobbers registers.
func (c *Compiler) savePinned() {
	dirty := c.localBuf[:0]
	for _, li := range c.pinnedLocals {
		l := &c.locals[li]
		if l.inReg && l.dirty {
			dirty = append(dirty, li)
		}
		l.inReg, l.dirty = false, false
	}
	if len(dirty) > 0 {
		c.B.SavePinned(dirty)
	}
	c.localBuf = dirty
}

// ClobberAll prepares for code that clobbers every register but the
// backend's fixed ones (an exit to Go): values to their slots, pinned
// locals saved. Values the instruction holds (Take, Use) stay valid.
func (c *Compiler) ClobberAll() {
	c.SpillAll()
	c.savePinned()
}

// canonLocals loads every pinned local that is only in its slot.
func (c *Compiler) canonLocals() {
	load := c.localBuf[:0]
	for _, li := range c.pinnedLocals {
		l := &c.locals[li]
		if !l.inReg {
			load = append(load, li)
			l.inReg, l.dirty = true, false
		}
	}
	if len(load) > 0 {
		c.B.LoadPinned(load)
	}
	c.localBuf = load
}

// setLocal pops into local x, keeping the value if tee.
func (c *Compiler) setLocal(x uint32, tee bool) {
	v := c.Pop()
	l := &c.locals[x]
	if v.Kind == IsLocal && v.Local == x {
		// local.set x (local.get x) changes nothing.
		if tee {
			c.stack = append(c.stack, v)
		}
		return
	}
	// Stack entries that read the local's current value take it first.
	c.materializeLocal(x)
	if l.reg != NoReg {
		switch {
		case v.Kind == InReg:
			c.B.Move(l.typ, RegLoc(l.reg), RegLoc(v.Reg))
		default:
			c.B.Move(l.typ, RegLoc(l.reg), c.locOf(v, v.Height))
		}
		l.inReg, l.dirty = true, true
	} else {
		c.B.Move(l.typ, SlotLoc(x), c.locOf(v, v.Height))
	}
	if tee {
		if v.Kind == InReg || v.Kind == IsConst {
			c.push(v)
		} else {
			c.stack = append(c.stack, Value{Kind: IsLocal, Type: l.typ, Local: x})
		}
	}
}

// materializeLocal gives the stack entries that stand for local x's value
// a copy of it, before x changes.
func (c *Compiler) materializeLocal(x uint32) {
	for i := range c.stack {
		if v := &c.stack[i]; v.Kind == IsLocal && v.Local == x {
			c.B.Move(v.Type, SlotLoc(c.Slot(uint32(i))), c.localLoc(x))
			*v = Value{Kind: InSlot, Type: v.Type}
		}
	}
}

// localLoc returns where local x's value is.
func (c *Compiler) localLoc(x uint32) Loc {
	if l := &c.locals[x]; l.inReg {
		return RegLoc(l.reg)
	}
	return SlotLoc(x)
}

// locOf returns where the value at height h is, materializing a condition.
func (c *Compiler) locOf(v Value, h uint32) Loc {
	switch v.Kind {
	case InReg:
		return RegLoc(v.Reg)
	case IsConst:
		return ConstLoc(v.Imm)
	case IsLocal:
		return c.localLoc(v.Local)
	case IsCond:
		r := c.Alloc(GP)
		c.B.SetCond(v.Cond, r)
		return RegLoc(r)
	}
	return SlotLoc(c.Slot(h))
}

// SpillAll puts every operand-stack value in its slot.
func (c *Compiler) SpillAll() {
	for i := range c.stack {
		c.spill(i)
	}
}

func (c *Compiler) spill(i int) {
	v := &c.stack[i]
	if v.Kind == InSlot {
		return
	}
	c.B.Move(v.Type, SlotLoc(c.Slot(uint32(i))), c.locOf(*v, uint32(i)))
	if v.Kind == InReg {
		c.owners[v.Reg] = owner{}
	}
	*v = Value{Kind: InSlot, Type: v.Type}
}

// Pop pops the top value. A register it is in stays valid until the
// instruction ends or the register is allocated again: use Take or Use to
// keep it.
func (c *Compiler) Pop() Value {
	n := len(c.stack) - 1
	v := c.stack[n]
	v.Height = uint32(n)
	c.stack = c.stack[:n]
	if v.Kind == InReg {
		c.owners[v.Reg] = owner{}
		c.pinned[v.Reg] = true
	}
	return v
}

// Peek returns the value i below the top.
func (c *Compiler) Peek(i int) Value { return c.stack[len(c.stack)-1-i] }

func (c *Compiler) push(v Value) {
	if v.Kind == InReg {
		c.owners[v.Reg] = owner{kind: ownStack, index: len(c.stack)}
	}
	c.stack = append(c.stack, v)
}

// PushReg pushes a value of type t in register r.
func (c *Compiler) PushReg(t wasm.ValueType, r Reg) {
	c.push(Value{Kind: InReg, Type: t, Reg: r})
}

// PushConst pushes a constant.
func (c *Compiler) PushConst(t wasm.ValueType, v uint64) {
	c.stack = append(c.stack, Value{Kind: IsConst, Type: t, Imm: v})
}

// PushCond pushes an i32 that is 1 when cond holds. The condition stays in
// the flags if the next instruction branches or selects on it; otherwise it
// becomes a register at once.
func (c *Compiler) PushCond(cond Cond) {
	save := c.R.Pos
	next := c.R.Opcode()
	c.R.Pos = save
	if next == wasm.OpBrIf || next == wasm.OpIf || next == wasm.OpSelect {
		c.stack = append(c.stack, Value{Kind: IsCond, Type: wasm.I32, Cond: cond})
		return
	}
	r := c.Alloc(GP)
	c.B.SetCond(cond, r)
	c.PushReg(wasm.I32, r)
}

// CondOf returns the condition under which an i32 is not zero: v's own if
// it is a condition, otherwise a test of its register.
func (c *Compiler) CondOf(v Value) Cond { return c.condOf(v) }

// condOf returns the condition under which an i32 is not zero.
func (c *Compiler) condOf(v Value) Cond {
	if v.Kind == IsCond {
		return v.Cond
	}
	return c.B.Test(c.Use(v))
}

// Alloc returns a free register of class cl, spilling the deepest value in
// a register of that class if none is free. It stays reserved for the
// instruction in progress.
func (c *Compiler) Alloc(cl Class) Reg {
	for _, r := range c.regs.Alloc[cl] {
		if c.owners[r].kind == ownFree && !c.pinned[r] {
			c.pinned[r] = true
			return r
		}
	}
	for i := range c.stack {
		if v := c.stack[i]; v.Kind == InReg && c.regs.Class[v.Reg] == cl && !c.pinned[v.Reg] {
			r := v.Reg
			c.spill(i)
			c.pinned[r] = true
			return r
		}
	}
	c.Fail(fmt.Errorf("jit: out of %d registers", cl))
	return c.regs.Alloc[cl][0]
}

// Claim makes register r free for the instruction in progress, moving the
// value that has it to another register or its slot. Backends claim fixed
// registers before they take their operands.
func (c *Compiler) Claim(r Reg) {
	if o := c.owners[r]; o.kind == ownStack {
		v := &c.stack[o.index]
		c.pinned[r] = true
		n := c.Alloc(c.regs.Class[r])
		c.B.Move(v.Type, RegLoc(n), RegLoc(r))
		v.Reg = n
		c.owners[n] = o
		c.owners[r] = owner{}
		c.pinned[n] = false
	}
	c.pinned[r] = true
}

// Take returns a register that holds v and that the instruction may
// overwrite: v's own if it is in one, otherwise a new one loaded with it.
func (c *Compiler) Take(v Value) Reg {
	if v.Kind == InReg {
		c.pinned[v.Reg] = true
		return v.Reg
	}
	r := c.Alloc(ClassOf(v.Type))
	c.load(v, r)
	return r
}

// TakeInto puts v in register r, which the instruction claimed.
func (c *Compiler) TakeInto(v Value, r Reg) {
	if v.Kind == InReg && v.Reg == r {
		return
	}
	c.load(v, r)
}

// Use returns a register that holds v for reading only: a pinned local's
// own register, or v's, or a new one.
func (c *Compiler) Use(v Value) Reg {
	if v.Kind == IsLocal {
		if l := &c.locals[v.Local]; l.inReg {
			return l.reg
		}
	}
	return c.Take(v)
}

// load puts v in register r.
func (c *Compiler) load(v Value, r Reg) {
	switch v.Kind {
	case IsCond:
		c.B.SetCond(v.Cond, r)
	default:
		c.B.Move(v.Type, RegLoc(r), c.locOf(v, v.Height))
	}
}

// Operand returns v as a location the instruction can read without loading
// it: its register, a pinned local's register, a constant, or a slot.
// Values that are in no such place (conditions, locals only in their
// slots) are loaded.
func (c *Compiler) Operand(v Value) Loc {
	switch v.Kind {
	case InReg:
		c.pinned[v.Reg] = true
		return RegLoc(v.Reg)
	case IsConst:
		return ConstLoc(v.Imm)
	case IsLocal:
		if l := &c.locals[v.Local]; l.inReg {
			return RegLoc(l.reg)
		}
		return SlotLoc(v.Local)
	case InSlot:
		return SlotLoc(c.Slot(v.Height))
	}
	return RegLoc(c.Take(v))
}
