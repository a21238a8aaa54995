package store

import (
	"fmt"
	"slices"
	"strings"
)

// TrapKind says why execution trapped.
type TrapKind uint8

// Trap kinds. Their messages are the spec interpreter's.
const (
	TrapUnreachable TrapKind = iota + 1
	TrapMemoryOutOfBounds
	TrapTableOutOfBounds
	TrapUndefinedElement     // call_indirect past the end of the table
	TrapUninitializedElement // call_indirect of a null entry
	TrapIndirectCallTypeMismatch
	TrapIntegerDivideByZero
	TrapIntegerOverflow
	TrapInvalidConversion
	TrapStackExhausted
	TrapInterrupted // context cancelled or deadline passed
)

var trapMessages = [...]string{
	TrapUnreachable:              "unreachable",
	TrapMemoryOutOfBounds:        "out of bounds memory access",
	TrapTableOutOfBounds:         "out of bounds table access",
	TrapUndefinedElement:         "undefined element",
	TrapUninitializedElement:     "uninitialized element",
	TrapIndirectCallTypeMismatch: "indirect call type mismatch",
	TrapIntegerDivideByZero:      "integer divide by zero",
	TrapIntegerOverflow:          "integer overflow",
	TrapInvalidConversion:        "invalid conversion to integer",
	TrapStackExhausted:           "call stack exhausted",
	TrapInterrupted:              "interrupted",
}

func (k TrapKind) String() string {
	if int(k) < len(trapMessages) && trapMessages[k] != "" {
		return trapMessages[k]
	}
	return fmt.Sprintf("trap(%d)", uint8(k))
}

// Frame is one entry of a WebAssembly stack trace.
type Frame struct {
	Instance string // the instance's name, or the host module's
	Func     uint32 // index in the module's function index space
	Name     string // from the name section, or empty
	// Offset is the byte offset in the module of the instruction executing
	// in this frame, or -1 if unknown.
	Offset int
}

func (f Frame) String() string {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("func[%d]", f.Func)
	}
	if f.Instance != "" {
		name = f.Instance + "." + name
	}
	if f.Offset >= 0 {
		return fmt.Sprintf("%s at 0x%x", name, f.Offset)
	}
	return name
}

// MaxTrapFrames bounds the frames a Trap records: a runaway recursion is
// 100,000 frames deep, which would cost megabytes per trap. A deeper stack
// keeps its innermost and outermost MaxTrapFrames/2 frames.
const MaxTrapFrames = 1024

// Trap is a WebAssembly trap: the kind and the stack of wasm frames,
// innermost first. Cause holds the context's error for TrapInterrupted.
type Trap struct {
	Kind TrapKind
	// Frames are the frames recorded, innermost first: every frame of the
	// stack, or, when Omitted is not zero, the innermost and the outermost
	// halves of it, with the Omitted frames between them left out
	// (between Frames[len(Frames)/2-1] and Frames[len(Frames)/2]).
	Frames []Frame
	// Omitted counts the frames of the stack that Frames leaves out.
	Omitted int
	Cause   error
}

// SetFrames records frames, a stack innermost first, within MaxTrapFrames
// (see Trap.Frames): a deeper stack's innermost and outermost halves are
// copied, and the rest counted in Omitted.
func (t *Trap) SetFrames(frames []Frame) {
	if len(frames) <= MaxTrapFrames {
		t.Frames, t.Omitted = frames, 0
		return
	}
	half := MaxTrapFrames / 2
	t.Frames = slices.Concat(frames[:half], frames[len(frames)-half:])
	t.Omitted = len(frames) - MaxTrapFrames
}

// SetFramesOmitting records a stack whose walker skipped omitted frames
// between inner, its innermost frames, and outer, the rest: as SetFrames
// would record inner, omitted frames more, then outer. A walker that skips
// keeps exactly MaxTrapFrames/2 inner frames and at least as many outer.
func (t *Trap) SetFramesOmitting(inner []Frame, omitted int, outer []Frame) {
	if omitted == 0 {
		t.SetFrames(append(inner, outer...))
		return
	}
	half := MaxTrapFrames / 2
	t.Frames = slices.Concat(inner, outer[len(outer)-half:])
	t.Omitted = omitted + len(outer) - half
}

// Depth returns how many frames deep the stack was, recorded or not.
func (t *Trap) Depth() int { return len(t.Frames) + t.Omitted }

// Error describes the trap with a stack trace short enough to read: runs of
// a repeated frame, or of a repeated cycle of frames (mutual recursion),
// are collapsed, and past the innermost and outermost traceLines lines the
// trace says how many frames it leaves out. Frames has them all.
func (t *Trap) Error() string {
	var b strings.Builder
	b.WriteString("wasm trap: ")
	b.WriteString(t.Kind.String())
	if t.Cause != nil {
		b.WriteString(": ")
		b.WriteString(t.Cause.Error())
	}
	runs := t.runs()
	lines := 0
	for _, r := range runs {
		lines += r.lines()
	}
	// Lines of the runs shown from the inside, and from the outside.
	head, tail := len(runs), len(runs)
	if lines > 2*traceLines {
		head, tail = 0, len(runs)
		for n := 0; head < len(runs) && n+runs[head].lines() <= traceLines; head++ {
			n += runs[head].lines()
		}
		for n := 0; tail > head && n+runs[tail-1].lines() <= traceLines; tail-- {
			n += runs[tail-1].lines()
		}
	}
	for i, r := range runs {
		if i == head && head < tail {
			left := 0
			for _, r := range runs[head:tail] {
				left += r.frames()
			}
			fmt.Fprintf(&b, "\n\t[%d more frames]", left)
		}
		if i >= head && i < tail {
			continue
		}
		r.write(&b)
	}
	return b.String()
}

// traceLines is how many lines of frames Trap.Error shows at either end of
// a long stack trace.
const traceLines = 30

// maxCycle is the longest cycle of frames that Trap.Error collapses.
const maxCycle = 8

// run is a part of a stack trace as Trap.Error shows it: a cycle of frames
// repeated reps times, or the frames a Trap did not record (gap).
type run struct {
	cycle []Frame
	reps  int
	gap   int
}

func (r run) lines() int {
	if r.gap > 0 {
		return 1
	}
	if r.reps > 1 {
		return len(r.cycle) + 1
	}
	return len(r.cycle)
}

func (r run) frames() int { return r.gap + len(r.cycle)*r.reps }

func (r run) write(b *strings.Builder) {
	if r.gap > 0 {
		fmt.Fprintf(b, "\n\t[%d frames not recorded]", r.gap)
		return
	}
	for _, f := range r.cycle {
		b.WriteString("\n\tat ")
		b.WriteString(f.String())
	}
	switch {
	case r.reps == 2 && len(r.cycle) == 1:
		b.WriteString("\n\t[previous frame repeated once more]")
	case len(r.cycle) == 1 && r.reps > 1:
		fmt.Fprintf(b, "\n\t[previous frame repeated %d more times]", r.reps-1)
	case r.reps > 1:
		fmt.Fprintf(b, "\n\t[previous %d frames repeated %d more times]", len(r.cycle), r.reps-1)
	}
}

// runs splits the recorded frames into runs, collapsing repetitions.
func (t *Trap) runs() []run {
	var runs []run
	if t.Omitted == 0 {
		return collapse(runs, t.Frames)
	}
	half := len(t.Frames) / 2
	runs = collapse(runs, t.Frames[:half])
	runs = append(runs, run{gap: t.Omitted})
	return collapse(runs, t.Frames[half:])
}

// collapse appends the runs of frames to runs: at each position, the cycle
// of at most maxCycle frames that repeats over the most frames, if any
// repeats.
func collapse(runs []run, frames []Frame) []run {
	single := 0 // start of the frames not yet in a run
	flush := func(end int) {
		if single < end {
			for _, f := range frames[single:end] {
				runs = append(runs, run{cycle: []Frame{f}, reps: 1})
			}
		}
	}
	for i := 0; i < len(frames); {
		bestP, bestReps := 0, 1
		for p := 1; p <= maxCycle && i+2*p <= len(frames); p++ {
			reps := 1
			for i+(reps+1)*p <= len(frames) && slices.Equal(frames[i:i+p], frames[i+reps*p:i+(reps+1)*p]) {
				reps++
			}
			if reps > 1 && reps*p > bestReps*bestP {
				bestP, bestReps = p, reps
			}
		}
		if bestP == 0 {
			i++
			continue
		}
		flush(i)
		runs = append(runs, run{cycle: frames[i : i+bestP], reps: bestReps})
		i += bestP * bestReps
		single = i
	}
	flush(len(frames))
	return runs
}

// Unwrap returns the cause of an interrupted trap.
func (t *Trap) Unwrap() error { return t.Cause }
