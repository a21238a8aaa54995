package spectest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

// terraTier runs the scripts through terra's public API.
type terraTier struct {
	rt   *terra.Runtime
	name string
	// settle: wait, after compiling a module, until the tiered engine
	// compiled every function it queued.
	settle bool
}

// invokeTimeout bounds each invocation and instantiation (start function).
const invokeTimeout = 20 * time.Second

// NewTerraTier returns a tier that instantiates and runs modules with a
// terra runtime of the given execution tier, which also names the tier.
// Every module of the tier lives in that one runtime, so that funcref
// handles are valid across the modules a script links together.
func NewTerraTier(tier terra.Tier) (Tier, error) {
	return NewTerraConfig(string(tier), terra.Config{Tier: tier}, false)
}

// NewTerraConfig is NewTerraTier for any configuration, named name. With
// settle, each module's functions that the tiered engine queued when the
// module was compiled (Tiering.Eager queues them all) are compiled before
// it is instantiated, so that they all run as machine code.
func NewTerraConfig(name string, cfg terra.Config, settle bool) (Tier, error) {
	rt, err := terra.NewRuntime(cfg)
	if err != nil {
		return nil, err
	}
	return &terraTier{rt: rt, name: name, settle: settle}, nil
}

func (t *terraTier) Name() string { return t.name }

// InstantiateHost builds h with a host module builder and instantiates it
// anonymously: each script has its own, and the scripts import it through
// the imports map of Instantiate.
func (t *terraTier) InstantiateHost(h *HostModule) (Instance, error) {
	b := t.rt.NewHostModule("spectest")
	for _, f := range h.Funcs {
		b.FuncRaw(f.Name, f.Type.Params, f.Type.Results, hostFunc(f))
	}
	for _, g := range h.Globals {
		if g.Type.Type == wasm.V128 {
			b.GlobalV128(g.Name, g.Type.Mutable, g.Value.Lo, g.Value.Hi)
		} else {
			b.Global(g.Name, g.Type, g.Value.Lo)
		}
	}
	for _, tab := range h.Tables {
		b.Table(tab.Name, tab.Type)
	}
	for _, m := range h.Memories {
		b.Memory(m.Name, m.Type)
	}
	cm, err := b.Compile()
	if err != nil {
		return nil, err
	}
	inst, err := t.rt.Instantiate(context.Background(), cm, terra.InstanceConfig{})
	if err != nil {
		return nil, err
	}
	return &terraInstance{inst}, nil
}

// hostFunc adapts a runner's host function to terra's host-function ABI.
func hostFunc(f HostFunc) terra.HostFunc {
	return func(_ context.Context, _ terra.Caller, stack []uint64) error {
		results := f.Call(fromCells(f.Type.Params, stack))
		if len(results) != len(f.Type.Results) {
			return fmt.Errorf("host function %s returned %d results, want %d", f.Name, len(results), len(f.Type.Results))
		}
		toCells(stack[:0], results)
		return nil
	}
}

// Instantiate links m to the instances in imports that its imports name.
func (t *terraTier) Instantiate(m *wasm.Module, imports map[string]Instance) (Instance, error) {
	cm, err := t.rt.CompileModule(m)
	if err != nil {
		return nil, err
	}
	if t.settle {
		if err := t.waitTiering(); err != nil {
			return nil, err
		}
	}
	links := make(map[string]*terra.Instance)
	for _, imp := range m.Imports {
		if i, ok := imports[imp.Module].(*terraInstance); ok {
			links[imp.Module] = i.inst
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	inst, err := t.rt.Instantiate(ctx, cm, terra.InstanceConfig{Imports: links})
	if err != nil {
		return nil, err
	}
	return &terraInstance{inst}, nil
}

// waitTiering waits until the runtime compiled every function queued.
func (t *terraTier) waitTiering() error {
	deadline := time.Now().Add(invokeTimeout)
	for {
		s := t.rt.Stats().Tiering
		if s.Compiled+s.Failed == s.Queued {
			if s.Failed > 0 {
				return fmt.Errorf("spectest: %d functions failed to compile: %v", s.Failed, s.TierUps[len(s.TierUps)-1].Err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("spectest: %d functions still queued after %v", s.Queued-s.Compiled-s.Failed, invokeTimeout)
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// Classify sorts terra's errors: traps, call stack exhaustion (a trap of
// its own kind) and link errors.
func (t *terraTier) Classify(err error) ErrorKind {
	var trap *terra.Trap
	if errors.As(err, &trap) {
		if trap.Kind == terra.TrapStackExhausted {
			return Exhaustion
		}
		return Trap
	}
	var link *terra.LinkError
	if errors.As(err, &link) {
		return LinkError
	}
	return Unexpected
}

// terraInstance is an instance of the terra tier.
type terraInstance struct {
	inst *terra.Instance
}

func (i *terraInstance) Close() error { return i.inst.Close() }

func (i *terraInstance) Invoke(field string, args []Value) ([]Value, error) {
	f := i.inst.ExportedFunction(field)
	if f == nil {
		return nil, fmt.Errorf("no exported function %q", field)
	}
	typ := f.Type()
	if len(args) != len(typ.Params) {
		return nil, fmt.Errorf("%d arguments for %s of type %v", len(args), field, typ)
	}
	for j, a := range args {
		if a.Type != typ.Params[j] {
			return nil, fmt.Errorf("argument %d is %s, want %s", j, a.Type, typ.Params[j])
		}
	}
	// A deadline turns a runaway loop (a tier bug) into a failed command
	// instead of a hung test run; the suite's calls take microseconds.
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	results, err := f.Call(ctx, toCells(nil, args)...)
	if err != nil {
		return nil, err
	}
	return fromCells(typ.Results, results), nil
}

func (i *terraInstance) Global(field string) (Value, error) {
	g := i.inst.Global(field)
	if g == nil {
		return Value{}, fmt.Errorf("no exported global %q", field)
	}
	lo, hi := g.GetV128()
	return Value{Type: g.Type().Type, Lo: lo, Hi: hi}, nil
}

// fromCells reads values of types ts from cells, two for a v128.
func fromCells(ts []wasm.ValueType, cells []uint64) []Value {
	values := make([]Value, len(ts))
	at := 0
	for j, t := range ts {
		values[j] = Value{Type: t, Lo: cells[at]}
		if t == wasm.V128 {
			values[j].Hi = cells[at+1]
		}
		at += t.Slots()
	}
	return values
}

// toCells appends values to cells, two for a v128, and returns the
// extended slice. Numbers and references alike travel as they are: the
// runner's externref handles are nonzero, as terra requires of non-null
// references.
func toCells(cells []uint64, values []Value) []uint64 {
	for _, v := range values {
		cells = append(cells, v.Lo)
		if v.Type == wasm.V128 {
			cells = append(cells, v.Hi)
		}
	}
	return cells
}
