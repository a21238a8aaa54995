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
// it makes a fresh Runtime to compile the module's raw bytes in. In JSON it
// is an array of the three in nanoseconds (see sampleFields), to keep
// tiers.json small.
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
}

// sampleFields names the elements of a sample in JSON.
var sampleFields = []string{"ready_ns", "first_ns", "total_ns"}

func (s sample) MarshalJSON() ([]byte, error) {
	return json.Marshal([3]time.Duration{s.Ready, s.First, s.Total})
}

func (s *sample) UnmarshalJSON(data []byte) error {
	var a [3]time.Duration
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	s.Ready, s.First, s.Total = a[0], a[1], a[2]
	return nil
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
	if w.Kind == kindProgram {
		return runProgram(ctx, rt, cm, start, w, s)
	}
	return runKernel(ctx, rt, cm, start, w, s, calls)
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
