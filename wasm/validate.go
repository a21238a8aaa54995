package wasm

import "fmt"

// Validate checks a decoded module against the WebAssembly validation rules
// for its features and records each function's side tables in m.FuncInfo.
// Encoding errors found inside function bodies are reported as
// *MalformedError (they take precedence, as decoding precedes validation);
// everything else as *InvalidError.
func Validate(m *Module) error {
	v := moduleValidator{m: m}
	modErr := v.validateModule()
	// With the module-level declarations invalid, bodies cannot be typed, but
	// they are still decoded so that an encoding error wins.
	bodyErr := v.validateBodies(modErr != nil)
	if _, malformed := bodyErr.(*MalformedError); malformed || modErr == nil {
		return bodyErr
	}
	return modErr
}

type moduleValidator struct {
	m *Module
}

func (v *moduleValidator) errorf(section string, format string, args ...any) error {
	return &InvalidError{Position{Section: section, Func: -1}, fmt.Sprintf(format, args...)}
}

func (v *moduleValidator) checkLimits(section string, l Limits, bound uint64, what string) error {
	if uint64(l.Min) > bound || (l.HasMax && uint64(l.Max) > bound) {
		return v.errorf(section, "%s size must be at most %d", what, bound)
	}
	if l.HasMax && l.Max < l.Min {
		return v.errorf(section, "size minimum must not be greater than maximum")
	}
	return nil
}

func (v *moduleValidator) validateModule() error {
	m := v.m
	multi := m.Features.Has(FeatureMultiValue)
	for i, t := range m.Types {
		if len(t.Results) > 1 && !multi {
			return v.errorf("type", "invalid result arity: type %d has %d results", i, len(t.Results))
		}
	}
	for _, idx := range m.FuncSigs {
		if int(idx) >= len(m.Types) {
			return v.errorf("function", "unknown type %d", idx)
		}
	}
	for i, t := range m.AllTables {
		if err := v.checkLimits("table", t.Limits, 1<<32-1, "table"); err != nil {
			return err
		}
		if i > 0 && !m.Features.Has(FeatureReferenceTypes) {
			return v.errorf("table", "multiple tables")
		}
	}
	for i, mem := range m.AllMemories {
		if err := v.checkLimits("memory", mem.Limits, MaxPages, "memory"); err != nil {
			return err
		}
		if i > 0 {
			return v.errorf("memory", "multiple memories")
		}
	}
	for i, g := range m.Globals {
		if err := v.constExpr("global", g.Init, g.Type.Type, m.NumImportedGlobals); err != nil {
			return fmt.Errorf("global %d: %w", int(m.NumImportedGlobals)+i, err)
		}
	}
	seen := make(map[string]struct{}, len(m.Exports))
	for _, e := range m.Exports {
		if _, dup := seen[e.Name]; dup {
			return v.errorf("export", "duplicate export name %q", e.Name)
		}
		seen[e.Name] = struct{}{}
		var n int
		switch e.Kind {
		case ExternFunc:
			n = len(m.FuncSigs)
		case ExternTable:
			n = len(m.AllTables)
		case ExternMemory:
			n = len(m.AllMemories)
		case ExternGlobal:
			n = len(m.AllGlobals)
		}
		if int64(e.Index) >= int64(n) {
			return v.errorf("export", "unknown %s %d", e.Kind, e.Index)
		}
	}
	if m.HasStart {
		if int(m.Start) >= len(m.FuncSigs) {
			return v.errorf("start", "unknown function %d", m.Start)
		}
		if t := m.FuncType(m.Start); len(t.Params) != 0 || len(t.Results) != 0 {
			return v.errorf("start", "start function must have type [] -> [], has %v", t)
		}
	}
	// Segment offsets, like global initialisers, may read imported globals only.
	nglobals := m.NumImportedGlobals
	for i, s := range m.Elems {
		if s.Mode == SegmentActive {
			if int(s.Table) >= len(m.AllTables) {
				return v.errorf("element", "unknown table %d", s.Table)
			}
			if err := v.constExpr("element", s.Offset, I32, nglobals); err != nil {
				return fmt.Errorf("element segment %d: %w", i, err)
			}
			if m.AllTables[s.Table].Elem != s.Type {
				return v.errorf("element", "type mismatch: segment %d of %s in table of %s", i, s.Type, m.AllTables[s.Table].Elem)
			}
		}
		for _, e := range s.Init {
			if err := v.constExpr("element", e, s.Type, nglobals); err != nil {
				return fmt.Errorf("element segment %d: %w", i, err)
			}
		}
	}
	for i, s := range m.Data {
		if s.Mode == SegmentActive {
			if int(s.Memory) >= len(m.AllMemories) {
				return v.errorf("data", "unknown memory %d", s.Memory)
			}
			if err := v.constExpr("data", s.Offset, I32, nglobals); err != nil {
				return fmt.Errorf("data segment %d: %w", i, err)
			}
		}
	}
	return nil
}

// constExpr validates a constant expression of type want that may read
// globals below nglobals.
func (v *moduleValidator) constExpr(section string, e ConstExpr, want ValueType, nglobals uint32) error {
	m := v.m
	if e.invalid != constOK {
		return v.errorf(section, "%s", e.invalid)
	}
	t := e.Type
	switch e.Op {
	case OpGlobalGet:
		if e.Value >= uint64(nglobals) {
			return v.errorf(section, "unknown global %d", e.Value)
		}
		g := m.AllGlobals[e.Value]
		if g.Mutable {
			return v.errorf(section, "constant expression required: global %d is mutable", e.Value)
		}
		t = g.Type
	case OpRefFunc:
		if e.Value >= uint64(len(m.FuncSigs)) {
			return v.errorf(section, "unknown function %d", e.Value)
		}
	}
	if t != want {
		return v.errorf(section, "type mismatch: constant expression of type %s, expected %s", t, want)
	}
	return nil
}

// declaredRefs marks the functions that ref.func may name in code: those
// referenced from element segments, global initialisers and exports.
func (v *moduleValidator) declaredRefs() []bool {
	m := v.m
	refs := make([]bool, len(m.FuncSigs))
	mark := func(e ConstExpr) {
		if e.Op == OpRefFunc && e.Value < uint64(len(refs)) {
			refs[e.Value] = true
		}
	}
	for _, g := range m.Globals {
		mark(g.Init)
	}
	for _, s := range m.Elems {
		for _, e := range s.Init {
			mark(e)
		}
	}
	for _, e := range m.Exports {
		if e.Kind == ExternFunc && int(e.Index) < len(refs) {
			refs[e.Index] = true
		}
	}
	return refs
}
