// Package difftest runs a module on two engines and reports any difference
// a WebAssembly program could observe: results, traps and their stack
// traces, and the state of exported memories, globals and tables after
// every call. An engine is terra in one configuration (a Side: an execution
// tier, or a tier configured in a way that must not matter), or another
// implementation used as an oracle (bench/peers plugs in wazero).
//
// Run takes a Case: module bytes (usually from internal/wasmgen) and the
// stream its call arguments come from. It instantiates the module on both
// engines, calls every exported function with the same arguments, in
// export order, twice, and compares after each call. A *Mismatch names the
// case, the export and arguments, both outcomes, and the file it wrote the
// module to.
//
// # Comparison rules
//
// Integers, v128 values and externrefs compare bit for bit. Floats compare
// bit for bit unless both are NaN: WebAssembly lets arithmetic return any
// NaN, so the sign and payload of a NaN may differ between tiers. (Modules
// from internal/wasmgen keep NaN bits out of integers, memory and v128
// values, except where they are exact on every tier; see its package
// documentation.) A funcref is an opaque handle whose value differs between
// runtimes, so only whether it is null is compared. Traps compare by kind
// and, where both sides report a stack trace, by the function index of
// every frame, and by its offset where both know it. A call that ends in
// neither a result nor a trap is a failure of the runtime and is reported
// even if both sides agree.
package difftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/wasmgen"
	"github.com/terra-runtime/terra/wasm"
)

// Engine is a WebAssembly runtime that difftest compares: terra in one
// configuration (a Side), or another implementation used as an oracle.
type Engine interface {
	fmt.Stringer // the engine's name
	// Load compiles and instantiates a module. If instantiation traps
	// (in a start function), the error wraps a *terra.Trap.
	Load(ctx context.Context, module []byte) (Instance, error)
}

// Instance is an instance that an Engine loaded.
type Instance interface {
	// Call calls an exported function with arguments and results as
	// terra.Function.Call has them. A trap is an error that wraps a
	// *terra.Trap.
	Call(ctx context.Context, export string, args []uint64) ([]uint64, error)
	// Memory returns the contents of an exported memory.
	Memory(export string) []byte
	// Global returns an exported global's value (hi is the upper half of
	// a v128), or false if the engine cannot read it.
	Global(export string) (lo, hi uint64, ok bool)
	// Table returns an exported table's elements, or false if the engine
	// cannot read them.
	Table(export string) ([]uint64, bool)
	Close() error
}

// CoarseTableTraps is implemented by engines that report every trap of a
// table access (out of bounds, call_indirect past the end or at a null) as
// terra.TrapTableOutOfBounds: difftest then does not tell those apart.
type CoarseTableTraps interface {
	CoarseTableTraps()
}

// Side is terra in one configuration.
type Side struct {
	Name   string
	Config terra.Config
	// Recycle makes Load instantiate the module once beforehand, call
	// every export (with zero arguments) and close that instance, so that
	// the instance it returns reuses recycled storage and a memory that
	// was reset.
	Recycle bool
}

// Reference is the side every other side is compared with: the
// interpreter with default settings.
var Reference = Side{Name: "interp", Config: terra.Config{}}

// Sides lists the configurations that must behave as Reference does. The
// interpreter's variants differ in settings that must not change results;
// the other tiers are skipped where NewRuntime reports ErrTierUnavailable
// (see Available). A new tier or setting is one more line here.
var Sides = []Side{
	{Name: "interp-profiled", Config: terra.Config{Profile: func([]terra.Frame) {}, ProfileInterval: time.Nanosecond}},
	{Name: "interp-limits", Config: terra.Config{MemoryLimitPages: 1024, MaxCallDepth: 5000}},
	{Name: "interp-recycled", Recycle: true},
	{Name: "jit", Config: terra.Config{Tier: terra.TierJIT}},
	{Name: "tiered", Config: terra.Config{Tier: terra.TierTiered}},
	// A threshold of one compiles a function in the background once it
	// runs, so calls cross tiers in both directions wherever compiles
	// happen to land.
	{Name: "tiered-t1", Config: terra.Config{Tier: terra.TierTiered, Tiering: terra.Tiering{Threshold: 1}}},
	// Compiled on the spot at a small threshold, functions move to machine
	// code at reproducible points inside calls: callers and callees on
	// different tiers, loops that started in the interpreter finished in
	// machine code through their OSR entries.
	{Name: "tiered-sync", Config: terra.Config{Tier: terra.TierTiered, Tiering: terra.Tiering{Threshold: 300, Sync: true}}},
	{Name: "tiered-eager", Config: terra.Config{Tier: terra.TierTiered, Tiering: terra.Tiering{Eager: true}}},
}

// Available reports why a side cannot run in this build (an error that
// wraps terra.ErrTierUnavailable for a missing tier), or nil.
func Available(s Side) error {
	_, err := terra.NewRuntime(s.Config)
	return err
}

// CallTimeout bounds one call. Generated modules finish in well under a
// millisecond, so a call that times out is reported as a failure.
var CallTimeout = 10 * time.Second

// Case is one module to run, and the stream its call arguments come from.
type Case struct {
	// Label says how to reproduce the case: a seed, or a fuzz input.
	Label  string
	Module []byte
	// Args gives the arguments of every call; nil means all zero.
	Args *wasmgen.Source
	// Rounds is how many times every exported function is called, in
	// export order; zero means 2, so that the second round runs on the
	// state the first left (and warmer code).
	Rounds int
}

// Stats counts what the calls of a case did.
type Stats struct {
	Calls   int
	Returns int
	Traps   map[terra.TrapKind]int
	// InstantiateTraps counts instantiations that trapped (on both sides).
	InstantiateTraps int
	// TierUps counts functions that the second engine's tiered runtime
	// moved to machine code during the case, and OSR the calls that moved
	// there at a loop.
	TierUps, OSR int
}

// tiering is implemented by instances of a runtime that tiers up.
type tiering interface {
	Tiering() terra.TieringStats
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.Calls += o.Calls
	s.Returns += o.Returns
	s.InstantiateTraps += o.InstantiateTraps
	s.TierUps += o.TierUps
	s.OSR += o.OSR
	for k, n := range o.Traps {
		if s.Traps == nil {
			s.Traps = map[terra.TrapKind]int{}
		}
		s.Traps[k] += n
	}
}

// Run runs c on engines a and b and compares them. It returns a *Mismatch
// if they differ (or a call fails on either), and another error if the case
// cannot run at all: an engine is unavailable, or the module does not
// validate or load on either.
func Run(ctx context.Context, c Case, a, b Engine) (Stats, error) {
	return run(ctx, c, [2]Engine{a, b}, [2][]byte{c.Module, c.Module})
}

// run compares modules[0] on engines[0] with modules[1] on engines[1]; the
// modules differ only in tests of the comparator.
func run(ctx context.Context, c Case, engines [2]Engine, modules [2][]byte) (Stats, error) {
	var st Stats
	m, err := wasm.Parse(bytes.Clone(c.Module), wasm.Features2_0)
	if err != nil {
		return st, fmt.Errorf("difftest: %s: %w", c.Label, err)
	}
	cmp := comparer{coarse: isCoarse(engines[0]) || isCoarse(engines[1])}
	mismatch := func(step string) *Mismatch {
		return &Mismatch{Label: c.Label, Module: c.Module, Sides: [2]string{engines[0].String(), engines[1].String()}, Step: step}
	}

	var inst [2]Instance
	var o [2]outcome
	for i, e := range engines {
		var err error
		inst[i], err = e.Load(ctx, modules[i])
		if err != nil {
			o[i] = newOutcome(nil, err)
			continue
		}
		defer inst[i].Close()
	}
	if inst[0] == nil || inst[1] == nil {
		switch {
		case o[0].err != nil && o[1].err != nil:
			return st, fmt.Errorf("difftest: %s: module does not load: %s: %w", c.Label, engines[0], o[0].err)
		case o[0].trap != nil && o[1].trap != nil && cmp.sameTrap(o[0].trap, o[1].trap):
			st.InstantiateTraps++
			return st, nil
		}
		m := mismatch("load")
		m.Outcomes = [2]string{o[0].String(), o[1].String()}
		return st, m.save()
	}
	// A start function may have changed the state.
	if m := cmp.state(m, inst, mismatch); m != nil {
		m.Step = "state after instantiation"
		return st, m.save()
	}

	rounds := c.Rounds
	if rounds == 0 {
		rounds = 2
	}
	for range rounds {
		for _, e := range m.Exports {
			if e.Kind != wasm.ExternFunc {
				continue
			}
			ft := m.FuncType(e.Index)
			args := arguments(c.Args, ft.Params)
			for i := range inst {
				o[i] = call(ctx, inst[i], e.Name, args)
			}
			st.Calls++
			if o[0].trap != nil {
				if st.Traps == nil {
					st.Traps = map[terra.TrapKind]int{}
				}
				st.Traps[o[0].trap.Kind]++
			} else if o[0].err == nil {
				st.Returns++
			}
			if detail := cmp.outcomes(ft.Results, o); detail != "" {
				mm := mismatch("call")
				mm.Export, mm.Params, mm.Args, mm.Detail = e.Name, ft.Params, args, detail
				mm.Outcomes = [2]string{o[0].String(), o[1].String()}
				return st, mm.save()
			}
			if mm := cmp.state(m, inst, mismatch); mm != nil {
				mm.Step = "state after call"
				mm.Export, mm.Params, mm.Args = e.Name, ft.Params, args
				mm.Outcomes = [2]string{o[0].String(), o[1].String()}
				return st, mm.save()
			}
		}
	}
	if t, ok := inst[1].(tiering); ok {
		ts := t.Tiering()
		st.TierUps, st.OSR = ts.Compiled, int(ts.OSR)
	}
	return st, nil
}

func isCoarse(e Engine) bool {
	_, ok := e.(CoarseTableTraps)
	return ok
}

// String implements Engine.
func (s Side) String() string { return s.Name }

// Load implements Engine: it compiles and instantiates the module on a
// new runtime of s's configuration, which the instance's Close closes.
func (s Side) Load(ctx context.Context, module []byte) (Instance, error) {
	rt, err := terra.NewRuntime(s.Config)
	if err != nil {
		return nil, fmt.Errorf("difftest: side %s: %w", s.Name, err)
	}
	inst, err := s.instantiate(ctx, rt, module)
	if err != nil {
		rt.Close()
		return nil, err
	}
	return terraInstance{inst, rt}, nil
}

func (s Side) instantiate(ctx context.Context, rt *terra.Runtime, module []byte) (*terra.Instance, error) {
	cm, err := rt.Compile(ctx, module)
	if err != nil {
		return nil, err
	}
	if s.Recycle {
		if err := dirty(ctx, rt, cm); err != nil {
			return nil, err
		}
	}
	return rt.Instantiate(ctx, cm, terra.InstanceConfig{})
}

// dirty instantiates cm, calls its exports and closes the instance.
func dirty(ctx context.Context, rt *terra.Runtime, cm *terra.CompiledModule) error {
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	var trap *terra.Trap
	if errors.As(err, &trap) {
		return nil // the start function traps: nothing to recycle
	} else if err != nil {
		return err
	}
	defer inst.Close()
	for _, e := range cm.Exports() {
		if e.Type.Kind == wasm.ExternFunc {
			call(ctx, terraInstance{Instance: inst}, e.Name, arguments(nil, e.Type.Func.Params))
		}
	}
	return nil
}

type terraInstance struct {
	*terra.Instance
	rt *terra.Runtime
}

// Close closes the instance and its runtime.
func (i terraInstance) Close() error {
	return errors.Join(i.Instance.Close(), i.rt.Close())
}

// Tiering implements tiering.
func (i terraInstance) Tiering() terra.TieringStats { return i.rt.Stats().Tiering }

func (i terraInstance) Call(ctx context.Context, export string, args []uint64) ([]uint64, error) {
	fn := i.ExportedFunction(export)
	if fn == nil {
		return nil, fmt.Errorf("no function exported as %q", export)
	}
	results, err := fn.Call(ctx, args...)
	at := 0
	for _, t := range fn.Type().Results {
		if (t == wasm.I32 || t == wasm.F32) && at < len(results) && results[at]>>32 != 0 {
			return nil, fmt.Errorf("result cell 0x%x of type %s is not zero-extended", results[at], t)
		}
		at += t.Slots()
	}
	return results, err
}

func (i terraInstance) Memory(export string) []byte {
	if m := i.Instance.Memory(export); m != nil {
		return m.Bytes()
	}
	return nil
}

func (i terraInstance) Global(export string) (lo, hi uint64, ok bool) {
	g := i.Instance.Global(export)
	if g == nil {
		return 0, 0, false
	}
	lo, hi = g.GetV128()
	return lo, hi, true
}

func (i terraInstance) Table(export string) ([]uint64, bool) {
	t := i.Instance.Table(export)
	if t == nil {
		return nil, false
	}
	elems := make([]uint64, t.Size())
	for k := range elems {
		elems[k], _ = t.Get(uint32(k))
	}
	return elems, true
}

// arguments draws arguments of types ts from src.
func arguments(src *wasmgen.Source, ts []wasm.ValueType) []uint64 {
	if src == nil {
		src = wasmgen.NewSource(nil)
	}
	var args []uint64
	for _, t := range ts {
		switch t {
		case wasm.I32, wasm.I64, wasm.F32, wasm.F64:
			args = append(args, wasmgen.Value(src, t))
		case wasm.V128:
			args = append(args, wasmgen.Value(src, wasm.I64), wasmgen.Value(src, wasm.I64))
		default:
			// A funcref argument must name a function of the runtime,
			// and handles differ between runtimes: pass null.
			args = append(args, 0)
		}
	}
	return args
}

// outcome is how a call ended.
type outcome struct {
	results []uint64
	trap    *terra.Trap
	err     error // neither results nor a trap: a runtime failure
}

func newOutcome(results []uint64, err error) outcome {
	var trap *terra.Trap
	if errors.As(err, &trap) && trap.Kind != terra.TrapInterrupted {
		return outcome{trap: trap}
	}
	return outcome{results: results, err: err}
}

func call(ctx context.Context, inst Instance, export string, args []uint64) outcome {
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	return newOutcome(inst.Call(ctx, export, args))
}

func (o outcome) String() string {
	switch {
	case o.trap != nil:
		frames := make([]string, len(o.trap.Frames))
		for i, f := range o.trap.Frames {
			frames[i] = f.String()
		}
		return fmt.Sprintf("trap %q in [%s]", o.trap.Kind, strings.Join(frames, ", "))
	case o.err != nil:
		return "error: " + o.err.Error()
	}
	return "results " + cells(o.results)
}

func cells(vs []uint64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprintf("0x%x", v)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// comparer applies the package's comparison rules.
type comparer struct {
	// coarse merges the kinds of table traps, for an engine that does
	// not tell them apart.
	coarse bool
}

// outcomes returns what differs between two outcomes of a call with
// result types ts, or "".
func (c comparer) outcomes(ts []wasm.ValueType, o [2]outcome) string {
	switch {
	case o[0].err != nil || o[1].err != nil:
		return "a call ended in neither results nor a trap"
	case (o[0].trap == nil) != (o[1].trap == nil):
		return "one side trapped"
	case o[0].trap != nil:
		if !c.sameTrap(o[0].trap, o[1].trap) {
			return "traps differ"
		}
		return ""
	}
	at := 0
	for i, t := range ts {
		n := t.Slots()
		if at+n > len(o[0].results) || at+n > len(o[1].results) {
			return "too few results"
		}
		for k := range n {
			if !sameValue(t, o[0].results[at+k], o[1].results[at+k]) {
				return fmt.Sprintf("result %d (%s) differs", i, t)
			}
		}
		at += n
	}
	return ""
}

// sameValue compares one cell of type t by the package's rules. The upper
// half of an i32 or f32 cell is not part of the value: other engines leave
// garbage there (terra zero-extends, which Side checks).
func sameValue(t wasm.ValueType, a, b uint64) bool {
	switch t {
	case wasm.I32:
		return uint32(a) == uint32(b)
	case wasm.F32:
		fa, fb := math.Float32frombits(uint32(a)), math.Float32frombits(uint32(b))
		return uint32(a) == uint32(b) || (fa != fa && fb != fb)
	case wasm.F64:
		fa, fb := math.Float64frombits(a), math.Float64frombits(b)
		return a == b || (fa != fa && fb != fb)
	case wasm.FuncRef:
		return (a == 0) == (b == 0)
	}
	return a == b
}

func (c comparer) sameTrap(a, b *terra.Trap) bool {
	if c.kind(a.Kind) != c.kind(b.Kind) {
		return false
	}
	if len(a.Frames) == 0 || len(b.Frames) == 0 {
		return true
	}
	if len(a.Frames) != len(b.Frames) {
		return false
	}
	for i, fa := range a.Frames {
		fb := b.Frames[i]
		if fa.Func != fb.Func || (fa.Offset >= 0 && fb.Offset >= 0 && fa.Offset != fb.Offset) {
			return false
		}
	}
	return true
}

func (c comparer) kind(k terra.TrapKind) terra.TrapKind {
	if c.coarse && (k == terra.TrapUndefinedElement || k == terra.TrapUninitializedElement) {
		return terra.TrapTableOutOfBounds
	}
	return k
}

// state compares the exported memories, globals and tables of module m.
func (c comparer) state(m *wasm.Module, inst [2]Instance, mismatch func(string) *Mismatch) *Mismatch {
	for _, e := range m.Exports {
		var detail string
		switch e.Kind {
		case wasm.ExternMemory:
			detail = compareMemory(inst[0].Memory(e.Name), inst[1].Memory(e.Name))
		case wasm.ExternGlobal:
			lo0, hi0, ok0 := inst[0].Global(e.Name)
			lo1, hi1, ok1 := inst[1].Global(e.Name)
			t := m.AllGlobals[e.Index].Type
			if ok0 && ok1 && (!sameValue(t, lo0, lo1) || hi0 != hi1) {
				detail = fmt.Sprintf("global of type %s: 0x%x:%x vs 0x%x:%x", t, hi0, lo0, hi1, lo1)
			}
		case wasm.ExternTable:
			a, ok0 := inst[0].Table(e.Name)
			b, ok1 := inst[1].Table(e.Name)
			if ok0 && ok1 {
				detail = compareTable(m.AllTables[e.Index].Elem, a, b)
			}
		}
		if detail != "" {
			mm := mismatch("state")
			mm.Detail = fmt.Sprintf("export %q: %s", e.Name, detail)
			return mm
		}
	}
	return nil
}

func compareMemory(a, b []byte) string {
	if len(a) != len(b) {
		return fmt.Sprintf("memory of %d vs %d bytes", len(a), len(b))
	}
	if bytes.Equal(a, b) {
		return ""
	}
	i := 0
	for a[i] == b[i] {
		i++
	}
	end := min(i+16, len(a))
	return fmt.Sprintf("memory differs from offset 0x%x: % x vs % x", i, a[i:end], b[i:end])
}

func compareTable(t wasm.ValueType, a, b []uint64) string {
	if len(a) != len(b) {
		return fmt.Sprintf("table of %d vs %d elements", len(a), len(b))
	}
	for i := range a {
		if !sameValue(t, a[i], b[i]) {
			return fmt.Sprintf("table element %d: 0x%x vs 0x%x", i, a[i], b[i])
		}
	}
	return ""
}

// Mismatch reports a difference between two sides, or a call that failed
// on either, with what it takes to reproduce it.
type Mismatch struct {
	Label  string
	Module []byte
	// Path is the file the module was written to, or "" if writing failed.
	Path     string
	Sides    [2]string
	Step     string // load (compile and instantiate), call, state after ...
	Export   string
	Params   []wasm.ValueType
	Args     []uint64
	Outcomes [2]string
	Detail   string
}

// save writes the module to a new temporary directory, which it leaves for
// the reader of the report.
func (m *Mismatch) save() *Mismatch {
	dir, err := os.MkdirTemp("", "terra-difftest-")
	if err == nil {
		path := filepath.Join(dir, "module.wasm")
		if os.WriteFile(path, m.Module, 0o644) == nil {
			m.Path = path
		}
	}
	return m
}

func (m *Mismatch) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "difftest: %s vs %s differ at %s", m.Sides[0], m.Sides[1], m.Step)
	if m.Detail != "" {
		fmt.Fprintf(&b, ": %s", m.Detail)
	}
	fmt.Fprintf(&b, "\n  case: %s", m.Label)
	if m.Path != "" {
		fmt.Fprintf(&b, "\n  module: %s (print it with: wasm2wat %s)", m.Path, m.Path)
	} else {
		fmt.Fprintf(&b, "\n  module: %d bytes (could not be written to a file)", len(m.Module))
	}
	if m.Export != "" {
		fmt.Fprintf(&b, "\n  export: %q %v, arguments %s", m.Export, m.Params, cells(m.Args))
	}
	for i, o := range m.Outcomes {
		if o != "" {
			fmt.Fprintf(&b, "\n  %s: %s", m.Sides[i], o)
		}
	}
	return b.String()
}
