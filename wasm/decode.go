package wasm

import (
	"bytes"
	"math"
)

// Section identifiers.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
)

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count"}

// SectionName returns the name of the section with the given id ("code",
// "data count", ...), or "" for an id the binary format does not define.
func SectionName(id byte) string {
	if int(id) < len(sectionNames) {
		return sectionNames[id]
	}
	return ""
}

// sectionRank orders the non-custom sections: data count sits between
// element and code.
var sectionRank = [...]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10}

// maxLocals bounds the locals of one function (parameters excluded). The
// spec allows up to 2^32-1; like V8 and Wasmtime, terra rejects more than
// 50,000 so that a few bytes cannot demand gigabytes of frame.
const maxLocals = 50000

// maxNesting bounds how deeply blocks, loops and ifs nest in one function.
// Validation keeps a frame per level and the tiers a record per block, so
// that a module of a million nested blocks (3 MB) took over 300 MB to
// validate. Compilers nest deeply for switches and, Go's, for the resume
// points of a function's calls: the Go runtime's deepest function nests 550
// levels.
const maxNesting = 50000

var magic = []byte{0x00, 0x61, 0x73, 0x6D}

// Parse decodes and validates a binary module with the given features.
// Errors are *MalformedError or *InvalidError.
func Parse(data []byte, f Features) (*Module, error) {
	m, err := Decode(data, f)
	if err != nil {
		return nil, err
	}
	if err := Validate(m); err != nil {
		return nil, err
	}
	return m, nil
}

// Decode decodes the sections of a binary module. Function bodies are kept as
// bytes; their instructions are decoded by Validate, which reports encoding
// errors inside them as *MalformedError too. The module aliases data.
func Decode(data []byte, f Features) (*Module, error) {
	d := decoder{m: &Module{Features: f}, r: reader{data: data, section: "header", fn: -1}}
	d.decode()
	if d.r.err != nil {
		return nil, d.r.err
	}
	return d.m, nil
}

type decoder struct {
	m *Module
	r reader
}

func (d *decoder) decode() {
	r := &d.r
	if !bytes.Equal(r.bytes(4), magic) {
		r.err = nil
		r.pos = 0
		r.fail("magic header not detected")
		return
	}
	if r.u32le() != 1 {
		r.err = nil
		r.pos = 4
		r.fail("unknown binary version")
		return
	}
	last := 0
	for !r.eof() && r.err == nil {
		r.section = "module"
		id := r.byte()
		if id > secDataCount || (id == secDataCount && !d.m.Features.Has(FeatureBulkMemory)) {
			r.pos--
			r.fail("malformed section id")
			return
		}
		size := r.u32()
		if r.err != nil {
			return
		}
		if int64(size) > int64(r.remaining()) {
			r.fail("length out of bounds")
			return
		}
		r.section = sectionNames[id]
		if id != secCustom {
			if sectionRank[id] <= last {
				r.fail("unexpected content after last section")
				return
			}
			last = sectionRank[id]
		}
		sub := reader{data: r.data[r.pos : r.pos+int(size)], base: r.offset(), section: r.section, fn: -1}
		r.pos += int(size)
		d.section(id, &sub)
		if sub.err == nil && !sub.eof() {
			sub.fail("section size mismatch")
		}
		if sub.err != nil {
			r.err = sub.err
			return
		}
	}
	if r.err != nil {
		return
	}
	m := d.m
	if len(m.Funcs) != len(m.Code) {
		r.fail("function and code section have inconsistent lengths")
		return
	}
	if m.HasDataCount && int(m.DataCount) != len(m.Data) {
		r.fail("data count and data section have inconsistent lengths")
	}
}

func (d *decoder) section(id byte, r *reader) {
	m := d.m
	switch id {
	case secCustom:
		name := r.name()
		if r.err != nil {
			return
		}
		data := r.bytes(r.remaining())
		m.Customs = append(m.Customs, CustomSection{Name: name, Data: data})
		if name == "name" {
			m.Names = parseNames(data)
		}
	case secType:
		n := r.count()
		m.Types = make([]FuncType, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			if r.byte() != 0x60 {
				r.pos--
				r.fail("malformed function type")
				return
			}
			params := d.valueTypes(r)
			results := d.valueTypes(r)
			m.Types = append(m.Types, FuncType{Params: params, Results: results})
		}
	case secImport:
		n := r.count()
		m.Imports = make([]Import, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			imp := Import{Module: r.name(), Name: r.name()}
			imp.Kind = ExternKind(r.byte())
			switch imp.Kind {
			case ExternFunc:
				imp.Func = r.u32()
				m.NumImportedFuncs++
				m.FuncSigs = append(m.FuncSigs, imp.Func)
			case ExternTable:
				imp.Table = d.tableType(r)
				m.NumImportedTables++
				m.AllTables = append(m.AllTables, imp.Table)
			case ExternMemory:
				imp.Memory = d.memoryType(r)
				m.NumImportedMemories++
				m.AllMemories = append(m.AllMemories, imp.Memory)
			case ExternGlobal:
				imp.Global = d.globalType(r)
				m.NumImportedGlobals++
				m.AllGlobals = append(m.AllGlobals, imp.Global)
			default:
				r.pos--
				r.fail("malformed import kind")
				return
			}
			m.Imports = append(m.Imports, imp)
		}
	case secFunction:
		n := r.count()
		m.Funcs = make([]uint32, n)
		for i := 0; i < n && r.err == nil; i++ {
			m.Funcs[i] = r.u32()
		}
		m.FuncSigs = append(m.FuncSigs[:len(m.FuncSigs):len(m.FuncSigs)], m.Funcs...)
	case secTable:
		n := r.count()
		for i := 0; i < n && r.err == nil; i++ {
			t := d.tableType(r)
			m.Tables = append(m.Tables, t)
			m.AllTables = append(m.AllTables, t)
		}
	case secMemory:
		n := r.count()
		for i := 0; i < n && r.err == nil; i++ {
			t := d.memoryType(r)
			m.Memories = append(m.Memories, t)
			m.AllMemories = append(m.AllMemories, t)
		}
	case secGlobal:
		n := r.count()
		m.Globals = make([]Global, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			t := d.globalType(r)
			g := Global{Type: t, Init: d.constExpr(r)}
			m.Globals = append(m.Globals, g)
			m.AllGlobals = append(m.AllGlobals, t)
		}
	case secExport:
		n := r.count()
		m.Exports = make([]Export, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			e := Export{Name: r.name()}
			e.Kind = ExternKind(r.byte())
			if e.Kind > ExternGlobal {
				r.pos--
				r.fail("malformed export kind")
				return
			}
			e.Index = r.u32()
			m.Exports = append(m.Exports, e)
		}
	case secStart:
		m.Start = r.u32()
		m.HasStart = true
	case secElement:
		n := r.count()
		m.Elems = make([]ElemSegment, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			m.Elems = append(m.Elems, d.elemSegment(r))
		}
	case secCode:
		n := r.count()
		m.Code = make([]FuncBody, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			m.Code = append(m.Code, d.code(r, len(m.Imports)+i))
		}
	case secData:
		n := r.count()
		m.Data = make([]DataSegment, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			m.Data = append(m.Data, d.dataSegment(r))
		}
	case secDataCount:
		m.DataCount = r.u32()
		m.HasDataCount = true
	}
}

func (d *decoder) valueType(r *reader) ValueType {
	t := ValueType(r.byte())
	switch t {
	case I32, I64, F32, F64:
		return t
	case V128:
		if d.m.Features.Has(FeatureSIMD) {
			return t
		}
	case FuncRef, ExternRef:
		if d.m.Features.Has(FeatureReferenceTypes) {
			return t
		}
	}
	if r.err == nil {
		r.pos--
		r.fail("malformed value type")
	}
	return 0
}

func (d *decoder) valueTypes(r *reader) []ValueType {
	n := r.count()
	if n == 0 {
		return nil
	}
	ts := make([]ValueType, n)
	for i := range ts {
		ts[i] = d.valueType(r)
	}
	return ts
}

func (d *decoder) refType(r *reader) ValueType {
	t := ValueType(r.byte())
	if t == FuncRef || (t == ExternRef && d.m.Features.Has(FeatureReferenceTypes)) {
		return t
	}
	if r.err == nil {
		r.pos--
		r.fail("malformed reference type")
	}
	return 0
}

func (d *decoder) limits(r *reader) Limits {
	var l Limits
	switch r.byte() {
	case 0x00:
	case 0x01:
		l.HasMax = true
	default:
		if r.err == nil {
			r.pos--
			r.fail("integer too large: malformed limits flags")
		}
		return l
	}
	l.Min = r.u32()
	if l.HasMax {
		l.Max = r.u32()
	}
	return l
}

func (d *decoder) tableType(r *reader) TableType {
	return TableType{Elem: d.refType(r), Limits: d.limits(r)}
}

func (d *decoder) memoryType(r *reader) MemoryType {
	return MemoryType{Limits: d.limits(r)}
}

func (d *decoder) globalType(r *reader) GlobalType {
	t := GlobalType{Type: d.valueType(r)}
	switch r.byte() {
	case 0:
	case 1:
		t.Mutable = true
	default:
		if r.err == nil {
			r.pos--
			r.fail("malformed mutability")
		}
	}
	return t
}

// constExpr reads a constant expression up to its end opcode. An expression
// that is not a single constant instruction keeps its first offending opcode
// and a message for Validate to report; its bytes are still decoded, so that
// encoding errors are reported as such.
func (d *decoder) constExpr(r *reader) ConstExpr {
	var e ConstExpr
	n := 0
	for r.err == nil {
		op := d.opcode(r)
		if r.err != nil || op == OpEnd {
			break
		}
		n++
		c := ConstExpr{Op: op}
		switch op {
		case OpI32Const:
			c.Value, c.Type = uint64(uint32(r.s32())), I32
		case OpI64Const:
			c.Value, c.Type = uint64(r.s64()), I64
		case OpF32Const:
			c.Value, c.Type = uint64(r.u32le()), F32
		case OpF64Const:
			c.Value, c.Type = r.u64le(), F64
		case OpV128Const:
			c.Value = r.u64le()
			c.Hi, c.Type = r.u64le(), V128
		case OpGlobalGet:
			c.Value = uint64(r.u32())
		case OpRefNull:
			c.Type = d.refType(r)
		case OpRefFunc:
			c.Value = uint64(r.u32())
			c.Type = FuncRef
		default:
			skipImmediates(r, op)
			c.invalid = constNotConstant
		}
		if n == 1 || (e.invalid == constOK && c.invalid != constOK) {
			e = c
		}
	}
	if n != 1 && e.invalid == constOK {
		e = ConstExpr{Op: OpEnd, invalid: constWrongArity}
	}
	return e
}

// opcode reads an opcode, including the sub-opcode of prefixed ones, and
// rejects opcodes that do not exist or need a disabled feature.
func (d *decoder) opcode(r *reader) Opcode {
	return readOpcode(r, d.m.Features)
}

// readOpcode reads an opcode; see decoder.opcode.
func readOpcode(r *reader, f Features) Opcode {
	b := r.byte()
	op := Opcode(b)
	switch b {
	case 0xFC:
		sub := r.u32()
		if sub > 0xFF {
			r.fail("illegal opcode")
			return 0
		}
		op = PrefixMisc | Opcode(sub)
	case 0xFD:
		sub := r.u32()
		if sub > 0xFF {
			r.fail("illegal opcode")
			return 0
		}
		op = PrefixSIMD | Opcode(sub)
	}
	if r.err != nil {
		return 0
	}
	in := op.info()
	if in == nil || !f.Has(in.feature) {
		r.fail("illegal opcode " + op.String())
		return 0
	}
	return op
}

func (d *decoder) elemSegment(r *reader) ElemSegment {
	var s ElemSegment
	flags := r.u32()
	if !d.m.Features.Has(FeatureBulkMemory) {
		// 1.0: an active segment led by its table index, with function indices.
		s.Table = flags
		s.Offset = d.constExpr(r)
		s.Type = FuncRef
		s.Init = d.funcIndices(r)
		return s
	}
	if flags > 7 {
		r.fail("malformed elements segment kind")
		return s
	}
	switch {
	case flags&1 == 0:
		s.Mode = SegmentActive
		if flags&2 != 0 {
			s.Table = r.u32()
		}
		s.Offset = d.constExpr(r)
	case flags&2 == 0:
		s.Mode = SegmentPassive
	default:
		s.Mode = SegmentDeclarative
	}
	exprs := flags&4 != 0
	s.Type = FuncRef
	if flags&3 != 0 {
		if exprs {
			s.Type = d.refType(r)
		} else if k := r.byte(); k != 0x00 && r.err == nil {
			r.pos--
			r.fail("malformed element kind")
		}
	}
	if !exprs {
		s.Init = d.funcIndices(r)
		return s
	}
	n := r.count()
	s.Init = make([]ConstExpr, n)
	for i := 0; i < n && r.err == nil; i++ {
		s.Init[i] = d.constExpr(r)
	}
	return s
}

// funcIndices reads a vector of function indices as ref.func expressions.
func (d *decoder) funcIndices(r *reader) []ConstExpr {
	n := r.count()
	init := make([]ConstExpr, n)
	for i := 0; i < n && r.err == nil; i++ {
		init[i] = ConstExpr{Op: OpRefFunc, Value: uint64(r.u32()), Type: FuncRef}
	}
	return init
}

func (d *decoder) dataSegment(r *reader) DataSegment {
	var s DataSegment
	flags := r.u32()
	switch {
	case !d.m.Features.Has(FeatureBulkMemory):
		// 1.0: an active segment led by its memory index.
		s.Memory = flags
		s.Offset = d.constExpr(r)
	case flags == 0:
		s.Offset = d.constExpr(r)
	case flags == 1:
		s.Mode = SegmentPassive
	case flags == 2:
		s.Memory = r.u32()
		s.Offset = d.constExpr(r)
	default:
		r.fail("malformed data segment kind")
		return s
	}
	n := r.u32()
	if r.err == nil && int64(n) > int64(r.remaining()) {
		r.fail("unexpected end of section or function")
		return s
	}
	s.Init = r.bytes(int(n))
	return s
}

func (d *decoder) code(r *reader, fn int) FuncBody {
	size := r.u32()
	if r.err != nil {
		return FuncBody{}
	}
	if int64(size) > int64(r.remaining()) {
		r.fail("unexpected end of section or function")
		return FuncBody{}
	}
	body := reader{data: r.data[r.pos : r.pos+int(size)], base: r.offset(), section: "code", fn: fn}
	r.pos += int(size)
	n := body.count()
	var c FuncBody
	total := uint64(0)
	for i := 0; i < n && body.err == nil; i++ {
		cnt := body.u32()
		t := d.valueType(&body)
		total += uint64(cnt)
		if total > math.MaxUint32 {
			body.fail("too many locals")
			break
		}
		if total > maxLocals {
			body.fail("too many locals: implementation limit")
			break
		}
		if cnt > 0 {
			c.Locals = append(c.Locals, LocalDecl{Count: cnt, Type: t})
		}
	}
	if body.err != nil {
		r.err = body.err
		return c
	}
	c.Body = body.data[body.pos:]
	c.Offset = body.offset()
	return c
}
