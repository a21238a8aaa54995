// Package wasmgen generates random valid WebAssembly 2.0 modules for
// differential testing of terra's execution tiers.
//
// A Source drives every decision, so a fuzzer can steer generation byte by
// byte and equal input gives an equal module. Modules cover structured
// control flow with multi-value block types, calls (direct, recursive and
// through tables, with every way call_indirect can trap), locals and
// globals of every number type and of reference types, memory and table
// instructions (bulk ones included), every scalar numeric instruction, and
// optionally SIMD.
//
// # Termination
//
// Every run of a generated module ends in bounded time. A mutable global,
// the fuel, is set by each entry function (an export the module never
// calls itself) and decremented at every loop iteration and every call of
// a function that is not an entry; at zero, the next decrement traps with
// unreachable. Besides, every branch back to a loop header is guarded by a
// per-loop counter local, so most loops end on their own, and calls that
// can close a cycle are mostly guarded by a test of the remaining fuel.
// Bulk memory and table operations have bounded lengths. So an exported
// call executes at most about Fuel times the size of the largest function
// body.
//
// # NaN determinism
//
// WebAssembly lets float arithmetic return any NaN (sign and payload are
// nondeterministic), while moves, loads, stores, reinterpretations and
// abs, neg and copysign preserve bits exactly. The generator tracks, for
// every float value it produces, whether its bits are exact: constants,
// loads, reinterpretations, conversions from integers and bit operations
// on exact values are; the results of arithmetic are not. Only exact
// floats reach the places where NaN bits become observable as integers:
// stores, reinterpretations and copysign's sign operand. Where an inexact
// value must go there, the generator canonicalizes it first (x == x ? x :
// canonical NaN, with select). Locals and globals of float type are each
// exact or not, and only exact values are written to exact ones; function
// signatures carry the same classes, shared by all structurally equal
// types so that call_indirect keeps them. Exact NaN payloads therefore
// travel through locals, globals, calls, blocks and memory and reach
// integers, where a tier that changes them shows a difference, while float
// values that a comparator sees as results or globals may differ in NaN
// bits only: a comparator must treat any two NaNs of one type as equal.
// Memory is always exact.
package wasmgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/terra-runtime/terra/internal/wasmtest"
	"github.com/terra-runtime/terra/wasm"
)

// Config tunes the generator. The zero value selects the defaults.
type Config struct {
	// SIMD adds v128 values and SIMD instructions. Off by default: the JIT
	// tier leaves functions that use SIMD to the interpreter.
	SIMD bool
	// MaxFuncs bounds the number of defined functions; default 8.
	MaxFuncs int
	// Budget is the approximate number of instructions of one function
	// body; default 220.
	Budget int
	// Safe makes every module avoid the choices that are likely to trap
	// (indices out of bounds, dropped segments, risky divisions and
	// truncations, unguarded recursion). By default half the modules do.
	Safe bool
	// Fuel bounds the loop iterations and calls of one exported call;
	// default 400.
	Fuel uint32
}

func (c Config) withDefaults() Config {
	if c.MaxFuncs < 2 {
		c.MaxFuncs = 8
	}
	if c.Budget <= 0 {
		c.Budget = 220
	}
	if c.Fuel == 0 {
		c.Fuel = 400
	}
	return c
}

// Generate returns the bytes of a valid module drawn from src. It consumes
// a bounded amount of src; what follows can drive the arguments of calls.
func Generate(src *Source, cfg Config) []byte {
	return generate(src, cfg).encode()
}

// slot is the type of one value with its NaN class: exact is meaningful for
// f32 and f64 only, and true for every other type.
type slot struct {
	t     wasm.ValueType
	exact bool
}

func mkSlot(t wasm.ValueType, exact bool) slot {
	return slot{t, exact || (t != wasm.F32 && t != wasm.F64)}
}

// fits reports whether a value of class have may stand where want is needed.
func (have slot) fits(want slot) bool { return have.t == want.t && (have.exact || !want.exact) }

func types(ss []slot) []wasm.ValueType {
	ts := make([]wasm.ValueType, len(ss))
	for i, s := range ss {
		ts[i] = s.t
	}
	return ts
}

func sameTypes(a, b []slot) bool {
	return slices.Equal(types(a), types(b))
}

// sig is a function type with the NaN classes of its parameters and
// results. Structurally equal types share one sig.
type sig struct {
	params, results []slot
}

func sigKey(params, results []wasm.ValueType) string {
	var b strings.Builder
	for _, t := range params {
		b.WriteByte(byte(t))
	}
	b.WriteByte(0)
	for _, t := range results {
		b.WriteByte(byte(t))
	}
	return b.String()
}

type funcDef struct {
	typeIdx  uint32
	sig      *sig
	entry    bool // called only by the host; sets the fuel
	exported bool
	locals   []wasm.ValueType // declared, after the parameters
	body     []byte           // instructions, with the final end
}

type globalDef struct {
	slot
	mutable bool
	init    []byte // constant expression, with end
	export  bool
}

type tableDef struct {
	elem     wasm.ValueType
	min, max uint32
	hasMax   bool
}

type elemDef struct {
	mode   wasm.ElemMode
	table  uint32
	offset uint32
	elem   wasm.ValueType
	funcs  []int32 // function indices; -1 for ref.null
	exprs  bool    // encode as expressions
}

type dataDef struct {
	active bool
	offset uint32
	init   []byte
}

// gen holds a module under construction.
type gen struct {
	src *Source
	cfg Config

	types   []*sig // the type section; duplicates share a *sig
	byKey   map[string]*sig
	indexOf map[string]uint32 // the first type index of each key

	funcs     []*funcDef
	internals int // functions [0, internals) may be called; the rest are entries
	start     int // the start function, or -1

	tables  []tableDef
	hasMem  bool
	memMin  uint32
	memMax  uint32
	globals []*globalDef
	fuel    uint32 // index of the fuel global
	elems   []elemDef
	datas   []dataDef
	names   bool
	// hazard scales the choices that are likely to trap: 0 makes none of
	// them, so that most calls return and their results are compared.
	hazard int

	// ops counts the instructions emitted, for tests of coverage.
	ops map[wasm.Opcode]int
}

// risk scales the weight of a choice that is likely to trap.
func (g *gen) risk(w int) int { return w * g.hazard }

// numTypes are the value types of function signatures.
func (g *gen) numType() wasm.ValueType {
	if g.cfg.SIMD && g.src.OneIn(8) {
		return wasm.V128
	}
	return []wasm.ValueType{wasm.I32, wasm.I64, wasm.F32, wasm.F64}[g.src.Pick(4, 3, 2, 2)]
}

// valType also returns reference types.
func (g *gen) valType() wasm.ValueType {
	if g.src.OneIn(12) {
		return []wasm.ValueType{wasm.FuncRef, wasm.ExternRef}[g.src.Intn(2)]
	}
	return g.numType()
}

// sigFor returns the sig of a structural type, creating it (with random
// NaN classes) on first use, and its first type index.
func (g *gen) sigFor(params, results []wasm.ValueType) (*sig, uint32) {
	key := sigKey(params, results)
	if s, ok := g.byKey[key]; ok {
		return s, g.indexOf[key]
	}
	s := &sig{}
	for _, t := range params {
		s.params = append(s.params, mkSlot(t, g.src.OneIn(2)))
	}
	for _, t := range results {
		s.results = append(s.results, mkSlot(t, g.src.OneIn(2)))
	}
	g.byKey[key] = s
	g.indexOf[key] = uint32(len(g.types))
	g.types = append(g.types, s)
	return s, uint32(len(g.types) - 1)
}

func (g *gen) randTypes(max int, ref bool) []wasm.ValueType {
	n := g.src.Pick(3, 4, 3, 2, 1)
	if n > max {
		n = max
	}
	ts := make([]wasm.ValueType, n)
	for i := range ts {
		if ref {
			ts[i] = g.valType()
		} else {
			ts[i] = g.numType()
		}
	}
	return ts
}

func generate(src *Source, cfg Config) *gen {
	cfg = cfg.withDefaults()
	g := &gen{src: src, cfg: cfg, byKey: map[string]*sig{}, indexOf: map[string]uint32{}, start: -1,
		ops: map[wasm.Opcode]int{}}
	g.hazard = src.Pick(2, 1, 1)
	if cfg.Safe {
		g.hazard = 0
	}

	// Types, some of them structurally equal to others: call_indirect
	// compares structure, not indices.
	for range src.Range(1, 5) {
		g.sigFor(g.randTypes(4, false), g.randTypes(3, false))
	}
	for range src.Pick(3, 1, 1) {
		g.types = append(g.types, g.types[src.Intn(len(g.types))])
	}

	// Functions: internal ones first, then entries.
	n := src.Range(2, cfg.MaxFuncs)
	entries := src.Range(1, min(3, n-1))
	g.internals = n - entries
	for i := range n {
		ti := uint32(src.Intn(len(g.types)))
		f := &funcDef{typeIdx: ti, sig: g.types[ti], entry: i >= g.internals}
		f.exported = f.entry || src.OneIn(4)
		g.funcs = append(g.funcs, f)
	}
	if src.OneIn(5) {
		g.start = src.Intn(g.internals)
		f := g.funcs[g.start]
		f.sig, f.typeIdx = g.sigFor(nil, nil)
	}

	// Tables: a funcref table for call_indirect, and maybe a second one.
	g.tables = append(g.tables, g.tableType(wasm.FuncRef))
	if src.OneIn(2) {
		g.tables = append(g.tables, g.tableType([]wasm.ValueType{wasm.FuncRef, wasm.ExternRef}[src.Intn(2)]))
	}

	// Memory, always with a maximum so that growth stays small.
	if !src.OneIn(10) {
		g.hasMem = true
		g.memMin = []uint32{1, 2, 0}[src.Pick(12, 3, g.hazard)]
		g.memMax = g.memMin + uint32(src.Intn(5))
	}

	// Globals: the fuel first, then some of every type.
	g.globals = append(g.globals, &globalDef{slot: mkSlot(wasm.I32, true), mutable: true,
		init: constExpr(wasm.OpI32Const, uint64(cfg.Fuel)), export: true})
	for range src.Range(0, 6) {
		t := g.valType()
		gd := &globalDef{mutable: src.Pick(1, 2) == 1, export: src.OneIn(2)}
		gd.slot = mkSlot(t, !gd.mutable || src.OneIn(2))
		g.globals = append(g.globals, gd)
		switch t {
		case wasm.FuncRef:
			if src.OneIn(2) {
				gd.init = append([]byte{byte(wasm.OpRefFunc)}, wasmtest.ULEB(uint64(src.Intn(g.internals)))...)
				gd.init = append(gd.init, byte(wasm.OpEnd))
			} else {
				gd.init = []byte{byte(wasm.OpRefNull), byte(wasm.FuncRef), byte(wasm.OpEnd)}
			}
		case wasm.ExternRef:
			gd.init = []byte{byte(wasm.OpRefNull), byte(wasm.ExternRef), byte(wasm.OpEnd)}
		case wasm.V128:
			gd.init = append([]byte{0xFD}, wasmtest.ULEB(uint64(wasm.OpV128Const&0xFF))...)
			for range 16 {
				gd.init = append(gd.init, src.Byte())
			}
			gd.init = append(gd.init, byte(wasm.OpEnd))
		default:
			gd.init = constExpr(constOp(t), Value(src, t))
		}
	}

	g.segments()
	for i := range g.funcs {
		g.funcBody(i)
	}
	g.names = src.OneIn(2)
	return g
}

func (g *gen) tableType(elem wasm.ValueType) tableDef {
	t := tableDef{elem: elem, min: uint32(g.src.Range(1, 12))}
	if g.src.OneIn(2) {
		t.hasMax, t.max = true, t.min+uint32(g.src.Intn(12))
	}
	if g.hazard > 0 && g.src.OneIn(10) {
		t.min = 0
	}
	return t
}

// segments makes the element and data segments.
func (g *gen) segments() {
	src := g.src
	for ti, t := range g.tables {
		for range src.Pick(1, 3, 1) {
			if t.min == 0 {
				break
			}
			n := uint32(src.Range(1, int(t.min)))
			e := elemDef{mode: wasm.SegmentActive, table: uint32(ti), elem: t.elem,
				offset: uint32(src.Intn(int(t.min - n + 1)))}
			e.funcs = g.refs(t.elem, int(n))
			g.elems = append(g.elems, e)
		}
	}
	for range src.Range(0, 3) {
		elem := wasm.FuncRef
		if src.OneIn(4) {
			elem = wasm.ExternRef
		}
		g.elems = append(g.elems, elemDef{mode: wasm.SegmentPassive, elem: elem, funcs: g.refs(elem, src.Range(0, 8))})
	}
	// Declare every callable function, so that ref.func may name any.
	decl := elemDef{mode: wasm.SegmentDeclarative, elem: wasm.FuncRef}
	for i := range g.internals {
		decl.funcs = append(decl.funcs, int32(i))
	}
	g.elems = append(g.elems, decl)
	for i := range g.elems {
		e := &g.elems[i]
		e.exprs = e.elem == wasm.ExternRef || slices.Contains(e.funcs, -1) || src.OneIn(3)
	}

	if !g.hasMem {
		return
	}
	for range src.Range(0, 4) {
		d := dataDef{init: make([]byte, src.Range(0, 40))}
		for i := range d.init {
			d.init[i] = src.Byte()
		}
		if g.memMin > 0 && src.OneIn(2) {
			d.active = true
			d.offset = uint32(src.Intn(int(g.memMin*wasm.PageSize) - len(d.init) + 1))
			if src.OneIn(2) {
				d.offset %= 1024
			}
		}
		g.datas = append(g.datas, d)
	}
}

// refs returns n references for a segment of elem type: callable functions
// or, with -1, null.
func (g *gen) refs(elem wasm.ValueType, n int) []int32 {
	fs := make([]int32, n)
	for i := range fs {
		fs[i] = -1
		if elem == wasm.FuncRef && !g.src.OneIn(6) {
			fs[i] = int32(g.src.Intn(g.internals))
		}
	}
	return fs
}

func constOp(t wasm.ValueType) wasm.Opcode {
	switch t {
	case wasm.I32:
		return wasm.OpI32Const
	case wasm.I64:
		return wasm.OpI64Const
	case wasm.F32:
		return wasm.OpF32Const
	}
	return wasm.OpF64Const
}

// constExpr encodes a constant instruction with its immediate, and end.
func constExpr(op wasm.Opcode, v uint64) []byte {
	return append(constInstr(nil, op, v), byte(wasm.OpEnd))
}

func constInstr(b []byte, op wasm.Opcode, v uint64) []byte {
	b = append(b, byte(op))
	switch op {
	case wasm.OpI32Const:
		return append(b, wasmtest.SLEB(int64(int32(v)))...)
	case wasm.OpI64Const:
		return append(b, wasmtest.SLEB(int64(v))...)
	case wasm.OpF32Const:
		return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	for i := range 8 {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

func limits(min, max uint32, hasMax bool) []byte {
	if hasMax {
		return wasmtest.Cat([]byte{1}, wasmtest.ULEB(uint64(min)), wasmtest.ULEB(uint64(max)))
	}
	return wasmtest.Cat([]byte{0}, wasmtest.ULEB(uint64(min)))
}

func valTypes(ts []slot) []byte {
	b := make([]byte, len(ts))
	for i, t := range ts {
		b[i] = byte(t.t)
	}
	return b
}

// encode assembles the module's binary.
func (g *gen) encode() []byte {
	var sections [][]byte
	var items [][]byte
	for _, s := range g.types {
		items = append(items, wasmtest.FuncType(valTypes(s.params), valTypes(s.results)))
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecType, wasmtest.Vec(items...)))

	items = nil
	for _, f := range g.funcs {
		items = append(items, wasmtest.ULEB(uint64(f.typeIdx)))
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecFunction, wasmtest.Vec(items...)))

	items = nil
	for _, t := range g.tables {
		items = append(items, wasmtest.Cat([]byte{byte(t.elem)}, limits(t.min, t.max, t.hasMax)))
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecTable, wasmtest.Vec(items...)))

	if g.hasMem {
		sections = append(sections, wasmtest.Section(wasmtest.SecMemory, wasmtest.Vec(limits(g.memMin, g.memMax, true))))
	}

	items = nil
	for _, gd := range g.globals {
		mut := byte(0)
		if gd.mutable {
			mut = 1
		}
		items = append(items, wasmtest.Cat([]byte{byte(gd.t), mut}, gd.init))
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecGlobal, wasmtest.Vec(items...)))

	items = nil
	for i, f := range g.funcs {
		if f.exported {
			prefix := "f"
			if f.entry {
				prefix = "e"
			}
			items = append(items, wasmtest.Export(fmt.Sprintf("%s%d", prefix, i), wasmtest.KindFunc, uint32(i)))
		}
	}
	if g.hasMem {
		items = append(items, wasmtest.Export("mem", wasmtest.KindMemory, 0))
	}
	for i, gd := range g.globals {
		if gd.export {
			name := fmt.Sprintf("g%d", i)
			if i == int(g.fuel) {
				name = "fuel"
			}
			items = append(items, wasmtest.Export(name, wasmtest.KindGlobal, uint32(i)))
		}
	}
	items = append(items, wasmtest.Export("tab0", wasmtest.KindTable, 0))
	sections = append(sections, wasmtest.Section(wasmtest.SecExport, wasmtest.Vec(items...)))

	if g.start >= 0 {
		sections = append(sections, wasmtest.Section(wasmtest.SecStart, wasmtest.ULEB(uint64(g.start))))
	}

	items = nil
	for _, e := range g.elems {
		items = append(items, e.encode())
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecElement, wasmtest.Vec(items...)))

	if len(g.datas) > 0 {
		sections = append(sections, wasmtest.Section(12, wasmtest.ULEB(uint64(len(g.datas)))))
	}

	items = nil
	for _, f := range g.funcs {
		items = append(items, wasmtest.Body(localDecls(f.locals), f.body...))
	}
	sections = append(sections, wasmtest.Section(wasmtest.SecCode, wasmtest.Vec(items...)))

	if len(g.datas) > 0 {
		items = nil
		for _, d := range g.datas {
			if d.active {
				items = append(items, wasmtest.Cat([]byte{0}, constExpr(wasm.OpI32Const, uint64(d.offset)),
					wasmtest.ULEB(uint64(len(d.init))), d.init))
			} else {
				items = append(items, wasmtest.Cat([]byte{1}, wasmtest.ULEB(uint64(len(d.init))), d.init))
			}
		}
		sections = append(sections, wasmtest.Section(wasmtest.SecData, wasmtest.Vec(items...)))
	}

	if g.names {
		names := make([]string, len(g.funcs))
		for i := range names {
			names[i] = fmt.Sprintf("func%d", i)
		}
		sections = append(sections, wasmtest.FuncNames(names...))
	}
	return wasmtest.Module(sections...)
}

// encode encodes an element segment in the most specific of the eight
// binary forms that fits it.
func (e elemDef) encode() []byte {
	var items [][]byte
	for _, f := range e.funcs {
		switch {
		case !e.exprs:
			items = append(items, wasmtest.ULEB(uint64(f)))
		case f < 0:
			items = append(items, []byte{byte(wasm.OpRefNull), byte(e.elem), byte(wasm.OpEnd)})
		default:
			items = append(items, wasmtest.Cat([]byte{byte(wasm.OpRefFunc)}, wasmtest.ULEB(uint64(f)), []byte{byte(wasm.OpEnd)}))
		}
	}
	vec := wasmtest.Vec(items...)
	var flags byte
	if e.exprs {
		flags = 4
	}
	kind := []byte{0} // elemkind funcref
	if e.exprs {
		kind = []byte{byte(e.elem)}
	}
	offset := constExpr(wasm.OpI32Const, uint64(e.offset))
	switch e.mode {
	case wasm.SegmentPassive:
		return wasmtest.Cat([]byte{flags | 1}, kind, vec)
	case wasm.SegmentDeclarative:
		return wasmtest.Cat([]byte{flags | 3}, kind, vec)
	}
	if e.table == 0 && e.elem == wasm.FuncRef {
		return wasmtest.Cat([]byte{flags}, offset, vec)
	}
	return wasmtest.Cat([]byte{flags | 2}, wasmtest.ULEB(uint64(e.table)), offset, kind, vec)
}

// localDecls encodes declared locals, runs of one type compressed.
func localDecls(ts []wasm.ValueType) []byte {
	var runs [][]byte
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j] == ts[i] {
			j++
		}
		runs = append(runs, wasmtest.Cat(wasmtest.ULEB(uint64(j-i)), []byte{byte(ts[i])}))
		i = j
	}
	return wasmtest.Vec(runs...)
}
