// Package difftest runs a module on two configurations of terra (two
// execution tiers, or one tier configured two ways that must not matter)
// and reports any difference a WebAssembly program could observe: results,
// traps and their stack traces, and the final state of exported memories,
// globals and tables.
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

// Side is one way to run a module: a named configuration of terra.
type Side struct {
	Name   string
	Config terra.Config
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
	{Name: "jit", Config: terra.Config{Tier: terra.TierJIT}},
	{Name: "tiered", Config: terra.Config{Tier: terra.TierTiered}},
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
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.Calls += o.Calls
	s.Returns += o.Returns
	s.InstantiateTraps += o.InstantiateTraps
	for k, n := range o.Traps {
		if s.Traps == nil {
			s.Traps = map[terra.TrapKind]int{}
		}
		s.Traps[k] += n
	}
}

// Run runs c on sides a and b and compares them. It returns a *Mismatch if
// they differ (or a call fails on either), and another error if the case
// cannot run at all: a side is unavailable, or the module does not compile
// on either.
func Run(ctx context.Context, c Case, a, b Side) (Stats, error) {
	return run(ctx, c, [2]Side{a, b}, [2][]byte{c.Module, c.Module})
}

// side is one side of a running case.
type side struct {
	Side
	rt   *terra.Runtime
	cm   *terra.CompiledModule
	inst *terra.Instance
}

// run compares modules[0] on sides[0] with modules[1] on sides[1]; the
// modules differ only in tests of the comparator.
func run(ctx context.Context, c Case, sides [2]Side, modules [2][]byte) (Stats, error) {
	var st Stats
	var s [2]*side
	for i := range s {
		rt, err := terra.NewRuntime(sides[i].Config)
		if err != nil {
			return st, fmt.Errorf("difftest: side %s: %w", sides[i].Name, err)
		}
		s[i] = &side{Side: sides[i], rt: rt}
	}
	mismatch := func(step string) *Mismatch {
		return &Mismatch{Label: c.Label, Module: c.Module, Sides: [2]string{s[0].Name, s[1].Name}, Step: step}
	}

	var errs [2]error
	for i := range s {
		s[i].cm, errs[i] = s[i].rt.Compile(ctx, modules[i])
	}
	if errs[0] != nil || errs[1] != nil {
		if errs[0] != nil && errs[1] != nil {
			return st, fmt.Errorf("difftest: %s: module does not compile: %w", c.Label, errs[0])
		}
		m := mismatch("compile")
		m.Outcomes = [2]string{errString(errs[0]), errString(errs[1])}
		return st, m.save()
	}

	for i := range s {
		s[i].inst, errs[i] = s[i].rt.Instantiate(ctx, s[i].cm, terra.InstanceConfig{})
		if s[i].inst != nil {
			defer s[i].inst.Close()
		}
	}
	if errs[0] != nil || errs[1] != nil {
		var o [2]outcome
		for i := range o {
			o[i] = newOutcome(nil, errs[i])
		}
		if o[0].trap == nil || o[1].trap == nil || !sameTrap(o[0].trap, o[1].trap) {
			m := mismatch("instantiate")
			m.Outcomes = [2]string{o[0].String(), o[1].String()}
			return st, m.save()
		}
		st.InstantiateTraps++
		return st, nil
	}
	// A start function may have changed the state.
	if m := compareState(s, mismatch); m != nil {
		m.Step = "state after instantiation"
		return st, m.save()
	}

	exports := s[0].cm.Exports()
	rounds := c.Rounds
	if rounds == 0 {
		rounds = 2
	}
	for range rounds {
		for _, e := range exports {
			if e.Type.Kind != wasm.ExternFunc {
				continue
			}
			ft := e.Type.Func
			args := arguments(c.Args, ft.Params)
			var o [2]outcome
			for i := range s {
				o[i] = call(ctx, s[i].inst.ExportedFunction(e.Name), args)
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
			if detail := compareOutcomes(ft.Results, o); detail != "" {
				m := mismatch("call")
				m.Export, m.Params, m.Args, m.Detail = e.Name, ft.Params, args, detail
				m.Outcomes = [2]string{o[0].String(), o[1].String()}
				return st, m.save()
			}
			if m := compareState(s, mismatch); m != nil {
				m.Step = "state after call"
				m.Export, m.Params, m.Args = e.Name, ft.Params, args
				m.Outcomes = [2]string{o[0].String(), o[1].String()}
				return st, m.save()
			}
		}
	}
	return st, nil
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
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

func call(ctx context.Context, fn *terra.Function, args []uint64) outcome {
	if fn == nil {
		return outcome{err: errors.New("no such export")}
	}
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	return newOutcome(fn.Call(ctx, args...))
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

// compareOutcomes returns what differs between two outcomes of a call
// with result types ts, or "".
func compareOutcomes(ts []wasm.ValueType, o [2]outcome) string {
	switch {
	case o[0].err != nil || o[1].err != nil:
		return "a call ended in neither results nor a trap"
	case (o[0].trap == nil) != (o[1].trap == nil):
		return "one side trapped"
	case o[0].trap != nil:
		if !sameTrap(o[0].trap, o[1].trap) {
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

// sameValue compares one cell of type t by the package's rules.
func sameValue(t wasm.ValueType, a, b uint64) bool {
	switch t {
	case wasm.F32:
		fa, fb := math.Float32frombits(uint32(a)), math.Float32frombits(uint32(b))
		return a == b || (fa != fa && fb != fb)
	case wasm.F64:
		fa, fb := math.Float64frombits(a), math.Float64frombits(b)
		return a == b || (fa != fa && fb != fb)
	case wasm.FuncRef:
		return (a == 0) == (b == 0)
	}
	return a == b
}

func sameTrap(a, b *terra.Trap) bool {
	if a.Kind != b.Kind {
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

// compareState compares the exported memories, globals and tables.
func compareState(s [2]*side, mismatch func(string) *Mismatch) *Mismatch {
	for _, e := range s[0].cm.Exports() {
		var detail string
		switch e.Type.Kind {
		case wasm.ExternMemory:
			detail = compareMemory(s[0].inst.Memory(e.Name), s[1].inst.Memory(e.Name))
		case wasm.ExternGlobal:
			detail = compareGlobal(s[0].inst.Global(e.Name), s[1].inst.Global(e.Name))
		case wasm.ExternTable:
			detail = compareTable(s[0].inst.Table(e.Name), s[1].inst.Table(e.Name))
		}
		if detail != "" {
			m := mismatch("state")
			m.Detail = fmt.Sprintf("export %q: %s", e.Name, detail)
			return m
		}
	}
	return nil
}

const missing = "missing on one side"

func compareGlobal(a, b *terra.Global) string {
	if b == nil {
		return missing
	}
	t := a.Type().Type
	lo0, hi0 := a.GetV128()
	lo1, hi1 := b.GetV128()
	if !sameValue(t, lo0, lo1) || hi0 != hi1 {
		return fmt.Sprintf("global of type %s: 0x%x:%x vs 0x%x:%x", t, hi0, lo0, hi1, lo1)
	}
	return ""
}

func compareMemory(a, b *terra.Memory) string {
	if b == nil {
		return missing
	}
	if a.Pages() != b.Pages() {
		return fmt.Sprintf("memory of %d vs %d pages", a.Pages(), b.Pages())
	}
	ba, bb := a.Bytes(), b.Bytes()
	if bytes.Equal(ba, bb) {
		return ""
	}
	i := 0
	for ba[i] == bb[i] {
		i++
	}
	end := min(i+16, len(ba))
	return fmt.Sprintf("memory differs from offset 0x%x: % x vs % x", i, ba[i:end], bb[i:end])
}

func compareTable(a, b *terra.Table) string {
	if b == nil {
		return missing
	}
	if a.Size() != b.Size() {
		return fmt.Sprintf("table of %d vs %d elements", a.Size(), b.Size())
	}
	t := a.Type().Elem
	for i := range a.Size() {
		ea, _ := a.Get(i)
		eb, _ := b.Get(i)
		if !sameValue(t, ea, eb) {
			return fmt.Sprintf("table element %d: 0x%x vs 0x%x", i, ea, eb)
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
	Step     string // compile, instantiate, call, state after ...
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
