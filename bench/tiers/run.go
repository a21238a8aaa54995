package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
)

// sample is the times of one run, each from the run's start, just before
// it makes a fresh Runtime to compile the module's raw bytes in, and for
// the tiered engine what its tiering did by the run's end. In JSON it is an
// array of numbers (see sampleFields), to keep tiers.json small: the three
// times in nanoseconds, then, for the tiered engine, the seven of Tiering.
type sample struct {
	// Ready is when the instance is ready to call: the runtime made, the
	// module compiled, the instance (and a program's WASI host) made.
	Ready time.Duration
	// First is when the first result is there: a kernel's first call
	// returned; a program's first byte of standard output written.
	First time.Duration
	// Total is when the run's work is done: a kernel's last call returned;
	// a program's _start returned.
	Total time.Duration
	// Tiering is nil for the pure tiers.
	Tiering *tierSample
}

// tierSample is what the tiered engine's tiering did in one run, by its
// end (terra.RuntimeStats.Tiering).
type tierSample struct {
	// Queued counts the functions that turned hot (all of them, eager),
	// Compiled those whose code was ready by the run's end, OSR the calls
	// that moved to machine code at a loop header.
	Queued, Compiled int
	OSR              int64
	// Hot is when the first function to be compiled turned hot, from the
	// run's start, Wait how long it then waited for a compiler, and
	// CodeReady when its code was ready: Hot + Wait + its batch's compile
	// time. All 0 if no function was compiled.
	Hot, Wait, CodeReady time.Duration
	// Compile sums the compile times of the batches: the time a
	// background compiler took from the processors.
	Compile time.Duration
}

// sampleFields names the elements of a sample in JSON.
var sampleFields = []string{"ready_ns", "first_ns", "total_ns",
	"tiered_queued", "tiered_compiled", "tiered_osr", "tiered_hot_ns", "tiered_wait_ns", "tiered_code_ready_ns", "tiered_compile_ns"}

func (s sample) MarshalJSON() ([]byte, error) {
	a := []int64{int64(s.Ready), int64(s.First), int64(s.Total)}
	if t := s.Tiering; t != nil {
		a = append(a, int64(t.Queued), int64(t.Compiled), t.OSR, int64(t.Hot), int64(t.Wait), int64(t.CodeReady), int64(t.Compile))
	}
	return json.Marshal(a)
}

func (s *sample) UnmarshalJSON(data []byte) error {
	var a []int64
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	if len(a) != 3 && len(a) != len(sampleFields) {
		return fmt.Errorf("a run of %d numbers, want 3 or %d", len(a), len(sampleFields))
	}
	*s = sample{Ready: time.Duration(a[0]), First: time.Duration(a[1]), Total: time.Duration(a[2])}
	if len(a) > 3 {
		s.Tiering = &tierSample{Queued: int(a[3]), Compiled: int(a[4]), OSR: a[5], Hot: time.Duration(a[6]),
			Wait: time.Duration(a[7]), CodeReady: time.Duration(a[8]), Compile: time.Duration(a[9])}
	}
	return nil
}

// tierStats returns what the tiering of rt did in a run that started at
// start, or nil if rt is not tiered.
func tierStats(rt *terra.Runtime, tier terra.Tier, start time.Time) *tierSample {
	if tier != terra.TierTiered {
		return nil
	}
	st := rt.Stats().Tiering
	t := &tierSample{Queued: st.Queued, Compiled: st.Compiled, OSR: st.OSR}
	batches := map[time.Time]bool{} // the functions of a batch share its start, Hot + Wait
	for _, u := range st.TierUps {
		began := u.Hot.Add(u.Wait)
		if !batches[began] {
			batches[began] = true
			t.Compile += u.Compile
		}
		if at := began.Add(u.Compile).Sub(start); t.CodeReady == 0 || at < t.CodeReady {
			t.Hot, t.Wait, t.CodeReady = u.Hot.Sub(start), u.Wait, at
		}
	}
	return t
}

// runOnce runs w at size s once in a fresh runtime configured by cfg, and
// checks its results: a kernel is called calls times, a program's _start
// once. The runtime, and all that the run made in it, is closed after the
// timing.
func runOnce(ctx context.Context, cfg terra.Config, w workload, s size, calls int) (sample, error) {
	start := time.Now()
	rt, err := terra.NewRuntime(cfg)
	if err != nil {
		return sample{}, err
	}
	defer rt.Close()
	cm, err := rt.Compile(ctx, w.Wasm)
	if err != nil {
		return sample{}, err
	}
	var smp sample
	if w.Kind == kindProgram {
		smp, err = runProgram(ctx, rt, cm, start, w, s)
	} else {
		smp, err = runKernel(ctx, rt, cm, start, w, s, calls)
	}
	if err != nil {
		return smp, err
	}
	smp.Tiering = tierStats(rt, cfg.Tier, start)
	return smp, nil
}

// runKernel is runOnce for a kernel, once cm is compiled in rt; the run
// started at start.
func runKernel(ctx context.Context, rt *terra.Runtime, cm *terra.CompiledModule, start time.Time, w workload, s size, calls int) (sample, error) {
	var smp sample
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		return smp, err
	}
	fn := inst.ExportedFunction(w.Name)
	if fn == nil {
		return smp, fmt.Errorf("no exported function %q", w.Name)
	}
	smp.Ready = time.Since(start)
	for i := range calls {
		res, err := fn.Call(ctx, uint64(s.Arg))
		if err != nil {
			return smp, fmt.Errorf("%s(%d), call %d: %w", w.Name, s.Arg, i+1, err)
		}
		if i == 0 {
			smp.First = time.Since(start)
		}
		if len(res) != 1 || res[0] != s.Want {
			return smp, fmt.Errorf("%s(%d), call %d: got %#x, want %#x", w.Name, s.Arg, i+1, res, s.Want)
		}
	}
	smp.Total = time.Since(start)
	return smp, nil
}

// runProgram is runOnce for a program, once cm is compiled in rt; the run
// started at start.
func runProgram(ctx context.Context, rt *terra.Runtime, cm *terra.CompiledModule, start time.Time, w workload, s size) (sample, error) {
	var smp sample
	stdout := &firstWriter{start: start}
	args := []string{w.Name, strconv.FormatUint(uint64(s.Arg), 10)}
	if _, err := wasi.Instantiate(ctx, rt, wasi.Config{Args: args, Stdout: stdout, Stderr: io.Discard}); err != nil {
		return smp, err
	}
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		return smp, err
	}
	main := inst.ExportedFunction("_start")
	if main == nil {
		return smp, errors.New("no exported function _start")
	}
	smp.Ready = time.Since(start)
	_, err = main.Call(ctx)
	smp.Total = time.Since(start)
	if exit, ok := errors.AsType[*wasi.ExitError](err); ok && exit.Code == 0 {
		err = nil
	}
	if err != nil {
		return smp, fmt.Errorf("%s %d: %w", w.Name, s.Arg, err)
	}
	if got := stdout.buf.String(); got != s.Output {
		return smp, fmt.Errorf("%s %d: printed %q, want %q", w.Name, s.Arg, got, s.Output)
	}
	smp.First = stdout.first
	return smp, nil
}

// firstWriter collects a program's output and notes when its first byte
// came, as a duration from start.
type firstWriter struct {
	start time.Time
	first time.Duration
	buf   strings.Builder
}

func (f *firstWriter) Write(p []byte) (int, error) {
	if f.buf.Len() == 0 && len(p) > 0 {
		f.first = time.Since(f.start)
	}
	return f.buf.Write(p)
}
